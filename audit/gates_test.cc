// Gates against hand counts: tiny_mlp's forward pass is 407,100 FLOP per
// example (analyze_test.cc has the sum) and its parameters are
// 784*256 + 256 + 256*10 + 10 = 203,530.
#include "audit/gates.h"

#include <string>

#include "analyzer/analyze.h"
#include "gtest/gtest.h"

namespace onnx_flops {
namespace {

constexpr double kTinyFlops = 407100;
constexpr double kTinyParams = 784 * 256 + 256 + 256 * 10 + 10;
static_assert(kTinyParams == 203530, "tiny_mlp parameters");

Report Tiny(const AnalyzeOptions& options = {}) {
  auto r = AnalyzeFile(std::string(ONNX_FLOPS_TESTDATA) + "/tiny_mlp.onnx", options);
  EXPECT_TRUE(r.ok()) << r.status();
  return r.ok() ? *r : Report();
}

bool Has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(Gates, NoneGivenAddsNothing) {
  Report r = Tiny();
  EXPECT_TRUE(ApplyGates(GateOptions(), &r));
  EXPECT_EQ(r.gates_size(), 0);
}

TEST(Gates, MaxFlopsAtTheCountPassesOneBelowFails) {
  GateOptions at;
  at.max_flops = kTinyFlops;
  Report r = Tiny();
  EXPECT_TRUE(ApplyGates(at, &r));
  ASSERT_EQ(r.gates_size(), 1);
  EXPECT_TRUE(r.gates(0).passed());
  EXPECT_EQ(r.gates(0).value(), kTinyFlops);

  GateOptions below;
  below.max_flops = 400000;  // 7,100 under the count: 1.775% over
  Report s = Tiny();
  EXPECT_FALSE(ApplyGates(below, &s));
  const GateResult& g = s.gates(0);
  EXPECT_FALSE(g.passed());
  EXPECT_EQ(g.gate(), "--max-flops");
  EXPECT_EQ(g.limit(), 400000);
  EXPECT_EQ(g.value(), kTinyFlops);
  EXPECT_DOUBLE_EQ(g.over_by(), 7100.0 / 400000);
  EXPECT_TRUE(Has(g.message(), "--max-flops failed")) << g.message();
  EXPECT_TRUE(Has(g.message(), "4.07e+05 > limit 4e+05")) << g.message();
  EXPECT_TRUE(Has(g.message(), "over by 7.1e+03 (+1.8%)")) << g.message();
}

TEST(Gates, MaxFlopsIsPerExample) {
  AnalyzeOptions o;
  o.bindings.dims.emplace_back("batch", 8);
  GateOptions gate;
  gate.max_flops = kTinyFlops;  // batch 8 is 8x the total, the same per example
  Report r = Tiny(o);
  EXPECT_EQ(r.forward().flops(), 8 * kTinyFlops);
  EXPECT_TRUE(ApplyGates(gate, &r));
}

TEST(Gates, MaxParams) {
  GateOptions gate;
  gate.max_params = 200000;
  Report r = Tiny();
  EXPECT_FALSE(ApplyGates(gate, &r));
  EXPECT_EQ(r.gates(0).value(), kTinyParams);
  EXPECT_DOUBLE_EQ(r.gates(0).over_by(), 3530.0 / 200000);
  EXPECT_TRUE(Has(r.gates(0).message(), "parameters 2.04e+05 > limit 2e+05")) << r.gates(0).message();
  gate.max_params = kTinyParams;
  Report s = Tiny();
  EXPECT_TRUE(ApplyGates(gate, &s));
}

TEST(Gates, MaxTrainingFlops) {
  AnalyzeOptions o;
  o.training.examples = 60000;
  o.training.epochs = 10;  // 407100 x 3 x 600000 = 7.3278e11
  GateOptions gate;
  gate.max_training_flops = 7e11;
  Report r = Tiny(o);
  EXPECT_FALSE(ApplyGates(gate, &r));
  EXPECT_EQ(r.gates(0).value(), kTinyFlops * 3 * 600000);
  EXPECT_DOUBLE_EQ(r.gates(0).over_by(), kTinyFlops * 3 * 600000 / 7e11 - 1);
  gate.max_training_flops = 1e26;
  Report s = Tiny(o);
  EXPECT_TRUE(ApplyGates(gate, &s));
}

TEST(Gates, MaxTrainingFlopsWithoutAnEstimateFails) {
  GateOptions gate;
  gate.max_training_flops = 1e26;
  Report r = Tiny();
  EXPECT_FALSE(ApplyGates(gate, &r));
  EXPECT_TRUE(Has(r.gates(0).message(), "no training estimate")) << r.gates(0).message();
}

TEST(Gates, FailOnUncountedNamesTheNodes) {
  GateOptions gate;
  gate.fail_on_uncounted = true;
  Report counted = Tiny();
  EXPECT_TRUE(ApplyGates(gate, &counted));
  auto r = AnalyzeFile(std::string(ONNX_FLOPS_TESTDATA) + "/unknown_op.onnx", AnalyzeOptions());
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_GT(r->forward().coverage().uncounted(), 0);
  EXPECT_FALSE(ApplyGates(gate, &*r));
  const GateResult& g = r->gates(0);
  EXPECT_EQ(g.value(), r->forward().coverage().uncounted());
  EXPECT_TRUE(Has(g.message(), r->forward().uncounted(0).node())) << g.message();
}

TEST(Gates, AllGatesReportedInOrderAndAnyFailureFails) {
  GateOptions gates;
  gates.max_flops = 1e9;
  gates.max_params = 1;
  gates.fail_on_uncounted = true;
  Report r = Tiny();
  EXPECT_FALSE(ApplyGates(gates, &r));
  ASSERT_EQ(r.gates_size(), 3);
  EXPECT_EQ(r.gates(0).gate(), "--max-flops");
  EXPECT_TRUE(r.gates(0).passed());
  EXPECT_EQ(r.gates(1).gate(), "--max-params");
  EXPECT_FALSE(r.gates(1).passed());
  EXPECT_EQ(r.gates(2).gate(), "--fail-on-uncounted");
  EXPECT_TRUE(r.gates(2).passed());
}

TEST(Gates, MaxPeakMemoryIsWeightsPlusPeakActivations) {
  // fp32 at batch 1: weights 203,530 x 4 = 814,120 B; the activation peak is at
  // the relu: the input x [1, 784] (3,136 B, held the whole pass), its input and
  // output [1, 256] (1,024 B each): 5,184 B.
  const double memory = 203530.0 * 4 + 784 * 4 + 2 * 256 * 4;
  GateOptions at;
  at.max_peak_memory = memory;
  Report r = Tiny();
  EXPECT_TRUE(ApplyGates(at, &r));
  EXPECT_EQ(r.gates(0).value(), memory);
  GateOptions below;
  below.max_peak_memory = memory - 1;
  Report s = Tiny();
  EXPECT_FALSE(ApplyGates(below, &s));
  EXPECT_TRUE(Has(s.gates(0).message(), "gate --max-peak-memory failed")) << s.gates(0).message();
}

TEST(Gates, MaxLatencyNeedsARoofline) {
  // On A100 SXM 40GB at fp32 every node is memory-bound: fc1 moves 3,136 + 803,840
  // + 1,024 B, relu 2 x 1,024, fc2 1,024 + 10,280 + 40, softmax 2 x 40: 821,472 B
  // at 1,555 GB/s.
  const double seconds = 821472 / 1555e9;
  AnalyzeOptions a100;
  a100.hardware.hardware = "A100";
  GateOptions at;
  at.max_latency = seconds * (1 + 1e-12);
  Report r = Tiny(a100);
  EXPECT_TRUE(ApplyGates(at, &r)) << r.gates(0).message();
  EXPECT_DOUBLE_EQ(r.gates(0).value(), seconds);
  GateOptions below;
  below.max_latency = seconds * 0.99;
  Report s = Tiny(a100);
  EXPECT_FALSE(ApplyGates(below, &s));
  // Without --hardware there is nothing to check: it fails, saying why.
  Report none = Tiny();
  EXPECT_FALSE(ApplyGates(at, &none));
  EXPECT_TRUE(Has(none.gates(0).message(), "give --hardware NAME")) << none.gates(0).message();
}

TEST(Gates, ZeroLimit) {
  GateOptions gate;
  gate.max_params = 0;
  Report r = Tiny();
  EXPECT_FALSE(ApplyGates(gate, &r));
  EXPECT_EQ(r.gates(0).over_by(), 0);  // no ratio to a zero limit
  EXPECT_TRUE(Has(r.gates(0).message(), "over by 2.04e+05")) << r.gates(0).message();
}

}  // namespace
}  // namespace onnx_flops
