// onnxruntime's own test models (../shared/data/ort-testdata beside the
// checkout: 845 files nobody here wrote) through the binary in one batch run:
// a row for every file, none of them a crashed, hung or exhausted worker, and
// only the files that really are not models refused. Skipped without the
// corpus.
#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "proto/report.pb.h"
#include "tools/run_binary_testing.h"

namespace onnx_flops {
namespace {

namespace fs = std::filesystem;

const std::string kCorpus = std::string(ONNX_FLOPS_TESTDATA) + "/../../shared/data/ort-testdata";

size_t CountModels() {
  size_t n = 0;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(kCorpus, ec), end; !ec && it != end; it.increment(ec)) {
    std::string ext = it->path().extension().string();
    absl::AsciiStrToLower(&ext);
    if (ext == ".onnx" && it->is_regular_file()) ++n;
  }
  return n;
}

TEST(OrtCorpus, EveryModelGetsARowAndNoWorkerDies) {
  if (!fs::is_directory(kCorpus)) GTEST_SKIP() << kCorpus << " is not here";
  const size_t models = CountModels();
  ASSERT_GT(models, 800u);
  const std::vector<std::string> args = {kCorpus, "--format", "jsonl", "--jobs", "2",
                                         "--no-progress"};
  const RunResult r = RunBinary(args);
  // 2: some files are not models; never a signal (128 + n).
  EXPECT_EQ(r.exit_code, 2) << Describe(args, r);
  std::vector<std::string> lines = absl::StrSplit(r.out, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), models);
  std::vector<std::string> refused;
  for (const std::string& line : lines) {
    ASSERT_EQ(line.front(), '{') << line;
    if (!absl::StrContains(line, "\"status\":")) continue;
    ErrorRow row;
    google::protobuf::util::JsonParseOptions options;
    options.ignore_unknown_fields = true;
    ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(line, &row, options).ok()) << line;
    EXPECT_EQ(row.status(), "error") << line;  // not crashed, timeout or out of memory
    refused.push_back(fs::path(row.model().path()).filename().string());
  }
  std::sort(refused.begin(), refused.end());
  // A dangling input and 48 values defined twice (which onnxruntime refuses
  // too), a protobuf that holds no model, and one that is not protobuf: the
  // 22 whose inputs declare dim -1 load (read as unknown dims).
  EXPECT_EQ(refused, (std::vector<std::string>{"bad_names.onnx", "corrupt-model.onnx",
                                               "gpt2_past.onnx", "icm-31000000518082.onnx"}));
  EXPECT_TRUE(absl::StrContains(r.err, absl::StrCat(models, " models, 4 failed to load, ")))
      << r.err;
}

}  // namespace
}  // namespace onnx_flops
