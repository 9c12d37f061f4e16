// Batch mode end to end, on a zoo of 500+ models made by copying testdata
// into 40 directories, plus corrupt files: one row per model in path order,
// error rows for the corrupt ones and exit 2, the same bytes for --jobs 1 and
// --jobs 2, and shards that together hold every row exactly once.
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "proto/report.pb.h"
#include "tools/run_binary_testing.h"

namespace onnx_flops {
namespace {

namespace fs = std::filesystem;

const std::string kTestdata = ONNX_FLOPS_TESTDATA;


std::vector<std::string> Lines(const std::string& s) {
  std::vector<std::string> out = absl::StrSplit(s, '\n', absl::SkipEmpty());
  return out;
}

// Shared by all tests: building 500 files once is enough.
class Zoo : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    root_ = new std::string(
        (fs::temp_directory_path() / absl::StrCat("onnx_flops_zoo_cli_", getpid())).string());
    fs::remove_all(*root_);
    std::vector<fs::path> sources;
    for (const auto& e : fs::directory_iterator(kTestdata)) {
      if (e.path().extension() == ".onnx") sources.push_back(e.path());
    }
    std::sort(sources.begin(), sources.end());
    models_ = 0;
    for (int d = 0; d < 40; ++d) {
      const fs::path dir = fs::path(*root_) / absl::StrCat("family", d / 10) / absl::StrCat("d", d);
      fs::create_directories(dir);
      for (const fs::path& src : sources) {
        fs::copy_file(src, dir / src.filename());
        ++models_;
      }
    }
    // Corrupt files: a truncated copy, an empty file, text named .onnx.
    std::ifstream in(kTestdata + "/small_cnn.onnx", std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::ofstream(fs::path(*root_) / "corrupt_truncated.onnx", std::ios::binary)
        << bytes.substr(0, bytes.size() / 2);
    std::ofstream(fs::path(*root_) / "family1" / "corrupt_empty.onnx");
    std::ofstream(fs::path(*root_) / "family2" / "d25" / "corrupt_text.onnx") << "hello, world\n";
    std::ofstream(fs::path(*root_) / "family2" / "README.md") << "not a model\n";
    models_ += 3;
  }
  static void TearDownTestSuite() {
    fs::remove_all(*root_);
    delete root_;
  }
  static std::string* root_;
  static int models_;
};
std::string* Zoo::root_ = nullptr;
int Zoo::models_ = 0;

TEST_F(Zoo, OneRowPerModelInPathOrderWithErrorRows) {
  ASSERT_GE(models_, 500);
  const std::vector<std::string> args = {*root_, "--format", "jsonl", "--jobs", "1"};
  const RunResult r = RunBinary(args);
  EXPECT_EQ(r.exit_code, 2) << Describe(args, r);  // corrupt files, after all were processed
  const std::vector<std::string> rows = Lines(r.out);
  ASSERT_EQ(static_cast<int>(rows.size()), models_) << Describe(args, r);
  // Path order: the rows are sorted as bytes (`LC_ALL=C sort` leaves them as they are).
  EXPECT_TRUE(std::is_sorted(rows.begin(), rows.end()));
  std::set<std::string> paths;
  int errors = 0;
  for (const std::string& row : rows) {
    Report report;
    google::protobuf::util::JsonParseOptions lenient;
    lenient.ignore_unknown_fields = true;
    ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(row, &report, lenient).ok()) << row;
    paths.insert(report.model().path());
    if (!absl::StrContains(row, "\"error\":")) {
      EXPECT_EQ(report.tool(), "onnx-flops") << row;
      continue;
    }
    ++errors;
    const std::string& path = report.model().path();
    ErrorRow error;
    ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(row, &error).ok()) << row;
    if (absl::StrContains(path, "corrupt_truncated")) {
      EXPECT_TRUE(absl::StrContains(error.error(), "truncated")) << row;
    } else if (absl::StrContains(path, "corrupt_empty")) {
      EXPECT_TRUE(absl::StrContains(error.error(), "file is empty")) << row;
    } else if (absl::StrContains(path, "corrupt_text")) {
      EXPECT_TRUE(absl::StrContains(error.error(), "not a valid ONNX model")) << row;
    } else {
      ADD_FAILURE() << "unexpected error row: " << row;
    }
  }
  EXPECT_EQ(errors, 3);
  EXPECT_EQ(static_cast<int>(paths.size()), models_);  // each model exactly once
  EXPECT_TRUE(absl::StrContains(r.err, absl::StrCat("onnx-flops: ", models_, " models, 3 failed to load")))
      << r.err;
  EXPECT_TRUE(absl::StrContains(r.err, "most expensive")) << r.err;
  EXPECT_FALSE(absl::StrContains(r.err, "\r")) << "no progress bar when stderr is not a terminal";
}

