// Losses and optimizers against counts worked out by hand from the formulas
// in rules/training_ops.cc.
#include "gtest/gtest.h"
#include "rules/rule_testing.h"

namespace onnx_flops {
namespace {

constexpr char kTraining[] = "ai.onnx.preview.training";

TEST(TrainingOpsRule, NegativeLogLikelihoodLoss) {
  // input [4, 5], target [4]: T = 4.
  // weighted mean: 4*(1 + 1) + (3 adds + 1 divide) + 3 adds of the weights = 15.
  auto w = NodeBuilder("NegativeLogLikelihoodLoss").Opset(13).Input({4, 5})
               .Input({4}, onnx::TensorProto::INT64).Input({5}).UnknownOutput().Count();
  ASSERT_TRUE(w.ok()) << w.status();
  EXPECT_EQ(w->vector_flops, 15.0);
  // unweighted mean 4 + 3 + 1 = 8; sum 4 + 3 = 7; none 4.
  auto mean = NodeBuilder("NegativeLogLikelihoodLoss").Opset(13).Input({4, 5})
                  .Input({4}, onnx::TensorProto::INT64).UnknownOutput().Count();
  ASSERT_TRUE(mean.ok()) << mean.status();
  EXPECT_EQ(mean->vector_flops, 8.0);
  auto sum = NodeBuilder("NegativeLogLikelihoodLoss").Opset(13).Attr("reduction", "sum")
                 .Input({4, 5}).Input({4}, onnx::TensorProto::INT64).UnknownOutput().Count();
  ASSERT_TRUE(sum.ok()) << sum.status();
  EXPECT_EQ(sum->vector_flops, 7.0);
  // Spatial: input [2, 5, 3, 3], target [2, 3, 3]: T = 18, reduction none: 18.
  auto none = NodeBuilder("NegativeLogLikelihoodLoss").Opset(13).Attr("reduction", "none")
                  .Input({2, 5, 3, 3}).Input({2, 3, 3}, onnx::TensorProto::INT64)
                  .UnknownOutput().Count();
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_EQ(none->vector_flops, 18.0);
  EXPECT_FALSE(NodeBuilder("NegativeLogLikelihoodLoss").Opset(13).Attr("reduction", "max")
                   .Input({4, 5}).Input({4}, onnx::TensorProto::INT64).UnknownOutput()
                   .Count().ok());
}

TEST(TrainingOpsRule, SoftmaxCrossEntropyLoss) {
  // scores [4, 5]: log_softmax 5*20 + 4 rows = 104; NLL mean over T = 4: 8. Total 112.
  auto c = NodeBuilder("SoftmaxCrossEntropyLoss").Opset(13).Input({4, 5})
               .Input({4}, onnx::TensorProto::INT64).UnknownOutput().Count();
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->vector_flops, 112.0);
  EXPECT_EQ(c->matmul_flops, 0.0);
}

TEST(TrainingOpsRule, Optimizers) {
  // Adam over X1 [10, 4] and X2 [4] (44 elements): R, T, X1, X2, G1, G2, V1, V2, H1, H2.
  auto adam = [](float norm) {
    NodeBuilder b("Adam", kTraining);
    b.Opset(1).Input({}).Input({}, onnx::TensorProto::INT64);
    for (int group = 0; group < 4; ++group) b.Input({10, 4}).Input({4});
    b.UnknownOutput().Attr("norm_coefficient", norm);
    return b.Count();
  };
  auto plain = adam(0);
  ASSERT_TRUE(plain.ok()) << plain.status();
  EXPECT_EQ(plain->vector_flops, 12.0 * 44);
  auto decay = adam(0.1f);
  ASSERT_TRUE(decay.ok()) << decay.status();
  EXPECT_EQ(decay->vector_flops, 14.0 * 44);
  // Adagrad over X [3, 3]: 7 per element = 63.
  auto adagrad = NodeBuilder("Adagrad", kTraining).Opset(1).Input({}).Input({}, onnx::TensorProto::INT64)
                     .Input({3, 3}).Input({3, 3}).Input({3, 3}).UnknownOutput().Count();
  ASSERT_TRUE(adagrad.ok()) << adagrad.status();
  EXPECT_EQ(adagrad->vector_flops, 63.0);
  // Momentum over X [5]: standard 5 per element = 25; nesterov with a norm (7 + 2) = 45.
  auto standard = NodeBuilder("Momentum", kTraining).Opset(1).Input({})
                      .Input({}, onnx::TensorProto::INT64).Input({5}).Input({5}).Input({5})
                      .UnknownOutput().Count();
  ASSERT_TRUE(standard.ok()) << standard.status();
  EXPECT_EQ(standard->vector_flops, 25.0);
  auto nesterov = NodeBuilder("Momentum", kTraining).Opset(1).Attr("mode", "nesterov")
                      .Attr("norm_coefficient", 0.01f).Input({}).Input({}, onnx::TensorProto::INT64)
                      .Input({5}).Input({5}).Input({5}).UnknownOutput().Count();
  ASSERT_TRUE(nesterov.ok()) << nesterov.status();
  EXPECT_EQ(nesterov->vector_flops, 45.0);
  // Adam needs four tensors per optimized input: five inputs in all is malformed.
  EXPECT_FALSE(NodeBuilder("Adam", kTraining).Opset(1).Input({}).Input({}).Input({5}).Input({5})
                   .Input({5}).UnknownOutput().Count().ok());
}

}  // namespace
}  // namespace onnx_flops
