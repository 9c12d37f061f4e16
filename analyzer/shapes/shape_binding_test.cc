#include "analyzer/shapes/shape_binding.h"

#include "gtest/gtest.h"

namespace onnx_flops {
namespace {

// x [N, dims...] symbolic, read by one `op` node against the initializer W.
onnx::ModelProto ModelReading(const std::string& op, std::vector<std::string> dim_names,
                              Dims weight) {
  onnx::ModelProto m;
  onnx::GraphProto* g = m.mutable_graph();
  onnx::ValueInfoProto* x = g->add_input();
  x->set_name("x");
  x->mutable_type()->mutable_tensor_type()->set_elem_type(onnx::TensorProto::FLOAT);
  for (const std::string& d : dim_names) {
    x->mutable_type()->mutable_tensor_type()->mutable_shape()->add_dim()->set_dim_param(d);
  }
  onnx::TensorProto* w = g->add_initializer();
  w->set_name("W");
  w->set_data_type(onnx::TensorProto::FLOAT);
  for (int64_t d : weight) w->add_dims(d);
  onnx::NodeProto* n = g->add_node();
  n->set_name("layer");
  n->set_op_type(op);
  n->add_input("x");
  n->add_input("W");
  n->add_output("y");
  return m;
}

int64_t BoundDim(const onnx::ModelProto& m, int axis) {
  return m.graph().input(0).type().tensor_type().shape().dim(axis).dim_value();
}

TEST(ShapeBinding, AnUnboundDimThatAWeightFixesIsBoundFromIt) {
  // Gemm x [N, K] x W [784, 10]: K = 784 from the weight; N has no evidence: 1.
  onnx::ModelProto gemm = ModelReading("Gemm", {"N", "K"}, {784, 10});
  auto r = BindInputShapes(gemm, DimBindings{});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(BoundDim(gemm, 0), 1);
  EXPECT_EQ(BoundDim(gemm, 1), 784);
  ASSERT_EQ(r->assumed.size(), 2);
  EXPECT_EQ(r->assumed[1].source(),
            "from a weight: Gemm 'layer' reads it against the weight 'W' 784x10");
  // Conv x [N, C, H, W] with W [16, 3, 3, 3]: C = 3 (H and W stay 1).
  onnx::ModelProto conv = ModelReading("Conv", {"N", "C", "H", "W"}, {16, 3, 3, 3});
  ASSERT_TRUE(BindInputShapes(conv, DimBindings{}).ok());
  EXPECT_EQ(BoundDim(conv, 1), 3);
  EXPECT_EQ(BoundDim(conv, 2), 1);
  // LSTM x [T, B, I] with W [1, 4H, 40]: I = 40.
  onnx::ModelProto lstm = ModelReading("LSTM", {"T", "B", "I"}, {1, 80, 40});
  ASSERT_TRUE(BindInputShapes(lstm, DimBindings{}).ok());
  EXPECT_EQ(BoundDim(lstm, 2), 40);
  // MatMul x [B, S, D] x W [512, 64]: D = 512.
  onnx::ModelProto mm = ModelReading("MatMul", {"B", "S", "D"}, {512, 64});
  ASSERT_TRUE(BindInputShapes(mm, DimBindings{}).ok());
  EXPECT_EQ(BoundDim(mm, 2), 512);
  EXPECT_EQ(BoundDim(mm, 1), 1);
}

TEST(ShapeBinding, TheUsersBindingBeatsTheWeight) {
  onnx::ModelProto gemm = ModelReading("Gemm", {"N", "K"}, {784, 10});
  DimBindings b;
  b.dims = {{"K", 100}};
  ASSERT_TRUE(BindInputShapes(gemm, b).ok());
  EXPECT_EQ(BoundDim(gemm, 1), 100);
}

TEST(ShapeBinding, AnInputWithEveryDimFixedBindsLikeAWeight) {
  // onnxruntime's training_api/training_model.onnx: Gemm(x [N, K], fc1.weight
  // [500, 784], transB=1) with the weight a graph input, not an initializer:
  // K = 784 (it was taken as 1, and the Gemm refused K=1 against 784).
  onnx::ModelProto m = ModelReading("Gemm", {"N", "K"}, {500, 784});
  onnx::GraphProto* g = m.mutable_graph();
  g->clear_initializer();
  onnx::ValueInfoProto* w = g->add_input();
  w->set_name("W");
  w->mutable_type()->mutable_tensor_type()->set_elem_type(onnx::TensorProto::FLOAT);
  for (int64_t d : {500, 784}) {
    w->mutable_type()->mutable_tensor_type()->mutable_shape()->add_dim()->set_dim_value(d);
  }
  onnx::AttributeProto* trans = g->mutable_node(0)->add_attribute();
  trans->set_name("transB");
  trans->set_type(onnx::AttributeProto::INT);
  trans->set_i(1);
  auto r = BindInputShapes(m, DimBindings{});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(BoundDim(m, 1), 784);
  ASSERT_EQ(r->assumed.size(), 2);
  EXPECT_EQ(r->assumed[1].source(),
            "from a weight: Gemm 'layer' reads it against the fixed-shape input 'W' 500x784");
}

}  // namespace
}  // namespace onnx_flops
