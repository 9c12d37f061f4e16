// Mixtures of experts exported from PyTorch (tools/export_torch_moe.py), at
// 128 tokens of width d = 64, against matmul counts and parameters worked
// out by hand from the architectures. A SwiGLU expert of hidden h has three
// d x h products (w1, w3, w2): 3 x 2dh FLOP per row and 3dh weights.
#include <string>

#include "analyzer/analyze.h"
#include "gtest/gtest.h"

namespace onnx_flops {
namespace {

std::string Data(const std::string& name) { return std::string(ONNX_FLOPS_TESTDATA) + "/" + name; }

Report Analyze(const std::string& name, bool worst = false) {
  AnalyzeOptions options;
  options.bindings.dims.emplace_back("tokens", 128);
  options.routing_worst = worst;
  absl::StatusOr<Report> r = AnalyzeFile(Data(name), options);
  EXPECT_TRUE(r.ok()) << r.status();
  return r.ok() ? *r : Report();
}

TEST(MixtureOfExperts, MixtralTopTwoOfEight) {
  // Router 2*128*64*8; balanced, the 8 experts together run 128 x 2 = 256
  // rows of 3 x 2*64*256.
  const Report r = Analyze("moe/torch_mixtral_top2.onnx");
  EXPECT_EQ(r.forward().matmul_flops(), 2.0 * 128 * 64 * 8 + 128 * 2 * 3 * (2.0 * 64 * 256));
  EXPECT_EQ(r.forward().coverage().uncounted(), 0);
  EXPECT_EQ(r.forward().bounds_size(), 0);  // an assumption, not a range
  ASSERT_EQ(r.forward().routing().routers_size(), 1);
  const Router& router = r.forward().routing().routers(0);
  EXPECT_EQ(router.form(), "routed");
  EXPECT_EQ(router.experts(), 8);
  EXPECT_EQ(router.top_k(), 2);
  EXPECT_EQ(router.tokens(), 128);
  EXPECT_EQ(router.expert_nodes(), 8);
  EXPECT_EQ(router.expert_rows(), 128 * 2);
  // Parameters: router 64*8 + 8 experts x 3*64*256; active: the router and
  // 2/8 of the experts.
  EXPECT_EQ(r.model().parameters(), 64 * 8 + 8 * 3 * 64 * 256);
  EXPECT_EQ(router.expert_parameters(), 8 * 3 * 64 * 256);
  EXPECT_EQ(r.model().active_parameters(), 64 * 8 + 2 * 3 * 64 * 256);
  EXPECT_EQ(r.forward().routing().assumption(), "balanced");

  // Worst: every expert gets all 128 tokens: 8 x 128 rows.
  const Report worst = Analyze("moe/torch_mixtral_top2.onnx", true);
  EXPECT_EQ(worst.forward().matmul_flops(), 2.0 * 128 * 64 * 8 + 8 * 128 * 3 * (2.0 * 64 * 256));
  EXPECT_EQ(worst.forward().routing().assumption(), "worst");
  EXPECT_EQ(worst.forward().routing().routers(0).expert_rows(), 8 * 128);
  EXPECT_EQ(worst.model().active_parameters(), r.model().active_parameters());
}

TEST(MixtureOfExperts, SwitchTopOneWithBooleanMasks) {
  // ArgMax over 4 experts; each expert Linear(64, 256) + ReLU + Linear(256,
  // 64) with biases (Gemm), selected by x[mask] and written by out[mask] = ...
  // (NonZero over the mask broadcast to [128, 64]). Balanced: 128 rows in all.
  const Report r = Analyze("moe/torch_switch_top1.onnx");
  EXPECT_EQ(r.forward().matmul_flops(),
            2.0 * 128 * 64 * 4 + 128 * 1 * (2.0 * 64 * 256 + 2.0 * 256 * 64));
  EXPECT_EQ(r.forward().bounds_size(), 0);
  ASSERT_EQ(r.forward().routing().routers_size(), 1);
  EXPECT_EQ(r.forward().routing().routers(0).op_type(), "ArgMax");
  EXPECT_EQ(r.forward().routing().routers(0).top_k(), 1);
  const double expert = 64 * 256 + 256 + 256 * 64 + 64;
  EXPECT_EQ(r.model().parameters(), 64 * 4 + 4 * expert);
  EXPECT_EQ(r.model().active_parameters(), 64 * 4 + 1 * expert);
  const Report worst = Analyze("moe/torch_switch_top1.onnx", true);
  EXPECT_EQ(worst.forward().matmul_flops(),
            2.0 * 128 * 64 * 4 + 4 * 128 * (2.0 * 64 * 256 + 2.0 * 256 * 64));
}

TEST(MixtureOfExperts, DeepSeekSharedAndFineGrainedExperts) {
  // Sigmoid router over 16 experts, top-4; 2 shared SwiGLU experts (hidden
  // 128) on every token; 16 routed SwiGLU experts of hidden 32 found with
  // one_hot(topi).permute(2, 1, 0)[e] and torch.where.
  const Report r = Analyze("moe/torch_deepseek_shared.onnx");
  EXPECT_EQ(r.forward().matmul_flops(), 2.0 * 128 * 64 * 16 + 128 * 2 * 3 * (2.0 * 64 * 128) +
                                            128 * 4 * 3 * (2.0 * 64 * 32));
  ASSERT_EQ(r.forward().routing().routers_size(), 1);
  EXPECT_EQ(r.forward().routing().routers(0).expert_nodes(), 16);
  // Shared experts are read by every token: only the routed ones count at k/E.
  EXPECT_EQ(r.forward().routing().routers(0).expert_parameters(), 16 * 3 * 64 * 32);
  EXPECT_EQ(r.model().active_parameters(), 64 * 16 + 2 * 3 * 64 * 128 + 4 * 3 * 64 * 32);
  const Report worst = Analyze("moe/torch_deepseek_shared.onnx", true);
  EXPECT_EQ(worst.forward().matmul_flops(), 2.0 * 128 * 64 * 16 +
                                                128 * 2 * 3 * (2.0 * 64 * 128) +
                                                16 * 128 * 3 * (2.0 * 64 * 32));
}

TEST(MixtureOfExperts, DenseMaskedExpertsAreCountedAsTheyRun) {
  // Every one of 4 SwiGLU experts (hidden 128) runs on all 128 tokens; the
  // top-2 gate matrix only masks the sum. --routing changes nothing.
  const double all = 2.0 * 128 * 64 * 4 + 128 * 4 * 3 * (2.0 * 64 * 128);
  const Report r = Analyze("moe/torch_dense_masked.onnx");
  EXPECT_EQ(r.forward().matmul_flops(), all);
  EXPECT_EQ(Analyze("moe/torch_dense_masked.onnx", true).forward().matmul_flops(), all);
  ASSERT_EQ(r.forward().routing().routers_size(), 1);
  const Router& router = r.forward().routing().routers(0);
  EXPECT_EQ(router.form(), "dense");
  EXPECT_EQ(router.expert_nodes(), 4);
  EXPECT_EQ(router.expert_rows(), 4 * 128);
  EXPECT_NE(router.detail().find("every expert runs on every token"), std::string::npos)
      << router.detail();
  // Architecturally a token needs 2 of the 4 experts.
  EXPECT_EQ(r.model().active_parameters(), 64 * 4 + 2 * 3 * 64 * 128);
}

TEST(MixtureOfExperts, ALanguageModelWithTwoMoeLayers) {
  // tools/export_torch_moe_lm.py at batch 1 x seq 128 (T = 128 tokens), two
  // layers of: q/k/v/o 4 x 2*T*64*64, scores and scores x V 2 x 2*128*128*64,
  // router 2*T*64*8, 8 SwiGLU experts (hidden 256) on T*2 rows; head 2*T*64*512.
  AnalyzeOptions options;
  options.bindings.dims.emplace_back("batch", 1);
  options.bindings.dims.emplace_back("seq", 128);
  options.training.tokens = 1e9;
  absl::StatusOr<Report> r = AnalyzeFile(Data("moe/torch_moe_lm.onnx"), options);
  ASSERT_TRUE(r.ok()) << r.status();
  const double layer = 4 * 2.0 * 128 * 64 * 64 + 2 * 2.0 * 128 * 128 * 64 + 2.0 * 128 * 64 * 8 +
                       128 * 2 * 3 * (2.0 * 64 * 256);
  EXPECT_EQ(r->forward().matmul_flops(), 2 * layer + 2.0 * 128 * 64 * 512);
  EXPECT_EQ(r->forward().routing().routers_size(), 2);
  // Active: the file's 886,400 weights less 6/8 of the 2 x 8 x 3*64*256 expert
  // weights (the exporter stores the 10 LayerNorm tensors, all alike when
  // fresh, as 2: torch's own count is 512 more).
  const double experts = 2 * 8 * 3 * 64 * 256;
  EXPECT_EQ(r->model().parameters(), 886400);
  EXPECT_EQ(r->model().active_parameters(), 886400 - experts * 6 / 8);
  // 6ND with the active parameters: 6 x 296,576 x 1e9 tokens.
  ASSERT_TRUE(r->training().has_parameter_rule());
  EXPECT_EQ(r->training().parameter_rule().parameters(), 296576);
  EXPECT_EQ(r->training().parameter_rule().tokens(), 1e9);
  EXPECT_EQ(r->training().parameter_rule().flops(), 6 * 296576 * 1e9);
  // Kaplan's N: the active parameters less the 512 x 64 embedding table.
  EXPECT_EQ(r->forward().attention().non_embedding_parameters(), 296576 - 512 * 64);
}

TEST(MixtureOfExperts, AMaskTheAnalysisCannotFollowKeepsItsGenericBoundAndSaysWhy) {
  // tools/make_routing_testdata.py: Not(topi == 1) selects the pairs NOT routed
  // to expert 1; NonZero stays at numel [16, 2] = 32 rows: router 2*16*8*4 +
  // the expert MatMul 2*32*8*32 at the high end.
  AnalyzeOptions options;
  absl::StatusOr<Report> r = AnalyzeFile(Data("moe/routing_untied.onnx"), options);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->forward().matmul_flops(), 2.0 * 16 * 8 * 4 + 2.0 * 32 * 8 * 32);
  ASSERT_EQ(r->forward().bounds_size(), 1);
  EXPECT_NE(r->forward().bounds(0).bound().find("at most 32 non-zero elements"), std::string::npos);
  EXPECT_NE(r->forward().bounds(0).bound().find("the routing of 'topi'"), std::string::npos)
      << r->forward().bounds(0).bound();
  EXPECT_FALSE(r->forward().has_routing());
  EXPECT_EQ(r->model().active_parameters(), r->model().parameters());
}

TEST(MixtureOfExperts, ModelsWithoutRoutersHaveEveryParameterActive) {
  const Report r = Analyze("tiny_mlp.onnx");
  EXPECT_FALSE(r.forward().has_routing());
  EXPECT_GT(r.model().parameters(), 0);
  EXPECT_EQ(r.model().active_parameters(), r.model().parameters());
}

}  // namespace
}  // namespace onnx_flops
