#include <string>

#include "gtest/gtest.h"
#include "rules/rule_testing.h"

namespace onnx_flops {
namespace {

constexpr char kMs[] = "com.microsoft";
constexpr int32_t kInt32 = onnx::TensorProto::INT32;

double VectorFlops(const NodeBuilder& b) {
  auto c = b.Count();
  EXPECT_TRUE(c.ok()) << c.status();
  return c.ok() ? c->vector_flops : -1;
}

TEST(SkipLayerNormalizationRule, BertBase) {
  // BERT-base residual + LayerNorm, [1,128,768] = 98304 elements, 128 rows.
  // With bias and beta: (2 adds + 7 norm)*98304 + 5*128 = 884736 + 640.
  auto c = NodeBuilder("SkipLayerNormalization", kMs)
               .Input({1, 128, 768}).Input({1, 128, 768}).Input({768}).Input({768}).Input({768})
               .Count();
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->vector_flops, 885376.0);
  EXPECT_EQ(c->matmul_flops, 0.0);
  // No beta, no bias: (1 + 6)*98304 + 640 = 688768.
  EXPECT_EQ(VectorFlops(NodeBuilder("SkipLayerNormalization", kMs)
                            .Input({1, 128, 768}).Input({1, 128, 768}).Input({768})),
            688768.0);
  // Same as the unfused Add + Add(bias) + LayerNormalization(with B).
  const double add = VectorFlops(NodeBuilder("Add").Input({1, 128, 768}).Input({1, 128, 768}));
  const double ln = VectorFlops(NodeBuilder("LayerNormalization").Opset(17)
                                    .Input({1, 128, 768}).Input({768}).Input({768}));
  EXPECT_EQ(c->vector_flops, 2 * add + ln);
}

TEST(SkipSimplifiedLayerNormalizationRule, Llama) {
  // Llama residual + RMSNorm, [1,128,4096] = 524288 elements, 128 rows:
  // (1 + 4)*524288 + 4*128 = 2621952; with bias one more add per element.
  EXPECT_EQ(VectorFlops(NodeBuilder("SkipSimplifiedLayerNormalization", kMs)
                            .Input({1, 128, 4096}).Input({1, 128, 4096}).Input({4096})),
            2621952.0);
  EXPECT_EQ(VectorFlops(NodeBuilder("SkipSimplifiedLayerNormalization", kMs)
                            .Input({1, 128, 4096}).Input({1, 128, 4096}).Input({4096})
                            .Input({4096})),
            2621952.0 + 524288);
}

TEST(SimplifiedLayerNormalizationRule, MatchesRmsNormalization) {
  // [1,128,4096]: 4*524288 + 4*128 = 2097664, in the ONNX domain (where
  // onnxruntime defines it) and under com.microsoft.
  EXPECT_EQ(VectorFlops(NodeBuilder("SimplifiedLayerNormalization")
                            .Input({1, 128, 4096}).Input({4096})),
            2097664.0);
  EXPECT_EQ(VectorFlops(NodeBuilder("SimplifiedLayerNormalization", kMs)
                            .Input({1, 128, 4096}).Input({4096})),
            2097664.0);
  EXPECT_EQ(VectorFlops(NodeBuilder("RMSNormalization").Opset(23)
                            .Input({1, 128, 4096}).Input({4096})),
            2097664.0);
  // axis 1: rows = 1, 4*524288 + 4 = 2097156.
  EXPECT_EQ(VectorFlops(NodeBuilder("SimplifiedLayerNormalization")
                            .Input({1, 128, 4096}).Input({128, 4096}).Attr("axis", 1)),
            2097156.0);
}

TEST(EmbedLayerNormalizationRule, BertBase) {
  // input_ids, segment_ids [1,128]; word [30522,768], position [512,768],
  // segment [2,768]; gamma, beta; mask [1,128]. 98304 outputs:
  // (2 adds + 7 norm)*98304 + 5*128 + 128 (mask) = 885504.
  auto c = NodeBuilder("EmbedLayerNormalization", kMs)
               .Input({1, 128}, kInt32).Input({1, 128}, kInt32).Input({30522, 768})
               .Input({512, 768}).Input({2, 768}).Input({768}).Input({768}).Input({1, 128}, kInt32)
               .Count();
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->vector_flops, 885504.0);
  // DistilBERT: no segments, no mask: (1 + 7)*98304 + 640 = 787072.
  EXPECT_EQ(VectorFlops(NodeBuilder("EmbedLayerNormalization", kMs)
                            .Input({1, 128}, kInt32).AbsentInput().Input({30522, 768})
                            .Input({512, 768}).AbsentInput().Input({768}).Input({768})),
            787072.0);
  auto sym = NodeBuilder("EmbedLayerNormalization", kMs)
                 .SymbolicInput({-1, 128}, {"batch", ""}).AbsentInput().Input({30522, 768})
                 .Input({512, 768}).AbsentInput().Input({768}).Input({768}).Count();
  ASSERT_FALSE(sym.ok());
  EXPECT_NE(std::string(sym.status().message()).find("batch"), std::string::npos);
}

