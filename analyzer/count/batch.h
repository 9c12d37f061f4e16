// Which dims of the inputs count examples (the batch) and time steps (the
// sequence), so that per-example and per-token figures can be derived from
// one forward pass. Every choice comes with the reason it was made.
#ifndef ONNX_FLOPS_ANALYZER_COUNT_BATCH_H_
#define ONNX_FLOPS_ANALYZER_COUNT_BATCH_H_

#include <string>

#include "absl/status/statusor.h"
#include "analyzer/shapes/shape_binding.h"
#include "analyzer/shapes/value_table.h"
#include "onnx/onnx_pb.h"

namespace onnx_flops {

struct DimChoice {
  bool found = false;
  std::string name;    // the symbolic dim, or "input:axis"
  int64_t size = 1;
  std::string reason;
};

// `requested` is --batch-dim (a symbolic dim name or INPUT:AXIS), empty for
// the heuristics, in order: a symbolic input dim named like a batch ("batch",
// "batch_size", "N", "B"); the batch axis of a recurrent node (LSTM/GRU/RNN)
// reading a graph input; a dynamic axis 0 that is not named like a sequence;
// axis 0 of the first data input of rank >= 2 (cross-checked against the
// batch a recurrent node runs, from `values`: a time-major input [T, B, ...]
// whose LSTM runs B rows has its batch at the axis that holds B); else one
// example. `original` is the main graph as the file declared it, `bound`
// after binding; `values` may be null.
absl::StatusOr<DimChoice> ChooseBatch(const onnx::GraphProto& original,
                                      const onnx::GraphProto& bound, const BindResult& binding,
                                      const std::string& requested,
                                      const ValueTable* values = nullptr);

// `requested` is --seq-dim, empty for the heuristics: the sequence axis of
// the first recurrent node; else a symbolic input dim named like a sequence
// ("seq", "sequence", "time", "token", "length", ...). Not found is not an
// error: the model may have no sequence.
absl::StatusOr<DimChoice> ChooseSequence(const onnx::GraphProto& original,
                                         const onnx::GraphProto& bound,
                                         const BindResult& binding, const ValueTable& values,
                                         const std::string& requested);

}  // namespace onnx_flops

#endif  // ONNX_FLOPS_ANALYZER_COUNT_BATCH_H_
