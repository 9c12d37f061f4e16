// Batch mode's output: one row per model, in jsonl, csv, text or markdown.
// Each is rendered from the model's Report (or its error) on the worker that
// analyzed it, so the writer only copies bytes.
#ifndef ONNX_FLOPS_AUDIT_BATCH_ROWS_H_
#define ONNX_FLOPS_AUDIT_BATCH_ROWS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "proto/report.pb.h"

namespace onnx_flops {

// Names of the gates (and "baseline") that failed in a report.
std::vector<std::string> FailedChecks(const Report& report);

// One output format of batch mode: its header (before the first row), one
// row per report, and the row of a file that could not be analyzed, whose
// `status` is "error", or what stopped its worker: "crashed", "timeout",
// "out of memory" (in jsonl {"model":{"path":...},"error":...,"status":...}).
// The CLI's format table (tools/formats.h) points at these.
struct BatchRowFormat {
  const char* name;
  std::string (*header)();
  absl::StatusOr<std::string> (*row)(const Report& report);
  std::string (*error_row)(const std::string& path, const std::string& error,
                           const std::string& status);
};

// jsonl: each line the full single-model JSON report on one line.
extern const BatchRowFormat kJsonlRows;
extern const BatchRowFormat kCsvRows;
extern const BatchRowFormat kMarkdownRows;
// text: a table for people.
extern const BatchRowFormat kTextRows;

}  // namespace onnx_flops

#endif  // ONNX_FLOPS_AUDIT_BATCH_ROWS_H_
