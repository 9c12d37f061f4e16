#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "rules/rule_testing.h"

namespace onnx_flops {
namespace {

const std::vector<std::string>& PureMovementOps() {
  static const std::vector<std::string> ops = {
      "Reshape", "Transpose", "Gather", "GatherElements", "GatherND", "Scatter",
      "Concat", "Split", "SplitToSequence", "ConcatFromSequence", "Slice", "Squeeze",
      "Unsqueeze", "Flatten", "Identity", "Expand", "Tile", "Pad", "Cast", "CastLike",
      "Shape", "Size", "Constant", "ConstantOfShape", "DepthToSpace", "SpaceToDepth",
      "Dropout", "Compress", "ReverseSequence", "Trilu", "OneHot", "Range", "NonZero",
      "EyeLike", "Optional", "OptionalGetElement", "OptionalHasElement",
      "SequenceConstruct", "SequenceEmpty", "SequenceAt", "SequenceInsert",
      "SequenceErase", "SequenceLength", "RandomNormal", "RandomUniform",
      "RandomNormalLike", "RandomUniformLike", "Bernoulli", "Multinomial", "Unique",
      "CenterCropPad"};
  return ops;
}

TEST(DataMovementRule, ReshapeOnUnknownShapes) {
  auto c = NodeBuilder("Reshape").UnknownInput().UnknownInput().UnknownOutput().Count();
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_TRUE(c->data_movement);
  EXPECT_EQ(c->flops(), 0.0);
  EXPECT_EQ(c->macs, 0.0);
}

TEST(DataMovementRule, EveryPureMovementOpIsZeroAndNeverFails) {
  for (const std::string& op : PureMovementOps()) {
    // Symbolic and unknown shapes everywhere: still counted-zero.
    auto c = NodeBuilder(op).SymbolicInput({-1, 768}, {"batch", ""}).UnknownInput()
                 .UnknownOutput().Count();
    ASSERT_TRUE(c.ok()) << op << ": " << c.status();
    EXPECT_TRUE(c->data_movement) << op;
    EXPECT_EQ(c->vector_flops, 0.0) << op;
    EXPECT_EQ(c->matmul_flops, 0.0) << op;
    EXPECT_NE(c->detail.find("0 FLOP"), std::string::npos) << op;
  }
  // Generators with no inputs at all (RandomNormal, Constant).
  auto r = NodeBuilder("RandomNormal").Attr("shape", std::vector<int64_t>{1, 100})
               .UnknownOutput().Count();
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->data_movement);
}

TEST(DataMovementRule, ScatterReductions) {
  // No reduction: data movement even with unknown shapes.
  auto none = NodeBuilder("ScatterND").UnknownInput().UnknownInput().UnknownInput()
                  .UnknownOutput().Count();
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_TRUE(none->data_movement);
  EXPECT_EQ(none->flops(), 0.0);
  // reduction=add on updates [4,768] (4 token rows of BERT-base width): 3,072 adds.
  auto add = NodeBuilder("ScatterND").Opset(16).Input({512, 768}).Input({4, 1})
                 .Input({4, 768}).Attr("reduction", "add").UnknownOutput().Count();
  ASSERT_TRUE(add.ok()) << add.status();
  EXPECT_FALSE(add->data_movement);
  EXPECT_EQ(add->vector_flops, 3072.0);
  // ScatterElements reduction=max (opset 18) on updates [2,3,5] = 30.
  auto mx = NodeBuilder("ScatterElements").Opset(18).Input({2, 8, 5}).Input({2, 3, 5})
                .Input({2, 3, 5}).Attr("reduction", "max").Count();
  ASSERT_TRUE(mx.ok()) << mx.status();
  EXPECT_EQ(mx->vector_flops, 30.0);
  // Unknown updates shape with a reduction: a reason naming the dim.
  auto sym = NodeBuilder("ScatterND").Opset(16).Input({512, 768}).Input({4, 1})
                 .SymbolicInput({-1, 768}, {"n_updates", ""}).Attr("reduction", "mul").Count();
  ASSERT_FALSE(sym.ok());
  EXPECT_NE(sym.status().message().find("n_updates"), std::string::npos) << sym.status();
  // Unknown reduction mode.
  auto bad = NodeBuilder("ScatterND").Input({4}).Input({1, 1}).Input({1})
                 .Attr("reduction", "xor").Count();
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kUnimplemented);
}

