// What no model can do to onnx-flops: a batch worker that crashes, hangs or
// runs out of memory costs its model's row and nothing else; ONNX's shape
// inference dying in its helper costs its shapes, with a warning. Faults are
// injected for real by the test-only binary onnx-flops-faults (tools/main.cc),
// and testdata/onnx_crash holds a model on which libonnx itself segfaults.
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "analyzer/util/child_process.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "proto/report.pb.h"
#include "tools/run_binary_testing.h"

namespace onnx_flops {
namespace {

namespace fs = std::filesystem;

const std::string kTestdata = ONNX_FLOPS_TESTDATA;
const std::string kFaults = ONNX_FLOPS_FAULTS_BINARY;

std::vector<std::string> Lines(const std::string& s) {
  std::vector<std::string> out = absl::StrSplit(s, '\n', absl::SkipEmpty());
  return out;
}

ErrorRow ParseErrorRow(const std::string& line) {
  ErrorRow row;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;
  EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(line, &row, options).ok()) << line;
  return row;
}

class Isolation : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / absl::StrCat("onnx_flops_isolation_", getpid());
    fs::remove_all(root_);
    fs::create_directories(root_);
  }
  void TearDown() override { fs::remove_all(root_); }

  // Every top-level testdata model, plus three copies named for the faults.
  size_t MakeZoo() {
    size_t n = 0;
    for (const auto& e : fs::directory_iterator(kTestdata)) {
      if (e.path().extension() != ".onnx") continue;
      fs::copy_file(e.path(), root_ / e.path().filename());
      ++n;
    }
    for (const char* fault : {"inject_crash", "inject_hang", "inject_oom"}) {
      fs::copy_file(kTestdata + "/tiny_mlp.onnx", root_ / absl::StrCat("m_", fault, ".onnx"));
      ++n;
    }
    return n;
  }
  fs::path root_;
};

TEST_F(Isolation, AWorkerThatCrashesHangsOrRunsOutOfMemoryCostsOnlyItsRow) {
  const size_t models = MakeZoo();
  const std::vector<std::string> args = {root_.string(), "--format", "jsonl", "--no-progress",
                                         "--jobs", "2", "--timeout", "2", "--max-memory", "512M"};
  const RunResult clean = RunProgram(kFaults, args);
  std::string faults = "ONNX_FLOPS_INJECT_FAULT=crash=inject_crash,hang=inject_hang";
  // Under AddressSanitizer no memory limit holds (see MemoryLimitsSupported):
  // the allocating worker would take the machine's memory instead.
  const bool oom = MemoryLimitsSupported();
  if (oom) faults += ",oom=inject_oom";
  const RunResult faulty = RunProgram(kFaults, args, {faults});

  const std::vector<std::string> want = Lines(clean.out);
  const std::vector<std::string> got = Lines(faulty.out);
  ASSERT_EQ(want.size(), models) << Describe(args, clean);
  ASSERT_EQ(got.size(), models) << Describe(args, faulty);
  EXPECT_EQ(faulty.exit_code, 2) << Describe(args, faulty);
  int crashed = 0, timed_out = 0, out_of_memory = 0;
  for (size_t i = 0; i < models; ++i) {
    const bool crash = absl::StrContains(got[i], "m_inject_crash.onnx\"");
    const bool hang = absl::StrContains(got[i], "m_inject_hang.onnx\"");
    const bool hog = oom && absl::StrContains(got[i], "m_inject_oom.onnx\"");
    if (!crash && !hang && !hog) {
      // Every other row is the row of a run without faults, byte for byte,
      // in the same place.
      EXPECT_EQ(got[i], want[i]) << "row " << i;
      continue;
    }
    const ErrorRow row = ParseErrorRow(got[i]);
    if (crash) {
      ++crashed;
      EXPECT_EQ(row.status(), "crashed");
      EXPECT_EQ(row.error(), "analysis crashed (SIGSEGV)");
    } else if (hang) {
      ++timed_out;
      EXPECT_EQ(row.status(), "timeout");
      EXPECT_EQ(row.error(), "analysis did not finish in 2 s (--timeout)");
    } else {
      ++out_of_memory;
      EXPECT_EQ(row.status(), "out of memory");
      EXPECT_EQ(row.error(), "analysis needed more than 512 MiB of memory (--max-memory)");
    }
  }
  EXPECT_EQ(crashed, 1);
  EXPECT_EQ(timed_out, 1);
  EXPECT_EQ(out_of_memory, oom ? 1 : 0);
  const std::string stopped = oom ? "(1 crashed, 1 timed out, 1 out of memory)"
                                  : "(1 crashed, 1 timed out)";
  EXPECT_TRUE(absl::StrContains(faulty.err, absl::StrCat(models, " models, ", oom ? 3 : 2,
                                                         " failed to load ", stopped)))
      << faulty.err;
}

