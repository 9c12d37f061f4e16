// Checks that a graph is well formed (every input produced somewhere, no
// cycles) and returns its nodes in an order where producers come first.
#ifndef ONNX_FLOPS_ANALYZER_LOAD_GRAPH_ORDER_H_
#define ONNX_FLOPS_ANALYZER_LOAD_GRAPH_ORDER_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/status/statusor.h"
#include "onnx/onnx_pb.h"

namespace onnx_flops {

// Value name -> the node that produces it / the nodes that read it. The keys
// view names inside the graph: a map must not outlive the graph, nor a node's
// output names change while it is in use.
using ProducerMap = absl::flat_hash_map<absl::string_view, const onnx::NodeProto*>;
using ConsumerMap = absl::flat_hash_map<absl::string_view, std::vector<const onnx::NodeProto*>>;

// Indices of graph.node() in topological order (the file's order when it is
// already sorted, as the ONNX spec requires). InvalidArgument naming the node
// for an input that nothing produces, or for a cycle. O(nodes + edges).
// A subgraph (`is_subgraph`) may read values of its enclosing graphs: a name
// it does not produce itself is taken as such, not as an error.
absl::StatusOr<std::vector<int>> TopologicalOrder(const onnx::GraphProto& graph,
                                                  bool* was_sorted, bool is_subgraph = false);

// Calls `visit` on `graph` and then on each of its subgraphs (Loop/Scan
// bodies, If branches, any graph attribute), depth first, with the nesting
// depth (0 for `graph`). Subgraphs nested deeper than 64 levels are skipped:
// a hostile file can nest them without end.
void ForEachGraph(const onnx::GraphProto& graph,
                  const std::function<void(const onnx::GraphProto&, int depth)>& visit);

}  // namespace onnx_flops

#endif  // ONNX_FLOPS_ANALYZER_LOAD_GRAPH_ORDER_H_