TEST(DataMovementRule, Col2ImSumsColumnEntries) {
  // C=3, block 2x2, L=9 patches: input [1, 3*2*2, 9] = 108 accumulations.
  auto c = NodeBuilder("Col2Im").Opset(18).Input({1, 12, 9}).ConstInput({2}, {4, 4})
               .ConstInput({2}, {2, 2}).UnknownOutput().Count();
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->vector_flops, 108.0);
  EXPECT_FALSE(NodeBuilder("Col2Im").Opset(18).UnknownInput().Count().ok());
}

TEST(RegistryTest, MustHaveOpsAreRegistered) {
  std::vector<std::string> must_have = {
      // Elementwise arithmetic, math, comparison, logic, bitwise, quantization.
      "Add", "Sub", "Mul", "Div", "Pow", "Mod", "Neg", "Abs", "Sqrt", "Exp", "Log",
      "Reciprocal", "Floor", "Ceil", "Round", "Sign", "Sin", "Cos", "Tan", "Asin",
      "Acos", "Atan", "Sinh", "Cosh", "Asinh", "Acosh", "Atanh", "Erf", "Equal", "Less",
      "Greater", "LessOrEqual", "GreaterOrEqual", "And", "Or", "Xor", "Not", "IsNaN",
      "IsInf", "BitShift", "BitwiseAnd", "BitwiseOr", "BitwiseXor", "BitwiseNot", "Where",
      "Clip", "Sum", "Max", "Min", "Mean", "QuantizeLinear", "DequantizeLinear",
      "DynamicQuantizeLinear",
      // Activations.
      "Relu", "LeakyRelu", "PRelu", "Sigmoid", "HardSigmoid", "HardSwish", "Tanh",
      "Softplus", "Softsign", "Elu", "Selu", "Celu", "ThresholdedRelu", "Gelu", "Mish",
      "Shrink",
      // Data movement with arithmetic variants.
      "ScatterElements", "ScatterND", "Col2Im"};
  for (const std::string& op : PureMovementOps()) must_have.push_back(op);
  for (const std::string& op : must_have) {
    const Rule* rule = FindRule(DefaultRules(), "", op);
    ASSERT_NE(rule, nullptr) << op << " is not registered";
    EXPECT_EQ(FindRule(DefaultRules(), "ai.onnx", op), rule) << op;
  }
  // Pure data-movement formulas say so.
  for (const std::string& op : PureMovementOps()) {
    const std::string& f = FindRule(DefaultRules(), "", op)->formula;
    EXPECT_EQ(f.rfind("0 FLOP: data", 0), 0u) << op << ": " << f;
  }
}

TEST(DataMovementRule, ExperimentalCropIsShapedByItsBorderOrScale) {
  // border [left 1, top 2, right 3, bottom 4] on 1x3x20x30: H 20-2-4 = 14, W 30-1-3 = 26.
  NodeBuilder border("Crop");
  border.Opset(7).Input({1, 3, 20, 30}).Attr("border", std::vector<int64_t>{1, 2, 3, 4});
  auto out = border.Propagate();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ((*out)[0].dims, (Dims{1, 3, 14, 26}));
  // scale [h, w] gives the window's size directly.
  NodeBuilder scale("Crop");
  scale.Opset(7).Input({1, 3, 20, 30}).Attr("border", std::vector<int64_t>{1, 2, 3, 4})
      .Attr("scale", std::vector<int64_t>{8, 9});
  auto scaled = scale.Propagate();
  ASSERT_TRUE(scaled.ok()) << scaled.status();
  EXPECT_EQ((*scaled)[0].dims, (Dims{1, 3, 8, 9}));
  // A border wider than the image is an error, not a negative dim.
  NodeBuilder wide("Crop");
  wide.Opset(7).Input({1, 3, 5, 30}).Attr("border", std::vector<int64_t>{0, 3, 0, 3});
  EXPECT_FALSE(wide.Propagate().ok());
  // Counted as data movement.
  auto c = NodeBuilder("Crop").Opset(7).Input({1, 3, 20, 30}).UnknownOutput().Count();
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_TRUE(c->data_movement);
}

TEST(DataMovementRule, LegacyElementwiseOpsKeepTheirInputShape) {
  for (const char* op : {"ImageScaler", "Affine", "Scale", "ScaledTanh", "ParametricSoftplus"}) {
    NodeBuilder b(op);
    b.Opset(7).Input({1, 3, 227, 227});
    auto out = b.Propagate();
    ASSERT_TRUE(out.ok()) << op << ": " << out.status();
    EXPECT_EQ((*out)[0].dims, (Dims{1, 3, 227, 227})) << op;
  }
}

}  // namespace
}  // namespace onnx_flops
