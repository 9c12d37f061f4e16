#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "rules/rule_testing.h"

namespace onnx_flops {
namespace {

bool Mentions(const absl::Status& s, const std::string& word) {
  return std::string(s.message()).find(word) != std::string::npos;
}

TEST(ReduceRule, MeanOverHwResNetGlobalPool) {
  // ResNet-50 global average pool as ReduceMean over H,W of 1x2048x7x7:
  // in = 2048*49 = 100352, out = 2048; (in - out) adds + out divides = 100352.
  auto c = NodeBuilder("ReduceMean").Input({1, 2048, 7, 7}).Output({1, 2048, 1, 1})
               .Attr("axes", std::vector<int64_t>{2, 3}).Count();
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->vector_flops, (100352.0 - 2048) + 2048);
  EXPECT_EQ(c->matmul_flops, 0.0);
  EXPECT_EQ(c->macs, 0.0);
  EXPECT_FALSE(c->data_movement);
  // Output shape unknown: out from the axes attribute (opset 17), keepdims=0.
  auto a = NodeBuilder("ReduceMean").Input({1, 2048, 7, 7})
               .Attr("axes", std::vector<int64_t>{-2, -1}).Attr("keepdims", 0).Count();
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->vector_flops, 100352.0);
  // Opset 18: axes are input 1.
  auto b = NodeBuilder("ReduceMean").Opset(18).Input({1, 2048, 7, 7})
               .ConstInput({2}, {2, 3}).UnknownOutput().Count();
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_EQ(b->vector_flops, 100352.0);
}

TEST(ReduceRule, SumAxesInputOpset13) {
  // BERT hidden states 1x128x768 summed over the sequence, keepdims=0:
  // in = 98304, out = 768, in - out = 97536.
  auto c = NodeBuilder("ReduceSum").Opset(13).Input({1, 128, 768}).ConstInput({1}, {1})
               .Attr("keepdims", 0).Count();
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->vector_flops, 98304.0 - 768);
  // Axes unknown but the output shape known: still countable.
  auto o = NodeBuilder("ReduceSum").Opset(13).Input({1, 128, 768}).Input({1})
               .Output({1, 768}).Attr("keepdims", 0).Count();
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(o->vector_flops, 97536.0);
  // Axes unknown and output unknown: a reason naming the axes.
  auto u = NodeBuilder("ReduceSum").Opset(13).Input({1, 128, 768}).Input({1})
               .UnknownOutput().Count();
  ASSERT_FALSE(u.ok());
  EXPECT_TRUE(Mentions(u.status(), "axes")) << u.status();
  // No axes: reduce all (out = 1) -> 98303; with noop_with_empty_axes -> 0.
  auto all = NodeBuilder("ReduceSum").Opset(13).Input({1, 128, 768}).Count();
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_EQ(all->vector_flops, 98303.0);
  auto noop = NodeBuilder("ReduceSum").Opset(13).Input({1, 128, 768})
                  .Attr("noop_with_empty_axes", 1).Count();
  ASSERT_TRUE(noop.ok()) << noop.status();
  EXPECT_EQ(noop->vector_flops, 0.0);
  // Empty constant axes behave like absent axes.
  auto empty = NodeBuilder("ReduceSum").Opset(13).Input({1, 128, 768}).ConstInput({0}, {}).Count();
  ASSERT_TRUE(empty.ok()) << empty.status();
  EXPECT_EQ(empty->vector_flops, 98303.0);
}

TEST(ReduceRule, SumAxesAttributeBeforeOpset13) {
  // Opset 11: axes attribute; over the last axis of 1x128x768, out = 128:
  // 98304 - 128 = 98176.
  auto c = NodeBuilder("ReduceSum").Opset(11).Input({1, 128, 768})
               .Attr("axes", std::vector<int64_t>{-1}).Attr("keepdims", 0).Count();
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->vector_flops, 98176.0);
  // Out-of-range axis is an error.
  EXPECT_FALSE(NodeBuilder("ReduceSum").Opset(11).Input({1, 128, 768})
                   .Attr("axes", std::vector<int64_t>{3}).Count().ok());
}

