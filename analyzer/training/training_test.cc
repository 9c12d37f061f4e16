// Training compute end to end (analyzer/training/training_plan.cc): method 1 with
// the ratio and per-op backward, method 2, the two side by side, thresholds.
#include <string>

#include "analyzer/analyze.h"
#include "gtest/gtest.h"

namespace onnx_flops {
namespace {

constexpr double kTinyMlp = 407100;  // forward FLOP per example (analyze_test.cc)

absl::StatusOr<Report> Tiny(const AnalyzeOptions& o) {
  return AnalyzeFile(std::string(ONNX_FLOPS_TESTDATA) + "/tiny_mlp.onnx", o);
}

bool Warned(const Report& r, const std::string& text) {
  for (const auto& w : r.warnings()) {
    if (w.find(text) != std::string::npos) return true;
  }
  return false;
}

TEST(Training, MethodOneWithTheDefaultRatio) {
  AnalyzeOptions o;
  o.training.examples = 60000;
  o.training.epochs = 10;
  auto r = Tiny(o);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->training().flops(), kTinyMlp * 3 * 60000 * 10);
  EXPECT_EQ(r->training().backward_model(), "ratio");
  EXPECT_EQ(r->training().effective_backward_ratio(), 2.0);
  EXPECT_DOUBLE_EQ(r->training().pf_days(), kTinyMlp * 3 * 60000 * 10 / 8.64e19);
  EXPECT_NE(r->training().formula().find("7.33e+11"), std::string::npos) << r->training().formula();
}

TEST(Training, BatchSizeTimesStepsAndEpochDefault) {
  AnalyzeOptions o;
  o.training.batch_size = 128;
  o.training.steps = 1000;  // 128,000 examples over the whole run
  auto r = Tiny(o);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->training().flops(), kTinyMlp * 3 * 128 * 1000);
}

TEST(Training, FrontierScaleThresholdsWithoutOverflow) {
  // 1e20 examples of the tiny MLP: 407,100 x 3 x 1e20 = 1.2213e26 FLOP, above
  // the EU AI Act's 1e25 and the 2023 US order's 1e26.
  AnalyzeOptions o;
  o.training.examples = 1e20;
  auto r = Tiny(o);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_DOUBLE_EQ(r->training().flops(), 1.2213e26);
  ASSERT_EQ(r->training().thresholds_size(), 2);
  for (const auto& t : r->training().thresholds()) EXPECT_TRUE(t.above()) << t.name();
  EXPECT_DOUBLE_EQ(r->training().thresholds(0).ratio(), 1.2213e26 / r->training().thresholds(0).flops());
  o.training.examples = 1e300;
  o.training.epochs = 1e300;
  EXPECT_FALSE(Tiny(o).ok());  // overflow is an error, not inf
}

TEST(Training, MethodTwoIGptFigures) {
  // iGPT: 2500 V100-days at the fp16 tensor peak of 125 TFLOP/s and 30%
  // utilization: 2500 x 86400 x 125e12 x 0.3 = 8.1e21 FLOP.
  AnalyzeOptions o;
  o.hardware.hardware = "V100";
  o.hardware.precision = "fp16";
  o.hardware.chip_hours = 2500 * 24;
  o.hardware.utilization = 0.3;
  auto r = Tiny(o);
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_TRUE(r->training().has_method2());
  EXPECT_EQ(r->training().method2().peak_flops(), 125e12);
  EXPECT_DOUBLE_EQ(r->training().method2().flops(), 8.1e21);
}

TEST(Training, BothMethodsSideBySide) {
  // 60,000 x 10 examples on one chip with a 1e9 FLOP/s peak for 1 hour at 0.4:
  // method 2 = 3600 x 1e9 x 0.4 = 1.44e12; method 1 = 7.3278e11;
  // implied utilization = 7.3278e11 / (3600 x 1e9) = 0.20355.
  AnalyzeOptions o;
  o.training.examples = 60000;
  o.training.epochs = 10;
  o.hardware.peak_flops = 1e9;
  o.hardware.chips = 1;
  o.hardware.seconds = 3600;
  o.hardware.utilization = 0.4;
  auto r = Tiny(o);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_DOUBLE_EQ(r->training().method2().flops(), 1.44e12);
  EXPECT_DOUBLE_EQ(r->training().method1_over_method2(), kTinyMlp * 3 * 6e5 / 1.44e12);
  EXPECT_DOUBLE_EQ(r->training().implied_utilization(), kTinyMlp * 3 * 6e5 / 3.6e12);
}

TEST(Training, HardwareWithoutTimeProjectsTheRun) {
  // 7.3278e11 FLOP on one 1e9 FLOP/s chip at the default 0.4 (not a language
  // model): 7.3278e11 / 4e8 = 1831.95 s.
  AnalyzeOptions o;
  o.training.examples = 60000;
  o.training.epochs = 10;
  o.hardware.peak_flops = 1e9;
  auto r = Tiny(o);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_FALSE(r->training().has_method2());
  EXPECT_DOUBLE_EQ(r->training().projection().seconds(), kTinyMlp * 3 * 6e5 / 4e8);
}

