// Which inputs and outputs of a node carry gradients: the op's registry entry
// (BackwardSpec) where it says, else the ONNX schema's differentiation
// category. The per-op backward model and the training memory read both.
#ifndef ONNX_FLOPS_ANALYZER_TRAINING_DIFFERENTIABLE_H_
#define ONNX_FLOPS_ANALYZER_TRAINING_DIFFERENTIABLE_H_

#include "onnx/onnx_pb.h"
#include "rules/rule.h"

namespace onnx_flops {

// What the op's registry entry says about its backward pass (the default
// spec for an op without one).
const BackwardSpec& SpecOf(const onnx::NodeProto& n);
// Input i / output j carries a gradient (every slot of an op without a schema).
bool InputDifferentiable(const onnx::NodeProto& n, int i);
bool OutputDifferentiable(const onnx::NodeProto& n, int j);

}  // namespace onnx_flops

#endif  // ONNX_FLOPS_ANALYZER_TRAINING_DIFFERENTIABLE_H_
