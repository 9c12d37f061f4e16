#include <string>

#include "gtest/gtest.h"
#include "rules/rule_testing.h"

namespace onnx_flops {
namespace {

constexpr char kMs[] = "com.microsoft";
constexpr int32_t kU8 = onnx::TensorProto::UINT8;
constexpr int32_t kI8 = onnx::TensorProto::INT8;

TEST(MatMulIntegerRule, BertFeedForwardInt8) {
  // Same MACs as the float MatMul: 2*128*768*3072 = 603979776.
  auto c = NodeBuilder("MatMulInteger").Opset(10).Input({1, 128, 768}, kU8)
               .Input({768, 3072}, kI8).Input({}, kU8).Input({}, kI8).Count();
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->matmul_flops, 603979776.0);
  EXPECT_EQ(c->macs, 301989888.0);
  EXPECT_EQ(c->vector_flops, 0.0);
  auto f = NodeBuilder("MatMul").Input({1, 128, 768}).Input({768, 3072}).Count();
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(c->matmul_flops, f->matmul_flops);
}

TEST(QLinearMatMulRule, RequantizesTheOutput) {
  // a [128,768] x b [768,768]: 2*128*768*768 = 150994944; requantize
  // 2*128*768 = 196608.
  auto c = NodeBuilder("QLinearMatMul").Opset(10)
               .Input({128, 768}, kU8).Input({}).Input({}, kU8)
               .Input({768, 768}, kI8).Input({}).Input({}, kI8)
               .Input({}).Input({}, kU8).Count();
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->matmul_flops, 150994944.0);
  EXPECT_EQ(c->vector_flops, 196608.0);
  EXPECT_FALSE(NodeBuilder("QLinearMatMul").Input({128, 768}, kU8).Input({}).Input({}, kU8)
                   .Input({512, 768}, kI8).Count().ok());
}

TEST(MatMulIntegerToFloatRule, ScaleAndBias) {
  // [1,128,768] x [768,768]: 150994944; scale + bias 2*98304 = 196608.
  auto c = NodeBuilder("MatMulIntegerToFloat", kMs)
               .Input({1, 128, 768}, kU8).Input({768, 768}, kI8).Input({}).Input({768})
               .AbsentInput().AbsentInput().Input({768}).Count();
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->matmul_flops, 150994944.0);
  EXPECT_EQ(c->vector_flops, 196608.0);
}

TEST(DynamicQuantizeMatMulRule, BertFeedForward) {
  // Quantize A [1,128,768]: 6*98304 + 6 = 589830; 603979776 matmul; scale
  // and bias on 128*3072 = 393216 outputs each.
  auto c = NodeBuilder("DynamicQuantizeMatMul", kMs)
               .Input({1, 128, 768}).Input({768, 3072}, kI8).Input({3072}).Input({3072}, kI8)
               .Input({3072}).Count();
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->matmul_flops, 603979776.0);
  EXPECT_EQ(c->vector_flops, 589830.0 + 2.0 * 393216);  // 1376262
  // The quantization matches the standalone DynamicQuantizeLinear rule.
  auto dql = NodeBuilder("DynamicQuantizeLinear").Opset(11).Input({1, 128, 768}).Count();
  ASSERT_TRUE(dql.ok());
  EXPECT_EQ(dql->vector_flops, 589830.0);
}

NodeBuilder LlamaMlpUp(int64_t tokens) {
  // Llama-2-7B up projection, 4-bit, block 32: B [11008, 4096/32 = 128, 16].
  NodeBuilder b("MatMulNBits", kMs);
  b.Input({1, tokens, 4096}).Input({11008, 128, 16}, kU8).Input({11008 * 128})
      .Attr("K", 4096).Attr("N", 11008).Attr("bits", 4).Attr("block_size", 32);
  return b;
}

TEST(MatMulNBitsRule, LlamaDecodeAndPrefill) {
  // Decode: 4096*11008 = 45088768 MACs, 90177536 FLOPs; dequantizing the
  // 45088768 weights at 2 each = 90177536 vector.
  auto d = LlamaMlpUp(1).Count();
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->macs, 45088768.0);
  EXPECT_EQ(d->matmul_flops, 90177536.0);
  EXPECT_EQ(d->vector_flops, 90177536.0);
  // Prefill 128 tokens: 128x the MACs, the dequantization once.
  auto p = LlamaMlpUp(128).Count();
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->matmul_flops, 128.0 * 90177536);  // 11542724608
  EXPECT_EQ(p->vector_flops, 90177536.0);
  // Bias (input 5): + 11008 adds per token.
  auto b = LlamaMlpUp(1).AbsentInput().AbsentInput().Input({11008}).Count();
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_EQ(b->vector_flops, 90177536.0 + 11008);
  // A unknown, output [1,1,11008] known: 1 row.
  auto o = NodeBuilder("MatMulNBits", kMs).UnknownInput().Input({11008, 128, 16}, kU8)
               .Output({1, 1, 11008}).Attr("K", 4096).Attr("N", 11008).Count();
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(o->matmul_flops, 90177536.0);
}

