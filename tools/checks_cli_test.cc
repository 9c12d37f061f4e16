// CI gates and baselines from the command line: exit 1 with one line per
// failed check on stderr and the report still on stdout; exit 0 when all
// pass. tiny_mlp is 407,100 FLOP per example and 203,530 parameters
// (cli_test.cc and audit/gates_test.cc have the hand counts).
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "tools/run_binary_testing.h"

namespace onnx_flops {
namespace {

namespace fs = std::filesystem;

const std::string kTestdata = ONNX_FLOPS_TESTDATA;
const std::string kTinyMlp = kTestdata + "/tiny_mlp.onnx";
const std::string kSmallCnn = kTestdata + "/small_cnn.onnx";


std::vector<std::string> Lines(const std::string& s) {
  std::vector<std::string> out = absl::StrSplit(s, '\n', absl::SkipEmpty());
  return out;
}

TEST(CliGates, PassingGatesExitZero) {
  const std::vector<std::string> args = {kTinyMlp, "--max-flops", "407100", "--max-params",
                                         "203530", "--fail-on-uncounted"};
  const RunResult r = RunBinary(args);
  EXPECT_EQ(r.exit_code, 0) << Describe(args, r);
  EXPECT_EQ(r.err, "") << Describe(args, r);
  EXPECT_TRUE(absl::StrContains(r.out, "pass  gate --max-flops passed")) << r.out;
}

TEST(CliGates, EachFailingGateExitsOneAndSaysByHowMuch) {
  struct Case {
    std::vector<std::string> args;
    std::string line;  // the stderr line
  };
  const std::vector<Case> cases = {
      {{kTinyMlp, "--max-flops", "400K"},
       "onnx-flops: gate --max-flops failed: forward FLOPs per example 4.07e+05 > limit 4e+05, "
       "over by 7.1e+03 (+1.8%)"},
      {{kTinyMlp, "--max-params", "0.2M"},
       "onnx-flops: gate --max-params failed: parameters 2.04e+05 > limit 2e+05, over by "
       "3.53e+03 (+1.8%)"},
      // 407100 x 3 x 60000 x 10 = 7.3278e11
      {{kTinyMlp, "--examples", "60000", "--epochs", "10", "--max-training-flops", "7e11"},
       "onnx-flops: gate --max-training-flops failed: training FLOPs (method 1) 7.33e+11 > "
       "limit 7e+11, over by 3.28e+10 (+4.7%)"},
      {{kTestdata + "/unknown_op.onnx", "--fail-on-uncounted"},
       "onnx-flops: gate --fail-on-uncounted failed: 3 of 5 nodes uncounted: frobnicate "
       "(Frobnicate): no rule for op 'Frobnicate'"},
  };
  for (const Case& c : cases) {
    const RunResult r = RunBinary(c.args);
    const std::string what = Describe(c.args, r);
    EXPECT_EQ(r.exit_code, 1) << what;
    ASSERT_EQ(Lines(r.err).size(), 1u) << what;
    EXPECT_EQ(Lines(r.err)[0].rfind(c.line, 0), 0u) << what;
    EXPECT_TRUE(absl::StrContains(r.out, "FAIL  gate")) << what;  // the report is still printed
  }
}

TEST(CliGates, SeveralFailuresOneLineEach) {
  const std::vector<std::string> args = {kTinyMlp, "--max-flops", "1", "--max-params", "1",
                                         "--format", "json"};
  const RunResult r = RunBinary(args);
  EXPECT_EQ(r.exit_code, 1) << Describe(args, r);
  EXPECT_EQ(Lines(r.err).size(), 2u) << Describe(args, r);
  EXPECT_TRUE(absl::StrContains(r.out, "\"gate\": \"--max-params\"")) << r.out;
}

class CliBaseline : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / absl::StrCat("onnx_flops_baseline_cli_", getpid());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string BaselineOf(const std::string& model, const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args = {model, "--format", "json"};
    args.insert(args.end(), extra.begin(), extra.end());
    const RunResult r = RunBinary(args);
    EXPECT_EQ(r.exit_code, 0) << Describe(args, r);
    const std::string path = (dir_ / absl::StrCat("baseline", n_++, ".json")).string();
    std::ofstream(path) << r.out;
    return path;
  }
  fs::path dir_;
  int n_ = 0;
};

TEST_F(CliBaseline, SameModelPasses) {
  const std::string base = BaselineOf(kTinyMlp);
  const std::vector<std::string> args = {kTinyMlp, "--baseline", base};
  const RunResult r = RunBinary(args);
  EXPECT_EQ(r.exit_code, 0) << Describe(args, r);
  EXPECT_TRUE(absl::StrContains(r.out, "within the tolerance of 0% growth")) << r.out;
  EXPECT_TRUE(absl::StrContains(r.out, "every op type's FLOPs are unchanged")) << r.out;
}

TEST_F(CliBaseline, GrowthPastTheToleranceExitsOne) {
  // Batch 1 -> 2 doubles the totals (+100%): the note says the batch differs.
  const std::string base = BaselineOf(kTinyMlp);
  const std::vector<std::string> args = {kTinyMlp, "--dim", "batch=2", "--baseline", base,
                                         "--max-increase", "50%"};
  const RunResult r = RunBinary(args);
  EXPECT_EQ(r.exit_code, 1) << Describe(args, r);
  EXPECT_TRUE(absl::StrContains(r.err, "flops: grown +100.0%, 407,100 -> 814,200, over the 50% tolerance"))
      << r.err;
  EXPECT_TRUE(absl::StrContains(r.out, "note: batch size differs: 1 in the baseline, 2 now")) << r.out;
  // Parameters did not change: no line for them.
  EXPECT_FALSE(absl::StrContains(r.err, "parameters")) << r.err;
  // A tolerance of 100% lets it through.
  const std::vector<std::string> ok = {kTinyMlp, "--dim", "batch=2", "--baseline", base,
                                       "--max-increase", "100%"};
  EXPECT_EQ(RunBinary(ok).exit_code, 0);
}

TEST_F(CliBaseline, AnotherModelShowsNewAndVanishedOpTypes) {
  // small_cnn against tiny_mlp: Conv appears (new), Softmax goes (vanished);
  // op types are reported while only the gated totals decide.
  const std::string base = BaselineOf(kTinyMlp);
  const std::vector<std::string> args = {kSmallCnn, "--baseline", base, "--max-increase",
                                         "1000000%", "--format", "markdown"};
  const RunResult r = RunBinary(args);
  EXPECT_EQ(r.exit_code, 0) << Describe(args, r);
  EXPECT_TRUE(absl::StrContains(r.out, "| Conv | 0 |")) << r.out;
  EXPECT_TRUE(absl::StrContains(r.out, "| new |")) << r.out;
  EXPECT_TRUE(absl::StrContains(r.out, "| vanished |")) << r.out;
}

TEST_F(CliBaseline, Errors) {
  const std::string bad = (dir_ / "bad.json").string();
  std::ofstream(bad) << "{\"model\": [1, 2]";
  std::vector<std::vector<std::string>> cases = {
      {kTinyMlp, "--baseline", (dir_ / "missing.json").string()},
      {kTinyMlp, "--baseline", bad},
  };
  for (const auto& args : cases) {
    const RunResult r = RunBinary(args);
    EXPECT_EQ(r.exit_code, 2) << Describe(args, r);
    EXPECT_EQ(Lines(r.err).size(), 1u) << Describe(args, r);
    EXPECT_EQ(r.out, "") << Describe(args, r);
  }
}

TEST(CliMarkdown, SummaryTablesForAPullRequest) {
  const std::vector<std::string> args = {kTinyMlp, "--format", "markdown", "--max-flops", "1M"};
  const RunResult r = RunBinary(args);
  EXPECT_EQ(r.exit_code, 0) << Describe(args, r);
  EXPECT_TRUE(absl::StrContains(r.out, "| per example | 407,100 (407 K) |")) << r.out;
  EXPECT_TRUE(absl::StrContains(r.out, "| `--max-flops` | forward FLOPs per example | 1e+06 | 4.07e+05 | pass |"))
      << r.out;
  EXPECT_TRUE(absl::StrContains(r.out, "| Gemm | 2 | 406,794 |")) << r.out;
}

}  // namespace
}  // namespace onnx_flops
