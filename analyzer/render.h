// Renders a Report in every output format: text (for people), JSON (for
// programs), CSV (for spreadsheets), Markdown, HTML and the compute statement.
// Every renderer reads the same message; none computes anything.
#ifndef ONNX_FLOPS_ANALYZER_RENDER_H_
#define ONNX_FLOPS_ANALYZER_RENDER_H_

#include <string>

#include "absl/status/statusor.h"
#include "proto/report.pb.h"

namespace onnx_flops {

struct TextOptions {
  bool per_node = false;   // append the per-node table
  int max_op_types = 0;    // 0: all
};

std::string RenderText(const Report& report, const TextOptions& options);
// Protobuf's JSON printer with the proto field names, pretty-printed, every
// field present (zeros included) so consumers need no defaults.
absl::StatusOr<std::string> RenderJson(const Report& report, bool pretty = true);
// One row per op type, or per node with `per_node`. RFC 4180 quoting.
std::string RenderCsv(const Report& report, bool per_node);
// Tables for a pull-request comment: the summary, op types, training, gates
// and the baseline comparison when there is one.
std::string RenderMarkdown(const Report& report);

// One self-contained HTML page (no network, scripts or fonts from elsewhere):
// the summary, the training estimate, SVG charts of where the FLOPs go, the
// op-type table and a sortable, filterable per-node table (from
// forward.nodes: analyze with per_node).
std::string RenderHtml(const Report& report);

// A paragraph and a table stating the training compute for a paper's
// appendix or a model card: every input with its source, the range, the
// thresholds, and what makes it reproducible (tool version, file SHA-256,
// opset, command line). Every number in it is a field of the report.
enum class StatementStyle { kMarkdown, kLatex };
std::string RenderStatement(const Report& report, StatementStyle style);

// The gate results and the baseline comparison as the text renderer shows
// them (also what the CLI repeats on stderr for failures).
std::string RenderChecksText(const Report& report);

// A number for machines (CSV): integers below 2^53 as digits, anything else
// with 17 significant digits, which reads back as the same double.
std::string ExactNumber(double x);
// One CSV field, quoted per RFC 4180 when it holds a comma, quote or newline.
std::string CsvField(const std::string& s);

// 1234567 -> "1,234,567" (integers below 1e15), else "%.4g".
std::string Grouped(double x);
// 8.2e9 -> "8.20 G"
std::string Si(double x);
// "2.84e+18": 3 significant digits in scientific notation.
std::string Scientific(double x);

}  // namespace onnx_flops

#endif  // ONNX_FLOPS_ANALYZER_RENDER_H_