TEST(ContribGeluRules, BertFeedForward) {
  // BERT-base FFN activation [1,128,3072] = 393216 elements.
  // BiasGelu: 1 add + 5 erf-Gelu = 6 -> 2359296.
  EXPECT_EQ(VectorFlops(NodeBuilder("BiasGelu", kMs).Input({1, 128, 3072}).Input({3072})),
            2359296.0);
  // FastGelu (tanh form 9) with bias: 10 -> 3932160; without: 3538944.
  EXPECT_EQ(VectorFlops(NodeBuilder("FastGelu", kMs).Input({1, 128, 3072}).Input({3072})),
            3932160.0);
  EXPECT_EQ(VectorFlops(NodeBuilder("FastGelu", kMs).Input({1, 128, 3072})), 3538944.0);
  // com.microsoft Gelu = ONNX Gelu (opset 20, erf form): 5 -> 1966080.
  EXPECT_EQ(VectorFlops(NodeBuilder("Gelu", kMs).Input({1, 128, 3072})), 1966080.0);
  EXPECT_EQ(VectorFlops(NodeBuilder("Gelu").Opset(20).Input({1, 128, 3072})), 1966080.0);
  // FastGelu = ONNX Gelu approximate=tanh.
  EXPECT_EQ(VectorFlops(NodeBuilder("Gelu").Opset(20).Input({1, 128, 3072})
                            .Attr("approximate", "tanh")),
            3538944.0);
}

TEST(ContribActivationRules, QuickGeluAndBiasAdd) {
  // CLIP text MLP [1,77,3072] = 236544 elements, x*sigmoid(1.702x): 6 each.
  EXPECT_EQ(VectorFlops(NodeBuilder("QuickGelu", kMs).Input({1, 77, 3072})
                            .Attr("alpha", 1.702f)),
            1419264.0);
  // Stable Diffusion BiasAdd [2,4096,320] = 2621440: 2 adds each.
  EXPECT_EQ(VectorFlops(NodeBuilder("BiasAdd", kMs).Input({2, 4096, 320}).Input({320})
                            .Input({2, 4096, 320})),
            5242880.0);
  auto u = NodeBuilder("QuickGelu", kMs).SymbolicInput({1, -1, 3072}, {"", "tokens", ""})
               .Count();
  ASSERT_FALSE(u.ok());
  EXPECT_NE(std::string(u.status().message()).find("tokens"), std::string::npos);
}

TEST(FusedMatMulRule, TransposesAndAlpha) {
  // BERT attention scores Q*K^T/8 as FusedMatMul(transB=1, alpha=0.125):
  // A, B [1,12,128,64]: 2*12*128*64*128 = 25165824; alpha 12*128*128 = 196608.
  auto c = NodeBuilder("FusedMatMul", kMs).Input({1, 12, 128, 64}).Input({1, 12, 128, 64})
               .Attr("transB", 1).Attr("alpha", 0.125f).Count();
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->matmul_flops, 25165824.0);
  EXPECT_EQ(c->macs, 12582912.0);
  EXPECT_EQ(c->vector_flops, 196608.0);
  // transBatchA: A [128, 12, 64] is viewed as [12, 128, 64]; B [12, 64, 128].
  auto tb = NodeBuilder("FusedMatMul", kMs).Input({128, 12, 64}).Input({12, 64, 128})
                .Attr("transBatchA", 1).Count();
  ASSERT_TRUE(tb.ok()) << tb.status();
  EXPECT_EQ(tb->matmul_flops, 25165824.0);
  EXPECT_EQ(tb->vector_flops, 0.0);
  // transBatchA + transA: A [64, 12, 128] -> [12, 64, 128] -> [12, 128, 64].
  auto both = NodeBuilder("TransposeMatMul", kMs).Input({64, 12, 128}).Input({12, 64, 128})
                  .Attr("transBatchA", 1).Attr("transA", 1).Count();
  ASSERT_TRUE(both.ok()) << both.status();
  EXPECT_EQ(both->matmul_flops, 25165824.0);
  // Mismatched K.
  EXPECT_FALSE(NodeBuilder("FusedMatMul", kMs).Input({1, 12, 128, 64}).Input({1, 12, 128, 64})
                   .Count().ok());
}

