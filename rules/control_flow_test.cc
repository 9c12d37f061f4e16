#include <cstdint>
#include <limits>
#include <string>

#include "gtest/gtest.h"
#include "rules/rule_testing.h"

namespace onnx_flops {
namespace {

TEST(LoopRule, ConstantTripCount) {
  auto c = NodeBuilder("Loop").ConstInput({}, {10}).ConstInput({}, {1}, onnx::TensorProto::BOOL)
               .Input({4, 8}).Count();
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->flops(), 0.0);
  ASSERT_EQ(c->subgraphs.size(), 1u);
  EXPECT_EQ(c->subgraphs[0].attribute, "body");
  EXPECT_EQ(c->subgraphs[0].trips, 10.0);
}

TEST(LoopRule, UnknownOrSentinelTripCountIsLeftToTheWalker) {
  auto dynamic = NodeBuilder("Loop").Input({}, onnx::TensorProto::INT64).AbsentInput().Count();
  ASSERT_TRUE(dynamic.ok());
  EXPECT_LT(dynamic->subgraphs[0].trips, 0);
  // torch's "run until cond" loops carry INT64_MAX as M.
  auto sentinel = NodeBuilder("Loop").ConstInput({}, {9223372036854775807.0})
                      .Input({}, onnx::TensorProto::BOOL).Count();
  ASSERT_TRUE(sentinel.ok());
  EXPECT_LT(sentinel->subgraphs[0].trips, 0);
  EXPECT_NE(sentinel->subgraphs[0].how.find("sentinel"), std::string::npos);
  auto absent = NodeBuilder("Loop").AbsentInput().Input({}, onnx::TensorProto::BOOL).Count();
  ASSERT_TRUE(absent.ok());
  EXPECT_LT(absent->subgraphs[0].trips, 0);
}

TEST(ScanRule, Opset9UsesTheScanAxis) {
  // One state [4,8], one scan input [7,4,8] (axis 0): 7 trips.
  auto c = NodeBuilder("Scan").Opset(11).Input({4, 8}).Input({7, 4, 8})
               .Attr("num_scan_inputs", 1).Count();
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->subgraphs[0].trips, 7.0);
  // scan_input_axes = [1]: the scan runs over the 4.
  auto axis1 = NodeBuilder("Scan").Opset(11).Input({4, 8}).Input({7, 4, 8})
                   .Attr("num_scan_inputs", 1).Attr("scan_input_axes", std::vector<int64_t>{1})
                   .Count();
  ASSERT_TRUE(axis1.ok());
  EXPECT_EQ(axis1->subgraphs[0].trips, 4.0);
  EXPECT_FALSE(NodeBuilder("Scan").Opset(11).Input({4, 8}).Count().ok());  // no num_scan_inputs
}

TEST(ScanRule, NumScanInputsBeyondInt32IsAnError) {
  // 2^31 and INT64_MAX once became INT_MIN and -1 in an int, and
  // inputs - num_scan_inputs overflowed (testdata/fuzz/scan_num_scan_inputs_2p31.onnx).
  for (int64_t n : {int64_t{1} << 31, int64_t{1} << 32, std::numeric_limits<int64_t>::max()}) {
    for (int opset : {8, 11}) {
      auto c = NodeBuilder("Scan").Opset(opset).Input({4, 8}).Input({7, 4, 8})
                   .Attr("num_scan_inputs", n).Count();
      EXPECT_FALSE(c.ok()) << n << " at opset " << opset;
      EXPECT_NE(c.status().message().find("exceeds the inputs"), absl::string_view::npos)
          << c.status();
    }
  }
}

TEST(ScanRule, Opset8RunsPerBatchRow) {
  // [batch 2, seq 5, 3]: the body runs 2 x 5 times; with constant lens {5, 3}: 8.
  auto c = NodeBuilder("Scan").Opset(8).AbsentInput().Input({2, 4}).Input({2, 5, 3})
               .Attr("num_scan_inputs", 1).Count();
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->subgraphs[0].trips, 10.0);
  auto lens = NodeBuilder("Scan").Opset(8).ConstInput({2}, {5, 3}).Input({2, 4}).Input({2, 5, 3})
                  .Attr("num_scan_inputs", 1).Count();
  ASSERT_TRUE(lens.ok());
  EXPECT_EQ(lens->subgraphs[0].trips, 8.0);
}

TEST(IfRule, ConstantConditionPicksOneBranch) {
  auto t = NodeBuilder("If").ConstInput({}, {1}, onnx::TensorProto::BOOL).Count();
  ASSERT_TRUE(t.ok());
  ASSERT_EQ(t->subgraphs.size(), 1u);
  EXPECT_EQ(t->subgraphs[0].attribute, "then_branch");
  auto f = NodeBuilder("If").ConstInput({}, {0}, onnx::TensorProto::BOOL).Count();
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->subgraphs[0].attribute, "else_branch");
  auto d = NodeBuilder("If").Input({}, onnx::TensorProto::BOOL).Count();
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->subgraphs.size(), 2u);
  EXPECT_TRUE(d->take_larger_subgraph);
}

TEST(SequenceMapRule, BodyPerElementWithTheLengthLeftToTheWalker) {
  // ONNX's test_sequence_map_add_1_sequence_1_tensor: body (in0, in1) -> Add,
  // x0 a sequence (no shape: lengths are not tracked), x1 a tensor [4, 5].
  NodeBuilder b("SequenceMap");
  b.UnknownInput().Input({4, 5});
  NodeView view = b.View();
  onnx::NodeProto node = *view.node;  // named after the ONNX test's values
  node.clear_input();
  node.add_input("x0");
  node.add_input("x1");
  onnx::AttributeProto* body = node.add_attribute();
  body->set_name("body");
  body->set_type(onnx::AttributeProto::GRAPH);
  body->mutable_g()->add_input()->set_name("in0");
  body->mutable_g()->add_input()->set_name("in1");
  view.node = &node;
  const Rule* rule = FindRule(DefaultRules(), "", "SequenceMap");
  ASSERT_NE(rule, nullptr);
  auto c = rule->count(view);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->flops(), 0.0);
  ASSERT_EQ(c->subgraphs.size(), 1u);
  EXPECT_EQ(c->subgraphs[0].attribute, "body");
  // Unknown: the walker applies --loop-trips or 1 with a warning naming x0.
  EXPECT_LT(c->subgraphs[0].trips, 0);
  EXPECT_NE(c->subgraphs[0].how.find("sequence 'x0'"), std::string::npos)
      << c->subgraphs[0].how;
  // The tensor input reaches the body whole; the sequence's element keeps
  // the body's declared shape.
  ASSERT_EQ(c->subgraphs[0].seeds.size(), 1u);
  EXPECT_EQ(c->subgraphs[0].seeds[0].name, "in1");
  EXPECT_EQ(c->subgraphs[0].seeds[0].dims, (Dims{4, 5}));
  // No body: a reason.
  auto none = NodeBuilder("SequenceMap").UnknownInput().Count();
  ASSERT_FALSE(none.ok());
  EXPECT_NE(std::string(none.status().message()).find("body"), std::string::npos);
}

}  // namespace
}  // namespace onnx_flops
