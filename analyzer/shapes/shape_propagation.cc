#include "analyzer/shapes/shape_propagation.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <optional>
#include <string>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "analyzer/load/graph_order.h"
#include "rules/propagate.h"
#include "analyzer/shapes/shape_binding.h"
#include "analyzer/shapes/routing_tags.h"
#include "analyzer/shapes/value_range.h"

namespace onnx_flops {
namespace {

// The latest ai.onnx opset ONNX 1.12 has schemas for.
constexpr int64_t kOnnxKnownOpset = 17;
constexpr char kHiddenOpType[] = "OnnxFlopsHiddenFromInference";

using OpsetVersions = absl::flat_hash_map<std::string, int64_t>;

OpsetVersions VersionsOf(const onnx::ModelProto& model) {
  OpsetVersions v;
  for (const auto& imp : model.opset_import()) v[CanonicalDomain(imp.domain())] = imp.version();
  return v;
}

int64_t OpsetOf(const OpsetVersions& versions, const onnx::NodeProto& node) {
  auto it = versions.find(CanonicalDomain(node.domain()));
  return it == versions.end() ? 0 : it->second;
}

bool HasNodeAttr(const onnx::NodeProto& n, absl::string_view name) {
  for (const auto& a : n.attribute()) {
    if (a.name() == name) return true;
  }
  return false;
}

// Whether ONNX 1.12 would apply an older schema to this node and infer a
// wrong shape: such nodes are hidden from ONNX and ours is authoritative.
bool StaleForOnnx(const onnx::NodeProto& n, int64_t opset) {
  if (!CanonicalDomain(n.domain()).empty() || opset <= kOnnxKnownOpset) return false;
  const std::string& op = n.op_type();
  if (op == "Resize") return HasNodeAttr(n, "axes") || HasNodeAttr(n, "keep_aspect_ratio_policy");
  if (op == "AveragePool") return HasNodeAttr(n, "dilations");
  if (op == "Pad") return n.input_size() > 3 && !n.input(3).empty();
  if (op == "Split") return HasNodeAttr(n, "num_outputs");
  return false;
}

bool FullShape(const TensorInfo& t) {
  if (!t.has_shape) return false;
  for (int64_t d : t.dims) {
    if (d < 0) return false;
  }
  return true;
}

struct MergeResult {
  bool shape = false;   // type or shape got more precise
  bool values = false;  // values became known
};

// Folds our result `ours` into what is known (`cur`). ONNX's (or an earlier
// pass's) known dims win a disagreement unless `authoritative`.
MergeResult Merge(TensorInfo& cur, const TensorInfo& ours, bool authoritative) {
  MergeResult r;
  if (ours.elem_type != 0 && (cur.elem_type == 0 || authoritative) &&
      cur.elem_type != ours.elem_type) {
    cur.elem_type = ours.elem_type;
    r.shape = true;
  }
  bool agrees = true;
  if (ours.has_shape) {
    if (!cur.has_shape || (authoritative && cur.dims != ours.dims && FullShape(ours))) {
      cur.has_shape = true;
      cur.dims = ours.dims;
      cur.dim_names.assign(cur.dims.size(), "");
      cur.has_values = false;
      cur.values.clear();
      cur.int_values.clear();
      r.shape = true;
    } else if (cur.dims.size() != ours.dims.size()) {
      agrees = false;
    } else {
      for (size_t i = 0; i < cur.dims.size(); ++i) {
        if (cur.dims[i] >= 0 && ours.dims[i] >= 0 && cur.dims[i] != ours.dims[i]) agrees = false;
      }
      if (agrees) {
        cur.dim_names.resize(cur.dims.size());
        for (size_t i = 0; i < cur.dims.size(); ++i) {
          if (cur.dims[i] < 0 && ours.dims[i] >= 0) {
            cur.dims[i] = ours.dims[i];
            cur.dim_names[i].clear();
            r.shape = true;
          }
        }
      }
    }
  }
  if (ours.has_values && !cur.has_values && agrees && FullShape(cur) &&
      NumElements(cur.dims) == static_cast<double>(ours.values.size()) &&
      ours.values.size() == ours.int_values.size()) {
    cur.has_values = true;
    cur.values = ours.values;
    cur.int_values = ours.int_values;
    cur.lo.clear();
    cur.hi.clear();
    r.values = true;
  }
  if (ours.routing.has_value() && !cur.routing.has_value() && agrees) cur.routing = ours.routing;
  // Bounds, where the values are not known (analyzer/shapes/value_range.h):
  // both hold, so the tighter of each.
  if (!ours.hi.empty() && !cur.has_values && agrees && ours.lo.size() == ours.hi.size() &&
      (ours.hi.size() == 1 ||
       (FullShape(cur) && NumElements(cur.dims) == static_cast<double>(ours.hi.size())))) {
    if (cur.hi.empty()) {
      cur.lo = ours.lo;
      cur.hi = ours.hi;
      r.values = true;
    } else {
      if (cur.hi.size() == 1 && ours.hi.size() > 1) {  // per element beats uniform
        cur.lo.assign(ours.lo.size(), cur.lo[0]);
        cur.hi.assign(ours.hi.size(), cur.hi[0]);
      }
      for (size_t e = 0; e < cur.hi.size(); ++e) {
        const size_t o = ours.hi.size() == 1 ? 0 : e;
        if (ours.lo[o] > cur.lo[e]) { cur.lo[e] = ours.lo[o]; r.values = true; }
        if (ours.hi[o] < cur.hi[e]) { cur.hi[e] = ours.hi[o]; r.values = true; }
      }
    }
  }
  return r;
}

// value_info (or graph output) entries by name, to record shapes into.
class ValueInfoIndex {
 public:
  explicit ValueInfoIndex(onnx::GraphProto& graph) : graph_(graph) {
    for (auto& vi : *graph.mutable_value_info()) by_name_[vi.name()] = &vi;
    for (auto& vi : *graph.mutable_output()) by_name_[vi.name()] = &vi;
  }

