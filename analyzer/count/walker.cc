#include "analyzer/count/walker.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "analyzer/load/graph_order.h"
#include "analyzer/shapes/shape_propagation.h"

namespace onnx_flops {
namespace {

// Runs of a subgraph past 2^63 (nested Loops of 2^40 trips each, or Scans
// over huge axes) are saturated there with a warning: the product would
// otherwise reach inf, and inf x a zero-cost node is NaN.
constexpr double kMaxRuns = 9223372036854775808.0;  // 2^63
// A node counted at more than this is reported uncounted: no real model has
// one (the largest training runs total ~1e26), and bounding each node keeps
// every sum of them, and the training figures, finite.
constexpr double kMaxNodeFlops = 1e30;

// Where a graph sits: its path prefix, how often it runs, how deep it is.
struct Frame {
  std::string prefix;
  double multiplier = 1;
  int depth = 0;
};

std::string ShapeString(const TensorInfo* o) {
  if (o == nullptr || !o->has_shape) return "";
  std::vector<std::string> parts;
  for (size_t d = 0; d < o->dims.size(); ++d) {
    parts.push_back(o->dims[d] >= 0 ? absl::StrCat(o->dims[d])
                    : !o->dim_names[d].empty() ? o->dim_names[d]
                                               : "?");
  }
  return parts.empty() ? "scalar" : absl::StrJoin(parts, "x");
}

void Scale(Cost& c, double k) {
  c.matmul_flops *= k;
  c.vector_flops *= k;
  c.macs *= k;
}

double TotalFlops(const WalkResult& r) {
  double f = 0;
  for (const NodeResult& n : r.nodes) f += n.cost.flops();
  return f;
}

void Walk(const onnx::GraphProto& graph, const std::vector<int>& order, const Scope& scope,
          const WalkOptions& options, const Frame& frame, WalkResult* out);


// Counts the subgraphs a control-flow rule asked for into `out` (a fresh
// result: `self` must stay valid while it grows); returns a reason when the
// node must be reported uncounted instead.
std::string WalkSubgraphs(const onnx::NodeProto& node, const Cost& cost, const Scope& scope,
                          const WalkOptions& options, const Frame& frame, NodeResult& self,
                          WalkResult* out) {
  if (frame.depth + 1 > options.max_depth) {
    return absl::StrCat("subgraphs nested deeper than ", options.max_depth, " levels");
  }
  std::vector<WalkResult> walked;
  std::vector<std::string> names;
  for (const SubgraphCall& call : cost.subgraphs) {
    const onnx::GraphProto* g = nullptr;
    for (const auto& a : node.attribute()) {
      if (a.name() == call.attribute && a.has_g()) g = &a.g();
    }
    if (g == nullptr) return absl::StrCat("missing graph attribute '", call.attribute, "'");
    double trips = call.trips;
    if (trips < 0) {
      auto it = options.loop_trips.find(self.name);
      if (it == options.loop_trips.end()) it = options.loop_trips.find(node.name());
      if (it != options.loop_trips.end()) {
        trips = static_cast<double>(it->second);
        absl::StrAppend(&self.cost.detail, "; trips = ", it->second, " from --loop-trips");
      } else {
        trips = 1;
        absl::StrAppend(&self.cost.detail, "; trips taken as 1");
        out->warnings.push_back(absl::StrCat(node.op_type(), " '", self.name, "': ", call.how,
                                             "; its body is counted once (set the trip count "
                                             "with --loop-trips ", self.name, "=N)"));
      }
    }
    bool sorted = true;
    absl::StatusOr<std::vector<int>> order = TopologicalOrder(*g, &sorted, /*is_subgraph=*/true);
    if (!order.ok()) {
      return absl::StrCat(call.attribute, ": ", order.status().message());
    }
    ValueTable table = BuildValueTable(*g, {});
    // Our propagators inside the body, with the enclosing scopes visible.
    PropagateSubgraph(
        *g, *order, call.seeds.empty()
            ? BodySeeds(node, *g, [&](const std::string& name) { return scope.Find(name); })
            : call.seeds,
        [&](const std::string& name) { return scope.Find(name); },
        [&](const onnx::NodeProto& n) -> int64_t {
          auto it = options.opsets->find(CanonicalDomain(n.domain()));
          return it == options.opsets->end() ? 0 : it->second;
        },
        &table, &options.rule_options);
    const Scope inner{&table, &scope};
    double runs = frame.multiplier * trips;
    if (!(runs <= kMaxRuns)) {
      out->warnings.push_back(absl::StrCat(
          node.op_type(), " '", self.name, "': its ", call.attribute, " runs ",
          FormatCount(frame.multiplier), " x ", FormatCount(trips),
          " times, past 2^63: counted as 2^63 runs"));
      absl::StrAppend(&self.cost.detail, "; runs saturated at 2^63");
      runs = kMaxRuns;
    }
    Frame sub{absl::StrCat(self.name, "/", call.attribute, "/"), runs, frame.depth + 1};
    WalkResult r;
    Walk(*g, *order, inner, options, sub, &r);
    walked.push_back(std::move(r));
    names.push_back(call.attribute);
  }
  size_t chosen = 0;
  if (cost.take_larger_subgraph && walked.size() > 1) {
    size_t cheapest = 0;
    for (size_t i = 1; i < walked.size(); ++i) {
      if (TotalFlops(walked[i]) > TotalFlops(walked[chosen])) chosen = i;
      if (TotalFlops(walked[i]) < TotalFlops(walked[cheapest])) cheapest = i;
    }
    // Each branch's cost, and which are incomplete: a branch with uncounted
    // nodes costs at least what is counted of it.
    std::vector<std::string> costs;
    for (size_t i = 0; i < walked.size(); ++i) {
      int uncounted = 0;
      for (const NodeResult& n : walked[i].nodes) uncounted += n.status == NodeStatus::kUncounted;
      costs.push_back(absl::StrCat(
          names[i], " ", FormatCount(TotalFlops(walked[i])), " FLOP",
          uncounted > 0 ? absl::StrCat(" (at least: ", uncounted, " nodes uncounted)") : ""));
    }
    out->range_low_delta += TotalFlops(walked[chosen]) - TotalFlops(walked[cheapest]);
    out->warnings.push_back(absl::StrCat(
        node.op_type(), " '", self.name, "': the condition is not a known constant; ",
        names[chosen], ", the more expensive branch, is counted (", absl::StrJoin(costs, ", "),
        "; set the condition's inputs with --value to choose)"));
    absl::StrAppend(&self.cost.detail, "; ", names[chosen], " counted");
  }
  for (size_t i = 0; i < walked.size(); ++i) {
    if (cost.take_larger_subgraph && i != chosen) continue;
    for (NodeResult& n : walked[i].nodes) out->nodes.push_back(std::move(n));
    for (std::string& w : walked[i].warnings) out->warnings.push_back(std::move(w));
    out->subgraph_nodes += walked[i].subgraph_nodes;
    out->range_low_delta += walked[i].range_low_delta;
  }
  return "";
}

bool ShapeKnown(const TensorInfo* t) {
  if (t == nullptr || !t->has_shape) return false;
  for (int64_t d : t->dims) {
    if (d < 0) return false;
  }
  return true;
}

// A small input without known values (a scalar size, a sample rate) that
// the operands of `lost` are computed from: binding its value with --value
// is what would shape the node. Empty when there is none.
std::string ValueInputBehind(const onnx::NodeProto& lost, const Scope& scope,
                             const ProducerMap& producer) {
  // Ops whose output shape is read from input values: Range and
  // ConstantOfShape from every input, the others from all but the data (0).
  static const auto* const kShapeFromValues = new absl::flat_hash_set<std::string>{
      "Range", "ConstantOfShape", "Reshape", "Expand", "Tile", "Slice", "Resize", "Upsample",
      "Pad", "TopK", "OneHot", "Squeeze", "Unsqueeze", "Split", "CenterCropPad"};
  if (!CanonicalDomain(lost.domain()).empty() || !kShapeFromValues->contains(lost.op_type())) {
    return "";
  }
  const bool every_input = lost.op_type() == "Range" || lost.op_type() == "ConstantOfShape";
  std::vector<std::string> todo;
  for (int i = every_input ? 0 : 1; i < lost.input_size(); ++i) todo.push_back(lost.input(i));
  absl::flat_hash_set<std::string> seen;
  for (size_t i = 0; i < todo.size() && i < 256; ++i) {
    const std::string name = todo[i];
    if (name.empty() || !seen.insert(name).second) continue;
    const TensorInfo* t = scope.Find(name);
    if (t != nullptr && t->has_values) continue;
    auto it = producer.find(name);
    if (it != producer.end()) {
      for (const auto& in : it->second->input()) todo.push_back(in);
      continue;
    }
    if (t != nullptr && !t->is_initializer && ShapeKnown(t) && t->dims.size() <= 1 &&
        NumElements(t->dims) <= 16) {
      return name;
    }
  }
  return "";
}

// For a value whose shape is unknown, the node upstream where the shape was
// lost: the first producer whose inputs are all known but whose output is
// not. That node, not the many downstream of it, is what to look at.
const onnx::NodeProto* WhereShapeIsLost(
    const std::string& value, const Scope& scope,
    const ProducerMap& producer) {
  std::string current = value;
  for (int hops = 0; hops < 256; ++hops) {
    auto it = producer.find(current);
    if (it == producer.end()) return nullptr;
    const onnx::NodeProto* p = it->second;
    std::string unknown_input;
    for (const auto& in : p->input()) {
      if (!in.empty() && !ShapeKnown(scope.Find(in)) && producer.contains(in)) {
        unknown_input = in;
        break;
      }
    }
    if (unknown_input.empty()) return p;
    current = unknown_input;
  }
  return nullptr;
}

void Walk(const onnx::GraphProto& graph, const std::vector<int>& order, const Scope& scope,
          const WalkOptions& options, const Frame& frame, WalkResult* out) {
  // Growing by doubling would hold two copies at the peak: a million nodes
  // is 600 MB of results.
  out->nodes.reserve(out->nodes.size() + order.size());
  // Which node makes each value (a Constant's output is a weight; an uncounted
  // node's lost shape is traced back): filled at the first use.
  ProducerMap producer;
  auto producers = [&]() -> const ProducerMap& {
    if (producer.empty()) {
      producer.reserve(static_cast<size_t>(graph.node_size()));
      for (const auto& n : graph.node()) {
        for (const auto& o : n.output()) {
          if (!o.empty()) producer.emplace(o, &n);
        }
      }
    }
    return producer;
  };
  NodeView view;
  for (int index : order) {
    const onnx::NodeProto& node = graph.node(index);
    NodeResult r;
    r.name = absl::StrCat(frame.prefix,
                          node.name().empty() ? absl::StrCat(node.op_type(), "_", index) : node.name());
    r.op_type = node.op_type();
    r.domain = CanonicalDomain(node.domain());
    r.multiplier = frame.multiplier;
    r.depth = frame.depth;
    r.node = &node;
    if (frame.depth > 0) out->subgraph_nodes++;

    view.node = &node;
    view.options = &options.rule_options;
    view.domain = r.domain;
    auto op = options.opsets->find(r.domain);
    view.opset = op == options.opsets->end() ? 0 : op->second;
    view.inputs.clear();
    view.outputs.clear();
    for (const auto& in : node.input()) view.inputs.push_back(in.empty() ? nullptr : scope.Find(in));
    for (const auto& o : node.output()) view.outputs.push_back(o.empty() ? nullptr : scope.Find(o));
    for (const TensorInfo* o : view.outputs) {  // the first output the node produces
      if (o != nullptr) {
        r.output_shape = ShapeString(o);
        break;
      }
    }

    const Rule* rule = FindRule(*options.rules, r.domain, r.op_type);
    r.bytes = BytesOf(view, rule, [&](const std::string& name) {
      const TensorInfo* t = scope.Find(name);
      if (t != nullptr && t->is_initializer) return true;
      auto p = producers().find(name);
      return p != producers().end() && p->second->op_type() == "Constant";
    });
    r.bytes.read *= frame.multiplier;
    r.bytes.weights *= frame.multiplier;
    r.bytes.written *= frame.multiplier;
    if (rule == nullptr || rule->count == nullptr) {
      r.reason = r.domain.empty()
                     ? absl::StrCat("no rule for op '", r.op_type, "'")
                     : absl::StrCat("no rule for op '", r.op_type, "' of domain '", r.domain, "'");
    } else if (view.opset == 0) {
      r.reason = absl::StrCat("the model imports no opset for domain '",
                              r.domain.empty() ? "ai.onnx" : r.domain, "'");
    } else {
      absl::StatusOr<Cost> cost = rule->count(view);
      if (!cost.ok()) {
        r.reason = std::string(cost.status().message());
        for (const auto& in : node.input()) {
          if (in.empty() || ShapeKnown(scope.Find(in))) continue;
          const onnx::NodeProto* lost = WhereShapeIsLost(in, scope, producers());
          if (lost != nullptr) {
            absl::StrAppend(&r.reason, " (the shape is first lost at ",
                            lost->name().empty() ? "a node" : absl::StrCat("'", lost->name(), "'"),
                            " (", lost->op_type(), "), whose input shapes are known)");
            const std::string value = ValueInputBehind(*lost, scope, producers());
            if (!value.empty()) {
              absl::StrAppend(&r.reason, "; it depends on the value of input '", value,
                              "': give it with --value ", value, "=V");
            }
          }
          break;
        }
      } else if (!std::isfinite(cost->flops()) || cost->matmul_flops < 0 ||
                 cost->vector_flops < 0 || !(cost->macs >= 0)) {
        r.reason = absl::StrCat("the count is not a finite non-negative number (",
                                cost->detail, ")");
      } else if (!(cost->flops() * frame.multiplier <= kMaxNodeFlops)) {
        r.reason = absl::StrCat("the count ", FormatCount(cost->flops()),
                                frame.multiplier != 1
                                    ? absl::StrCat(" x ", FormatCount(frame.multiplier), " runs")
                                    : "",
                                " passes 1e30 FLOP: the shapes or trip counts are not plausible (",
                                cost->detail, ")");
      } else {
        r.cost = *std::move(cost);
        r.status = r.cost.data_movement ? NodeStatus::kDataMovement : NodeStatus::kCounted;
        if (frame.multiplier != 1) {
          Scale(r.cost, frame.multiplier);
          absl::StrAppend(&r.cost.detail, " (x", FormatCount(frame.multiplier),
                          " runs of the enclosing subgraph)");
        }
        if (!r.cost.warning.empty()) {
          out->warnings.push_back(absl::StrCat(r.op_type, " '", r.name, "': ", r.cost.warning));
        }
      }
    }
    WalkResult sub;
    if (r.status == NodeStatus::kCounted && !r.cost.subgraphs.empty()) {
      const Cost requested = r.cost;
      std::string why = WalkSubgraphs(node, requested, scope, options, frame, r, &sub);
      if (!why.empty()) {
        r.status = NodeStatus::kUncounted;
        r.reason = why;
        r.cost = Cost();
        sub = WalkResult();
      }
    }
    out->nodes.push_back(std::move(r));
    for (NodeResult& n : sub.nodes) out->nodes.push_back(std::move(n));
    for (std::string& w : sub.warnings) out->warnings.push_back(std::move(w));
    out->subgraph_nodes += sub.subgraph_nodes;
    out->range_low_delta += sub.range_low_delta;
  }
}

}  // namespace

const TensorInfo* Scope::Find(const std::string& name) const {
  for (const Scope* s = this; s != nullptr; s = s->parent) {
    if (s->values == nullptr) continue;
    auto it = s->values->find(name);
    if (it != s->values->end()) return &it->second;
  }
  return nullptr;
}

OpsetMap OpsetsOf(const onnx::ModelProto& model) {
  OpsetMap opsets;
  for (const auto& imp : model.opset_import()) {
    opsets[CanonicalDomain(imp.domain())] = imp.version();
  }
  return opsets;
}

void WalkGraph(const onnx::GraphProto& graph, const std::vector<int>& order, const Scope& scope,
               const WalkOptions& options, WalkResult* out) {
  Walk(graph, order, scope, options, Frame{}, out);
}

}  // namespace onnx_flops
