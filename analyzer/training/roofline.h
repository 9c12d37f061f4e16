// The roofline estimate of one forward pass on a chip: each node takes at
// least max(flops / peak FLOP/s, bytes / memory bandwidth), its FLOPs at the
// chip's peak for the precision and its bytes (analyzer/count/node_bytes.h)
// at the memory bandwidth, with no overlap between nodes and no cache reuse.
// The sum is a lower bound of the time a real kernel schedule takes; its
// ratio to flops / peak is the highest utilization the pass can reach.
#ifndef ONNX_FLOPS_ANALYZER_TRAINING_ROOFLINE_H_
#define ONNX_FLOPS_ANALYZER_TRAINING_ROOFLINE_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "analyzer/count/walker.h"
#include "analyzer/training/training_options.h"
#include "proto/report.pb.h"

namespace onnx_flops {

// One node's time and what limits it.
struct NodeTime {
  double seconds = 0;
  bool memory_bound = false;
};
NodeTime RooflineTime(double flops, double bytes, double peak, double bandwidth);

// The precision a pass runs at when --precision is not given: the element
// type most of its initializers' bytes have ("fp32", "fp16", "bf16", "int8"...),
// "fp32" when there are none.
std::string ModelPrecision(const onnx::GraphProto& graph);

// With --hardware (and a chip with a memory bandwidth), fills
// forward.roofline and the seconds of forward.nodes (when present, one per
// node of `nodes`), forward.by_op_type and forward.layers. Does nothing
// without --hardware; an error for an unknown chip or precision.
absl::Status FillRoofline(const HardwareOptions& hw, const onnx::GraphProto& graph,
                          const std::vector<NodeResult>& nodes, Report* report,
                          std::vector<std::string>* warnings);

}  // namespace onnx_flops

#endif  // ONNX_FLOPS_ANALYZER_TRAINING_ROOFLINE_H_
