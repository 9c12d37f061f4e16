// com.microsoft MoE and QMoE (rules/moe.cc): hand counts at real shapes, the
// two weight layouts, SparseMixer routing, --routing worst, the output
// shape, and the errors that must never become a silent zero; then the
// testdata/moe/contrib_*.onnx models (tools/make_moe_testdata.py) end to end.
#include <string>

#include "analyzer/analyze.h"
#include "gtest/gtest.h"
#include "rules/rule_testing.h"

namespace onnx_flops {
namespace {

constexpr char kMs[] = "com.microsoft";
constexpr int32_t kU8 = onnx::TensorProto::UINT8;

// Mixtral-like: 128 token rows, hidden 64, inter 256, 8 experts, top-2.
// New layout: fc1/fc3 [E, inter, hidden], fc2 [E, hidden, inter].
NodeBuilder MixtralSilu(Dims input = {128, 64}) {
  NodeBuilder b("MoE", kMs);
  b.Input(std::move(input)).Input({128, 8})
      .Input({8, 256, 64}).AbsentInput()    // fc1, no bias
      .Input({8, 64, 256}).AbsentInput()    // fc2, no bias
      .Input({8, 256, 64})                  // fc3
      .Output({128, 64})
      .Attr("activation_type", "silu").Attr("k", 2).Attr("normalize_routing_weights", 1);
  return b;
}

// Per row of the default routing over 8 experts, top-2, normalized:
// softmax 5*8 = 40, top-2 selection (8-1)*ceil(log2(3)) = 14 comparisons,
// normalization (k-1) adds + k divides = 3: 57.
constexpr double kRouting8Top2 = 5 * 8 + 7 * 2 + 3;
// Weighted combine of 2 expert outputs per hidden element: 2 multiplies + 1 add.
constexpr double kCombineTop2Hidden64 = 3.0 * 64;

TEST(MoERule, MixtralSiluGatedWithFc3) {
  auto c = MixtralSilu().Count();
  ASSERT_TRUE(c.ok()) << c.status();
  // Balanced routing: 128 rows x top-2 = 256 expert rows. Each does fc1
  // 64x256, fc3 64x256 and fc2 256x64: 2 * 256 rows * 64*256 MACs * 3.
  EXPECT_EQ(c->matmul_flops, 2.0 * 256 * 64 * 256 * 3);  // 25,165,824
  EXPECT_EQ(c->macs, 256.0 * 64 * 256 * 3);
  // Vector: per expert row and intermediate element silu 5 (sigmoid 4 +
  // multiply) + the gate multiply by fc3 1 = 6; per row routing 57 and the
  // combine 3*64.
  EXPECT_EQ(c->vector_flops, 256.0 * 256 * 6 + 128 * kRouting8Top2 + 128 * kCombineTop2Hidden64);
  EXPECT_EQ(c->vector_flops, 425088.0);
  EXPECT_NE(c->routing.find("balanced routing: 128 rows x top-2 = 256 expert rows over 8 "
                            "experts (32 each"),
            std::string::npos)
      << c->routing;
  EXPECT_NE(c->detail.find(c->routing), std::string::npos) << c->detail;
  EXPECT_NE(c->detail.find("matmul 2*expert_rows*(hidden*fc1_cols + hidden*inter [fc3] + "
                           "inter*hidden) = 2*256*(64*256 + 64*256 + 256*64)"),
            std::string::npos)
      << c->detail;
  EXPECT_NE(c->detail.find("= 256*(6*256 + 0) + 128*(57 + 192)"), std::string::npos)
      << c->detail;
}

TEST(MoERule, ThreeDimensionalInputIsRowsTimesHidden) {
  // [4, 32, 64]: 128 rows, the same count as [128, 64].
  auto flat = MixtralSilu().Count();
  auto batched = MixtralSilu({4, 32, 64}).Count();
  ASSERT_TRUE(flat.ok() && batched.ok()) << batched.status();
  EXPECT_EQ(batched->matmul_flops, flat->matmul_flops);
  EXPECT_EQ(batched->vector_flops, flat->vector_flops);
}

TEST(MoERule, LegacyLayoutCountsTheSame) {
  // The older schema's layout: fc1/fc3 [E, hidden, inter], fc2 [E, inter,
  // hidden] (moe_helper.h: hidden != inter and fc2.dims[1] == inter).
  auto c = NodeBuilder("MoE", kMs)
               .Input({128, 64}).Input({128, 8})
               .Input({8, 64, 256}).AbsentInput().Input({8, 256, 64}).AbsentInput()
               .Input({8, 64, 256})
               .Attr("activation_type", "silu").Attr("k", 2).Attr("normalize_routing_weights", 1)
               .Count();
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->matmul_flops, 2.0 * 256 * 64 * 256 * 3);
  EXPECT_EQ(c->vector_flops, 425088.0);
  EXPECT_NE(c->detail.find("legacy layout"), std::string::npos) << c->detail;
}

TEST(MoERule, ReluWithBiasesTop1) {
  // Switch-style: [2, 16, 32] = 32 rows, hidden 32, inter 128, 4 experts,
  // k = 1 (the default), relu (the default), fc1 and fc2 biases.
  auto c = NodeBuilder("MoE", kMs)
               .Input({2, 16, 32}).Input({32, 4})
               .Input({4, 128, 32}).Input({4, 128})
               .Input({4, 32, 128}).Input({4, 32})
               .Count();
  ASSERT_TRUE(c.ok()) << c.status();
  // 32 rows x top-1 = 32 expert rows, fc1 32x128 and fc2 128x32 each.
  EXPECT_EQ(c->matmul_flops, 2.0 * 32 * 32 * 128 * 2);  // 524,288
  // Per expert row: relu 1*128 + fc1 bias 128 + fc2 bias 32 = 288.
  // Per row: softmax 5*4 + top-1 (4-1)*ceil(log2(2)) = 23 (no normalization);
  // combine (2*1-1)*32 = 32 (one multiply by the routing weight).
  EXPECT_EQ(c->vector_flops, 32.0 * 288 + 32 * (5 * 4 + 3) + 32 * 32.0);  // 10,976
}

TEST(MoERule, GeluIsTheTanhForm) {
  // onnxruntime's MoE gelu is 0.5*x*(1 + tanh(...)): 9 per element, as
  // Gelu approximate=tanh. Same shapes as ReluWithBiasesTop1, no biases.
  auto c = NodeBuilder("MoE", kMs)
               .Input({32, 32}).Input({32, 4})
               .Input({4, 128, 32}).AbsentInput().Input({4, 32, 128})
               .Attr("activation_type", "gelu")
               .Count();
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->vector_flops, 32.0 * 9 * 128 + 32 * (5 * 4 + 3) + 32 * 32.0);
  // identity: no activation at all.
  auto id = NodeBuilder("MoE", kMs)
                .Input({32, 32}).Input({32, 4})
                .Input({4, 128, 32}).AbsentInput().Input({4, 32, 128})
                .Attr("activation_type", "identity")
                .Count();
  ASSERT_TRUE(id.ok()) << id.status();
  EXPECT_EQ(id->vector_flops, 32.0 * (5 * 4 + 3) + 32 * 32.0);
}

