// Baselines: this run's report against one kept from an earlier run (a CI
// artifact), with a tolerance on how much the totals may grow.
#ifndef ONNX_FLOPS_AUDIT_BASELINE_H_
#define ONNX_FLOPS_AUDIT_BASELINE_H_

#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "proto/report.pb.h"

namespace onnx_flops {

// The reports of a baseline file: one JSON report (what `--format json`
// prints), or JSON Lines (what batch mode's `--format jsonl` prints), keyed
// by model path. Error rows are kept as paths with no report. Per-node
// tables are dropped on reading: a zoo's baseline stays small.
struct Baseline {
  std::string file;
  absl::flat_hash_map<std::string, Report> reports;   // by model.path
  absl::flat_hash_map<std::string, std::string> errors;  // error rows: path -> error
  bool json_lines = false;
  // A single JSON report stands for whatever model is analyzed (one model
  // exported to a new place each time). Batch mode turns this off: there, a
  // model is compared only with the report of the same path.
  bool single_report_fallback = false;
};

absl::StatusOr<Baseline> ReadBaseline(const std::string& file);

// The baseline report for `path`: the one with the same path, else the single
// report when single_report_fallback is on. nullptr when there is none.
const Report* BaselineFor(const Baseline& baseline, const std::string& path);

// Fills report->baseline: each gated metric (forward FLOPs, matmul FLOPs,
// parameters, training FLOPs when both have them) and each op type's FLOPs,
// before and after. A gated metric fails when it grows by more than
// `max_increase` (a fraction: 0.05 is 5%), or appears from zero. Op types are
// reported, not gated: a refactoring that turns Gemm into MatMul moves FLOPs
// between types without costing anything. Returns baseline.passed.
bool CompareWithBaseline(const Report& before, const std::string& baseline_file,
                         double max_increase, Report* report);

}  // namespace onnx_flops

#endif  // ONNX_FLOPS_AUDIT_BASELINE_H_
