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


constexpr char kMs[] = "com.microsoft";

TEST(TrainingOpsRule, OrtGradients) {
  // SoftmaxGrad_13 dY, Y [2, 3, 5]: 4*30 = 120.
  auto softmax = NodeBuilder("SoftmaxGrad_13", kMs).Opset(1).Input({2, 3, 5}).Input({2, 3, 5})
                     .UnknownOutput().Count();
  ASSERT_TRUE(softmax.ok()) << softmax.status();
  EXPECT_EQ(softmax->vector_flops, 120.0);
  // LayerNormalizationGrad X [2, 4, 8], axis -1: rows 8; 13*64 + 2*8 = 848.
  auto ln = NodeBuilder("LayerNormalizationGrad", kMs).Opset(1).Input({2, 4, 8}).Input({2, 4, 8})
                .Input({8}).Input({2, 4, 1}).Input({2, 4, 1}).UnknownOutput().Count();
  ASSERT_TRUE(ln.ok()) << ln.status();
  EXPECT_EQ(ln->vector_flops, 848.0);
  // axis 1: rows = 2; 13*64 + 2*2 = 836.
  auto ln1 = NodeBuilder("LayerNormalizationGrad", kMs).Opset(1).Attr("axis", 1)
                 .Input({2, 4, 8}).Input({2, 4, 8}).Input({4, 8}).Input({2, 1, 1})
                 .Input({2, 1, 1}).UnknownOutput().Count();
  ASSERT_TRUE(ln1.ok()) << ln1.status();
  EXPECT_EQ(ln1->vector_flops, 836.0);
  // BiasFastGeluGrad_dX X [4, 16]: 19*64 = 1216.
  auto gelu = NodeBuilder("BiasFastGeluGrad_dX", kMs).Opset(1).Input({4, 16}).Input({4, 16})
                  .Input({16}).UnknownOutput().Count();
  ASSERT_TRUE(gelu.ok()) << gelu.status();
  EXPECT_EQ(gelu->vector_flops, 1216.0);
  // InPlaceAccumulatorV2 buffer, value [500, 784]: 392,000 adds.
  auto acc = NodeBuilder("InPlaceAccumulatorV2", kMs).Opset(1).Input({500, 784})
                 .Input({500, 784}).Input({1}, onnx::TensorProto::BOOL).UnknownOutput().Count();
  ASSERT_TRUE(acc.ok()) << acc.status();
  EXPECT_EQ(acc->vector_flops, 392000.0);
}

TEST(TrainingOpsRule, OrtSoftmaxCrossEntropyLossGrads) {
  // dY scalar, log_prob [4, 10], label [4], mean: 2*40 + 4 + 1 divide = 85.
  auto mean = NodeBuilder("SoftmaxCrossEntropyLossGrad", kMs).Opset(1).Input({})
                  .Input({4, 10}).Input({4}, onnx::TensorProto::INT64).UnknownOutput().Count();
  ASSERT_TRUE(mean.ok()) << mean.status();
  EXPECT_EQ(mean->vector_flops, 85.0);
  // weighted [10], reduction sum: 80 + 4 + 40 = 124.
  auto sum = NodeBuilder("SoftmaxCrossEntropyLossGrad", kMs).Opset(1).Attr("reduction", "sum")
                 .Input({}).Input({4, 10}).Input({4}, onnx::TensorProto::INT64).Input({10})
                 .UnknownOutput().Count();
  ASSERT_TRUE(sum.ok()) << sum.status();
  EXPECT_EQ(sum->vector_flops, 124.0);
  // InternalGrad with weights, mean, and a bias (input 5): 80 + 4 + 40 + 40 + 1 + 3 = 168.
  auto internal = NodeBuilder("SoftmaxCrossEntropyLossInternalGrad", kMs).Opset(1).Input({})
                      .Input({4, 10}).Input({4}, onnx::TensorProto::INT64).Input({10})
                      .AbsentInput().Input({4, 10}).UnknownOutput().Count();
  ASSERT_TRUE(internal.ok()) << internal.status();
  EXPECT_EQ(internal->vector_flops, 168.0);
  // Internal (forward) scores [4, 10], labels [4], mean: as SoftmaxCrossEntropyLoss,
  // 5*40 + 4 rows + NLL (4 + 3 + 1) = 212; loss a scalar, log_prob [4, 10].
  NodeBuilder b("SoftmaxCrossEntropyLossInternal", kMs);
  b.Opset(1).Input({4, 10}).Input({4}, onnx::TensorProto::INT64).AbsentInput().Input({},
      onnx::TensorProto::INT64).UnknownOutput().UnknownOutput();
  auto loss = b.Count();
  ASSERT_TRUE(loss.ok()) << loss.status();
  EXPECT_EQ(loss->vector_flops, 212.0);
  auto shapes = b.Propagate();
  ASSERT_TRUE(shapes.ok()) << shapes.status();
  EXPECT_EQ((*shapes)[0].dims, Dims{});
  EXPECT_TRUE((*shapes)[0].has_shape);
  EXPECT_EQ((*shapes)[1].dims, (Dims{4, 10}));
}