TEST(MoERule, SwigluFusedIntoFc1) {
  // gpt-oss style: fc1 [8, 2*256, 64] holds the gate and the linear part
  // (swiglu_fusion 1: interleaved), no fc3.
  auto fused = [](bool limit) {
    NodeBuilder b("MoE", kMs);
    b.Input({128, 64}).Input({128, 8})
        .Input({8, 512, 64}).AbsentInput().Input({8, 64, 256})
        .Attr("activation_type", "swiglu").Attr("swiglu_fusion", 1).Attr("k", 2)
        .Attr("normalize_routing_weights", 1);
    if (limit) b.Attr("swiglu_limit", 7.0f);
    return b.Count();
  };
  auto c = fused(false);
  ASSERT_TRUE(c.ok()) << c.status();
  // fc1 64 -> 512 and fc2 256 -> 64 per expert row: 2*256*(64*512 + 256*64),
  // the same as fc1 + fc3 + fc2 of the unfused gate.
  EXPECT_EQ(c->matmul_flops, 2.0 * 256 * (64 * 512 + 256 * 64));
  EXPECT_EQ(c->matmul_flops, 2.0 * 256 * 64 * 256 * 3);
  // swiglu per intermediate element: alpha*G 1 + sigmoid 4 + G*sigmoid 1 +
  // (L + beta) 1 + product 1 = 8.
  EXPECT_EQ(c->vector_flops, 256.0 * 256 * 8 + 128 * kRouting8Top2 + 128 * kCombineTop2Hidden64);
  EXPECT_NE(c->detail.find("fused interleaved"), std::string::npos) << c->detail;
  // swiglu_limit adds the two clamps: 10 per element.
  auto clamped = fused(true);
  ASSERT_TRUE(clamped.ok()) << clamped.status();
  EXPECT_EQ(clamped->vector_flops,
            256.0 * 256 * 10 + 128 * kRouting8Top2 + 128 * kCombineTop2Hidden64);
}

