#include "analyzer/training/backward.h"

#include <algorithm>
#include <deque>
#include <memory>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "analyzer/count/attention_pattern.h"
#include "analyzer/load/graph_order.h"
#include "analyzer/shapes/onnx_guard.h"
#include "analyzer/training/differentiable.h"
#include "analyzer/util/element_type.h"
#include "onnx/defs/schema.h"
#include "rules/rule.h"

namespace onnx_flops {
namespace {

// Backward vector FLOPs per forward vector FLOP (see backward.h).
constexpr double kVectorFactor = 1;
constexpr int kMaxDepth = 64;

struct InitRec {
  std::string name;
  int32_t elem_type = 0;
  double numel = 0;
  bool quantized_weight = false;  // read at the weight slot of a quantized op
  bool frozen = false;
  bool used = false;              // read at a differentiable slot
  bool trainable = false;

  bool Candidate() const { return numel > 1 && (IsFloatingType(elem_type) || quantized_weight); }
};

struct GraphCtx {
  const onnx::GraphProto* graph = nullptr;
  const GraphCtx* parent = nullptr;
  const ValueTable* values = nullptr;
  std::unique_ptr<ValueTable> own_values;  // subgraphs: built here, as the walker does
  bool is_main = false;
  std::vector<int> order;
  ProducerMap producer;
  ConsumerMap consumers;
  absl::flat_hash_map<std::string, size_t> inits;  // name -> index into Model::inits
  absl::flat_hash_set<std::string> formal_inputs;
  absl::flat_hash_map<std::string, bool> needs;    // value -> needs grad (propagation)
};

struct NodeInfo {
  const GraphCtx* ctx = nullptr;
  std::string path;
  std::vector<std::pair<std::string, GraphCtx*>> subgraphs;  // attribute -> body
  // Propagation: input i is differentiable and needs grad.
  std::vector<char> in;
  bool any_in = false;
  bool propagated = false;
};

enum class Kind { kParam, kConstant, kData, kActivation, kUnknown };

struct Traced {
  Kind kind = Kind::kUnknown;
  size_t init = 0;
};

// ---- Differentiability (analyzer/training/differentiable.h) ----

// The weight slot of a quantized op: an integer initializer there is a
// trained weight.
bool QuantizedWeightSlot(const onnx::NodeProto& n, int i) {
  return QuantizedWeightAt(SpecOf(n), i);
}

// Ops that hand a weight on unchanged in value (up to layout, type or
// quantization): a matmul reading W through them reads the weight W.
bool PassesWeight(const onnx::NodeProto& n) { return SpecOf(n).passes_weight; }

class Model {
 public:
  Model(const ValueTable& main_values, const BackwardOptions& options)
      : main_values_(main_values), options_(options) {}

  void Build(const onnx::GraphProto& graph) { BuildGraph(graph, nullptr, "", 0); }
  void Freeze(std::vector<std::string>* notes);
  void Classify();
  void PropagateMain() { Propagate(&ctxs_.front(), {}, 0); }
  BackwardNode Node(const NodeResult& r, bool* attention, bool* unknown) const;

  double trainable_parameters = 0;
  double frozen_parameters = 0;
  int frozen_initializers = 0;

 private:
  GraphCtx* BuildGraph(const onnx::GraphProto& g, const GraphCtx* parent,
                       const std::string& prefix, int depth);
  void Propagate(GraphCtx* c, const std::vector<char>& formal, int depth);
  void ControlFlow(const onnx::NodeProto& n, const NodeInfo& ni, int depth,
                   std::vector<char>* out);
  std::vector<char> BodyOutputs(const GraphCtx* b) const;

  // Where `name` is defined, looking outward through enclosing graphs.
  struct Found {
    const GraphCtx* ctx = nullptr;
    const onnx::NodeProto* producer = nullptr;
    bool formal = false;
    bool init = false;
    size_t init_index = 0;
  };
  Found Resolve(const GraphCtx* c, const std::string& name) const;
  Traced Trace(const GraphCtx* c, std::string name) const;
  bool Needs(const GraphCtx* c, const std::string& name) const;
  const TensorInfo* Info(const GraphCtx* c, const std::string& name) const;
  std::string Describe(const GraphCtx* c, const onnx::NodeProto& n, int i, bool ng) const;
  bool IsWeight(const GraphCtx* c, const onnx::NodeProto& n, int i) const;
  std::string Product(const GraphCtx* c, const onnx::NodeProto& n, double fwd, int a, int b,
                      const std::vector<char>& in, double* bwd) const;

