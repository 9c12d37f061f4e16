// CI gates: limits on a report's figures. A gate that fails makes the CLI
// exit 1; the report is still printed, and the results are part of it
// (Report.gates) so that a kept JSON artifact says why a build failed.
#ifndef ONNX_FLOPS_AUDIT_GATES_H_
#define ONNX_FLOPS_AUDIT_GATES_H_

#include <optional>

#include "proto/report.pb.h"

namespace onnx_flops {

struct GateOptions {
  std::optional<double> max_flops;           // --max-flops: forward FLOPs per example
  std::optional<double> max_training_flops;  // --max-training-flops: training.flops
  std::optional<double> max_params;          // --max-params: model.parameters
  bool fail_on_uncounted = false;            // --fail-on-uncounted: any uncounted node
  // --max-peak-memory: weights + peak live activations of the forward pass, bytes.
  std::optional<double> max_peak_memory;
  // --max-latency: the roofline time of the forward pass on --hardware, seconds.
  std::optional<double> max_latency;

  bool Any() const {
    return max_flops || max_training_flops || max_params || fail_on_uncounted ||
           max_peak_memory || max_latency;
  }
};

// Appends one GateResult per gate given to report->gates, in the order above.
// Returns true when every gate passed.
bool ApplyGates(const GateOptions& gates, Report* report);

}  // namespace onnx_flops

#endif  // ONNX_FLOPS_AUDIT_GATES_H_
