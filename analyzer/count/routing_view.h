// The mixture-of-experts view: each router, the form its experts run in,
// the assumption they were counted under, and the active parameters per
// token (Epoch AI counts a MoE's training compute with the parameters each
// token passes through, not all of them).
//
// Forms:
//   routed  NonZero over an expert mask finds each expert's tokens, which
//           are gathered, run and scattered back (shapes/routing_tags.h);
//   fused   com.microsoft MoE/QMoE: routing and experts in one op;
//   dense   every expert runs on every token and a gate matrix (zeros
//           scattered with the top-k weights) masks the results: counted as
//           it runs, E/k times the routed work.
// Expert weights: for routed experts, the weights read by the nodes between
// a routed NonZero and the scatter that puts the rows back (and by no node
// outside); for dense experts, the weights behind the operand a gate column
// multiplies, back to the tensors the router also reads; for fused ops,
// their expert weight inputs. Active parameters = all parameters less
// (1 - k/E) of the expert weights: each token passes through k of the E
// experts (the router, shared experts and the rest are read by every token).
#ifndef ONNX_FLOPS_ANALYZER_COUNT_ROUTING_VIEW_H_
#define ONNX_FLOPS_ANALYZER_COUNT_ROUTING_VIEW_H_

#include <string>
#include <vector>

#include "analyzer/count/walker.h"
#include "analyzer/shapes/value_table.h"
#include "onnx/onnx_pb.h"
#include "proto/report.pb.h"

namespace onnx_flops {

// Fills report->forward().routing when the main graph has a router, and
// model.active_parameters (model.parameters when there is none). Needs
// model.parameters filled.
void DescribeRouting(const onnx::GraphProto& graph, const ValueTable& values,
                     const std::vector<NodeResult>& nodes, bool routing_worst, Report* report,
                     std::vector<std::string>* warnings);

}  // namespace onnx_flops

#endif  // ONNX_FLOPS_ANALYZER_COUNT_ROUTING_VIEW_H_