  const ValueTable& main_values_;
  const BackwardOptions& options_;
  std::deque<GraphCtx> ctxs_;  // stable addresses; ctxs_.front() is the main graph
  std::vector<InitRec> inits_;
  absl::flat_hash_map<const onnx::NodeProto*, NodeInfo> info_;
};

GraphCtx* Model::BuildGraph(const onnx::GraphProto& g, const GraphCtx* parent,
                            const std::string& prefix, int depth) {
  ctxs_.emplace_back();
  GraphCtx* c = &ctxs_.back();
  c->graph = &g;
  c->parent = parent;
  c->is_main = parent == nullptr;
  if (c->is_main) {
    c->values = &main_values_;
  } else {
    c->own_values = std::make_unique<ValueTable>(BuildValueTable(g, {}));
    c->values = c->own_values.get();
  }
  bool sorted = true;
  absl::StatusOr<std::vector<int>> order = TopologicalOrder(g, &sorted, !c->is_main);
  if (order.ok()) {
    c->order = *std::move(order);
  } else {  // the walker reported this graph's node uncounted; keep the file order
    for (int i = 0; i < g.node_size(); ++i) c->order.push_back(i);
  }
  auto add_init = [&](const std::string& name, int32_t type, const Dims& dims) {
    InitRec rec;
    rec.name = name;
    rec.elem_type = type;
    rec.numel = NumElements(dims);
    c->inits[name] = inits_.size();
    inits_.push_back(std::move(rec));
  };
  for (const auto& t : g.initializer()) {
    add_init(t.name(), t.data_type(), Dims(t.dims().begin(), t.dims().end()));
  }
  for (const auto& t : g.sparse_initializer()) {  // stored non-zeros, as FillModelInfo
    add_init(t.values().name(), t.values().data_type(),
             Dims(t.values().dims().begin(), t.values().dims().end()));
  }
  for (const auto& vi : g.input()) {
    if (!c->inits.contains(vi.name())) c->formal_inputs.insert(vi.name());
  }
  for (const auto& n : g.node()) {
    for (const auto& o : n.output()) {
      if (!o.empty()) c->producer.emplace(o, &n);
    }
    for (const auto& in : n.input()) {
      if (!in.empty()) c->consumers[in].push_back(&n);
    }
  }
  for (int i = 0; i < g.node_size(); ++i) {
    const onnx::NodeProto& n = g.node(i);
    // As the walker names nodes.
    const std::string path =
        absl::StrCat(prefix, n.name().empty() ? absl::StrCat(n.op_type(), "_", i) : n.name());
    info_[&n].ctx = c;
    info_[&n].path = path;
    if (depth + 1 > kMaxDepth) continue;
    for (const auto& a : n.attribute()) {
      if (!a.has_g()) continue;
      GraphCtx* body = BuildGraph(a.g(), c, absl::StrCat(path, "/", a.name(), "/"), depth + 1);
      info_[&n].subgraphs.emplace_back(a.name(), body);  // not a reference: info_ grew
    }
  }
  return c;
}

Model::Found Model::Resolve(const GraphCtx* c, const std::string& name) const {
  for (; c != nullptr; c = c->parent) {
    Found f;
    f.ctx = c;
    auto p = c->producer.find(name);
    if (p != c->producer.end()) {
      f.producer = p->second;
      return f;
    }
    if (c->formal_inputs.contains(name)) {
      f.formal = true;
      return f;
    }
    auto it = c->inits.find(name);
    if (it != c->inits.end()) {
      f.init = true;
      f.init_index = it->second;
      return f;
    }
  }
  return Found{};
}

Traced Model::Trace(const GraphCtx* c, std::string name) const {
  for (int hops = 0; hops < 64; ++hops) {
    const Found f = Resolve(c, name);
    Traced t;
    if (f.ctx == nullptr) return t;
    if (f.init) {
      t.kind = Kind::kParam;
      t.init = f.init_index;
      return t;
    }
    if (f.formal) {
      t.kind = f.ctx->is_main ? Kind::kData : Kind::kActivation;
      return t;
    }
    const onnx::NodeProto& p = *f.producer;
    if (CanonicalDomain(p.domain()).empty() && p.op_type() == "Constant") {
      t.kind = Kind::kConstant;
      return t;
    }
    if (!PassesWeight(p) || p.input_size() == 0 || p.input(0).empty()) {
      t.kind = Kind::kActivation;
      return t;
    }
    c = f.ctx;
    name = p.input(0);
  }
  return Traced{Kind::kActivation, 0};
}

bool Model::Needs(const GraphCtx* c, const std::string& name) const {
  for (; c != nullptr; c = c->parent) {
    auto it = c->needs.find(name);
    if (it != c->needs.end()) return it->second;
    if (c->producer.contains(name) || c->formal_inputs.contains(name) ||
        c->inits.contains(name)) {
      return false;
    }
  }
  return false;
}

const TensorInfo* Model::Info(const GraphCtx* c, const std::string& name) const {
  for (; c != nullptr; c = c->parent) {
    auto it = c->values->find(name);
    if (it != c->values->end()) return &it->second;
  }
  return nullptr;
}

void Model::Freeze(std::vector<std::string>* notes) {
  for (const std::string& pattern : options_.frozen_patterns) {
    int by_name = 0, nodes = 0;
    for (InitRec& rec : inits_) {
      if (GlobMatch(pattern, rec.name)) {
        rec.frozen = true;
        ++by_name;
      }
    }
    for (auto& [node, ni] : info_) {
      if (!GlobMatch(pattern, node->name()) && !GlobMatch(pattern, ni.path)) continue;
      ++nodes;
      for (const auto& in : node->input()) {
        if (in.empty()) continue;
        const Traced t = Trace(ni.ctx, in);
        if (t.kind == Kind::kParam) inits_[t.init].frozen = true;
      }
    }
    if (by_name == 0 && nodes == 0) {
      notes->push_back(absl::StrCat("--frozen '", pattern, "' matches no initializer or node"));
    }
  }
}

void Model::Classify() {
  for (const auto& [node, ni] : info_) {
    for (int i = 0; i < node->input_size(); ++i) {
      if (node->input(i).empty()) continue;
      const Found f = Resolve(ni.ctx, node->input(i));
      if (!f.init) continue;
      InitRec& rec = inits_[f.init_index];
      if (InputDifferentiable(*node, i)) rec.used = true;
      if (QuantizedWeightSlot(*node, i)) rec.quantized_weight = true;
    }
  }
  for (InitRec& rec : inits_) {
    rec.trainable = !rec.frozen && rec.Candidate();
    if (!rec.used) continue;
    if (rec.trainable) trainable_parameters += rec.numel;
    if (rec.frozen && rec.Candidate()) {
      frozen_parameters += rec.numel;
      ++frozen_initializers;
    }
  }
}

void Model::Propagate(GraphCtx* c, const std::vector<char>& formal, int depth) {
  c->needs.clear();
  for (const auto& [name, index] : c->inits) c->needs[name] = inits_[index].trainable;
  for (int k = 0; k < c->graph->input_size(); ++k) {
    const std::string& name = c->graph->input(k).name();
    if (c->formal_inputs.contains(name)) {
      c->needs[name] = static_cast<size_t>(k) < formal.size() && formal[static_cast<size_t>(k)];
    }
  }
  for (int index : c->order) {
    const onnx::NodeProto& n = c->graph->node(index);
    auto found = info_.find(&n);  // every node was entered by BuildGraph: no insertion here
    if (found == info_.end()) continue;
    NodeInfo& ni = found->second;
    ni.in.assign(static_cast<size_t>(n.input_size()), 0);
    ni.any_in = false;
    for (int i = 0; i < n.input_size(); ++i) {
      const bool ng = !n.input(i).empty() && InputDifferentiable(n, i) && Needs(c, n.input(i));
      ni.in[static_cast<size_t>(i)] = ng;
      ni.any_in = ni.any_in || ng;
    }
    ni.propagated = true;
    std::vector<char> out(static_cast<size_t>(n.output_size()), 0);
    if (!ni.subgraphs.empty() && depth < kMaxDepth) {
      ControlFlow(n, ni, depth, &out);
    } else {
      for (int j = 0; j < n.output_size(); ++j) {
        out[static_cast<size_t>(j)] = ni.any_in && OutputDifferentiable(n, j);
      }
    }
    for (int j = 0; j < n.output_size(); ++j) {
      if (!n.output(j).empty()) c->needs[n.output(j)] = out[static_cast<size_t>(j)] != 0;
    }
  }
}

std::vector<char> Model::BodyOutputs(const GraphCtx* b) const {
  std::vector<char> out;
  for (const auto& o : b->graph->output()) out.push_back(Needs(b, o.name()));
  return out;
}

void Model::ControlFlow(const onnx::NodeProto& n, const NodeInfo& ni, int depth,
                        std::vector<char>* out) {
  auto body_of = [&](const std::string& attribute) -> GraphCtx* {
    for (const auto& [name, body] : ni.subgraphs) {
      if (name == attribute) return body;
    }
    return nullptr;
  };
  auto at = [](const std::vector<char>& v, size_t i) { return i < v.size() && v[i]; };
  const std::string& op = n.op_type();
  const bool onnx_domain = CanonicalDomain(n.domain()).empty();
  GraphCtx* body = body_of("body");
  if (onnx_domain && (op == "Loop" || op == "Scan") && body != nullptr) {
    const size_t inputs = static_cast<size_t>(body->graph->input_size());
    std::vector<char> formal(inputs, 0);
    // Loop: body (iter, cond, state...) <- node (M, cond, state...); body
    // outputs (cond, state..., scans...). Scan: body (state..., scan elems...)
    // <- node ([sequence_lens,] state..., scan inputs...); outputs (state..., scans...).
    const bool loop = op == "Loop";
    const size_t offset = loop ? 0
                               : static_cast<size_t>(std::max<int64_t>(
                                     0, n.input_size() - static_cast<int64_t>(inputs)));
    const size_t first_state = loop ? 2 : 0;
    size_t states = 0;
    if (loop) {
      states = inputs >= 2 ? inputs - 2 : 0;
    } else {
      const int64_t scans = [&] {
        for (const auto& a : n.attribute()) {
          if (a.name() == "num_scan_inputs") return a.i();
        }
        return int64_t{0};
      }();
      // Clamped first: INT64_MIN would overflow the subtraction.
      const int64_t clamped = std::clamp<int64_t>(scans, 0, static_cast<int64_t>(inputs));
      states = static_cast<size_t>(static_cast<int64_t>(inputs) - clamped);
    }
    // Loop's states follow its two leading body inputs.
    states = std::min(states, inputs - std::min(inputs, first_state));
    const size_t out_shift = loop ? 1 : 0;  // Loop's body output 0 is the condition
    for (size_t k = first_state; k < inputs; ++k) formal[k] = at(ni.in, k + offset);
    std::vector<char> bo;
    for (size_t round = 0; round <= inputs + 1; ++round) {
      Propagate(body, formal, depth + 1);
      bo = BodyOutputs(body);
      bool changed = false;
      for (size_t s = 0; s < states; ++s) {  // a state that needs grad after one trip
        if (at(bo, s + out_shift) && !formal[first_state + s]) {
          formal[first_state + s] = 1;
          changed = true;
        }
      }
      if (!changed) break;
    }
    for (size_t j = 0; j < out->size(); ++j) {
      (*out)[j] = at(bo, j + out_shift) || (j < states && formal[first_state + j]);
    }
    return;
  }
  if (onnx_domain && op == "If") {
    std::vector<std::vector<char>> branches;
    for (const auto& [name, b] : ni.subgraphs) {
      Propagate(b, {}, depth + 1);
      branches.push_back(BodyOutputs(b));
    }
    for (size_t j = 0; j < out->size(); ++j) {
      for (const auto& bo : branches) (*out)[j] = (*out)[j] || at(bo, j);
    }
    return;
  }
  // Any other op with subgraphs: everything needs grad if anything does.
  bool any = ni.any_in;
  for (const auto& [name, b] : ni.subgraphs) {
    Propagate(b, std::vector<char>(static_cast<size_t>(b->graph->input_size()), ni.any_in),
              depth + 1);
    for (char c : BodyOutputs(b)) any = any || c;
  }
  for (char& o : *out) o = any;
}

bool Model::IsWeight(const GraphCtx* c, const onnx::NodeProto& n, int i) const {
  if (i >= n.input_size() || n.input(i).empty()) return false;
  const Kind k = Trace(c, n.input(i)).kind;
  return k == Kind::kParam || k == Kind::kConstant;
}

std::string Model::Describe(const GraphCtx* c, const onnx::NodeProto& n, int i, bool ng) const {
  if (i >= n.input_size() || n.input(i).empty()) return "absent";
  const std::string& name = n.input(i);
  const Traced t = Trace(c, name);
  std::string what = absl::StrCat("'", name, "'");
  if (t.kind == Kind::kParam && inits_[t.init].name != name) {
    absl::StrAppend(&what, " (from '", inits_[t.init].name, "')");
  }
  if (ng) {
    return absl::StrCat(what, t.kind == Kind::kParam ? " trainable" : " needs grad");
  }
  if (!InputDifferentiable(n, i)) return absl::StrCat(what, " not differentiable");
  switch (t.kind) {
    case Kind::kParam: {
      const InitRec& rec = inits_[t.init];
      if (rec.frozen) return absl::StrCat(what, " frozen");
      if (rec.numel <= 1) return absl::StrCat(what, " a scalar constant");
      if (!rec.Candidate()) return absl::StrCat(what, " an integer constant");
      return absl::StrCat(what, " no grad");
    }
    case Kind::kConstant:
      return absl::StrCat(what, " a Constant");
    case Kind::kData:
      return absl::StrCat(what, " graph data");
    default:
      return absl::StrCat(what, " no trainable parameter upstream");
  }
}

// One product with operands a and b: fwd x (ng(a) + ng(b)).
std::string Model::Product(const GraphCtx* c, const onnx::NodeProto& n, double fwd, int a, int b,
                           const std::vector<char>& in, double* bwd) const {
  auto ng = [&](int i) { return i >= 0 && static_cast<size_t>(i) < in.size() && in[i] ? 1 : 0; };
  auto label = [&](int i) { return IsWeight(c, n, i) ? "weight grad" : "input grad"; };
  *bwd = fwd * (ng(a) + ng(b));
  return absl::StrCat(FormatCount(fwd), " x (", label(a), " ", ng(a), ": ",
                      Describe(c, n, a, ng(a)), " + ", label(b), " ", ng(b), ": ",
                      Describe(c, n, b, ng(b)), ") = ", FormatCount(*bwd));
}

BackwardNode Model::Node(const NodeResult& r, bool* attention, bool* unknown) const {
  BackwardNode b;
  b.node = r.name;
  b.op_type = r.op_type;
  b.forward_flops = r.cost.flops();
  if (r.status == NodeStatus::kUncounted) {
    b.rule = "uncounted: 0 (no forward count)";
    return b;
  }
  if (r.status == NodeStatus::kDataMovement) {
    b.rule = "data movement: 0";
    return b;
  }
  const NodeInfo* found = nullptr;
  if (r.node != nullptr) {
    auto it = info_.find(r.node);
    if (it != info_.end() && it->second.propagated) found = &it->second;
  }
  NodeInfo assumed;  // no propagation result: take every input as needing grad
  if (found == nullptr) {
    *unknown = true;
    assumed.ctx = &ctxs_.front();
    if (r.node != nullptr) assumed.in.assign(static_cast<size_t>(r.node->input_size()), 1);
    assumed.any_in = true;
  }
  const NodeInfo& ni = found != nullptr ? *found : assumed;
  const double mm = r.cost.matmul_flops;
  const double vec = r.cost.vector_flops;
  const double r_factor = options_.attention_recompute ? 1 : 0;
  auto ng = [&](int i) {
    return i >= 0 && static_cast<size_t>(i) < ni.in.size() && ni.in[static_cast<size_t>(i)] ? 1
                                                                                             : 0;
  };
  auto has = [&](int i) {
    return r.node != nullptr && i < r.node->input_size() && !r.node->input(i).empty();
  };
  std::string text;
  double mm_b = 0;
  if (mm > 0 && r.node == nullptr) {
    mm_b = 2 * mm;
    text = absl::StrCat("matmul: ", FormatCount(mm), " x 2 (node unknown: input and weight grad) = ",
                        FormatCount(mm_b));
  } else if (mm > 0) {
    const onnx::NodeProto& n = *r.node;
    const GraphCtx* c = ni.ctx;
    const BackwardSpec& spec = SpecOf(n);
    // A fused attention core, split half and half between Q*K^T and P*V.
    auto core = [&](double fwd, int q, int k, int v, double* out) {
      const double half = fwd / 2;
      const int ng_s = q != 0 || k != 0 ? 1 : 0;
      const double score = half * (q + k + r_factor * ng_s);
      const double value = half * (ng_s + v);
      *out = score + value;
      *attention = *attention || *out > 0;
      return absl::StrCat("core ", FormatCount(fwd), " as 2 halves (d_k = d_v assumed): Q*K^T ",
                          FormatCount(half), " x (dQ ", q, " + dK ", k, " + recompute ",
                          r_factor * ng_s, ") + P*V ", FormatCount(half), " x (dP ", ng_s,
                          " + dV ", v, ") = ", FormatCount(*out));
    };
    if (spec.kind == BackwardKind::kAttentionCore) {
      const int bias = spec.bias >= 0 ? ng(spec.bias) : 0;
      const int q = ng(0) || bias;
      const int k = (has(1) ? ng(1) : ng(0)) || bias;
      const int v = (has(2) ? ng(2) : ng(0)) || bias;
      text = absl::StrCat("attention (fused): ", core(mm, q, k, v, &mm_b));
    } else if (spec.kind == BackwardKind::kProjectedAttention) {
      const TensorInfo* x = has(0) ? Info(c, n.input(0)) : nullptr;
      const TensorInfo* w = has(1) ? Info(c, n.input(1)) : nullptr;
      double proj = -1;
      if (x != nullptr && w != nullptr && x->has_shape && w->has_shape && x->dims.size() == 3 &&
          w->dims.size() == 2) {
        proj = 2 * NumElements(x->dims) * static_cast<double>(w->dims[1]);
      }
      if (proj < 0 || proj > mm) {
        text = absl::StrCat("attention (fused, projection unknown): ",
                            Product(c, n, mm, 0, 1, ni.in, &mm_b));
      } else {
        double proj_b = 0, core_b = 0;
        const int qkv = ng(0) || ng(1) || ng(2) ? 1 : 0;
        const std::string p = Product(c, n, proj, 0, 1, ni.in, &proj_b);
        const std::string k = core(mm - proj, qkv, qkv, qkv, &core_b);
        mm_b = proj_b + core_b;
        text = absl::StrCat("attention (fused): projection 2*B*S*hidden*(q+k+v) ", p, "; ", k);
      }
    } else if (spec.kind == BackwardKind::kRecurrent) {
      const TensorInfo* w = has(1) ? Info(c, n.input(1)) : nullptr;
      const TensorInfo* rr = has(2) ? Info(c, n.input(2)) : nullptr;
      double in_size = 1, hidden = 1;  // unknown: half and half
      std::string split = "I, H unknown: halves";
      if (w != nullptr && rr != nullptr && w->has_shape && rr->has_shape && w->dims.size() == 3 &&
          rr->dims.size() == 3 && w->dims[2] > 0 && rr->dims[2] > 0) {
        in_size = static_cast<double>(w->dims[2]);
        hidden = static_cast<double>(rr->dims[2]);
        split = absl::StrCat("I=", w->dims[2], " H=", rr->dims[2]);
      }
      const double xw = mm * in_size / (in_size + hidden);
      const double hr = mm - xw;
      const int ng_h = ni.any_in ? 1 : 0;
      mm_b = xw * (ng(0) + ng(1)) + hr * (ng(2) + ng_h);
      text = absl::StrCat("recurrent: ", FormatCount(mm), " split by ", split, ": X*W^T ",
                          FormatCount(xw), " x (input grad ", ng(0), ": ",
                          Describe(c, n, 0, ng(0)), " + weight grad ", ng(1), ": ",
                          Describe(c, n, 1, ng(1)), ") + H*R^T ", FormatCount(hr),
                          " x (weight grad ", ng(2), ": ", Describe(c, n, 2, ng(2)),
                          " + hidden-state grad ", ng_h, ") = ", FormatCount(mm_b));
    } else {
      // Operand slots of one product.
      const int a = spec.a, bslot = spec.b;
      const bool einsum = spec.kind == BackwardKind::kEinsum;
      const bool two_operand_kind =
          spec.kind == BackwardKind::kMatMul || (einsum && n.input_size() == 2);
      const bool activations = two_operand_kind && !IsWeight(c, n, 0) && !IsWeight(c, n, 1);
      if (activations && n.output_size() > 0 && ReachesSoftmax(c->consumers, n.output(0), 4)) {
        const int ng_s = ng(0) || ng(1) ? 1 : 0;
        mm_b = mm * (ng(0) + ng(1) + r_factor * ng_s);
        *attention = *attention || mm_b > 0;
        text = absl::StrCat("attention score product Q*K^T: ", FormatCount(mm), " x (dQ ", ng(0),
                            ": ", Describe(c, n, 0, ng(0)), " + dK ", ng(1), ": ",
                            Describe(c, n, 1, ng(1)), " + recompute ", r_factor * ng_s,
                            ") = ", FormatCount(mm_b));
      } else if (activations && (ComesFromSoftmax(c->producer, n.input(0), 3) ||
                                 ComesFromSoftmax(c->producer, n.input(1), 3))) {
        mm_b = mm * (ng(0) + ng(1));
        *attention = *attention || mm_b > 0;
        text = absl::StrCat("attention value product P*V: ", FormatCount(mm), " x (", ng(0), ": ",
                            Describe(c, n, 0, ng(0)), " + ", ng(1), ": ",
                            Describe(c, n, 1, ng(1)), ") = ", FormatCount(mm_b));
      } else if (einsum && n.input_size() != 2) {
        int count = 0;
        std::vector<std::string> parts;
        for (int i = 0; i < n.input_size(); ++i) {
          count += ng(i);
          parts.push_back(absl::StrCat(ng(i), ": ", Describe(c, n, i, ng(i))));
        }
        mm_b = mm * count;
        text = absl::StrCat("einsum: ", FormatCount(mm), " x (", absl::StrJoin(parts, " + "),
                            ") = ", FormatCount(mm_b));
      } else {
        const bool known = spec.kind != BackwardKind::kVector;
        text = absl::StrCat(known ? "matmul: " : "matmul (operands taken as inputs 0, 1): ",
                            Product(c, n, mm, a, bslot, ni.in, &mm_b));
      }
    }
  }
  const double vec_b = ni.any_in ? vec * kVectorFactor : 0;
  if (vec <= 0 && text.empty()) {
    text = "no forward FLOP: 0";
  } else if (vec > 0) {
    const std::string v =
        absl::StrCat(FormatCount(vec), " x ", ni.any_in ? kVectorFactor : 0,
                     ni.any_in ? " (an input needs grad)" : " (no input needs grad)", " = ",
                     FormatCount(vec_b));
    text = text.empty() ? absl::StrCat("vector: ", v) : absl::StrCat(text, "; vector ", v);
  }
  b.backward_matmul_flops = mm_b;
  b.backward_flops = mm_b + vec_b;
  b.rule = std::move(text);
  return b;
}

}  // namespace

bool GlobMatch(absl::string_view pattern, absl::string_view text) {
  size_t p = 0, t = 0;
  size_t star = absl::string_view::npos, mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
      ++p;
      ++t;
    } else if (star != absl::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

const std::vector<OptimizerCost>& Optimizers() {
  // Per trainable parameter per step (see backward.h for the counts).
  static const std::vector<OptimizerCost>* const kOptimizers = new std::vector<OptimizerCost>{
      {"none", 0}, {"sgd", 2}, {"momentum", 4}, {"adam", 14}, {"adamw", 16}};
  return *kOptimizers;
}

std::string OptimizerChoices() {
  std::string out;
  const std::vector<OptimizerCost>& all = Optimizers();
  for (size_t i = 0; i < all.size(); ++i) {
    absl::StrAppend(&out, i == 0 ? "" : i + 1 == all.size() ? " or " : ", ", all[i].name);
  }
  return out;
}

absl::StatusOr<double> OptimizerFlopsPerParameter(const std::string& optimizer) {
  if (optimizer.empty()) return 0.0;
  for (const OptimizerCost& o : Optimizers()) {
    if (optimizer == o.name) return o.flops_per_parameter;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("unknown optimizer '", optimizer, "': choose ", OptimizerChoices()));
}

std::vector<std::string> BackwardRuleFormulas() {
  return {
      "needs grad: a value depending, through differentiable inputs, on a trainable parameter "
      "(an initializer with > 1 element, floating or a quantized weight, not --frozen); graph "
      "inputs need none",
      "matmul (one product A x B): forward_matmul x (ng(A) + ng(B)): input grad + weight grad; "
      "1x for the first layer fed by data, 1x or 0 for a frozen weight",
      "einsum: forward_matmul x sum of ng(operand)",
      "recurrent (LSTM/GRU/RNN): fwd_mm x I/(I+H) x (ng(X) + ng(W)) + fwd_mm x H/(I+H) x "
      "(ng(R) + ng(H)), ng(H) = 1 when any input needs grad",
      "attention score product Q*K^T: fwd x (ng(Q) + ng(K) + 1 recompute); value product P*V: "
      "fwd x (ng(P) + ng(V)); 2.5x the core (2.0x without recomputation); fused ops: the core "
      "split half and half",
      "vector: forward_vector x 1 when an input needs grad, else 0",
      "data movement, uncounted: 0",
      "optimizer per parameter per step: sgd 2, momentum 4, adam 14, adamw 16; per example = "
      "per step / batch size",
  };
}

absl::StatusOr<BackwardResult> PerOpBackward(const onnx::GraphProto& graph,
                                             const ValueTable& values,
                                             const std::vector<NodeResult>& nodes,
                                             const BackwardOptions& options) {
  absl::StatusOr<double> per_parameter = OptimizerFlopsPerParameter(options.optimizer);
  if (!per_parameter.ok()) return per_parameter.status();
  if (*per_parameter > 0 && !(options.batch_size > 0)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--optimizer ", options.optimizer,
        " needs the training batch size (examples per step), got ", options.batch_size));
  }
  BackwardResult result;
  Model model(values, options);
  model.Build(graph);
  model.Freeze(&result.notes);
  model.Classify();
  model.PropagateMain();

