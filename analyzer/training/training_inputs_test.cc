// training.inputs (where each figure came from) and the plausible ranges of
// both methods, end to end on testdata models.
#include <string>

#include "analyzer/analyze.h"
#include "analyzer/training/training_inputs.h"
#include "gtest/gtest.h"

namespace onnx_flops {
namespace {

std::string Testdata(const std::string& name) {
  return std::string(ONNX_FLOPS_TESTDATA) + "/" + name;
}

const TrainingInput* Input(const Report& r, const std::string& name) {
  for (const TrainingInput& in : r.training().inputs()) {
    if (in.name() == name) return &in;
  }
  return nullptr;
}

TEST(TrainingInputs, FlagsDefaultsAndTheGraph) {
  AnalyzeOptions o;
  o.training.examples = 1000;
  o.training.epochs = 3;
  absl::StatusOr<Report> r = AnalyzeFile(Testdata("tiny_mlp.onnx"), o);
  ASSERT_TRUE(r.ok()) << r.status();
  const TrainingInput* examples = Input(*r, "examples");
  ASSERT_NE(examples, nullptr);
  EXPECT_EQ(examples->value(), "1,000");
  EXPECT_EQ(examples->source(), "--examples");
  EXPECT_FALSE(examples->assumed());
  EXPECT_EQ(Input(*r, "epochs")->source(), "--epochs");
  const TrainingInput* ratio = Input(*r, "backward_ratio");
  ASSERT_NE(ratio, nullptr);
  EXPECT_EQ(ratio->value(), "2");
  EXPECT_EQ(ratio->source(), "default");
  EXPECT_TRUE(ratio->assumed());
  const TrainingInput* forward = Input(*r, "forward_flops_per_example");
  ASSERT_NE(forward, nullptr);
  EXPECT_EQ(forward->value(), "407,100");  // 2*(784*512... see analyze_test.cc's kTinyMlp)
  EXPECT_EQ(forward->source(), "graph");
  // The unbound batch dim, taken as 1, is an assumption too.
  const TrainingInput* batch = Input(*r, "dim batch");
  ASSERT_NE(batch, nullptr);
  EXPECT_EQ(batch->value(), "1");
  EXPECT_TRUE(batch->assumed());
  // Method 1 at ratios 1 and 3 around the estimate at 2:
  // 407,100 x (1 + 1) x 3,000 and 407,100 x (1 + 3) x 3,000.
  EXPECT_EQ(r->training().flops(), 3663900000.0);
  EXPECT_EQ(r->training().range().low(), 2442600000.0);
  EXPECT_EQ(r->training().range().high(), 4885200000.0);
  EXPECT_NE(r->training().range().basis().find("1:1 to 3:1"), std::string::npos);
}

TEST(TrainingInputs, DaysAreNamedAsGiven) {
  AnalyzeOptions o;
  o.training.examples = 1000;
  o.hardware.hardware = "V100";
  o.hardware.chips = 4;
  o.hardware.seconds = 2.5 * 86400;
  o.hardware.seconds_in_days = true;
  absl::StatusOr<Report> r = AnalyzeFile(Testdata("tiny_mlp.onnx"), o);
  ASSERT_TRUE(r.ok()) << r.status();
  const TrainingInput* days = Input(*r, "days");
  ASSERT_NE(days, nullptr);
  EXPECT_EQ(days->value(), "2.5");
  EXPECT_EQ(days->source(), "--days");
  EXPECT_EQ(Input(*r, "hours"), nullptr);
  // 4 chips x 2.5 days x 86,400 s.
  EXPECT_EQ(r->training().method2().seconds(), 216000);
  EXPECT_EQ(r->training().method2().chips(), 4);
}

TEST(TrainingInputs, ModelMetadataUnderAFlag) {
  // mlp_with_metadata.onnx carries training.examples 60000, epochs 10,
  // batch_size 100, steps 6000, backward_ratio 2, V100 fp32, 0.25 h, 0.4.
  AnalyzeOptions o;
  o.training.backward_ratio = 1.5;
  o.training.backward_ratio_given = true;
  absl::StatusOr<Report> r = AnalyzeFile(Testdata("training/mlp_with_metadata.onnx"), o);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(Input(*r, "examples")->source(), "model metadata training.examples");
  EXPECT_EQ(Input(*r, "steps")->value(), "6,000");
  EXPECT_EQ(Input(*r, "backward_ratio")->value(), "1.5");
  EXPECT_EQ(Input(*r, "backward_ratio")->source(), "--backward-ratio");
  EXPECT_FALSE(Input(*r, "utilization")->assumed());  // 0.4 from the metadata
  EXPECT_EQ(Input(*r, "precision")->source(), "model metadata training.precision");
  // 132,490 FLOP per example (forward) x 600,000 examples:
  // x 2.5 = 1.98735e11, x 2 = 1.58988e11, x 4 = 3.17976e11.
  EXPECT_EQ(r->forward().flops_per_example(), 132490);
  EXPECT_EQ(r->training().flops(), 198735000000.0);
  EXPECT_EQ(r->training().range().low(), 158988000000.0);
  EXPECT_EQ(r->training().range().high(), 317976000000.0);
  // The utilization was given: method 2 gets no range from it.
  EXPECT_FALSE(r->training().method2().has_range());
}

TEST(TrainingInputs, PerOpRatioOutsideTheBandWidensTheRange) {
  // Frozen fc1 leaves almost no backward work: ratio 0.0127, so the estimate
  // (407,100 x 1.0127 x 1,000 = 412,280,000) is the low end; the high end is
  // 407,100 x 4 x 1,000.
  AnalyzeOptions o;
  o.training.examples = 1000;
  o.training.backward_model = "per-op";
  o.training.frozen = {"fc1.*"};
  absl::StatusOr<Report> r = AnalyzeFile(Testdata("tiny_mlp.onnx"), o);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->training().flops(), 412280000.0);
  EXPECT_EQ(r->training().range().low(), 412280000.0);
  EXPECT_EQ(r->training().range().high(), 1628400000.0);
  // per-op computes the ratio: no assumed backward_ratio input.
  EXPECT_EQ(Input(*r, "backward_ratio"), nullptr);
  EXPECT_EQ(Input(*r, "backward")->value(), "per-op");
}

TEST(TrainingInputs, AssumedUtilizationGivesMethodTwoARange) {
  // 60,000 V100 fp16 chip-hours at the default 0.4 (not a language model):
  // 60,000 x 3,600 x 125e12 x 0.4 = 1.08e22; at 0.3 and 0.5: 8.1e21, 1.35e22.
  AnalyzeOptions o;
  o.hardware.hardware = "V100";
  o.hardware.precision = "fp16";
  o.hardware.chip_hours = 60000;
  absl::StatusOr<Report> r = AnalyzeFile(Testdata("tiny_mlp.onnx"), o);
  ASSERT_TRUE(r.ok()) << r.status();
  const Method2& m = r->training().method2();
  EXPECT_DOUBLE_EQ(m.flops(), 1.08e22);
  EXPECT_DOUBLE_EQ(m.range().low(), 8.1e21);
  EXPECT_DOUBLE_EQ(m.range().high(), 1.35e22);
  const TrainingInput* u = Input(*r, "utilization");
  ASSERT_NE(u, nullptr);
  EXPECT_TRUE(u->assumed());
  EXPECT_EQ(u->value(), "0.4");
  EXPECT_EQ(Input(*r, "peak_flops")->value(), "125,000,000,000,000");
  EXPECT_EQ(Input(*r, "peak_flops")->source(), "hardware table");
  EXPECT_EQ(Input(*r, "precision")->source(), "--precision");
}

TEST(TrainingInputs, ValuesAsTheStatementPrintsThem) {
  EXPECT_EQ(InputValue(1281167), "1,281,167");
  EXPECT_EQ(InputValue(0.25), "0.25");
  EXPECT_EQ(InputValue(3e8), "300,000,000");
  EXPECT_EQ(InputValue(1e20), "1e+20");
}

}  // namespace
}  // namespace onnx_flops
