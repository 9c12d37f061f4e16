// The memory traffic of one node: what it reads and writes, at each tensor's
// element type. The roofline (analyzer/training/roofline.h) and the memory
// view build on it.
//
// Conventions (docs/conventions.md, "Memory"):
//   - every input is read once and every output written once, in full;
//   - inputs that are weights (initializers, Constant-node tensors) are
//     counted apart from activations;
//   - a view (Reshape, Flatten, Squeeze, Unsqueeze, Identity: Rule::traffic)
//     moves nothing; Shape and Size read no data, only write their result;
//   - control-flow nodes move nothing themselves: their bodies' nodes do;
//   - an input or output whose shape or type is unknown adds nothing (the
//     count is then a lower bound, as the FLOPs are).
#ifndef ONNX_FLOPS_ANALYZER_COUNT_NODE_BYTES_H_
#define ONNX_FLOPS_ANALYZER_COUNT_NODE_BYTES_H_

#include <functional>
#include <string>

#include "rules/rule.h"

namespace onnx_flops {

struct NodeBytes {
  double read = 0;     // activations read
  double weights = 0;  // weights read
  double written = 0;
  int unknown = 0;     // inputs and outputs of unknown size, left out
  double total() const { return read + weights + written; }
};

// Bytes of a tensor at its element type; -1 when its shape or type is unknown
// or it would pass 1e30 bytes (nonsense dims).
double TensorBytes(const TensorInfo* t);

// The traffic of the node in `view` (read by `rule`, null when the op has
// none); `is_weight` says whether an input name is a weight.
NodeBytes BytesOf(const NodeView& view, const Rule* rule,
                  const std::function<bool(const std::string&)>& is_weight);

}  // namespace onnx_flops

#endif  // ONNX_FLOPS_ANALYZER_COUNT_NODE_BYTES_H_
