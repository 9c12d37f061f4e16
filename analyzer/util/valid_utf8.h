// Model files carry names in any bytes (ONNX's proto2 strings are not checked),
// but a report's strings are proto3 strings, printed as JSON: each must be
// valid UTF-8, or protobuf logs an error per field and JSON readers reject
// the output. Invalid sequences become U+FFFD, as a decoder would show them.
#ifndef ONNX_FLOPS_ANALYZER_UTIL_VALID_UTF8_H_
#define ONNX_FLOPS_ANALYZER_UTIL_VALID_UTF8_H_

#include <string>

#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"

namespace onnx_flops {

// Bytes of the well-formed UTF-8 sequence starting at s[i], 0 when the
// bytes there do not start one.
size_t Utf8SequenceLength(absl::string_view s, size_t i);

// Whether `s` is well-formed UTF-8 (RFC 3629: no overlong forms, surrogates
// or code points past U+10FFFF).
bool IsValidUtf8(absl::string_view s);

// `s` with every byte that does not start a well-formed sequence replaced by
// U+FFFD.
std::string ValidUtf8(absl::string_view s);

// Applies ValidUtf8 to every string field of `m` and its sub-messages.
void MakeStringsValidUtf8(google::protobuf::Message* m);

}  // namespace onnx_flops

#endif  // ONNX_FLOPS_ANALYZER_UTIL_VALID_UTF8_H_