TEST(MatMulNBitsRule, FailurePaths) {
  auto n = NodeBuilder("MatMulNBits", kMs).Input({1, 1, 4096}).Input({11008, 128, 16}, kU8)
               .Attr("K", 4096).Count();
  ASSERT_FALSE(n.ok());
  EXPECT_NE(std::string(n.status().message()).find("'N'"), std::string::npos) << n.status();
  EXPECT_FALSE(NodeBuilder("MatMulNBits", kMs).Input({1, 1, 4000}).Input({11008, 128, 16}, kU8)
                   .Attr("K", 4096).Attr("N", 11008).Count().ok());
  auto sym = NodeBuilder("MatMulNBits", kMs).SymbolicInput({1, -1, 4096}, {"", "seq", ""})
                 .Input({11008, 128, 16}, kU8).Attr("K", 4096).Attr("N", 11008).Count();
  ASSERT_FALSE(sym.ok());
  EXPECT_NE(std::string(sym.status().message()).find("seq"), std::string::npos);
}

TEST(QLinearBinaryRules, AddAndMul) {
  // MobileNet-style quantized residual [1,56,56,24] = 75264 elements: 3 each.
  for (const char* op : {"QLinearAdd", "QLinearMul"}) {
    auto c = NodeBuilder(op, kMs)
                 .Input({1, 56, 56, 24}, kU8).Input({}).Input({}, kU8)
                 .Input({1, 56, 56, 24}, kU8).Input({}).Input({}, kU8)
                 .Input({}).Input({}, kU8).Count();
    ASSERT_TRUE(c.ok()) << op << ": " << c.status();
    EXPECT_EQ(c->vector_flops, 225792.0) << op;
  }
  // Broadcast of a per-channel operand [24] onto [1,56,56,24].
  auto b = NodeBuilder("QLinearMul", kMs).Input({1, 56, 56, 24}, kU8).Input({}).Input({}, kU8)
               .Input({24}, kU8).Input({}).Input({}, kU8).Input({}).Input({}, kU8).Count();
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_EQ(b->vector_flops, 225792.0);
  EXPECT_FALSE(NodeBuilder("QLinearAdd", kMs).Input({1, 56, 56, 24}, kU8).Input({}).Input({}, kU8)
                   .Input({1, 56, 56, 23}, kU8).Count().ok());
}

TEST(QuantizedRule, ContribQuantizeAndDequantizeAreTheOnnxOps) {
  // [2, 8] = 16 elements: quantize 4 each = 64, dequantize 2 each = 32.
  auto q = NodeBuilder("QuantizeLinear", "com.microsoft").Input({2, 8}).Input({})
               .UnknownOutput().Count();
  ASSERT_TRUE(q.ok()) << q.status();
  EXPECT_EQ(q->vector_flops, 64.0);
  auto d = NodeBuilder("DequantizeLinear", "com.microsoft").Input({2, 8}, onnx::TensorProto::INT8)
               .Input({}).UnknownOutput().Count();
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->vector_flops, 32.0);
}

TEST(QuantizedRule, ContribQuantizeAndDequantizeShapes) {
  // QuantizeLinear: x's shape at the zero point's type; DequantizeLinear: at the scale's.
  NodeBuilder q("QuantizeLinear", "com.microsoft");
  q.Input({2, 8}).Input({}).Input({}, onnx::TensorProto::INT8);
  auto qo = q.Propagate();
  ASSERT_TRUE(qo.ok()) << qo.status();
  EXPECT_EQ((*qo)[0].dims, (Dims{2, 8}));
  EXPECT_EQ((*qo)[0].elem_type, onnx::TensorProto::INT8);
  NodeBuilder d("DequantizeLinear", "com.microsoft");
  d.Input({2, 8}, onnx::TensorProto::UINT16).Input({}, onnx::TensorProto::FLOAT16);
  auto dq = d.Propagate();
  ASSERT_TRUE(dq.ok()) << dq.status();
  EXPECT_EQ((*dq)[0].dims, (Dims{2, 8}));
  EXPECT_EQ((*dq)[0].elem_type, onnx::TensorProto::FLOAT16);
}

}  // namespace
}  // namespace onnx_flops