TEST(ContribFusionRule, FusedGemmAndFusedConvAreTheProductPlusTheActivation) {
  // Gemm A [4, 8] x B [8, 16] + C: 2*4*8*16 = 1024 matmul; C add 4*16 = 64; Relu 1*64.
  auto g = NodeBuilder("FusedGemm", kMs).Input({4, 8}).Input({8, 16}).Input({16})
               .UnknownOutput().Attr("activation", "Relu").Count();
  ASSERT_TRUE(g.ok()) << g.status();
  EXPECT_EQ(g->matmul_flops, 1024.0);
  EXPECT_EQ(g->vector_flops, 64.0 + 64.0);
  // Conv X [1, 2, 5, 5], W [3, 2, 3, 3] -> Y [1, 3, 3, 3] (27): 2*27*2*9 = 972 matmul;
  // bias 27 + Z 27 + Sigmoid 4*27 = 108.
  auto c = NodeBuilder("FusedConv", kMs).Input({1, 2, 5, 5}).Input({3, 2, 3, 3}).Input({3})
               .Input({1, 3, 3, 3}).UnknownOutput().Attr("activation", "Sigmoid").Count();
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->matmul_flops, 972.0);
  EXPECT_EQ(c->vector_flops, 27.0 + 27.0 + 108.0);
  // No activation: the Conv alone (bias 27).
  auto plain = NodeBuilder("FusedConv", kMs).Input({1, 2, 5, 5}).Input({3, 2, 3, 3}).Input({3})
                   .UnknownOutput().Count();
  ASSERT_TRUE(plain.ok()) << plain.status();
  EXPECT_EQ(plain->vector_flops, 27.0);
  EXPECT_FALSE(NodeBuilder("FusedGemm", kMs).Input({4, 8}).Input({8, 16}).UnknownOutput()
                   .Attr("activation", "NoSuchThing").Count().ok());
}

TEST(ContribFusionRule, GemmFastGelu) {
  // X [2, 3, 8] x W [8, 4]: M = 6, N = 4, K = 8: 2*6*4*8 = 384; bias 24 + tanh Gelu 9*24.
  auto c = NodeBuilder("GemmFastGelu", kMs).Input({2, 3, 8}).Input({8, 4}).Input({4})
               .UnknownOutput().Count();
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->matmul_flops, 384.0);
  EXPECT_EQ(c->vector_flops, 24.0 + 216.0);
}

