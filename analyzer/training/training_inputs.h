// Where each input of the training estimate came from, for the report's
// training.inputs: the statement must say which figures the user gave and
// which were assumed. Sources, highest first: a flag, the training config
// file, the model's metadata_props; below them the graph (forward FLOPs,
// sequence length, unbound dims) and the defaults (epochs 1, backward ratio
// 2, utilization 0.3/0.4, fp16 precision).
#ifndef ONNX_FLOPS_ANALYZER_TRAINING_TRAINING_INPUTS_H_
#define ONNX_FLOPS_ANALYZER_TRAINING_TRAINING_INPUTS_H_

#include <string>

#include "proto/report.pb.h"
#include "proto/training_config.pb.h"

namespace onnx_flops {

// The three sources of one phase and the phase they merged into.
struct PhaseSources {
  const Phase* flags = nullptr;
  const Phase* file = nullptr;       // the config's phase (empty Phase when no config)
  const Phase* metadata = nullptr;
  const Phase* merged = nullptr;
  std::string config_path;           // --training-config, "" when none
  std::string phase;                 // the phase's name when there are several, else ""
};

// Appends one input per field the merged phase sets, and the defaults
// method 1 applied (epochs, backward ratio). `method1` says whether the
// phase has data (examples, tokens or steps).
void AddPhaseInputs(const PhaseSources& sources, bool method1, Training* t);

// The graph's share: forward FLOPs per example with its batch, the sequence
// length when tokens were converted, and every symbolic dim the analysis
// bound or assumed.
void AddGraphInputs(const Report& report, Training* t);

// Method 2's defaults (precision, utilization) and the peak's
// datasheet, read from t->method2() / t->projection() once they are filled.
void AddHardwareInputs(const Phase& merged, Training* t);

// Formats a figure as the statement prints it: integers below 1e15 with
// thousands separators, anything else with 4 significant digits.
std::string InputValue(double x);

}  // namespace onnx_flops

#endif  // ONNX_FLOPS_ANALYZER_TRAINING_TRAINING_INPUTS_H_