  bool attention = false;
  int uncounted = 0, unknown = 0;
  for (const NodeResult& r : nodes) {
    bool node_unknown = false;
    BackwardNode b = model.Node(r, &attention, &node_unknown);
    if (r.status == NodeStatus::kUncounted) ++uncounted;
    if (node_unknown) ++unknown;
    result.forward_flops += b.forward_flops;
    result.backward_flops += b.backward_flops;
    result.forward_matmul_flops += r.cost.matmul_flops;
    result.backward_matmul_flops += b.backward_matmul_flops;
    result.nodes.push_back(std::move(b));
  }
  result.effective_ratio =
      result.forward_flops > 0 ? result.backward_flops / result.forward_flops : 0;
  result.trainable_parameters = model.trainable_parameters;
  result.frozen_parameters = model.frozen_parameters;
  result.optimizer_flops_per_parameter = *per_parameter;
  if (*per_parameter > 0) {
    result.optimizer_flops_per_step = *per_parameter * model.trainable_parameters;
    result.optimizer_flops_per_example = result.optimizer_flops_per_step / options.batch_size;
    result.optimizer_formula = absl::StrCat(
        options.optimizer, " ", FormatCount(*per_parameter), " FLOP x ",
        FormatCount(model.trainable_parameters), " trainable parameters = ",
        FormatCount(result.optimizer_flops_per_step), " per step; / batch ",
        FormatCount(options.batch_size), " = ", FormatCount(result.optimizer_flops_per_example),
        " per example");
  }

  if (!options.frozen_patterns.empty()) {
    result.notes.push_back(absl::StrCat(
        "--frozen: ", model.frozen_initializers, " initializers (",
        FormatCount(model.frozen_parameters), " parameters) frozen: no weight gradient, no "
        "optimizer update"));
  }
  if (attention) {
    result.notes.push_back(
        options.attention_recompute
            ? "attention cores: backward 2.5x (dQ, dK, dV, dP and Q*K^T recomputed, as "
              "memory-efficient kernels do)"
            : "attention cores: backward 2.0x (dQ, dK, dV, dP; probabilities stored)");
  }
  if (uncounted > 0) {
    result.notes.push_back(absl::StrCat(uncounted, " uncounted nodes have no forward count and "
                                        "add nothing to the backward pass"));
  }
  if (unknown > 0) {
    result.notes.push_back(absl::StrCat(unknown, " nodes are not in the graph given: every input "
                                        "taken as needing grad"));
  }
  if (result.forward_flops <= 0) {
    result.notes.push_back("the forward pass counts 0 FLOP: effective ratio 0");
  }
  return result;
}

}  // namespace onnx_flops