TEST_F(Zoo, SameBytesWhateverTheJobs) {
  const RunResult one = RunBinary({*root_, "--format", "jsonl", "--jobs", "1"});
  const RunResult two = RunBinary({*root_, "--format", "jsonl", "--jobs", "2"});
  const RunResult many = RunBinary({*root_, "--format", "csv", "--jobs", "7"});
  const RunResult csv = RunBinary({*root_, "--format", "csv", "--jobs", "1"});
  EXPECT_EQ(one.exit_code, 2);
  EXPECT_EQ(two.exit_code, 2);
  EXPECT_FALSE(one.out.empty());
  EXPECT_TRUE(one.out == two.out) << "jsonl rows differ between --jobs 1 and --jobs 2";
  EXPECT_TRUE(many.out == csv.out) << "csv rows differ between --jobs 7 and --jobs 1";
  EXPECT_EQ(static_cast<int>(Lines(csv.out).size()), models_ + 1);  // + the header
}

TEST_F(Zoo, ShardsTogetherHoldEveryRowOnce) {
  const RunResult whole = RunBinary({*root_, "--format", "jsonl"});
  std::vector<std::string> merged;
  std::vector<size_t> sizes;
  for (int i = 0; i < 3; ++i) {
    const std::vector<std::string> args = {*root_, "--format", "jsonl", "--shard",
                                           absl::StrCat(i, "/3")};
    const RunResult shard = RunBinary(args);
    const std::vector<std::string> rows = Lines(shard.out);
    EXPECT_TRUE(std::is_sorted(rows.begin(), rows.end()));
    sizes.push_back(rows.size());
    merged.insert(merged.end(), rows.begin(), rows.end());
  }
  for (size_t s : sizes) EXPECT_GT(s, static_cast<size_t>(models_) / 6) << "unbalanced shards";
  // cat shard*.jsonl | LC_ALL=C sort == a single run, byte for byte.
  std::sort(merged.begin(), merged.end());
  EXPECT_TRUE(absl::StrJoin(merged, "\n") + "\n" == whole.out);
}

TEST_F(Zoo, ShardKeyIsThePathBelowTheRoot) {
  // The same zoo under another name splits the same way.
  const std::string alias = *root_ + "_alias";
  fs::create_directory_symlink(*root_, alias);
  const RunResult a = RunBinary({*root_, "--format", "csv", "--shard", "1/3"});
  const RunResult b = RunBinary({alias + "/", "--format", "csv", "--shard", "1/3"});
  fs::remove(alias);
  std::vector<std::string> ra = Lines(a.out), rb = Lines(b.out);
  ASSERT_EQ(ra.size(), rb.size());
  for (size_t i = 1; i < ra.size(); ++i) {
    EXPECT_EQ(ra[i].substr(root_->size() + 1), rb[i].substr(alias.size() + 1)) << i;
  }
}

TEST_F(Zoo, GatesApplyToEveryModel) {
  // Without the corrupt files: exit 1 when some model fails a gate. The
  // epoch CNN-LSTM (29.4 G per example) fails --max-flops 1G; the others pass.
  const std::string dir = *root_ + "/family0/d3";
  const std::vector<std::string> args = {dir, "--format", "csv", "--max-flops", "1G"};
  const RunResult r = RunBinary(args);
  EXPECT_EQ(r.exit_code, 1) << Describe(args, r);
  int failed = 0;
  for (const std::string& row : Lines(r.out)) {
    if (absl::StrContains(row, ",failed,")) {
      ++failed;
      EXPECT_TRUE(absl::StrContains(row, "epoch_cnn_lstm.onnx")) << row;
      EXPECT_TRUE(absl::StrContains(row, ",--max-flops")) << row;
    }
  }
  EXPECT_EQ(failed, 1);
  EXPECT_TRUE(absl::StrContains(r.err, "0 failed to load, 1 failed a gate or the baseline")) << r.err;
  // The corrupt files win: exit 2 even though a gate failed too.
  EXPECT_EQ(RunBinary({*root_, "--format", "csv", "--max-flops", "1G"}).exit_code, 2);
  // All pass: exit 0.
  EXPECT_EQ(RunBinary({dir, "--format", "csv", "--max-flops", "1T"}).exit_code, 0);
}

