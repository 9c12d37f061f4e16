// Loads an ONNX model's structure without its weights.
//
// The file's protobuf wire format is walked field by field with pread, in
// small windows; tensor payloads (raw_data and the typed *_data fields of
// initializers, Constant attributes and sparse tensors) larger than a small
// threshold are skipped as byte ranges, never read nor mapped, so memory is
// bounded by the structure, not the weights. What remains — names, dims,
// types, nodes, small constants — is parsed into an onnx::ModelProto.
// Offsets are 64-bit: files past 2 GB load. External-data files are never
// opened.
#ifndef ONNX_FLOPS_ANALYZER_LOAD_MODEL_LOADER_H_
#define ONNX_FLOPS_ANALYZER_LOAD_MODEL_LOADER_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/arena.h"
#include "onnx/onnx_pb.h"

namespace onnx_flops {

struct LoadOptions {
  // A tensor keeps its payload when all its payload fields together take at
  // most this many bytes: enough for shape constants (64 int64 values).
  size_t keep_payload_bytes = 512;
  // Protobuf messages nested deeper than this are rejected, so a hostile
  // file cannot exhaust the stack. A subgraph body is three levels down
  // (node, attribute, graph), so 64 admits If/Loop/Scan bodies 20 deep.
  int max_depth = 64;
};

struct LoadedModel {
  // The parsed structure lives on an arena: parsing, ONNX's inference (which
  // adds a value_info per tensor) and freeing a graph of a million nodes cost
  // a fraction of what one heap allocation per message does.
  std::unique_ptr<google::protobuf::Arena> arena;
  onnx::ModelProto* model = nullptr;  // owned by `arena`
  std::string path;
  int64_t file_bytes = 0;
  int64_t stripped_tensors = 0;   // tensors whose payload was skipped
  int64_t stripped_bytes = 0;     // payload bytes skipped
};

// Errors are one line, name the file and say what is wrong: NotFound for a
// missing file, InvalidArgument for anything that is not a readable model.
absl::StatusOr<LoadedModel> LoadModel(const std::string& path,
                                      const LoadOptions& options = {});
// The same from bytes in memory (`name` is used in messages).
absl::StatusOr<LoadedModel> LoadModelFromBytes(absl::string_view bytes,
                                               const std::string& name,
                                               const LoadOptions& options = {});

}  // namespace onnx_flops

#endif  // ONNX_FLOPS_ANALYZER_LOAD_MODEL_LOADER_H_