TEST(ContribFusionRule, NormalizationsAndSoftmax) {
  // com.microsoft LayerNormalization = ONNX's: X [2, 5, 16] with B: 7*160 + 5*10 = 1170.
  auto ln = NodeBuilder("LayerNormalization", kMs).Input({2, 5, 16}).Input({16}).Input({16})
                .UnknownOutput().Count();
  ASSERT_TRUE(ln.ok()) << ln.status();
  EXPECT_EQ(ln->vector_flops, 1170.0);
  // BiasSoftmax on [2, 4, 8, 8] (512): bias add 1 + softmax 5 = 3072.
  auto bs = NodeBuilder("BiasSoftmax", kMs).Input({2, 4, 8, 8}).Input({2, 4, 8, 8})
                .UnknownOutput().Count();
  ASSERT_TRUE(bs.ok()) << bs.status();
  EXPECT_EQ(bs->vector_flops, 3072.0);
  // BiasDropout [2, 3, 4] (24): bias 24, + residual 24.
  auto bd = NodeBuilder("BiasDropout", kMs).Input({2, 3, 4}).Input({4}).UnknownOutput().Count();
  ASSERT_TRUE(bd.ok()) << bd.status();
  EXPECT_EQ(bd->vector_flops, 24.0);
  auto bdr = NodeBuilder("BitmaskBiasDropout", kMs).Input({2, 3, 4}).Input({4})
                 .Input({2, 3, 4}).UnknownOutput().Count();
  ASSERT_TRUE(bdr.ok()) << bdr.status();
  EXPECT_EQ(bdr->vector_flops, 48.0);
  // GroupNorm NHWC X [2, 4, 4, 8] (256), 4 groups, SiLU: (7 + 4 + 1)*256 + 5*2*4 = 3112.
  auto gn = NodeBuilder("GroupNorm", kMs).Input({2, 4, 4, 8}).Input({8}).Input({8})
                .UnknownOutput().Attr("groups", 4).Attr("activation", 1).Count();
  ASSERT_TRUE(gn.ok()) << gn.status();
  EXPECT_EQ(gn->vector_flops, 3112.0);
  // SkipGroupNorm with bias, no SiLU: (7 + 1 + 1)*256 + 40 = 2344.
  auto sgn = NodeBuilder("SkipGroupNorm", kMs).Input({2, 4, 4, 8}).Input({8}).Input({8})
                 .Input({2, 4, 4, 8}).Input({8}).UnknownOutput().Attr("groups", 4).Count();
  ASSERT_TRUE(sgn.ok()) << sgn.status();
  EXPECT_EQ(sgn->vector_flops, 2344.0);
  EXPECT_FALSE(NodeBuilder("GroupNorm", kMs).Input({2, 4, 4, 8}).UnknownOutput()
                   .Attr("groups", 3).Count().ok());
  // BiasSplitGelu X [2, 16, 20] (640) -> Y [2, 16, 10] (320): 640 + 6*320 = 2560.
  auto sg = NodeBuilder("BiasSplitGelu", kMs).Input({2, 16, 20}).Input({20}).UnknownOutput()
                .Count();
  ASSERT_TRUE(sg.ok()) << sg.status();
  EXPECT_EQ(sg->vector_flops, 2560.0);
}

TEST(ContribRule, NhwcConv) {
  // X [1, 56, 56, 64], W [128, 3, 3, 64], bias, stride 1, pads 1: as Conv on
  // [1, 64, 56, 56] x [128, 64, 3, 3]: Y [1, 56, 56, 128];
  // 2*1*128*56*56*64*9 = 462,422,016 matmul FLOPs + 128*56*56 = 401,408 bias adds.
  NodeBuilder b("NhwcConv", "com.microsoft");
  b.Opset(1).Input({1, 56, 56, 64}).Input({128, 3, 3, 64}).Input({128})
      .Attr("kernel_shape", std::vector<int64_t>{3, 3})
      .Attr("pads", std::vector<int64_t>{1, 1, 1, 1}).UnknownOutput();
  auto c = b.Count();
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->matmul_flops, 462422016.0);
  EXPECT_EQ(c->vector_flops, 401408.0);
  auto y = b.Propagate();
  ASSERT_TRUE(y.ok()) << y.status();
  EXPECT_EQ((*y)[0].dims, (Dims{1, 56, 56, 128}));
}

TEST(EpContextRule, IsUncountedWithTheReason) {
  // A QNN context node whose blob sits in a file beside the model.
  auto file = NodeBuilder("EPContext", kMs).Input({1, 3}).Output({1, 3})
                  .Attr("source", "QNNExecutionProvider").Attr("embed_mode", 0)
                  .Attr("ep_cache_context", "add_ctx.onnx_QNN_1_0.bin").Count();
  ASSERT_FALSE(file.ok());
  const std::string why(file.status().message());
  EXPECT_NE(why.find("precompiled, opaque blob"), std::string::npos) << why;
  EXPECT_NE(why.find("'QNNExecutionProvider'"), std::string::npos) << why;
  EXPECT_NE(why.find("add_ctx.onnx_QNN_1_0.bin"), std::string::npos) << why;
  EXPECT_NE(why.find("cannot be counted"), std::string::npos) << why;
  // Embedded (the default embed_mode=1): the blob itself is never quoted.
  auto embedded = NodeBuilder("EPContext", kMs).Input({1, 3})
                      .Attr("ep_cache_context", std::string("\x01\x02BLOB", 6)).Count();
  ASSERT_FALSE(embedded.ok());
  const std::string why2(embedded.status().message());
  EXPECT_NE(why2.find("embedded in the model"), std::string::npos) << why2;
  EXPECT_EQ(why2.find("BLOB"), std::string::npos) << why2;
  EXPECT_NE(why2.find("no 'source' attribute"), std::string::npos) << why2;
}

}  // namespace
}  // namespace onnx_flops
