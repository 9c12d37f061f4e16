// The per-element counting the elementwise family shares with the
// activation and contrib families (defined in rules/elementwise.cc).
#ifndef ONNX_FLOPS_RULES_ELEMENTWISE_H_
#define ONNX_FLOPS_RULES_ELEMENTWISE_H_

#include "rules/rule.h"

namespace onnx_flops {

// Shape whose elements an elementwise node computes: the node's output 0 when
// fully known; else input 0 (first_input_only, for ops whose other inputs are
// parameters: PRelu's slope, QuantizeLinear's scale) or the numpy broadcast
// of every present input. Opset < 7 binary ops with broadcast=1 used
// unidirectional legacy broadcasting of B onto A, so A's shape is the result.
absl::StatusOr<Dims> ElementwiseOutputDims(const NodeView& v, bool first_input_only);

// per_element * numel(Y) vector FLOPs, with the numbers in `detail`.
absl::StatusOr<Cost> PerElementCost(const NodeView& v, double per_element,
                                    bool first_input_only);

// Vector FLOPs per element of the activation function `name` (any case, as
// runtimes accept RNN activation names), as rules/activation.cc counts the op
// of that name; Gelu is its erf form. NotFound for another name.
absl::StatusOr<double> ActivationPerElement(absl::string_view name);

}  // namespace onnx_flops

#endif  // ONNX_FLOPS_RULES_ELEMENTWISE_H_
