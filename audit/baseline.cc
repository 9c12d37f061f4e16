#include "audit/baseline.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "analyzer/util/number_format.h"
#include "google/protobuf/util/json_util.h"

namespace onnx_flops {
namespace {

// Baselines written by a newer onnx-flops may carry fields this one does not
// know; they are ignored rather than refused.
bool ParseJson(absl::string_view text, google::protobuf::Message* message, std::string* error) {
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;
  auto status = google::protobuf::util::JsonStringToMessage(
      google::protobuf::StringPiece(text.data(), text.size()), message, options);
  if (!status.ok()) *error = std::string(status.message());
  return status.ok();
}

void Slim(Report* r) {
  r->mutable_forward()->clear_nodes();
  r->clear_baseline();
}

std::string Percent(double fraction) { return absl::StrFormat("%+.1f%%", 100 * fraction); }

std::string Amount(double x) { return Grouped(x); }

// One metric's change; `gated` ones are checked against the tolerance.
MetricChange Change(const std::string& name, double before, double after, bool gated,
                    double max_increase) {
  MetricChange c;
  c.set_name(name);
  c.set_before(before);
  c.set_after(after);
  c.set_change(after - before);
  c.set_gated(gated);
  if (before == after) {
    c.set_status("same");
  } else if (before == 0) {
    c.set_status("new");
  } else if (after == 0) {
    c.set_status("vanished");
  } else {
    c.set_status(after > before ? "grown" : "shrunk");
  }
  // (after - before) / before: after / before - 1 loses digits to cancellation.
  if (before != 0) c.set_relative((after - before) / before);
  // after - before > tolerance x before, so that a 5% tolerance on 100 lets
  // 105 through whatever the rounding of 105 / 100.
  c.set_over_limit(gated && after > before && (before == 0 || after - before > max_increase * before));
  if (c.status() == "same") {
    c.set_message(absl::StrCat(name, ": unchanged at ", Amount(after)));
  } else if (c.status() == "new") {
    c.set_message(absl::StrCat(name, ": new, ", Amount(after)));
  } else if (c.status() == "vanished") {
    c.set_message(absl::StrCat(name, ": vanished, was ", Amount(before)));
  } else {
    c.set_message(absl::StrCat(name, ": ", c.status(), " ", Percent(c.relative()), ", ",
                               Amount(before), " -> ", Amount(after)));
  }
  if (c.over_limit()) {
    absl::StrAppend(c.mutable_message(), ", over the ",
                    absl::StrFormat("%g%%", 100 * max_increase), " tolerance");
  }
  return c;
}

std::string OpKeyOf(const OpTypeCost& op) {
  return op.domain().empty() || op.domain() == "ai.onnx"
             ? op.op_type()
             : absl::StrCat(op.domain(), "::", op.op_type());
}

}  // namespace

absl::StatusOr<Baseline> ReadBaseline(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat(file, ": cannot open the baseline report"));
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();
  Baseline b;
  b.file = file;
  std::string error;
  Report whole;
  if (ParseJson(text, &whole, &error)) {
    Slim(&whole);
    b.single_report_fallback = true;
    std::string path = whole.model().path();
    b.reports.emplace(std::move(path), std::move(whole));
    return b;
  }
  // Not one JSON document: JSON Lines, one report or error row per line.
  b.json_lines = true;
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_number;
    line = absl::StripAsciiWhitespace(line);
    if (line.empty()) continue;
    ErrorRow row;
    std::string line_error;
    if (ParseJson(line, &row, &line_error) && !row.error().empty()) {
      b.errors[row.model().path()] = row.error();
      continue;
    }
    Report r;
    if (!ParseJson(line, &r, &line_error)) {
      return absl::InvalidArgumentError(
          absl::StrCat(file, ": not an onnx-flops JSON report (line ", line_number, ": ",
                       line_number == 1 ? error : line_error, ")"));
    }
    Slim(&r);
    std::string path = r.model().path();
    b.reports[path] = std::move(r);
  }
  if (b.reports.empty() && b.errors.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(file, ": the baseline report is empty"));
  }
  return b;
}

const Report* BaselineFor(const Baseline& baseline, const std::string& path) {
  if (auto it = baseline.reports.find(path); it != baseline.reports.end()) return &it->second;
  if (baseline.single_report_fallback && baseline.reports.size() == 1) {
    return &baseline.reports.begin()->second;
  }
  return nullptr;
}

