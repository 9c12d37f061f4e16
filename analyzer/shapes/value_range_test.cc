// Value bounds through ops, against bounds worked out by hand.
#include "analyzer/shapes/value_range.h"

#include <cmath>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "rules/propagate.h"

namespace onnx_flops {
namespace {

TensorInfo Exact(Dims dims, std::vector<double> values, int32_t type = kInt64) {
  TensorInfo t = Shaped(type, std::move(dims));
  t.has_values = true;
  t.values = values;
  for (double v : values) t.int_values.push_back(static_cast<int64_t>(v));
  return t;
}

TensorInfo Bounds(Dims dims, std::vector<double> lo, std::vector<double> hi,
                  int32_t type = kInt64) {
  TensorInfo t = Shaped(type, std::move(dims));
  t.lo = std::move(lo);
  t.hi = std::move(hi);
  return t;
}

// Runs `op`'s propagator and then AddValueBounds on `inputs`.
std::vector<TensorInfo> Propagated(const std::string& op, std::vector<const TensorInfo*> inputs,
                            int outputs = 1, std::vector<onnx::AttributeProto> attrs = {}) {
  onnx::NodeProto node;
  node.set_op_type(op);
  for (size_t i = 0; i < inputs.size(); ++i) node.add_input("in" + std::to_string(i));
  for (int k = 0; k < outputs; ++k) node.add_output("out" + std::to_string(k));
  for (auto& a : attrs) *node.add_attribute() = a;
  NodeView v;
  v.node = &node;
  v.opset = 13;
  v.inputs = inputs;
  const Rule* rule = FindRule(DefaultRules(), "", op);
  EXPECT_NE(rule, nullptr);
  absl::StatusOr<std::vector<TensorInfo>> outs = rule->propagate(v);
  EXPECT_TRUE(outs.ok()) << outs.status();
  AddValueBounds(*rule, v, &*outs);
  return *outs;
}

TEST(ValueBounds, SubtractionTakesOppositeBounds) {
  // a in [0, 5] and [10, 20], b = [1, 2]: a - b in [-1, 4] and [8, 18].
  const TensorInfo a = Bounds({2}, {0, 10}, {5, 20});
  const TensorInfo b = Exact({2}, {1, 2});
  const std::vector<TensorInfo> out = Propagated("Sub", {&a, &b});
  EXPECT_EQ(out[0].lo, (std::vector<double>{-1, 8}));
  EXPECT_EQ(out[0].hi, (std::vector<double>{4, 18}));
}

TEST(ValueBounds, ProductsTakeTheCorners) {
  // a in [-2, 3], b = 4: a*b in [-8, 12] (the corners -2*4 and 3*4).
  const TensorInfo a = Bounds({1}, {-2}, {3}, kFloat);
  const TensorInfo b = Exact({1}, {4}, kFloat);
  const std::vector<TensorInfo> out = Propagated("Mul", {&a, &b});
  EXPECT_EQ(out[0].lo, (std::vector<double>{-8}));
  EXPECT_EQ(out[0].hi, (std::vector<double>{12}));
  // Divided by something in [-1, 1], which may be 0: no bound.
  const TensorInfo d = Bounds({1}, {-1}, {1}, kFloat);
  EXPECT_TRUE(Propagated("Div", {&a, &d})[0].hi.empty());
}

TEST(ValueBounds, ClipBoundsAnUnknownTensor) {
  // x [100, 4] unknown (too large for values), clipped to [0, 800]: every
  // element in [0, 800], one bound for all.
  const TensorInfo x = Shaped(kFloat, {100, 4});
  const TensorInfo lo = Exact({}, {0}, kFloat);
  const TensorInfo hi = Exact({}, {800}, kFloat);
  const std::vector<TensorInfo> out = Propagated("Clip", {&x, &lo, &hi});
  EXPECT_EQ(out[0].lo, (std::vector<double>{0}));
  EXPECT_EQ(out[0].hi, (std::vector<double>{800}));
  // An integer Cast of an unbounded tensor stays unbounded (no saturated bounds).
  onnx::AttributeProto to;
  to.set_name("to");
  to.set_type(onnx::AttributeProto::INT);
  to.set_i(onnx::TensorProto::INT64);
  EXPECT_TRUE(Propagated("Cast", {&x}, 1, {to})[0].hi.empty());
}

TEST(ValueBounds, GatherByUnknownIndicesStaysWithinItsData) {
  // data [4] in [0, 10], [1, 11], [2, 12], [3, 13]; the index unknown: the
  // element picked is within [0, 13].
  const TensorInfo data = Bounds({4}, {0, 1, 2, 3}, {10, 11, 12, 13});
  const TensorInfo index = Shaped(kInt64, {});
  const std::vector<TensorInfo> out = Propagated("Gather", {&data, &index});
  EXPECT_EQ(out[0].lo, (std::vector<double>{0}));
  EXPECT_EQ(out[0].hi, (std::vector<double>{13}));
  // A known index keeps the element's own bounds: index 2 -> [2, 12].
  const TensorInfo two = Exact({}, {2});
  const std::vector<TensorInfo> picked = Propagated("Gather", {&data, &two});
  EXPECT_EQ(picked[0].lo, (std::vector<double>{2}));
  EXPECT_EQ(picked[0].hi, (std::vector<double>{12}));
}

TEST(ValueBounds, ConcatKeepsEachElementsBounds) {
  // Resize sizes as Mask R-CNN builds them: [1, 1] from a Shape, then the
  // box's height and width in [1, 663]: [1, 1, 1..663, 1..663].
  const TensorInfo nc = Exact({2}, {1, 1});
  const TensorInfo hw = Bounds({2}, {1, 1}, {663, 663});
  onnx::AttributeProto axis;
  axis.set_name("axis");
  axis.set_type(onnx::AttributeProto::INT);
  axis.set_i(0);
  const std::vector<TensorInfo> out = Propagated("Concat", {&nc, &hw}, 1, {axis});
  EXPECT_EQ(out[0].lo, (std::vector<double>{1, 1, 1, 1}));
  EXPECT_EQ(out[0].hi, (std::vector<double>{1, 1, 663, 663}));
  // Resize reads the upper bound of each size: Y [1, 1, 663, 663].
  NodeView v;
  onnx::NodeProto resize;
  resize.set_op_type("Resize");
  resize.add_input("sizes");
  v.node = &resize;
  v.inputs = {&out[0]};
  bool bounded = false;
  std::optional<std::vector<int64_t>> sizes = BoundedIntsOf(v, 0, &bounded);
  ASSERT_TRUE(sizes.has_value());
  EXPECT_TRUE(bounded);
  EXPECT_EQ(*sizes, (std::vector<int64_t>{1, 1, 663, 663}));
  RuleOptions low;
  low.data_dependent_low = true;
  v.options = &low;
  EXPECT_EQ(*BoundedIntsOf(v, 0, &bounded), (std::vector<int64_t>{1, 1, 1, 1}));
}

}  // namespace
}  // namespace onnx_flops
