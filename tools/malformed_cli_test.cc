// The binary on hostile inputs (testdata/malformed/, made by
// tools/make_malformed_testdata.py, and the fuzzer's regression inputs in
// testdata/fuzz/): exit 0 with a report or exit 2 with one line on stderr,
// never a signal. analyzer/malformed_test.cc checks the numbers in the
// reports; this checks the process contract, in single and batch mode.
#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "tools/run_binary_testing.h"

namespace onnx_flops {
namespace {

namespace fs = std::filesystem;

const std::string kTestdata = ONNX_FLOPS_TESTDATA;

std::vector<std::string> OnnxFiles(const std::string& dir) {
  std::vector<std::string> files;
  if (!fs::is_directory(dir)) return files;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.is_regular_file() && e.path().extension() == ".onnx") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

// The files whose attack is about the process itself (stack depth, overflow,
// bytes that are not text), plus every 20th of the rest: a process per file
// for all of them would take most of a minute.
std::vector<std::string> Sample() {
  std::vector<std::string> all = OnnxFiles(kTestdata + "/malformed");
  std::vector<std::string> sample;
  for (size_t i = 0; i < all.size(); ++i) {
    const std::string name = fs::path(all[i]).filename();
    if (absl::StartsWith(name, "nesting_") || absl::StartsWith(name, "trips_") ||
        absl::StartsWith(name, "names_") || i % 20 == 0) {
      sample.push_back(all[i]);
    }
  }
  for (const std::string& f : OnnxFiles(kTestdata + "/fuzz")) sample.push_back(f);
  return sample;
}

void ExpectContract(const std::vector<std::string>& args, bool json) {
  const RunResult r = RunBinary(args);
  const std::string what = Describe(args, r);
  ASSERT_TRUE(r.exit_code == 0 || r.exit_code == 2) << what;
  if (r.exit_code == 2) {
    EXPECT_EQ(r.out, "") << what;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << what;
    EXPECT_TRUE(absl::StartsWith(r.err, "onnx-flops: ")) << what;
    EXPECT_TRUE(absl::StrContains(r.err, args[0])) << what;
    return;
  }
  EXPECT_FALSE(r.out.empty()) << what;
  if (json) {
    google::protobuf::Struct parsed;
    EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(r.out, &parsed).ok()) << what;
  }
}

TEST(MalformedCli, SingleRunsExitZeroOrTwo) {
  const std::vector<std::string> files = Sample();
  ASSERT_GE(files.size(), 50u);
  for (const std::string& f : files) {
    SCOPED_TRACE(f);
    ExpectContract({f, "--format", "json", "--per-node", "--examples", "1e6"}, true);
    ExpectContract({f, "--per-node", "--examples", "1e6", "--backward", "per-op"}, false);
  }
}

TEST(MalformedCli, BatchRunGivesOneRowPerFile) {
  const std::string dir = kTestdata + "/malformed";
  const size_t files = OnnxFiles(dir).size();
  ASSERT_GE(files, 500u);
  const std::vector<std::string> args = {dir, "--format", "jsonl", "--jobs", "2",
                                         "--examples", "1000"};
  const RunResult r = RunBinary(args);
  const std::string what = Describe(args, r).substr(0, 4000);
  // Some files are not models: exit 2 after every file was processed.
  EXPECT_EQ(r.exit_code, 2) << what;
  std::vector<std::string> rows = absl::StrSplit(r.out, '\n', absl::SkipEmpty());
  EXPECT_EQ(rows.size(), files) << what;
  for (const std::string& row : rows) {
    google::protobuf::Struct parsed;
    EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(row, &parsed).ok())
        << row.substr(0, 500);
  }
}

}  // namespace
}  // namespace onnx_flops
