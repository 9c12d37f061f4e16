#include "audit/batch_worker.h"

#include <exception>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "analyzer/util/child_process.h"
#include "audit/batch_rows.h"

namespace onnx_flops {

std::string BatchWorkerHello() {
  return absl::StrCat("onnx-flops ", ONNX_FLOPS_VERSION, " batch-worker 1");
}

BatchResponse AnalyzeForBatch(const std::string& path, const BatchOptions& options) {
  BatchResponse o;
  auto fail = [&](absl::string_view message) {
    // The row names the file already; errors from the library begin with it.
    absl::ConsumePrefix(&message, absl::StrCat(path, ": "));
    o.set_error(true);
    o.set_row(options.rows->error_row(path, std::string(message), "error"));
    return o;
  };
  try {
    absl::StatusOr<Report> report = AnalyzeFile(path, options.analyze);
    if (!report.ok()) return fail(report.status().message());
    const CheckOutcome checks = ApplyChecks(options.checks, &*report);
    absl::StatusOr<std::string> row = options.rows->row(*report);
    if (!row.ok()) return fail(row.status().message());
    o.set_row(*std::move(row));
    o.set_checks_failed(!checks.passed);
    o.set_compared(checks.compared);
    o.set_flops_per_example(report->forward().flops_per_example());
  } catch (const std::exception& e) {
    // The library reports errors as Status; this is a last line of defence.
    return fail(absl::StrCat(path, ": internal error: ", e.what()));
  }
  return o;
}

int BatchWorkerMain(const BatchOptions& options,
                    const std::function<void(const std::string& path)>& before_each) {
  // No InitializeAnalyzer(): one thread here, and what it sets up eagerly
  // (ONNX's schemas, 20 ms) most models never need.
  return ServeChildRequests(BatchWorkerHello(), [&](const std::string& bytes) {
    BatchRequest request;
    if (!request.ParseFromString(bytes)) {
      BatchResponse bad;
      bad.set_error(true);
      bad.set_row(options.rows->error_row("?", "the batch request could not be read", "error"));
      return bad.SerializeAsString();
    }
    if (before_each) before_each(request.path());
    return AnalyzeForBatch(request.path(), options).SerializeAsString();
  });
}

}  // namespace onnx_flops