TEST(Training, PerOpBackwardOfAShallowMlpIsBelowTwo) {
  // tiny_mlp: fc1 is fed by data (no input gradient: 1x its 401,408 matmul
  // FLOP), fc2 2x its 5,120: the ratio is well below the default 2.
  AnalyzeOptions o;
  o.training.examples = 1000;
  o.training.backward_model = "per-op";
  auto r = Tiny(o);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->training().backward_model(), "per-op");
  EXPECT_LT(r->training().effective_backward_ratio(), 1.1);
  EXPECT_GT(r->training().effective_backward_ratio(), 0.9);
}

TEST(Training, UnknownHardwareNamesTheClosest) {
  AnalyzeOptions o;
  o.hardware.hardware = "H10O";
  o.hardware.chips = 8;
  o.hardware.seconds = 3600;
  auto r = Tiny(o);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("H100"), std::string::npos) << r.status();
}

TEST(Training, EpochsAloneWarnNothingAndDefaultToOne) {
  AnalyzeOptions o;
  o.training.examples = 10;
  auto r = Tiny(o);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->training().epochs(), 1.0);
  EXPECT_FALSE(Warned(*r, "overflow"));
}

}  // namespace
}  // namespace onnx_flops

namespace onnx_flops {
namespace {

std::string TrainingData(const std::string& name) {
  return std::string(ONNX_FLOPS_TESTDATA) + "/training/" + name;
}

TEST(TrainingConfigEndToEnd, MetadataPropsAreTheDefaults) {
  // mlp_with_metadata.onnx: 132,490 FLOP per example (1024 -> 64 -> 10 MLP),
  // training.examples 60,000 x training.epochs 10, V100 fp32 for 0.25 h at 0.4.
  auto r = AnalyzeFile(TrainingData("mlp_with_metadata.onnx"), AnalyzeOptions{});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->training().flops(), 132490.0 * 3 * 60000 * 10);
  // Method 2: 1 chip x 900 s x 15.7e12 x 0.4 = 5.652e15.
  EXPECT_DOUBLE_EQ(r->training().method2().flops(), 900 * 15.7e12 * 0.4);
  // Flags win over the model's metadata.
  AnalyzeOptions o;
  o.training.epochs = 1;
  auto one = AnalyzeFile(TrainingData("mlp_with_metadata.onnx"), o);
  ASSERT_TRUE(one.ok()) << one.status();
  EXPECT_EQ(one->training().flops(), 132490.0 * 3 * 60000);
}

TEST(TrainingConfigEndToEnd, PerOpRatioOfAWideFirstLayerIsBelowTwo) {
  // First layer 1024 -> 64 fed by data: input gradient not needed, 1x its
  // 131,072 matmul FLOP; second 64 -> 10 2x its 1,280; vector ops 1x.
  AnalyzeOptions o;
  o.training.backward_model = "per-op";
  auto r = AnalyzeFile(TrainingData("mlp_with_metadata.onnx"), o);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_LT(r->training().effective_backward_ratio(), 1.05);
  EXPECT_GT(r->training().effective_backward_ratio(), 1.0);
}

TEST(TrainingConfigEndToEnd, TwoPhasesAreSummed) {
  // Pre-training: 3e8 tokens of 20-step sequences on the Epoch CNN-LSTM
  // (15,000,000 sequences); fine-tuning: tiny_mlp, per-op, 60,000 x 3.
  AnalyzeOptions o;
  o.training.config_path = TrainingData("two_phase.json");
  auto r = AnalyzeFile(std::string(ONNX_FLOPS_TESTDATA) + "/epoch_cnn_lstm.onnx", o);
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->training().phases_size(), 2);
  const double pre = 29437844490.0 * 3 * (3e8 / 20);
  EXPECT_DOUBLE_EQ(r->training().phases(0).flops(), pre);
  EXPECT_EQ(r->training().phases(1).name(), "fine-tuning");
  EXPECT_GT(r->training().phases(1).flops(), 0);
  EXPECT_DOUBLE_EQ(r->training().flops(), pre + r->training().phases(1).flops());
  EXPECT_TRUE(r->training().has_method2());  // the first phase's A100s
}

TEST(TrainingConfigEndToEnd, BadInputsAreOneLineErrors) {
  AnalyzeOptions o;
  o.training.config_path = TrainingData("bad_unknown_field.json");
  auto r = AnalyzeFile(std::string(ONNX_FLOPS_TESTDATA) + "/tiny_mlp.onnx", o);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("did you mean 'epochs'"), std::string::npos) << r.status();
  auto meta = AnalyzeFile(TrainingData("bad_metadata.onnx"), AnalyzeOptions{});
  ASSERT_FALSE(meta.ok());
  EXPECT_NE(meta.status().message().find("training.epochs"), std::string::npos) << meta.status();
}

}  // namespace
}  // namespace onnx_flops
