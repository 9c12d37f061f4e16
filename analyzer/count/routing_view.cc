#include "analyzer/count/routing_view.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "analyzer/load/graph_order.h"
#include "analyzer/load/parameters.h"
#include "analyzer/util/element_type.h"
#include "analyzer/util/number_format.h"
#include "rules/rule.h"

namespace onnx_flops {
namespace {

struct Found {
  std::string node;         // path of the router (or fused) node
  std::string form;         // "routed", "dense", "fused"
  std::string op;           // TopK, ArgMax, MoE...
  int64_t experts = 0;
  int64_t top_k = 0;
  int64_t tokens = 0;
  int routed_nodes = 0;     // routed NonZeros, dense gate products
  // Expert weights, each with the weights a stored element holds (a packed
  // 4-bit QMoE byte holds 2).
  absl::flat_hash_map<std::string, double> weights;
};

bool IsScatter(const std::string& op) {
  return op == "ScatterND" || op == "ScatterElements" || op == "Scatter";
}

class Graph {
 public:
  Graph(const onnx::GraphProto& graph, const ValueTable& values) : values_(values) {
    for (const auto& t : graph.initializer()) initializers_[t.name()] = &t;
    for (const auto& n : graph.node()) {
      for (const auto& out : n.output()) {
        if (!out.empty()) producer_[out] = &n;
      }
    }
  }

  const onnx::NodeProto* Producer(const std::string& name) const {
    auto it = producer_.find(name);
    return it == producer_.end() ? nullptr : it->second;
  }

  const TensorInfo* Info(const std::string& name) const {
    auto it = values_.find(name);
    return it == values_.end() ? nullptr : &it->second;
  }

  // The weight `name` holds, following ops that hand a weight on unchanged
  // in value (Transpose, Cast, DequantizeLinear...): an initializer or a
  // Constant counted among the parameters (analyzer/load/parameters.h); ""
  // when it is not one.
  std::string WeightBehind(std::string name, bool quantized = false) const {
    for (int hops = 0; hops < 8 && !name.empty(); ++hops) {
      if (auto it = initializers_.find(name); it != initializers_.end()) {
        const int32_t type = it->second->data_type();
        return IsFloatingType(type) || (quantized && type != onnx::TensorProto::BOOL) ? name : "";
      }
      const onnx::NodeProto* p = Producer(name);
      if (p == nullptr) return "";
      if (p->op_type() == "Constant") {
        const TensorInfo* t = Info(name);
        return t != nullptr && IsFloatingType(t->elem_type) && t->has_shape &&
                       NumElements(t->dims) > 1
                   ? name
                   : "";
      }
      const Rule* rule = FindRule(DefaultRules(), p->domain(), p->op_type());
      if (rule == nullptr || !rule->backward.passes_weight || p->input_size() == 0) return "";
      quantized = QuantizedWeightAt(rule->backward, 0);
      name = p->input(0);
    }
    return "";
  }

  double Elements(const std::string& weight) const {
    if (auto it = initializers_.find(weight); it != initializers_.end()) {
      return NumElements(Dims(it->second->dims().begin(), it->second->dims().end()));
    }
    const TensorInfo* t = Info(weight);
    return t != nullptr && t->has_shape ? NumElements(t->dims) : 0;
  }

  // Every tensor `name` is computed from, itself included.
  absl::flat_hash_set<std::string> Ancestors(const std::string& name) const {
    absl::flat_hash_set<std::string> seen;
    std::vector<std::string> stack = {name};
    while (!stack.empty()) {
      std::string n = std::move(stack.back());
      stack.pop_back();
      if (n.empty() || !seen.insert(n).second) continue;
      if (const onnx::NodeProto* p = Producer(n)) {
        for (const auto& in : p->input()) stack.push_back(in);
      }
    }
    return seen;
  }

