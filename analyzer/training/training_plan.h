// The training section of the report: method 1 over every phase (flags >
// --training-config > the model's metadata_props), with the ratio or the
// per-op backward model; method 2 from the hardware; the two side by side;
// the compute thresholds.
#ifndef ONNX_FLOPS_ANALYZER_TRAINING_TRAINING_PLAN_H_
#define ONNX_FLOPS_ANALYZER_TRAINING_TRAINING_PLAN_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "analyzer/training/training_options.h"
#include "analyzer/shapes/value_table.h"
#include "analyzer/count/walker.h"
#include "onnx/onnx_pb.h"
#include "proto/report.pb.h"

namespace onnx_flops {

struct TrainingContext {
  const onnx::ModelProto* model = nullptr;   // after binding and inference
  const ValueTable* values = nullptr;
  const std::vector<NodeResult>* nodes = nullptr;
  double tokens_per_example = 0;   // 0 when the model has no time axis
  // A phase that names another model file: its report, analyzed with
  // `options` (whose training.phase is that phase). The facade passes this
  // in, so that training never calls back into it.
  std::function<absl::StatusOr<Report>(const std::string& path, const TrainingOptions& options)>
      analyze_other;
};

// Fills report->training (when any phase has data or hardware is given).
// `report` must hold the forward figures. Errors are the user's (a bad
// config, no sequence length for tokens, unknown hardware) and name the input.
absl::Status FillTraining(const TrainingOptions& training, const HardwareOptions& hardware,
                          const TrainingContext& context, Report* report,
                          std::vector<std::string>* warnings);

}  // namespace onnx_flops

#endif  // ONNX_FLOPS_ANALYZER_TRAINING_TRAINING_PLAN_H_
