#include <algorithm>
#include <cmath>
#include <cstdio>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "analyzer/report/render.h"

namespace onnx_flops {
namespace {

std::string Percent(double fraction) { return absl::StrFormat("%.1f%%", 100 * fraction); }

std::string Pad(const std::string& s, size_t width) {
  return s.size() >= width ? s : s + std::string(width - s.size(), ' ');
}
std::string PadLeft(const std::string& s, size_t width) {
  return s.size() >= width ? s : std::string(width - s.size(), ' ') + s;
}

std::string InputLine(const ValueShape& v) {
  return absl::StrCat(v.name(), ": ", v.elem_type(), " ", v.shape());
}

// The training section: method 1 (per phase when there are several),
// method 2 beside it, the projection, the thresholds.
void RenderTraining(const Training& t, std::string* out) {
  if (t.examples() > 0 || t.phases_size() > 0) {
    absl::StrAppend(out, "\ntraining compute, ", t.method(), "\n");
    if (t.phases_size() > 1) {
      for (const TrainingPhase& p : t.phases()) {
        absl::StrAppend(out, "  phase ", p.name(), p.model().empty() ? "" : absl::StrCat(" (", p.model(), ")"),
                        ": ", p.formula(), "\n");
      }
    } else {
      absl::StrAppend(out, "  forward per example   ", Grouped(t.forward_flops_per_example()),
                      " FLOP\n");
      if (t.backward_model() == "per-op") {
        absl::StrAppend(out, "  backward              per-op model: effective ratio ",
                        absl::StrFormat("%.3f", t.effective_backward_ratio()),
                        " (the default ratio is 2)\n");
      } else {
        absl::StrAppend(out, "  backward ratio        ", t.backward_ratio(),
                        "  (training step = ", 1 + t.backward_ratio(), " x forward)\n");
      }
      if (t.optimizer_flops_per_example() > 0) {
        absl::StrAppend(out, "  optimizer             ", Grouped(t.optimizer_flops_per_example()),
                        " FLOP per example for the weight updates\n");
      }
      if (t.tokens() > 0) {
        absl::StrAppend(out, "  tokens                ", Grouped(t.tokens()), " / ",
                        t.sequence_length(), " per sequence = ", Grouped(t.examples()),
                        " sequences\n");
      }
      absl::StrAppend(out, "  examples x epochs     ", Grouped(t.examples()), " x ",
                      Grouped(t.epochs()), "  (", t.examples_source(), ")\n");
      absl::StrAppend(out, "  = ", t.formula(), "\n");
    }
    absl::StrAppend(out, "  TRAINING COMPUTE      ", Scientific(t.flops()), " FLOP  (",
                    absl::StrFormat("%.3g", t.pf_days()), " PF/s-days)\n");
    if (t.has_memory()) {
      const TrainingMemory& mem = t.memory();
      absl::StrAppend(out, "  memory per chip       ", Si(mem.total_bytes(), false), "B at batch ",
                      mem.batch(), ": weights ", Si(mem.weight_bytes(), false), "B + gradients ",
                      Si(mem.gradient_bytes(), false), "B + optimizer ",
                      Si(mem.optimizer_bytes(), false), "B",
                      mem.master_weight_bytes() > 0
                          ? absl::StrCat(" + master weights ", Si(mem.master_weight_bytes(), false),
                                         "B")
                          : "",
                      " + activations ", Si(mem.activation_bytes(), false), "B (",
                      Si(mem.activation_bytes_per_example(), false), "B per example, ",
                      mem.precision(), ")\n");
      if (mem.chip_memory_bytes() > 0) {
        absl::StrAppend(out, "  largest batch         ",
                        mem.max_batch() > 0
                            ? absl::StrCat(Grouped(static_cast<double>(mem.max_batch())),
                                           " per chip fits its ")
                            : "none fits the chip's ",
                        Si(mem.chip_memory_bytes(), false), "B\n");
      }
    }
    if (t.has_parameter_rule()) {
      absl::StrAppend(out, "  6ND cross-check       ", t.parameter_rule().formula(),
                      "; the count is ", absl::StrFormat("%.2f", t.parameter_rule().ratio()),
                      "x that\n");
    }
  }
  if (t.has_method2()) {
    const Method2& m = t.method2();
    absl::StrAppend(out, "\ntraining compute, method 2 (GPU time x chips x peak x utilization)\n");
    absl::StrAppend(out, "  hardware              ", m.hardware(), ", ", m.precision(), " peak ",
                    Si(m.peak_flops()), "FLOP/s per chip (", m.peak_source(), ")\n");
    absl::StrAppend(out, "  utilization           ",
                    m.utilization_source() == "as given"
                        ? absl::StrCat(m.utilization(), " (as given)")
                        : m.utilization_source(),
                    "\n");
    absl::StrAppend(out, "  = ", m.formula(), "\n");
    absl::StrAppend(out, "  TRAINING COMPUTE      ", Scientific(m.flops()), " FLOP\n");
    if (t.flops() > 0) {
      absl::StrAppend(out, "  method 1 / method 2   ", absl::StrFormat("%.3g", t.method1_over_method2()),
                      "; utilization implied by method 1: ",
                      absl::StrFormat("%.3g", t.implied_utilization()), "\n");
    }
  }
  if (t.has_projection()) {
    const Projection& p = t.projection();
    absl::StrAppend(out, "  projection            ", absl::StrFormat("%.3g", p.seconds() / 86400),
                    " days to train at that utilization; energy ",
                    absl::StrFormat("%.4g", p.energy_kwh()), " kWh at TDP",
                    p.cost() > 0 ? absl::StrFormat("; cost %.4g", p.cost()) : "", "\n");
  }
  if (t.thresholds_size() > 0) {
    absl::StrAppend(out, "\ncompute thresholds\n");
    for (const Threshold& th : t.thresholds()) {
      absl::StrAppend(out, "  ", Scientific(th.flops()), " FLOP  ", th.above() ? "ABOVE" : "below",
                      " (x", absl::StrFormat("%.3g", th.ratio()), ")  ", th.name(), "\n");
    }
  }
}

}  // namespace


std::string RenderChecksText(const Report& r) {
  std::string out;
  if (r.gates_size() > 0) {
    absl::StrAppend(&out, "\ngates\n");
    for (const GateResult& g : r.gates()) {
      absl::StrAppend(&out, g.passed() ? "  pass  " : "  FAIL  ", g.message(), "\n");
    }
  }
  if (r.has_baseline()) {
    const BaselineComparison& b = r.baseline();
    absl::StrAppend(&out, "\nbaseline ", b.path(), ": ", b.passed() ? "within" : "OVER",
                    " the tolerance of ", absl::StrFormat("%g%%", 100 * b.max_increase()),
                    " growth\n");
    for (const MetricChange& c : b.metrics()) {
      absl::StrAppend(&out, c.over_limit() ? "  FAIL  " : "        ", c.message(), "\n");
    }
    bool header = false;
    for (const MetricChange& c : b.op_types()) {
      if (c.status() == "same") continue;
      if (!header) absl::StrAppend(&out, "  op types that changed (not gated)\n");
      header = true;
      absl::StrAppend(&out, "        ", c.message(), "\n");
    }
    if (!header) absl::StrAppend(&out, "  every op type's FLOPs are unchanged\n");
    const std::vector<const MetricChange*> layers = LargestLayerChanges(b, 10);
    if (!layers.empty()) absl::StrAppend(&out, "  layers that changed most (not gated)\n");
    for (const MetricChange* c : layers) absl::StrAppend(&out, "        ", c->message(), "\n");
    for (const std::string& n : b.notes()) absl::StrAppend(&out, "  note: ", n, "\n");
  }
  return out;
}

std::vector<const MetricChange*> LargestLayerChanges(const BaselineComparison& b, int n) {
  std::vector<const MetricChange*> changed;
  for (const MetricChange& c : b.layers()) {
    if (c.status() != "same") changed.push_back(&c);
  }
  // Grown most first, then shrunk most; ties keep graph order.
  auto rank = [](const MetricChange* c) {
    return c->change() > 0 ? std::make_pair(0, -c->change()) : std::make_pair(1, c->change());
  };
  std::stable_sort(changed.begin(), changed.end(),
                   [&](const MetricChange* x, const MetricChange* y) { return rank(x) < rank(y); });
  if (static_cast<int>(changed.size()) > n) changed.resize(static_cast<size_t>(n));
  return changed;
}

std::string ActiveParametersWhy(const Forward& f) {
  double expert = 0, active = 0;
  std::string choice;
  bool mixed = false;
  for (const Router& r : f.routing().routers()) {
    expert += r.expert_parameters();
    active += r.active_expert_parameters();
    const std::string this_one = absl::StrCat("top-", r.top_k(), " of ", r.experts());
    mixed = mixed || (!choice.empty() && choice != this_one);
    choice = this_one;
  }
  const int n = f.routing().routers_size();
  return absl::StrCat("the experts' ", Grouped(expert), " weights count at k/E (",
                      mixed ? "several choices" : choice, n == 1 ? "" : absl::StrCat(", ", n, " routers"),
                      "): ", Grouped(active), " of them; every other weight counts whole");
}

std::string RangeReason(const Forward& f) {
  if (f.bounds_size() == 0) return "a branch condition is unknown";
  return absl::StrCat(f.bounds_size(), " data-dependent size", f.bounds_size() == 1 ? "" : "s",
                      " at the upper bounds the graph sets");
}

std::string RenderText(const Report& r, const TextOptions& options) {
  std::string out;
  const ModelInfo& m = r.model();
  const Forward& f = r.forward();
  absl::StrAppend(&out, r.tool(), " ", r.tool_version(), "  ", m.path(), "\n\n");
  absl::StrAppend(&out, "model       opset ", m.opset(), ", IR ", m.ir_version(),
                  m.producer().empty() ? "" : absl::StrCat(", ", m.producer()), ", ",
                  Grouped(static_cast<double>(m.nodes())), " nodes\n");
  absl::StrAppend(&out, "parameters  ", Grouped(m.parameters()), " (", Si(m.parameters(), false),
                  ") in ", m.initializers(), " initializers",
                  m.subgraph_initializers() > 0
                      ? absl::StrCat(" + ", m.subgraph_initializers(), " in subgraphs")
                      : "",
                  m.constant_weights() > 0
                      ? absl::StrCat(" + ", m.constant_weights(), " Constant nodes")
                      : "",
                  m.quantized_weights() > 0
                      ? absl::StrCat(" (", m.quantized_weights(), " quantized)")
                      : "",
                  m.external_data() ? ", weights in external data (not read)" : "", "\n");
  if (f.has_routing()) {
    absl::StrAppend(&out, "active      ", Grouped(m.active_parameters()), " (",
                    Si(m.active_parameters(), false), ") per token: ", ActiveParametersWhy(f),
                    "\n");
  }
  for (int i = 0; i < m.inputs_size(); ++i) {
    absl::StrAppend(&out, i == 0 ? "inputs      " : "            ", InputLine(m.inputs(i)), "\n");
  }
  for (int i = 0; i < m.outputs_size(); ++i) {
    absl::StrAppend(&out, i == 0 ? "outputs     " : "            ", InputLine(m.outputs(i)),
                    "\n");
  }
  for (const AssumedDim& a : r.assumed_dims()) {
    absl::StrAppend(&out, "dim         ", a.name(), " = ", a.value(), "  (",
                    a.source().rfind("--", 0) == 0 ? "from " : "", a.source(), ")\n");
  }
  for (const BoundValue& v : r.bound_values()) {
    absl::StrAppend(&out, "value       ", v.name(), " = ", v.values(), "  (from ", v.source(),
                    ")\n");
  }
  absl::StrAppend(&out, "batch       ", f.batch_size(),
                  f.batch_dim().name().empty() ? "" : absl::StrCat(" (dim '", f.batch_dim().name(), "')"),
                  ": ", f.batch_dim().reason(), "\n");
  if (f.sequence_length() > 0) {
    absl::StrAppend(&out, "sequence    ", f.sequence_length(), " steps",
                    f.sequence_dim().name().empty()
                        ? ""
                        : absl::StrCat(" (dim '", f.sequence_dim().name(), "')"),
                    ": ", f.sequence_dim().reason(), "\n");
  }
  if (f.steps_per_example() > 1) {
    absl::StrAppend(&out, "steps       one pass is one step; an example is ",
                    FormatCount(f.steps_per_example()), " passes (--steps-per-example)\n");
  }
  absl::StrAppend(&out, "\n");

  absl::StrAppend(&out, "forward pass                      FLOP            per example\n");
  auto row = [&](const std::string& label, double total, double per, const std::string& note) {
    absl::StrAppend(&out, "  ", Pad(label, 22), PadLeft(Grouped(total), 20), "  ",
                    PadLeft(Si(per), 10), note, "\n");
  };
  const double b = static_cast<double>(std::max<int64_t>(f.batch_size(), 1));
  std::string total_note;
  if (f.flops_low() > 0) {
    absl::StrAppend(&total_note, "  (range ", Grouped(f.flops_low()), " .. ", Grouped(f.flops()),
                    ": ", RangeReason(f), ")");
  }
  if (f.lower_bound()) {
    absl::StrAppend(&total_note, "  (a lower bound: ", f.coverage().uncounted(), " uncounted node",
                    f.coverage().uncounted() == 1 ? "" : "s", ")");
  }
  row("total", f.flops(), f.flops_per_example(), total_note);
  row("matmul/conv class", f.matmul_flops(), f.matmul_flops_per_example(),
      f.flops() > 0 ? absl::StrCat("  (", Percent(f.matmul_flops() / f.flops()), ")") : "");
  row("vector class", f.vector_flops(), f.vector_flops() / b, "");
  row("MACs (matmul/conv)", f.macs(), f.macs_per_example(), "");
  if (f.sequence_length() > 0) {
    absl::StrAppend(&out, "  per token              ", PadLeft(Grouped(f.flops_per_token()), 20),
                    "  (per example / ", f.sequence_length(), " steps; matmul class ",
                    Grouped(f.matmul_flops_per_token()), ")\n");
  }
  if (f.has_attention()) {
    const Attention& a = f.attention();
    absl::StrAppend(&out, "  attention core         ", PadLeft(Grouped(a.core_flops()), 20), "  (",
                    Percent(a.share()), " of the pass, ", a.layers(), " layers",
                    a.causal_half() ? ", causal ops at half" : "", ")\n");
    if (a.kaplan_flops_per_token() > 0) {
      absl::StrAppend(&out, "  Kaplan closed form     ", PadLeft(Grouped(a.kaplan_flops_per_token()), 20),
                      "  per token; the count is ", absl::StrFormat("%.2f", a.ratio()),
                      "x (2N + 2*n_layer*n_ctx*d_attn, N = ", Grouped(a.non_embedding_parameters()),
                      " non-embedding parameters)\n");
    }
  }
  if (f.has_routing()) {
    absl::StrAppend(&out, "  mixture of experts: ", f.routing().note(), "\n");
    constexpr int kShown = 4;
    for (int i = 0; i < f.routing().routers_size() && i < kShown; ++i) {
      absl::StrAppend(&out, "    ", f.routing().routers(i).detail(), "\n");
    }
    if (f.routing().routers_size() > kShown) {
      absl::StrAppend(&out, "    ... and ", f.routing().routers_size() - kShown,
                      " more routers (forward.routing)\n");
    }
  }
  const Coverage& c = f.coverage();
  absl::StrAppend(&out, "  coverage: ", c.nodes(), " nodes = ", c.counted(), " counted + ",
                  c.data_movement(), " data movement (0 FLOP) + ", c.uncounted(),
                  " uncounted\n");
  if (f.has_memory()) {
    const Memory& mem = f.memory();
    absl::StrAppend(&out, "  memory: weights ", Si(mem.weight_bytes(), false), "B, peak activations ",
                    Si(mem.peak_activation_bytes(), false), "B",
                    mem.peak_node().empty() ? "" : absl::StrCat(" (at ", mem.peak_node(), ")"),
                    ", traffic ",
                    Si(mem.bytes_read() + mem.weight_bytes_read() + mem.bytes_written(), false),
                    "B, ", absl::StrFormat("%.3g", mem.intensity()), " FLOP/byte\n");
  }
  if (f.has_roofline()) {
    const Roofline& rf = f.roofline();
    absl::StrAppend(&out, "  roofline on ", rf.hardware(), " (", rf.precision(), "): ",
                    Duration(rf.seconds()), " per pass (the FLOPs alone ",
                    Duration(rf.compute_seconds()), "); memory-bound: ",
                    Percent(rf.memory_bound_node_share()), " of nodes, ",
                    Percent(rf.memory_bound_time_share()), " of the time; utilization ceiling ",
                    Percent(rf.utilization_ceiling()), "\n");
  }
  absl::StrAppend(&out, "\n");

  absl::StrAppend(&out, "by op type                nodes              FLOP    share       matmul FLOP              MACs       bytes\n");
  int shown = 0;
  for (const OpTypeCost& op : f.by_op_type()) {
    if (options.max_op_types > 0 && shown++ >= options.max_op_types) break;
    std::string name = op.domain() == "ai.onnx" ? op.op_type()
                                                : absl::StrCat(op.domain(), "::", op.op_type());
    absl::StrAppend(&out, "  ", Pad(name, 22), PadLeft(absl::StrCat(op.nodes()), 7),
                    PadLeft(Grouped(op.flops()), 18), PadLeft(Percent(op.share()), 9),
                    PadLeft(Grouped(op.matmul_flops()), 18), PadLeft(Grouped(op.macs()), 18),
                    PadLeft(Si(op.bytes_read() + op.weight_bytes() + op.bytes_written()), 12),
                    op.uncounted() > 0 ? absl::StrCat("  (", op.uncounted(), " uncounted)") : "",
                    "\n");
  }

  if (f.layers_size() > 1) {
    constexpr int kShownLayers = 24;
    const bool timed = f.has_roofline();
    absl::StrAppend(&out, "\nby layer                  nodes              FLOP    share           bytes",
                    timed ? "        time" : "", "\n");
    for (int i = 0; i < f.layers_size() && i < kShownLayers; ++i) {
      const LayerCost& l = f.layers(i);
      absl::StrAppend(&out, "  ", Pad(l.name(), 22), PadLeft(absl::StrCat(l.nodes()), 7),
                      PadLeft(Grouped(l.flops()), 18),
                      PadLeft(Percent(f.flops() > 0 ? l.flops() / f.flops() : 0), 9),
                      PadLeft(Si(l.bytes()), 16),
                      timed ? PadLeft(Duration(l.seconds()), 12) : "", "\n");
    }
    if (f.layers_size() > kShownLayers) {
      absl::StrAppend(&out, "  ... and ", f.layers_size() - kShownLayers,
                      " more layers (forward.layers)\n");
    }
  }

  if (r.has_training()) RenderTraining(r.training(), &out);

  if (options.per_node && f.nodes_size() > 0) {
    absl::StrAppend(&out, "\nper node\n");
    size_t width = 12;
    for (const NodeCost& n : f.nodes()) width = std::max(width, std::min<size_t>(n.node().size(), 60));
    for (const NodeCost& n : f.nodes()) {
      const double bytes = n.bytes_read() + n.weight_bytes() + n.bytes_written();
      absl::StrAppend(&out, "  ", Pad(n.node(), width), " ", Pad(n.op_type(), 18), " ",
                      PadLeft(Grouped(n.flops()), 16), "  ", Pad(n.output_shape(), 18), " ",
                      PadLeft(absl::StrCat(Si(bytes), "B"), 10), " ",
                      PadLeft(absl::StrFormat("%.3g", n.intensity()), 8), " FLOP/B",
                      n.seconds() > 0 ? absl::StrCat(" ", PadLeft(Duration(n.seconds()), 9), " ",
                                                     Pad(n.limited_by(), 7))
                                      : "",
                      "  ", n.detail(), "\n");
    }
  }
  if (f.bounds_size() > 0) {
    absl::StrAppend(&out, "\ndata-dependent sizes counted at their upper bound (", f.bounds_size(),
                    ")\n");
    constexpr int kShown = 20;
    for (int i = 0; i < f.bounds_size() && i < kShown; ++i) {
      const DataBound& bound = f.bounds(i);
      absl::StrAppend(&out, "  ", bound.node(), " (", bound.op_type(), "): ", bound.bound(), "\n");
    }
    if (f.bounds_size() > kShown) {
      absl::StrAppend(&out, "  ... and ", f.bounds_size() - kShown, " more (forward.bounds)\n");
    }
  }
  if (f.uncounted_size() > 0) {
    absl::StrAppend(&out, "\nuncounted nodes (", f.uncounted_size(), ")\n");
    for (const UncountedNode& u : f.uncounted()) {
      absl::StrAppend(&out, "  ", u.node(), " (", u.op_type(), "): ", u.reason(), "\n");
    }
  }
  absl::StrAppend(&out, RenderChecksText(r));
  if (r.warnings_size() > 0) {
    absl::StrAppend(&out, "\nwarnings\n");
    for (const std::string& w : r.warnings()) absl::StrAppend(&out, "  - ", w, "\n");
  }
  return out;
}

}  // namespace onnx_flops
