#include "analyzer/training/method2.h"

#include <cmath>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "analyzer/util/number_format.h"

namespace onnx_flops {
namespace {

// OK when `x` is finite and > 0, else InvalidArgument "<what> must be a
// positive number (got x)".
absl::Status CheckPositive(double x, absl::string_view what) {
  if (std::isfinite(x) && x > 0) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat(what, " must be a positive number (got ", absl::StrFormat("%g", x), ")"));
}

absl::Status CheckUtilization(double u) {
  if (std::isfinite(u) && u > 0 && u <= 1) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(
      "utilization must be in (0, 1], a fraction of peak (got ", absl::StrFormat("%g", u), ")"));
}

absl::StatusOr<double> Finite(double x, absl::string_view what) {
  if (std::isfinite(x)) return x;
  return absl::InvalidArgumentError(absl::StrCat(what, " overflows a double (> 1.8e308)"));
}

std::string Sci(double x) { return absl::StrFormat("%.3g", x); }

}  // namespace

absl::StatusOr<double> Method2Flops(double peak_flops_per_chip, double chips, double seconds,
                                    double utilization) {
  if (auto s = CheckPositive(peak_flops_per_chip, "peak FLOP/s"); !s.ok()) return s;
  if (auto s = CheckPositive(chips, "the number of chips"); !s.ok()) return s;
  if (auto s = CheckPositive(seconds, "the training time"); !s.ok()) return s;
  if (auto s = CheckUtilization(utilization); !s.ok()) return s;
  return Finite(chips * seconds * peak_flops_per_chip * utilization, "method 2 training compute");
}

std::string Method2Formula(double peak_flops_per_chip, double chips, double seconds,
                           double utilization, double flops) {
  return absl::StrCat(Grouped(chips), " chips x ", Grouped(seconds), " s x ",
                      Sci(peak_flops_per_chip), " FLOP/s x ", absl::StrFormat("%g", utilization),
                      " utilization = ", Sci(flops), " FLOP");
}

DefaultUtilizationChoice DefaultUtilization(bool language_model) {
  if (language_model) {
    return {0.3,
            "0.3, the default for large language models (Sevilla et al. 2022 recommend 30% for "
            "LLMs and 40% for other models when the utilization is not reported)"};
  }
  return {0.4,
          "0.4, the default for models other than large language models (Sevilla et al. 2022 "
          "recommend 40%, and 30% for LLMs, when the utilization is not reported)"};
}

absl::StatusOr<double> ImpliedUtilization(double method1_flops, double chips, double seconds,
                                          double peak_flops_per_chip) {
  if (auto s = CheckPositive(method1_flops, "method 1 training compute"); !s.ok()) return s;
  if (auto s = CheckPositive(chips, "the number of chips"); !s.ok()) return s;
  if (auto s = CheckPositive(seconds, "the training time"); !s.ok()) return s;
  if (auto s = CheckPositive(peak_flops_per_chip, "peak FLOP/s"); !s.ok()) return s;
  const double capacity = chips * seconds * peak_flops_per_chip;
  if (!std::isfinite(capacity)) {
    return absl::InvalidArgumentError("chips x time x peak overflows a double (> 1.8e308)");
  }
  return method1_flops / capacity;
}

std::string ImpliedUtilizationWarning(double utilization) {
  if (utilization > 1) {
    return absl::StrFormat(
        "method 1's count implies %.2f utilization of the hardware's peak, above 1: the time, "
        "the chip count, the peak (precision) or the training data figures are off",
        utilization);
  }
  if (utilization < kLowUtilization) {
    return absl::StrFormat(
        "method 1's count implies %.3g utilization of the hardware's peak, below %g: unusually "
        "low (large runs reach %g-%g); check the time, chips, precision and training data",
        utilization, kLowUtilization, kTypicalUtilizationLow, kTypicalUtilizationHigh);
  }
  return "";
}

absl::StatusOr<double> TimeToTrain(double method1_flops, double chips,
                                   double peak_flops_per_chip, double utilization) {
  if (auto s = CheckPositive(method1_flops, "method 1 training compute"); !s.ok()) return s;
  if (auto s = CheckPositive(chips, "the number of chips"); !s.ok()) return s;
  if (auto s = CheckPositive(peak_flops_per_chip, "peak FLOP/s"); !s.ok()) return s;
  if (auto s = CheckUtilization(utilization); !s.ok()) return s;
  const double rate = chips * peak_flops_per_chip * utilization;
  if (!std::isfinite(rate)) {
    return absl::InvalidArgumentError("chips x peak overflows a double (> 1.8e308)");
  }
  return Finite(method1_flops / rate, "time to train");
}

absl::StatusOr<EnergyEstimate> TrainingEnergy(double tdp_w, double chips, double seconds) {
  if (auto s = CheckPositive(tdp_w, "TDP (W)"); !s.ok()) return s;
  if (auto s = CheckPositive(chips, "the number of chips"); !s.ok()) return s;
  if (auto s = CheckPositive(seconds, "the training time"); !s.ok()) return s;
  auto joules = Finite(tdp_w * chips * seconds, "energy");
  if (!joules.ok()) return joules.status();
  return EnergyEstimate{*joules, *joules / 3.6e6};
}

absl::StatusOr<double> TrainingCost(double price_per_chip_hour, double chips,
                                    double seconds) {
  if (auto s = CheckPositive(price_per_chip_hour, "price per chip-hour"); !s.ok()) return s;
  if (auto s = CheckPositive(chips, "the number of chips"); !s.ok()) return s;
  if (auto s = CheckPositive(seconds, "the training time"); !s.ok()) return s;
  return Finite(price_per_chip_hour * chips * (seconds / 3600), "cost");
}

const std::vector<ComputeThreshold>& ComputeThresholds() {
  static const std::vector<ComputeThreshold>* const kThresholds = new std::vector<ComputeThreshold>{
      {"EU AI Act", 1e25,
       "general-purpose AI model presumed to have systemic risk (high-impact capabilities)",
       "Regulation (EU) 2024/1689 (AI Act), Article 51(2): cumulative training compute "
       "greater than 10^25 floating point operations"},
      {"US EO 14110", 1e26,
       "dual-use foundation model reporting to the US government (the order was revoked in "
       "January 2025)",
       "Executive Order 14110 of October 30, 2023, Sec. 4.2(b)(i): trained using greater than "
       "10^26 integer or floating-point operations"},
  };
  return *kThresholds;
}

std::vector<ThresholdComparison> CompareWithThresholds(double training_flops) {
  std::vector<ThresholdComparison> out;
  for (const ComputeThreshold& t : ComputeThresholds()) {
    ThresholdComparison c;
    c.name = t.name;
    c.threshold = t.flop;
    c.above = training_flops > t.flop;
    c.ratio = training_flops / t.flop;
    c.what = t.what;
    c.source = t.source;
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace onnx_flops
