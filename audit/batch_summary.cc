#include "audit/batch_summary.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "analyzer/util/number_format.h"

namespace onnx_flops {

void BatchSummary::AddModel(const std::string& path, double flops_per_example, bool failed_checks) {
  ++models;
  if (failed_checks) ++checks_failed;
  // Largest first; among equals the earlier path stays ahead (rows arrive in
  // path order), so the list is the same on every run.
  auto pos = std::find_if(top.begin(), top.end(),
                          [&](const auto& e) { return e.first < flops_per_example; });
  if (pos == top.end() && top.size() >= kTop) return;
  top.insert(pos, {flops_per_example, path});
  if (top.size() > kTop) top.pop_back();
}

std::string BatchSummary::StoppedText() const {
  std::vector<std::string> parts;
  if (crashed > 0) parts.push_back(absl::StrCat(crashed, " crashed"));
  if (timed_out > 0) parts.push_back(absl::StrCat(timed_out, " timed out"));
  if (out_of_memory > 0) parts.push_back(absl::StrCat(out_of_memory, " out of memory"));
  return parts.empty() ? "" : absl::StrCat(" (", absl::StrJoin(parts, ", "), ")");
}

std::string BatchSummary::Render(double seconds, int jobs) const {
  std::string out = absl::StrCat(
      "onnx-flops: ", models, " models, ", errors, " failed to load", StoppedText(), ", ",
      checks_failed,
      " failed a gate or the baseline",
      not_in_baseline > 0 ? absl::StrCat(", ", not_in_baseline, " not in the baseline") : "",
      absl::StrFormat("; %.2f s with %d job%s (%.1f models/s)\n", seconds, jobs,
                      jobs == 1 ? "" : "s",
                      seconds > 0 ? static_cast<double>(models) / seconds : 0.0));
  if (gone_count > 0) {
    absl::StrAppend(&out, "onnx-flops: ", gone_count,
                    " models of the baseline are not in this run:");
    for (const std::string& path : gone) absl::StrAppend(&out, " ", path);
    absl::StrAppend(&out, gone_count > gone.size() ? " ...\n" : "\n");
  }
  if (!top.empty()) {
    absl::StrAppend(&out, "onnx-flops: most expensive (forward FLOPs per example):\n");
    for (const auto& [flops, path] : top) {
      absl::StrAppend(&out, absl::StrFormat("  %12s  %s\n", Si(flops), path));
    }
  }
  return out;
}

std::string ProgressLine(size_t done, size_t total, size_t errors, double seconds, size_t width) {
  const size_t filled = total == 0 ? width : done * width / total;
  std::string bar(filled, '=');
  if (filled < width) {
    bar.push_back('>');
    bar.append(width - filled - 1, ' ');
  }
  return absl::StrFormat("[%s] %d/%d  %d errors  %.1f models/s", bar, done, total, errors,
                         seconds > 0 ? static_cast<double>(done) / seconds : 0.0);
}

}  // namespace onnx_flops
