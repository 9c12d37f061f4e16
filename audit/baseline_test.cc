// The baseline comparison on hand-built reports: growth, shrink, new and
// vanished op types, the tolerance boundary, and the baseline file formats.
#include "audit/baseline.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "analyzer/report/render.h"
#include "gtest/gtest.h"

namespace onnx_flops {
namespace {

Report Make(double conv, double gemm, double relu, double params) {
  Report r;
  r.set_tool_version(ONNX_FLOPS_VERSION);
  r.mutable_model()->set_path("m.onnx");
  r.mutable_model()->set_parameters(params);
  Forward* f = r.mutable_forward();
  f->set_batch_size(1);
  f->set_matmul_flops(conv + gemm);
  f->set_flops(conv + gemm + relu);
  auto add = [&](const std::string& op, double flops, double matmul) {
    if (flops < 0) return;  // absent
    OpTypeCost* c = f->add_by_op_type();
    c->set_op_type(op);
    c->set_domain("ai.onnx");
    c->set_flops(flops);
    c->set_matmul_flops(matmul);
  };
  add("Conv", conv, conv);
  add("Gemm", gemm, gemm);
  add("Relu", relu, 0);
  return r;
}

const MetricChange* Find(const google::protobuf::RepeatedPtrField<MetricChange>& list,
                         const std::string& name) {
  for (const MetricChange& m : list) {
    if (m.name() == name) return &m;
  }
  return nullptr;
}

TEST(Baseline, UnchangedPasses) {
  Report before = Make(1000, 100, 10, 50);
  Report after = before;
  EXPECT_TRUE(CompareWithBaseline(before, "old.json", 0, &after));
  const BaselineComparison& b = after.baseline();
  EXPECT_TRUE(b.passed());
  EXPECT_EQ(b.path(), "old.json");
  ASSERT_EQ(b.metrics_size(), 3);  // no training section in either
  for (const MetricChange& m : b.metrics()) {
    EXPECT_EQ(m.status(), "same") << m.name();
    EXPECT_TRUE(m.gated());
    EXPECT_FALSE(m.over_limit());
  }
  for (const MetricChange& m : b.op_types()) EXPECT_EQ(m.status(), "same") << m.name();
  EXPECT_EQ(b.notes_size(), 0);
}

TEST(Baseline, GrowthPastTheToleranceFails) {
  // Total 1110 -> 1221: +10%; matmul 1100 -> 1210: +10%.
  Report before = Make(1000, 100, 10, 50);
  Report after = Make(1100, 110, 11, 50);
  EXPECT_FALSE(CompareWithBaseline(before, "old.json", 0.05, &after));
  const MetricChange* flops = Find(after.baseline().metrics(), "flops");
  ASSERT_NE(flops, nullptr);
  EXPECT_EQ(flops->before(), 1110);
  EXPECT_EQ(flops->after(), 1221);
  EXPECT_EQ(flops->change(), 111);
  EXPECT_DOUBLE_EQ(flops->relative(), 0.1);
  EXPECT_EQ(flops->status(), "grown");
  EXPECT_TRUE(flops->over_limit());
  EXPECT_NE(flops->message().find("grown +10.0%, 1,110 -> 1,221, over the 5% tolerance"),
            std::string::npos)
      << flops->message();
  EXPECT_FALSE(Find(after.baseline().metrics(), "parameters")->over_limit());
  // Within a 10% tolerance: 1221 - 1110 = 111 is exactly 10% of 1110.
  Report again = Make(1100, 110, 11, 50);
  EXPECT_TRUE(CompareWithBaseline(before, "old.json", 0.10, &again));
}

TEST(Baseline, ToleranceBoundaryIsInclusive) {
  // 100 -> 105 is exactly 5%; 100 -> 105.0001 is over.
  Report before = Make(100, 0, 0, 0);
  Report at = Make(105, 0, 0, 0);
  EXPECT_TRUE(CompareWithBaseline(before, "b", 0.05, &at));
  Report over = Make(105.0001, 0, 0, 0);
  EXPECT_FALSE(CompareWithBaseline(before, "b", 0.05, &over));
}

TEST(Baseline, ShrinkPasses) {
  Report before = Make(1000, 100, 10, 50);
  Report after = Make(500, 100, 10, 40);
  EXPECT_TRUE(CompareWithBaseline(before, "b", 0, &after));
  const MetricChange* flops = Find(after.baseline().metrics(), "flops");
  EXPECT_EQ(flops->status(), "shrunk");
  EXPECT_EQ(flops->change(), -500);
  EXPECT_DOUBLE_EQ(flops->relative(), 610.0 / 1110 - 1);
  EXPECT_EQ(Find(after.baseline().metrics(), "parameters")->status(), "shrunk");
  EXPECT_EQ(Find(after.baseline().op_types(), "Conv")->status(), "shrunk");
}

TEST(Baseline, NewAndVanishedOpTypesAreReportedNotGated) {
  // Gemm turned into MatMul: the totals are the same, two op types changed.
  Report before = Make(1000, 100, 10, 50);
  Report after = Make(1000, -1, 10, 50);
  after.mutable_forward()->set_matmul_flops(1100);
  after.mutable_forward()->set_flops(1110);
  OpTypeCost* mm = after.mutable_forward()->add_by_op_type();
  mm->set_op_type("MatMul");
  mm->set_domain("ai.onnx");
  mm->set_flops(100);
  OpTypeCost* ms = after.mutable_forward()->add_by_op_type();
  ms->set_op_type("FusedMatMul");
  ms->set_domain("com.microsoft");
  ms->set_flops(0);
  EXPECT_TRUE(CompareWithBaseline(before, "b", 0, &after));
  const auto& ops = after.baseline().op_types();
  const MetricChange* matmul = Find(ops, "MatMul");
  ASSERT_NE(matmul, nullptr);
  EXPECT_EQ(matmul->status(), "new");
  EXPECT_EQ(matmul->after(), 100);
  EXPECT_FALSE(matmul->gated());
  EXPECT_FALSE(matmul->over_limit());
  const MetricChange* gemm = Find(ops, "Gemm");
  ASSERT_NE(gemm, nullptr);
  EXPECT_EQ(gemm->status(), "vanished");
  EXPECT_EQ(gemm->before(), 100);
  EXPECT_EQ(gemm->after(), 0);
  EXPECT_NE(gemm->message().find("vanished, was 100"), std::string::npos) << gemm->message();
  // A contrib op is keyed with its domain; at 0 FLOP in both it is "same".
  ASSERT_NE(Find(ops, "com.microsoft::FusedMatMul"), nullptr);
  // Op types of this run come first, vanished ones after.
  EXPECT_EQ(ops[ops.size() - 1].name(), "Gemm");
}

TEST(Baseline, AMetricFromZeroIsOverAnyTolerance) {
  Report before = Make(1000, 0, 0, 0);
  Report after = Make(1000, 0, 0, 10);
  EXPECT_FALSE(CompareWithBaseline(before, "b", 0.5, &after));
  const MetricChange* params = Find(after.baseline().metrics(), "parameters");
  EXPECT_EQ(params->status(), "new");
  EXPECT_TRUE(params->over_limit());
}

TEST(Baseline, TrainingFlopsComparedWhenBothHaveThem) {
  Report before = Make(1000, 0, 0, 0);
  before.mutable_training()->set_flops(3e20);
  Report after = Make(1000, 0, 0, 0);
  after.mutable_training()->set_flops(3.3e20);
  EXPECT_FALSE(CompareWithBaseline(before, "b", 0.05, &after));
  const MetricChange* t = Find(after.baseline().metrics(), "training_flops");
  ASSERT_NE(t, nullptr);
  EXPECT_DOUBLE_EQ(t->relative(), 0.1);
  EXPECT_TRUE(t->over_limit());
  Report untrained = Make(1000, 0, 0, 0);
  EXPECT_TRUE(CompareWithBaseline(before, "b", 0.05, &untrained));
  EXPECT_EQ(Find(untrained.baseline().metrics(), "training_flops"), nullptr);
}

TEST(Baseline, NotesSayWhatMakesFiguresIncomparable) {
  Report before = Make(1000, 0, 0, 0);
  before.set_tool_version("0.0.1");
  before.mutable_forward()->mutable_coverage()->set_uncounted(2);
  before.mutable_model()->set_opset(13);
  Report after = Make(8000, 0, 0, 0);
  after.mutable_forward()->set_batch_size(8);
  after.mutable_model()->set_opset(17);
  CompareWithBaseline(before, "b", 0, &after);
  const auto& notes = after.baseline().notes();
  ASSERT_EQ(notes.size(), 4);
  EXPECT_NE(notes[0].find("batch size differs: 1 in the baseline, 8 now"), std::string::npos);
  EXPECT_NE(notes[1].find("uncounted nodes: 2 in the baseline, 0 now"), std::string::npos);
  EXPECT_NE(notes[2].find("opset differs: 13 in the baseline, 17 now"), std::string::npos);
  EXPECT_NE(notes[3].find("onnx-flops 0.0.1"), std::string::npos);
}

class BaselineFile : public ::testing::Test {
 protected:
  std::string Write(const std::string& text) {
    path_ = (std::filesystem::temp_directory_path() /
             ("onnx_flops_baseline_" + std::to_string(::getpid()) + ".json"))
                .string();
    std::ofstream(path_) << text;
    return path_;
  }
  void TearDown() override {
    if (!path_.empty()) std::remove(path_.c_str());
  }
  std::string path_;
};

TEST_F(BaselineFile, PrettyJsonReportIsTheFallbackForAnyPath) {
  Report r = Make(1000, 100, 10, 50);
  r.mutable_forward()->add_nodes()->set_node("n1");
  auto json = RenderJson(r);
  ASSERT_TRUE(json.ok());
  auto b = ReadBaseline(Write(*json));
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_FALSE(b->json_lines);
  const Report* found = BaselineFor(*b, "elsewhere/m.onnx");
  ASSERT_NE(found, nullptr);
  EXPECT_EQ(found->forward().flops(), 1110);
  EXPECT_EQ(found->forward().nodes_size(), 0);  // dropped on reading
}

TEST_F(BaselineFile, JsonLinesAreMatchedByPath) {
  Report a = Make(1000, 0, 0, 0);
  a.mutable_model()->set_path("zoo/a.onnx");
  Report c = Make(3000, 0, 0, 0);
  c.mutable_model()->set_path("zoo/c.onnx");
  std::string text = *RenderJson(a, false) +
                     "{\"model\":{\"path\":\"zoo/b.onnx\"},\"error\":\"truncated\"}\n" +
                     *RenderJson(c, false) + "\n";
  auto b = ReadBaseline(Write(text));
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_TRUE(b->json_lines);
  EXPECT_EQ(b->reports.size(), 2u);
  EXPECT_EQ(b->errors.at("zoo/b.onnx"), "truncated");
  EXPECT_EQ(BaselineFor(*b, "zoo/c.onnx")->forward().flops(), 3000);
  EXPECT_EQ(BaselineFor(*b, "zoo/b.onnx"), nullptr);
  EXPECT_EQ(BaselineFor(*b, "zoo/d.onnx"), nullptr);
}

TEST_F(BaselineFile, Errors) {
  auto missing = ReadBaseline("/nonexistent/old.json");
  EXPECT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("cannot open the baseline"), std::string::npos);
  auto bad = ReadBaseline(Write("not json at all\n"));
  EXPECT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("not an onnx-flops JSON report (line 1"),
            std::string::npos)
      << bad.status();
  auto empty = ReadBaseline(Write("\n\n"));
  EXPECT_FALSE(empty.ok());
}