TEST(ReduceRule, ElementwiseVariants) {
  // Over the last axis of 1x128x768: in = 98304, out = 128, in - out = 98176.
  auto run = [](const char* op) {
    return NodeBuilder(op).Input({1, 128, 768}).Attr("axes", std::vector<int64_t>{-1}).Count();
  };
  auto sq = run("ReduceSumSquare");  // in + (in-out) = 98304 + 98176
  ASSERT_TRUE(sq.ok()) << sq.status();
  EXPECT_EQ(sq->vector_flops, 196480.0);
  auto l1 = run("ReduceL1");  // in abs + (in-out)
  ASSERT_TRUE(l1.ok()) << l1.status();
  EXPECT_EQ(l1->vector_flops, 196480.0);
  auto l2 = run("ReduceL2");  // in + (in-out) + out = 196480 + 128
  ASSERT_TRUE(l2.ok()) << l2.status();
  EXPECT_EQ(l2->vector_flops, 196608.0);
  auto lse = run("ReduceLogSumExp");  // in exp + (in-out) + out log
  ASSERT_TRUE(lse.ok()) << lse.status();
  EXPECT_EQ(lse->vector_flops, 196608.0);
  auto ls = run("ReduceLogSum");  // (in-out) + out = 98176 + 128
  ASSERT_TRUE(ls.ok()) << ls.status();
  EXPECT_EQ(ls->vector_flops, 98304.0);
  for (const char* op : {"ReduceMax", "ReduceMin", "ReduceProd"}) {
    auto m = run(op);
    ASSERT_TRUE(m.ok()) << op << ": " << m.status();
    EXPECT_EQ(m->vector_flops, 98176.0) << op;
  }
}

TEST(ReduceRule, MaxAxesInputFromOpset18) {
  // Opset 18: the axes attribute is gone; an unknown axes input with an
  // unknown output shape is a reason.
  auto u = NodeBuilder("ReduceMax").Opset(18).Input({1, 1000}).Input({1}).Count();
  ASSERT_FALSE(u.ok());
  EXPECT_TRUE(Mentions(u.status(), "axes")) << u.status();
  // Constant axes [1] over 1x1000 logits: 999 comparisons.
  auto k = NodeBuilder("ReduceMax").Opset(18).Input({1, 1000}).ConstInput({1}, {1}).Count();
  ASSERT_TRUE(k.ok()) << k.status();
  EXPECT_EQ(k->vector_flops, 999.0);
}

TEST(ReduceRule, UnknownInputShapeNamesTheDim) {
  auto u = NodeBuilder("ReduceMean").SymbolicInput({-1, 128, 768}, {"batch", "", ""})
               .Attr("axes", std::vector<int64_t>{-1}).Count();
  ASSERT_FALSE(u.ok());
  EXPECT_TRUE(Mentions(u.status(), "batch")) << u.status();
}

TEST(ArgMaxRule, VocabularyArgmax) {
  // BERT MLM logits 1x128x30522, ArgMax over the vocabulary:
  // in = 128*30522 = 3906816, out = 128, 3906816 - 128 = 3906688 comparisons.
  auto c = NodeBuilder("ArgMax").Input({1, 128, 30522}).Attr("axis", -1).Attr("keepdims", 0).Count();
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->vector_flops, 3906688.0);
  // ArgMin, default axis 0 of 1000x1: out = 1, 999 comparisons.
  auto m = NodeBuilder("ArgMin").Input({1000, 1}).Count();
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(m->vector_flops, 999.0);
  EXPECT_FALSE(NodeBuilder("ArgMax").Input({1, 1000}).Attr("axis", 2).Count().ok());
}

TEST(CumSumRule, PositionIds) {
  // Position ids as CumSum of a 1x128 mask along axis 1: 127 adds; exclusive 126.
  auto c = NodeBuilder("CumSum").Opset(14).Input({1, 128}).ConstInput({}, {1}).Count();
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->vector_flops, 127.0);
  auto e = NodeBuilder("CumSum").Opset(14).Input({1, 128}).ConstInput({}, {1})
               .Attr("exclusive", 1).Count();
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(e->vector_flops, 126.0);
  // 2x3x4 along axis -1: 6 slices of L=4 -> 6*3 = 18.
  auto t = NodeBuilder("CumSum").Input({2, 3, 4}).ConstInput({1}, {-1}).Count();
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->vector_flops, 18.0);
  // 1-D input: the axis is 0 even if its value is unknown.
  auto one = NodeBuilder("CumSum").Input({50}).Input({}).Count();
  ASSERT_TRUE(one.ok()) << one.status();
  EXPECT_EQ(one->vector_flops, 49.0);
  // No axis input at all on a rank-3 input: a reason.
  auto u = NodeBuilder("CumSum").Input({2, 3, 4}).Count();
  ASSERT_FALSE(u.ok());
  EXPECT_TRUE(Mentions(u.status(), "axis")) << u.status();
}