TEST_F(Isolation, TextRowsSayHowTheWorkerStopped) {
  fs::copy_file(kTestdata + "/tiny_mlp.onnx", root_ / "a.onnx");
  fs::copy_file(kTestdata + "/tiny_mlp.onnx", root_ / "b_inject_crash.onnx");
  fs::copy_file(kTestdata + "/small_cnn.onnx", root_ / "c.onnx");
  const std::vector<std::string> args = {root_.string(), "--no-progress", "--jobs", "1"};
  const RunResult r = RunProgram(kFaults, args, {"ONNX_FLOPS_INJECT_FAULT=crash=inject_crash"});
  const std::vector<std::string> lines = Lines(r.out);
  ASSERT_EQ(lines.size(), 4u) << Describe(args, r);  // the header, then three rows
  EXPECT_EQ(lines[2], absl::StrCat("CRASHED ", (root_ / "b_inject_crash.onnx").string(),
                                   ": analysis crashed (SIGSEGV)"));
  // The worker after the crash is a new one, and analyzes as before.
  EXPECT_TRUE(absl::StartsWith(lines[3], "ok ")) << lines[3];
  EXPECT_EQ(r.exit_code, 2);
}

TEST_F(Isolation, LibonnxSegfaultIsAWarningNotADeadProcess) {
  const std::string model = kTestdata + "/onnx_crash/two_node_unknown_op_shape.onnx";
  // Under ASan the helper's SEGV is caught by the sanitizer, which exits 1.
  const std::string how = MemoryLimitsSupported() ? "SIGSEGV" : "exit status 1";
  const std::string warning = absl::StrCat("ONNX shape inference crashed on this model (", how,
                                           "); shapes from onnx-flops's own propagation only");
  const RunResult one = RunBinary({model, "--format", "json"});
  EXPECT_EQ(one.exit_code, 0) << Describe({model}, one);
  EXPECT_TRUE(absl::StrContains(one.out, warning)) << one.out;
  // The same in batch mode: a row, not a crashed worker.
  const RunResult batch = RunBinary({kTestdata + "/onnx_crash", "--format", "jsonl"});
  EXPECT_EQ(batch.exit_code, 0) << batch.err;
  EXPECT_TRUE(absl::StrContains(batch.out, warning)) << batch.out;
  EXPECT_FALSE(absl::StrContains(batch.out, "\"status\"")) << batch.out;
  // And never run: our propagation alone, said as such.
  const RunResult off = RunBinary({model, "--onnx-inference", "off", "--format", "json"});
  EXPECT_EQ(off.exit_code, 0);
  EXPECT_TRUE(absl::StrContains(off.out, "ONNX shape inference is off (--onnx-inference off)"))
      << off.out;
}

