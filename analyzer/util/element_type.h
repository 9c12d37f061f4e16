// Facts about ONNX tensor element types, in one place: the loader's payload
// checks and the report's parameter bytes must agree on them.
#ifndef ONNX_FLOPS_ANALYZER_UTIL_ELEMENT_TYPE_H_
#define ONNX_FLOPS_ANALYZER_UTIL_ELEMENT_TYPE_H_

#include <cstddef>
#include <cstdint>

namespace onnx_flops {

// Bytes one element of onnx::TensorProto::DataType `type` takes in raw_data:
// 16 for COMPLEX128, 8 for DOUBLE, INT64, UINT64 and COMPLEX64 (two floats),
// 4, 2, and 1 for the byte-sized types and for those without a fixed size
// (STRING, UNDEFINED, unknown codes), which any payload length fits.
size_t ElementBytes(int32_t type);

// FLOAT, DOUBLE, FLOAT16 or BFLOAT16: the types trained weights and their
// activations have.
bool IsFloatingType(int32_t type);

}  // namespace onnx_flops

#endif  // ONNX_FLOPS_ANALYZER_UTIL_ELEMENT_TYPE_H_
