// Batch mode: many models, one row each, in path order, on several threads.
#ifndef ONNX_FLOPS_AUDIT_RUN_BATCH_H_
#define ONNX_FLOPS_AUDIT_RUN_BATCH_H_

#include <ostream>
#include <string>
#include <vector>

#include "analyzer/analyze.h"
#include "analyzer/util/child_process.h"
#include "audit/batch_rows.h"
#include "audit/batch_summary.h"
#include "audit/checks.h"
#include "audit/model_files.h"

namespace onnx_flops {

struct BatchOptions {
  AnalyzeOptions analyze;
  CheckOptions checks;
  const BatchRowFormat* rows = &kJsonlRows;  // jsonl, csv, text or markdown
  int jobs = 1;
  Shard shard;                   // default 0/1: everything
  bool progress = false;         // redraw a progress line on `err`
  // Each model in a child process: the onnx-flops binary and the arguments
  // that make it a batch worker (audit/batch_worker.h). Empty: in this
  // process, on threads, where a crash in one model ends the run.
  std::vector<std::string> worker_argv;
  // Per model, in a worker: --timeout and --max-memory.
  ChildLimits limits;
};

// Rows go to `out` as they complete in order; warnings, the progress line and
// the summary go to `err`. Returns the summary (its counters decide the exit
// status).
BatchSummary RunBatch(const std::vector<std::string>& roots, const BatchOptions& options,
                      std::ostream& out, std::ostream& err);

}  // namespace onnx_flops

#endif  // ONNX_FLOPS_AUDIT_RUN_BATCH_H_
