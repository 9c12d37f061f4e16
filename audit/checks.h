// The checks a CI run asks for, applied to one report: the gates, then the
// baseline comparison. Single-model and batch mode share them.
#ifndef ONNX_FLOPS_AUDIT_CHECKS_H_
#define ONNX_FLOPS_AUDIT_CHECKS_H_

#include "audit/baseline.h"
#include "audit/gates.h"
#include "proto/report.pb.h"

namespace onnx_flops {

struct CheckOptions {
  GateOptions gates;
  const Baseline* baseline = nullptr;  // --baseline FILE, read once
  double max_increase = 0;             // --max-increase, a fraction
};

struct CheckOutcome {
  bool passed = true;
  bool compared = false;  // a baseline was given and held this model
};

CheckOutcome ApplyChecks(const CheckOptions& options, Report* report);

}  // namespace onnx_flops

#endif  // ONNX_FLOPS_AUDIT_CHECKS_H_
