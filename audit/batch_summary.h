// What batch mode tells the person at the end (on stderr): how many models,
// how many failed, how long it took, and the five most expensive models.
// It keeps only counters and the top five, so memory does not grow with the
// number of models.
#ifndef ONNX_FLOPS_AUDIT_BATCH_SUMMARY_H_
#define ONNX_FLOPS_AUDIT_BATCH_SUMMARY_H_

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace onnx_flops {

struct BatchSummary {
  static constexpr size_t kTop = 5;

  size_t models = 0;
  size_t errors = 0;          // could not be analyzed
  size_t checks_failed = 0;   // a gate or the baseline failed
  size_t not_in_baseline = 0;     // new models: nothing to compare with
  std::vector<std::string> gone;  // in the baseline, not in this run (first few)
  size_t gone_count = 0;
  std::vector<std::pair<double, std::string>> top;  // forward FLOPs per example, path

  // Of the errors: models whose worker died or was stopped.
  size_t crashed = 0, timed_out = 0, out_of_memory = 0;

  // `status` as in BatchErrorRow: "error", "crashed", "timeout", "out of memory".
  void AddError(const std::string& status = "error") {
    ++models;
    ++errors;
    if (status == "crashed") ++crashed;
    if (status == "timeout") ++timed_out;
    if (status == "out of memory") ++out_of_memory;
  }
  void AddModel(const std::string& path, double flops_per_example, bool failed_checks);

  // Several lines, each ending in '\n'.
  std::string Render(double seconds, int jobs) const;
  // " (1 crashed, 2 timed out)", or "" when no worker was stopped.
  std::string StoppedText() const;
};

// "[=========>          ] 123/500  2 errors  45.1 models/s": one line for a
// terminal, redrawn in place with '\r'.
std::string ProgressLine(size_t done, size_t total, size_t errors, double seconds, size_t width);

}  // namespace onnx_flops

#endif  // ONNX_FLOPS_AUDIT_BATCH_SUMMARY_H_
