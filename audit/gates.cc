#include "audit/gates.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "analyzer/util/number_format.h"

namespace onnx_flops {
namespace {

// value <= limit passes. over_by is the relative excess, value / limit - 1.
void Limit(const std::string& gate, const std::string& quantity, double limit, double value,
           Report* report) {
  GateResult* g = report->add_gates();
  g->set_gate(gate);
  g->set_quantity(quantity);
  g->set_limit(limit);
  g->set_value(value);
  g->set_passed(value <= limit);
  if (g->passed()) {
    g->set_message(absl::StrCat("gate ", gate, " passed: ", quantity, " ", Scientific(value),
                                " is within the limit ", Scientific(limit)));
    return;
  }
  const double over = value - limit;
  std::string by = absl::StrCat("over by ", Scientific(over));
  if (limit > 0) {
    g->set_over_by(over / limit);
    absl::StrAppend(&by, absl::StrFormat(" (+%.1f%%)", 100 * g->over_by()));
  }
  g->set_message(absl::StrCat("gate ", gate, " failed: ", quantity, " ", Scientific(value),
                              " > limit ", Scientific(limit), ", ", by));
}

}  // namespace

bool ApplyGates(const GateOptions& gates, Report* report) {
  const int first = report->gates_size();
  if (gates.max_flops) {
    Limit("--max-flops", "forward FLOPs per example", *gates.max_flops,
          report->forward().flops_per_example(), report);
  }
  if (gates.max_training_flops) {
    if (report->has_training() && report->training().flops() > 0) {
      Limit("--max-training-flops", "training FLOPs (method 1)", *gates.max_training_flops,
            report->training().flops(), report);
    } else {
      // Without a method-1 estimate there is nothing to check: failing is the
      // only answer that cannot let an unchecked model through.
      GateResult* g = report->add_gates();
      g->set_gate("--max-training-flops");
      g->set_quantity("training FLOPs (method 1)");
      g->set_limit(*gates.max_training_flops);
      g->set_passed(false);
      g->set_message(
          "gate --max-training-flops failed: there is no training estimate to check (give "
          "--examples, --tokens, or --batch-size with --steps)");
    }
  }
  if (gates.max_params) {
    Limit("--max-params", "parameters", *gates.max_params, report->model().parameters(), report);
  }
  if (gates.fail_on_uncounted) {
    const Forward& f = report->forward();
    GateResult* g = report->add_gates();
    g->set_gate("--fail-on-uncounted");
    g->set_quantity("uncounted nodes");
    g->set_limit(0);
    g->set_value(f.coverage().uncounted());
    g->set_passed(f.coverage().uncounted() == 0);
    if (g->passed()) {
      g->set_message("gate --fail-on-uncounted passed: every node is counted");
    } else {
      std::string first_nodes;
      for (int i = 0; i < f.uncounted_size() && i < 3; ++i) {
        const UncountedNode& u = f.uncounted(i);
        absl::StrAppend(&first_nodes, i == 0 ? "" : "; ", u.node(), " (", u.op_type(),
                        "): ", u.reason());
      }
      if (f.uncounted_size() > 3) absl::StrAppend(&first_nodes, "; ...");
      g->set_message(absl::StrCat("gate --fail-on-uncounted failed: ", f.coverage().uncounted(),
                                  " of ", f.coverage().nodes(), " nodes uncounted: ",
                                  first_nodes));
    }
  }
  if (gates.max_peak_memory) {
    const Memory& m = report->forward().memory();
    Limit("--max-peak-memory", "forward memory (weights + peak activations, bytes)",
          *gates.max_peak_memory, m.weight_bytes() + m.peak_activation_bytes(), report);
  }
  if (gates.max_latency) {
    if (report->forward().has_roofline()) {
      Limit("--max-latency", absl::StrCat("forward time on ", report->forward().roofline().hardware(),
                                          " (roofline, seconds)"),
            *gates.max_latency, report->forward().roofline().seconds(), report);
    } else {
      GateResult* g = report->add_gates();
      g->set_gate("--max-latency");
      g->set_quantity("forward time (roofline, seconds)");
      g->set_limit(*gates.max_latency);
      g->set_passed(false);
      g->set_message("gate --max-latency failed: there is no roofline estimate to check (give "
                     "--hardware NAME, a chip with a memory bandwidth)");
    }
  }
  for (int i = first; i < report->gates_size(); ++i) {
    if (!report->gates(i).passed()) return false;
  }
  return true;
}

}  // namespace onnx_flops
