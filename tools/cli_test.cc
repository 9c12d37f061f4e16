// End-to-end tests of the onnx-flops binary: runs it as a child process and
// checks the exit status, stdout and stderr separately. The contract (see
// --help): exit 0 with the report on stdout, or exit 2 with nothing on stdout
// and exactly one line on stderr that starts with "onnx-flops: ".
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "proto/report.pb.h"
#include "analyzer/training/backward.h"
#include "tools/run_binary_testing.h"

namespace onnx_flops {
namespace {

namespace fs = std::filesystem;

const std::string kTestdata = ONNX_FLOPS_TESTDATA;
const std::string kTinyMlp = kTestdata + "/tiny_mlp.onnx";

// tiny_mlp.onnx, batch 1 (tools/make_testdata.py): x[batch,784] -> Gemm(784->256, +b) -> Relu
// -> Gemm(256->10, +b) -> Softmax. Gemm: 2*M*K*N matmul + M*N for the bias add; Relu 1 per
// element; Softmax 5 per element.
constexpr double kTinyMlpMatmulFlops = 2.0 * 1 * 784 * 256 + 2.0 * 1 * 256 * 10;   // 406528
constexpr double kTinyMlpVectorFlops = 256      // fc1 bias
                                       + 256    // relu
                                       + 10     // fc2 bias
                                       + 5 * 10;   // softmax
constexpr double kTinyMlpFlops = kTinyMlpMatmulFlops + kTinyMlpVectorFlops;
static_assert(kTinyMlpFlops == 407100, "tiny_mlp hand count");


// Exit 2, nothing on stdout, exactly one line on stderr starting "onnx-flops: ".
// Returns that line without its newline.
std::string ExpectOneLineError(const std::vector<std::string>& args) {
  const RunResult r = RunBinary(args);
  const std::string what = Describe(args, r);
  EXPECT_EQ(r.exit_code, 2) << what;
  EXPECT_EQ(r.out, "") << what;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << what;
  EXPECT_FALSE(r.err.empty()) << what;
  if (!r.err.empty()) {
    EXPECT_EQ(r.err.back(), '\n') << what;
  }
  EXPECT_EQ(r.err.rfind("onnx-flops: ", 0), 0u) << what;
  std::string line = r.err;
  if (!line.empty() && line.back() == '\n') line.pop_back();
  EXPECT_GT(line.size(), std::string("onnx-flops: ").size() + 5) << what;
  return line;
}

// Exit 0, something on stdout, nothing on stderr.
std::string ExpectSuccess(const std::vector<std::string>& args) {
  const RunResult r = RunBinary(args);
  const std::string what = Describe(args, r);
  EXPECT_EQ(r.exit_code, 0) << what;
  EXPECT_FALSE(r.out.empty()) << what;
  EXPECT_EQ(r.err, "") << what;
  return r.out;
}

bool ParseReport(const std::string& json, Report* report) {
  auto status = google::protobuf::util::JsonStringToMessage(json, report);
  EXPECT_TRUE(status.ok()) << status.ToString() << "\n" << json.substr(0, 1000);
  return status.ok();
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines = absl::StrSplit(text, '\n');
  if (!lines.empty() && lines.back().empty()) lines.pop_back();
  return lines;
}

// testdata/expected.json, the hand counts and what each bad file's error
// should say.
const google::protobuf::Struct& Expected() {
  static const google::protobuf::Struct* expected = [] {
    auto* s = new google::protobuf::Struct;
    std::ifstream in(kTestdata + "/expected.json");
    std::stringstream text;
    text << in.rdbuf();
    auto status = google::protobuf::util::JsonStringToMessage(text.str(), s);
    EXPECT_TRUE(status.ok()) << "testdata/expected.json: " << status.ToString();
    return s;
  }();
  return *expected;
}

// ---- errors: exit 2, one line ------------------------------------------------

TEST(CliErrors, EveryBadTestdataFile) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(kTestdata + "/bad")) {
    if (entry.is_regular_file()) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  ASSERT_GE(files.size(), 8u) << "testdata/bad/ holds fewer files than expected";

  for (const fs::path& file : files) {
    SCOPED_TRACE(file.string());
    const std::string key = absl::StrCat("bad/", file.filename().string());
    const auto& fields = Expected().fields();
    const auto it = fields.find(key);
    const google::protobuf::Struct* entry =
        it == fields.end() ? nullptr : &it->second.struct_value();

    // expected.json allows some files in bad/ (absurd_dims) to be counted
    // correctly instead of refused: exit 0 with the exact figure is fine too.
    const RunResult first = RunBinary({file.string()});
    if (entry != nullptr && entry->fields().count("error") &&
        !entry->fields().at("error").bool_value() && first.exit_code == 0) {
      const std::string json = ExpectSuccess({file.string(), "--format", "json"});
      Report report;
      if (ParseReport(json, &report)) {
        EXPECT_EQ(report.forward().flops(), entry->fields().at("flops").number_value());
      }
      continue;
    }

    const std::string line = ExpectOneLineError({file.string()});
    EXPECT_TRUE(absl::StrContains(line, file.string())) << line;
    if (entry != nullptr && entry->fields().count("error_should_mention")) {
      for (const auto& want : entry->fields().at("error_should_mention").list_value().values()) {
        EXPECT_TRUE(absl::StrContains(line, want.string_value()))
            << "should mention '" << want.string_value() << "': " << line;
      }
    }
    // The same error whatever the output format.
    EXPECT_EQ(ExpectOneLineError({file.string(), "--format", "json"}), line);
  }
}

TEST(CliErrors, MissingFile) {
  const std::string path = kTestdata + "/no_such_model.onnx";
  const std::string line = ExpectOneLineError({path});
  EXPECT_TRUE(absl::StrContains(line, path)) << line;
}

TEST(CliErrors, DevNull) {
  const std::string line = ExpectOneLineError({"/dev/null"});
  EXPECT_TRUE(absl::StrContains(line, "/dev/null")) << line;
}

TEST(CliErrors, UsageErrorsMentionHelp) {
  const std::vector<std::vector<std::string>> cases = {
      {kTinyMlp, "--bogus"},
      {kTinyMlp, "--dim", "batch"},
      {kTinyMlp, "--dim", "batch=0"},
      {kTinyMlp, "--input", "x=1x0"},
      {kTinyMlp, "--format", "nope"},
      {kTinyMlp, "--epochs", "10"},
      {kTinyMlp, "--per-node=1"},
      {kTinyMlp, "--dim"},
      {kTinyMlp, "--max-increase", "5%"},
      {kTinyMlp, "--shard", "3/3"},
      {kTinyMlp, "--jobs", "0"},
      {},
  };
  for (const auto& args : cases) {
    const std::string line = ExpectOneLineError(args);
    EXPECT_TRUE(absl::StrContains(line, "--help")) << line;
  }
}

TEST(CliErrors, BindingErrorsFromTheAnalyzer) {
  // x is [batch,784]: a rank-4 --input, an unknown input name, an unbound dim
  // under --strict and a --batch-dim that names nothing are all refused.
  const std::vector<std::vector<std::string>> cases = {
      {kTinyMlp, "--input", "x=1x3x224x224"},
      {kTinyMlp, "--input", "nosuch=1x2"},
      {kTinyMlp, "--strict"},
      {kTinyMlp, "--batch-dim", "nosuch"},
      {kTinyMlp, "--batch-dim", "x:5"},
      {kTinyMlp, "--examples", "1e300", "--epochs", "1e300"},   // overflows a double
  };
  for (const auto& args : cases) {
    const std::string line = ExpectOneLineError(args);
    EXPECT_TRUE(absl::StrContains(line, kTinyMlp)) << line;
  }
}

TEST(CliErrors, OverridingAFixedDimIsNeverSilent) {
  // --input x=2x100 contradicts the model's fixed 784. Refusing is fine; if the
  // analyzer goes on, the report must warn about it.
  const std::vector<std::string> args = {kTinyMlp, "--input", "x=2x100", "--format", "json"};
  const RunResult r = RunBinary(args);
  if (r.exit_code == 2) {
    ExpectOneLineError(args);
    return;
  }
  ASSERT_EQ(r.exit_code, 0) << Describe(args, r);
  Report report;
  ASSERT_TRUE(ParseReport(r.out, &report));
  bool warned = false;
  for (const std::string& w : report.warnings()) warned |= absl::StrContains(w, "784");
  EXPECT_TRUE(warned) << r.out;
}

// ---- success paths -----------------------------------------------------------

TEST(Cli, HelpAndVersion) {
  std::string out = ExpectSuccess({"--help"});
  EXPECT_EQ(out.rfind("usage: onnx-flops", 0), 0u) << out;
  out = ExpectSuccess({"-h"});
  EXPECT_EQ(out.rfind("usage: onnx-flops", 0), 0u) << out;
  out = ExpectSuccess({"--version"});
  EXPECT_EQ(out.rfind("onnx-flops ", 0), 0u) << out;
  EXPECT_EQ(Lines(out).size(), 1u) << out;
}

TEST(Cli, TextReportWithTraining) {
  const std::string out = ExpectSuccess({kTinyMlp, "--examples", "60000", "--epochs", "10"});
  EXPECT_TRUE(absl::StrContains(out, "TRAINING COMPUTE")) << out;
  EXPECT_TRUE(absl::StrContains(out, "407,100")) << out;   // forward FLOPs at batch 1
  EXPECT_TRUE(absl::StrContains(out, "Gemm")) << out;
}

TEST(Cli, TextReportWithoutTrainingHasNoTrainingSection) {
  const std::string out = ExpectSuccess({kTinyMlp});
  EXPECT_FALSE(absl::StrContains(out, "TRAINING COMPUTE")) << out;
}

TEST(Cli, JsonReport) {
  const std::string json =
      ExpectSuccess({kTinyMlp, "--format", "json", "--examples", "60000", "--epochs", "10"});
  Report report;
  ASSERT_TRUE(ParseReport(json, &report));
  EXPECT_EQ(report.tool(), "onnx-flops");
  EXPECT_EQ(report.model().nodes(), 4);
  EXPECT_EQ(report.model().parameters(), 784 * 256 + 256 + 256 * 10 + 10);
  EXPECT_EQ(report.forward().batch_size(), 1);
  EXPECT_EQ(report.forward().flops(), kTinyMlpFlops);
  EXPECT_EQ(report.forward().matmul_flops(), kTinyMlpMatmulFlops);
  EXPECT_EQ(report.forward().vector_flops(), kTinyMlpVectorFlops);
  EXPECT_EQ(report.forward().macs(), kTinyMlpMatmulFlops / 2);
  EXPECT_EQ(report.forward().flops_per_example(), kTinyMlpFlops);
  EXPECT_EQ(report.forward().coverage().nodes(), 4);
  EXPECT_EQ(report.forward().coverage().counted(), 4);
  EXPECT_EQ(report.forward().coverage().uncounted(), 0);
  // Method 1: forward per example x (1 + backward ratio 2) x examples x epochs.
  EXPECT_EQ(report.training().examples(), 60000);
  EXPECT_EQ(report.training().epochs(), 10);
  EXPECT_EQ(report.training().backward_ratio(), 2);
  EXPECT_EQ(report.training().forward_flops_per_example(), kTinyMlpFlops);
  EXPECT_EQ(report.training().flops_per_example(), kTinyMlpFlops * 3);
  EXPECT_EQ(report.training().flops(), kTinyMlpFlops * 3 * 60000 * 10);
  // --per-node not given: no per-node table.
  EXPECT_EQ(report.forward().nodes_size(), 0);
}

TEST(Cli, JsonBackwardRatioZero) {
  const std::string json = ExpectSuccess(
      {kTinyMlp, "--format=json", "--examples=1e3", "--backward-ratio", "0"});
  Report report;
  ASSERT_TRUE(ParseReport(json, &report));
  EXPECT_EQ(report.training().epochs(), 1);
  EXPECT_EQ(report.training().flops(), kTinyMlpFlops * 1000);
}

TEST(Cli, DimBatchScalesLinearly) {
  const std::string json =
      ExpectSuccess({kTinyMlp, "--dim", "batch=4", "--format", "json", "--examples", "60000"});
  Report report;
  ASSERT_TRUE(ParseReport(json, &report));
  EXPECT_EQ(report.forward().batch_size(), 4);
  EXPECT_EQ(report.forward().batch_dim().name(), "batch");
  EXPECT_EQ(report.forward().flops(), 4 * kTinyMlpFlops);
  EXPECT_EQ(report.forward().matmul_flops(), 4 * kTinyMlpMatmulFlops);
  EXPECT_EQ(report.forward().flops_per_example(), kTinyMlpFlops);
  // Training uses the per-example figure, so the batch size does not change it.
  EXPECT_EQ(report.training().flops(), kTinyMlpFlops * 3 * 60000);
  ASSERT_EQ(report.model().inputs_size(), 1);
  EXPECT_EQ(report.model().inputs(0).shape(), "4x784");
}

TEST(Cli, InputShapeBindsTheBatch) {
  const std::string json = ExpectSuccess({kTinyMlp, "--input", "x=8x784", "--format", "json"});
  Report report;
  ASSERT_TRUE(ParseReport(json, &report));
  EXPECT_EQ(report.forward().batch_size(), 8);
  EXPECT_EQ(report.forward().flops(), 8 * kTinyMlpFlops);
}

TEST(Cli, JsonPerNode) {
  const std::string json = ExpectSuccess({kTinyMlp, "--format", "json", "--per-node"});
  Report report;
  ASSERT_TRUE(ParseReport(json, &report));
  ASSERT_EQ(report.forward().nodes_size(), 4);
  EXPECT_EQ(report.forward().nodes(0).node(), "fc1");
  EXPECT_EQ(report.forward().nodes(0).flops(), 2.0 * 784 * 256 + 256);
  EXPECT_EQ(report.forward().nodes(1).node(), "relu");
  EXPECT_EQ(report.forward().nodes(1).flops(), 256);
  EXPECT_EQ(report.forward().nodes(2).node(), "fc2");
  EXPECT_EQ(report.forward().nodes(2).flops(), 2.0 * 256 * 10 + 10);
  EXPECT_EQ(report.forward().nodes(3).node(), "softmax");
  EXPECT_EQ(report.forward().nodes(3).flops(), 5 * 10);
}

TEST(Cli, CsvPerNode) {
  const std::string out = ExpectSuccess({kTinyMlp, "--format", "csv", "--per-node"});
  const std::vector<std::string> lines = Lines(out);
  ASSERT_EQ(lines.size(), 1u + 4u) << out;   // header + one row per node
  EXPECT_EQ(lines[0].rfind("node,op_type,", 0), 0u) << lines[0];
  const std::vector<std::string> names = {"fc1,Gemm,", "relu,Relu,", "fc2,Gemm,",
                                          "softmax,Softmax,"};
  for (size_t i = 0; i < names.size(); ++i) {
    EXPECT_EQ(lines[i + 1].rfind(names[i], 0), 0u) << lines[i + 1];
  }
}

TEST(Cli, CsvByOpType) {
  const std::string out = ExpectSuccess({kTinyMlp, "--format", "csv"});
  const std::vector<std::string> lines = Lines(out);
  ASSERT_EQ(lines.size(), 1u + 3u) << out;   // header + Gemm, Relu, Softmax
  EXPECT_EQ(lines[0].rfind("op_type,", 0), 0u) << lines[0];
  EXPECT_EQ(lines[1].rfind("Gemm,", 0), 0u) << lines[1];
}

TEST(Cli, ListRules) {
  const std::string out = ExpectSuccess({"--list-rules"});
  std::vector<std::string> ops;
  size_t backward_lines = 0;
  bool in_backward = false;
  for (const std::string& line : Lines(out)) {
    if (line.empty()) continue;
    // The op rules, then the per-op backward model's formulas.
    in_backward = in_backward || line.rfind("backward pass (--backward per-op", 0) == 0;
    if (in_backward) {
      backward_lines += line.rfind("  ", 0) == 0 ? 1 : 0;
      continue;
    }
    ops.push_back(line.substr(0, line.find(' ')));
  }
  EXPECT_EQ(backward_lines, BackwardRuleFormulas().size()) << out;
  for (const char* op : {"MatMul", "Gemm", "Conv", "Relu", "Softmax"}) {
    EXPECT_NE(std::find(ops.begin(), ops.end(), op), ops.end()) << op << " not listed:\n" << out;
  }
  const std::string md = ExpectSuccess({"--list-rules", "--format", "markdown"});
  // A markdown table (possibly after a preamble): header, separator, one row per rule.
  EXPECT_TRUE(absl::StrContains(md, "| op | domain | family | shapes | backward | formula |\n|---|"))
      << md.substr(0, 400);
  // Each row says who shapes the op and how its backward pass is counted.
  EXPECT_TRUE(absl::StrContains(
      md, "\n| MatMul | ai.onnx | matmul | onnx-flops | product of inputs 0 and 1 (attention"))
      << md.substr(0, 400);
  EXPECT_TRUE(absl::StrContains(md, "\n| Softsign | ai.onnx | activation | onnx-flops | vector |"))
      << md;
  EXPECT_TRUE(absl::StrContains(md, "\n| DequantizeLinear | ai.onnx | elementwise | ONNX | vector;"))
      << md;
  size_t table_rows = 0;
  for (const std::string& line : Lines(md)) table_rows += line.rfind("| ", 0) == 0 ? 1 : 0;
  EXPECT_EQ(table_rows, ops.size() + 1);   // + the header row
  EXPECT_TRUE(absl::StrContains(md, "\n## Backward pass (--backward per-op)\n")) << md;
}

TEST(Cli, AnIncompleteCountIsHeadlinedAsALowerBound) {
  const std::string text = RunBinary({kTestdata + "/unknown_op.onnx"}).out;
  EXPECT_TRUE(absl::StrContains(text, "8   (a lower bound: 3 uncounted nodes)\n")) << text;
  const std::string complete = RunBinary({kTestdata + "/small_cnn.onnx"}).out;
  EXPECT_FALSE(absl::StrContains(complete, "lower bound")) << complete;
}

}  // namespace
}  // namespace onnx_flops