TEST(CumSumRule, UnknownAxisIsTheLongestAxisAsABound) {
  // X 2x7x4 with the axis computed at run time. Adds per axis: axis 0 L=2,
  // 28 slices -> 28*1 = 28; axis 1 L=7, 8 slices -> 8*6 = 48; axis 2 L=4,
  // 14 slices -> 14*3 = 42. Upper bound: axis 1, 48.
  auto c = NodeBuilder("CumSum").Input({2, 7, 4}).Input({}, onnx::TensorProto::INT64).Count();
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->vector_flops, 48.0);
  EXPECT_NE(c->bound.find("axis unknown"), std::string::npos) << c->bound;
  EXPECT_NE(c->bound.find("L=7"), std::string::npos) << c->bound;
  EXPECT_NE(c->bound.find("upper bound"), std::string::npos) << c->bound;
  // Exclusive: axis 1 gives 8*max(7-2,0) = 40.
  auto e = NodeBuilder("CumSum").Input({2, 7, 4}).Input({}, onnx::TensorProto::INT64)
               .Attr("exclusive", 1).Count();
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(e->vector_flops, 40.0);
  // The low end of the range: the shortest axis, axis 0, 28, with no bound text.
  RuleOptions low;
  low.data_dependent_low = true;
  auto l = NodeBuilder("CumSum").Options(low).Input({2, 7, 4})
               .Input({}, onnx::TensorProto::INT64).Count();
  ASSERT_TRUE(l.ok()) << l.status();
  EXPECT_EQ(l->vector_flops, 28.0);
  EXPECT_TRUE(l->bound.empty()) << l->bound;
  // A known axis is exact: no bound.
  auto k = NodeBuilder("CumSum").Input({2, 7, 4}).ConstInput({}, {2}).Count();
  ASSERT_TRUE(k.ok()) << k.status();
  EXPECT_EQ(k->vector_flops, 42.0);
  EXPECT_TRUE(k->bound.empty());
}

TEST(TopKRule, Top5OfImageNetLogits) {
  // 1x1000 logits, k=5 along the last axis: rows=1, L=1000,
  // ceil(log2(5+1)) = 3 -> 999*3 = 2997 comparisons.
  auto c = NodeBuilder("TopK").Opset(11).Input({1, 1000}).ConstInput({1}, {5}).Count();
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->vector_flops, 2997.0);
  // k=1 is an argmax: 999.
  auto one = NodeBuilder("TopK").Opset(11).Input({1, 1000}).ConstInput({1}, {1}).Count();
  ASSERT_TRUE(one.ok()) << one.status();
  EXPECT_EQ(one->vector_flops, 999.0);
  // K unknown, k from the output shape 1x5.
  auto o = NodeBuilder("TopK").Opset(11).Input({1, 1000}).Input({1}).Output({1, 5}).Output({1, 5})
               .Count();
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(o->vector_flops, 2997.0);
  // Opset 1: attribute k.
  auto a = NodeBuilder("TopK").Opset(1).Input({1, 1000}).Attr("k", 5).Count();
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->vector_flops, 2997.0);
  // 8 rows (axis 0 of 1000x8), k=10: 8*999*ceil(log2 11)=8*999*4 = 31968.
  auto r = NodeBuilder("TopK").Opset(11).Input({1000, 8}).ConstInput({1}, {10}).Attr("axis", 0)
               .Count();
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->vector_flops, 31968.0);
}

TEST(TopKRule, FailurePaths) {
  auto missing = NodeBuilder("TopK").Opset(1).Input({1, 1000}).Count();
  ASSERT_FALSE(missing.ok());
  EXPECT_TRUE(Mentions(missing.status(), "'k'")) << missing.status();
  auto unknown = NodeBuilder("TopK").Opset(11).Input({1, 1000}).Input({1}).UnknownOutput().Count();
  ASSERT_FALSE(unknown.ok());
  EXPECT_TRUE(Mentions(unknown.status(), "k")) << unknown.status();
  EXPECT_FALSE(NodeBuilder("TopK").Opset(11).Input({1, 10}).ConstInput({1}, {11}).Count().ok());
}

}  // namespace
}  // namespace onnx_flops
