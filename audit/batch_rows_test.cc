// Batch rows and the summary, on hand-built reports.
#include "audit/batch_rows.h"

#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "audit/batch_summary.h"
#include "gtest/gtest.h"

namespace onnx_flops {
namespace {

Report Sample() {
  Report r;
  r.mutable_model()->set_path("zoo/a,b.onnx");
  r.mutable_model()->set_opset(17);
  r.mutable_model()->set_nodes(12);
  r.mutable_model()->set_parameters(203530);
  r.mutable_model()->set_active_parameters(203530);
  Forward* f = r.mutable_forward();
  f->set_flops(814200);
  f->set_matmul_flops(813056);
  f->set_macs(406528);
  f->set_flops_per_example(407100);
  f->mutable_coverage()->set_uncounted(1);
  return r;
}

// CSV columns split naively (no embedded commas in these rows but the path).
size_t Columns(const std::string& line) {
  size_t n = 1;
  bool quoted = false;
  for (char c : line) {
    if (c == '"') quoted = !quoted;
    if (c == ',' && !quoted) ++n;
  }
  return n;
}

TEST(BatchRows, CsvRowsMatchTheHeader) {
  const std::string header = kCsvRows.header();
  ASSERT_EQ(Columns(header), 15u) << header;
  Report r = Sample();
  const std::string ok = *kCsvRows.row(r);
  EXPECT_EQ(ok, "\"zoo/a,b.onnx\",ok,,17,12,203530,203530,814200,813056,406528,407100,,1,,\n");
  r.mutable_training()->set_flops(7.3278e11);
  GateResult* g = r.add_gates();
  g->set_gate("--max-flops");
  g->set_passed(false);
  r.mutable_baseline()->set_passed(false);
  MetricChange* change = r.mutable_baseline()->add_metrics();
  change->set_name("flops");
  change->set_status("grown");
  change->set_relative(0.25);
  const std::string failed = *kCsvRows.row(r);
  EXPECT_EQ(failed,
            "\"zoo/a,b.onnx\",failed,,17,12,203530,203530,814200,813056,406528,407100,732780000000,1,"
            "--max-flops;--baseline,0.25\n");
  const std::string error = kCsvRows.error_row("zoo/x.onnx", "truncated\nfile", "error");
  EXPECT_EQ(error, "zoo/x.onnx,error,truncated file,,,,,,,,,,,,\n");
  EXPECT_EQ(Columns(ok), 15u);
  // Past 2^53 a number keeps 17 digits: it reads back as the same double.
  const double big = 2.147160283787674e+17;  // ResNet-50 x ImageNet x 90 epochs
  r.mutable_training()->set_flops(big);
  const std::vector<std::string> fields = absl::StrSplit(*kCsvRows.row(r), ',');
  ASSERT_EQ(fields.size(), 16u);  // the quoted path holds one comma
  EXPECT_EQ(std::stod(fields[12]), big) << fields[12];
  EXPECT_EQ(Columns(error), 15u);
}

TEST(BatchRows, JsonlRowIsTheReportOnOneLine) {
  const std::string row = *kJsonlRows.row(Sample());
  EXPECT_EQ(row.rfind("{\"model\":{\"path\":\"zoo/a,b.onnx\",", 0), 0u) << row;
  EXPECT_EQ(row.find('\n'), row.size() - 1);
  EXPECT_EQ(kJsonlRows.error_row("zoo/\"q\".onnx", "bad", "error"),
            "{\"model\":{\"path\":\"zoo/\\\"q\\\".onnx\"},\"error\":\"bad\",\"status\":\"error\"}\n");
  EXPECT_EQ(kJsonlRows.error_row("m.onnx", "analysis crashed (SIGSEGV)", "crashed"),
            "{\"model\":{\"path\":\"m.onnx\"},\"error\":\"analysis crashed (SIGSEGV)\","
            "\"status\":\"crashed\"}\n");
  EXPECT_EQ(kJsonlRows.header(), "");
}

TEST(BatchRows, MarkdownAndText) {
  EXPECT_EQ(*kMarkdownRows.row(Sample()),
            "| `zoo/a,b.onnx` | ok | 17 | 12 | 204 K | 407 K |  | 1 |  |\n");
  EXPECT_EQ(kMarkdownRows.error_row("a|b.onnx", "bad", "error"),
            "| `a\\|b.onnx` | **error**: bad | | | | | | | |\n");
  const std::string text = *kTextRows.row(Sample());
  EXPECT_EQ(text.rfind("ok ", 0), 0u) << text;
  EXPECT_NE(text.find("407 K"), std::string::npos) << text;
  EXPECT_EQ(kTextRows.error_row("m.onnx", "empty", "error"), "ERROR   m.onnx: empty\n");
  EXPECT_EQ(kTextRows.error_row("m.onnx", "x", "timeout"), "TIMEOUT m.onnx: x\n");
  EXPECT_EQ(kTextRows.error_row("m.onnx", "x", "out of memory"), "OOM     m.onnx: x\n");
  EXPECT_EQ(kMarkdownRows.error_row("m.onnx", "x", "crashed"),
            "| `m.onnx` | **crashed**: x | | | | | | | |\n");
  EXPECT_EQ(kCsvRows.error_row("m.onnx", "x", "out of memory"),
            "m.onnx,out of memory,x,,,,,,,,,,,,\n");
  // A mixture of experts: the parameters a token passes through beside the total.
  Report moe = Sample();
  moe.mutable_model()->set_active_parameters(98816);
  moe.mutable_forward()->mutable_routing()->set_assumption("balanced");
  EXPECT_EQ(*kMarkdownRows.row(moe),
            "| `zoo/a,b.onnx` | ok | 17 | 12 | 204 K (98.8 K active) | 407 K |  | 1 |  |\n");
  EXPECT_NE(kCsvRows.row(moe)->find(",203530,98816,"), std::string::npos);
}

TEST(BatchSummary, KeepsTheFiveMostExpensiveInArrivalOrderAmongEquals) {
  BatchSummary s;
  const std::vector<std::pair<std::string, double>> models = {
      {"a", 10}, {"b", 50}, {"c", 30}, {"d", 50}, {"e", 5}, {"f", 40}, {"g", 20}, {"h", 1}};
  for (const auto& [path, flops] : models) s.AddModel(path, flops, path == "c");
  s.AddError();
  EXPECT_EQ(s.models, 9u);
  EXPECT_EQ(s.errors, 1u);
  EXPECT_EQ(s.checks_failed, 1u);
  ASSERT_EQ(s.top.size(), 5u);
  const std::vector<std::string> expected = {"b", "d", "f", "c", "g"};
  for (size_t i = 0; i < 5; ++i) EXPECT_EQ(s.top[i].second, expected[i]) << i;
  const std::string text = s.Render(2.0, 4);
  EXPECT_NE(text.find("9 models, 1 failed to load, 1 failed a gate or the baseline; 2.00 s "
                      "with 4 jobs (4.5 models/s)"),
            std::string::npos)
      << text;
  EXPECT_NE(s.Render(1.0, 1).find("with 1 job (9.0 models/s)"), std::string::npos);
}

TEST(ProgressLine, Bar) {
  EXPECT_EQ(ProgressLine(5, 10, 1, 2.0, 10), "[=====>    ] 5/10  1 errors  2.5 models/s");
  EXPECT_EQ(ProgressLine(10, 10, 0, 1.0, 4), "[====] 10/10  0 errors  10.0 models/s");
}

}  // namespace
}  // namespace onnx_flops
