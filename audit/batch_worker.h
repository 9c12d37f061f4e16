// Batch mode's worker processes: each model is analyzed in a child, so a
// model that crashes, hangs or exhausts memory costs its own row, not the run.
#ifndef ONNX_FLOPS_AUDIT_BATCH_WORKER_H_
#define ONNX_FLOPS_AUDIT_BATCH_WORKER_H_

#include <functional>
#include <string>

#include "audit/run_batch.h"
#include "proto/child_messages.pb.h"

namespace onnx_flops {

// The hidden first argument that makes onnx-flops a batch worker; the rest
// of its arguments are the batch's own, so it analyzes as the batch would.
constexpr char kBatchWorkerFlag[] = "--internal-batch-worker";

// What the worker greets its parent with: the same build on both ends.
std::string BatchWorkerHello();

// Analyzes one file in this process: the row and what the summary needs.
BatchResponse AnalyzeForBatch(const std::string& path, const BatchOptions& options);

// The worker's main loop: answers BatchRequests on the child socket until
// the parent closes it. `before_each` (test builds only: fault injection)
// runs before each model.
int BatchWorkerMain(const BatchOptions& options,
                    const std::function<void(const std::string& path)>& before_each = nullptr);

}  // namespace onnx_flops

#endif  // ONNX_FLOPS_AUDIT_BATCH_WORKER_H_