TEST(TrainingOpsRule, OrtDataMovement) {
  for (const char* op : {"ConcatTraining", "DropoutGrad", "BitmaskDropout",
                         "BitmaskDropoutGrad", "SliceGrad", "BroadcastGradientArgs", "YieldOp",
                         "Send", "Recv"}) {
    auto c = NodeBuilder(op, kMs).Opset(1).Input({2, 3}).Input({2, 3}).UnknownOutput().Count();
    ASSERT_TRUE(c.ok()) << op << ": " << c.status();
    EXPECT_TRUE(c->data_movement) << op;
    EXPECT_EQ(c->flops(), 0.0) << op;
  }
  // ConcatTraining of [2, 3] and [2, 5] on axis 1: [2, 8], lengths {3, 5}.
  NodeBuilder concat("ConcatTraining", kMs);
  concat.Opset(1).Attr("axis", 1).Input({2, 3}).Input({2, 5}).UnknownOutput().UnknownOutput();
  auto out = concat.Propagate();
  ASSERT_TRUE(out.ok()) << out.status();
  ASSERT_EQ(out->size(), 2u);
  EXPECT_EQ((*out)[0].dims, (Dims{2, 8}));
  EXPECT_EQ((*out)[1].dims, (Dims{2}));
  EXPECT_EQ((*out)[1].int_values, (std::vector<int64_t>{3, 5}));
  // BroadcastGradientArgs of [2, 3, 4] and [3, 1]: B lacks axis 0 and has 1 at
  // axis 2 where the result has 4: b_axes {2, 0} (last to first), a_axes {}.
  NodeBuilder args("BroadcastGradientArgs", kMs);
  args.Opset(1).ConstInput({3}, {2, 3, 4}).ConstInput({2}, {3, 1}).UnknownOutput().UnknownOutput();
  auto axes = args.Propagate();
  ASSERT_TRUE(axes.ok()) << axes.status();
  EXPECT_EQ((*axes)[0].int_values, std::vector<int64_t>{});
  EXPECT_EQ((*axes)[0].dims, (Dims{0}));
  EXPECT_EQ((*axes)[1].int_values, (std::vector<int64_t>{2, 0}));
  // SliceGrad: dX takes the shape in input 1, [4, 6].
  NodeBuilder slice("SliceGrad", kMs);
  slice.Opset(1).Input({2, 6}).ConstInput({2}, {4, 6}).ConstInput({1}, {1}).ConstInput({1}, {3})
      .UnknownOutput();
  auto dx = slice.Propagate();
  ASSERT_TRUE(dx.ok()) << dx.status();
  EXPECT_EQ((*dx)[0].dims, (Dims{4, 6}));
  // YieldOp: output 0 is in full_shape_outputs, so it has input 0's shape.
  NodeBuilder yield("YieldOp", kMs);
  yield.Opset(1).Attr("full_shape_outputs", std::vector<int64_t>{0}).Input({8, 10})
      .UnknownOutput();
  auto grads = yield.Propagate();
  ASSERT_TRUE(grads.ok()) << grads.status();
  EXPECT_EQ((*grads)[0].dims, (Dims{8, 10}));
  // BitmaskDropout of [3, 40] (120 elements): mask of ceil(120/32) = 4 words.
  NodeBuilder bitmask("BitmaskDropout", kMs);
  bitmask.Opset(1).Input({3, 40}).UnknownOutput().UnknownOutput();
  auto mask = bitmask.Propagate();
  ASSERT_TRUE(mask.ok()) << mask.status();
  EXPECT_EQ((*mask)[1].dims, (Dims{4}));
}

TEST(TrainingOpsRule, AtenEmbedding) {
  // embedding of weight [250, 64] at indices [2, 7]: a Gather, [2, 7, 64].
  NodeBuilder b("ATen", "org.pytorch.aten");
  b.Opset(1).Attr("operator", "embedding").Input({250, 64})
      .Input({2, 7}, onnx::TensorProto::INT64).UnknownOutput();
  auto c = b.Count();
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_TRUE(c->data_movement);
  auto out = b.Propagate();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ((*out)[0].dims, (Dims{2, 7, 64}));
  // Another operator is uncounted, by name.
  auto other = NodeBuilder("ATen", "org.pytorch.aten").Opset(1).Attr("operator", "upsample_bilinear2d")
                   .Input({1, 3, 8, 8}).UnknownOutput().Count();
  ASSERT_FALSE(other.ok());
  EXPECT_NE(other.status().message().find("upsample_bilinear2d"), std::string::npos);
}

}  // namespace
}  // namespace onnx_flops
