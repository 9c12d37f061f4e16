// TensorInfo from the protos that declare a value: a ValueInfoProto (type
// and shape) or a TensorProto (an initializer or a Constant's tensor, whose
// small contents are decoded).
#ifndef ONNX_FLOPS_RULES_TENSOR_INFO_H_
#define ONNX_FLOPS_RULES_TENSOR_INFO_H_

#include <cstddef>

#include "onnx/onnx_pb.h"
#include "rules/rule.h"

namespace onnx_flops {

// Constants with more elements than this keep their shape but not their values.
constexpr size_t kMaxConstantElements = 1024;

TensorInfo InfoFromValueInfo(const onnx::ValueInfoProto& vi);
// Shape, type and (when small and present) the contents of a tensor.
TensorInfo InfoFromTensor(const onnx::TensorProto& t);
// int_values from values (truncated, saturating).
void FillIntValues(TensorInfo& t);

}  // namespace onnx_flops

#endif  // ONNX_FLOPS_RULES_TENSOR_INFO_H_
