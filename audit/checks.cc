#include "audit/checks.h"

namespace onnx_flops {

CheckOutcome ApplyChecks(const CheckOptions& options, Report* report) {
  CheckOutcome outcome;
  if (options.gates.Any()) outcome.passed = ApplyGates(options.gates, report);
  if (options.baseline != nullptr) {
    if (const Report* before = BaselineFor(*options.baseline, report->model().path())) {
      outcome.compared = true;
      const bool within =
          CompareWithBaseline(*before, options.baseline->file, options.max_increase, report);
      outcome.passed = outcome.passed && within;
    }
  }
  return outcome;
}

}  // namespace onnx_flops
