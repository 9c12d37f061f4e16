// What the user said about training and hardware (flags, or the fields of
// one phase), as the training layer takes it: below the facade, so that
// training never includes analyze.h.
#ifndef ONNX_FLOPS_ANALYZER_TRAINING_TRAINING_OPTIONS_H_
#define ONNX_FLOPS_ANALYZER_TRAINING_TRAINING_OPTIONS_H_

#include <optional>
#include <string>
#include <vector>

#include "proto/training_config.pb.h"

namespace onnx_flops {

struct TrainingOptions {
  std::optional<double> examples;   // --examples
  std::optional<double> tokens;     // --tokens: examples = tokens / sequence length
  std::optional<double> epochs;     // --epochs (1 when examples are given alone)
  double backward_ratio = 2.0;      // --backward-ratio
  bool backward_ratio_given = false;  // the user set it (it then wins over a config file)
  std::optional<double> batch_size; // --batch-size with --steps: examples = batch_size x steps
  std::optional<double> steps;      // --steps
  std::string config_path;          // --training-config FILE (JSON, see docs/training.md)
  std::string backward_model;       // --backward ratio|per-op ("" = not given: ratio)
  std::vector<std::string> frozen;  // --frozen PATTERN (per-op: no weight gradient)
  std::string optimizer;            // --optimizer (per-op: weight updates), see Optimizers()
  // Set instead of the fields above for a phase that names another model:
  // that model is analyzed with this phase's data and backward fields alone.
  std::optional<Phase> phase;
};

// Method 2 of Sevilla et al. 2022: GPU time x chips x peak x utilization.
struct HardwareOptions {
  std::string hardware;             // --hardware NAME (see --list-hardware)
  std::optional<double> chips;      // --chips
  std::optional<double> seconds;    // from --hours, --days or --chip-hours / chips
  bool seconds_in_days = false;     // given as --days (so the report names that flag)
  std::optional<double> chip_hours; // --chip-hours
  std::string precision;            // --precision fp32|tf32|fp16|bf16|fp8|int8
  std::optional<double> utilization;        // --utilization
  std::optional<double> peak_flops;         // --peak-flops: per chip, for unlisted hardware
  std::optional<double> price_per_chip_hour;  // --price-per-chip-hour
};

}  // namespace onnx_flops

#endif  // ONNX_FLOPS_ANALYZER_TRAINING_TRAINING_OPTIONS_H_
