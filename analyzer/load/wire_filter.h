// Protobuf wire-level copy of an ONNX ModelProto that leaves out large tensor
// payloads. Offsets are size_t throughout, so files past protobuf's 2 GB
// message limit are walked too; only the (small) kept bytes are ever parsed.
#ifndef ONNX_FLOPS_ANALYZER_LOAD_WIRE_FILTER_H_
#define ONNX_FLOPS_ANALYZER_LOAD_WIRE_FILTER_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

#include "absl/status/statusor.h"

namespace onnx_flops {

struct WireFilterStats {
  int64_t stripped_tensors = 0;
  int64_t stripped_bytes = 0;
};

// Returns the serialized ModelProto without the payload fields of any
// TensorProto whose payload exceeds `keep_payload_bytes`. Fails on malformed
// wire data (truncation, bad lengths, group wire types) and on subgraph
// nesting deeper than `max_depth`.
absl::StatusOr<std::string> FilterModelBytes(const uint8_t* data, size_t size,
                                             size_t keep_payload_bytes, int max_depth,
                                             WireFilterStats* stats);

// Copies bytes [offset, offset + n) of the file into out (pread).
using ReadAt = std::function<absl::Status(uint64_t offset, size_t n, uint8_t* out)>;

// The same over a file of `size` bytes read through `read`: only field
// headers and the kept fields are read, in windows of `window` bytes, so the
// process never holds (or maps) the skipped payloads and its memory does not
// grow with the weights.
absl::StatusOr<std::string> FilterModelFile(const ReadAt& read, uint64_t size,
                                            size_t keep_payload_bytes, int max_depth,
                                            WireFilterStats* stats, size_t window = 64 * 1024);

}  // namespace onnx_flops

#endif  // ONNX_FLOPS_ANALYZER_LOAD_WIRE_FILTER_H_
