// The registry as a whole: every entry is complete, and the fields other
// layers read (the propagator, the backward model's spec) are where the
// family files put them.
#include <string>

#include "gtest/gtest.h"
#include "rules/rule.h"
#include "rules/rule_testing.h"

namespace onnx_flops {
namespace {

TEST(RegistryTest, EveryEntryHasFormulaFamilyAndACount) {
  const auto rules = SortedRules(DefaultRules());
  ASSERT_GT(rules.size(), 200u);
  for (const Rule* rule : rules) {
    EXPECT_FALSE(rule->formula.empty()) << rule->op_type;
    EXPECT_FALSE(rule->family.empty()) << rule->op_type;
    EXPECT_NE(rule->count, nullptr) << rule->op_type;
  }
}

TEST(RegistryTest, CountAsUsesTheOtherOpsRule) {
  // A com.microsoft FusedGemm node counted by the ONNX Gemm rule: 2*4*8*16.
  NodeBuilder b("FusedGemm", "com.microsoft");
  b.Input({4, 8}).Input({8, 16}).UnknownOutput();
  auto c = CountAs(b.View(), "", "Gemm");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->matmul_flops, 1024.0);
  EXPECT_EQ(CountAs(b.View(), "", "NoSuchOp").status().code(), absl::StatusCode::kNotFound);
}

TEST(RegistryTest, BothDomainSpellingsFindOneEntry) {
  const Rule* rule = FindRule(DefaultRules(), "", "Reshape");
  ASSERT_NE(rule, nullptr);
  EXPECT_EQ(FindRule(DefaultRules(), "ai.onnx", "Reshape"), rule);
  EXPECT_NE(rule->propagate, nullptr);
  EXPECT_EQ(FindRule(DefaultRules(), "com.microsoft", "Reshape"), nullptr);
}

TEST(RegistryTest, PropagatorOfAFamilyFileRunsThroughTheEntry) {
  // Conv 1x3x224x224 with 64 7x7 filters, stride 2, pads 3:
  // floor((224 + 3 + 3 - 7) / 2) + 1 = 112.
  auto out = NodeBuilder("Conv")
                 .Input({1, 3, 224, 224})
                 .Input({64, 3, 7, 7})
                 .UnknownOutput()
                 .Attr("strides", std::vector<int64_t>{2, 2})
                 .Attr("pads", std::vector<int64_t>{3, 3, 3, 3})
                 .Propagate();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ((*out)[0].dims, (Dims{1, 64, 112, 112}));
}

TEST(RegistryTest, BackwardSpecsSitInTheEntries) {
  auto spec = [](const char* domain, const char* op) {
    const Rule* rule = FindRule(DefaultRules(), domain, op);
    EXPECT_NE(rule, nullptr) << op;
    return rule == nullptr ? BackwardSpec{} : rule->backward;
  };
  // QLinearConv(x, x_scale, x_zp, w, w_scale, w_zp, y_scale, y_zp, B): the
  // product is x * w, gradients reach x, w and B, and an int8 w is a weight.
  const BackwardSpec qconv = spec("", "QLinearConv");
  EXPECT_EQ(qconv.kind, BackwardKind::kProduct);
  EXPECT_EQ(qconv.a, 0);
  EXPECT_EQ(qconv.b, 3);
  EXPECT_EQ(qconv.differentiable, (1u << 0) | (1u << 3) | (1u << 8));
  EXPECT_TRUE(QuantizedWeightAt(qconv, 3));
  EXPECT_EQ(qconv.quantized_weights, 1u << 3);
  // LSTM: every input but sequence_lens (4).
  const BackwardSpec lstm = spec("", "LSTM");
  EXPECT_EQ(lstm.kind, BackwardKind::kRecurrent);
  EXPECT_EQ(lstm.differentiable & (1u << 4), 0u);
  EXPECT_NE(lstm.differentiable & (1u << 7), 0u);
  EXPECT_TRUE(spec("", "Transpose").passes_weight);
  EXPECT_FALSE(spec("", "Relu").passes_weight);
  EXPECT_EQ(spec("", "Relu").kind, BackwardKind::kVector);
  EXPECT_EQ(spec("", "MatMul").kind, BackwardKind::kMatMul);
  EXPECT_EQ(spec("com.microsoft", "MultiHeadAttention").bias, 3);
  EXPECT_EQ(spec("com.microsoft", "Attention").kind, BackwardKind::kProjectedAttention);
  EXPECT_EQ(spec("", "Attention").kind, BackwardKind::kAttentionCore);
  EXPECT_EQ(BackwardSummary(qconv),
            "product of inputs 0 and 3; gradient into input 0, 3, 8 only; an integer weight at "
            "input 3 is trainable");
  EXPECT_EQ(BackwardSummary(lstm), "recurrent (X*W^T and H*R^T); no gradient into input 4");
}

}  // namespace
}  // namespace onnx_flops
