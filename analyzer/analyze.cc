#include "analyzer/analyze.h"

#include <algorithm>
#include <limits>
#include <mutex>
#include <optional>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "analyzer/count/attention_view.h"
#include "analyzer/count/memory_view.h"
#include "analyzer/count/routing_view.h"
#include "analyzer/training/roofline.h"
#include "analyzer/count/batch.h"
#include "analyzer/util/element_type.h"
#include "analyzer/util/file_digest.h"
#include "analyzer/load/graph_order.h"
#include "analyzer/load/opset_imports.h"
#include "analyzer/load/parameters.h"
#include "analyzer/shapes/onnx_guard.h"
#include "analyzer/util/number_format.h"
#include "analyzer/shapes/shape_propagation.h"
#include "analyzer/training/training_plan.h"
#include "analyzer/util/valid_utf8.h"
#include "analyzer/shapes/value_table.h"
#include "analyzer/count/walker.h"
#include "proto/training_config.pb.h"

namespace onnx_flops {
namespace {

std::string TypeName(int32_t t) {
  if (t == 0) return "?";
  std::string s = onnx::TensorProto::DataType_Name(static_cast<onnx::TensorProto::DataType>(t));
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s.empty() ? absl::StrCat(t) : s;
}

ValueShape ShapeOf(const onnx::ValueInfoProto& declared, const ValueTable& values) {
  ValueShape s;
  s.set_name(declared.name());
  TensorInfo d = InfoFromValueInfo(declared);
  auto it = values.find(declared.name());
  const TensorInfo& t = it != values.end() ? it->second : d;
  s.set_elem_type(TypeName(t.elem_type != 0 ? t.elem_type : d.elem_type));
  if (!t.has_shape) {
    s.set_shape("?");
  } else {
    std::vector<std::string> parts;
    for (size_t i = 0; i < t.dims.size(); ++i) {
      parts.push_back(t.dims[i] >= 0 ? absl::StrCat(t.dims[i])
                      : !t.dim_names[i].empty() ? t.dim_names[i]
                                                : "?");
    }
    s.set_shape(parts.empty() ? "scalar" : absl::StrJoin(parts, "x"));
  }
  for (const std::string& n : d.dim_names) s.add_dim_names(n);
  return s;
}

// The report's versions are int32: a file's int64 of 2^62 must not wrap to 0.
int32_t ClampInt32(int64_t v) {
  return static_cast<int32_t>(std::clamp<int64_t>(v, std::numeric_limits<int32_t>::min(),
                                                  std::numeric_limits<int32_t>::max()));
}

void FillModelInfo(const LoadedModel& loaded, const onnx::GraphProto& declared,
                   const ValueTable& values, ModelInfo* m, std::vector<std::string>* warnings) {
  const onnx::ModelProto& model = *loaded.model;
  const onnx::GraphProto& g = model.graph();
  m->set_path(loaded.path);
  m->set_file_bytes(loaded.file_bytes);
  m->set_ir_version(ClampInt32(model.ir_version()));
  for (const auto& imp : model.opset_import()) {
    OpsetImport* o = m->add_opset_imports();
    o->set_domain(imp.domain().empty() ? "ai.onnx" : imp.domain());
    o->set_version(ClampInt32(imp.version()));
    if (CanonicalDomain(imp.domain()).empty()) m->set_opset(ClampInt32(imp.version()));
  }
  m->set_producer(absl::StrCat(model.producer_name(),
                               model.producer_version().empty() ? "" : " ",
                               model.producer_version()));
  m->set_graph_name(g.name());
  m->set_nodes(g.node_size());
  // --value inputs became initializers; they are not weights.
  absl::flat_hash_set<std::string> declared_inits, skip;
  for (const auto& t : declared.initializer()) declared_inits.insert(t.name());
  for (const auto& t : g.initializer()) {
    if (!declared_inits.contains(t.name())) skip.insert(t.name());
  }
  bool external = false;
  for (const auto& t : g.initializer()) {
    external = external || t.data_location() == onnx::TensorProto::EXTERNAL;
  }
  const ParameterCount count = CountParameters(g, skip);
  if (count.nonsense > 0) {
    warnings->push_back(absl::StrCat(count.nonsense,
                                     " initializer(s) declare negative dims, dims past "
                                     "2^40 or more than 1e30 elements: not counted in parameters"));
  }
  m->set_parameters(count.parameters);
  m->set_parameter_bytes(count.bytes);
  m->set_initializers(declared.initializer_size() + g.sparse_initializer_size());
  m->set_constant_weights(count.constant_nodes);
  m->set_subgraph_initializers(count.subgraph_initializers);
  m->set_quantized_weights(count.quantized);
  m->set_external_data(external);
  absl::flat_hash_set<std::string> inits;
  for (const auto& t : declared.initializer()) inits.insert(t.name());
  for (const auto& vi : declared.input()) {
    if (!inits.contains(vi.name())) *m->add_inputs() = ShapeOf(vi, values);
  }
  for (const auto& vi : declared.output()) *m->add_outputs() = ShapeOf(vi, values);
}

const char* StatusName(NodeStatus s) {
  switch (s) {
    case NodeStatus::kCounted:
      return "counted";
    case NodeStatus::kDataMovement:
      return "data_movement";
    case NodeStatus::kUncounted:
      return "uncounted";
  }
  return "uncounted";
}

void FillForward(const std::vector<NodeResult>& results, bool per_node, Forward* f) {
  Coverage* cov = f->mutable_coverage();
  cov->set_nodes(static_cast<int32_t>(results.size()));
  // Keyed by domain + op_type, in first-seen order for stable ties.
  absl::flat_hash_map<std::string, int> index;
  for (const NodeResult& r : results) {
    const std::string key = absl::StrCat(r.domain, "\0", r.op_type);
    auto [it, inserted] = index.try_emplace(key, f->by_op_type_size());
    OpTypeCost* op = inserted ? f->add_by_op_type() : f->mutable_by_op_type(it->second);
    if (inserted) {
      op->set_op_type(r.op_type);
      op->set_domain(r.domain.empty() ? "ai.onnx" : r.domain);
    }
    op->set_nodes(op->nodes() + 1);
    switch (r.status) {
      case NodeStatus::kCounted:
        cov->set_counted(cov->counted() + 1);
        break;
      case NodeStatus::kDataMovement:
        cov->set_data_movement(cov->data_movement() + 1);
        break;
      case NodeStatus::kUncounted: {
        cov->set_uncounted(cov->uncounted() + 1);
        f->set_lower_bound(true);
        op->set_uncounted(op->uncounted() + 1);
        UncountedNode* u = f->add_uncounted();
        u->set_node(r.name);
        u->set_op_type(r.op_type);
        u->set_domain(r.domain.empty() ? "ai.onnx" : r.domain);
        u->set_reason(r.reason);
        break;
      }
    }
    op->set_flops(op->flops() + r.cost.flops());
    op->set_matmul_flops(op->matmul_flops() + r.cost.matmul_flops);
    op->set_vector_flops(op->vector_flops() + r.cost.vector_flops);
    op->set_macs(op->macs() + r.cost.macs);
    op->set_bytes_read(op->bytes_read() + r.bytes.read);
    op->set_weight_bytes(op->weight_bytes() + r.bytes.weights);
    op->set_bytes_written(op->bytes_written() + r.bytes.written);
    f->set_matmul_flops(f->matmul_flops() + r.cost.matmul_flops);
    f->set_vector_flops(f->vector_flops() + r.cost.vector_flops);
    f->set_macs(f->macs() + r.cost.macs);
    if (per_node) {
      NodeCost* n = f->add_nodes();
      n->set_node(r.name);
      n->set_op_type(r.op_type);
      n->set_domain(r.domain.empty() ? "ai.onnx" : r.domain);
      n->set_status(StatusName(r.status));
      n->set_flops(r.cost.flops());
      n->set_matmul_flops(r.cost.matmul_flops);
      n->set_vector_flops(r.cost.vector_flops);
      n->set_macs(r.cost.macs);
      n->set_detail(r.status == NodeStatus::kUncounted ? r.reason : r.cost.detail);
      n->set_output_shape(r.output_shape);
      n->set_bytes_read(r.bytes.read);
      n->set_weight_bytes(r.bytes.weights);
      n->set_bytes_written(r.bytes.written);
      n->set_intensity(r.bytes.total() > 0 ? r.cost.flops() / r.bytes.total() : 0);
    }
  }
  f->set_flops(f->matmul_flops() + f->vector_flops());
  for (auto& op : *f->mutable_by_op_type()) {
    op.set_share(f->flops() > 0 ? op.flops() / f->flops() : 0);
  }
  std::stable_sort(f->mutable_by_op_type()->begin(), f->mutable_by_op_type()->end(),
                   [](const OpTypeCost& a, const OpTypeCost& b) { return a.flops() > b.flops(); });
}

// Whether some node's rule is ranged (Rule::ranged: a data-dependent size,
// a computed bound, an If), so the low-end pass may be needed.
bool HasRangedOps(const onnx::ModelProto& model) {
  const RuleRegistry& rules = DefaultRules();
  bool found = false;
  ForEachGraph(model.graph(), [&](const onnx::GraphProto& g, int) {
    for (const auto& n : g.node()) {
      if (found) return;
      const Rule* rule = FindRule(rules, n.domain(), n.op_type());
      found = rule != nullptr && rule->ranged;
    }
  });
  return found;
}

// The pass with every data-dependent size at its lower bound (and each
// unknown If at its cheaper branch): shapes propagated again from the graph
// as loaded, then walked. A node this pass cannot count adds nothing, which
// keeps the figure a lower bound.
double LowEndFlops(onnx::ModelProto model, const std::vector<int>& order,
                   const WalkOptions& high) {
  WalkOptions options = high;
  options.rule_options.data_dependent_low = true;
  InferOptions infer;
  infer.order = &order;
  infer.rule_options = &options.rule_options;
  std::vector<std::string> ignored;
  const ValueTable values = InferAllShapes(model, &ignored, infer);
  WalkResult walked;
  WalkGraph(model.graph(), order, Scope{&values, nullptr}, options, &walked);
  double flops = 0;
  for (const NodeResult& r : walked.nodes) {
    if (r.status == NodeStatus::kCounted) flops += r.cost.flops();
  }
  return std::max(flops - walked.range_low_delta, 0.0);
}

}  // namespace

void InitializeProtobuf() {
  static std::once_flag once;
  std::call_once(once, [] {
    (void)Report::default_instance().GetReflection();
    (void)TrainingConfig::default_instance().GetReflection();
    (void)onnx::ModelProto::default_instance().GetReflection();
  });
}

void InitializeAnalyzer() {
  InitializeProtobuf();
  (void)OnnxSchemas();
}

absl::StatusOr<Report> AnalyzeLoaded(LoadedModel loaded, const AnalyzeOptions& options) {
  // Not the ONNX schemas: OnnxSchemas() fills them when they are needed.
  InitializeProtobuf();
  Report report;
  report.set_tool("onnx-flops");
  report.set_tool_version(ONNX_FLOPS_VERSION);
  // Messages quote names from the file, which may hold newlines and bytes
  // that are not UTF-8: an error stays one printable line.
  auto fail = [&](const absl::Status& s) {
    std::string line = ValidUtf8(absl::StrCat(loaded.path, ": ", s.message()));
    std::replace(line.begin(), line.end(), '\n', ' ');
    std::replace(line.begin(), line.end(), '\r', ' ');
    return absl::Status(s.code(), line);
  };
  onnx::ModelProto& model = *loaded.model;
  // ONNX's ParseData (ours reads values through it too) copies past its
  // buffer on such payloads.
  const int undecodable = DropUndecodablePayloads(&model);

  bool sorted = true;
  absl::StatusOr<std::vector<int>> order = TopologicalOrder(model.graph(), &sorted);
  if (!order.ok()) return fail(order.status());

  const onnx::GraphProto declared = [&] {
    onnx::GraphProto g;
    *g.mutable_input() = model.graph().input();
    *g.mutable_output() = model.graph().output();
    *g.mutable_initializer() = model.graph().initializer();  // payloads already stripped
    return g;
  }();
  absl::StatusOr<BindResult> binding = BindInputShapes(model, options.bindings);
  if (!binding.ok()) return fail(binding.status());
  std::vector<std::string> warnings = binding->warnings;
  if (undecodable > 0) {
    warnings.push_back(absl::StrCat(undecodable, " tensor payload(s) are not a whole number of "
                                    "elements: their values are ignored"));
  }
  if (!sorted) warnings.push_back("nodes are not in topological order; walked in sorted order");
  for (std::string& w : ImportUsedDomains(&model)) warnings.push_back(std::move(w));

  const OpsetMap opsets = OpsetsOf(model);
  WalkOptions walk_options;
  walk_options.opsets = &opsets;
  walk_options.rules = &DefaultRules();
  walk_options.max_depth = options.load.max_depth;
  walk_options.rule_options.causal_attention_half = options.causal_half;
  walk_options.rule_options.max_detections = options.max_detections;
  walk_options.rule_options.max_length = options.max_length;
  walk_options.rule_options.routing_worst = options.routing_worst;
  for (const auto& [name, trips] : options.loop_trips) walk_options.loop_trips[name] = trips;

  // The low end of data-dependent sizes needs a second pass over the graph
  // as it is before inference writes its shapes in.
  std::optional<onnx::ModelProto> before_inference;
  if (HasRangedOps(model)) before_inference = model;
  InferOptions infer;
  infer.order = &*order;
  infer.rule_options = &walk_options.rule_options;
  const ValueTable values = InferAllShapes(model, &warnings, infer);

  FillModelInfo(loaded, declared, values, report.mutable_model(), &warnings);
  for (const AssumedDim& a : binding->assumed) *report.add_assumed_dims() = a;
  for (const BoundValue& v : binding->values) *report.add_bound_values() = v;

  WalkResult walked;
  WalkGraph(model.graph(), *order, Scope{&values, nullptr}, walk_options, &walked);
  report.mutable_model()->set_subgraph_nodes(walked.subgraph_nodes);
  const double range_low_delta = walked.range_low_delta;
  for (std::string& w : walked.warnings) warnings.push_back(std::move(w));
  Forward* f = report.mutable_forward();
  FillForward(walked.nodes, options.per_node, f);
  if (range_low_delta > 0) f->set_flops_low(f->flops() - range_low_delta);
  for (const NodeResult& r : walked.nodes) {
    if (r.cost.bound.empty()) continue;
    DataBound* b = f->add_bounds();
    b->set_node(r.name);
    b->set_op_type(r.op_type);
    b->set_bound(r.cost.bound);
  }
  if ((f->bounds_size() > 0 || range_low_delta > 0) && before_inference.has_value()) {
    // Downstream of an unknown If, shapes follow the larger branch in the
    // first pass and the smaller one in this one.
    f->set_flops_low(
        std::min(LowEndFlops(*std::move(before_inference), *order, walk_options), f->flops()));
  }
  if (f->bounds_size() > 0) {
    warnings.push_back(absl::StrCat(
        f->bounds_size(), " data-dependent size", f->bounds_size() == 1 ? " was" : "s were",
        " counted at the upper bound the graph sets (forward.bounds; --detections N caps "
        "NonMaxSuppression): the total is the high end",
        f->flops_low() > 0
            ? absl::StrCat(" of the range ", Grouped(f->flops_low()), " .. ", Grouped(f->flops()),
                           ", whose low end takes each at its lower bound (0 rows; 1 trip of a "
                           "Loop whose first condition is true)")
            : " (no low end was computed)"));
  }

  absl::StatusOr<DimChoice> batch =
      ChooseBatch(declared, model.graph(), *binding, options.batch_dim, &values);
  if (!batch.ok()) return fail(batch.status());
  int64_t batch_size = batch->size;
  if (batch_size <= 0) {
    warnings.push_back(absl::StrCat("batch dim '", batch->name, "' is ", batch_size,
                                    ": per-example figures use a batch of 1"));
    batch_size = 1;
  }
  f->set_batch_size(batch_size);
  f->mutable_batch_dim()->set_name(batch->name);
  f->mutable_batch_dim()->set_reason(batch->reason);
  const double k = options.steps_per_example;
  if (!(k >= 1)) return fail(absl::InvalidArgumentError("--steps-per-example must be >= 1"));
  f->set_steps_per_example(k);
  // One example = the batch's share of one pass, x K passes for a model
  // exported as a single step.
  const double per_example = k / static_cast<double>(batch_size);
  f->set_flops_per_example(f->flops() * per_example);
  f->set_matmul_flops_per_example(f->matmul_flops() * per_example);
  f->set_macs_per_example(f->macs() * per_example);

  absl::StatusOr<DimChoice> seq =
      ChooseSequence(declared, model.graph(), *binding, values, options.seq_dim);
  if (!seq.ok()) return fail(seq.status());
  // Tokens per example: the time axis of one pass, x K single-step passes.
  double tokens_per_example = 0;
  if (seq->found && seq->size > 0) {
    f->mutable_sequence_dim()->set_name(seq->name);
    f->mutable_sequence_dim()->set_reason(seq->reason);
    tokens_per_example = static_cast<double>(seq->size) * k;
  } else if (k > 1) {
    f->mutable_sequence_dim()->set_reason("--steps-per-example: one pass is one step");
    tokens_per_example = k;
  }
  if (tokens_per_example > 0) {
    f->set_sequence_length(SaturatingInt(tokens_per_example));
    f->set_flops_per_token(f->flops_per_example() / tokens_per_example);
    f->set_matmul_flops_per_token(f->matmul_flops_per_example() / tokens_per_example);
  }

  DescribeRouting(model.graph(), values, walked.nodes, options.routing_worst, &report, &warnings);
  DescribeAttention(model.graph(), values, walked.nodes, options.causal_half, &report, &warnings);
  DescribeMemory(model.graph(), values, walked.nodes, &report);
  if (auto st = FillRoofline(options.hardware, model.graph(), walked.nodes, &report, &warnings);
      !st.ok()) {
    return fail(st);
  }

  if (f->coverage().uncounted() > 0) {
    warnings.push_back(absl::StrCat(f->coverage().uncounted(), " of ", f->coverage().nodes(),
                                    " nodes are uncounted: the totals cover only the rest "
                                    "(see forward.uncounted)"));
    // A dim taken as 1 is the usual reason a node is impossible (a kernel
    // longer than an input of 1 sample): name the dims to bind.
    std::vector<std::string> ones;
    for (const AssumedDim& a : report.assumed_dims()) {
      if (a.value() == 1 && a.source() == "assumed: unbound") ones.push_back(a.name());
    }
    if (!ones.empty()) {
      warnings.push_back(absl::StrCat(
          "the unbound dim", ones.size() == 1 ? " " : "s ", absl::StrJoin(ones, ", "),
          ones.size() == 1 ? " was" : " were", " taken as 1, which can make nodes impossible "
          "(a window longer than its input): bind ", ones.size() == 1 ? "it" : "them",
          " with --dim NAME=N and look again"));
    }
  }
  TrainingContext training;
  training.model = &model;
  training.values = &values;
  training.nodes = &walked.nodes;
  training.tokens_per_example = tokens_per_example;
  training.analyze_other = [&options](const std::string& path, const TrainingOptions& phase) {
    AnalyzeOptions sub = options;
    sub.training = phase;
    sub.hardware = HardwareOptions();
    return AnalyzeFile(path, sub);
  };
  if (auto st = FillTraining(options.training, options.hardware, training, &report, &warnings);
      !st.ok()) {
    return fail(st);
  }
  for (std::string& w : warnings) report.add_warnings(std::move(w));
  // Names, op types and domains come from the file as any bytes.
  MakeStringsValidUtf8(&report);
  return report;
}

absl::StatusOr<Report> AnalyzeFile(const std::string& path, const AnalyzeOptions& options) {
  absl::StatusOr<LoadedModel> loaded = LoadModel(path, options.load);
  if (!loaded.ok()) return loaded.status();
  absl::StatusOr<Report> report = AnalyzeLoaded(*std::move(loaded), options);
  if (report.ok() && options.sha256) {
    absl::StatusOr<std::string> digest = Sha256OfFile(path);
    if (!digest.ok()) return digest.status();
    report->mutable_model()->set_sha256(*digest);
  }
  return report;
}

absl::StatusOr<Report> AnalyzeBytes(absl::string_view bytes, const std::string& name,
                                    const AnalyzeOptions& options) {
  absl::StatusOr<LoadedModel> loaded = LoadModelFromBytes(bytes, name, options.load);
  if (!loaded.ok()) return loaded.status();
  absl::StatusOr<Report> report = AnalyzeLoaded(*std::move(loaded), options);
  if (report.ok() && options.sha256) report->mutable_model()->set_sha256(Sha256OfBytes(bytes));
  return report;
}

}  // namespace onnx_flops
