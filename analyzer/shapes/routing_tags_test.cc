// Routing tags through the ops of real MoE exports, against what each op
// does to the (token, choice) pairs worked out by hand.
#include "analyzer/shapes/routing_tags.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "rules/rule_testing.h"

namespace onnx_flops {
namespace {

constexpr int32_t kBool = onnx::TensorProto::BOOL;
constexpr int32_t kI64 = onnx::TensorProto::INT64;

// The outputs of `b`'s node with their routing tags.
std::vector<TensorInfo> Tagged(const NodeBuilder& b) {
  absl::StatusOr<std::vector<TensorInfo>> outs = b.Propagate();
  EXPECT_TRUE(outs.ok()) << outs.status();
  if (!outs.ok()) return {};
  AddRoutingTags(b.View(), &*outs);
  return *outs;
}

// Expert ids of a top-2 of 8 over 128 tokens: [128, 2], choices on axis 1.
RoutingTag Ids() {
  RoutingTag t;
  t.router = "topi";
  t.tokens = 128;
  t.top_k = 2;
  t.experts = 8;
  t.first = 0;
  t.count = 8;
  t.slots = 2;
  t.slot_axis = 1;
  return t;
}

TEST(RoutingTags, TopKOverRouterScoresTagsItsIndices) {
  // Scores [4, 32, 8] (batch 4 x 32 tokens, 8 experts), k = 2: indices
  // [4, 32, 2] = 128 tokens x 2 choices, the choices on axis 2.
  NodeBuilder b("TopK");
  b.Opset(13).Input({4, 32, 8}).ConstInput({1}, {2}).UnknownOutput().UnknownOutput();
  const std::vector<TensorInfo> out = Tagged(b);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_FALSE(out[0].routing.has_value());  // the values are weights, not choices
  ASSERT_TRUE(out[1].routing.has_value());
  const RoutingTag& t = *out[1].routing;
  EXPECT_EQ(t.router, b.View().node->output(1));
  EXPECT_EQ(t.tokens, 128);
  EXPECT_EQ(t.top_k, 2);
  EXPECT_EQ(t.experts, 8);
  EXPECT_FALSE(t.mask);
  EXPECT_EQ(t.slot_axis, 2);
}

TEST(RoutingTags, ATopKThatIsNoRouterIsNotTagged) {
  // A detector's top 1000 of 4,650 scores (rank 1), and a top-k along axis 0.
  NodeBuilder scores("TopK");
  scores.Opset(13).Input({4650}).ConstInput({1}, {1000}).UnknownOutput().UnknownOutput();
  EXPECT_FALSE(Tagged(scores)[1].routing.has_value());
  NodeBuilder columns("TopK");
  columns.Opset(13).Input({8, 128}).ConstInput({1}, {2}).Attr("axis", 0).UnknownOutput()
      .UnknownOutput();
  EXPECT_FALSE(Tagged(columns)[1].routing.has_value());
}

TEST(RoutingTags, ArgMaxIsTopOne) {
  // Switch routing: argmax over [128, 4] without keepdims: one expert id per token.
  NodeBuilder b("ArgMax");
  b.Opset(13).Input({128, 4}).Attr("axis", -1).Attr("keepdims", 0).UnknownOutput();
  const std::vector<TensorInfo> out = Tagged(b);
  ASSERT_TRUE(out[0].routing.has_value());
  EXPECT_EQ(out[0].routing->tokens, 128);
  EXPECT_EQ(out[0].routing->top_k, 1);
  EXPECT_EQ(out[0].routing->experts, 4);
  EXPECT_EQ(out[0].routing->slot_axis, -1);
}

TEST(RoutingTags, EqualToAnExpertIsThatExpertsMask) {
  NodeBuilder b("Equal");
  b.Opset(13).Input({128, 2}, kI64).Routed(Ids()).ConstInput({}, {3}).UnknownOutput();
  const std::vector<TensorInfo> out = Tagged(b);
  ASSERT_TRUE(out[0].routing.has_value());
  EXPECT_TRUE(out[0].routing->mask);
  EXPECT_EQ(out[0].routing->first, 3);
  EXPECT_EQ(out[0].routing->count, 1);
  EXPECT_EQ(out[0].routing->slots, 2);
  // No expert 8 among 0..7; ids compared with anything but Equal mean nothing here.
  NodeBuilder out_of_range("Equal");
  out_of_range.Opset(13).Input({128, 2}, kI64).Routed(Ids()).ConstInput({}, {8}).UnknownOutput();
  EXPECT_FALSE(Tagged(out_of_range)[0].routing.has_value());
  NodeBuilder less("Less");
  less.Opset(13).Input({128, 2}, kI64).Routed(Ids()).ConstInput({}, {3}).UnknownOutput();
  EXPECT_FALSE(Tagged(less)[0].routing.has_value());
}

TEST(RoutingTags, OneHotThenTransposeThenGatherSelectsOneExpert) {
  // The Hugging Face Mixtral form: one_hot(topi, 8) [128, 2, 8] (experts on
  // axis 2), permute(2, 1, 0) [8, 2, 128] (experts on 0, choices on 1),
  // [5] -> [2, 128]: expert 5, the choices now on axis 0.
  NodeBuilder one_hot("OneHot");
  one_hot.Opset(13).Input({128, 2}, kI64).Routed(Ids()).ConstInput({}, {8})
      .ConstInput({2}, {0, 1}).UnknownOutput();
  const std::vector<TensorInfo> hot = Tagged(one_hot);
  ASSERT_TRUE(hot[0].routing.has_value());
  EXPECT_EQ(hot[0].dims, (Dims{128, 2, 8}));
  EXPECT_EQ(hot[0].routing->expert_axis, 2);
  EXPECT_EQ(hot[0].routing->slot_axis, 1);

  NodeBuilder transpose("Transpose");
  transpose.Opset(13).Input({128, 2, 8}, kI64).Routed(*hot[0].routing)
      .Attr("perm", std::vector<int64_t>{2, 1, 0}).UnknownOutput();
  const std::vector<TensorInfo> moved = Tagged(transpose);
  ASSERT_TRUE(moved[0].routing.has_value());
  EXPECT_EQ(moved[0].routing->expert_axis, 0);
  EXPECT_EQ(moved[0].routing->slot_axis, 1);

  NodeBuilder gather("Gather");
  gather.Opset(13).Input({8, 2, 128}, kI64).Routed(*moved[0].routing).ConstInput({}, {5})
      .UnknownOutput();
  const std::vector<TensorInfo> picked = Tagged(gather);
  ASSERT_TRUE(picked[0].routing.has_value());
  EXPECT_EQ(picked[0].routing->first, 5);
  EXPECT_EQ(picked[0].routing->count, 1);
  EXPECT_EQ(picked[0].routing->expert_axis, -1);
  EXPECT_EQ(picked[0].routing->slot_axis, 0);
}

TEST(RoutingTags, TheDenseGateMatrixAndItsColumns) {
  // gates = zeros [128, 8] scattered along axis 1 at topi with the weights:
  // non-zero at each token's 2 experts, experts on axis 1.
  NodeBuilder scatter("ScatterElements");
  scatter.Opset(13).Input({128, 8}).Input({128, 2}, kI64).Routed(Ids()).Input({128, 2})
      .Attr("axis", 1).UnknownOutput();
  const std::vector<TensorInfo> gates = Tagged(scatter);
  ASSERT_TRUE(gates[0].routing.has_value());
  EXPECT_TRUE(gates[0].routing->mask);
  EXPECT_EQ(gates[0].routing->expert_axis, 1);
  EXPECT_EQ(gates[0].routing->count, 8);
  // gates[:, 6:7]: expert 6.
  NodeBuilder slice("Slice");
  slice.Opset(13).Input({128, 8}).Routed(*gates[0].routing).ConstInput({1}, {6})
      .ConstInput({1}, {7}).ConstInput({1}, {1}).UnknownOutput();
  const std::vector<TensorInfo> column = Tagged(slice);
  ASSERT_TRUE(column[0].routing.has_value());
  EXPECT_EQ(column[0].routing->first, 6);
  EXPECT_EQ(column[0].routing->count, 1);
  // Slicing tokens (rows 0..63) is no longer a share of the routing.
  NodeBuilder rows("Slice");
  rows.Opset(13).Input({128, 8}).Routed(*gates[0].routing).ConstInput({1}, {0})
      .ConstInput({1}, {64}).ConstInput({1}, {0}).UnknownOutput();
  EXPECT_FALSE(Tagged(rows)[0].routing.has_value());
}

TEST(RoutingTags, BroadcastAcrossTheHiddenAxisWidensEachRow) {
  // mask [128, 1] expanded to [128, 64]: each routed row is 64 elements.
  RoutingTag mask = Ids();
  mask.mask = true;
  mask.first = 2;
  mask.count = 1;
  mask.slots = 1;
  mask.slot_axis = -1;
  NodeBuilder expand("Expand");
  expand.Opset(13).Input({128, 1}, kBool).Routed(mask).ConstInput({2}, {128, 64})
      .UnknownOutput();
  const std::vector<TensorInfo> out = Tagged(expand);
  ASSERT_TRUE(out[0].routing.has_value());
  EXPECT_EQ(out[0].routing->width, 64);
  // A product with the token tensor [128, 64] does the same.
  NodeBuilder mul("Mul");
  mul.Opset(13).Input({128, 1}).Routed(mask).Input({128, 64}).UnknownOutput();
  const std::vector<TensorInfo> prod = Tagged(mul);
  ASSERT_TRUE(prod[0].routing.has_value());
  EXPECT_EQ(prod[0].routing->width, 64);
}

TEST(RoutingTags, ReductionsOverTheChoicesKeepTheMaskOthersDropIt) {
  // (topi == 3).any(-1): [128, 2] -> [128], one entry per token routed to 3.
  RoutingTag mask = Ids();
  mask.mask = true;
  mask.first = 3;
  mask.count = 1;
  NodeBuilder over_choices("ReduceMax");
  over_choices.Opset(13).Input({128, 2}).Routed(mask).Attr("axes", std::vector<int64_t>{1})
      .Attr("keepdims", 0).UnknownOutput();
  const std::vector<TensorInfo> per_token = Tagged(over_choices);
  ASSERT_TRUE(per_token[0].routing.has_value());
  EXPECT_EQ(per_token[0].routing->slot_axis, -1);
  EXPECT_EQ(per_token[0].routing->slots, 2);
  NodeBuilder over_tokens("ReduceMax");
  over_tokens.Opset(13).Input({128, 2}).Routed(mask).Attr("axes", std::vector<int64_t>{0})
      .Attr("keepdims", 0).UnknownOutput();
  EXPECT_FALSE(Tagged(over_tokens)[0].routing.has_value());
  // Not inverts it: the tokens NOT routed there.
  NodeBuilder negated("Not");
  negated.Opset(13).Input({128, 2}, kBool).Routed(mask).UnknownOutput();
  EXPECT_FALSE(Tagged(negated)[0].routing.has_value());
}

}  // namespace
}  // namespace onnx_flops
