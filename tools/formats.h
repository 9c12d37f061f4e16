// The output formats, in one table: the flag's validation, the single-model
// renderer, whether batch mode writes rows in it, and what it asks of the
// analysis all come from here, for the CLI and the Python module alike.
// Adding a format is its renderer, its test and one entry here (and, if batch
// mode should write it, a BatchRowFormat in audit/batch_rows.cc named here).
#ifndef ONNX_FLOPS_TOOLS_FORMATS_H_
#define ONNX_FLOPS_TOOLS_FORMATS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "analyzer/report/render.h"
#include "audit/batch_rows.h"
#include "proto/report.pb.h"

namespace onnx_flops {

struct OutputOptions {
  bool per_node = false;  // --per-node
  StatementStyle statement_style = StatementStyle::kMarkdown;
  bool pretty_json = true;
};

struct Format {
  const char* name;
  // One model's report in this format; null when the format is rows only
  // (jsonl, which makes a run a batch run).
  absl::StatusOr<std::string> (*render)(const Report&, const OutputOptions&);
  const BatchRowFormat* batch_rows;  // batch mode's rows in it; null: none
  bool needs_per_node;   // the renderer shows every node (html)
  bool needs_sha256;     // the renderer quotes the file's hash (statement)
};

// In the order --help lists them; text is the default.
const std::vector<Format>& Formats();
// Null for an unknown name.
const Format* FindFormat(absl::string_view name);
// "text, json, jsonl, csv, markdown, html or statement": for messages.
std::string FormatNames();

}  // namespace onnx_flops

#endif  // ONNX_FLOPS_TOOLS_FORMATS_H_
