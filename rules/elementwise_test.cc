#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "rules/rule_testing.h"

namespace onnx_flops {
namespace {

TEST(ElementwiseRule, ResNetResidualAdd) {
  // ResNet-50 conv2_x residual: 1x256x56x56 = 256*3136 = 802,816 adds.
  auto c = NodeBuilder("Add").Input({1, 256, 56, 56}).Input({1, 256, 56, 56})
               .Output({1, 256, 56, 56}).Count();
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->vector_flops, 802816.0);
  EXPECT_EQ(c->matmul_flops, 0.0);
  EXPECT_EQ(c->macs, 0.0);
  EXPECT_FALSE(c->data_movement);
}

TEST(ElementwiseRule, BroadcastFromInputsWhenOutputUnknown) {
  // BERT-base bias add on batch 8, 128 tokens: [8,128,768] + [768] -> 8*128*768 = 786,432.
  auto c = NodeBuilder("Add").Input({8, 128, 768}).Input({768}).UnknownOutput().Count();
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->vector_flops, 786432.0);
  // Two-sided broadcast: [8,1,128] * [1,12,1] -> 8*12*128 = 12,288.
  auto m = NodeBuilder("Mul").Input({8, 1, 128}).Input({1, 12, 1}).UnknownOutput().Count();
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(m->vector_flops, 12288.0);
}

TEST(ElementwiseRule, OneOpPerElementTable) {
  // Every op below is 1 elementary op per output element; shape [2,3,4] = 24.
  const std::vector<std::string> binary = {
      "Add", "Sub", "Mul", "Div", "Pow", "Mod", "Equal", "Less", "LessOrEqual",
      "Greater", "GreaterOrEqual", "And", "Or", "Xor", "BitShift", "BitwiseAnd",
      "BitwiseOr", "BitwiseXor"};
  for (const std::string& op : binary) {
    auto c = NodeBuilder(op).Input({2, 3, 4}).Input({4}).UnknownOutput().Count();
    ASSERT_TRUE(c.ok()) << op << ": " << c.status();
    EXPECT_EQ(c->vector_flops, 24.0) << op;
  }
  const std::vector<std::string> unary = {
      "Neg", "Abs", "Sign", "Reciprocal", "Sqrt", "Exp", "Log", "Floor", "Ceil",
      "Round", "Erf", "Sin", "Cos", "Tan", "Asin", "Acos", "Atan", "Sinh", "Cosh",
      "Asinh", "Acosh", "Atanh", "IsNaN", "IsInf", "Not", "BitwiseNot"};
  for (const std::string& op : unary) {
    auto c = NodeBuilder(op).Input({2, 3, 4}).UnknownOutput().Count();
    ASSERT_TRUE(c.ok()) << op << ": " << c.status();
    EXPECT_EQ(c->vector_flops, 24.0) << op;
  }
}

TEST(ElementwiseRule, LegacyBroadcastBeforeOpset7) {
  // Opset 6 Add with broadcast=1, axis=1: B [64] is broadcast onto A [1,64,56,56]
  // (not numpy-compatible); count A's 64*3136 = 200,704 elements.
  auto c = NodeBuilder("Add").Opset(6).Input({1, 64, 56, 56}).Input({64})
               .UnknownOutput().Attr("broadcast", 1).Attr("axis", 1).Count();
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->vector_flops, 200704.0);
}

TEST(ElementwiseRule, SymbolicDimIsNamed) {
  auto c = NodeBuilder("Add").SymbolicInput({-1, 768}, {"batch", ""}).Input({768})
               .UnknownOutput().Count();
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(c.status().message().find("batch"), std::string::npos) << c.status();
  auto u = NodeBuilder("Relu").UnknownInput().UnknownOutput().Count();
  EXPECT_FALSE(u.ok());
  // A known output shape is enough even when the inputs are symbolic.
  auto k = NodeBuilder("Add").SymbolicInput({-1, 768}, {"batch", ""}).Input({768})
               .Output({4, 768}).Count();
  ASSERT_TRUE(k.ok()) << k.status();
  EXPECT_EQ(k->vector_flops, 3072.0);  // 4*768
}

