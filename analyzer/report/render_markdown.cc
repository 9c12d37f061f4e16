// Markdown for a pull-request comment: short tables a reviewer reads at a
// glance, the long lists folded into <details>.
#include <algorithm>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "analyzer/report/render.h"

namespace onnx_flops {
namespace {

std::string Cell(const std::string& s) {
  return absl::StrReplaceAll(s, {{"|", "\\|"}, {"\n", " "}, {"\r", " "}});
}

std::string Percent(double fraction) { return absl::StrFormat("%.1f%%", 100 * fraction); }

std::string Count(double x) { return absl::StrCat(Grouped(x), " (", Si(x, false), ")"); }

std::string OpName(const OpTypeCost& op) {
  return op.domain() == "ai.onnx" ? op.op_type() : absl::StrCat(op.domain(), "::", op.op_type());
}

void Gates(const Report& r, std::string* out) {
  if (r.gates_size() == 0) return;
  absl::StrAppend(out, "\n#### Gates\n\n| gate | limits | limit | value | result |\n|---|---|---:|---:|---|\n");
  for (const GateResult& g : r.gates()) {
    std::string result = g.passed() ? "pass" : "**FAIL**";
    if (!g.passed() && g.over_by() > 0) absl::StrAppend(&result, absl::StrFormat(" (+%.1f%%)", 100 * g.over_by()));
    absl::StrAppend(out, "| `", g.gate(), "` | ", g.quantity(), " | ", Scientific(g.limit()), " | ",
                    Scientific(g.value()), " | ", result, " |\n");
  }
}

void ChangeRow(const MetricChange& c, std::string* out) {
  std::string change = c.status();
  if (c.status() == "grown" || c.status() == "shrunk") {
    change = absl::StrFormat("%+.1f%%", 100 * c.relative());
  }
  if (c.over_limit()) change = absl::StrCat("**", change, " over tolerance**");
  absl::StrAppend(out, "| ", Cell(c.name()), " | ", Grouped(c.before()), " | ", Grouped(c.after()),
                  " | ", c.change() > 0 ? "+" : "", Grouped(c.change()), " | ", change, " |\n");
}

void Baseline(const Report& r, std::string* out) {
  if (!r.has_baseline()) return;
  const BaselineComparison& b = r.baseline();
  absl::StrAppend(out, "\n#### Compared with the baseline\n\n",
                  b.passed() ? "Within" : "**Over**", " the tolerance of ",
                  absl::StrFormat("%g%%", 100 * b.max_increase()), " growth (baseline `",
                  Cell(b.path()), "`).\n\n| metric | baseline | now | change | |\n|---|---:|---:|---:|---|\n");
  for (const MetricChange& c : b.metrics()) ChangeRow(c, out);
  int changed = 0;
  for (const MetricChange& c : b.op_types()) changed += c.status() != "same";
  if (changed > 0) {
    absl::StrAppend(out, "\nOp types that changed (reported, not gated):\n\n",
                    "| op type | baseline FLOP | now | change | |\n|---|---:|---:|---:|---|\n");
    for (const MetricChange& c : b.op_types()) {
      if (c.status() != "same") ChangeRow(c, out);
    }
  } else {
    absl::StrAppend(out, "\nEvery op type's FLOPs are unchanged.\n");
  }
  const std::vector<const MetricChange*> layers = LargestLayerChanges(b, 10);
  if (!layers.empty()) {
    absl::StrAppend(out, "\nLayers that changed most (reported, not gated):\n\n",
                    "| layer | baseline FLOP | now | change | |\n|---|---:|---:|---:|---|\n");
    for (const MetricChange* c : layers) ChangeRow(*c, out);
  }
  for (const std::string& n : b.notes()) absl::StrAppend(out, "\n> Note: ", Cell(n), "\n");
}

}  // namespace

std::string RenderMarkdown(const Report& r) {
  std::string out;
  const ModelInfo& m = r.model();
  const Forward& f = r.forward();
  absl::StrAppend(&out, "### onnx-flops: `", Cell(m.path()), "`\n\n");
  absl::StrAppend(&out, "| figure | value |\n|---|---|\n");
  absl::StrAppend(&out, "| forward FLOPs (batch ", f.batch_size(), ") | ", Count(f.flops()),
                  f.lower_bound() ? ", **a lower bound** (uncounted nodes below)" : "", " |\n");
  if (f.flops_low() > 0) {
    absl::StrAppend(&out, "| range | ", Count(f.flops_low()), " .. ", Count(f.flops()), " (",
                    Cell(RangeReason(f)), ") |\n");
  }
  absl::StrAppend(&out, "| per example | ", Count(f.flops_per_example()), " |\n");
  absl::StrAppend(&out, "| matmul/conv class | ", Count(f.matmul_flops()),
                  f.flops() > 0 ? absl::StrCat(", ", Percent(f.matmul_flops() / f.flops())) : "",
                  " |\n");
  absl::StrAppend(&out, "| MACs | ", Count(f.macs()), " |\n");
  if (f.sequence_length() > 0) {
    absl::StrAppend(&out, "| per token (", f.sequence_length(), " steps) | ",
                    Count(f.flops_per_token()), " |\n");
  }
  absl::StrAppend(&out, "| parameters | ", Count(m.parameters()), " |\n");
  if (f.has_routing()) {
    absl::StrAppend(&out, "| active parameters per token | ", Count(m.active_parameters()), " (",
                    Cell(ActiveParametersWhy(f)), ") |\n");
    absl::StrAppend(&out, "| mixture of experts | ", Cell(f.routing().note()), " |\n");
    for (const Router& router : f.routing().routers()) {
      absl::StrAppend(&out, "| router `", Cell(router.node()), "` | ", Cell(router.detail()),
                      " |\n");
    }
  }
  if (f.has_memory()) {
    const Memory& mem = f.memory();
    absl::StrAppend(&out, "| memory | weights ", Si(mem.weight_bytes(), false),
                    "B, peak activations ", Si(mem.peak_activation_bytes(), false), "B",
                    mem.peak_node().empty() ? "" : absl::StrCat(" (at `", Cell(mem.peak_node()), "`)"),
                    ", traffic ",
                    Si(mem.bytes_read() + mem.weight_bytes_read() + mem.bytes_written(), false),
                    "B, ", absl::StrFormat("%.3g", mem.intensity()), " FLOP/byte |\n");
  }
  if (f.has_roofline()) {
    const Roofline& rf = f.roofline();
    absl::StrAppend(&out, "| roofline on ", Cell(rf.hardware()), " (", rf.precision(), ") | ",
                    Duration(rf.seconds()), " per pass (FLOPs alone ", Duration(rf.compute_seconds()),
                    "); memory-bound ", Percent(rf.memory_bound_time_share()),
                    " of the time; utilization ceiling ", Percent(rf.utilization_ceiling()), " |\n");
  }
  absl::StrAppend(&out, "| model | opset ", m.opset(), ", ", m.nodes(), " nodes",
                  m.producer().empty() ? "" : absl::StrCat(", ", Cell(m.producer())), " |\n");
  const Coverage& c = f.coverage();
  absl::StrAppend(&out, "| coverage | ", c.counted(), " counted + ", c.data_movement(),
                  " data movement + ", c.uncounted() > 0 ? "**" : "", c.uncounted(), " uncounted",
                  c.uncounted() > 0 ? "**" : "", " of ", c.nodes(), " nodes |\n");
  if (r.has_training()) {
    const Training& t = r.training();
    if (t.flops() > 0) {
      absl::StrAppend(&out, "| training compute | **", Scientific(t.flops()), " FLOP** = ",
                      Cell(t.formula()), " |\n");
    }
    if (t.has_method2()) {
      absl::StrAppend(&out, "| training compute, method 2 | ", Scientific(t.method2().flops()),
                      " FLOP = ", Cell(t.method2().formula()), " |\n");
    }
    if (t.has_memory()) {
      absl::StrAppend(&out, "| training memory per chip | ", Cell(t.memory().formula()), " |\n");
    }
  }

  Gates(r, &out);
  Baseline(r, &out);

  absl::StrAppend(&out, "\n<details><summary>FLOPs by op type (", f.by_op_type_size(),
                  ")</summary>\n\n| op type | nodes | FLOP | share | matmul FLOP | MACs |\n"
                  "|---|---:|---:|---:|---:|---:|\n");
  for (const OpTypeCost& op : f.by_op_type()) {
    absl::StrAppend(&out, "| ", Cell(OpName(op)), " | ", op.nodes(),
                    op.uncounted() > 0 ? absl::StrCat(" (", op.uncounted(), " uncounted)") : "",
                    " | ", Grouped(op.flops()), " | ", Percent(op.share()), " | ",
                    Grouped(op.matmul_flops()), " | ", Grouped(op.macs()), " |\n");
  }
  absl::StrAppend(&out, "\n</details>\n");
  if (f.bounds_size() > 0) {
    absl::StrAppend(&out, "\n<details><summary>Data-dependent sizes at their upper bound (",
                    f.bounds_size(), ")</summary>\n\n| node | op type | bound |\n|---|---|---|\n");
    for (const DataBound& b : f.bounds()) {
      absl::StrAppend(&out, "| ", Cell(b.node()), " | ", Cell(b.op_type()), " | ", Cell(b.bound()),
                      " |\n");
    }
    absl::StrAppend(&out, "\n</details>\n");
  }
  if (f.uncounted_size() > 0) {
    absl::StrAppend(&out, "\n<details><summary>Uncounted nodes (", f.uncounted_size(),
                    ")</summary>\n\n| node | op type | reason |\n|---|---|---|\n");
    for (const UncountedNode& u : f.uncounted()) {
      absl::StrAppend(&out, "| ", Cell(u.node()), " | ", Cell(u.op_type()), " | ", Cell(u.reason()),
                      " |\n");
    }
    absl::StrAppend(&out, "\n</details>\n");
  }
  if (r.warnings_size() > 0) {
    absl::StrAppend(&out, "\n<details><summary>Warnings (", r.warnings_size(), ")</summary>\n\n");
    for (const std::string& w : r.warnings()) absl::StrAppend(&out, "- ", Cell(w), "\n");
    absl::StrAppend(&out, "\n</details>\n");
  }
  return out;
}

}  // namespace onnx_flops