TEST(MoERule, SwigluWithSeparateFc3) {
  // swiglu_fusion 0: the gate from fc1, the linear part from fc3; the gate
  // multiply is inside the 8, not counted again.
  auto c = NodeBuilder("MoE", kMs)
               .Input({128, 64}).Input({128, 8})
               .Input({8, 256, 64}).AbsentInput().Input({8, 64, 256}).AbsentInput()
               .Input({8, 256, 64})
               .Attr("activation_type", "swiglu").Attr("k", 2).Attr("normalize_routing_weights", 1)
               .Count();
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->matmul_flops, 2.0 * 256 * 64 * 256 * 3);
  EXPECT_EQ(c->vector_flops, 256.0 * 256 * 8 + 128 * kRouting8Top2 + 128 * kCombineTop2Hidden64);
}

TEST(MoERule, SparseMixerRouting) {
  // Phi-3.5-MoE's SparseMixer (k = 2): per row 2 rounds of (E-1) compares +
  // 5E mask + 3E masked sum + 4 (reciprocal; subtract, exp, multiply for the
  // weight) = 2*(9*8 + 3) = 150, no normalization.
  auto c = MixtralSilu().Attr("use_sparse_mixer", 1).Count();
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->matmul_flops, 2.0 * 256 * 64 * 256 * 3);
  EXPECT_EQ(c->vector_flops, 256.0 * 256 * 6 + 128 * 150.0 + 128 * kCombineTop2Hidden64);
  EXPECT_NE(c->detail.find("sparse mixer"), std::string::npos) << c->detail;
  // onnxruntime enforces k = 2.
  auto k1 = NodeBuilder("MoE", kMs)
                .Input({128, 64}).Input({128, 8})
                .Input({8, 256, 64}).AbsentInput().Input({8, 64, 256})
                .Attr("use_sparse_mixer", 1)
                .Count();
  ASSERT_FALSE(k1.ok());
  EXPECT_NE(std::string(k1.status().message()).find("k=2"), std::string::npos);
}

TEST(MoERule, RoutingWorstSendsEveryRowToEveryExpert) {
  RuleOptions worst;
  worst.routing_worst = true;
  auto c = MixtralSilu().Options(worst).Count();
  ASSERT_TRUE(c.ok()) << c.status();
  // 128 rows x 8 experts = 1,024 expert rows: 4x the balanced 256.
  EXPECT_EQ(c->matmul_flops, 2.0 * 1024 * 64 * 256 * 3);  // 100,663,296
  // The routing and the combine of the k = 2 outputs do not change.
  EXPECT_EQ(c->vector_flops,
            1024.0 * 256 * 6 + 128 * kRouting8Top2 + 128 * kCombineTop2Hidden64);
  EXPECT_NE(c->routing.find("worst-case routing: 1024 expert rows"), std::string::npos)
      << c->routing;
}

