// The compute statement: numbers as a paper prints them, every assumption
// marked, escaping for both targets, and the reproducibility line.
#include <string>

#include "analyzer/analyze.h"
#include "analyzer/report/render.h"
#include "gtest/gtest.h"

namespace onnx_flops {
namespace {

bool Has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// A hand-built report: the statement reads fields, it computes nothing.
Report Hand() {
  Report r;
  r.set_tool_version("9.9.9");
  r.set_command_line("onnx-flops m_1.onnx --examples 1000");
  ModelInfo* m = r.mutable_model();
  m->set_path("runs/m_1%.onnx");
  m->set_file_bytes(123456);
  m->set_sha256("ab12");
  m->set_parameters(25557032);
  OpsetImport* o = m->add_opset_imports();
  o->set_domain("ai.onnx");
  o->set_version(17);
  Forward* f = r.mutable_forward();
  f->set_flops_per_example(4.1e9);
  f->mutable_coverage()->set_nodes(100);
  Training* t = r.mutable_training();
  t->set_flops(9.996e18);  // rounds up to 1.00 x 10^19
  t->set_pf_days(9.996e18 / 8.64e19);
  t->set_forward_flops_per_example(4.1e9);
  t->set_examples(1000);
  t->set_epochs(1);
  t->set_effective_backward_ratio(2);
  t->set_backward_model("ratio");
  t->mutable_range()->set_low(6.664e18);
  t->mutable_range()->set_high(1.3328e19);
  t->mutable_range()->set_basis("ratios 1:1 to 3:1");
  TrainingInput* in = t->add_inputs();
  in->set_name("examples");
  in->set_value("1,000");
  in->set_source("--examples");
  in = t->add_inputs();
  in->set_name("backward_ratio");
  in->set_value("2");
  in->set_source("default");
  in->set_assumed(true);
  in->set_note("typical 2:1");
  Threshold* th = t->add_thresholds();
  th->set_name("EU AI Act: systemic risk");
  th->set_flops(1e25);
  th->set_ratio(9.996e-7);
  return r;
}

TEST(Statement, MarkdownNumbersAndAssumptions) {
  const std::string s = RenderStatement(Hand(), StatementStyle::kMarkdown);
  EXPECT_TRUE(Has(s, "**1.00 × 10¹⁹ FLOP**")) << s;           // 3 significant figures
  EXPECT_TRUE(Has(s, "6.66 × 10¹⁸ to 1.33 × 10¹⁹ FLOP")) << s;  // the range
  EXPECT_TRUE(Has(s, "4.10 × 10⁹ FLOP per example")) << s;
  EXPECT_TRUE(Has(s, "below the 10²⁵ FLOP threshold of the EU AI Act")) << s;
  EXPECT_TRUE(Has(s, "| Backward:forward FLOP ratio | 2 | **assumed**: typical 2:1 |")) << s;
  EXPECT_TRUE(Has(s, "| Examples per epoch | 1,000 | --examples |")) << s;
  EXPECT_TRUE(Has(s, "ratio of 2 (assumed)")) << s;
  EXPECT_TRUE(Has(s, "| Parameters | 25,557,032 |")) << s;
  EXPECT_TRUE(Has(s, "SHA-256 `ab12`")) << s;
  EXPECT_TRUE(Has(s, "opset ai.onnx 17")) << s;
  EXPECT_TRUE(Has(s, "command `onnx-flops m_1.onnx --examples 1000`")) << s;
  EXPECT_FALSE(Has(s, "could not be counted")) << s;
}

TEST(Statement, LatexEscapesAndMath) {
  const std::string s = RenderStatement(Hand(), StatementStyle::kLatex);
  EXPECT_TRUE(Has(s, "\\textbf{$1.00 \\times 10^{19}$ FLOP}")) << s;
  EXPECT_TRUE(Has(s, "$10^{25}$ FLOP threshold")) << s;
  // _ and % escaped; a break allowed after the slash.
  EXPECT_TRUE(Has(s, "\\texttt{runs/\\allowbreak{}m\\_1\\%.onnx}")) << s;
  EXPECT_TRUE(Has(s, "-{}-examples")) << s;                    // not an en dash
  EXPECT_TRUE(Has(s, "\\begin{tabular}")) << s;
  EXPECT_TRUE(Has(s, "\\textbf{assumed}: typical 2:1 \\\\")) << s;
  EXPECT_FALSE(Has(s, "×")) << s;                              // $\times$ instead
  EXPECT_FALSE(Has(s, "m_1")) << s;                            // never raw
}

TEST(Statement, UncountedNodesMakeALowerBound) {
  Report r = Hand();
  r.mutable_forward()->mutable_coverage()->set_uncounted(3);
  const std::string s = RenderStatement(r, StatementStyle::kMarkdown);
  EXPECT_TRUE(Has(s, "**3 of 100 nodes could not be counted**")) << s;
  EXPECT_TRUE(Has(s, "lower bound")) << s;
}

TEST(Statement, WithoutTrainingFiguresItSaysSo) {
  Report r = Hand();
  r.clear_training();
  AssumedDim* d = r.add_assumed_dims();
  d->set_name("batch");
  d->set_value(1);
  d->set_source("assumed: unbound");
  const std::string s = RenderStatement(r, StatementStyle::kMarkdown);
  EXPECT_TRUE(Has(s, "Training compute is not estimated")) << s;
  EXPECT_TRUE(Has(s, "**4.10 × 10⁹ FLOP** per example")) << s;
  EXPECT_TRUE(Has(s, "| dim batch | 1 | **assumed**")) << s;
}

// The Epoch report's CNN-LSTM-FCN, end to end: 29,437,844,490 FLOP per
// sequence (docs/training.md, "The Epoch CNN-LSTM example"), x 3 x 12,800 x 10 =
// 1.13e16; ratios 1 and 3 give 7.54e15 and 1.51e16.
TEST(Statement, EpochCnnLstmExample) {
  AnalyzeOptions o;
  o.training.examples = 12800;
  o.training.epochs = 10;
  o.sha256 = true;
  absl::StatusOr<Report> r =
      AnalyzeFile(std::string(ONNX_FLOPS_TESTDATA) + "/epoch_cnn_lstm.onnx", o);
  ASSERT_TRUE(r.ok()) << r.status();
  const std::string s = RenderStatement(*r, StatementStyle::kMarkdown);
  EXPECT_TRUE(Has(s, "**1.13 × 10¹⁶ FLOP**")) << s;
  EXPECT_TRUE(Has(s, "7.54 × 10¹⁵ to 1.51 × 10¹⁶ FLOP")) << s;
  EXPECT_TRUE(Has(s, "2.94 × 10¹⁰ FLOP per example (1.47 × 10⁹ per token)")) << s;
  EXPECT_TRUE(Has(s, "| Forward FLOP per example | 29,437,844,490 | graph")) << s;
  EXPECT_TRUE(Has(s, "| dim batch | 1 | **assumed**")) << s;
  EXPECT_EQ(r->model().sha256().size(), 64u);
  EXPECT_TRUE(Has(s, r->model().sha256())) << s;
}

}  // namespace
}  // namespace onnx_flops
