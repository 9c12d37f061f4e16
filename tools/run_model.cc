#include "tools/run_model.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "analyzer/analyze.h"
#include "audit/baseline.h"
#include "audit/checks.h"
#include "tools/formats.h"

namespace onnx_flops {

absl::StatusOr<OneModel> RunOneModel(const CliArgs& args, const std::vector<std::string>& argv,
                                     std::optional<absl::string_view> bytes, bool pretty_json) {
  const Format* format = FindFormat(args.format);
  if (format == nullptr || format->render == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("--format ", args.format, " writes rows of a batch run, not one report"));
  }
  CheckOptions checks;
  Baseline baseline;
  if (absl::Status s = ChecksFromArgs(args, &baseline, &checks); !s.ok()) return s;
  const std::string& path = args.paths[0];
  absl::StatusOr<Report> report = bytes.has_value() ? AnalyzeBytes(*bytes, path, args.analyze)
                                                    : AnalyzeFile(path, args.analyze);
  if (!report.ok()) return report.status();
  OneModel one;
  one.report = *std::move(report);
  const CheckOutcome outcome = ApplyChecks(checks, &one.report);
  if (checks.baseline != nullptr && !outcome.compared) {
    return absl::InvalidArgumentError(absl::StrCat(
        args.baseline, " holds no report for ", path,
        " (a JSON Lines baseline is matched by model path)"));
  }
  one.checks_passed = outcome.passed;
  // The same analysis from the shell; a model in memory has no file to name.
  if (!bytes.has_value()) one.report.set_command_line(CommandLineOf(argv));
  OutputOptions output;
  output.per_node = args.per_node;
  output.statement_style =
      args.statement_style == "latex" ? StatementStyle::kLatex : StatementStyle::kMarkdown;
  output.pretty_json = pretty_json;
  absl::StatusOr<std::string> text = format->render(one.report, output);
  if (!text.ok()) return text.status();
  one.output = *std::move(text);
  return one;
}

}  // namespace onnx_flops