TEST(Baseline, LayersThatChangedMostAreListedGrownFirst) {
  // Four layers before; after, /b grew by 300, /c by 50, /d shrank by 80, /a is
  // the same and /e is new (+120): the list is /b, /e, /c (grown, most first),
  // then /d (shrunk); /a is left out.
  auto layers = [](Report* r, std::vector<std::pair<std::string, double>> named) {
    for (const auto& [name, flops] : named) {
      LayerCost* l = r->mutable_forward()->add_layers();
      l->set_name(name);
      l->set_flops(flops);
    }
  };
  Report before = Make(1000, 100, 10, 50);
  Report after = Make(1000, 100, 10, 50);
  layers(&before, {{"/a", 100}, {"/b", 200}, {"/c", 300}, {"/d", 400}});
  layers(&after, {{"/a", 100}, {"/b", 500}, {"/c", 350}, {"/d", 320}, {"/e", 120}});
  EXPECT_TRUE(CompareWithBaseline(before, "b", 0, &after));  // layers are not gated
  ASSERT_EQ(after.baseline().layers_size(), 5);
  EXPECT_EQ(Find(after.baseline().layers(), "/e")->status(), "new");
  const std::vector<const MetricChange*> most = LargestLayerChanges(after.baseline(), 10);
  ASSERT_EQ(most.size(), 4u);
  EXPECT_EQ(most[0]->name(), "/b");
  EXPECT_EQ(most[0]->change(), 300);
  EXPECT_EQ(most[1]->name(), "/e");
  EXPECT_EQ(most[2]->name(), "/c");
  EXPECT_EQ(most[3]->name(), "/d");
  EXPECT_EQ(most[3]->change(), -80);
  EXPECT_EQ(LargestLayerChanges(after.baseline(), 2).size(), 2u);
  const std::string md = RenderMarkdown(after);
  EXPECT_NE(md.find("| /b | 200 | 500 | +300 | +150.0% |"), std::string::npos) << md;
  EXPECT_LT(md.find("| /b |"), md.find("| /d |"));
}

TEST(Baseline, MarkdownShowsTheComparison) {
  Report before = Make(1000, 100, 10, 50);
  Report after = Make(1100, 110, 11, 50);
  CompareWithBaseline(before, "old|report.json", 0.05, &after);
  const std::string md = RenderMarkdown(after);
  EXPECT_NE(md.find("**Over** the tolerance of 5% growth (baseline `old\\|report.json`)"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("| flops | 1,110 | 1,221 | +111 | **+10.0% over tolerance** |"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("| Conv | 1,000 | 1,100 | +100 | +10.0% |"), std::string::npos) << md;
}

}  // namespace
}  // namespace onnx_flops
