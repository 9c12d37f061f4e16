#include "analyzer/util/element_type.h"

#include "gtest/gtest.h"
#include "onnx/onnx_pb.h"

namespace onnx_flops {
namespace {

TEST(ElementBytes, EveryFixedSizeTypeAndTheRest) {
  // The sizes ONNX's TensorProto documents for raw_data (little-endian,
  // complex as two floats or two doubles).
  EXPECT_EQ(ElementBytes(onnx::TensorProto::COMPLEX128), 16u);
  EXPECT_EQ(ElementBytes(onnx::TensorProto::COMPLEX64), 8u);
  EXPECT_EQ(ElementBytes(onnx::TensorProto::DOUBLE), 8u);
  EXPECT_EQ(ElementBytes(onnx::TensorProto::INT64), 8u);
  EXPECT_EQ(ElementBytes(onnx::TensorProto::UINT64), 8u);
  EXPECT_EQ(ElementBytes(onnx::TensorProto::FLOAT), 4u);
  EXPECT_EQ(ElementBytes(onnx::TensorProto::INT32), 4u);
  EXPECT_EQ(ElementBytes(onnx::TensorProto::UINT32), 4u);
  EXPECT_EQ(ElementBytes(onnx::TensorProto::FLOAT16), 2u);
  EXPECT_EQ(ElementBytes(onnx::TensorProto::BFLOAT16), 2u);
  EXPECT_EQ(ElementBytes(onnx::TensorProto::INT16), 2u);
  EXPECT_EQ(ElementBytes(onnx::TensorProto::UINT16), 2u);
  EXPECT_EQ(ElementBytes(onnx::TensorProto::INT8), 1u);
  EXPECT_EQ(ElementBytes(onnx::TensorProto::UINT8), 1u);
  EXPECT_EQ(ElementBytes(onnx::TensorProto::BOOL), 1u);
  // No fixed size: any payload length is a whole number of them.
  EXPECT_EQ(ElementBytes(onnx::TensorProto::STRING), 1u);
  EXPECT_EQ(ElementBytes(onnx::TensorProto::UNDEFINED), 1u);
  EXPECT_EQ(ElementBytes(999), 1u);
}

}  // namespace
}  // namespace onnx_flops
