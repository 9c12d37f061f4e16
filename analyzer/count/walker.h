// Walks a graph's nodes, and the subgraphs of its control-flow nodes, asking
// the rule registry for each node's cost.
#ifndef ONNX_FLOPS_ANALYZER_COUNT_WALKER_H_
#define ONNX_FLOPS_ANALYZER_COUNT_WALKER_H_

#include <string>
#include <unordered_map>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "analyzer/count/node_bytes.h"
#include "analyzer/shapes/value_table.h"
#include "onnx/onnx_pb.h"
#include "rules/rule.h"

namespace onnx_flops {

enum class NodeStatus { kCounted, kDataMovement, kUncounted };

struct NodeResult {
  std::string name;     // path from the main graph, e.g. "loop_1/body/MatMul_3"
  std::string op_type;
  std::string domain;   // canonical ("" for ai.onnx)
  NodeStatus status = NodeStatus::kUncounted;
  Cost cost;            // already multiplied by the trips of enclosing loops
  double multiplier = 1;  // those trips
  std::string reason;   // why uncounted
  std::string output_shape;
  NodeBytes bytes;      // memory traffic, x the trips of enclosing loops
  int depth = 0;        // 0 for the main graph
  const onnx::NodeProto* node = nullptr;  // the node itself (valid while the model lives)
};

// Opset version imported per canonical domain.
using OpsetMap = std::unordered_map<std::string, int64_t>;
OpsetMap OpsetsOf(const onnx::ModelProto& model);

// Values visible to a graph: its own, then those of the enclosing graphs.
struct Scope {
  const ValueTable* values = nullptr;
  const Scope* parent = nullptr;
  const TensorInfo* Find(const std::string& name) const;
};

struct WalkOptions {
  const OpsetMap* opsets = nullptr;
  const RuleRegistry* rules = nullptr;
  RuleOptions rule_options;
  // --loop-trips: trip counts for loops whose count is not a constant, by
  // node name (the plain name or the full path).
  absl::flat_hash_map<std::string, int64_t> loop_trips;
  int max_depth = 64;
};

struct WalkResult {
  std::vector<NodeResult> nodes;   // walk order; a subgraph's nodes follow its parent node
  std::vector<std::string> warnings;
  int subgraph_nodes = 0;          // nodes walked inside subgraphs
  // If nodes whose condition is unknown count their more expensive branch:
  // how many FLOPs less the pass would cost with the cheaper one of each.
  double range_low_delta = 0;
};

// Costs of `graph`'s nodes in `order`. Never fails: a node that cannot be
// counted becomes a kUncounted result with the reason.
void WalkGraph(const onnx::GraphProto& graph, const std::vector<int>& order, const Scope& scope,
               const WalkOptions& options, WalkResult* out);

}  // namespace onnx_flops

#endif  // ONNX_FLOPS_ANALYZER_COUNT_WALKER_H_
