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

// Before the first row (empty for jsonl).
std::string BatchHeader(const std::string& format);
// One row; jsonl is the full single-model JSON report on one line.
absl::StatusOr<std::string> BatchRow(const std::string& format, const Report& report);
// A file that could not be analyzed: {"model":{"path":...},"error":...,"status":...}
// in jsonl. `status` is "error", or what stopped its worker: "crashed",
// "timeout", "out of memory".
std::string BatchErrorRow(const std::string& format, const std::string& path,
                          const std::string& error, const std::string& status = "error");

}  // namespace onnx_flops

#endif  // ONNX_FLOPS_AUDIT_BATCH_ROWS_H_
