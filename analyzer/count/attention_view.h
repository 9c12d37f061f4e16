// The per-token view of transformers: which nodes are the attention core,
// what share of the pass they are, and a cross-check of the per-token count
// against Kaplan et al. (2020)'s closed form.
#ifndef ONNX_FLOPS_ANALYZER_COUNT_ATTENTION_VIEW_H_
#define ONNX_FLOPS_ANALYZER_COUNT_ATTENTION_VIEW_H_

#include <string>
#include <vector>

#include "analyzer/shapes/value_table.h"
#include "analyzer/count/walker.h"
#include "onnx/onnx_pb.h"
#include "proto/report.pb.h"

namespace onnx_flops {

// Fills report->forward().attention when the main graph has attention:
// MatMul/Einsum of two activations whose result reaches a Softmax (scores) or
// that reads a Softmax's result (scores x V), or a fused attention op. Needs
// forward totals, per-token figures and model.parameters already filled.
// Adds a warning when the closed form and the count disagree by more than 1.5x.
void DescribeAttention(const onnx::GraphProto& graph, const ValueTable& values,
                       const std::vector<NodeResult>& nodes, bool causal_half, Report* report,
                       std::vector<std::string>* warnings);

}  // namespace onnx_flops

#endif  // ONNX_FLOPS_ANALYZER_COUNT_ATTENTION_VIEW_H_
