// Data-dependent sizes against bounds and counts worked out by hand from the
// formulas in rules/data_dependent.cc.
#include "gtest/gtest.h"
#include "rules/rule_testing.h"

namespace onnx_flops {
namespace {

RuleOptions LowEnd() {
  RuleOptions o;
  o.data_dependent_low = true;
  return o;
}

TEST(DataDependentRule, NonZeroTakesNumelAsItsBound) {
  // X [3, 150]: at most 3*150 = 450 non-zero elements, 2 coordinates each.
  auto high = NodeBuilder("NonZero").Opset(13).Input({3, 150}, onnx::TensorProto::BOOL)
                  .UnknownOutput().Propagate();
  ASSERT_TRUE(high.ok()) << high.status();
  EXPECT_EQ((*high)[0].dims, (Dims{2, 450}));
  auto low = NodeBuilder("NonZero").Opset(13).Options(LowEnd())
                 .Input({3, 150}, onnx::TensorProto::BOOL).UnknownOutput().Propagate();
  ASSERT_TRUE(low.ok()) << low.status();
  EXPECT_EQ((*low)[0].dims, (Dims{2, 0}));

  auto cost = NodeBuilder("NonZero").Opset(13).Input({3, 150}, onnx::TensorProto::BOOL)
                  .Output({2, 450}, onnx::TensorProto::INT64).Count();
  ASSERT_TRUE(cost.ok()) << cost.status();
  EXPECT_TRUE(cost->data_movement);
  EXPECT_EQ(cost->flops(), 0.0);
  EXPECT_NE(cost->bound.find("at most 450 non-zero elements"), std::string::npos) << cost->bound;
}

TEST(DataDependentRule, NonZeroOfKnownValuesIsExact) {
  // [[0, 1, 0], [2, 0, 3]]: 3 non-zeros at (0,1), (1,0), (1,2).
  auto out = NodeBuilder("NonZero").Opset(13).ConstInput({2, 3}, {0, 1, 0, 2, 0, 3})
                 .UnknownOutput().Propagate();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ((*out)[0].dims, (Dims{2, 3}));
  EXPECT_EQ((*out)[0].int_values, (std::vector<int64_t>{0, 1, 1, 1, 0, 2}));
  auto cost = NodeBuilder("NonZero").Opset(13).ConstInput({2, 3}, {0, 1, 0, 2, 0, 3})
                  .Output({2, 3}, onnx::TensorProto::INT64).Count();
  ASSERT_TRUE(cost.ok()) << cost.status();
  EXPECT_EQ(cost->bound, "");  // exact: no bound to report
}

TEST(DataDependentRule, CompressBounds) {
  // X [10, 4], axis 0, condition of length 6 (unknown values): at most 6 rows.
  auto short_cond = NodeBuilder("Compress").Opset(11).Attr("axis", 0).Input({10, 4})
                        .Input({6}, onnx::TensorProto::BOOL).UnknownOutput().Propagate();
  ASSERT_TRUE(short_cond.ok()) << short_cond.status();
  EXPECT_EQ((*short_cond)[0].dims, (Dims{6, 4}));
  // No axis: flattened, at most numel = 40.
  auto flat = NodeBuilder("Compress").Opset(11).Input({10, 4})
                  .Input({40}, onnx::TensorProto::BOOL).UnknownOutput().Propagate();
  ASSERT_TRUE(flat.ok()) << flat.status();
  EXPECT_EQ((*flat)[0].dims, (Dims{40}));
  // Known condition [1, 0, 1] on axis 1 of [2, 3]: exactly 2 columns.
  auto exact = NodeBuilder("Compress").Opset(11).Attr("axis", 1).Input({2, 3})
                   .ConstInput({3}, {1, 0, 1}, onnx::TensorProto::BOOL).UnknownOutput()
                   .Propagate();
  ASSERT_TRUE(exact.ok()) << exact.status();
  EXPECT_EQ((*exact)[0].dims, (Dims{2, 2}));
  auto low = NodeBuilder("Compress").Opset(11).Options(LowEnd()).Attr("axis", 0).Input({10, 4})
                 .Input({10}, onnx::TensorProto::BOOL).UnknownOutput().Propagate();
  ASSERT_TRUE(low.ok()) << low.status();
  EXPECT_EQ((*low)[0].dims, (Dims{0, 4}));
}

TEST(DataDependentRule, UniqueBounds) {
  // X [5, 4] without axis: at most 20 unique values; inverse_indices has 20.
  auto high = NodeBuilder("Unique").Opset(11).Input({5, 4}).UnknownOutput().UnknownOutput()
                  .UnknownOutput().UnknownOutput().Propagate();
  ASSERT_TRUE(high.ok()) << high.status();
  EXPECT_EQ((*high)[0].dims, (Dims{20}));
  EXPECT_EQ((*high)[2].dims, (Dims{20}));
  // Low end: a non-empty input has at least 1 unique value.
  auto low = NodeBuilder("Unique").Opset(11).Options(LowEnd()).Input({5, 4}).UnknownOutput()
                 .Propagate();
  ASSERT_TRUE(low.ok()) << low.status();
  EXPECT_EQ((*low)[0].dims, (Dims{1}));
  // Known values {3, 1, 3, 2}: exactly 3.
  auto exact = NodeBuilder("Unique").Opset(11).ConstInput({4}, {3, 1, 3, 2}).UnknownOutput()
                   .Propagate();
  ASSERT_TRUE(exact.ok()) << exact.status();
  EXPECT_EQ((*exact)[0].dims, (Dims{3}));
  // axis 0 of [5, 4]: at most 5 rows.
  auto rows = NodeBuilder("Unique").Opset(11).Attr("axis", 0).Input({5, 4}).UnknownOutput()
                  .Propagate();
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_EQ((*rows)[0].dims, (Dims{5, 4}));
}

// boxes [B=1, N=450, 4], scores [1, C=1, 450], max_output_boxes_per_class
// as given: torchvision's batched NMS (one class, m = INT64_MAX).
NodeBuilder Nms(std::vector<double> per_class, bool score_threshold, RuleOptions o = {}) {
  NodeBuilder b("NonMaxSuppression");
  b.Opset(11).Options(o).Input({1, 450, 4}).Input({1, 1, 450});
  if (per_class.empty()) {
    b.AbsentInput();
  } else {
    b.ConstInput({1}, per_class, onnx::TensorProto::INT64);
  }
  b.ConstInput({1}, {0.7});
  if (score_threshold) b.ConstInput({1}, {0.05});
  b.Output({450, 3}, onnx::TensorProto::INT64);
  return b;
}

TEST(DataDependentRule, NonMaxSuppressionSelections) {
  auto high = Nms({9.2e18}, false).Propagate();
  ASSERT_TRUE(high.ok()) << high.status();
  EXPECT_EQ((*high)[0].dims, (Dims{450, 3}));  // 1 x 1 x min(450, m)
  // m = 100 per class of [2, 3, 450] scores: 2 x 3 x 100 = 600 rows.
  auto classes = NodeBuilder("NonMaxSuppression").Opset(11).Input({2, 450, 4}).Input({2, 3, 450})
                     .ConstInput({1}, {100}, onnx::TensorProto::INT64).UnknownOutput().Propagate();
  ASSERT_TRUE(classes.ok()) << classes.status();
  EXPECT_EQ((*classes)[0].dims, (Dims{600, 3}));
  // max_output_boxes_per_class absent: the spec's default 0 selects nothing, exactly.
  auto none = Nms({}, false).Propagate();
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_EQ((*none)[0].dims, (Dims{0, 3}));
  // --detections 20 caps it.
  RuleOptions capped;
  capped.max_detections = 20;
  auto cap = Nms({9.2e18}, false, capped).Propagate();
  ASSERT_TRUE(cap.ok()) << cap.status();
  EXPECT_EQ((*cap)[0].dims, (Dims{20, 3}));
  auto low = Nms({9.2e18}, false, LowEnd()).Propagate();
  ASSERT_TRUE(low.ok()) << low.status();
  EXPECT_EQ((*low)[0].dims, (Dims{0, 3}));
}

TEST(DataDependentRule, NonMaxSuppressionCost) {
  // High: B*C*(3N + 13*P(N, m)), N = 450, m >= N: P = 450*449/2 = 101,025;
  // 3*450 + 13*101,025 = 1,350 + 1,313,325 = 1,314,675.
  auto high = Nms({9.2e18}, false).Count();
  ASSERT_TRUE(high.ok()) << high.status();
  EXPECT_EQ(high->vector_flops, 1314675.0);
  EXPECT_EQ(high->matmul_flops, 0.0);
  EXPECT_NE(high->bound.find("at most 450 selected boxes"), std::string::npos) << high->bound;
  // m = 100 < N: P = 100*101/2 + (450 - 101)*100 = 5,050 + 34,900 = 39,950;
  // 1,350 + 13*39,950 = 1,350 + 519,350 = 520,700.
  auto capped = Nms({100}, false).Count();
  ASSERT_TRUE(capped.ok()) << capped.status();
  EXPECT_EQ(capped->vector_flops, 520700.0);
  // Low end with a score_threshold: 450 score tests, none passes.
  auto low = Nms({9.2e18}, true, LowEnd()).Count();
  ASSERT_TRUE(low.ok()) << low.status();
  EXPECT_EQ(low->vector_flops, 450.0);
  // Low end without one: the first box suppresses the rest: 3*450 + 13*449 = 7,187.
  auto first = Nms({9.2e18}, false, LowEnd()).Count();
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->vector_flops, 7187.0);
  // Nothing selected by the default m = 0: 0 FLOP, and no bound.
  auto zero = Nms({}, false).Count();
  ASSERT_TRUE(zero.ok()) << zero.status();
  EXPECT_EQ(zero->vector_flops, 0.0);
  EXPECT_EQ(zero->bound, "");
  EXPECT_FALSE(NodeBuilder("NonMaxSuppression").Opset(11).Input({1, 450, 5}).Input({1, 1, 450})
                   .UnknownOutput().Count().ok());
}

TEST(DataDependentRule, TopKWithRunTimeKTakesTheAxisLength) {
  // X [1, 1500], k computed at run time: at most 1500; low end 0.
  auto high = NodeBuilder("TopK").Opset(11).Input({1, 1500}).Input({1}, onnx::TensorProto::INT64)
                  .UnknownOutput().UnknownOutput().Propagate();
  ASSERT_TRUE(high.ok()) << high.status();
  EXPECT_EQ((*high)[0].dims, (Dims{1, 1500}));
  auto low = NodeBuilder("TopK").Opset(11).Options(LowEnd()).Input({1, 1500})
                 .Input({1}, onnx::TensorProto::INT64).UnknownOutput().UnknownOutput()
                 .Propagate();
  ASSERT_TRUE(low.ok()) << low.status();
  EXPECT_EQ((*low)[0].dims, (Dims{1, 0}));
  // Counted at k = 1500: rows*(L-1)*ceil(log2(k+1)) = 1*1499*11 = 16,489.
  auto cost = NodeBuilder("TopK").Opset(11).Input({1, 1500}).Input({1}, onnx::TensorProto::INT64)
                  .Output({1, 1500}).Output({1, 1500}, onnx::TensorProto::INT64).Count();
  ASSERT_TRUE(cost.ok()) << cost.status();
  EXPECT_EQ(cost->vector_flops, 16489.0);
  EXPECT_NE(cost->bound.find("k at most 1500"), std::string::npos) << cost->bound;
}

TEST(DataDependentRule, RemoveAndRestorePadding) {
  // input [B=4, S=128, H=768]: at most 4*128 = 512 tokens of 768; token_offset
  // [4, 128], cumulated_seq_len [5], max_seq_len [1].
  auto removed = NodeBuilder("RemovePadding", "com.microsoft").Opset(1).Input({4, 128, 768})
                     .Input({4}, onnx::TensorProto::INT32).UnknownOutput().UnknownOutput()
                     .UnknownOutput().UnknownOutput().Propagate();
  ASSERT_TRUE(removed.ok()) << removed.status();
  EXPECT_EQ((*removed)[0].dims, (Dims{512, 768}));
  EXPECT_EQ((*removed)[1].dims, (Dims{4, 128}));
  EXPECT_EQ((*removed)[2].dims, (Dims{5}));
  EXPECT_EQ((*removed)[3].dims, (Dims{1}));
  auto low = NodeBuilder("RemovePadding", "com.microsoft").Opset(1).Options(LowEnd())
                 .Input({4, 128, 768}).Input({4}, onnx::TensorProto::INT32).UnknownOutput()
                 .Propagate();
  ASSERT_TRUE(low.ok()) << low.status();
  EXPECT_EQ((*low)[0].dims, (Dims{0, 768}));
  auto cost = NodeBuilder("RemovePadding", "com.microsoft").Opset(1).Input({4, 128, 768})
                  .Input({4}, onnx::TensorProto::INT32).Output({512, 768}).Count();
  ASSERT_TRUE(cost.ok()) << cost.status();
  EXPECT_TRUE(cost->data_movement);
  EXPECT_NE(cost->bound.find("at most 512 tokens"), std::string::npos) << cost->bound;
  // RestorePadding: [512, 768] with token_offset [4, 128] -> [4, 128, 768], exact.
  auto restored = NodeBuilder("RestorePadding", "com.microsoft").Opset(1).Input({512, 768})
                      .Input({4, 128}, onnx::TensorProto::INT32).UnknownOutput().Propagate();
  ASSERT_TRUE(restored.ok()) << restored.status();
  EXPECT_EQ((*restored)[0].dims, (Dims{4, 128, 768}));
}

// A mask of the tokens routed to experts [first, first + count) by a top-k of
// E router over T tokens.
RoutingTag ExpertMask(int64_t tokens, int64_t k, int64_t experts, int64_t first, int64_t count) {
  RoutingTag t;
  t.router = "/TopK_output_1";
  t.tokens = tokens;
  t.top_k = k;
  t.experts = experts;
  t.mask = true;
  t.first = first;
  t.count = count;
  t.slots = k;
  return t;
}

RuleOptions Worst() {
  RuleOptions o;
  o.routing_worst = true;
  return o;
}

int64_t RoutedRows(RoutingTag tag, Dims mask, RuleOptions options = {}) {
  auto out = NodeBuilder("NonZero").Opset(13).Options(options)
                 .Input(std::move(mask), onnx::TensorProto::BOOL).Routed(std::move(tag))
                 .UnknownOutput().Propagate();
  EXPECT_TRUE(out.ok()) << out.status();
  return out.ok() && (*out)[0].dims.size() == 2 ? (*out)[0].dims[1] : -1;
}

TEST(DataDependentRule, NonZeroOverAnExpertMaskTakesTheBalancedShare) {
  // topi == 3 over [128, 2]: 128 tokens x 2 choices = 256 routed pairs, 256 / 8
  // = 32 for each expert (the mask's numel, 256, would be the generic bound).
  EXPECT_EQ(RoutedRows(ExpertMask(128, 2, 8, 3, 1), {128, 2}), 32);
  // 10 tokens x 2 = 20 pairs over 8 experts: floor(20/8) = 2 each and 20 - 16 = 4
  // experts (0..3) one more, so the shares 3+3+3+3+2+2+2+2 sum to 20.
  EXPECT_EQ(RoutedRows(ExpertMask(10, 2, 8, 0, 1), {10, 2}), 3);
  EXPECT_EQ(RoutedRows(ExpertMask(10, 2, 8, 3, 1), {10, 2}), 3);
  EXPECT_EQ(RoutedRows(ExpertMask(10, 2, 8, 4, 1), {10, 2}), 2);
  int64_t sum = 0;
  for (int64_t e = 0; e < 8; ++e) sum += RoutedRows(ExpertMask(10, 2, 8, e, 1), {10, 2});
  EXPECT_EQ(sum, 20);
  // Experts 2..5 together: 3 + 3 + 2 + 2 = 10.
  EXPECT_EQ(RoutedRows(ExpertMask(10, 2, 8, 2, 4), {10, 2, 4}), 10);
  // Which 3 experts unknown: ceil(20 x 3 / 8) = ceil(7.5) = 8.
  EXPECT_EQ(RoutedRows(ExpertMask(10, 2, 8, -1, 3), {10, 2, 3}), 8);
  // The first choice only (topi[:, 0] == 5): 128 x 1 / 8 = 16.
  RoutingTag first = ExpertMask(128, 2, 8, 5, 1);
  first.slots = 1;
  EXPECT_EQ(RoutedRows(first, {128}), 16);
  // A row mask broadcast across a hidden axis of 64 (boolean indexing of
  // [T, 64] element by element): 32 rows x 64 = 2,048 elements.
  RoutingTag wide = ExpertMask(128, 2, 8, 0, 1);
  wide.width = 64;
  EXPECT_EQ(RoutedRows(wide, {128, 64}), 2048);
}

TEST(DataDependentRule, WorstRoutingSendsEveryTokenToTheExpert) {
  // A token picks an expert at most once: expert 3 gets at most all 128 tokens
  // (not the mask's 256 elements).
  EXPECT_EQ(RoutedRows(ExpertMask(128, 2, 8, 3, 1), {128, 2}, Worst()), 128);
  // Experts 2..5 with 2 choices: 128 x min(4, 2) = 256 pairs.
  EXPECT_EQ(RoutedRows(ExpertMask(128, 2, 8, 2, 4), {128, 2, 4}, Worst()), 256);
  // Capped by the mask's numel: [100] holds at most 100.
  EXPECT_EQ(RoutedRows(ExpertMask(128, 2, 8, 3, 1), {100}, Worst()), 100);
}

TEST(DataDependentRule, RoutedNonZeroStatesTheAssumptionNotABound) {
  auto cost = NodeBuilder("NonZero").Opset(13).Input({128, 2}, onnx::TensorProto::BOOL)
                  .Routed(ExpertMask(128, 2, 8, 3, 1))
                  .Output({2, 32}, onnx::TensorProto::INT64).Count();
  ASSERT_TRUE(cost.ok()) << cost.status();
  EXPECT_EQ(cost->bound, "");
  EXPECT_EQ(cost->routing,
            "balanced routing: 32 rows = 128 tokens x 2 choices / 8 experts, expert 3 of "
            "'/TopK_output_1' (top-2)");
  auto worst = NodeBuilder("NonZero").Opset(13).Options(Worst())
                   .Input({128, 2}, onnx::TensorProto::BOOL).Routed(ExpertMask(128, 2, 8, 3, 1))
                   .Output({2, 128}, onnx::TensorProto::INT64).Count();
  ASSERT_TRUE(worst.ok()) << worst.status();
  EXPECT_EQ(worst->routing,
            "worst-case routing: 128 rows, every one of 128 tokens to expert 3 of "
            "'/TopK_output_1' (top-2 of 8)");
  // The low-end pass keeps the assumption: the total over experts is fixed.
  EXPECT_EQ(RoutedRows(ExpertMask(128, 2, 8, 3, 1), {128, 2}, LowEnd()), 32);
}

}  // namespace
}  // namespace onnx_flops
