// The per-element counting the elementwise family shares with the
// activation and contrib families (defined in rules/elementwise.cc).
#ifndef ONNX_FLOPS_RULES_ELEMENTWISE_H_
#define ONNX_FLOPS_RULES_ELEMENTWISE_H_

#include <optional>

#include "rules/rule.h"

namespace onnx_flops {

// Shape whose elements an elementwise node computes: the node's output 0 when
// fully known; else input 0 (first_input_only, for ops whose other inputs are
// parameters: PRelu's slope, QuantizeLinear's scale) or the numpy broadcast
// of every present input. Opset < 7 binary ops with broadcast=1 used
// unidirectional legacy broadcasting of B onto A, so A's shape is the result.
absl::StatusOr<Dims> ElementwiseOutputDims(const NodeView& v, bool first_input_only);

// When two shapes do not broadcast under numpy rules but one is [C] and the
// other's axis 1 is C (a bias per channel of [N, C, H, W]), the larger: the
// legacy broadcast along axis 1 of opsets before 7 (broadcast=1, axis=1),
// which converters kept writing after opset 7 (winml's starry-night-fp16.onnx
// adds [32] to [1, 32, 224, 224]). nullopt otherwise. ElementwiseOutputDims
// and ShapeOfBroadcast fall back to it; PerElementCost then warns that the
// model does not run as written.
std::optional<Dims> LegacyChannelBroadcast(const Dims& a, const Dims& b);

// per_element * numel(Y) vector FLOPs, with the numbers in `detail`.
absl::StatusOr<Cost> PerElementCost(const NodeView& v, double per_element,
                                    bool first_input_only);

// Vector FLOPs per element of the activation function `name` (any case, as
// runtimes accept RNN activation names), as rules/activation.cc counts the op
// of that name; Gelu is its erf form. NotFound for another name.
absl::StatusOr<double> ActivationPerElement(absl::string_view name);

}  // namespace onnx_flops

#endif  // ONNX_FLOPS_RULES_ELEMENTWISE_H_