TEST_F(Isolation, OnnxHelperThatHangsOrRunsOutOfMemoryIsAFallback) {
  // if_const has an If: its shapes always go through ONNX's inference.
  const std::string model = kTestdata + "/if_const.onnx";
  const RunResult clean = RunProgram(kFaults, {model, "--format", "json"});
  ASSERT_EQ(clean.exit_code, 0) << clean.err;
  EXPECT_FALSE(absl::StrContains(clean.out, "ONNX shape inference")) << clean.out;

  const RunResult crash =
      RunProgram(kFaults, {model, "--format", "json"}, {"ONNX_FLOPS_INJECT_FAULT=onnx-crash=if_const"});
  EXPECT_EQ(crash.exit_code, 0) << crash.err;
  EXPECT_TRUE(absl::StrContains(crash.out, "ONNX shape inference crashed on this model (SIGSEGV)"))
      << crash.out;

  // --timeout 3: the helper gets half.
  const RunResult hang = RunProgram(kFaults, {model, "--format", "json", "--timeout", "3"},
                                    {"ONNX_FLOPS_INJECT_FAULT=onnx-hang=if_const"});
  EXPECT_EQ(hang.exit_code, 0) << hang.err;
  EXPECT_TRUE(absl::StrContains(hang.out, "ONNX shape inference did not finish in 1.5 s"))
      << hang.out;

  if (MemoryLimitsSupported()) {
    const RunResult hog = RunProgram(kFaults, {model, "--format", "json", "--max-memory", "256M"},
                                     {"ONNX_FLOPS_INJECT_FAULT=onnx-oom=if_const"});
    EXPECT_EQ(hog.exit_code, 0) << hog.err;
    EXPECT_TRUE(absl::StrContains(hog.out, "ONNX shape inference ran out of memory (limit 256 MiB)"))
        << hog.out;
  }
}

TEST_F(Isolation, ADirectoryWithoutModelsIsAnError) {
  fs::create_directories(root_ / "empty" / "sub");
  std::ofstream(root_ / "empty" / "notes.txt") << "no models here";
  const std::string dir = (root_ / "empty").string();
  const RunResult r = RunBinary({dir, "--format", "jsonl"});
  EXPECT_EQ(r.exit_code, 2) << Describe({dir}, r);
  const std::vector<std::string> lines = Lines(r.out);
  ASSERT_EQ(lines.size(), 1u) << r.out;
  const ErrorRow row = ParseErrorRow(lines[0]);
  EXPECT_EQ(row.model().path(), dir);
  EXPECT_EQ(row.error(), absl::StrCat("no *.onnx files under ", dir));
  EXPECT_EQ(row.status(), "error");
}

TEST_F(Isolation, SingleModelCrashIsAOneLineError) {
  if (!MemoryLimitsSupported()) GTEST_SKIP() << "the sanitizers report crashes themselves";
  const std::string model = kTestdata + "/tiny_mlp.onnx";
  const RunResult r =
      RunProgram(kFaults, {model}, {"ONNX_FLOPS_INJECT_FAULT=single-crash=tiny_mlp"});
  EXPECT_EQ(r.exit_code, 2) << Describe({model}, r);
  EXPECT_EQ(r.err, absl::StrCat("onnx-flops: ", model,
                                ": internal error: the analysis crashed (a bug in onnx-flops: "
                                "please report it with this model)\n"));
}

TEST_F(Isolation, SingleModelTimeoutIsAOneLineError) {
  // ResNet-50 takes about 10 ms to analyze: far longer than 1 ms.
  const std::string model = kTestdata + "/torchvision/resnet50.onnx";
  const RunResult r = RunBinary({model, "--timeout", "0.001"});
  EXPECT_EQ(r.exit_code, 2) << Describe({model}, r);
  EXPECT_EQ(r.err, absl::StrCat("onnx-flops: ", model,
                                ": analysis did not finish in 0.001 s (--timeout)\n"));
  EXPECT_TRUE(r.out.empty()) << r.out;
}

}  // namespace
}  // namespace onnx_flops
