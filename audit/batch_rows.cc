#include "audit/batch_rows.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "analyzer/report/render.h"
#include "analyzer/util/one_line.h"
#include "google/protobuf/util/json_util.h"

namespace onnx_flops {
namespace {

std::string Num(double x) { return ExactNumber(x); }

std::string MdCell(const std::string& s) {
  return absl::StrReplaceAll(s, {{"|", "\\|"}, {"\n", " "}, {"\r", " "}});
}


std::string Status(const Report& r) { return FailedChecks(r).empty() ? "ok" : "failed"; }

double TrainingFlops(const Report& r) { return r.has_training() ? r.training().flops() : 0; }

// The relative change of forward FLOPs against the baseline, "" when there
// was nothing to compare with.
const MetricChange* FlopsChange(const Report& r) {
  if (!r.has_baseline()) return nullptr;
  for (const MetricChange& m : r.baseline().metrics()) {
    if (m.name() == "flops") return &m;
  }
  return nullptr;
}

std::string ChangeText(const Report& r) {
  const MetricChange* m = FlopsChange(r);
  if (m == nullptr) return "";
  if (m->status() == "grown" || m->status() == "shrunk") {
    return absl::StrFormat("%+.1f%%", 100 * m->relative());
  }
  return m->status();
}

}  // namespace

std::vector<std::string> FailedChecks(const Report& report) {
  std::vector<std::string> failed;
  for (const GateResult& g : report.gates()) {
    if (!g.passed()) failed.push_back(g.gate());
  }
  if (report.has_baseline() && !report.baseline().passed()) failed.push_back("--baseline");
  return failed;
}

namespace {

// ---- jsonl: each line the single-model JSON report ----
std::string JsonlHeader() { return ""; }
absl::StatusOr<std::string> JsonlRow(const Report& r) { return RenderJson(r, /*pretty=*/false); }
std::string JsonlErrorRow(const std::string& path, const std::string& message,
                          const std::string& status) {
  ErrorRow row;
  row.mutable_model()->set_path(path);
  row.set_error(message);
  row.set_status(status);
  std::string json;
  if (!google::protobuf::util::MessageToJsonString(row, &json).ok()) json = "{}";
  return json + "\n";
}

// ---- csv ----
std::string CsvHeader() {
  return "path,status,error,opset,nodes,parameters,active_parameters,flops,matmul_flops,macs,"
         "flops_per_example,"
         "training_flops,uncounted_nodes,failed_checks,flops_vs_baseline\n";
}
absl::StatusOr<std::string> CsvRow(const Report& r) {
  const Forward& f = r.forward();
  const std::string failed = absl::StrJoin(FailedChecks(r), ";");
  const double training = TrainingFlops(r);
  return absl::StrCat(
      absl::StrJoin({CsvField(r.model().path()), Status(r), std::string(),
                     absl::StrCat(r.model().opset()), absl::StrCat(r.model().nodes()),
                     Num(r.model().parameters()), Num(r.model().active_parameters()),
                     Num(f.flops()), Num(f.matmul_flops()),
                     Num(f.macs()), Num(f.flops_per_example()),
                     training > 0 ? Num(training) : std::string(),
                     absl::StrCat(f.coverage().uncounted()), CsvField(failed),
                     FlopsChange(r) == nullptr ? std::string()
                                               : ExactNumber(FlopsChange(r)->relative())},
                    ","),
      "\n");
}
std::string CsvErrorRow(const std::string& path, const std::string& message,
                        const std::string& status) {
  return absl::StrCat(CsvField(path), ",", CsvField(status), ",", CsvField(message),
                      ",,,,,,,,,,,,\n");
}

// ---- markdown ----
std::string MarkdownHeader() {
  return "| model | status | opset | nodes | parameters | FLOPs per example | training FLOPs | "
         "uncounted | vs baseline |\n|---|---|---:|---:|---:|---:|---:|---:|---:|\n";
}
absl::StatusOr<std::string> MarkdownRow(const Report& r) {
  const Forward& f = r.forward();
  const std::string failed = absl::StrJoin(FailedChecks(r), ";");
  const double training = TrainingFlops(r);
  return absl::StrCat("| `", MdCell(r.model().path()), "` | ",
                      failed.empty() ? "ok" : absl::StrCat("**failed** ", MdCell(failed)), " | ",
                      r.model().opset(), " | ", r.model().nodes(), " | ",
                      Si(r.model().parameters()),
                      r.forward().has_routing()
                          ? absl::StrCat(" (", Si(r.model().active_parameters()), " active)")
                          : "",
                      " | ", Si(f.flops_per_example()), " | ",
                      training > 0 ? Scientific(training) : "", " | ",
                      f.coverage().uncounted(), " | ", ChangeText(r), " |\n");
}
std::string MarkdownErrorRow(const std::string& path, const std::string& message,
                             const std::string& status) {
  return absl::StrCat("| `", MdCell(path), "` | **", MdCell(status), "**: ", MdCell(message),
                      " | | | | | | | |\n");
}

// ---- text: a table for people ----
std::string TextHeader() {
  return absl::StrCat("status  ", "      FLOP/example", "    parameters", "   nodes",
                      "  uncounted  model\n");
}
absl::StatusOr<std::string> TextRow(const Report& r) {
  const Forward& f = r.forward();
  const std::string failed = absl::StrJoin(FailedChecks(r), ";");
  std::string status = failed.empty() ? "ok" : "FAILED";
  auto pad_left = [](const std::string& s, size_t w) {
    return s.size() >= w ? s : std::string(w - s.size(), ' ') + s;
  };
  return absl::StrCat(status, std::string(8 - status.size(), ' '),
                      pad_left(Si(f.flops_per_example()), 14),
                      pad_left(Si(r.model().parameters()), 14),
                      pad_left(absl::StrCat(r.model().nodes()), 8),
                      pad_left(absl::StrCat(f.coverage().uncounted()), 11), "  ", r.model().path(),
                      failed.empty() ? "" : absl::StrCat("  (", failed, ")"),
                      FlopsChange(r) == nullptr ? ""
                                                : absl::StrCat("  [", ChangeText(r), " vs baseline]"),
                      "\n");
}
std::string TextErrorRow(const std::string& path, const std::string& message,
                         const std::string& status) {
  std::string word = status == "out of memory" ? "OOM" : absl::AsciiStrToUpper(status);
  if (word.size() < 8) word.append(8 - word.size(), ' ');
  return absl::StrCat(word, path, ": ", message, "\n");
}

// The rows' formats, each its three functions; messages become one line.
template <std::string (*Error)(const std::string&, const std::string&, const std::string&)>
std::string OneLineError(const std::string& path, const std::string& error,
                         const std::string& status) {
  return Error(path, OneLine(error), status);
}

}  // namespace

const BatchRowFormat kJsonlRows = {"jsonl", JsonlHeader, JsonlRow, OneLineError<JsonlErrorRow>};
const BatchRowFormat kCsvRows = {"csv", CsvHeader, CsvRow, OneLineError<CsvErrorRow>};
const BatchRowFormat kMarkdownRows = {"markdown", MarkdownHeader, MarkdownRow,
                                      OneLineError<MarkdownErrorRow>};
const BatchRowFormat kTextRows = {"text", TextHeader, TextRow, OneLineError<TextErrorRow>};

}  // namespace onnx_flops