namespace {

using Named = std::vector<std::pair<std::string, double>>;

// The FLOPs of named parts (op types, layers), reported, not gated: in the
// order of `after`, then the parts that vanished, largest first.
std::vector<MetricChange> PartChanges(const Named& before, const Named& after) {
  std::map<std::string, double> old_parts;
  for (const auto& [name, flops] : before) old_parts[name] += flops;
  std::vector<MetricChange> changes;
  for (const auto& [name, flops] : after) {
    auto it = old_parts.find(name);
    changes.push_back(Change(name, it == old_parts.end() ? 0 : it->second, flops, false, 0));
    if (it != old_parts.end()) old_parts.erase(it);
  }
  Named vanished(old_parts.begin(), old_parts.end());
  std::stable_sort(vanished.begin(), vanished.end(),
                   [](const auto& x, const auto& y) { return x.second > y.second; });
  for (const auto& [name, flops] : vanished) {
    MetricChange c = Change(name, flops, 0, false, 0);
    c.set_status("vanished");  // even at 0 FLOP: the part is gone
    if (flops == 0) c.set_message(absl::StrCat(name, ": vanished (0 FLOP)"));
    changes.push_back(std::move(c));
  }
  return changes;
}

}  // namespace

bool CompareWithBaseline(const Report& before, const std::string& baseline_file,
                         double max_increase, Report* report) {
  BaselineComparison* cmp = report->mutable_baseline();
  cmp->Clear();
  cmp->set_path(baseline_file);
  cmp->set_max_increase(max_increase);
  const Forward& b = before.forward();
  const Forward& a = report->forward();
  *cmp->add_metrics() = Change("flops", b.flops(), a.flops(), true, max_increase);
  *cmp->add_metrics() = Change("matmul_flops", b.matmul_flops(), a.matmul_flops(), true, max_increase);
  *cmp->add_metrics() =
      Change("parameters", before.model().parameters(), report->model().parameters(), true,
             max_increase);
  if (before.has_training() && report->has_training() && before.training().flops() > 0 &&
      report->training().flops() > 0) {
    *cmp->add_metrics() = Change("training_flops", before.training().flops(),
                                 report->training().flops(), true, max_increase);
  }

  // Op types in the order of this run (largest first), layers in graph order.
  Named old_ops, new_ops, old_layers, new_layers;
  for (const OpTypeCost& op : b.by_op_type()) old_ops.emplace_back(OpKeyOf(op), op.flops());
  for (const OpTypeCost& op : a.by_op_type()) new_ops.emplace_back(OpKeyOf(op), op.flops());
  for (const LayerCost& l : b.layers()) old_layers.emplace_back(l.name(), l.flops());
  for (const LayerCost& l : a.layers()) new_layers.emplace_back(l.name(), l.flops());
  for (MetricChange& c : PartChanges(old_ops, new_ops)) *cmp->add_op_types() = std::move(c);
  for (MetricChange& c : PartChanges(old_layers, new_layers)) *cmp->add_layers() = std::move(c);

  // What can make the figures incomparable, said rather than hidden.
  if (b.batch_size() != a.batch_size()) {
    cmp->add_notes(absl::StrCat("batch size differs: ", b.batch_size(), " in the baseline, ",
                                a.batch_size(), " now; compare the per-example figures"));
  }
  if (b.coverage().uncounted() != a.coverage().uncounted()) {
    cmp->add_notes(absl::StrCat("uncounted nodes: ", b.coverage().uncounted(),
                                " in the baseline, ", a.coverage().uncounted(),
                                " now; totals leave uncounted nodes out"));
  }
  if (before.model().opset() != report->model().opset()) {
    cmp->add_notes(absl::StrCat("opset differs: ", before.model().opset(), " in the baseline, ",
                                report->model().opset(), " now"));
  }
  if (!before.tool_version().empty() && before.tool_version() != report->tool_version()) {
    cmp->add_notes(absl::StrCat("the baseline was made by onnx-flops ", before.tool_version(),
                                "; rules may have changed since"));
  }
  bool passed = true;
  for (const MetricChange& m : cmp->metrics()) passed = passed && !m.over_limit();
  cmp->set_passed(passed);
  return passed;
}

}  // namespace onnx_flops