TEST(ElementwiseRule, IncompatibleShapesAreInvalid) {
  auto c = NodeBuilder("Add").Input({3, 4}).Input({5}).UnknownOutput().Count();
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(ElementwiseRule, WhereBroadcastsThreeInputs) {
  // GPT-2 causal mask: cond [1,1,128,128], scores [1,12,128,128], fill value scalar
  // -> 12*128*128 = 196,608 selects.
  auto c = NodeBuilder("Where").Input({1, 1, 128, 128}, onnx::TensorProto::BOOL)
               .Input({1, 12, 128, 128}).Input({}).UnknownOutput().Count();
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->vector_flops, 196608.0);
}

TEST(VariadicRule, SumMaxMinMean) {
  // Three [1,64,56,56] tensors (64*3136 = 200,704 elements): Sum = 2 adds each.
  auto s = NodeBuilder("Sum").Input({1, 64, 56, 56}).Input({1, 64, 56, 56})
               .Input({1, 64, 56, 56}).UnknownOutput().Count();
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->vector_flops, 2.0 * 200704);  // 401,408
  // Max of [4,1] and [1,5] and scalar -> [4,5]: 2*20 = 40.
  auto mx = NodeBuilder("Max").Input({4, 1}).Input({1, 5}).Input({}).UnknownOutput().Count();
  ASSERT_TRUE(mx.ok()) << mx.status();
  EXPECT_EQ(mx->vector_flops, 40.0);
  // Min of two: 1 per element.
  auto mn = NodeBuilder("Min").Input({10}).Input({10}).Count();
  ASSERT_TRUE(mn.ok());
  EXPECT_EQ(mn->vector_flops, 10.0);
  // A single input is a copy.
  auto one = NodeBuilder("Sum").Input({10}).Count();
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(one->vector_flops, 0.0);
  // Mean of three: 2 adds + 1 divide = 3 per element.
  auto mean = NodeBuilder("Mean").Input({1, 64, 56, 56}).Input({1, 64, 56, 56})
                  .Input({1, 64, 56, 56}).UnknownOutput().Count();
  ASSERT_TRUE(mean.ok()) << mean.status();
  EXPECT_EQ(mean->vector_flops, 3.0 * 200704);  // 602,112
}

TEST(ClipRule, BoundsAsInputsAndAttributes) {
  // MobileNetV2 ReLU6 on 1x32x112x112 = 32*12544 = 401,408 elements.
  // Opset 13, min and max inputs: a max and a min per element.
  auto both = NodeBuilder("Clip").Opset(13).Input({1, 32, 112, 112}).Input({}).Input({})
                  .Output({1, 32, 112, 112}).Count();
  ASSERT_TRUE(both.ok()) << both.status();
  EXPECT_EQ(both->vector_flops, 2.0 * 401408);  // 802,816
  // Only min (max left empty): 1 per element.
  auto lo = NodeBuilder("Clip").Opset(13).Input({1, 32, 112, 112}).Input({}).AbsentInput()
                .Output({1, 32, 112, 112}).Count();
  ASSERT_TRUE(lo.ok()) << lo.status();
  EXPECT_EQ(lo->vector_flops, 401408.0);
  // Only max (min left empty).
  auto hi = NodeBuilder("Clip").Opset(13).Input({1, 32, 112, 112}).AbsentInput().Input({})
                .UnknownOutput().Count();
  ASSERT_TRUE(hi.ok()) << hi.status();
  EXPECT_EQ(hi->vector_flops, 401408.0);
  // Neither: identity, 0.
  auto none = NodeBuilder("Clip").Opset(13).Input({1, 32, 112, 112}).Output({1, 32, 112, 112})
                  .Count();
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->vector_flops, 0.0);
  // Opset 6: attributes min=0, max=6.
  auto old = NodeBuilder("Clip").Opset(6).Input({1, 32, 112, 112}).UnknownOutput()
                 .Attr("min", 0.0f).Attr("max", 6.0f).Count();
  ASSERT_TRUE(old.ok()) << old.status();
  EXPECT_EQ(old->vector_flops, 802816.0);
  // Opset 6 with only max.
  auto old_hi = NodeBuilder("Clip").Opset(6).Input({1, 32, 112, 112}).Attr("max", 6.0f)
                    .Count();
  ASSERT_TRUE(old_hi.ok());
  EXPECT_EQ(old_hi->vector_flops, 401408.0);
}