// QMoE, 4-bit: 2 weights per byte along the input dim of each product.
NodeBuilder QMoE4Bit(Dims input, Dims router) {
  NodeBuilder b("QMoE", kMs);
  b.Input(std::move(input)).Input(std::move(router))
      .Input({8, 256, 32}, kU8).Input({8, 256}).AbsentInput()   // fc1, scales, no bias
      .Input({8, 64, 128}, kU8).Input({8, 64}).AbsentInput()    // fc2, scales, no bias
      .Input({8, 256, 32}, kU8).Input({8, 256})                 // fc3, scales
      .Attr("activation_type", "silu").Attr("k", 2).Attr("normalize_routing_weights", 1)
      .Attr("expert_weight_bits", 4);
  return b;
}

TEST(QMoERule, Int4MixtralShapes) {
  auto c = QMoE4Bit({128, 64}, {128, 8}).Count();
  ASSERT_TRUE(c.ok()) << c.status();
  // inter = 64*128*2/64 = 256, fc1_cols = 256*32*2/64 = 256: the products of
  // the float MoE, 2 FLOP per MAC at 4 bits too.
  EXPECT_EQ(c->matmul_flops, 2.0 * 256 * 64 * 256 * 3);
  // The float MoE's vector work + dequantizing every expert used, 2 per
  // weight ((q - zero_point)*scale): min(8, 256) = 8 experts x 3*64*256.
  EXPECT_EQ(c->vector_flops, 425088.0 + 2.0 * 8 * 64 * 256 * 3);  // 1,211,520
  EXPECT_NE(c->detail.find("4-bit"), std::string::npos) << c->detail;
}

TEST(QMoERule, Int8EqualsInt4) {
  auto c = NodeBuilder("QMoE", kMs)
               .Input({128, 64}).Input({128, 8})
               .Input({8, 256, 64}, kU8).Input({8, 256}).AbsentInput()
               .Input({8, 64, 256}, kU8).Input({8, 64}).AbsentInput()
               .Input({8, 256, 64}, kU8).Input({8, 256})
               .Attr("activation_type", "silu").Attr("k", 2).Attr("normalize_routing_weights", 1)
               .Attr("expert_weight_bits", 8)
               .Count();
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->matmul_flops, 2.0 * 256 * 64 * 256 * 3);
  EXPECT_EQ(c->vector_flops, 425088.0 + 2.0 * 8 * 64 * 256 * 3);
}

TEST(QMoERule, DecodeStepDequantizesOnlyTheChosenExperts) {
  // One token, top-2: 2 expert rows, and at most 2 of the 8 experts' weights
  // are dequantized.
  auto c = QMoE4Bit({1, 64}, {1, 8}).Count();
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->matmul_flops, 2.0 * 2 * 64 * 256 * 3);  // 196,608
  EXPECT_EQ(c->vector_flops,
            2.0 * 256 * 6 + kRouting8Top2 + kCombineTop2Hidden64 + 2.0 * 2 * 64 * 256 * 3);
  // --routing worst: every expert gets the token, every expert is dequantized.
  RuleOptions worst;
  worst.routing_worst = true;
  auto w = QMoE4Bit({1, 64}, {1, 8}).Options(worst).Count();
  ASSERT_TRUE(w.ok()) << w.status();
  EXPECT_EQ(w->matmul_flops, 2.0 * 8 * 64 * 256 * 3);
  EXPECT_EQ(w->vector_flops,
            8.0 * 256 * 6 + kRouting8Top2 + kCombineTop2Hidden64 + 2.0 * 8 * 64 * 256 * 3);
}

