// Method 2 of Sevilla et al. 2022 ("Estimating Training Compute of Deep
// Learning Models"): training compute from hardware time,
//   training FLOP = chips x seconds x peak FLOP/s per chip x utilization,
// its inverses (the utilization method 1 implies, the time method 1 needs),
// energy and cost of a run, and the units and policy thresholds a report
// prints. Pure functions: no table lookups, no I/O. Every input is checked
// (finite, positive) and a bad one is an InvalidArgument naming it.
#ifndef ONNX_FLOPS_ANALYZER_TRAINING_METHOD2_H_
#define ONNX_FLOPS_ANALYZER_TRAINING_METHOD2_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace onnx_flops {

// chips x seconds x peak_flops_per_chip x utilization. Utilization must be in
// (0, 1]; chips may be fractional (chip-hours given as 1 chip x hours).
absl::StatusOr<double> Method2Flops(double peak_flops_per_chip, double chips, double seconds,
                                    double utilization);

// "2500 chips x 86,400 s x 1.25e+14 FLOP/s x 0.3 = 8.1e+21 FLOP": the
// formula with its numbers, for the report.
std::string Method2Formula(double peak_flops_per_chip, double chips, double seconds,
                           double utilization, double flops);

// The utilization to assume when the user gives none.
struct DefaultUtilizationChoice {
  double value = 0;
  std::string reason;  // one line: the value, the model class and the source
};
// 0.3 for large language models, 0.4 otherwise: Sevilla et al. 2022's
// recommendation when a paper reports no utilization.
DefaultUtilizationChoice DefaultUtilization(bool language_model);

// The utilization method 1's count implies over the given hardware time:
// method1_flops / (chips x seconds x peak). Not clamped: above 1 or very low
// means one of the inputs is off (see ImpliedUtilizationWarning).
absl::StatusOr<double> ImpliedUtilization(double method1_flops, double chips, double seconds,
                                          double peak_flops_per_chip);
// A warning when the implied utilization is above 1 (impossible: the FLOP
// count, the time or the peak is wrong) or below 0.05 (unusually low); empty
// otherwise.
std::string ImpliedUtilizationWarning(double utilization);
inline constexpr double kLowUtilization = 0.05;
// The utilizations large training runs typically reach, which the warning
// above quotes and method 2's range spans when the utilization was assumed.
inline constexpr double kTypicalUtilizationLow = 0.3;
inline constexpr double kTypicalUtilizationHigh = 0.5;
// Epoch AI's observed backward:forward FLOP ratios (typical 2), the span of
// method 1's range.
inline constexpr double kBackwardRatioLow = 1;
inline constexpr double kBackwardRatioHigh = 3;

// Seconds method 1's FLOP take on `chips` at `utilization` of peak:
// method1_flops / (chips x peak x utilization).
absl::StatusOr<double> TimeToTrain(double method1_flops, double chips,
                                   double peak_flops_per_chip, double utilization);

struct EnergyEstimate {
  double joules = 0;
  double kwh = 0;  // joules / 3.6e6
};
// TDP x chips x seconds: an upper bound on the accelerators' own draw (no
// host, network or cooling overhead).
absl::StatusOr<EnergyEstimate> TrainingEnergy(double tdp_w, double chips, double seconds);

// price_per_chip_hour x chips x seconds / 3600, in the price's currency.
absl::StatusOr<double> TrainingCost(double price_per_chip_hour, double chips,
                                    double seconds);

// ---- Units ----

// 1 PF/s-day = 1e15 FLOP/s x 86,400 s = 8.64e19 FLOP (the unit of OpenAI's
// "AI and Compute" and of the GPT-3 paper).
inline constexpr double kFlopPerPetaflopDay = 8.64e19;
inline double ToPetaflopDays(double flops) { return flops / kFlopPerPetaflopDay; }

// ---- Policy thresholds ----

struct ComputeThreshold {
  std::string name;    // short: "EU AI Act"
  double flop = 0;     // the threshold; a model is covered when training FLOP > flop
  std::string what;    // what crossing it means
  std::string source;  // the legal text
};
// 1e25 (EU AI Act, general-purpose AI models with systemic risk) and 1e26
// (US Executive Order 14110 of 2023, reporting), ascending.
const std::vector<ComputeThreshold>& ComputeThresholds();

struct ThresholdComparison {
  std::string name;
  double threshold = 0;
  bool above = false;  // training FLOP > threshold (both texts say "greater than")
  double ratio = 0;    // training FLOP / threshold
  std::string what;
  std::string source;
};
// Each threshold of ComputeThresholds() against `training_flops`.
std::vector<ThresholdComparison> CompareWithThresholds(double training_flops);

}  // namespace onnx_flops

#endif  // ONNX_FLOPS_ANALYZER_TRAINING_METHOD2_H_
