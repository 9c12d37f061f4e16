#include "analyzer/shapes/value_table.h"

#include "gtest/gtest.h"

namespace onnx_flops {
namespace {

onnx::TensorProto Tensor(int32_t type, std::vector<int64_t> dims) {
  onnx::TensorProto t;
  t.set_name("t");
  t.set_data_type(type);
  for (int64_t d : dims) t.add_dims(d);
  return t;
}

TEST(ValueTable, DecodesSmallConstantsOfEveryIntegerKind) {
  onnx::TensorProto b = Tensor(onnx::TensorProto::BOOL, {});
  b.set_raw_data(std::string("\x01", 1));  // an If condition
  TensorInfo bi = InfoFromTensor(b);
  ASSERT_TRUE(bi.has_values);
  EXPECT_EQ(bi.values, std::vector<double>{1});

  onnx::TensorProto i8 = Tensor(onnx::TensorProto::INT8, {3});
  for (int v : {-2, 0, 7}) i8.add_int32_data(v);
  EXPECT_EQ(InfoFromTensor(i8).int_values, (std::vector<int64_t>{-2, 0, 7}));

  onnx::TensorProto i64 = Tensor(onnx::TensorProto::INT64, {2});
  i64.add_int64_data(0);
  i64.add_int64_data(-1);  // a Reshape target
  EXPECT_EQ(InfoFromTensor(i64).int_values, (std::vector<int64_t>{0, -1}));

  onnx::TensorProto u64 = Tensor(onnx::TensorProto::UINT64, {1});
  u64.add_uint64_data(12);
  EXPECT_EQ(InfoFromTensor(u64).int_values, (std::vector<int64_t>{12}));
}

TEST(ValueTable, PayloadlessOrLargeTensorsKeepShapesNotValues) {
  onnx::TensorProto stripped = Tensor(onnx::TensorProto::INT64, {4});  // payload skipped by the loader
  TensorInfo s = InfoFromTensor(stripped);
  EXPECT_TRUE(s.has_shape);
  EXPECT_FALSE(s.has_values);
  onnx::TensorProto big = Tensor(onnx::TensorProto::FLOAT, {2048});
  for (int i = 0; i < 2048; ++i) big.add_float_data(1);
  TensorInfo g = InfoFromTensor(big);
  EXPECT_EQ(g.dims, (Dims{2048}));
  EXPECT_FALSE(g.has_values);
  onnx::TensorProto bad = Tensor(onnx::TensorProto::INT64, {3});  // claims 3, holds 1
  bad.add_int64_data(5);
  EXPECT_FALSE(InfoFromTensor(bad).has_values);
}

}  // namespace
}  // namespace onnx_flops
