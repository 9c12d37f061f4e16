// Hostile inputs: every model in testdata/malformed/ (structurally malformed
// but protobuf-valid, made by tools/make_malformed_testdata.py) and every
// regression input the fuzzer found (testdata/fuzz/) goes through load,
// analysis and every renderer. The contract: either a report whose numbers are
// finite and non-negative, or a one-line error that names the file. Never a
// crash, a hang or a silent inf/nan. Run under -DONNX_FLOPS_SANITIZE=ON this is
// also the ASan/UBSan sweep.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "analyzer/analyze.h"
#include "analyzer/load/model_loader.h"
#include "analyzer/report/render.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "gtest/gtest.h"

namespace onnx_flops {
namespace {

namespace fs = std::filesystem;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

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

// Fields that may legitimately be negative: what the file itself declares.
bool MayBeNegative(const FieldDescriptor* f) {
  const std::string& n = f->full_name();
  return n == "onnx_flops.ModelInfo.ir_version" || n == "onnx_flops.ModelInfo.opset" ||
         n == "onnx_flops.OpsetImport.version";
}

// Every number in the report: finite, and not negative (counts, sizes, ratios).
void CheckNumbers(const Message& m, const std::string& where, std::vector<std::string>* bad) {
  const Reflection* r = m.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  r->ListFields(m, &fields);
  for (const FieldDescriptor* f : fields) {
    const std::string at = absl::StrCat(where, ".", f->name());
    const int n = f->is_repeated() ? r->FieldSize(m, f) : 1;
    for (int i = 0; i < n; ++i) {
      double x = 0;
      switch (f->cpp_type()) {
        case FieldDescriptor::CPPTYPE_MESSAGE:
          CheckNumbers(f->is_repeated() ? r->GetRepeatedMessage(m, f, i) : r->GetMessage(m, f),
                       f->is_repeated() ? absl::StrCat(at, "[", i, "]") : at, bad);
          continue;
        case FieldDescriptor::CPPTYPE_DOUBLE:
          x = f->is_repeated() ? r->GetRepeatedDouble(m, f, i) : r->GetDouble(m, f);
          break;
        case FieldDescriptor::CPPTYPE_INT32:
          x = f->is_repeated() ? r->GetRepeatedInt32(m, f, i) : r->GetInt32(m, f);
          break;
        case FieldDescriptor::CPPTYPE_INT64:
          x = static_cast<double>(f->is_repeated() ? r->GetRepeatedInt64(m, f, i)
                                                   : r->GetInt64(m, f));
          break;
        default:
          continue;
      }
      if (!std::isfinite(x) || (x < 0 && !MayBeNegative(f))) {
        bad->push_back(absl::StrCat(at, " = ", x));
      }
    }
  }
}

struct Outcome {
  bool loaded = false;
  bool analyzed = false;
  Report report;
};

// One file through the pipeline with `options`; failures are recorded with
// the file's name so one sweep reports every bad file at once.
Outcome RunOne(const std::string& path, const AnalyzeOptions& options) {
  Outcome o;
  auto one_line_naming_file = [&](const absl::Status& s, const char* stage) {
    const std::string msg(s.message());
    EXPECT_EQ(msg.find('\n'), std::string::npos) << stage << " error is not one line: " << msg;
    EXPECT_EQ(msg.find('\r'), std::string::npos) << stage << " error is not one line: " << msg;
    EXPECT_TRUE(absl::StrContains(msg, path)) << stage << " error does not name the file: "
                                              << msg;
  };
  absl::StatusOr<LoadedModel> loaded = LoadModel(path, options.load);
  if (!loaded.ok()) {
    one_line_naming_file(loaded.status(), "load");
    return o;
  }
  o.loaded = true;
  absl::StatusOr<Report> report = AnalyzeLoaded(*std::move(loaded), options);
  if (!report.ok()) {
    one_line_naming_file(report.status(), "analyze");
    return o;
  }
  o.analyzed = true;
  o.report = *std::move(report);
  EXPECT_EQ(o.report.model().path(), path);
  std::vector<std::string> bad;
  CheckNumbers(o.report, "report", &bad);
  EXPECT_TRUE(bad.empty()) << "numbers that are not finite and non-negative: "
                           << absl::StrJoin(bad, ", ");
  absl::StatusOr<std::string> json = RenderJson(o.report);
  EXPECT_TRUE(json.ok()) << json.status();
  absl::StatusOr<std::string> compact = RenderJson(o.report, /*pretty=*/false);
  EXPECT_TRUE(compact.ok()) << compact.status();
  TextOptions text;
  text.per_node = true;
  const std::string rendered[] = {RenderText(o.report, text), RenderMarkdown(o.report),
                                  RenderCsv(o.report, true), RenderCsv(o.report, false)};
  // The renderers print the numbers CheckNumbers has seen, and quote the
  // file's own strings (which may say "nan"): non-empty is what is left.
  for (const std::string& s : rendered) EXPECT_FALSE(s.empty());
  return o;
}

AnalyzeOptions RatioTraining() {
  AnalyzeOptions o;
  o.per_node = true;
  o.training.examples = 1000;
  o.training.epochs = 2;
  return o;
}

AnalyzeOptions PerOpTraining() {
  AnalyzeOptions o;
  o.causal_half = true;
  o.training.examples = 1000;
  o.training.epochs = 2;
  o.training.backward_model = "per-op";
  o.training.optimizer = "adam";
  o.hardware.hardware = "h100-sxm";
  o.hardware.chips = 8;
  o.hardware.seconds = 3600;
  return o;
}

void Sweep(const std::vector<std::string>& files, int* loaded, int* analyzed) {
  for (const std::string& f : files) {
    SCOPED_TRACE(f);
    const Outcome a = RunOne(f, RatioTraining());
    const Outcome b = RunOne(f, PerOpTraining());
    *loaded += a.loaded;
    *analyzed += a.analyzed;
    // The options change the training figures, not whether a file is a model.
    EXPECT_EQ(a.loaded, b.loaded);
  }
}

TEST(Malformed, EveryFileGivesAReportOrAOneLineError) {
  const std::vector<std::string> files = OnnxFiles(kTestdata + "/malformed");
  // tools/make_malformed_testdata.py writes hundreds; a handful means the
  // directory was not regenerated or the glob is wrong.
  ASSERT_GE(files.size(), 500u);
  int loaded = 0, analyzed = 0;
  Sweep(files, &loaded, &analyzed);
  // Most of these are models with one bad value in them: they load and are
  // analyzed, with that node uncounted.
  EXPECT_GE(analyzed, static_cast<int>(files.size()) / 2) << loaded << " loaded";
}

TEST(Malformed, FuzzerRegressionInputs) {
  const std::vector<std::string> files = OnnxFiles(kTestdata + "/fuzz");
  // Every past find is kept there; fewer means the directory went missing.
  ASSERT_GE(files.size(), 4u);
  int loaded = 0, analyzed = 0;
  Sweep(files, &loaded, &analyzed);
  // Each one is a model with one bad value, not a broken file: it loads.
  EXPECT_EQ(loaded, static_cast<int>(files.size()));
}

TEST(Malformed, ScanWithNegativeNumScanInputsHasNoMoreStatesThanInputs) {
  // num_scan_inputs = -1 once made the per-op backward model index past the
  // body's inputs (a null reference under UBSan, a segfault in release).
  const Outcome o = RunOne(kTestdata + "/fuzz/scan_num_scan_inputs_negative.onnx", PerOpTraining());
  ASSERT_TRUE(o.analyzed);
  EXPECT_EQ(o.report.training().backward_model(), "per-op");
}

Report MustAnalyze(const std::string& name) {
  const Outcome o = RunOne(kTestdata + "/malformed/" + name, RatioTraining());
  EXPECT_TRUE(o.analyzed) << name;
  return o.report;
}

std::string Warnings(const Report& r) { return absl::StrJoin(r.warnings(), "\n"); }

const UncountedNode* Uncounted(const Report& r, const std::string& op_type) {
  for (const auto& u : r.forward().uncounted()) {
    if (u.op_type() == op_type) return &u;
  }
  return nullptr;
}

TEST(Malformed, NestedLoopRunsSaturateAtTwoToThe63WithAWarning) {
  // Two Loops of M = 2^40 (the largest M taken as a count): 2^80 runs of the
  // inner body, saturated at 2^63; the body's MatMul is 1x4 * 4x4 = 32 FLOP.
  const Report r = MustAnalyze("trips_nested_2_loops_m_2p40.onnx");
  EXPECT_EQ(r.forward().flops(), 32 * 9223372036854775808.0);
  EXPECT_TRUE(absl::StrContains(Warnings(r), "past 2^63: counted as 2^63 runs")) << Warnings(r);
}

TEST(Malformed, TripCountSentinelsAndGarbageAreNotCounts) {
  for (const char* name : {"trips_loop_m_int64max.onnx", "trips_loop_m_2p62.onnx"}) {
    const Report r = MustAnalyze(name);
    EXPECT_EQ(r.forward().flops(), 32) << name;  // the body once
    EXPECT_TRUE(absl::StrContains(Warnings(r), "run-until-false sentinel")) << Warnings(r);
  }
  const Report nan = MustAnalyze("trips_loop_m_float_nan.onnx");
  EXPECT_EQ(nan.forward().flops(), 32);
  EXPECT_TRUE(absl::StrContains(Warnings(nan), "not an integer")) << Warnings(nan);
}

TEST(Malformed, DeepNestingIsAOneLineLoadError) {
  for (const char* name : {"nesting_if_depth_1000.onnx", "nesting_loop_depth_1000.onnx",
                           "nesting_scan_depth_200.onnx", "nesting_sequence_type_depth_1000.onnx"}) {
    const std::string path = kTestdata + "/malformed/" + name;
    absl::StatusOr<LoadedModel> loaded = LoadModel(path);
    ASSERT_FALSE(loaded.ok()) << name;
    EXPECT_TRUE(absl::StrContains(loaded.status().message(), path)) << loaded.status();
  }
}

TEST(Malformed, NonsenseInitializerDimsAreLeftOutOfTheParameters) {
  for (const char* name : {"dims_init_unused_20d_int64max.onnx", "dims_init_matmul_neg7.onnx",
                           "sparse_initializer_values_dims_negative.onnx"}) {
    const Report r = MustAnalyze(name);
    EXPECT_TRUE(absl::StrContains(Warnings(r), "not counted in parameters")) << name;
  }
  // The MatMul weight [4, -7]: parameters 0, and the MatMul itself uncounted.
  const Report r = MustAnalyze("dims_init_matmul_neg7.onnx");
  EXPECT_EQ(r.model().parameters(), 0);
  EXPECT_NE(Uncounted(r, "MatMul"), nullptr);
}

TEST(Malformed, WindowAttributesOutOfRangeAreUncountedNotOverflowed) {
  for (const char* name : {"attr_conv_stride_0.onnx", "attr_conv_pads_int64max.onnx",
                           "attr_conv_dilation_int64max.onnx", "attr_maxpool_pads_int64min.onnx",
                           "attr_convtranspose_stride_int64max.onnx"}) {
    const Report r = MustAnalyze(name);
    EXPECT_EQ(r.forward().coverage().uncounted(), 1) << name;
  }
  const Report r = MustAnalyze("attr_lstm_hidden_size_int64max.onnx");
  ASSERT_NE(Uncounted(r, "LSTM"), nullptr);
  EXPECT_TRUE(absl::StrContains(Uncounted(r, "LSTM")->reason(), "between 1 and 2^40"));
}

TEST(Malformed, HugeVersionsSaturateInsteadOfWrapping) {
  // ir_version 2^62 and opset INT64_MAX: the report's int32 fields hold the
  // largest int32, not the low 32 bits (0 and -1).
  EXPECT_EQ(MustAnalyze("ir_version_2p62.onnx").model().ir_version(), 2147483647);
  const Report r = MustAnalyze("opset_default_int64max.onnx");
  EXPECT_EQ(r.model().opset(), 2147483647);
  EXPECT_EQ(MustAnalyze("opset_default_int64min.onnx").model().opset(), -2147483647 - 1);
}

TEST(Malformed, PayloadsThatAreNotWholeElementsAreDropped) {
  const Report r = MustAnalyze("payload_reshape_shape_raw_data_13_bytes.onnx");
  EXPECT_TRUE(absl::StrContains(Warnings(r), "not a whole number of elements")) << Warnings(r);
}

TEST(Malformed, NamesThatAreNotUtf8BecomeReplacementCharacters) {
  const Report r = MustAnalyze("names_non_utf8_op_type.onnx");
  ASSERT_EQ(r.forward().uncounted_size(), 1);
  // The invalid bytes \xff\xfe\x80 of the op type, each as U+FFFD.
  EXPECT_EQ(r.forward().uncounted(0).op_type(), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBDQ");
  absl::StatusOr<std::string> json = RenderJson(r);
  ASSERT_TRUE(json.ok());
  EXPECT_TRUE(absl::StrContains(*json, "\xEF\xBF\xBD"));
}

TEST(Malformed, ErrorsQuotingNamesWithNewlinesStayOneLine) {
  const std::string path = kTestdata + "/malformed/names_newline_in_node_name.onnx";
  absl::StatusOr<LoadedModel> loaded = LoadModel(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  absl::StatusOr<Report> r = AnalyzeLoaded(*std::move(loaded), AnalyzeOptions());
  ASSERT_FALSE(r.ok());  // the node reads 'ghost', which nothing produces
  EXPECT_TRUE(absl::StrContains(r.status().message(), "line1 line2"))
      << r.status().message();
}

}  // namespace
}  // namespace onnx_flops