  void Record(const std::string& name, const TensorInfo& t) {
    onnx::ValueInfoProto*& vi = by_name_[name];
    if (vi == nullptr) {
      vi = graph_.add_value_info();
      vi->set_name(name);
    }
    auto* tt = vi->mutable_type()->mutable_tensor_type();
    if (t.elem_type != 0) tt->set_elem_type(t.elem_type);
    if (!t.has_shape) return;
    auto* shape = tt->mutable_shape();
    shape->clear_dim();
    for (size_t i = 0; i < t.dims.size(); ++i) {
      auto* d = shape->add_dim();
      if (t.dims[i] >= 0) {
        d->set_dim_value(t.dims[i]);
      } else if (i < t.dim_names.size() && !t.dim_names[i].empty()) {
        d->set_dim_param(t.dim_names[i]);
      }
    }
  }

 private:
  onnx::GraphProto& graph_;
  // Pointers into RepeatedPtrFields stay valid as they grow.
  absl::flat_hash_map<std::string, onnx::ValueInfoProto*> by_name_;
};

NodeView ViewOf(const onnx::NodeProto& node, int64_t opset, const ValueTable& values,
                const RuleOptions* options) {
  NodeView view;
  view.node = &node;
  view.options = options;
  view.domain = CanonicalDomain(node.domain());
  view.opset = opset;
  for (const auto& in : node.input()) {
    auto it = in.empty() ? values.end() : values.find(in);
    view.inputs.push_back(it == values.end() ? nullptr : &it->second);
  }
  return view;
}

struct PassResult {
  int shapes = 0;
  int values = 0;
};

using Lookup = std::function<const TensorInfo*(const std::string&)>;
using OpsetOfNode = std::function<int64_t(const onnx::NodeProto&)>;

bool IsControlFlow(const onnx::NodeProto& node) {
  return node.op_type() == "If" || node.op_type() == "Loop";
}

// If branches and Loop bodies nested deeper than this are not entered (a hostile file can
// nest them without end; real exports nest two or three).
constexpr int kMaxIfDepth = 8;
// Subgraph propagations one pass may start, nested ones included: each
// level repeats its passes over the level below, so a file of nested Loops
// would otherwise cost 4^depth (the fuzzer found one that ran for minutes).
constexpr int kSubgraphBudget = 256;

// How deep a propagation is, and what is left of its pass's budget.
struct Nesting {
  int depth = 0;
  int* budget = nullptr;
  Nesting Deeper() const { return {depth + 1, budget}; }
  // Takes one subgraph propagation from the budget; false when none is left.
  bool Spend() const {
    if (depth >= kMaxIfDepth || budget == nullptr || *budget <= 0) return false;
    --*budget;
    return true;
  }
};

int PropagateGraph(const onnx::GraphProto& graph, const std::vector<int>& order,
                   const std::vector<TensorInfo>& seeds, const Lookup& outer,
                   const OpsetOfNode& opset_of, ValueTable* table, const RuleOptions* options,
                   Nesting nest);

// The outputs of `branch` propagated with the enclosing values visible.
std::vector<TensorInfo> BranchOutputs(const onnx::GraphProto& branch, const Lookup& outer,
                                      const OpsetOfNode& opset_of, const RuleOptions* options,
                                      Nesting nest) {
  if (!nest.Spend()) return {};
  bool sorted = true;
  absl::StatusOr<std::vector<int>> order = TopologicalOrder(branch, &sorted, /*is_subgraph=*/true);
  if (!order.ok()) return {};
  ValueTable table = BuildValueTable(branch, {});
  PropagateGraph(branch, *order, {}, outer, opset_of, &table, options, nest.Deeper());
  std::vector<TensorInfo> outs;
  for (const auto& o : branch.output()) {
    auto it = table.find(o.name());
    const TensorInfo* t = it != table.end() ? &it->second : outer(o.name());
    outs.push_back(t != nullptr ? *t : TensorInfo());
  }
  return outs;
}

// What both branches allow: a dim the branches disagree on takes the larger
// (the upper-bound pass) or the smaller (the low pass), as the walker counts
// the more or the less expensive branch.
TensorInfo JoinBranches(const TensorInfo& a, const TensorInfo& b, bool low) {
  TensorInfo t;
  t.elem_type = a.elem_type != 0 ? a.elem_type : b.elem_type;
  if (!a.has_shape || !b.has_shape || a.dims.size() != b.dims.size()) return t;
  t.has_shape = true;
  for (size_t i = 0; i < a.dims.size(); ++i) {
    const int64_t x = a.dims[i], y = b.dims[i];
    t.dims.push_back(x < 0 || y < 0 ? -1 : x == y ? x : low ? std::min(x, y) : std::max(x, y));
  }
  t.dim_names.assign(t.dims.size(), "");
  if (a.has_values && b.has_values && a.dims == b.dims && a.values == b.values) {
    t.has_values = true;
    t.values = a.values;
    t.int_values = a.int_values;
  }
  return t;
}

// An If's outputs: the taken branch's when the condition is known, else
// the join of both. Nullopt for a node that is not an If with two branches.
std::optional<std::vector<TensorInfo>> PropagateIf(const onnx::NodeProto& node,
                                                   const Lookup& lookup,
                                                   const OpsetOfNode& opset_of,
                                                   const RuleOptions* options, Nesting nest) {
  if (node.op_type() != "If" || !CanonicalDomain(node.domain()).empty()) {
    return std::nullopt;
  }
  const onnx::GraphProto* then_branch = nullptr;
  const onnx::GraphProto* else_branch = nullptr;
  for (const auto& a : node.attribute()) {
    if (a.name() == "then_branch" && a.has_g()) then_branch = &a.g();
    if (a.name() == "else_branch" && a.has_g()) else_branch = &a.g();
  }
  if (then_branch == nullptr || else_branch == nullptr) return std::nullopt;
  const TensorInfo* cond =
      node.input_size() > 0 && !node.input(0).empty() ? lookup(node.input(0)) : nullptr;
  if (cond != nullptr && cond->has_values && cond->values.size() == 1) {
    return BranchOutputs(cond->values[0] != 0 ? *then_branch : *else_branch, lookup, opset_of,
                         options, nest);
  }
  std::vector<TensorInfo> a = BranchOutputs(*then_branch, lookup, opset_of, options, nest);
  std::vector<TensorInfo> b = BranchOutputs(*else_branch, lookup, opset_of, options, nest);
  const bool low = options != nullptr && options->data_dependent_low;
  std::vector<TensorInfo> outs;
  for (size_t k = 0; k < a.size() && k < b.size(); ++k) outs.push_back(JoinBranches(a[k], b[k], low));
  return outs;
}

// A Loop's outputs: each loop-carried value keeps its initial shape where
// the body's output agrees (dims it changes become unknown), each scan
// output is [M, body output] with M the trip count when known. Nullopt for
// a node that is not a Loop with a body.
std::optional<std::vector<TensorInfo>> PropagateLoop(const onnx::NodeProto& node,
                                                     const Lookup& lookup,
                                                     const OpsetOfNode& opset_of,
                                                     const RuleOptions* options, Nesting nest) {
  if (node.op_type() != "Loop" || !CanonicalDomain(node.domain()).empty()) return std::nullopt;
  const onnx::GraphProto* body = nullptr;
  for (const auto& a : node.attribute()) {
    if (a.name() == "body" && a.has_g()) body = &a.g();
  }
  if (body == nullptr || node.input_size() < 2 || !nest.Spend()) return std::nullopt;
  auto input = [&](int i) -> const TensorInfo* {
    return i < node.input_size() && !node.input(i).empty() ? lookup(node.input(i)) : nullptr;
  };
  // Body inputs: iteration number, condition, then the carried values at
  // their initial type and shape.
  const std::vector<TensorInfo> seeds = BodySeeds(node, *body, lookup);
  const int carried = node.input_size() - 2;
  bool sorted = true;
  absl::StatusOr<std::vector<int>> order = TopologicalOrder(*body, &sorted, /*is_subgraph=*/true);
  if (!order.ok()) return std::nullopt;
  ValueTable table = BuildValueTable(*body, {});
  PropagateGraph(*body, *order, seeds, lookup, opset_of, &table, options, nest.Deeper());
  auto body_out = [&](int k) -> TensorInfo {
    if (k >= body->output_size()) return TensorInfo();
    auto it = table.find(body->output(k).name());
    const TensorInfo* t = it != table.end() ? &it->second : lookup(body->output(k).name());
    return t != nullptr ? *t : TensorInfo();
  };
  const TensorInfo* m = input(0);
  int64_t trips = -1;
  if (m != nullptr && m->has_values && m->int_values.size() == 1 && m->int_values[0] >= 0 &&
      m->int_values[0] <= kMaxDim) {
    trips = m->int_values[0];
  }
  std::vector<TensorInfo> outs;
  for (int k = 0; k < node.output_size(); ++k) {
    const TensorInfo out = body_out(k + 1);  // body output 0 is the condition
    if (k < carried) {
      const TensorInfo* init = input(k + 2);
      TensorInfo t;
      t.elem_type = init != nullptr && init->elem_type != 0 ? init->elem_type : out.elem_type;
      if (init != nullptr && init->has_shape &&
          (!out.has_shape || out.dims.size() == init->dims.size())) {
        t.has_shape = true;
        for (size_t i = 0; i < init->dims.size(); ++i) {
          const bool agrees = !out.has_shape || out.dims[i] < 0 || out.dims[i] == init->dims[i];
          t.dims.push_back(agrees ? init->dims[i] : -1);
        }
        t.dim_names.assign(t.dims.size(), "");
      }
      outs.push_back(std::move(t));
      continue;
    }
    TensorInfo t;
    t.elem_type = out.elem_type;
    if (out.has_shape) {
      t.has_shape = true;
      t.dims.push_back(trips);
      t.dims.insert(t.dims.end(), out.dims.begin(), out.dims.end());
      t.dim_names.assign(t.dims.size(), "");
    }
    outs.push_back(std::move(t));
  }
  return outs;
}

// The rule's propagator, or PropagateIf / PropagateLoop for control flow.
absl::StatusOr<Outputs> PropagateOne(const onnx::NodeProto& node, const Rule* rule,
                                     const NodeView& view, const Lookup& lookup,
                                     const OpsetOfNode& opset_of, Nesting nest) {
  if (std::optional<std::vector<TensorInfo>> outs =
          PropagateIf(node, lookup, opset_of, view.options, nest)) {
    return *std::move(outs);
  }
  if (std::optional<std::vector<TensorInfo>> outs =
          PropagateLoop(node, lookup, opset_of, view.options, nest)) {
    return *std::move(outs);
  }
  if (rule == nullptr || rule->propagate == nullptr) {
    return absl::NotFoundError(absl::StrCat("no propagator for ", node.op_type()));
  }
  return rule->propagate(view);
}

// One pass of our propagators over `graph` in `order`, growing `values`.
// Shapes that got more precise are recorded in `index` (the graph's
// value_info, for ONNX's next round) unless it is null; values found are
// added to `found`.
PassResult RunPass(const onnx::GraphProto& graph, const std::vector<int>& order,
                   const OpsetVersions& versions, const absl::flat_hash_set<int>& hidden,
                   const RuleOptions* options, ValueInfoIndex* index, ValueTable& values,
                   ValueTable& found) {
  const RuleRegistry& registry = DefaultRules();
  int budget = kSubgraphBudget;  // subgraph propagations this pass may start
  PassResult result;
  const Lookup lookup = [&values](const std::string& name) -> const TensorInfo* {
    auto it = values.find(name);
    return it == values.end() ? nullptr : &it->second;
  };
  const OpsetOfNode opset_of = [&versions](const onnx::NodeProto& n) {
    return OpsetOf(versions, n);
  };
  for (int i : order) {
    const onnx::NodeProto& node = graph.node(i);
    const Rule* rule = FindRule(registry, node.domain(), node.op_type());
    if ((rule == nullptr || rule->propagate == nullptr) && !IsControlFlow(node)) continue;
    const NodeView view = ViewOf(node, OpsetOf(versions, node), values, options);
    absl::StatusOr<Outputs> outs =
        PropagateOne(node, rule, view, lookup, opset_of, Nesting{0, &budget});
    if (!outs.ok()) continue;  // the rule that reads this node will say why
    if (rule != nullptr) AddValueBounds(*rule, view, &*outs);
    AddRoutingTags(view, &*outs);
    for (TensorInfo& t : *outs) {
      for (int64_t& d : t.dims) d = d > kMaxDim ? -1 : d;  // nonsense: unknown
    }
    const bool authoritative = hidden.contains(i);
    for (size_t k = 0; k < outs->size() && k < static_cast<size_t>(node.output_size()); ++k) {
      const std::string& name = node.output(static_cast<int>(k));
      if (name.empty()) continue;
      auto [it, inserted] = values.try_emplace(name);
      if (inserted) it->second.name = name;
      const MergeResult m = Merge(it->second, (*outs)[k], authoritative);
      if (m.shape) {
        if (index != nullptr) index->Record(name, it->second);
        ++result.shapes;
      }
      if (m.values) {
        found[name] = it->second;
        ++result.values;
      }
    }
  }
  return result;
}

// A tensor holding `t`'s values, for ONNX to read as input data; false for
// element types it is not worth encoding.
bool ToTensor(const std::string& name, const TensorInfo& t, onnx::TensorProto* out) {
  out->set_name(name);
  out->set_data_type(t.elem_type);
  for (int64_t d : t.dims) out->add_dims(d);
  switch (t.elem_type) {
    case onnx::TensorProto::INT64:
      for (int64_t v : t.int_values) out->add_int64_data(v);
      return true;
    case onnx::TensorProto::INT32:
    case onnx::TensorProto::BOOL:
      for (int64_t v : t.int_values) out->add_int32_data(static_cast<int32_t>(v));
      return true;
    case onnx::TensorProto::FLOAT:
      for (double v : t.values) out->add_float_data(static_cast<float>(v));
      return true;
    case onnx::TensorProto::DOUBLE:
      for (double v : t.values) out->add_double_data(v);
      return true;
    default:
      return false;
  }
}

// Values of node outputs worth offering ONNX as input data: every one known
// (ours, or ONNX's own shape data, which its shape functions do not read),
// except the Constant outputs ONNX reads anyway.
ValueTable Offer(const onnx::GraphProto& graph, const ValueTable& values) {
  ValueTable offer;
  for (const auto& node : graph.node()) {
    if (node.op_type() == "Constant") continue;
    for (const auto& out : node.output()) {
      auto it = out.empty() ? values.end() : values.find(out);
      if (it == values.end() || !it->second.has_values || it->second.is_initializer) continue;
      onnx::TensorProto probe;
      if (FullShape(it->second) && ToTensor(out, it->second, &probe)) offer[out] = it->second;
    }
  }
  return offer;
}

// ONNX inference with `offer` as initializers and stale-schema nodes hidden;
// the graph is restored afterwards (apart from value_info).
bool RunOnnxRound(onnx::ModelProto& model, const ValueTable& offer,
                  const absl::flat_hash_set<int>& hidden, ShapeDataMap* shape_data,
                  std::vector<std::string>* warnings, std::string* failure) {
  onnx::GraphProto& graph = *model.mutable_graph();
  std::vector<std::string> hidden_ops;
  for (int i : hidden) {
    hidden_ops.push_back(graph.node(i).op_type());
    graph.mutable_node(i)->set_op_type(kHiddenOpType);
  }
  const int initializers = graph.initializer_size();
  for (const auto& [name, t] : offer) {
    onnx::TensorProto tensor;
    if (ToTensor(name, t, &tensor)) *graph.add_initializer() = std::move(tensor);
  }
  shape_data->clear();
  const bool ran = RunShapeInference(model, shape_data, warnings, failure);
  graph.mutable_initializer()->DeleteSubrange(initializers,
                                              graph.initializer_size() - initializers);
  size_t k = 0;
  for (int i : hidden) graph.mutable_node(i)->set_op_type(hidden_ops[k++]);
  return ran;
}

// Writes the integral values we found into `shape_data`, where
// BuildValueTable picks up propagated values.
void ExportValues(const ValueTable& found, ShapeDataMap* shape_data) {
  for (const auto& [name, t] : found) {
    if (!t.has_values) continue;  // bounds only
    onnx::TensorShapeProto data;
    bool integral = true;
    for (double v : t.values) integral = integral && std::floor(v) == v && std::isfinite(v);
    if (!integral) continue;
    for (int64_t v : t.int_values) data.add_dim()->set_dim_value(v);
    (*shape_data)[name] = std::move(data);
  }
}

int UnknownOutputs(const onnx::GraphProto& graph, const ValueTable& values) {
  int unknown = 0;
  for (const auto& node : graph.node()) {
    for (const auto& out : node.output()) {
      if (out.empty()) continue;
      auto it = values.find(out);
      if (it == values.end() || !FullShape(it->second)) ++unknown;
    }
  }
  return unknown;
}

bool HasSubgraphs(const onnx::GraphProto& graph) {
  for (const auto& node : graph.node()) {
    for (const auto& a : node.attribute()) {
      if (a.has_g() || a.graphs_size() > 0) return true;
    }
  }
  return false;
}

// Every node output has an element type and a full shape.
bool Resolved(const onnx::GraphProto& graph, const ValueTable& values) {
  for (const auto& node : graph.node()) {
    for (const auto& out : node.output()) {
      if (out.empty()) continue;
      auto it = values.find(out);
      if (it == values.end() || it->second.elem_type == 0 || !FullShape(it->second)) return false;
    }
  }
  return true;
}

}  // namespace

namespace {

int PropagateGraph(const onnx::GraphProto& graph, const std::vector<int>& order,
                   const std::vector<TensorInfo>& seeds, const Lookup& outer,
                   const OpsetOfNode& opset_of, ValueTable* table, const RuleOptions* options,
                   Nesting nest) {
  for (const TensorInfo& seed : seeds) {
    auto [it, inserted] = table->try_emplace(seed.name);
    if (inserted) it->second.name = seed.name;
    Merge(it->second, seed, /*authoritative=*/false);
  }
  // Outer-scope values the body reads, copied in: propagators see one table.
  for (int i : order) {
    for (const auto& in : graph.node(i).input()) {
      if (in.empty() || table->contains(in)) continue;
      const TensorInfo* o = outer(in);
      if (o != nullptr) table->emplace(in, *o);
    }
  }
  const RuleRegistry& registry = DefaultRules();
  // Names the body does not define resolve in the enclosing scopes: an If
  // branch in the body reads them implicitly.
  const Lookup lookup = [&](const std::string& name) -> const TensorInfo* {
    auto it = table->find(name);
    return it != table->end() ? &it->second : outer(name);
  };
  int changed = 0;
  for (int pass = 0; pass < 4; ++pass) {
    int this_pass = 0;
    for (int i : order) {
      const onnx::NodeProto& node = graph.node(i);
      const Rule* rule = FindRule(registry, node.domain(), node.op_type());
      if ((rule == nullptr || rule->propagate == nullptr) && !IsControlFlow(node)) continue;
      const NodeView view = ViewOf(node, opset_of(node), *table, options);
      absl::StatusOr<Outputs> outs = PropagateOne(node, rule, view, lookup, opset_of, nest);
      if (!outs.ok()) continue;
      if (rule != nullptr) AddValueBounds(*rule, view, &*outs);
      AddRoutingTags(view, &*outs);
      for (size_t k = 0; k < outs->size() && k < static_cast<size_t>(node.output_size()); ++k) {
        const std::string& name = node.output(static_cast<int>(k));
        if (name.empty()) continue;
        TensorInfo& t = (*outs)[k];
        for (int64_t& d : t.dims) d = d > kMaxDim ? -1 : d;
        auto [it, inserted] = table->try_emplace(name);
        if (inserted) it->second.name = name;
        const MergeResult m = Merge(it->second, t, /*authoritative=*/false);
        this_pass += (m.shape || m.values) ? 1 : 0;
      }
    }
    changed += this_pass;
    if (this_pass == 0) break;
  }
  return changed;
}

// Elementwise ops whose operands' shapes follow from their output's.
bool UnaryElementwise(const std::string& op) {
  static const auto* const ops = new absl::flat_hash_set<std::string>{
      "Identity", "Cast", "Neg", "Abs", "Exp", "Log", "Sqrt", "Reciprocal", "Relu", "Sigmoid",
      "Tanh", "Sin", "Cos", "Tan", "Erf", "Floor", "Ceil", "Round", "Sign", "Softplus"};
  return ops->contains(op);
}
bool BinaryElementwise(const std::string& op) {
  return op == "Add" || op == "Sub" || op == "Mul" || op == "Div" || op == "Pow";
}

// One pass backwards over `order`: the input of a unary elementwise op whose
// output shape is known has that shape; so has an operand of a binary one
// whose other operand is a scalar or [1] (broadcasting it changes nothing).
// Only unknown dims are filled. Returns how many values got more precise.
int ShapesFromOutputs(const onnx::GraphProto& graph, const std::vector<int>& order,
                      ValueTable& values) {
  auto full = [&](const std::string& name) -> const TensorInfo* {
    auto it = values.find(name);
    return it != values.end() && FullShape(it->second) ? &it->second : nullptr;
  };
  int changed = 0;
  for (auto i = order.rbegin(); i != order.rend(); ++i) {
    const onnx::NodeProto& node = graph.node(*i);
    if (!CanonicalDomain(node.domain()).empty() || node.output_size() < 1) continue;
    const std::string& op = node.op_type();
    const bool unary = UnaryElementwise(op) && node.input_size() >= 1;
    const bool binary = BinaryElementwise(op) && node.input_size() == 2;
    if (!unary && !binary) continue;
    const TensorInfo* out = full(node.output(0));
    if (out == nullptr) continue;
    for (int k = 0; k < (unary ? 1 : 2); ++k) {
      const std::string& name = node.input(k);
      if (name.empty() || full(name) != nullptr) continue;
      if (binary) {
        const TensorInfo* other = full(node.input(1 - k));
        if (other == nullptr || other->dims.size() > 1 || NumElements(other->dims) != 1) continue;
      }
      TensorInfo shaped;
      shaped.has_shape = true;
      shaped.dims = out->dims;
      shaped.dim_names.assign(shaped.dims.size(), "");
      auto [it, inserted] = values.try_emplace(name);
      if (inserted) it->second.name = name;
      if (Merge(it->second, shaped, /*authoritative=*/false).shape) ++changed;
    }
  }
  return changed;
}

}  // namespace

std::vector<TensorInfo> BodySeeds(
    const onnx::NodeProto& node, const onnx::GraphProto& body,
    const std::function<const TensorInfo*(const std::string&)>& lookup) {
  std::vector<TensorInfo> seeds;
  // Body input k takes what `from` says of it: its type and shape, no values
  // (a state's values change per trip).
  auto seed = [&](int k, const TensorInfo* from) {
    if (from == nullptr || k >= body.input_size()) return;
    TensorInfo t;
    t.name = body.input(k).name();
    t.elem_type = from->elem_type;
    t.has_shape = from->has_shape;
    t.dims = from->dims;
    t.dim_names.assign(t.dims.size(), "");
    seeds.push_back(std::move(t));
  };
  auto find = [&](int i) -> const TensorInfo* {
    return i < node.input_size() && !node.input(i).empty() ? lookup(node.input(i)) : nullptr;
  };
  if (node.op_type() == "Loop") {
    for (int k = 2; k < body.input_size(); ++k) seed(k, find(k));
    return seeds;
  }
  if (node.op_type() != "Scan" || node.input_size() != body.input_size()) return seeds;  // opset 8
  int64_t scans = 0;
  std::vector<int64_t> axes;
  for (const auto& a : node.attribute()) {
    if (a.name() == "num_scan_inputs") scans = a.i();
    if (a.name() == "scan_input_axes") axes.assign(a.ints().begin(), a.ints().end());
  }
  const int states =
      body.input_size() - static_cast<int>(std::clamp<int64_t>(scans, 0, body.input_size()));
  for (int k = 0; k < body.input_size(); ++k) {
    const TensorInfo* in = find(k);
    if (k < states || in == nullptr || !in->has_shape) {
      seed(k, in);
      continue;
    }
    const size_t m = static_cast<size_t>(k - states);
    const int64_t rank = static_cast<int64_t>(in->dims.size());
    int64_t axis = m < axes.size() ? axes[m] : 0;
    if (axis < 0) axis += rank;
    if (axis < 0 || axis >= rank) continue;
    TensorInfo slice = *in;
    slice.dims.erase(slice.dims.begin() + axis);
    seed(k, &slice);
  }
  return seeds;
}

int PropagateSubgraph(const onnx::GraphProto& graph, const std::vector<int>& order,
                      const std::vector<TensorInfo>& seeds,
                      const std::function<const TensorInfo*(const std::string&)>& outer,
                      const std::function<int64_t(const onnx::NodeProto&)>& opset_of,
                      ValueTable* table, const RuleOptions* options) {
  int budget = kSubgraphBudget;
  return PropagateGraph(graph, order, seeds, outer, opset_of, table, options,
                        Nesting{0, &budget});
}

absl::StatusOr<std::vector<TensorInfo>> PropagateNode(const onnx::NodeProto& node,
                                                      const ValueTable& values, int64_t opset) {
  const Rule* rule = FindRule(DefaultRules(), node.domain(), node.op_type());
  const Propagator p = rule == nullptr ? nullptr : rule->propagate;
  if (p == nullptr) return absl::NotFoundError(absl::StrCat("no propagator for ", node.op_type()));
  return p(ViewOf(node, opset, values, nullptr));
}

ValueTable InferAllShapes(onnx::ModelProto& model, std::vector<std::string>* warnings,
                          const InferOptions& options, PropagationStats* stats) {
  PropagationStats local;
  if (stats == nullptr) stats = &local;
  *stats = PropagationStats();
  onnx::GraphProto& graph = *model.mutable_graph();
  std::vector<int> own_order;
  if (options.order == nullptr) {
    bool sorted = true;
    absl::StatusOr<std::vector<int>> order = TopologicalOrder(graph, &sorted);
    if (order.ok()) {
      own_order = *std::move(order);
    } else {
      for (int i = 0; i < graph.node_size(); ++i) own_order.push_back(i);
    }
  }
  const std::vector<int>& nodes = options.order != nullptr ? *options.order : own_order;
  const OpsetVersions versions = VersionsOf(model);
  absl::flat_hash_set<int> hidden;
  for (int i = 0; i < graph.node_size(); ++i) {
    if (StaleForOnnx(graph.node(i), OpsetOf(versions, graph.node(i)))) hidden.insert(i);
  }

  ValueTable found;  // values our passes computed, kept across rounds
  ValueTable offer;  // values given to ONNX as input data this round
  std::vector<std::string> onnx_warnings;
  ShapeDataMap shape_data;
  ValueTable values;
  // Our pass alone first: when it gives every output of a graph without
  // subgraphs a type and a full shape, ONNX has nothing to add, and skipping
  // it skips building its 2,000-schema registry (about 20 ms, more than the
  // rest of a ResNet-50) and its per-node inference (a third of the time at
  // a million nodes).
  // The graph is left untouched (no value_info recorded): on a partial pass
  // ONNX starts from the graph as declared, and ours does not outrank it.
  if (!HasSubgraphs(graph)) {
    values = BuildValueTable(graph, shape_data);
    const PassResult pass = RunPass(graph, nodes, versions, hidden, options.rule_options, nullptr, values, found);
    if (Resolved(graph, values)) {
      stats->shapes_found = pass.shapes;
      stats->values_found = pass.values;
      return values;
    }
    found.clear();
  }
  for (int round = 0; round < std::max(options.max_rounds, 1); ++round) {
    onnx_warnings.clear();
    // A helper that crashed on this model would crash again: one try, then
    // our own propagation alone, and the warning says so whatever it finds.
    std::string failure;
    const bool ran = RunOnnxRound(model, offer, hidden, &shape_data, &onnx_warnings, &failure);
    if (ran) ++stats->onnx_rounds;
    if (!ran) warnings->push_back(failure);
    values = BuildValueTable(graph, shape_data);
    for (const auto& [name, t] : found) {
      auto [it, inserted] = values.try_emplace(name, t);
      if (!inserted) Merge(it->second, t, /*authoritative=*/false);
    }
    ValueInfoIndex index(graph);
    const PassResult pass = RunPass(graph, nodes, versions, hidden, options.rule_options, &index, values, found);
    stats->shapes_found += pass.shapes;
    stats->values_found += pass.values;
    if (!ran || UnknownOutputs(graph, values) == 0) break;
    // Another round helps only if ONNX gets to see something new: shapes
    // we found, or values it knew only as shape data (or not at all).
    ValueTable next = Offer(graph, values);
    const bool more_values = next.size() > offer.size();
    offer = std::move(next);
    if (pass.shapes == 0 && !more_values) break;
  }
  stats->unknown_outputs = UnknownOutputs(graph, values);
  ExportValues(found, &shape_data);
  // ONNX stopping early matters only if something is still unknown.
  if (stats->unknown_outputs > 0) {
    warnings->insert(warnings->end(), onnx_warnings.begin(), onnx_warnings.end());
  }
  ValueTable final_values = BuildValueTable(graph, shape_data);
  // Bounds live only in our tables: carried over where values are unknown
  // (with the shape they need, which ONNX's last round may have left open).
  for (const auto& [name, t] : found) {
    if (t.hi.empty()) continue;
    auto it = final_values.find(name);
    if (it == final_values.end()) continue;
    TensorInfo shape_only = t;
    shape_only.has_values = false;
    shape_only.values.clear();
    shape_only.int_values.clear();
    Merge(it->second, shape_only, /*authoritative=*/false);
  }
  // Declared output shapes reach back through elementwise ops (a window
  // function's Range to a size given as an input value, whose result the
  // graph declares); what that shapes is then propagated forward again.
  if (stats->unknown_outputs > 0) {
    for (int step = 0; step < 3 && ShapesFromOutputs(graph, nodes, final_values) > 0; ++step) {
      ValueTable ignored;
      RunPass(graph, nodes, versions, hidden, options.rule_options, nullptr, final_values,
              ignored);
    }
  }
  return final_values;
}

}  // namespace onnx_flops