TEST(QMoERule, SwigluFusedBlockwise) {
  // 4-bit, fc1 [8, 2*256, 64/2], block_size 32 (3-D scales), fused swiglu.
  auto c = NodeBuilder("QMoE", kMs)
               .Input({128, 64}).Input({128, 8})
               .Input({8, 512, 32}, kU8).Input({8, 512, 2}).AbsentInput()
               .Input({8, 64, 128}, kU8).Input({8, 64, 8})
               .Attr("activation_type", "swiglu").Attr("swiglu_fusion", 1).Attr("k", 2)
               .Attr("normalize_routing_weights", 1).Attr("block_size", 32)
               .Count();
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->matmul_flops, 2.0 * 256 * 64 * 256 * 3);
  EXPECT_EQ(c->vector_flops, 256.0 * 256 * 8 + 128 * kRouting8Top2 + 128 * kCombineTop2Hidden64 +
                                 2.0 * 8 * 64 * 256 * 3);
  EXPECT_NE(c->detail.find("block_size 32"), std::string::npos) << c->detail;
}

TEST(MoERule, OutputHasTheInputsShapeAndType) {
  auto out = NodeBuilder("MoE", kMs)
                 .Input({4, 32, 64}, onnx::TensorProto::FLOAT16).Input({128, 8})
                 .Input({8, 256, 64}).AbsentInput().Input({8, 64, 256})
                 .UnknownOutput()
                 .Propagate();
  ASSERT_TRUE(out.ok()) << out.status();
  ASSERT_EQ(out->size(), 1u);
  EXPECT_EQ((*out)[0].dims, (Dims{4, 32, 64}));
  EXPECT_EQ((*out)[0].elem_type, onnx::TensorProto::FLOAT16);
  auto q = QMoE4Bit({128, 64}, {128, 8}).Propagate();
  ASSERT_TRUE(q.ok()) << q.status();
  EXPECT_EQ((*q)[0].dims, (Dims{128, 64}));
}

TEST(MoERule, BackwardIsAProductOfTheInputAndTheWeights) {
  const Rule* moe = FindRule(DefaultRules(), kMs, "MoE");
  ASSERT_NE(moe, nullptr);
  EXPECT_EQ(moe->family, "moe");
  EXPECT_EQ(moe->backward.kind, BackwardKind::kProduct);
  EXPECT_EQ(moe->backward.a, 0);
  EXPECT_EQ(moe->backward.b, 2);
  const Rule* qmoe = FindRule(DefaultRules(), kMs, "QMoE");
  ASSERT_NE(qmoe, nullptr);
  EXPECT_EQ(qmoe->backward.kind, BackwardKind::kProduct);
  EXPECT_EQ(qmoe->backward.quantized_weights, Slots({2, 5, 8}));  // fc1, fc2, fc3
  EXPECT_EQ(qmoe->backward.differentiable & Slots({3, 6, 9, 11}), 0u);  // scales, zero points
}

// The error, or an empty string when it counted.
std::string Error(const NodeBuilder& b) {
  auto c = b.Count();
  return c.ok() ? std::string() : std::string(c.status().message());
}