 private:
  const ValueTable& values_;
  absl::flat_hash_map<std::string, const onnx::TensorProto*> initializers_;
  absl::flat_hash_map<std::string, const onnx::NodeProto*> producer_;
};

bool ReadsValues(const onnx::NodeProto& n) {
  // Shape reads only dims; ops that pass a weight on leave the reading to
  // their consumers, which resolve through them.
  if (n.op_type() == "Shape" || n.op_type() == "Size") return false;
  const Rule* rule = FindRule(DefaultRules(), n.domain(), n.op_type());
  return rule == nullptr || !rule->backward.passes_weight;
}

bool IsFusedMoe(const NodeResult& r) {
  return r.domain == "com.microsoft" && (r.op_type == "MoE" || r.op_type == "QMoE");
}

// The routed form: taint flows from each routed NonZero's output to the
// scatter that puts the rows back; the weights the tainted nodes read are
// that router's experts'.
void FindRouted(const Graph& g, const std::vector<NodeResult>& nodes,
                absl::flat_hash_map<std::string, size_t>* index, std::vector<Found>* found,
                absl::flat_hash_set<std::string>* shared) {
  absl::flat_hash_map<std::string, size_t> taint;
  for (const NodeResult& r : nodes) {
    if (r.depth != 0 || r.node == nullptr || r.op_type != "NonZero" || r.cost.routing.empty() ||
        r.node->input_size() == 0 || r.node->output_size() == 0) {
      continue;
    }
    const TensorInfo* mask = g.Info(r.node->input(0));
    if (mask == nullptr || !mask->routing.has_value()) continue;
    const RoutingTag& tag = *mask->routing;
    auto [it, inserted] = index->try_emplace(tag.router, found->size());
    if (inserted) {
      Found f;
      f.form = "routed";
      f.experts = tag.experts;
      f.top_k = tag.top_k;
      f.tokens = tag.tokens;
      const onnx::NodeProto* router = g.Producer(tag.router);
      f.op = router != nullptr ? router->op_type() : "TopK";
      f.node = router != nullptr && !router->name().empty() ? router->name() : tag.router;
      found->push_back(std::move(f));
    }
    ++(*found)[it->second].routed_nodes;
    taint[r.node->output(0)] = it->second;
  }
  if (taint.empty()) return;
  for (const NodeResult& r : nodes) {
    if (r.depth != 0 || r.node == nullptr) continue;
    const onnx::NodeProto& n = *r.node;
    const size_t* src = nullptr;
    for (const auto& in : n.input()) {
      auto it = taint.find(in);
      if (it != taint.end()) {
        src = &it->second;
        break;
      }
    }
    if (src == nullptr) {
      if (!ReadsValues(n)) continue;
      for (const auto& in : n.input()) {
        std::string w = g.WeightBehind(in);
        if (!w.empty()) shared->insert(std::move(w));
      }
      continue;
    }
    const size_t router = *src;
    // The scatter back into the token tensor ends the expert's rows.
    if (IsScatter(n.op_type()) && n.input_size() > 0 && !taint.contains(n.input(0))) continue;
    for (const auto& out : n.output()) {
      if (!out.empty()) taint[out] = router;
    }
    if (!ReadsValues(n)) continue;
    for (const auto& in : n.input()) {
      if (taint.contains(in)) continue;
      std::string w = g.WeightBehind(in);
      if (!w.empty()) (*found)[router].weights.emplace(std::move(w), 1);
    }
  }
}

// The dense form: a router no NonZero reads, whose gate matrix multiplies
// an expert's output. The expert's weights lie behind that operand, back to
// the tensors the router itself is computed from.
void FindDense(const Graph& g, const onnx::GraphProto& graph,
               absl::flat_hash_map<std::string, size_t>* index, std::vector<Found>* found) {
  absl::flat_hash_map<std::string, absl::flat_hash_set<std::string>> ancestors;
  for (const auto& n : graph.node()) {
    if (n.op_type() != "Mul" || n.input_size() != 2) continue;
    for (int i = 0; i < 2; ++i) {
      const TensorInfo* gate = g.Info(n.input(i));
      const TensorInfo* other = g.Info(n.input(1 - i));
      if (gate == nullptr || !gate->routing.has_value() || !gate->routing->mask ||
          other == nullptr || other->routing.has_value() || other->dims.size() < 2) {
        continue;
      }
      const RoutingTag& tag = *gate->routing;
      auto existing = index->find(tag.router);
      if (existing != index->end() && (*found)[existing->second].form != "dense") break;
      const onnx::NodeProto* router = g.Producer(tag.router);
      if (router == nullptr || router->input_size() == 0) break;
      auto [anc, fresh] = ancestors.try_emplace(tag.router);
      if (fresh) anc->second = g.Ancestors(router->input(0));
      if (anc->second.contains(n.input(1 - i))) break;  // the router's own input, not an expert
      if (existing == index->end()) {
        existing = index->emplace(tag.router, found->size()).first;
        Found f;
        f.form = "dense";
        f.op = router->op_type();
        f.node = router->name().empty() ? tag.router : router->name();
        f.experts = tag.experts;
        f.top_k = tag.top_k;
        f.tokens = tag.tokens;
        found->push_back(std::move(f));
      }
      Found& f = (*found)[existing->second];
      ++f.routed_nodes;
      absl::flat_hash_set<std::string> seen;
      std::vector<std::string> stack = {n.input(1 - i)};
      while (!stack.empty()) {
        std::string name = std::move(stack.back());
        stack.pop_back();
        if (name.empty() || anc->second.contains(name) || !seen.insert(name).second) continue;
        std::string w = g.WeightBehind(name);
        if (!w.empty()) {
          f.weights.emplace(std::move(w), 1);
          continue;
        }
        if (const onnx::NodeProto* p = g.Producer(name)) {
          for (const auto& in : p->input()) stack.push_back(in);
        }
      }
      break;
    }
  }
}

// com.microsoft MoE/QMoE: input [rows, hidden] (or [B, S, hidden]), expert
// weights from input 2 on, E their first dim, k an attribute.
void FindFused(const Graph& g, const std::vector<NodeResult>& nodes, std::vector<Found>* found) {
  for (const NodeResult& r : nodes) {
    if (r.depth != 0 || r.node == nullptr || !IsFusedMoe(r) || r.node->input_size() < 3) continue;
    const TensorInfo* x = g.Info(r.node->input(0));
    const TensorInfo* w = g.Info(r.node->input(2));
    if (x == nullptr || w == nullptr || !x->has_shape || !w->has_shape || x->dims.empty() ||
        w->dims.empty()) {
      continue;
    }
    Found f;
    f.form = "fused";
    f.op = r.op_type;
    f.node = r.name;
    f.experts = w->dims[0];
    f.top_k = 1;
    for (const auto& a : r.node->attribute()) {
      if (a.name() == "k") f.top_k = a.i();
    }
    const double rows = NumElements(x->dims) / static_cast<double>(std::max<int64_t>(x->dims.back(), 1));
    f.tokens = static_cast<int64_t>(rows);
    f.routed_nodes = 1;
    const Rule* rule = FindRule(DefaultRules(), r.node->domain(), r.node->op_type());
    for (int i = 2; i < r.node->input_size(); ++i) {
      const bool quantized = rule != nullptr && QuantizedWeightAt(rule->backward, i);
      std::string weight = g.WeightBehind(r.node->input(i), quantized);
      if (weight.empty()) continue;
      const TensorInfo* t = g.Info(weight);
      const bool packed = quantized && t != nullptr && t->elem_type == onnx::TensorProto::UINT8;
      f.weights.emplace(std::move(weight), packed ? WeightsPerByte(*r.node) : 1);
    }
    found->push_back(std::move(f));
  }
}

// A NonZero counted at its generic bound although its mask is computed from
// a router's choice: the ops between lost what the mask means. Say so, and
// which forms are followed, instead of leaving a bare numel bound.
void ExplainUntiedBounds(const Graph& g, const std::vector<NodeResult>& nodes, Forward* f,
                         std::vector<std::string>* warnings) {
  absl::flat_hash_map<std::string, const onnx::NodeProto*> by_path;
  for (const NodeResult& r : nodes) {
    if (r.depth == 0 && r.node != nullptr && r.op_type == "NonZero") by_path[r.name] = r.node;
  }
  for (DataBound& b : *f->mutable_bounds()) {
    auto it = by_path.find(b.node());
    if (it == by_path.end() || it->second->input_size() == 0) continue;
    std::string router;
    for (const std::string& name : g.Ancestors(it->second->input(0))) {
      const TensorInfo* t = g.Info(name);
      if (t != nullptr && t->routing.has_value() && !t->routing->mask) {
        router = t->routing->router;
        break;
      }
    }
    if (router.empty()) continue;
    b.set_bound(absl::StrCat(b.bound(), "; the mask comes from the routing of '", router,
                             "' through ops that lose which experts it selects, so neither the "
                             "balanced share nor --routing applies (docs/moe.md lists the forms "
                             "followed)"));
    warnings->push_back(absl::StrCat("NonZero '", b.node(), "' reads the routing of '", router,
                                     "' in a form not followed: counted at its generic bound "
                                     "(forward.bounds)"));
  }
}

std::string Detail(const Found& f, bool worst) {
  const double t = static_cast<double>(f.tokens);
  const double k = static_cast<double>(f.top_k);
  const double e = static_cast<double>(f.experts);
  const std::string picks = absl::StrCat(f.op, " '", f.node, "' picks ", f.top_k, " of ",
                                         f.experts, " experts for each of ", Grouped(t),
                                         " tokens");
  if (f.form == "dense") {
    return absl::StrCat(picks, ", but every expert runs on every token and the gate matrix "
                        "masks the results (", f.routed_nodes, " gated expert outputs): counted "
                        "as it runs, ", Grouped(t * e), " expert rows where routed execution "
                        "would run ", Grouped(t * k));
  }
  const std::string where =
      f.form == "fused" ? "inside the fused op"
                        : absl::StrCat(f.routed_nodes, " NonZero node",
                                       f.routed_nodes == 1 ? "" : "s", " size the experts' rows");
  if (worst) {
    return absl::StrCat(picks, "; ", where, ": worst case, every expert gets every token, ",
                        Grouped(t), " rows each (", Grouped(t * e),
                        " in all, an upper bound: routing sends each token to ", f.top_k, ")");
  }
  const double base = std::floor(t * k / e);
  const std::string each = base * e == t * k
                               ? Grouped(base)
                               : absl::StrCat(Grouped(base), " or ", Grouped(base + 1));
  return absl::StrCat(picks, "; ", where, ": balanced, ", each, " rows per expert (",
                      Grouped(t * k), " = ", Grouped(t), " x ", f.top_k, " in all)");
}

}  // namespace

void DescribeRouting(const onnx::GraphProto& graph, const ValueTable& values,
                     const std::vector<NodeResult>& nodes, bool routing_worst, Report* report,
                     std::vector<std::string>* warnings) {
  ModelInfo* model = report->mutable_model();
  model->set_active_parameters(model->parameters());
  bool any = false;
  for (const NodeResult& r : nodes) {
    any = any || (r.depth == 0 && (!r.cost.routing.empty() || IsFusedMoe(r)));
  }
  for (const auto& [name, t] : values) {
    if (any) break;
    any = t.routing.has_value();
  }
  if (!any) return;

  const Graph g(graph, values);
  ExplainUntiedBounds(g, nodes, report->mutable_forward(), warnings);
  std::vector<Found> found;
  absl::flat_hash_map<std::string, size_t> index;  // router output -> found
  absl::flat_hash_set<std::string> shared;          // weights read outside any expert
  FindRouted(g, nodes, &index, &found, &shared);
  FindDense(g, graph, &index, &found);
  FindFused(g, nodes, &found);
  if (found.empty()) return;

  Routing* routing = report->mutable_forward()->mutable_routing();
  routing->set_assumption(routing_worst ? "worst" : "balanced");
  routing->set_note(
      routing_worst
          ? "worst-case routing (--routing worst): every routed expert gets every token, an "
            "upper bound no routing reaches (each token goes to k experts)"
          : "balanced routing: each of E experts gets tokens x k / E rows (whole rows, summing "
            "to tokens x k); the total is exact for any routing when the experts have equal "
            "shapes; --routing worst gives the upper bound");
  double inactive = 0;
  for (const Found& f : found) {
    double expert = 0;
    for (const auto& [w, per_element] : f.weights) {
      if (!shared.contains(w)) expert += g.Elements(w) * per_element;
    }
    const double share = f.experts > 0 ? static_cast<double>(f.top_k) / static_cast<double>(f.experts) : 1;
    Router* r = routing->add_routers();
    r->set_node(f.node);
    r->set_op_type(f.op);
    r->set_form(f.form);
    r->set_experts(f.experts);
    r->set_top_k(f.top_k);
    r->set_tokens(f.tokens);
    r->set_expert_nodes(f.routed_nodes);
    const double t = static_cast<double>(f.tokens);
    r->set_expert_rows(f.form == "dense" || routing_worst ? t * static_cast<double>(f.experts)
                                                          : t * static_cast<double>(f.top_k));
    r->set_expert_parameters(expert);
    r->set_active_expert_parameters(expert * share);
    r->set_detail(Detail(f, routing_worst));
    inactive += expert * (1 - share);
    if (expert == 0) {
      warnings->push_back(absl::StrCat("router '", f.node, "': no expert weights were found "
                                       "(active parameters count every weight)"));
    }
  }
  model->set_active_parameters(std::max(model->parameters() - inactive, 0.0));
}

}  // namespace onnx_flops
