// SHA-256 of a model file, so a published figure names exactly the file it
// was computed from. OpenSSL's implementation (libssl-dev), streamed in 1 MiB
// reads: memory stays flat whatever the file's size.
#ifndef ONNX_FLOPS_ANALYZER_UTIL_FILE_DIGEST_H_
#define ONNX_FLOPS_ANALYZER_UTIL_FILE_DIGEST_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace onnx_flops {

// 64 lowercase hex digits. NotFound / DataLoss (naming the file) when it
// cannot be opened or read.
absl::StatusOr<std::string> Sha256OfFile(const std::string& path);
std::string Sha256OfBytes(absl::string_view bytes);

}  // namespace onnx_flops

#endif  // ONNX_FLOPS_ANALYZER_UTIL_FILE_DIGEST_H_
