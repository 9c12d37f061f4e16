// Mixture-of-experts routing, followed through the graph.
//
// A routed MoE layer exported from PyTorch picks each token's experts with
// TopK (or ArgMax, top-1) over E router scores, then for each expert finds
// its tokens with NonZero over a mask made from those indices (topi == e;
// one_hot(topi)[..., e]; a boolean column of a one-hot), gathers them, runs
// the expert and scatters the rows back. NonZero's count is data, but the
// mask's meaning is not: it marks the (token, choice) pairs routed to expert
// e, and over all experts there are exactly T x k of them. So we tag the
// TopK/ArgMax indices with T, k and E (TensorInfo::routing) and carry the tag
// through the ops that keep its meaning, keeping track of which experts and
// which of the k choices a tensor still covers and on which axes:
//   - Equal(ids, e): the mask of expert e; Equal(mask, c != 0), Greater(mask,
//     0), Cast, Identity: the same mask;
//   - OneHot(ids): a mask of all E experts with an expert axis;
//     ScatterElements(zeros, ids, weights) along the choice axis (the dense
//     gate matrix): the same, the choice axis folded into the expert axis;
//   - Gather/Slice on the expert axis: fewer experts; on the choice axis:
//     fewer choices; Transpose and reshapes move the axes;
//   - Mul/And with anything: non-zero only where the mask is (a capacity
//     limit can only remove rows);
//   - a reduction over the choice axis: one entry per token (a token picks
//     an expert at most once).
// Anything else drops the tag (Not, Add, a Gather over tokens...), and a
// NonZero reading an untagged mask keeps its generic bound (numel).
// rules/data_dependent.cc then sizes a NonZero over a tagged mask at its
// share of the T x k routed pairs (RoutedRows below).
#ifndef ONNX_FLOPS_ANALYZER_SHAPES_ROUTING_TAGS_H_
#define ONNX_FLOPS_ANALYZER_SHAPES_ROUTING_TAGS_H_

#include <vector>

#include "rules/rule.h"

namespace onnx_flops {

// Sets `routing` on the outputs in `outs` (from `view`'s node's propagator)
// that carry a routing choice, as above. Outputs without a full shape are
// left alone.
void AddRoutingTags(const NodeView& view, std::vector<TensorInfo>* outs);

}  // namespace onnx_flops

#endif  // ONNX_FLOPS_ANALYZER_SHAPES_ROUTING_TAGS_H_