TEST(MoERule, MissingOrInconsistentShapesAreErrorsNamingWhat) {
  // fc2's shape unknown: no inter size, no count.
  std::string e = Error(NodeBuilder("MoE", kMs)
                            .Input({128, 64}).Input({128, 8})
                            .Input({8, 256, 64}).AbsentInput().UnknownInput());
  EXPECT_NE(e.find("fc2_experts_weights"), std::string::npos) << e;
  EXPECT_NE(e.find("unknown"), std::string::npos) << e;
  // fc1 left out.
  e = Error(NodeBuilder("MoE", kMs)
                .Input({128, 64}).Input({128, 8}).AbsentInput().AbsentInput()
                .Input({8, 64, 256}));
  EXPECT_NE(e.find("fc1_experts_weights (input 2) is missing"), std::string::npos) << e;
  // Only the input and the router.
  e = Error(NodeBuilder("MoE", kMs).Input({128, 64}).Input({128, 8}));
  EXPECT_NE(e.find("fc1_experts_weights"), std::string::npos) << e;
  // A symbolic token count, unbound: named.
  e = Error(NodeBuilder("MoE", kMs)
                .SymbolicInput({-1, 64}, {"tokens", ""}).Input({128, 8})
                .Input({8, 256, 64}).AbsentInput().Input({8, 64, 256}));
  EXPECT_NE(e.find("tokens"), std::string::npos) << e;
  // fc1 for another number of experts than the router's.
  e = Error(NodeBuilder("MoE", kMs)
                .Input({128, 64}).Input({128, 8})
                .Input({4, 256, 64}).AbsentInput().Input({4, 64, 256}));
  EXPECT_NE(e.find("4 experts, router_probs 8"), std::string::npos) << e;
  // Router rows differ from the input's.
  e = Error(NodeBuilder("MoE", kMs)
                .Input({128, 64}).Input({64, 8})
                .Input({8, 256, 64}).AbsentInput().Input({8, 64, 256}));
  EXPECT_NE(e.find("router_probs must be [rows, experts] with rows=128"), std::string::npos) << e;
  // fc1 with 2*inter columns but no SwiGLU to use them.
  e = Error(NodeBuilder("MoE", kMs)
                .Input({128, 64}).Input({128, 8})
                .Input({8, 512, 64}).AbsentInput().Input({8, 64, 256}));
  EXPECT_NE(e.find("512 columns per expert, fc2 256"), std::string::npos) << e;
  // SwiGLU with neither a fused fc1 nor fc3.
  e = Error(NodeBuilder("MoE", kMs)
                .Input({128, 64}).Input({128, 8})
                .Input({8, 256, 64}).AbsentInput().Input({8, 64, 256})
                .Attr("activation_type", "swiglu"));
  EXPECT_NE(e.find("swiglu needs its linear part"), std::string::npos) << e;
  // A weight that is not 3-D, a shape that fits neither layout.
  e = Error(NodeBuilder("MoE", kMs)
                .Input({128, 64}).Input({128, 8})
                .Input({8, 16384}).AbsentInput().Input({8, 64, 256}));
  EXPECT_NE(e.find("must be 3-D"), std::string::npos) << e;
  e = Error(NodeBuilder("MoE", kMs)
                .Input({128, 64}).Input({128, 8})
                .Input({8, 128, 128}).AbsentInput().Input({8, 64, 256}));
  EXPECT_NE(e.find("fc1_experts_weights is 8x128x128, expected 8x256x64"), std::string::npos)
      << e;
  // A bias of the wrong size.
  e = Error(NodeBuilder("MoE", kMs)
                .Input({128, 64}).Input({128, 8})
                .Input({8, 256, 64}).Input({8, 64}).Input({8, 64, 256}));
  EXPECT_NE(e.find("fc1_experts_bias is 8x64, expected 8x256"), std::string::npos) << e;
  // Attributes out of range.
  e = Error(NodeBuilder("MoE", kMs)
                .Input({128, 64}).Input({128, 8})
                .Input({8, 256, 64}).AbsentInput().Input({8, 64, 256})
                .Attr("activation_type", "tanh"));
  EXPECT_NE(e.find("activation_type 'tanh'"), std::string::npos) << e;
  e = Error(NodeBuilder("MoE", kMs)
                .Input({128, 64}).Input({128, 8})
                .Input({8, 256, 64}).AbsentInput().Input({8, 64, 256})
                .Attr("k", 9));
  EXPECT_NE(e.find("k=9"), std::string::npos) << e;
}

TEST(QMoERule, ErrorsNamingWhat) {
  std::string e = Error(NodeBuilder("QMoE", kMs)
                            .Input({128, 64}).Input({128, 8})
                            .Input({8, 256, 32}, kU8).Input({8, 256}).AbsentInput()
                            .Input({8, 64, 128}, kU8).Input({8, 64})
                            .Attr("expert_weight_bits", 3));
  EXPECT_NE(e.find("expert_weight_bits=3"), std::string::npos) << e;
  // Read at 8 bits, the 4-bit shapes give fc2 inter 128 but fc1 [8, 256, 32]
  // half a hidden: an error, not a count of half the work.
  e = Error(NodeBuilder("QMoE", kMs)
                .Input({128, 64}).Input({128, 8})
                .Input({8, 256, 32}, kU8).Input({8, 256}).AbsentInput()
                .Input({8, 64, 128}, kU8).Input({8, 64})
                .Attr("expert_weight_bits", 8));
  EXPECT_NE(e.find("fc1_experts_weights"), std::string::npos) << e;
  // The fc2 weights of a QMoE sit at input 5.
  e = Error(NodeBuilder("QMoE", kMs)
                .Input({128, 64}).Input({128, 8})
                .Input({8, 256, 32}, kU8).Input({8, 256}).AbsentInput()
                .AbsentInput());
  EXPECT_NE(e.find("fc2_experts_weights (input 5) is missing"), std::string::npos) << e;
  e = Error(QMoE4Bit({128, 64}, {128, 8}).Attr("quant_type", "nvfp4"));
  EXPECT_NE(e.find("nvfp4"), std::string::npos) << e;
}

