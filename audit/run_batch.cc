#include "audit/run_batch.h"

#include <algorithm>
#include <chrono>
#include <memory>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "audit/batch_rows.h"
#include "audit/batch_worker.h"
#include "audit/ordered_pool.h"

namespace onnx_flops {
namespace {

// What a worker hands the writer: the rendered row and what the summary needs.
struct Outcome {
  BatchResponse response;
  std::string status = "error";  // of an error row
};

// A model whose worker died or was stopped: the row says how.
Outcome Stopped(const ModelFile& file, const BatchOptions& options, const ChildResult& r) {
  Outcome o;
  std::string message;
  switch (r.failure) {
    case ChildFailure::kCrashed:
      o.status = "crashed";
      message = absl::StrCat("analysis crashed (", r.detail, ")");
      break;
    case ChildFailure::kTimedOut:
      o.status = "timeout";
      message = absl::StrCat("analysis did not finish in ", r.detail, " (--timeout)");
      break;
    case ChildFailure::kOutOfMemory:
      o.status = "out of memory";
      message = absl::StrCat("analysis needed more than ", r.detail, " of memory (--max-memory)");
      break;
    case ChildFailure::kUnavailable:
    case ChildFailure::kNone:
      message = absl::StrCat("no batch worker: ", r.detail);
      break;
  }
  o.response.set_error(true);
  o.response.set_row(options.rows->error_row(file.path, message, o.status));
  return o;
}

Outcome Analyze(const ModelFile& file, const BatchOptions& options, ChildPool* workers) {
  Outcome o;
  if (!file.missing.empty()) {
    // The row names the path already.
    absl::string_view message = file.missing;
    absl::ConsumePrefix(&message, absl::StrCat(file.path, ": "));
    o.response.set_error(true);
    o.response.set_row(options.rows->error_row(file.path, std::string(message), "error"));
    return o;
  }
  if (workers == nullptr) {
    o.response = AnalyzeForBatch(file.path, options);
    return o;
  }
  BatchRequest request;
  request.set_path(file.path);
  const ChildResult r = workers->Call(request.SerializeAsString());
  if (r.failure != ChildFailure::kNone) return Stopped(file, options, r);
  if (!o.response.ParseFromString(r.response)) {
    ChildResult garbled;
    garbled.failure = ChildFailure::kCrashed;
    garbled.detail = "its answer could not be read";
    return Stopped(file, options, garbled);
  }
  return o;
}

}  // namespace

BatchSummary RunBatch(const std::vector<std::string>& roots, const BatchOptions& options,
                      std::ostream& out, std::ostream& err) {
  const auto start = std::chrono::steady_clock::now();
  auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  FindResult found = FindModelFiles(roots);
  for (const std::string& w : found.warnings) err << "onnx-flops: warning: " << w << "\n";
  std::vector<ModelFile> files;
  files.reserve(found.files.size());
  for (ModelFile& f : found.files) {
    if (InShard(f, options.shard)) files.push_back(std::move(f));
  }
  found.files.clear();
  found.files.shrink_to_fit();

  BatchSummary summary;
  if (const Baseline* baseline = options.checks.baseline;
      baseline != nullptr && options.shard.count == 1) {
    // Models that left the zoo since the baseline: said, not failed. (A shard
    // sees only part of the zoo, so it cannot tell.)
    absl::flat_hash_set<std::string> present;
    for (const ModelFile& f : files) present.insert(f.path);
    std::vector<std::string> gone;
    for (const auto& [path, unused] : baseline->reports) {
      if (!present.contains(path)) gone.push_back(path);
    }
    for (const auto& [path, unused] : baseline->errors) {
      if (!present.contains(path)) gone.push_back(path);
    }
    std::sort(gone.begin(), gone.end());
    summary.gone_count = gone.size();
    if (gone.size() > 5) gone.resize(5);
    summary.gone = std::move(gone);
  }
  out << options.rows->header();
  size_t shown_width = 0;
  double last_draw = -1;
  auto draw = [&] {
    if (!options.progress) return;
    // A terminal redraw costs more than analyzing a small model: ten a second.
    const double now = elapsed();
    if (now - last_draw < 0.1 && summary.models < files.size()) return;
    last_draw = now;
    const std::string line =
        ProgressLine(summary.models, files.size(), summary.errors, now, 30);
    shown_width = std::max(shown_width, line.size());
    err << "\r" << line << std::flush;
  };
  const int jobs = options.jobs < 1 ? 1 : options.jobs;
  std::unique_ptr<ChildPool> workers;
  if (!options.worker_argv.empty()) {
    // One worker per job, started as the first models arrive, each replaced
    // when a model kills it.
    workers = std::make_unique<ChildPool>(options.worker_argv, BatchWorkerHello(),
                                          options.limits, /*child_stderr=*/true);
  } else {
    InitializeAnalyzer();  // before the threads: see analyze.h
  }
  RunOrdered<Outcome>(
      files.size(), jobs, static_cast<size_t>(4 * jobs + 16),
      [&](size_t i) { return Analyze(files[i], options, workers.get()); },
      [&](size_t i, Outcome o) {
        const BatchResponse& r = o.response;
        out << r.row();
        if (r.error()) {
          summary.AddError(o.status);
        } else {
          summary.AddModel(files[i].path, r.flops_per_example(), r.checks_failed());
          if (options.checks.baseline != nullptr && !r.compared()) ++summary.not_in_baseline;
        }
        draw();
      },
      draw);
  workers.reset();  // the workers exit and are reaped before the summary
  out.flush();
  if (options.progress && shown_width > 0) {
    err << "\r" << std::string(shown_width, ' ') << "\r";
  }
  err << summary.Render(elapsed(), jobs);
  return summary;
}

}  // namespace onnx_flops
