#include "analyzer/training/training_memory.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "analyzer/count/node_bytes.h"
#include "analyzer/shapes/onnx_guard.h"
#include "analyzer/training/backward.h"
#include "analyzer/training/differentiable.h"
#include "analyzer/util/element_type.h"
#include "analyzer/training/hardware.h"
#include "analyzer/training/roofline.h"
#include "analyzer/util/number_format.h"
#include "onnx/defs/schema.h"
#include "rules/rule.h"

namespace onnx_flops {
namespace {

constexpr int kMaxHops = 64;
constexpr int kMaxDepth = 64;

// ---- What each op keeps (see training_memory.h) ----

enum class Keeps { kNothing, kInput, kOutput, kInputAndOutput };

const absl::flat_hash_map<std::string, Keeps>& ElementwiseKeeps() {
  static const auto* const kTable = [] {
    auto* t = new absl::flat_hash_map<std::string, Keeps>();
    for (const char* op : {"Relu", "Sigmoid", "Tanh", "Exp", "Sqrt", "Reciprocal", "Elu", "Selu",
                           "Celu", "Softmax", "LogSoftmax"}) {
      (*t)[op] = Keeps::kOutput;
    }
    for (const char* op :
         {"Gelu", "FastGelu", "BiasGelu", "QuickGelu", "Erf", "Log", "Sin", "Cos", "Tan", "Asin",
          "Acos", "Atan", "Sinh", "Cosh", "Asinh", "Acosh", "Atanh", "Abs", "Clip", "LeakyRelu",
          "PRelu", "ThresholdedRelu", "HardSigmoid", "HardSwish", "Softplus", "Softsign", "Mish",
          "Shrink", "BatchNormalization", "LayerNormalization", "InstanceNormalization",
          "GroupNormalization", "LpNormalization", "MeanVarianceNormalization",
          "SkipLayerNormalization", "SimplifiedLayerNormalization",
          "SkipSimplifiedLayerNormalization", "RMSNormalization"}) {
      (*t)[op] = Keeps::kInput;
    }
    for (const char* op : {"ReduceMax", "ReduceMin", "ReduceProd", "ReduceL2", "ReduceLogSumExp",
                           "LpPool", "GlobalMaxPool", "LRN"}) {
      (*t)[op] = Keeps::kInputAndOutput;
    }
    for (const char* op :
         {"Add", "Sub", "Neg", "Sum", "Mean", "ReduceSum", "ReduceMean", "AveragePool",
          "GlobalAveragePool", "Resize", "Upsample", "Pad", "CumSum", "Trilu", "Cast", "CastLike",
          "QuantizeLinear", "DequantizeLinear", "DynamicQuantizeLinear", "Identity", "BiasAdd",
          "Floor", "Ceil", "Round", "Sign", "Constant"}) {
      (*t)[op] = Keeps::kNothing;
    }
    return t;
  }();
  return *kTable;
}

// One kept tensor: a node's input or output slot, and why.
struct Keep {
  bool output = false;
  int slot = 0;
  std::string why;
};

class SavedWalk {
 public:
  SavedWalk(const onnx::GraphProto& graph, const ValueTable& values, double float_bytes)
      : graph_(graph), values_(values), float_bytes_(float_bytes) {}

  SavedActivations Run(const std::vector<NodeResult>& nodes,
                       const std::vector<std::string>& frozen);

 private:
  void CollectInitializers(const onnx::GraphProto& g, int depth);
  void Freeze(const std::vector<NodeResult>& nodes, const std::vector<std::string>& frozen);
  std::string TraceToInitializer(std::string name) const;
  bool IsWeight(const std::string& name) const;
  bool Needs(const std::string& name) const;
  bool BodiesReadTrainable(const onnx::NodeProto& n, int depth) const;
  std::vector<Keep> KeepsOf(const NodeResult& r, const std::vector<char>& ng) const;
  void Add(const NodeResult& r, const Keep& k, SavedActivations* out);

  struct Init {
    int32_t type = 0;
    double numel = 0;
    bool quantized = false;
    bool frozen = false;
  };