// ---- The testdata models, end to end (tools/make_moe_testdata.py) ----

Report AnalyzeMoE(const std::string& name) {
  AnalyzeOptions o;
  o.bindings.dims.emplace_back("tokens", 128);
  absl::StatusOr<Report> r =
      AnalyzeFile(std::string(ONNX_FLOPS_TESTDATA) + "/moe/" + name, o);
  EXPECT_TRUE(r.ok()) << r.status();
  return r.ok() ? *r : Report();
}

TEST(MoETestdata, ContribModelsCountAtTheirHandCounts) {
  // Each model: x [tokens, hidden] -> router MatMul x * Wr [hidden, E] (the
  // logits MoE softmaxes) -> MoE -> y. tokens = 128.
  // contrib_moe_silu.onnx: hidden 32, inter 64, 8 experts, silu gated by
  // fc3, top-2, normalized. Router 2*128*32*8; 256 expert rows x 3 products
  // of 32*64 MACs.
  Report silu = AnalyzeMoE("contrib_moe_silu.onnx");
  EXPECT_EQ(silu.forward().coverage().uncounted(), 0);
  EXPECT_EQ(silu.forward().matmul_flops(), 2.0 * 128 * 32 * 8 + 2.0 * 256 * 32 * 64 * 3);
  // silu 5 + gate 1 per intermediate element; routing 57 and combine 3*32 per row.
  EXPECT_EQ(silu.forward().vector_flops(), 256.0 * 64 * 6 + 128 * kRouting8Top2 + 128 * 3 * 32.0);
  // contrib_moe_swiglu.onnx: fc1 [8, 2*64, 32] interleaved, no fc3: the same
  // products; swiglu 8 per intermediate element.
  Report swiglu = AnalyzeMoE("contrib_moe_swiglu.onnx");
  EXPECT_EQ(swiglu.forward().coverage().uncounted(), 0);
  EXPECT_EQ(swiglu.forward().matmul_flops(), 2.0 * 128 * 32 * 8 + 2.0 * 256 * (32 * 128 + 64 * 32));
  EXPECT_EQ(swiglu.forward().vector_flops(),
            256.0 * 64 * 8 + 128 * kRouting8Top2 + 128 * 3 * 32.0);
  // contrib_qmoe_int4.onnx: 4-bit, hidden 64, inter 128, 4 experts, relu,
  // top-2, not normalized. Router 2*128*64*4; 256 expert rows x (64*128 +
  // 128*64) MACs.
  Report q = AnalyzeMoE("contrib_qmoe_int4.onnx");
  EXPECT_EQ(q.forward().coverage().uncounted(), 0);
  EXPECT_EQ(q.forward().matmul_flops(), 2.0 * 128 * 64 * 4 + 2.0 * 256 * 64 * 128 * 2);
  // relu 1*128 per expert row; per row softmax 5*4 + top-2 (4-1)*ceil(log2(3))
  // = 26 and the combine 3*64; dequantizing the 4 experts' 2*64*128 weights,
  // 2 each.
  EXPECT_EQ(q.forward().vector_flops(),
            256.0 * 128 + 128 * 26.0 + 128 * kCombineTop2Hidden64 + 2.0 * 4 * 64 * 128 * 2);
}

}  // namespace
}  // namespace onnx_flops
