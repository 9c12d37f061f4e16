#include "audit/run_batch.h"

#include <algorithm>
#include <chrono>
#include <exception>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "audit/batch_rows.h"
#include "audit/ordered_pool.h"

namespace onnx_flops {
namespace {

// What a worker hands the writer: the rendered row and what the summary needs.
struct Outcome {
  std::string row;
  bool error = false;
  bool checks_failed = false;
  bool compared = false;
  double flops_per_example = 0;
};

Outcome Analyze(const ModelFile& file, const BatchOptions& options) {
  Outcome o;
  auto fail = [&](absl::string_view message) {
    // The row names the file already; errors from the library begin with it.
    absl::ConsumePrefix(&message, absl::StrCat(file.path, ": "));
    o.error = true;
    o.row = BatchErrorRow(options.format, file.path, std::string(message));
    return o;
  };
  if (!file.missing.empty()) return fail(file.missing);
  try {
    absl::StatusOr<Report> report = AnalyzeFile(file.path, options.analyze);
    if (!report.ok()) return fail(report.status().message());
    const CheckOutcome checks = ApplyChecks(options.checks, &*report);
    absl::StatusOr<std::string> row = BatchRow(options.format, *report);
    if (!row.ok()) return fail(row.status().message());
    o.row = *std::move(row);
    o.checks_failed = !checks.passed;
    o.compared = checks.compared;
    o.flops_per_example = report->forward().flops_per_example();
  } catch (const std::exception& e) {
    // The library reports errors as Status; this is a last line of defence so
    // that one bad file cannot end a run over a thousand.
    return fail(absl::StrCat(file.path, ": internal error: ", e.what()));
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
  out << BatchHeader(options.format);
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
  InitializeAnalyzer();  // before the threads: see analyze.h
  RunOrdered<Outcome>(
      files.size(), jobs, static_cast<size_t>(4 * jobs + 16),
      [&](size_t i) { return Analyze(files[i], options); },
      [&](size_t i, Outcome o) {
        out << o.row;
        if (o.error) {
          summary.AddError();
        } else {
          summary.AddModel(files[i].path, o.flops_per_example, o.checks_failed);
          if (options.checks.baseline != nullptr && !o.compared) ++summary.not_in_baseline;
        }
        draw();
      },
      draw);
  out.flush();
  if (options.progress && shown_width > 0) {
    err << "\r" << std::string(shown_width, ' ') << "\r";
  }
  err << summary.Render(elapsed(), jobs);
  return summary;
}

}  // namespace onnx_flops
