// Renders a Report in every output format: text (for people), JSON (for
// programs), CSV (for spreadsheets), Markdown, HTML and the compute statement.
// Every renderer reads the same message; none computes anything.
#ifndef ONNX_FLOPS_ANALYZER_REPORT_RENDER_H_
#define ONNX_FLOPS_ANALYZER_REPORT_RENDER_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "analyzer/util/number_format.h"  // the renderers' numbers, for their callers
#include "proto/report.pb.h"

namespace onnx_flops {

struct TextOptions {
  bool per_node = false;   // append the per-node table
  int max_op_types = 0;    // 0: all
};

std::string RenderText(const Report& report, const TextOptions& options);
// Why forward.flops_low .. flops is a range, in a few words.
std::string RangeReason(const Forward& f);
// Why model.active_parameters is less than model.parameters (a mixture of
// experts), in one clause.
std::string ActiveParametersWhy(const Forward& f);
// The `n` layers whose FLOPs changed most against the baseline: those that
// grew, largest growth first, then those that shrank, largest drop first.
std::vector<const MetricChange*> LargestLayerChanges(const BaselineComparison& b, int n);
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

}  // namespace onnx_flops

#endif  // ONNX_FLOPS_ANALYZER_REPORT_RENDER_H_