TEST(QuantizeRule, PerAxisScaleUsesInputShape) {
  // x [1,3,224,224] = 150,528 elements, per-channel scale [3] on axis 1 (not
  // numpy-broadcastable against x; the rule must not try).
  auto q = NodeBuilder("QuantizeLinear").Input({1, 3, 224, 224}).Input({3})
               .Input({3}, onnx::TensorProto::UINT8).Attr("axis", 1).UnknownOutput().Count();
  ASSERT_TRUE(q.ok()) << q.status();
  EXPECT_EQ(q->vector_flops, 4.0 * 150528);  // divide, round, add, saturate: 602,112
  auto d = NodeBuilder("DequantizeLinear").Input({1, 3, 224, 224}, onnx::TensorProto::UINT8)
               .Input({3}).Input({3}, onnx::TensorProto::UINT8).Attr("axis", 1)
               .UnknownOutput().Count();
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->vector_flops, 2.0 * 150528);  // subtract, multiply: 301,056
}

TEST(QuantizeRule, DynamicQuantizeLinear) {
  // BERT-base activations [128,768] = 98,304 elements:
  // 2*(98304-1) reductions + 4*98304 quantize + 8 scalar = 6*98304 + 6 = 589,830.
  auto c = NodeBuilder("DynamicQuantizeLinear").Input({128, 768}).UnknownOutput()
               .UnknownOutput().UnknownOutput().Count();
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->vector_flops, 589830.0);
}

TEST(ElementwiseRule, ExperimentalImageScaler) {
  // Tiny YOLOv2 (opset 7) input scaling: 1x3x416x416 = 519,168; multiply + add.
  auto c = NodeBuilder("ImageScaler").Opset(7).Input({1, 3, 416, 416}).UnknownOutput()
               .Count();
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->vector_flops, 2.0 * 519168);
}

TEST(ElementwiseRule, LegacyChannelBroadcastAfterOpset7) {
  // winml's starry-night-fp16.onnx (opset 7) adds a conv bias [32] to
  // [1, 32, 224, 224]: no numpy broadcast (32 meets 224), so it is counted as
  // the pre-opset-7 per-channel broadcast along axis 1, 1 add per element of
  // [1, 32, 224, 224] = 1,605,632, with a warning.
  NodeBuilder b("Add");
  b.Opset(7).Input({1, 32, 224, 224}).Input({32}).UnknownOutput();
  auto c = b.Count();
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->vector_flops, 1605632.0);
  EXPECT_NE(c->warning.find("do not broadcast"), std::string::npos);
  auto y = b.Propagate();
  ASSERT_TRUE(y.ok()) << y.status();
  EXPECT_EQ((*y)[0].dims, (Dims{1, 32, 224, 224}));
  // A broadcast numpy allows gets no warning; [32] against axis 1 of 64 channels stays an error.
  auto fine = NodeBuilder("Add").Opset(7).Input({1, 32, 4, 32}).Input({32}).UnknownOutput().Count();
  ASSERT_TRUE(fine.ok()) << fine.status();
  EXPECT_TRUE(fine->warning.empty());
  EXPECT_FALSE(NodeBuilder("Add").Opset(7).Input({1, 64, 8, 8}).Input({32}).UnknownOutput()
                   .Count().ok());
}

}  // namespace
}  // namespace onnx_flops
