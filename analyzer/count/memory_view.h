// The memory side of one forward pass: the traffic totals, the weights and
// activations it holds, the peak of live activation memory, and the cost
// per layer.
//
// The liveness walk goes over the main graph's nodes in the order they are
// walked (topological). Every tensor a node writes lives from its producer's
// step to its last consumer's step (a node in a Loop/If body that reads it
// counts as its control-flow node); the graph's inputs live the whole pass
// (the caller holds them) and its outputs to the end; a tensor nothing reads
// lives only during its producer's step. A view (Reshape, Squeeze...:
// Rule::traffic) shares the buffer of its input, which then lives as long as
// either; a view of a weight is a weight. (tools/validate_memory.py checks
// these rules against what PyTorch allocates.) The live bytes
// at a step are every tensor alive during it, the running node's inputs and
// outputs included; the peak is their maximum. Weights are not activations
// (forward.memory.weight_bytes holds them), and tensors a subgraph creates
// inside itself are not walked.
#ifndef ONNX_FLOPS_ANALYZER_COUNT_MEMORY_VIEW_H_
#define ONNX_FLOPS_ANALYZER_COUNT_MEMORY_VIEW_H_

#include <vector>

#include "analyzer/count/walker.h"
#include "analyzer/shapes/value_table.h"
#include "onnx/onnx_pb.h"
#include "proto/report.pb.h"

namespace onnx_flops {

// Fills forward.memory and forward.layers, and the live bytes and layer of
// forward.nodes when the per-node table is there (one entry per node of
// `nodes`, in order). Needs forward.flops.
void DescribeMemory(const onnx::GraphProto& graph, const ValueTable& values,
                    const std::vector<NodeResult>& nodes, Report* report);

// The liveness walk alone, for tests: live bytes during each main-graph node
// of `nodes` (in order; subgraph nodes are skipped), and the peak.
struct Liveness {
  std::vector<double> live;   // per main-graph node
  double peak = 0;
  size_t peak_step = 0;       // index into `live`
  int unknown = 0;            // tensors of unknown size, left out
};
Liveness WalkLiveness(const onnx::GraphProto& graph, const ValueTable& values,
                      const std::vector<NodeResult>& nodes);

}  // namespace onnx_flops

#endif  // ONNX_FLOPS_ANALYZER_COUNT_MEMORY_VIEW_H_
