// Bounds on values computed at run time.
//
// Some sizes are data: Mask R-CNN pastes each detected mask into the image
// by resizing it to its box, so the Resize's `sizes` are box widths and
// heights. Their values are unknown, but the graph bounds them: the boxes
// are clipped to the image, then scaled and shifted. For small tensors
// (those that would carry values) we keep a lower and an upper bound per
// element (TensorInfo::lo/hi) and carry them through the ops that move or
// compute such numbers, by running the op's own value propagator on the
// bounds instead of the values:
//   - ops that select elements (Gather, Slice, Concat, Reshape, Squeeze,
//     Unsqueeze, ...) and ops increasing in every input (Add, Max, Min, Clip,
//     Cast, Floor, Ceil, Relu, Exp, ReduceMax, ...): lower bounds in, lower
//     bounds out; upper in, upper out;
//   - Sub: a.lo - b.hi .. a.hi - b.lo; Neg: -hi .. -lo;
//   - Mul and Div: the smallest and largest of the four corners (Div only
//     when the divisor's bounds exclude 0).
// Where an operand is large or unknown, one bound for all elements instead:
// a selecting op's output lies within its data operands' bounds (whatever
// the indices), and the other ops are run on scalars at the operands'
// bounds, an unknown operand being unbounded (Clip(x, 0, 800) is within
// [0, 800] whatever x is).
// A consumer whose shape depends on such a tensor (Resize's sizes, through
// BoundedIntsOf in rules/propagate.h) then takes the upper bound in the
// headline pass and the lower one in the low pass, and names it.
#ifndef ONNX_FLOPS_ANALYZER_SHAPES_VALUE_RANGE_H_
#define ONNX_FLOPS_ANALYZER_SHAPES_VALUE_RANGE_H_

#include <vector>

#include "onnx/onnx_pb.h"
#include "rules/rule.h"

namespace onnx_flops {

// Fills lo/hi of the outputs in `outs` that have a full small shape but no
// values, when the op is one of the above and its inputs are known or
// bounded. `view` is the node's view as propagation built it.
void AddValueBounds(const Rule& rule, const NodeView& view, std::vector<TensorInfo>* outs);

}  // namespace onnx_flops

#endif  // ONNX_FLOPS_ANALYZER_SHAPES_VALUE_RANGE_H_