TEST_F(Zoo, BaselineOfABatchRunIsMatchedByPath) {
  const std::string dir = *root_ + "/family0";
  const RunResult before = RunBinary({dir, "--format", "jsonl"});
  ASSERT_EQ(before.exit_code, 0);
  const std::string base = *root_ + "/../onnx_flops_zoo_baseline.jsonl";
  std::ofstream(base) << before.out;
  const RunResult same = RunBinary({dir, "--format", "csv", "--baseline", base});
  EXPECT_EQ(same.exit_code, 0) << same.err;
  // Batch 2 doubles every model's FLOPs: every row fails the 0% tolerance.
  const RunResult grown =
      RunBinary({dir, "--format", "csv", "--baseline", base, "--dim", "batch=2"});
  EXPECT_EQ(grown.exit_code, 1) << grown.err;
  EXPECT_TRUE(absl::StrContains(grown.out, ",failed,")) << grown.out;
  EXPECT_TRUE(absl::StrContains(grown.out, "--baseline,1\n")) << grown.out;  // flops_vs_baseline +100%
  // A smaller run says which baseline models it no longer has, and passes.
  const RunResult part = RunBinary({dir + "/d0", "--format", "csv", "--baseline", base});
  fs::remove(base);
  EXPECT_EQ(part.exit_code, 0) << part.err;
  const int gone = (models_ - 3) / 40 * 9;  // family0 holds d0..d9; d1..d9 are gone
  EXPECT_TRUE(absl::StrContains(part.err, absl::StrCat(gone, " models of the baseline are not in this run")))
      << part.err;
}

TEST_F(Zoo, FilesFrom) {
  const std::string list = *root_ + "/../onnx_flops_zoo_list.txt";
  std::ofstream(list) << *root_ << "/family0/d0/tiny_mlp.onnx\n\n"
                      << *root_ << "/family3\r\n";
  const RunResult r = RunBinary({"--files-from", list, "--format", "csv"});
  fs::remove(list);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(static_cast<int>(Lines(r.out).size()), 1 + 1 + (models_ - 3) / 4) << r.out;
  const RunResult none = RunBinary({"--files-from", "-"});  // stdin is /dev/null
  EXPECT_EQ(none.exit_code, 0) << none.err;
  EXPECT_TRUE(absl::StrContains(none.err, "0 models")) << none.err;
  EXPECT_EQ(RunBinary({"--files-from", "/nonexistent/list"}).exit_code, 2);
}

TEST_F(Zoo, SeveralPathsAndFormats) {
  const std::vector<std::string> args = {kTestdata + "/tiny_mlp.onnx", kTestdata + "/no_such.onnx",
                                         kTestdata + "/small_cnn.onnx", "--format", "text"};
  const RunResult r = RunBinary(args);
  EXPECT_EQ(r.exit_code, 2) << Describe(args, r);
  const std::vector<std::string> rows = Lines(r.out);
  ASSERT_EQ(rows.size(), 4u) << r.out;  // header + 3
  EXPECT_TRUE(absl::StrContains(rows[1], "no_such.onnx")) << r.out;
  EXPECT_EQ(rows[1].rfind("ERROR", 0), 0u) << r.out;
  EXPECT_TRUE(absl::StrContains(rows[3], "tiny_mlp.onnx")) << r.out;
  EXPECT_TRUE(absl::StrContains(rows[3], "407 K")) << r.out;  // 407,100 FLOP per example
  const RunResult md = RunBinary({kTestdata + "/tiny_mlp.onnx", "--batch", "--format", "markdown"});
  EXPECT_EQ(md.exit_code, 0);
  EXPECT_EQ(Lines(md.out).size(), 3u) << md.out;
  EXPECT_TRUE(absl::StrContains(md.out, "| 203.5 K | 407 K |") || absl::StrContains(md.out, "| 204 K | 407 K |"))
      << md.out;
  // A single JSON report per model would not be one row: refused in batch mode.
  EXPECT_EQ(RunBinary({*root_, "--format", "json"}).exit_code, 2);
}

}  // namespace
}  // namespace onnx_flops
