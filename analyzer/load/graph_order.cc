#include "analyzer/load/graph_order.h"

#include <string>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"

namespace onnx_flops {
namespace {

std::string NodeLabel(const onnx::NodeProto& n, int index) {
  return n.name().empty() ? absl::StrCat(n.op_type(), " node #", index)
                          : absl::StrCat("node '", n.name(), "' (", n.op_type(), ")");
}

}  // namespace

absl::StatusOr<std::vector<int>> TopologicalOrder(const onnx::GraphProto& graph,
                                                  bool* was_sorted, bool is_subgraph) {
  const int n = graph.node_size();
  // Names are views into the graph, which this function does not change: a
  // million-node graph would otherwise copy two million strings here.
  absl::flat_hash_set<absl::string_view> sources;
  for (const auto& vi : graph.input()) sources.insert(vi.name());
  for (const auto& t : graph.initializer()) sources.insert(t.name());
  for (const auto& t : graph.sparse_initializer()) sources.insert(t.values().name());
  absl::flat_hash_map<absl::string_view, int> producer;
  producer.reserve(static_cast<size_t>(n) * 2);
  // Values are defined once (SSA): onnxruntime refuses a second definition,
  // and which one a reader gets would be a guess.
  for (int i = 0; i < n; ++i) {
    for (const auto& out : graph.node(i).output()) {
      if (out.empty()) continue;
      auto [it, inserted] = producer.emplace(out, i);
      if (!inserted) {
        return absl::InvalidArgumentError(absl::StrCat(
            "value '", out, "' is defined twice: by ", NodeLabel(graph.node(it->second), it->second),
            " and by ", NodeLabel(graph.node(i), i)));
      }
      if (sources.contains(out)) {
        return absl::InvalidArgumentError(absl::StrCat(
            "value '", out, "' is defined twice: as a graph input or initializer and by ",
            NodeLabel(graph.node(i), i)));
      }
    }
  }
  // Each edge producer -> consumer, as (consumer, producer) pairs; nothing
  // else is built when the file is already sorted, as the spec requires.
  std::vector<std::pair<int, int>> edges;
  bool sorted = true;
  for (int i = 0; i < n; ++i) {
    const auto& node = graph.node(i);
    for (const auto& in : node.input()) {
      if (in.empty() || sources.contains(in)) continue;
      auto it = producer.find(in);
      if (it == producer.end()) {
        if (is_subgraph) continue;  // from an enclosing scope
        return absl::InvalidArgumentError(absl::StrCat(
            NodeLabel(node, i), " reads '", in,
            "', which no node, graph input or initializer produces"));
      }
      if (it->second >= i) sorted = false;
      edges.emplace_back(i, it->second);
    }
  }
  if (was_sorted != nullptr) *was_sorted = sorted;
  std::vector<int> order;
  order.reserve(static_cast<size_t>(n));
  if (sorted) {
    for (int i = 0; i < n; ++i) order.push_back(i);
    return order;
  }
  // Kahn's algorithm over the consumer lists, stored flat (CSR).
  std::vector<int> pending(static_cast<size_t>(n), 0);
  std::vector<int> first(static_cast<size_t>(n) + 1, 0);
  for (const auto& [consumer, prod] : edges) {
    ++pending[static_cast<size_t>(consumer)];
    ++first[static_cast<size_t>(prod) + 1];
  }
  for (int i = 0; i < n; ++i) first[static_cast<size_t>(i) + 1] += first[static_cast<size_t>(i)];
  std::vector<int> consumers(edges.size());
  std::vector<int> fill(first.begin(), first.end() - 1);
  for (const auto& [consumer, prod] : edges) {
    consumers[static_cast<size_t>(fill[static_cast<size_t>(prod)]++)] = consumer;
  }
  for (int i = 0; i < n; ++i) {
    if (pending[static_cast<size_t>(i)] == 0) order.push_back(i);
  }
  for (size_t head = 0; head < order.size(); ++head) {
    const size_t p = static_cast<size_t>(order[head]);
    for (int k = first[p]; k < first[p + 1]; ++k) {
      const int c = consumers[static_cast<size_t>(k)];
      if (--pending[static_cast<size_t>(c)] == 0) order.push_back(c);
    }
  }
  if (order.size() != static_cast<size_t>(n)) {
    for (int i = 0; i < n; ++i) {
      if (pending[static_cast<size_t>(i)] > 0) {
        return absl::InvalidArgumentError(
            absl::StrCat("the graph has a cycle through ", NodeLabel(graph.node(i), i)));
      }
    }
  }
  return order;
}

namespace {

void Visit(const onnx::GraphProto& graph, int depth,
           const std::function<void(const onnx::GraphProto&, int)>& visit) {
  if (depth > 64) return;
  visit(graph, depth);
  for (const auto& node : graph.node()) {
    for (const auto& a : node.attribute()) {
      if (a.has_g()) Visit(a.g(), depth + 1, visit);
      for (const auto& g : a.graphs()) Visit(g, depth + 1, visit);
    }
  }
}

}  // namespace

void ForEachGraph(const onnx::GraphProto& graph,
                  const std::function<void(const onnx::GraphProto&, int depth)>& visit) {
  Visit(graph, 0, visit);
}

}  // namespace onnx_flops
