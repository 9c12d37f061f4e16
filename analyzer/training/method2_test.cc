#include "analyzer/training/method2.h"

#include <cmath>
#include <limits>

#include "absl/strings/match.h"
#include "analyzer/training/hardware.h"
#include "gtest/gtest.h"

namespace onnx_flops {
namespace {

constexpr double kDay = 86400;

TEST(Method2, IgptFromV100Days) {
  // Sevilla et al.'s worked example: iGPT, 2500 V100-days at the V100's FP16
  // tensor peak (125 TFLOP/s) and 30% utilization:
  //   2500 x 86,400 s x 125e12 FLOP/s x 0.3 = 8.1e21 FLOP.
  auto v100 = FindHardware("V100");
  ASSERT_TRUE(v100.ok()) << v100.status();
  auto peak = PeakFlops(**v100, Precision::kFp16);
  ASSERT_TRUE(peak.ok());
  EXPECT_EQ(*peak, 125e12);
  auto flops = Method2Flops(*peak, 2500, kDay, 0.3);
  ASSERT_TRUE(flops.ok()) << flops.status();
  EXPECT_DOUBLE_EQ(*flops, 2500 * 86400 * 125e12 * 0.3);
  EXPECT_NEAR(*flops, 8.1e21, 1e6);
  // Same thing as 1 chip x 2500 days (chip-days).
  EXPECT_DOUBLE_EQ(*Method2Flops(*peak, 1, 2500 * kDay, 0.3), *flops);
  EXPECT_EQ(Method2Formula(*peak, 2500, kDay, 0.3, *flops),
            "2,500 chips x 86,400 s x 1.25e+14 FLOP/s x 0.3 utilization = 8.1e+21 FLOP");
}

TEST(Method2, RejectsBadInputs) {
  const double inf = std::numeric_limits<double>::infinity();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  EXPECT_FALSE(Method2Flops(0, 1, 1, 0.3).ok());
  EXPECT_FALSE(Method2Flops(1e12, -1, 1, 0.3).ok());
  EXPECT_FALSE(Method2Flops(1e12, 1, 0, 0.3).ok());
  EXPECT_FALSE(Method2Flops(1e12, 1, nan, 0.3).ok());
  EXPECT_FALSE(Method2Flops(inf, 1, 1, 0.3).ok());
  EXPECT_FALSE(Method2Flops(1e12, 1, 1, 0).ok());
  EXPECT_FALSE(Method2Flops(1e12, 1, 1, 1.5).ok());  // a fraction of peak
  EXPECT_TRUE(Method2Flops(1e12, 1, 1, 1).ok());
  EXPECT_FALSE(Method2Flops(1e300, 1e300, 1e300, 1).ok());  // overflow is an error
  auto s = Method2Flops(1e12, 1, -3600, 0.3).status();
  EXPECT_TRUE(absl::StrContains(s.message(), "training time must be a positive number")) << s;
}

TEST(Method2, DefaultUtilizationFollowsTheReport) {
  const auto llm = DefaultUtilization(true);
  EXPECT_EQ(llm.value, 0.3);
  EXPECT_TRUE(absl::StrContains(llm.reason, "Sevilla")) << llm.reason;
  EXPECT_TRUE(absl::StrContains(llm.reason, "language models")) << llm.reason;
  const auto other = DefaultUtilization(false);
  EXPECT_EQ(other.value, 0.4);
  EXPECT_TRUE(absl::StrContains(other.reason, "0.4")) << other.reason;
}

TEST(Method2, ImpliedUtilizationInvertsMethod2) {
  // 8.1e21 FLOP counted by method 1 over 2500 V100-days at 125 TFLOP/s: 0.3.
  auto u = ImpliedUtilization(8.1e21, 2500, kDay, 125e12);
  ASSERT_TRUE(u.ok()) << u.status();
  EXPECT_NEAR(*u, 0.3, 1e-12);
  // Hand: 1e20 FLOP on 8 chips x 1 h x 1e15 FLOP/s = 1e20 / 2.88e19 = 3.47.
  auto high = ImpliedUtilization(1e20, 8, 3600, 1e15);
  ASSERT_TRUE(high.ok());
  EXPECT_NEAR(*high, 1e20 / 2.88e19, 1e-12);
  EXPECT_TRUE(absl::StrContains(ImpliedUtilizationWarning(*high), "above 1"));
  EXPECT_TRUE(absl::StrContains(ImpliedUtilizationWarning(0.01), "below 0.05"));
  EXPECT_EQ(ImpliedUtilizationWarning(0.3), "");
  EXPECT_EQ(ImpliedUtilizationWarning(0.05), "");
  EXPECT_EQ(ImpliedUtilizationWarning(1.0), "");
  EXPECT_FALSE(ImpliedUtilization(0, 1, 1, 1).ok());
  EXPECT_FALSE(ImpliedUtilization(1, 1, 1, 0).ok());
}

TEST(Method2, TimeToTrain) {
  // ResNet-50 x 90 epochs (2.84e18 FLOP) on 8 A100s at bf16 312 TFLOP/s and
  // 0.4: 2.84e18 / (8 x 312e12 x 0.4) = 2844.6 s.
  auto t = TimeToTrain(2.84e18, 8, 312e12, 0.4);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_NEAR(*t, 2.84e18 / (8 * 312e12 * 0.4), 1e-9);
  EXPECT_NEAR(*t, 2844.55, 0.01);
  // Round trip with method 2.
  EXPECT_NEAR(*Method2Flops(312e12, 8, *t, 0.4), 2.84e18, 1e3);
  EXPECT_FALSE(TimeToTrain(2.84e18, 8, 312e12, 0).ok());
  EXPECT_FALSE(TimeToTrain(-1, 8, 312e12, 0.4).ok());
}

TEST(Method2, EnergyOfEightH100sForADay) {
  // 8 x 700 W x 24 h = 134.4 kWh = 4.8384e8 J.
  auto h100 = FindHardware("h100");
  ASSERT_TRUE(h100.ok());
  ASSERT_TRUE((*h100)->tdp_w.has_value());
  auto e = TrainingEnergy(*(*h100)->tdp_w, 8, 24 * 3600);
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_DOUBLE_EQ(e->joules, 4.8384e8);
  EXPECT_DOUBLE_EQ(e->kwh, 134.4);
  EXPECT_FALSE(TrainingEnergy(0, 8, 1).ok());
  EXPECT_FALSE(TrainingEnergy(700, 8, -1).ok());
}

TEST(Method2, Cost) {
  // 64 chips x 36 h at $2.50 per chip-hour = $5,760.
  auto c = TrainingCost(2.5, 64, 36 * 3600);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_DOUBLE_EQ(*c, 5760);
  EXPECT_FALSE(TrainingCost(-2.5, 64, 3600).ok());
  EXPECT_FALSE(TrainingCost(2.5, 0, 3600).ok());
}

TEST(Units, PetaflopDays) {
  EXPECT_EQ(kFlopPerPetaflopDay, 1e15 * 86400);
  // GPT-3 175B: 3.14e23 FLOP, which the GPT-3 paper gives as 3640 PF/s-days
  // (3.14e23 / 8.64e19 = 3634; the paper's 3.14e23 is itself rounded).
  EXPECT_NEAR(ToPetaflopDays(3.14e23), 3634.26, 0.01);
  EXPECT_NEAR(ToPetaflopDays(3.14e23), 3640, 10);
  // iGPT's 8.1e21 FLOP = 93.75 PF/s-days.
  EXPECT_DOUBLE_EQ(ToPetaflopDays(8.1e21), 93.75);
}

TEST(Thresholds, EuAiActAndUsExecutiveOrder) {
  const auto& th = ComputeThresholds();
  ASSERT_EQ(th.size(), 2u);
  EXPECT_EQ(th[0].flop, 1e25);
  EXPECT_TRUE(absl::StrContains(th[0].name, "EU AI Act"));
  EXPECT_EQ(th[1].flop, 1e26);
  EXPECT_TRUE(absl::StrContains(th[1].name, "14110"));

  // GPT-3: 3.14e23 is below both, at 0.0314x and 0.00314x.
  auto gpt3 = CompareWithThresholds(3.14e23);
  ASSERT_EQ(gpt3.size(), 2u);
  EXPECT_FALSE(gpt3[0].above);
  EXPECT_NEAR(gpt3[0].ratio, 0.0314, 1e-12);
  EXPECT_FALSE(gpt3[1].above);
  EXPECT_NEAR(gpt3[1].ratio, 0.00314, 1e-12);

  // 5e25: above the EU line (5x), below the US one (0.5x).
  auto big = CompareWithThresholds(5e25);
  EXPECT_TRUE(big[0].above);
  EXPECT_DOUBLE_EQ(big[0].ratio, 5);
  EXPECT_FALSE(big[1].above);
  EXPECT_DOUBLE_EQ(big[1].ratio, 0.5);

  // Both texts say "greater than": exactly 1e25 is not above.
  EXPECT_FALSE(CompareWithThresholds(1e25)[0].above);
}

}  // namespace
}  // namespace onnx_flops