  const onnx::GraphProto& graph_;
  const ValueTable& values_;
  const double float_bytes_;
  absl::flat_hash_map<std::string, Init> inits_;        // every graph's, by name
  absl::flat_hash_set<std::string> main_inits_;
  absl::flat_hash_map<std::string, const onnx::NodeProto*> producer_;  // main graph
  absl::flat_hash_map<std::string, bool> needs_;
  absl::flat_hash_set<std::string> counted_;
};

void SavedWalk::CollectInitializers(const onnx::GraphProto& g, int depth) {
  auto add = [&](const std::string& name, int32_t type, const auto& dims) {
    Init& rec = inits_[name];
    rec.type = type;
    rec.numel = NumElements(Dims(dims.begin(), dims.end()));
  };
  for (const auto& t : g.initializer()) add(t.name(), t.data_type(), t.dims());
  for (const auto& t : g.sparse_initializer()) {
    add(t.values().name(), t.values().data_type(), t.values().dims());
  }
  for (const auto& n : g.node()) {
    if (depth + 1 > kMaxDepth) break;
    for (const auto& a : n.attribute()) {
      if (a.has_g()) CollectInitializers(a.g(), depth + 1);
    }
  }
}

std::string SavedWalk::TraceToInitializer(std::string name) const {
  for (int hops = 0; hops < kMaxHops; ++hops) {
    if (inits_.contains(name)) return name;
    auto p = producer_.find(name);
    if (p == producer_.end()) return "";
    const onnx::NodeProto& n = *p->second;
    if (!SpecOf(n).passes_weight || n.input_size() == 0 || n.input(0).empty()) return "";
    name = n.input(0);
  }
  return "";
}

// Initializers, Constant tensors and what Transpose, Cast, DequantizeLinear...
// hand on from them.
bool SavedWalk::IsWeight(const std::string& name) const {
  std::string v = name;
  for (int hops = 0; hops < kMaxHops; ++hops) {
    if (main_inits_.contains(v)) return true;
    auto p = producer_.find(v);
    if (p == producer_.end()) return false;
    const onnx::NodeProto& n = *p->second;
    if (CanonicalDomain(n.domain()).empty() && n.op_type() == "Constant") return true;
    if (!SpecOf(n).passes_weight || n.input_size() == 0 || n.input(0).empty()) return false;
    v = n.input(0);
  }
  return false;
}

void SavedWalk::Freeze(const std::vector<NodeResult>& nodes,
                       const std::vector<std::string>& frozen) {
  for (const std::string& pattern : frozen) {
    for (auto& [name, rec] : inits_) {
      if (GlobMatch(pattern, name)) rec.frozen = true;
    }
    for (const NodeResult& r : nodes) {
      if (r.node == nullptr) continue;
      if (!GlobMatch(pattern, r.name) && !GlobMatch(pattern, r.node->name())) continue;
      for (const auto& in : r.node->input()) {
        if (in.empty()) continue;
        const std::string init = TraceToInitializer(in);
        if (!init.empty()) inits_[init].frozen = true;
      }
    }
  }
}

bool SavedWalk::Needs(const std::string& name) const {
  auto it = needs_.find(name);
  return it != needs_.end() && it->second;
}

// A body (at any depth) reading a trainable initializer: its control-flow
// node's outputs carry a gradient.
bool SavedWalk::BodiesReadTrainable(const onnx::NodeProto& n, int depth) const {
  if (depth > kMaxDepth) return false;
  for (const auto& a : n.attribute()) {
    if (!a.has_g()) continue;
    for (const auto& body_node : a.g().node()) {
      for (const auto& in : body_node.input()) {
        if (Needs(in)) return true;
      }
      if (BodiesReadTrainable(body_node, depth + 1)) return true;
    }
  }
  return false;
}

std::vector<Keep> SavedWalk::KeepsOf(const NodeResult& r, const std::vector<char>& ng) const {
  const onnx::NodeProto& n = *r.node;
  const std::string& op = n.op_type();
  const bool onnx_domain = CanonicalDomain(n.domain()).empty();
  auto has = [&](int i) { return i >= 0 && i < n.input_size() && !n.input(i).empty(); };
  auto grad = [&](int i) { return i >= 0 && static_cast<size_t>(i) < ng.size() && ng[i]; };
  auto in = [](int i, std::string why) { return Keep{false, i, std::move(why)}; };
  auto out = [](int j, std::string why) { return Keep{true, j, std::move(why)}; };
  std::vector<Keep> keeps;
  auto all_inputs = [&](const std::string& why) {
    for (int i = 0; i < n.input_size(); ++i) {
      if (has(i) && InputDifferentiable(n, i)) keeps.push_back(in(i, why));
    }
  };
  const BackwardSpec& spec = SpecOf(n);
  const bool product_kind = spec.kind == BackwardKind::kProduct ||
                            spec.kind == BackwardKind::kMatMul ||
                            (spec.kind == BackwardKind::kVector && r.cost.matmul_flops > 0);
  if (product_kind) {
    const int a = spec.kind == BackwardKind::kVector ? 0 : spec.a;
    const int b = spec.kind == BackwardKind::kVector ? 1 : spec.b;
    auto why = [&](int kept, int other) {
      return absl::StrCat(op, " operand ", kept, " (for the grad of ", other, ")");
    };
    if (grad(b)) keeps.push_back(in(a, why(a, b)));
    if (grad(a)) keeps.push_back(in(b, why(b, a)));
    return keeps;
  }
  if (spec.kind == BackwardKind::kEinsum) {
    for (int j = 0; j < n.input_size(); ++j) {
      bool partner = false;
      for (int i = 0; i < n.input_size(); ++i) partner = partner || (i != j && grad(i));
      if (partner) keeps.push_back(in(j, absl::StrCat("Einsum operand ", j)));
    }
    return keeps;
  }
  if (spec.kind == BackwardKind::kRecurrent) {
    keeps.push_back(in(0, absl::StrCat(op, " X")));
    keeps.push_back(out(0, absl::StrCat(op, " hidden states Y")));
    return keeps;
  }
  if (spec.kind == BackwardKind::kAttentionCore || spec.kind == BackwardKind::kProjectedAttention) {
    for (int i = 0; i < 3; ++i) {
      if (has(i) && InputDifferentiable(n, i)) {
        keeps.push_back(in(i, absl::StrCat(op, " input ", i)));
      }
    }
    keeps.push_back(out(0, absl::StrCat(op, " output")));
    return keeps;
  }
  if (op == "Mul") {
    if (grad(0)) keeps.push_back(in(1, "Mul operand 1 (for the grad of 0)"));
    if (grad(1)) keeps.push_back(in(0, "Mul operand 0 (for the grad of 1)"));
    return keeps;
  }
  if (op == "Div") {
    if (grad(0) || grad(1)) keeps.push_back(in(1, "Div divisor"));
    if (grad(1)) keeps.push_back(in(0, "Div dividend (for the divisor's grad)"));
    return keeps;
  }
  if (op == "Pow") {
    keeps.push_back(in(0, "Pow base"));
    if (grad(1)) keeps.push_back(out(0, "Pow output (for the exponent's grad)"));
    return keeps;
  }
  if (onnx_domain && (op == "Max" || op == "Min")) {
    all_inputs(absl::StrCat(op, " input"));
    return keeps;
  }
  if (op == "Where") {
    keeps.push_back(in(0, "Where condition"));
    return keeps;
  }
  if (op == "Gather" || op == "GatherElements" || op == "GatherND" || op == "ScatterElements" ||
      op == "ScatterND" || op == "Scatter") {
    keeps.push_back(in(1, absl::StrCat(op, " indices")));
    return keeps;
  }
  if (op == "MaxPool") {
    keeps.push_back(in(0, "MaxPool input"));
    if (n.output_size() > 1) keeps.push_back(out(1, "MaxPool indices"));
    return keeps;
  }
  if (op == "TopK") {
    keeps.push_back(out(1, "TopK indices"));
    return keeps;
  }
  if (op == "Dropout") {
    if (n.output_size() > 1) keeps.push_back(out(1, "Dropout mask"));
    return keeps;
  }
  if (op == "If" || op == "Loop" || op == "Scan" || [&] {
        for (const auto& a : n.attribute()) {
          if (a.has_g()) return true;
        }
        return false;
      }()) {
    all_inputs(absl::StrCat(op, " input (its body's tensors are not walked)"));
    return keeps;
  }
  auto it = ElementwiseKeeps().find(op);
  if (it != ElementwiseKeeps().end()) {
    switch (it->second) {
      case Keeps::kNothing:
        break;
      case Keeps::kInput:
        keeps.push_back(in(0, absl::StrCat(op, " input")));
        break;
      case Keeps::kOutput:
        keeps.push_back(out(0, absl::StrCat(op, " output")));
        break;
      case Keeps::kInputAndOutput:
        keeps.push_back(in(0, absl::StrCat(op, " input")));
        keeps.push_back(out(0, absl::StrCat(op, " output")));
        break;
    }
    return keeps;
  }
  if (r.status == NodeStatus::kDataMovement) return keeps;  // Reshape, Concat, Slice...
  all_inputs(absl::StrCat(op, " input (no saved-tensor rule: every input)"));
  keeps.push_back(Keep{false, -1, op});  // marks the default rule
  return keeps;
}

void SavedWalk::Add(const NodeResult& r, const Keep& k, SavedActivations* out) {
  const onnx::NodeProto& n = *r.node;
  const int size = k.output ? n.output_size() : n.input_size();
  if (k.slot < 0 || k.slot >= size) return;
  const std::string& name = k.output ? n.output(k.slot) : n.input(k.slot);
  if (name.empty() || IsWeight(name) || !counted_.insert(name).second) return;
  auto it = values_.find(name);
  const TensorInfo* info = it == values_.end() ? nullptr : &it->second;
  double bytes = TensorBytes(info);
  if (bytes < 0) {
    ++out->unknown;
    return;
  }
  if (float_bytes_ > 0 && IsFloatingType(info->elem_type)) {
    bytes = NumElements(info->dims) * float_bytes_;
  }
  out->bytes += bytes;
  out->tensors.push_back(SavedTensor{name, bytes, r.name, k.why});
}

SavedActivations SavedWalk::Run(const std::vector<NodeResult>& nodes,
                                 const std::vector<std::string>& frozen) {
  SavedActivations out;
  CollectInitializers(graph_, 0);
  for (const auto& t : graph_.initializer()) main_inits_.insert(t.name());
  for (const auto& t : graph_.sparse_initializer()) main_inits_.insert(t.values().name());
  for (const auto& n : graph_.node()) {
    for (const auto& o : n.output()) {
      if (!o.empty()) producer_.emplace(o, &n);
    }
  }
  // Integer initializers at a quantized op's weight slot are trained weights.
  for (const NodeResult& r : nodes) {
    if (r.node == nullptr) continue;
    for (int i = 0; i < r.node->input_size(); ++i) {
      auto it = inits_.find(r.node->input(i));
      if (it != inits_.end() && QuantizedWeightAt(SpecOf(*r.node), i)) it->second.quantized = true;
    }
  }
  Freeze(nodes, frozen);
  for (const auto& [name, rec] : inits_) {
    needs_[name] = !rec.frozen && rec.numel > 1 && (IsFloatingType(rec.type) || rec.quantized);
  }
  std::vector<std::string> unruled;
  for (const NodeResult& r : nodes) {
    if (r.node == nullptr || r.depth > 0) continue;
    const onnx::NodeProto& n = *r.node;
    std::vector<char> ng(static_cast<size_t>(n.input_size()), 0);
    bool any = false;
    for (int i = 0; i < n.input_size(); ++i) {
      ng[static_cast<size_t>(i)] =
          !n.input(i).empty() && InputDifferentiable(n, i) && Needs(n.input(i));
      any = any || ng[static_cast<size_t>(i)];
    }
    bool control_flow = false;
    for (const auto& a : n.attribute()) control_flow = control_flow || a.has_g();
    const bool outputs = any || (control_flow && BodiesReadTrainable(n, 0));
    for (int j = 0; j < n.output_size(); ++j) {
      if (n.output(j).empty()) continue;
      needs_[n.output(j)] = control_flow ? outputs : outputs && OutputDifferentiable(n, j);
    }
    if (!outputs) continue;
    ++out.nodes_on_path;
    if (SpecOf(n).kind == BackwardKind::kRecurrent) ++out.recurrent;
    for (const Keep& k : KeepsOf(r, ng)) {
      if (k.slot == -1 && !k.output) {
        if (std::find(unruled.begin(), unruled.end(), k.why) == unruled.end()) {
          unruled.push_back(k.why);
        }
        continue;
      }
      Add(r, k, &out);
    }
  }
  // The nodes of bodies whose control-flow node is on the path (a
  // subgraph's nodes follow their main-graph node in the walk).
  bool in_path_body = false;
  for (const NodeResult& r : nodes) {
    if (r.node == nullptr) continue;
    if (r.depth == 0) {
      in_path_body = false;
      for (const auto& o : r.node->output()) in_path_body = in_path_body || Needs(o);
    } else if (in_path_body) {
      ++out.subgraph_nodes;
    }
  }
  out.unruled = std::move(unruled);
  return out;
}

std::string Bytes(double b) { return absl::StrCat(Grouped(b), " B"); }

std::string Gb(double b) { return absl::StrCat(Si(b, false), "B"); }

}  // namespace

SavedActivations SavedForBackward(const onnx::GraphProto& graph, const ValueTable& values,
                                  const std::vector<NodeResult>& nodes,
                                  const std::vector<std::string>& frozen, double float_bytes) {
  SavedWalk walk(graph, values, float_bytes);
  return walk.Run(nodes, frozen);
}

absl::StatusOr<double> PrecisionBytes(const std::string& precision) {
  absl::StatusOr<Precision> p = ParsePrecision(precision);
  if (!p.ok()) return p.status();
  switch (*p) {
    case Precision::kFp32:
    case Precision::kTf32:  // stored as fp32
      return 4.0;
    case Precision::kFp16:
    case Precision::kBf16:
      return 2.0;
    case Precision::kFp8:
    case Precision::kInt8:
      return 1.0;
  }
  return 4.0;
}

absl::StatusOr<int> OptimizerStates(const std::string& optimizer) {
  if (optimizer == "none" || optimizer == "sgd") return 0;
  if (optimizer == "momentum") return 1;
  if (optimizer == "adam" || optimizer == "adamw") return 2;
  return absl::InvalidArgumentError(
      absl::StrCat("unknown optimizer '", optimizer, "': choose ", OptimizerChoices()));
}

absl::StatusOr<TrainingMemory> ComputeTrainingMemory(const onnx::GraphProto& graph,
                                                     const ValueTable& values,
                                                     const std::vector<NodeResult>& nodes,
                                                     double parameters, int64_t graph_batch,
                                                     const TrainingMemoryOptions& options) {
  TrainingMemory m;
  std::vector<std::string> notes;
  // The precision.
  const bool precision_given = !options.precision.empty();
  std::string precision = precision_given ? options.precision : ModelPrecision(graph);
  absl::StatusOr<double> p_bytes = PrecisionBytes(precision);
  if (!p_bytes.ok()) return p_bytes.status();
  const double p = *p_bytes;
  const bool mixed = p < 4;
  m.set_precision(absl::StrCat(precision, precision_given ? " (--precision)"
                                                          : " (the weights' element type)"));
  // The optimizer.
  const bool optimizer_given = !options.optimizer.empty();
  const std::string optimizer = optimizer_given ? options.optimizer : "adam";
  absl::StatusOr<int> states = OptimizerStates(optimizer);
  if (!states.ok()) return states.status();
  // Trainable parameters: the per-op backward model's.
  BackwardOptions b;
  b.frozen_patterns = options.frozen;
  absl::StatusOr<BackwardResult> backward = PerOpBackward(graph, values, nodes, b);
  if (!backward.ok()) return backward.status();
  const double trainable = backward->trainable_parameters;

  m.set_weight_bytes(parameters * p);
  m.set_gradient_bytes(trainable * p);
  m.set_optimizer_bytes(trainable * 4 * *states);
  m.set_master_weight_bytes(mixed ? trainable * 4 : 0);
  const double fixed =
      m.weight_bytes() + m.gradient_bytes() + m.optimizer_bytes() + m.master_weight_bytes();

  // Activations.
  const SavedActivations saved = SavedForBackward(graph, values, nodes, options.frozen, p);
  const double graph_b = graph_batch > 0 ? static_cast<double>(graph_batch) : 1;
  const double per_example = saved.bytes / graph_b;
  m.set_activation_bytes_per_example(per_example);
  const bool batch_given = options.batch > 0;
  double batch = batch_given ? std::round(options.batch) : graph_b;
  batch = std::clamp(batch, 1.0, 9e18);
  m.set_batch(static_cast<int64_t>(batch));
  m.set_activation_bytes(per_example * batch);
  m.set_total_bytes(fixed + m.activation_bytes());

  // The chip.
  double chip = 0;
  std::string chip_name;
  if (options.chip_memory_bytes) {
    chip = *options.chip_memory_bytes;
    chip_name = "the chip";
  } else if (!options.hardware.empty()) {
    absl::StatusOr<const Hardware*> found = FindHardware(options.hardware);
    if (!found.ok()) return found.status();
    chip_name = (*found)->name;
    if ((*found)->memory_gb) {
      chip = *(*found)->memory_gb * 1e9;
    } else {
      notes.push_back(absl::StrCat(chip_name, " has no memory size in the hardware table: no "
                                              "max_batch"));
    }
  }
  m.set_chip_memory_bytes(chip);
  if (chip > 0) {
    if (fixed > chip) {
      m.set_max_batch(0);
      notes.push_back(absl::StrCat("the weights, gradients and optimizer state alone (", Gb(fixed),
                                   ") do not fit ", chip_name, "'s ", Gb(chip),
                                   ": max_batch 0 (shard them, e.g. ZeRO or FSDP, or use "
                                   "more memory)"));
    } else if (per_example > 0) {
      const double fit = std::floor((chip - fixed) / per_example);
      m.set_max_batch(static_cast<int64_t>(std::min(fit, 9e18)));
      if (m.total_bytes() > chip) {
        notes.push_back(absl::StrCat("batch ", m.batch(), " does not fit ", chip_name, "'s ",
                                     Gb(chip), " (", Gb(m.total_bytes()), " needed): at most ",
                                     m.max_batch(), " per chip"));
      }
    } else {
      notes.push_back("no saved activation has a known size: no max_batch");
    }
  }

  // The formula.
  m.set_formula(absl::StrCat(
      "weights ", Grouped(parameters), " x ", Grouped(p), " B = ", Bytes(m.weight_bytes()),
      " + gradients ", Grouped(trainable), " x ", Grouped(p), " B = ", Bytes(m.gradient_bytes()),
      " + optimizer (", optimizer, ") ", Grouped(trainable), " x ", *states, " x 4 B = ",
      Bytes(m.optimizer_bytes()), " + master weights ", Grouped(trainable), " x ",
      mixed ? "4" : "0", " B = ", Bytes(m.master_weight_bytes()), " + activations ",
      Grouped(per_example), " B/example x batch ", m.batch(), " = ", Bytes(m.activation_bytes()),
      "; total ", Bytes(m.total_bytes()), " (", Gb(m.total_bytes()), ")",
      chip > 0 ? absl::StrCat("; max batch floor((", Grouped(chip), " - ", Grouped(fixed), ") / ",
                              Grouped(per_example), ") = ", m.max_batch())
               : ""));

  // The note.
  std::vector<std::string> head;
  head.push_back(absl::StrCat(
      "per chip, data parallel (every chip holds the whole model state and its batch of ",
      m.batch(), batch_given ? ", --batch-size" : ", the graph's", ")"));
  head.push_back(absl::StrCat(
      "precision ", precision,
      precision_given ? " (--precision)" : " (the weights' element type; --precision to choose)",
      mixed ? ": mixed precision, an fp32 master copy of each trainable weight" : ""));
  head.push_back(optimizer_given
                     ? absl::StrCat("optimizer ", optimizer, ": ", *states,
                                    " fp32 values per trainable weight")
                     : "optimizer adam assumed (--optimizer to choose): 2 fp32 values (m, v) "
                       "per trainable weight");
  if (backward->frozen_parameters > 0) {
    head.push_back(absl::StrCat(
        Grouped(backward->frozen_parameters),
        " frozen parameters: weights only, no gradient or optimizer state"));
  }
  head.push_back(absl::StrCat(
      "activations: ", saved.tensors.size(), saved.tensors.size() == 1 ? " tensor" : " tensors",
      " the backward pass reads, each counted once (", saved.nodes_on_path,
      " nodes on the gradient path; products keep the operand a weight gradient needs, "
      "Relu/Sigmoid/Tanh/Softmax keep their output, Gelu/Erf and normalizations their input, "
      "linear ops nothing), floating ones at ",
      Grouped(p), " B"));
  if (saved.unknown > 0) {
    head.push_back(absl::StrCat(saved.unknown,
                                " saved tensors of unknown size left out: a lower bound"));
  }
  if (!saved.unruled.empty()) {
    head.push_back(absl::StrCat("no saved-tensor rule for ", absl::StrJoin(saved.unruled, ", "),
                                ": their inputs taken as kept"));
  }
  if (saved.recurrent > 0) {
    head.push_back(absl::StrCat(saved.recurrent,
                                " LSTM/GRU/RNN nodes keep X and Y; their per-step gates are not "
                                "counted (a lower bound)"));
  }
  if (saved.subgraph_nodes > 0) {
    head.push_back(absl::StrCat(saved.subgraph_nodes,
                                " nodes inside control-flow bodies: the tensors they create are "
                                "not counted (a lower bound)"));
  }
  for (std::string& n : notes) head.push_back(std::move(n));
  head.push_back(
      "not included: framework workspace and context, allocator fragmentation, recomputation "
      "(activation checkpointing), optimizer temporary buffers, activation gradients during the "
      "backward pass, KV caches, the data loader's batches");
  m.set_note(absl::StrJoin(head, "; "));
  return m;
}

}  // namespace onnx_flops
