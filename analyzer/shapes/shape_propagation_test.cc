#include "analyzer/shapes/shape_propagation.h"

#include <initializer_list>
#include <utility>

#include "analyzer/shapes/shape_binding.h"
#include "gtest/gtest.h"

namespace onnx_flops {
namespace {

constexpr int32_t kF = onnx::TensorProto::FLOAT;
constexpr int32_t kI64 = onnx::TensorProto::INT64;
constexpr int32_t kBool = onnx::TensorProto::BOOL;

// ---- Hand-made value tables and nodes ----

TensorInfo Known(Dims dims, int32_t elem = kF) {
  TensorInfo t;
  t.elem_type = elem;
  t.has_shape = true;
  t.dims = std::move(dims);
  t.dim_names.assign(t.dims.size(), "");
  return t;
}

// An int64 tensor with values (1-D unless dims given).
TensorInfo Ints(std::vector<int64_t> v, std::optional<Dims> dims = std::nullopt) {
  TensorInfo t = Known(dims.value_or(Dims{static_cast<int64_t>(v.size())}), kI64);
  t.has_values = true;
  for (int64_t x : v) {
    t.values.push_back(static_cast<double>(x));
    t.int_values.push_back(x);
  }
  return t;
}

TensorInfo Scalar(int64_t v) { return Ints({v}, Dims{}); }

TensorInfo Floats(std::vector<double> v, std::optional<Dims> dims = std::nullopt) {
  TensorInfo t = Known(dims.value_or(Dims{static_cast<int64_t>(v.size())}), kF);
  t.has_values = true;
  for (double x : v) {
    t.values.push_back(x);
    t.int_values.push_back(SaturatingInt(x));
  }
  return t;
}

onnx::AttributeProto AttrI(const std::string& name, int64_t v) {
  onnx::AttributeProto a;
  a.set_name(name);
  a.set_type(onnx::AttributeProto::INT);
  a.set_i(v);
  return a;
}

onnx::AttributeProto AttrIs(const std::string& name, std::vector<int64_t> v) {
  onnx::AttributeProto a;
  a.set_name(name);
  a.set_type(onnx::AttributeProto::INTS);
  for (int64_t x : v) a.add_ints(x);
  return a;
}

onnx::AttributeProto AttrS(const std::string& name, const std::string& v) {
  onnx::AttributeProto a;
  a.set_name(name);
  a.set_type(onnx::AttributeProto::STRING);
  a.set_s(v);
  return a;
}

onnx::AttributeProto AttrT(const std::string& name, onnx::TensorProto t) {
  onnx::AttributeProto a;
  a.set_name(name);
  a.set_type(onnx::AttributeProto::TENSOR);
  *a.mutable_t() = std::move(t);
  return a;
}

onnx::NodeProto Node(const std::string& op, std::vector<std::string> inputs,
                     std::vector<std::string> outputs, std::vector<onnx::AttributeProto> attrs = {},
                     const std::string& domain = "") {
  onnx::NodeProto n;
  n.set_op_type(op);
  n.set_domain(domain);
  for (auto& i : inputs) n.add_input(i);
  for (auto& o : outputs) n.add_output(o);
  for (auto& a : attrs) *n.add_attribute() = std::move(a);
  return n;
}

// A table from name/info pairs (names filled in).
ValueTable Table(std::initializer_list<std::pair<const char*, TensorInfo>> entries) {
  ValueTable t;
  for (const auto& [name, info] : entries) {
    TensorInfo i = info;
    i.name = name;
    t[name] = std::move(i);
  }
  return t;
}

// The outputs of `node`, asserting the propagator accepts it.
std::vector<TensorInfo> Outs(const onnx::NodeProto& node, const ValueTable& values,
                            int64_t opset = 0) {
  absl::StatusOr<std::vector<TensorInfo>> out = PropagateNode(node, values, opset);
  EXPECT_TRUE(out.ok()) << node.op_type() << ": " << out.status();
  return out.ok() ? *out : std::vector<TensorInfo>();
}

TensorInfo Out0(const onnx::NodeProto& node, const ValueTable& values, int64_t opset = 0) {
  std::vector<TensorInfo> out = Outs(node, values, opset);
  return out.empty() ? TensorInfo() : out[0];
}

// ---- Shape ops: shapes and values ----

TEST(PropagateShapeOps, ShapeRespectsStartAndEnd) {
  const ValueTable v = Table({{"x", Known({2, 128, 768})}});
  TensorInfo all = Out0(Node("Shape", {"x"}, {"s"}), v);
  EXPECT_EQ(all.elem_type, kI64);
  EXPECT_EQ(all.dims, (Dims{3}));
  ASSERT_TRUE(all.has_values);
  EXPECT_EQ(all.int_values, (std::vector<int64_t>{2, 128, 768}));
  TensorInfo tail = Out0(Node("Shape", {"x"}, {"s"}, {AttrI("start", -2)}), v);
  EXPECT_EQ(tail.int_values, (std::vector<int64_t>{128, 768}));
  TensorInfo mid = Out0(Node("Shape", {"x"}, {"s"}, {AttrI("start", 1), AttrI("end", 2)}), v);
  EXPECT_EQ(mid.int_values, (std::vector<int64_t>{128}));
  // A dim unknown: the length is known, the values are not.
  TensorInfo partial = Out0(Node("Shape", {"x"}, {"s"}), Table({{"x", Known({-1, 4})}}));
  EXPECT_EQ(partial.dims, (Dims{2}));
  EXPECT_FALSE(partial.has_values);
}

TEST(PropagateShapeOps, SizeIsTheElementCount) {
  TensorInfo s = Out0(Node("Size", {"x"}, {"n"}), Table({{"x", Known({2, 3, 4})}}));
  EXPECT_EQ(s.dims, Dims{});
  EXPECT_EQ(s.int_values, (std::vector<int64_t>{24}));
}

TEST(PropagateShapeOps, GatherOfAShapeGivesADim) {
  const ValueTable v = Table({{"s", Ints({2, 128, 768})}, {"i", Scalar(1)}, {"j", Ints({-1, 0})}});
  TensorInfo g = Out0(Node("Gather", {"s", "i"}, {"g"}, {AttrI("axis", 0)}), v);
  EXPECT_EQ(g.dims, Dims{});  // scalar index: scalar output
  EXPECT_EQ(g.int_values, (std::vector<int64_t>{128}));
  TensorInfo h = Out0(Node("Gather", {"s", "j"}, {"h"}), v);
  EXPECT_EQ(h.dims, (Dims{2}));
  EXPECT_EQ(h.int_values, (std::vector<int64_t>{768, 2}));  // negative index from the end
}

TEST(PropagateShapeOps, GatherOfEmbeddingsIsShapeOnly) {
  // wte [50257, 768] gathered by input_ids [2, 128].
  TensorInfo e = Out0(Node("Gather", {"w", "ids"}, {"e"}),
                      Table({{"w", Known({50257, 768})}, {"ids", Known({2, 128}, kI64)}}));
  EXPECT_EQ(e.dims, (Dims{2, 128, 768}));
  EXPECT_FALSE(e.has_values);
  TensorInfo axis1 = Out0(Node("Gather", {"x", "i"}, {"y"}, {AttrI("axis", 1)}),
                          Table({{"x", Known({4, 5, 6})}, {"i", Known({2, 3}, kI64)}}));
  EXPECT_EQ(axis1.dims, (Dims{4, 2, 3, 6}));
}

TEST(PropagateShapeOps, UnsqueezeAndSqueezeByAttributeOrInput) {
  const ValueTable v =
      Table({{"g", Scalar(128)}, {"axes", Ints({0})}, {"x", Known({2, 1, 3, 1})}, {"ax", Ints({-1})}});
  TensorInfo u13 = Out0(Node("Unsqueeze", {"g", "axes"}, {"u"}), v, 13);
  EXPECT_EQ(u13.dims, (Dims{1}));
  EXPECT_EQ(u13.int_values, (std::vector<int64_t>{128}));
  TensorInfo u11 = Out0(Node("Unsqueeze", {"x"}, {"u"}, {AttrIs("axes", {0, -1})}), v, 11);
  EXPECT_EQ(u11.dims, (Dims{1, 2, 1, 3, 1, 1}));
  EXPECT_EQ(Out0(Node("Squeeze", {"x"}, {"s"}), v).dims, (Dims{2, 3}));
  EXPECT_EQ(Out0(Node("Squeeze", {"x", "ax"}, {"s"}), v).dims, (Dims{2, 1, 3}));
  EXPECT_EQ(Out0(Node("Squeeze", {"x"}, {"s"}, {AttrIs("axes", {1})}), v).dims, (Dims{2, 3, 1}));
  EXPECT_FALSE(PropagateNode(Node("Squeeze", {"x"}, {"s"}, {AttrIs("axes", {0})}), v).ok());
}

TEST(PropagateShapeOps, ConcatJoinsShapesAndValues) {
  const ValueTable v = Table({{"a", Ints({2})}, {"b", Ints({128})}, {"c", Ints({12, 64})}});
  TensorInfo c = Out0(Node("Concat", {"a", "b", "c"}, {"s"}, {AttrI("axis", 0)}), v);
  EXPECT_EQ(c.dims, (Dims{4}));
  EXPECT_EQ(c.int_values, (std::vector<int64_t>{2, 128, 12, 64}));
  // 2-D values along axis 1.
  const ValueTable m = Table({{"p", Ints({1, 2, 3, 4}, Dims{2, 2})}, {"q", Ints({5, 6}, Dims{2, 1})}});
  TensorInfo j = Out0(Node("Concat", {"p", "q"}, {"j"}, {AttrI("axis", -1)}), m);
  EXPECT_EQ(j.dims, (Dims{2, 3}));
  EXPECT_EQ(j.int_values, (std::vector<int64_t>{1, 2, 5, 3, 4, 6}));
  // Shapes only, one input's axis dim unknown.
  TensorInfo s = Out0(Node("Concat", {"x", "y"}, {"z"}, {AttrI("axis", 1)}),
                      Table({{"x", Known({2, 3})}, {"y", Known({-1, -1})}}));
  EXPECT_EQ(s.dims, (Dims{2, -1}));
}

TEST(PropagateShapeOps, ReshapeCopiesZerosAndInfersMinusOne) {
  const ValueTable v = Table({{"x", Known({4, 8, 30, 30})}, {"s", Ints({0, -1})}});
  EXPECT_EQ(Out0(Node("Reshape", {"x", "s"}, {"y"}), v).dims, (Dims{4, 7200}));
  // Values ride along: a shape tensor reshaped to a column.
  TensorInfo col = Out0(Node("Reshape", {"t", "s"}, {"y"}),
                        Table({{"t", Ints({2, 8, 4, 16})}, {"s", Ints({-1, 1})}}));
  EXPECT_EQ(col.dims, (Dims{4, 1}));
  EXPECT_EQ(col.int_values, (std::vector<int64_t>{2, 8, 4, 16}));
}

TEST(PropagateShapeOps, ReshapeWithUnknownTargetKnowsTheRankAndRejectsBadCounts) {
  ValueTable v = Table({{"x", Known({2, 3})}, {"s", Known({2}, kI64)}});
  TensorInfo rank_only = Out0(Node("Reshape", {"x", "s"}, {"y"}), v);
  EXPECT_TRUE(rank_only.has_shape);
  EXPECT_EQ(rank_only.dims, (Dims{-1, -1}));
  v["s"] = Ints({4, 2});
  EXPECT_FALSE(PropagateNode(Node("Reshape", {"x", "s"}, {"y"}), v).ok());  // 6 != 8 elements
  v["s"] = Ints({-1, -1});
  EXPECT_FALSE(PropagateNode(Node("Reshape", {"x", "s"}, {"y"}), v).ok());
  // The target alone fixes the output when it has neither 0 nor -1.
  TensorInfo blind = Out0(Node("Reshape", {"unknown", "t"}, {"y"}), Table({{"t", Ints({3, 2})}}));
  EXPECT_EQ(blind.dims, (Dims{3, 2}));
}

TEST(PropagateShapeOps, FlattenAroundTheAxis) {
  const ValueTable v = Table({{"x", Known({2, 3, 4, 5})}});
  EXPECT_EQ(Out0(Node("Flatten", {"x"}, {"y"}), v).dims, (Dims{2, 60}));
  EXPECT_EQ(Out0(Node("Flatten", {"x"}, {"y"}, {AttrI("axis", 0)}), v).dims, (Dims{1, 120}));
  EXPECT_EQ(Out0(Node("Flatten", {"x"}, {"y"}, {AttrI("axis", -1)}), v).dims, (Dims{24, 5}));
}

TEST(PropagateShapeOps, SliceClampsLikeTheSpec) {
  // The causal-mask idiom: bias[:, :, 0:seq, 0:seq] with ends from Shape.
  const ValueTable v = Table({{"bias", Known({1, 1, 256, 256})},
                              {"st", Ints({0})},
                              {"en", Ints({8})},
                              {"ax2", Ints({2})},
                              {"one", Ints({1})},
                              {"big", Ints({INT64_MAX})},
                              {"neg", Ints({-3})},
                              {"m1", Ints({-1})},
                              {"back", Ints({-1000})}});
  EXPECT_EQ(Out0(Node("Slice", {"bias", "st", "en", "ax2", "one"}, {"y"}), v).dims,
            (Dims{1, 1, 8, 256}));
  EXPECT_EQ(Out0(Node("Slice", {"bias", "neg", "big", "ax2"}, {"y"}), v).dims, (Dims{1, 1, 3, 256}));
  // Reversed, the whole axis: from 255 down past 0.
  EXPECT_EQ(Out0(Node("Slice", {"bias", "m1", "back", "ax2", "m1"}, {"y"}), v).dims,
            (Dims{1, 1, 256, 256}));
  // Values: the last two dims of a shape tensor, and a reversed one.
  const ValueTable s = Table({{"shape", Ints({2, 128, 12, 64})}, {"b", Ints({-2})}, {"e", Ints({INT64_MAX})},
                              {"m1", Ints({-1})}, {"lo", Ints({INT64_MIN})}});
  EXPECT_EQ(Out0(Node("Slice", {"shape", "b", "e"}, {"y"}), s).int_values,
            (std::vector<int64_t>{12, 64}));
  TensorInfo rev = Out0(Node("Slice", {"shape", "m1", "lo", "", "m1"}, {"y"}), s);
  EXPECT_EQ(rev.int_values, (std::vector<int64_t>{64, 12, 128, 2}));
  // Opset 1: attributes.
  EXPECT_EQ(Out0(Node("Slice", {"bias"}, {"y"},
                      {AttrIs("starts", {1}), AttrIs("ends", {5}), AttrIs("axes", {3})}),
                 v, 1)
                .dims,
            (Dims{1, 1, 256, 4}));
}

TEST(PropagateShapeOps, SplitBySizesEvenlyOrByNumOutputs) {
  const ValueTable v = Table({{"x", Known({2, 128, 384})}, {"sizes", Ints({128, 128, 128})}});
  std::vector<TensorInfo> by_input =
      Outs(Node("Split", {"x", "sizes"}, {"q", "k", "v"}, {AttrI("axis", 2)}), v, 13);
  ASSERT_EQ(by_input.size(), 3u);
  for (const TensorInfo& t : by_input) EXPECT_EQ(t.dims, (Dims{2, 128, 128}));
  std::vector<TensorInfo> even = Outs(Node("Split", {"x"}, {"a", "b"}, {AttrI("axis", 1)}), v);
  EXPECT_EQ(even[1].dims, (Dims{2, 64, 384}));
  // Opset 18 num_outputs: 128 into 3 -> 43, 43, 42.
  std::vector<TensorInfo> uneven = Outs(
      Node("Split", {"x"}, {"a", "b", "c"}, {AttrI("axis", 1), AttrI("num_outputs", 3)}), v, 18);
  EXPECT_EQ(uneven[0].dims, (Dims{2, 43, 384}));
  EXPECT_EQ(uneven[2].dims, (Dims{2, 42, 384}));
  // Values split too.
  std::vector<TensorInfo> parts = Outs(Node("Split", {"s"}, {"a", "b"}, {AttrIs("split", {1, 3})}),
                                      Table({{"s", Ints({2, 128, 12, 64})}}), 11);
  EXPECT_EQ(parts[0].int_values, (std::vector<int64_t>{2}));
  EXPECT_EQ(parts[1].int_values, (std::vector<int64_t>{128, 12, 64}));
}

TEST(PropagateShapeOps, TransposeExpandTilePad) {
  const ValueTable v = Table({{"x", Known({2, 128, 12, 64})},
                              {"m", Ints({1, 2, 3, 4, 5, 6}, Dims{2, 3})},
                              {"shape", Ints({2, 1, 8, 8})},
                              {"mask", Known({1, 1, 8, 8}, kBool)},
                              {"reps", Ints({2, 1})},
                              {"pads", Ints({0, 1, 0, 2})},
                              {"axes", Ints({1, 3})}});
  EXPECT_EQ(Out0(Node("Transpose", {"x"}, {"y"}, {AttrIs("perm", {0, 2, 3, 1})}), v).dims,
            (Dims{2, 12, 64, 128}));
  TensorInfo mt = Out0(Node("Transpose", {"m"}, {"y"}), v);
  EXPECT_EQ(mt.dims, (Dims{3, 2}));
  EXPECT_EQ(mt.int_values, (std::vector<int64_t>{1, 4, 2, 5, 3, 6}));
  EXPECT_EQ(Out0(Node("Expand", {"mask", "shape"}, {"y"}), v).dims, (Dims{2, 1, 8, 8}));
  TensorInfo tiled = Out0(Node("Tile", {"m", "reps"}, {"y"}), v);
  EXPECT_EQ(tiled.dims, (Dims{4, 3}));
  EXPECT_EQ(tiled.int_values, (std::vector<int64_t>{1, 2, 3, 4, 5, 6, 1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(Out0(Node("Pad", {"m", "pads"}, {"y"}), v).dims, (Dims{2, 6}));  // [0,1] + [0,2]
  // Pad-18 with axes: pads [begin(axis1), begin(axis3), end(axis1), end(axis3)].
  EXPECT_EQ(Out0(Node("Pad", {"x", "pads", "", "axes"}, {"y"}), v, 18).dims,
            (Dims{2, 128, 12, 64 + 1 + 2}));
}

TEST(PropagateShapeOps, ConstantOfShapeRangeCast) {
  onnx::TensorProto one;
  one.set_data_type(kI64);
  one.add_dims(1);
  one.add_int64_data(1);
  const ValueTable v = Table({{"shape", Ints({2, 3})},
                              {"zero", Scalar(0)},
                              {"seq", Scalar(8)},
                              {"step", Scalar(3)},
                              {"f0", Floats({0.5}, Dims{})},
                              {"f1", Floats({2.0}, Dims{})},
                              {"fd", Floats({0.5}, Dims{})},
                              {"x", Floats({2.7, -2.7, 0})}});
  TensorInfo ones = Out0(Node("ConstantOfShape", {"shape"}, {"y"}, {AttrT("value", one)}), v);
  EXPECT_EQ(ones.elem_type, kI64);
  EXPECT_EQ(ones.dims, (Dims{2, 3}));
  EXPECT_EQ(ones.int_values, std::vector<int64_t>(6, 1));
  EXPECT_EQ(Out0(Node("ConstantOfShape", {"shape"}, {"y"}), v).elem_type, kF);
  TensorInfo r = Out0(Node("Range", {"zero", "seq", "step"}, {"y"}), v);
  EXPECT_EQ(r.dims, (Dims{3}));  // 0, 3, 6
  EXPECT_EQ(r.int_values, (std::vector<int64_t>{0, 3, 6}));
  TensorInfo rf = Out0(Node("Range", {"f0", "f1", "fd"}, {"y"}), v);
  EXPECT_EQ(rf.values, (std::vector<double>{0.5, 1.0, 1.5}));
  TensorInfo c = Out0(Node("Cast", {"x"}, {"y"}, {AttrI("to", kI64)}), v);
  EXPECT_EQ(c.int_values, (std::vector<int64_t>{2, -2, 0}));  // toward zero
  TensorInfo b = Out0(Node("Cast", {"x"}, {"y"}, {AttrI("to", kBool)}), v);
  EXPECT_EQ(b.int_values, (std::vector<int64_t>{1, 1, 0}));
}

TEST(PropagateShapeOps, IdentityDropoutAndFriends) {
  const ValueTable v = Table({{"x", Known({2, 8, 64})}, {"s", Ints({3, 4})}});
  EXPECT_EQ(Out0(Node("Identity", {"s"}, {"y"}), v).int_values, (std::vector<int64_t>{3, 4}));
  std::vector<TensorInfo> d = Outs(Node("Dropout", {"x"}, {"y", "mask"}), v);
  ASSERT_EQ(d.size(), 2u);
  EXPECT_EQ(d[0].dims, (Dims{2, 8, 64}));
  EXPECT_EQ(d[1].elem_type, kBool);
  // NonZero of a 2x8x64 tensor: 3 coordinates of at most 2*8*64 = 1024
  // elements (rules/data_dependent.cc has the bounds and the low pass).
  EXPECT_EQ(Out0(Node("NonZero", {"x"}, {"y"}), v).dims, (Dims{3, 1024}));
}

// ---- Elementwise ----

TEST(PropagateElementwise, ArithmeticOnShapeValuesUsesIntegerSemantics) {
  const ValueTable v = Table({{"a", Ints({768, -7, 7})}, {"b", Scalar(12)}, {"c", Ints({2, 2, -2})},
                              {"x", Known({2, 1, 64})}, {"y", Known({8, 1})}});
  EXPECT_EQ(Out0(Node("Div", {"a", "b"}, {"q"}), v).int_values, (std::vector<int64_t>{64, 0, 0}));
  EXPECT_EQ(Out0(Node("Div", {"a", "c"}, {"q"}), v).int_values,
            (std::vector<int64_t>{384, -3, -3}));  // truncation
  EXPECT_EQ(Out0(Node("Mod", {"a", "c"}, {"q"}), v).int_values,
            (std::vector<int64_t>{0, 1, -1}));  // sign of the divisor
  EXPECT_EQ(Out0(Node("Mod", {"a", "c"}, {"q"}, {AttrI("fmod", 1)}), v).int_values,
            (std::vector<int64_t>{0, -1, 1}));  // sign of the dividend
  EXPECT_EQ(Out0(Node("Mul", {"a", "b"}, {"q"}), v).int_values,
            (std::vector<int64_t>{9216, -84, 84}));
  EXPECT_EQ(Out0(Node("Sub", {"b", "a"}, {"q"}), v).int_values, (std::vector<int64_t>{-756, 19, 5}));
  EXPECT_EQ(Out0(Node("Add", {"x", "y"}, {"z"}), v).dims, (Dims{2, 8, 64}));
  EXPECT_EQ(Out0(Node("Max", {"a", "b", "c"}, {"z"}), v).int_values,
            (std::vector<int64_t>{768, 12, 12}));
  EXPECT_FALSE(PropagateNode(Node("Add", {"x", "a"}, {"z"}), v).ok());  // 64 vs 3
}

TEST(PropagateElementwise, FloatArithmeticAndUnaryValues) {
  const ValueTable v = Table({{"d", Floats({64})}, {"h", Floats({4.5, -4.5})}});
  TensorInfo s = Out0(Node("Sqrt", {"d"}, {"y"}), v);
  EXPECT_EQ(s.values, (std::vector<double>{8}));
  EXPECT_EQ(Out0(Node("Floor", {"h"}, {"y"}), v).values, (std::vector<double>{4, -5}));
  EXPECT_EQ(Out0(Node("Round", {"h"}, {"y"}), v).values, (std::vector<double>{4, -4}));  // to even
  EXPECT_EQ(Out0(Node("Div", {"h", "d"}, {"y"}), v).values,
            (std::vector<double>{4.5 / 64, -4.5 / 64}));
  EXPECT_EQ(Out0(Node("Relu", {"x"}, {"y"}), Table({{"x", Known({3, 5})}})).dims, (Dims{3, 5}));
  EXPECT_EQ(Out0(Node("IsNaN", {"x"}, {"y"}), Table({{"x", Known({3})}})).elem_type, kBool);
}

TEST(PropagateElementwise, EqualWhereIdiom) {
  // torch's view(-1) guard: Where(Equal(shape, -1), ones, shape).
  const ValueTable v = Table({{"shape", Ints({2, -1, 64})},
                              {"m1", Scalar(-1)},
                              {"ones", Ints({1, 1, 1})},
                              {"mask", Known({1, 1, 8, 8}, kBool)},
                              {"ninf", Floats({-1e30}, Dims{})},
                              {"scores", Known({2, 4, 8, 8})}});
  TensorInfo eq = Out0(Node("Equal", {"shape", "m1"}, {"e"}), v);
  EXPECT_EQ(eq.elem_type, kBool);
  EXPECT_EQ(eq.int_values, (std::vector<int64_t>{0, 1, 0}));
  ValueTable w = v;
  w["e"] = eq;
  w["e"].name = "e";
  TensorInfo where = Out0(Node("Where", {"e", "ones", "shape"}, {"y"}), w);
  EXPECT_EQ(where.int_values, (std::vector<int64_t>{2, 1, 64}));
  EXPECT_EQ(Out0(Node("Where", {"mask", "ninf", "scores"}, {"y"}), v).dims, (Dims{2, 4, 8, 8}));
}

TEST(PropagateElementwise, ClipWithInputsOrAttributes) {
  const ValueTable v = Table({{"x", Ints({-5, 3, 900})}, {"lo", Scalar(0)}, {"hi", Scalar(512)}});
  EXPECT_EQ(Out0(Node("Clip", {"x", "lo", "hi"}, {"y"}), v).int_values,
            (std::vector<int64_t>{0, 3, 512}));
  EXPECT_EQ(Out0(Node("Clip", {"x", "", "hi"}, {"y"}), v).int_values,
            (std::vector<int64_t>{-5, 3, 512}));
}

// ---- Compute ops ----

TEST(PropagateNn, MatMulBroadcastsAndHandlesVectors) {
  const ValueTable v = Table({{"q", Known({2, 12, 128, 64})},
                              {"kt", Known({2, 12, 64, 128})},
                              {"x", Known({2, 128, 768})},
                              {"w", Known({768, 3072})},
                              {"vec", Known({768})},
                              {"b1", Known({1, 5, 3, 4})},
                              {"b2", Known({7, 1, 4, 2})}});
  EXPECT_EQ(Out0(Node("MatMul", {"q", "kt"}, {"y"}), v).dims, (Dims{2, 12, 128, 128}));
  EXPECT_EQ(Out0(Node("MatMul", {"x", "w"}, {"y"}), v).dims, (Dims{2, 128, 3072}));
  EXPECT_EQ(Out0(Node("MatMul", {"x", "vec"}, {"y"}), v).dims, (Dims{2, 128}));
  EXPECT_EQ(Out0(Node("MatMul", {"vec", "w"}, {"y"}), v).dims, (Dims{3072}));
  EXPECT_EQ(Out0(Node("MatMul", {"b1", "b2"}, {"y"}), v).dims, (Dims{7, 5, 3, 2}));
  EXPECT_FALSE(PropagateNode(Node("MatMul", {"w", "x"}, {"y"}), v).ok());  // 3072 vs 128
  EXPECT_EQ(Out0(Node("FusedMatMul", {"q", "q"}, {"y"}, {AttrI("transB", 1)}, "com.microsoft"), v).dims,
            (Dims{2, 12, 128, 128}));
  EXPECT_EQ(Out0(Node("MatMulNBits", {"x", "packed"}, {"y"}, {AttrI("N", 2048)}, "com.microsoft"), v)
                .dims,
            (Dims{2, 128, 2048}));
}

TEST(PropagateNn, GemmTransposes) {
  const ValueTable v = Table({{"a", Known({8, 512})}, {"b", Known({1000, 512})}});
  EXPECT_EQ(Out0(Node("Gemm", {"a", "b"}, {"y"}, {AttrI("transB", 1)}), v).dims, (Dims{8, 1000}));
}

TEST(PropagateNn, EinsumLabels) {
  const ValueTable v = Table({{"q", Known({2, 12, 128, 64})}, {"k", Known({2, 12, 96, 64})}});
  EXPECT_EQ(Out0(Node("Einsum", {"q", "k"}, {"y"}, {AttrS("equation", "bhqd,bhkd->bhqk")}), v).dims,
            (Dims{2, 12, 128, 96}));
  EXPECT_EQ(Out0(Node("Einsum", {"q", "k"}, {"y"}, {AttrS("equation", "...qd,...kd")}), v).dims,
            (Dims{2, 12, 96, 128}));  // implicit output: ellipsis, then labels in order (k < q)
}

TEST(PropagateNn, ConvAndPoolWindows) {
  const ValueTable v = Table({{"x", Known({1, 3, 224, 224})}, {"w", Known({64, 3, 7, 7})},
                              {"y", Known({1, 64, 112, 112})}, {"wt", Known({64, 32, 4, 4})}});
  EXPECT_EQ(Out0(Node("Conv", {"x", "w"}, {"o"}, {AttrIs("strides", {2, 2}), AttrIs("pads", {3, 3, 3, 3})}), v)
                .dims,
            (Dims{1, 64, 112, 112}));
  EXPECT_EQ(Out0(Node("Conv", {"x", "w"}, {"o"}, {AttrS("auto_pad", "SAME_UPPER"), AttrIs("strides", {2, 2})}), v)
                .dims,
            (Dims{1, 64, 112, 112}));
  EXPECT_EQ(Out0(Node("Conv", {"x", "w"}, {"o"}, {AttrIs("dilations", {2, 2})}), v).dims,
            (Dims{1, 64, 212, 212}));  // effective kernel 13
  EXPECT_EQ(Out0(Node("MaxPool", {"y"}, {"o"},
                      {AttrIs("kernel_shape", {3, 3}), AttrIs("strides", {2, 2}), AttrIs("pads", {1, 1, 1, 1})}),
                 v)
                .dims,
            (Dims{1, 64, 56, 56}));
  // ceil_mode: 112 -> ceil((112 - 3) / 2) + 1 = 56 (floor would give 55).
  EXPECT_EQ(Out0(Node("MaxPool", {"y"}, {"o"},
                      {AttrIs("kernel_shape", {3, 3}), AttrIs("strides", {2, 2}), AttrI("ceil_mode", 1)}),
                 v)
                .dims,
            (Dims{1, 64, 56, 56}));
  EXPECT_EQ(Out0(Node("GlobalAveragePool", {"y"}, {"o"}), v).dims, (Dims{1, 64, 1, 1}));
  // ConvTranspose: 2*(112-1) + 4 - 1 - 1 = 224 spatial, 32*group channels.
  EXPECT_EQ(Out0(Node("ConvTranspose", {"y", "wt"}, {"o"},
                      {AttrIs("strides", {2, 2}), AttrIs("pads", {1, 1, 1, 1})}),
                 v)
                .dims,
            (Dims{1, 32, 224, 224}));
}

TEST(PropagateNn, ResizeByScalesSizesAndAxes) {
  const ValueTable v = Table({{"x", Known({1, 3, 100, 200})},
                              {"scales", Floats({1, 1, 2, 0.5})},
                              {"sizes", Ints({1, 3, 50, 50})},
                              {"sizes2", Ints({50, 50})},
                              {"empty", Floats({}, Dims{0})}});
  EXPECT_EQ(Out0(Node("Resize", {"x", "", "scales"}, {"y"}), v, 13).dims, (Dims{1, 3, 200, 100}));
  EXPECT_EQ(Out0(Node("Resize", {"x", "", "empty", "sizes"}, {"y"}), v, 13).dims, (Dims{1, 3, 50, 50}));
  EXPECT_EQ(Out0(Node("Resize", {"x", "", "", "sizes2"}, {"y"}, {AttrIs("axes", {2, 3})}), v, 18).dims,
            (Dims{1, 3, 50, 50}));
  // not_larger keeps the aspect ratio: scale = min(50/100, 50/200) = 0.25.
  EXPECT_EQ(Out0(Node("Resize", {"x", "", "", "sizes2"}, {"y"},
                      {AttrIs("axes", {2, 3}), AttrS("keep_aspect_ratio_policy", "not_larger")}),
                 v, 18)
                .dims,
            (Dims{1, 3, 25, 50}));
  EXPECT_EQ(Out0(Node("Upsample", {"x", "scales"}, {"y"}), v, 9).dims, (Dims{1, 3, 200, 100}));
}

TEST(PropagateNn, ReductionsWithAxesAttributeOrInput) {
  const ValueTable v = Table({{"x", Known({2, 128, 768})}, {"axes", Ints({-1})}, {"s", Ints({2, 3, 4})},
                              {"none", Ints({}, Dims{0})}});
  EXPECT_EQ(Out0(Node("ReduceMean", {"x"}, {"y"}, {AttrIs("axes", {-1})}), v, 13).dims, (Dims{2, 128, 1}));
  EXPECT_EQ(Out0(Node("ReduceMean", {"x", "axes"}, {"y"}), v, 18).dims, (Dims{2, 128, 1}));
  EXPECT_EQ(Out0(Node("ReduceSum", {"x", "axes"}, {"y"}, {AttrI("keepdims", 0)}), v, 13).dims,
            (Dims{2, 128}));
  EXPECT_EQ(Out0(Node("ReduceMax", {"x"}, {"y"}), v, 18).dims, (Dims{1, 1, 1}));  // all axes
  EXPECT_EQ(Out0(Node("ReduceSum", {"x", "none"}, {"y"}, {AttrI("noop_with_empty_axes", 1)}), v, 13).dims,
            (Dims{2, 128, 768}));
  TensorInfo numel = Out0(Node("ReduceProd", {"s"}, {"y"}, {AttrI("keepdims", 0)}), v);
  EXPECT_EQ(numel.dims, Dims{});
  EXPECT_EQ(numel.int_values, (std::vector<int64_t>{24}));
  EXPECT_EQ(Out0(Node("ArgMax", {"x"}, {"y"}, {AttrI("axis", -1), AttrI("keepdims", 0)}), v).dims,
            (Dims{2, 128}));
  std::vector<TensorInfo> topk = Outs(Node("TopK", {"x", "k"}, {"v", "i"}),
                                     [&] { ValueTable t = v; t["k"] = Ints({5}); return t; }());
  EXPECT_EQ(topk[0].dims, (Dims{2, 128, 5}));
  EXPECT_EQ(topk[1].elem_type, kI64);
}

TEST(PropagateNn, LayerNormalizationStatistics) {
  std::vector<TensorInfo> ln = Outs(Node("LayerNormalization", {"x", "g", "b"}, {"y", "mean", "inv"}),
                                   Table({{"x", Known({2, 128, 768})}}), 17);
  ASSERT_EQ(ln.size(), 3u);
  EXPECT_EQ(ln[0].dims, (Dims{2, 128, 768}));
  EXPECT_EQ(ln[1].dims, (Dims{2, 128, 1}));
  for (const char* op : {"GroupNormalization", "RMSNormalization", "RotaryEmbedding", "Softmax", "Gelu"}) {
    EXPECT_EQ(Out0(Node(op, {"x", "g"}, {"y"}), Table({{"x", Known({2, 8, 64})}}), 23).dims,
              (Dims{2, 8, 64}))
        << op;
  }
}

// The spec's layouts, checked on torch.nn.LSTM(64, 128, bidirectional=True)
// over 35 steps of a batch of 4.
TEST(PropagateNn, RecurrentOutputsInBothLayouts) {
  const ValueTable v = Table({{"x", Known({35, 4, 64})},
                              {"xb", Known({4, 35, 64})},
                              {"w", Known({2, 512, 64})},
                              {"w3", Known({1, 384, 64})}});
  std::vector<TensorInfo> lstm =
      Outs(Node("LSTM", {"x", "w", "r"}, {"y", "y_h", "y_c"},
                {AttrI("hidden_size", 128), AttrS("direction", "bidirectional")}),
           v);
  ASSERT_EQ(lstm.size(), 3u);
  EXPECT_EQ(lstm[0].dims, (Dims{35, 2, 4, 128}));
  EXPECT_EQ(lstm[1].dims, (Dims{2, 4, 128}));
  EXPECT_EQ(lstm[2].dims, (Dims{2, 4, 128}));
  EXPECT_EQ(lstm[0].elem_type, onnx::TensorProto::FLOAT);
  // layout 1 puts the batch first; without hidden_size, W's 512 rows are
  // 4 gates x 128.
  std::vector<TensorInfo> first =
      Outs(Node("LSTM", {"xb", "w", "r"}, {"y", "y_h"},
                {AttrI("layout", 1), AttrS("direction", "bidirectional")}),
           v);
  EXPECT_EQ(first[0].dims, (Dims{4, 35, 2, 128}));
  EXPECT_EQ(first[1].dims, (Dims{4, 2, 128}));
  // GRU has 3 gates: W's 384 rows are 3 x 128; 512 rows are not a whole
  // number of GRU gates, so the hidden size stays unknown.
  EXPECT_EQ(Out0(Node("GRU", {"x", "w3", "r"}, {"y"}), v).dims, (Dims{35, 1, 4, 128}));
  EXPECT_EQ(Out0(Node("GRU", {"x", "w", "r"}, {"y"}), v).dims, (Dims{35, 1, 4, -1}));
  EXPECT_EQ(Out0(Node("RNN", {"x", "w", "r"}, {"y"}, {AttrI("hidden_size", 16)}), v).dims,
            (Dims{35, 1, 4, 16}));
  EXPECT_FALSE(PropagateNode(Node("RNN", {"w", "w", "r"}, {"y"}),
                             Table({{"w", Known({2, 512})}}))
                   .ok());  // X of rank 2
}

TEST(PropagateNn, Col2ImAndCenterCropPad) {
  const ValueTable v = Table({{"x", Known({1, 12, 16})}, {"img", Ints({8, 8})}, {"blk", Ints({2, 2})}});
  EXPECT_EQ(Out0(Node("Col2Im", {"x", "img", "blk"}, {"y"}), v, 18).dims, (Dims{1, 3, 8, 8}));
}

// ---- Attention ----

TEST(PropagateAttention, OnnxAttention3dAnd4dWithPast) {
  const ValueTable v = Table({{"q", Known({2, 8, 512})},
                              {"k", Known({2, 8, 128})},
                              {"v", Known({2, 8, 256})},
                              {"q4", Known({2, 8, 16, 64})},
                              {"k4", Known({2, 2, 16, 64})},
                              {"v4", Known({2, 2, 16, 32})},
                              {"pk", Known({2, 2, 100, 64})},
                              {"pv", Known({2, 2, 100, 32})}});
  // 3-D, 8 query heads over 2 kv heads: head 64, v head 128.
  std::vector<TensorInfo> a = Outs(Node("Attention", {"q", "k", "v"}, {"y", "pk_out", "pv_out", "qk"},
                                       {AttrI("q_num_heads", 8), AttrI("kv_num_heads", 2)}),
                                  v, 23);
  ASSERT_EQ(a.size(), 4u);
  EXPECT_EQ(a[0].dims, (Dims{2, 8, 8 * 128}));
  EXPECT_EQ(a[1].dims, (Dims{2, 2, 8, 64}));
  EXPECT_EQ(a[2].dims, (Dims{2, 2, 8, 128}));
  std::vector<TensorInfo> b =
      Outs(Node("Attention", {"q4", "k4", "v4", "", "pk", "pv"}, {"y", "pk_out", "pv_out", "qk"}), v, 23);
  EXPECT_EQ(b[0].dims, (Dims{2, 8, 16, 32}));
  EXPECT_EQ(b[1].dims, (Dims{2, 2, 116, 64}));
  EXPECT_EQ(b[3].dims, (Dims{2, 8, 16, 116}));
}

TEST(PropagateAttention, MicrosoftContribOps) {
  const std::string ms = "com.microsoft";
  const ValueTable v = Table({{"x", Known({2, 128, 768})},
                              {"w", Known({768, 2304})},
                              {"past", Known({2, 2, 12, 10, 64})},
                              {"kv", Known({2, 40, 768})},
                              {"ids", Known({2, 128}, kI64)},
                              {"words", Known({30522, 768})},
                              {"gq", Known({2, 128, 2048})},
                              {"gk", Known({2, 128, 512})},
                              {"total", Scalar(128)}});
  std::vector<TensorInfo> att =
      Outs(Node("Attention", {"x", "w", "", "", "past"}, {"y", "present"}, {AttrI("num_heads", 12)}, ms), v);
  EXPECT_EQ(att[0].dims, (Dims{2, 128, 768}));
  EXPECT_EQ(att[1].dims, (Dims{2, 2, 12, 138, 64}));
  EXPECT_EQ(Out0(Node("MultiHeadAttention", {"x", "kv", "kv"}, {"y"}, {AttrI("num_heads", 12)}, ms), v).dims,
            (Dims{2, 128, 768}));
  std::vector<TensorInfo> gqa = Outs(Node("GroupQueryAttention", {"gq", "gk", "gk", "", "", "", "total"},
                                         {"y", "pk", "pv"},
                                         {AttrI("num_heads", 32), AttrI("kv_num_heads", 8)}, ms),
                                    v);
  EXPECT_EQ(gqa[0].dims, (Dims{2, 128, 2048}));
  EXPECT_EQ(gqa[1].dims, (Dims{2, 8, 128, 64}));
  std::vector<TensorInfo> skip =
      Outs(Node("SkipLayerNormalization", {"x", "x", "g", "b"}, {"y", "m", "i", "sum"}, {}, ms), v);
  EXPECT_EQ(skip[0].dims, (Dims{2, 128, 768}));
  EXPECT_EQ(skip[3].dims, (Dims{2, 128, 768}));
  for (const char* op : {"FastGelu", "BiasGelu", "Gelu", "QuickGelu", "RotaryEmbedding",
                         "SimplifiedLayerNormalization"}) {
    EXPECT_EQ(Out0(Node(op, {"x", "b"}, {"y"}, {}, ms), v).dims, (Dims{2, 128, 768})) << op;
  }
  std::vector<TensorInfo> emb = Outs(
      Node("EmbedLayerNormalization", {"ids", "", "words"}, {"y", "mask", "sum"}, {}, ms), v);
  EXPECT_EQ(emb[0].dims, (Dims{2, 128, 768}));
  EXPECT_EQ(emb[1].dims, (Dims{2}));
}

// Garbage in a file must give "unknown" or an error, never overflow or a
// huge allocation.
TEST(PropagateNode, AbsurdValuesStayUnknown) {
  const int64_t big = int64_t{1} << 62;
  const ValueTable v = Table({{"x", Known({2, 3})},
                              {"reps", Ints({big, big})},
                              {"long", Known({big}, kI64)},
                              {"huge", Ints({big, 2})},
                              {"pads", Ints({INT64_MAX, 0, 0, 0})},
                              {"inf", Floats({1e300, 1e300})},
                              {"f", Floats({1e300}, Dims{})},
                              {"f0", Floats({0}, Dims{})},
                              {"f1", Floats({1}, Dims{})}});
  EXPECT_EQ(Out0(Node("Tile", {"x", "reps"}, {"y"}), v).dims, (Dims{-1, -1}));
  EXPECT_FALSE(Out0(Node("Reshape", {"x", "long"}, {"y"}), v).has_shape);
  EXPECT_FALSE(Out0(Node("ConstantOfShape", {"long"}, {"y"}), v).has_shape);
  EXPECT_FALSE(PropagateNode(Node("Expand", {"x", "huge"}, {"y"}), v).ok());
  EXPECT_EQ(Out0(Node("Pad", {"x", "pads"}, {"y"}), v).dims, (Dims{-1, 3}));
  EXPECT_EQ(Out0(Node("Resize", {"x", "", "inf"}, {"y"}), v, 13).dims, (Dims{-1, -1}));
  EXPECT_FALSE(PropagateNode(Node("Range", {"f0", "f", "f1"}, {"y"}), v).ok());  // 1e300 long
  EXPECT_FALSE(PropagateNode(Node("Conv", {"c", "w"}, {"y"}, {AttrIs("strides", {big, 1})}),
                             Table({{"c", Known({1, 1, 8, 8})}, {"w", Known({1, 1, 3, 3})}}))
                   .ok());
  EXPECT_EQ(Out0(Node("Pow", {"a", "b"}, {"y"}), Table({{"a", Ints({-1, 2})}, {"b", Ints({3, 70})}})).has_values,
            false);  // 2^70 overflows: no values, but -1^3 alone would be fine
  EXPECT_EQ(Out0(Node("Pow", {"a", "b"}, {"y"}), Table({{"a", Ints({-1, 2})}, {"b", Ints({3, 10})}})).int_values,
            (std::vector<int64_t>{-1, 1024}));
}

TEST(PropagateNode, UnknownOpsHaveNoPropagator) {
  EXPECT_EQ(PropagateNode(Node("Frobnicate", {}, {"y"}), ValueTable()).status().code(),
            absl::StatusCode::kNotFound);
  // The same op name in another domain is another op.
  EXPECT_EQ(PropagateNode(Node("Shape", {"x"}, {"y"}, {}, "com.example"), ValueTable()).status().code(),
            absl::StatusCode::kNotFound);
}

// ---- End to end: InferAllShapes on small graphs ----

class GraphBuilder {
 public:
  explicit GraphBuilder(int64_t opset, bool with_microsoft = false) {
    model_.set_ir_version(8);
    auto* op = model_.add_opset_import();
    op->set_domain("");
    op->set_version(opset);
    if (with_microsoft) {
      auto* ms = model_.add_opset_import();
      ms->set_domain("com.microsoft");
      ms->set_version(1);
    }
  }

  // A graph input; a dim < 0 is symbolic, named by `names` (in order).
  GraphBuilder& Input(const std::string& name, Dims dims, std::vector<std::string> names = {},
                      int32_t elem = kF) {
    auto* in = model_.mutable_graph()->add_input();
    in->set_name(name);
    auto* tt = in->mutable_type()->mutable_tensor_type();
    tt->set_elem_type(elem);
    size_t next = 0;
    for (int64_t d : dims) {
      auto* dim = tt->mutable_shape()->add_dim();
      if (d >= 0) {
        dim->set_dim_value(d);
      } else {
        dim->set_dim_param(names.at(next++));
      }
    }
    return *this;
  }

  // A weight without payload (shape only), as the loader leaves them.
  GraphBuilder& Weight(const std::string& name, Dims dims) {
    auto* t = model_.mutable_graph()->add_initializer();
    t->set_name(name);
    t->set_data_type(kF);
    for (int64_t d : dims) t->add_dims(d);
    return *this;
  }

  GraphBuilder& IntInit(const std::string& name, std::vector<int64_t> v, bool scalar = false) {
    auto* t = model_.mutable_graph()->add_initializer();
    *t = IntTensor(name, v, scalar);
    return *this;
  }

  // A Constant node, as torch leaves unfolded constants.
  GraphBuilder& IntConst(const std::string& name, std::vector<int64_t> v, bool scalar = false) {
    return Add(Node("Constant", {}, {name}, {AttrT("value", IntTensor(name, v, scalar))}));
  }

  GraphBuilder& Add(onnx::NodeProto n) {
    *model_.mutable_graph()->add_node() = std::move(n);
    return *this;
  }

  GraphBuilder& Output(const std::string& name) {
    model_.mutable_graph()->add_output()->set_name(name);
    return *this;
  }

  onnx::ModelProto& model() { return model_; }

 private:
  static onnx::TensorProto IntTensor(const std::string& name, const std::vector<int64_t>& v,
                                     bool scalar) {
    onnx::TensorProto t;
    t.set_name(name);
    t.set_data_type(kI64);
    if (!scalar) t.add_dims(static_cast<int64_t>(v.size()));
    for (int64_t x : v) t.add_int64_data(x);
    return t;
  }

  onnx::ModelProto model_;
};

struct Inferred {
  ValueTable values;
  PropagationStats stats;
  std::vector<std::string> warnings;
};

Inferred Infer(onnx::ModelProto& model, std::vector<std::pair<std::string, int64_t>> dims) {
  DimBindings bindings;
  bindings.dims = std::move(dims);
  absl::StatusOr<BindResult> bound = BindInputShapes(model, bindings);
  EXPECT_TRUE(bound.ok()) << bound.status();
  Inferred r;
  r.values = InferAllShapes(model, &r.warnings, {}, &r.stats);
  return r;
}

void ExpectEveryOutputKnown(const onnx::ModelProto& model, const ValueTable& values) {
  for (const auto& node : model.graph().node()) {
    for (const auto& out : node.output()) {
      auto it = values.find(out);
      ASSERT_NE(it, values.end()) << out;
      EXPECT_TRUE(it->second.has_shape) << out;
      for (int64_t d : it->second.dims) EXPECT_GE(d, 0) << out << " of " << node.op_type();
    }
  }
}

// The torch idiom of multi-head attention with dynamic batch and seq:
//   x [batch, seq, 64] -> Shape -> Gather(0), Gather(1) -> Unsqueeze ->
//   Concat(.., [4, 16]) -> Reshape -> Transpose -> MatMul (q @ k^T).
// `folded`: the exporter folded the constants into initializers rather than
// leaving Constant nodes.
onnx::ModelProto TorchAttentionIdiom(bool folded) {
  GraphBuilder g(14);
  g.Input("x", {-1, -1, 64}, {"batch", "seq"});
  auto int_value = [&](const std::string& name, std::vector<int64_t> v, bool scalar = false) {
    if (folded) {
      g.IntInit(name, std::move(v), scalar);
    } else {
      g.IntConst(name, std::move(v), scalar);
    }
  };
  int_value("i0", {0}, true);
  int_value("i1", {1}, true);
  int_value("ax0", {0});
  int_value("heads", {4, 16});
  g.Add(Node("Shape", {"x"}, {"shape"}))
      .Add(Node("Gather", {"shape", "i0"}, {"b"}, {AttrI("axis", 0)}))
      .Add(Node("Gather", {"shape", "i1"}, {"s"}, {AttrI("axis", 0)}))
      .Add(Node("Unsqueeze", {"b", "ax0"}, {"b1"}))
      .Add(Node("Unsqueeze", {"s", "ax0"}, {"s1"}))
      .Add(Node("Concat", {"b1", "s1", "heads"}, {"target"}, {AttrI("axis", 0)}))
      .Add(Node("Reshape", {"x", "target"}, {"xr"}))
      .Add(Node("Transpose", {"xr"}, {"q"}, {AttrIs("perm", {0, 2, 1, 3})}))
      .Add(Node("Transpose", {"xr"}, {"kt"}, {AttrIs("perm", {0, 2, 3, 1})}))
      .Add(Node("MatMul", {"q", "kt"}, {"scores"}))
      .Add(Node("Softmax", {"scores"}, {"probs"}, {AttrI("axis", -1)}))
      .Add(Node("MatMul", {"probs", "q"}, {"ctx"}))
      .Output("ctx");
  return g.model();
}

TEST(InferAllShapes, TorchAttentionIdiomGetsConcreteShapesOnceDimsAreBound) {
  for (bool folded : {false, true}) {
    SCOPED_TRACE(folded ? "constants folded" : "Constant nodes");
    onnx::ModelProto model = TorchAttentionIdiom(folded);
    const int initializers = model.graph().initializer_size();
    Inferred r = Infer(model, {{"batch", 2}, {"seq", 8}});
    ExpectEveryOutputKnown(model, r.values);
    EXPECT_EQ(r.values.at("target").int_values, (std::vector<int64_t>{2, 8, 4, 16}));
    EXPECT_EQ(r.values.at("xr").dims, (Dims{2, 8, 4, 16}));
    EXPECT_EQ(r.values.at("q").dims, (Dims{2, 4, 8, 16}));
    EXPECT_EQ(r.values.at("scores").dims, (Dims{2, 4, 8, 8}));
    EXPECT_EQ(r.values.at("ctx").dims, (Dims{2, 4, 8, 16}));
    // Our pass resolves the whole chain by itself: ONNX never runs.
    EXPECT_EQ(r.stats.onnx_rounds, 0);
    EXPECT_EQ(r.stats.unknown_outputs, 0);
    EXPECT_TRUE(r.warnings.empty());
    // The graph is left as it was, apart from value_info.
    EXPECT_EQ(model.graph().initializer_size(), initializers);
  }
}

TEST(InferAllShapes, ShapeValuesFollowTheBoundDims) {
  onnx::ModelProto model = TorchAttentionIdiom(false);
  Inferred r = Infer(model, {{"batch", 3}, {"seq", 50}});
  EXPECT_EQ(r.values.at("target").int_values, (std::vector<int64_t>{3, 50, 4, 16}));
  EXPECT_EQ(r.values.at("scores").dims, (Dims{3, 4, 50, 50}));
}

// GPT-2's causal mask: bias[:, :, 0:seq, 0:seq] with seq from Shape, an
// integer Div for the head size and Where(Equal(mask, 0), -inf, scores).
TEST(InferAllShapes, CausalMaskAndHeadSizeArithmetic) {
  GraphBuilder g(14);
  g.Input("x", {-1, -1, 64}, {"batch", "seq"})
      .Weight("bias", {1, 1, 256, 256})
      .IntConst("i1", {1}, true)
      .IntConst("i2", {2}, true)
      .IntConst("four", {4}, true)
      .IntConst("zero", {0})
      .IntConst("ax0", {0})
      .IntConst("ax2", {2})
      .IntConst("ax3", {3})
      .IntConst("one", {1})
      .IntConst("heads", {4})
      .Add(Node("Shape", {"x"}, {"shape"}))
      .Add(Node("Gather", {"shape", "i1"}, {"seq"}))
      .Add(Node("Gather", {"shape", "i2"}, {"hidden"}))
      .Add(Node("Div", {"hidden", "four"}, {"head"}))  // 64 / 4 on int64
      .Add(Node("Unsqueeze", {"seq", "ax0"}, {"seq1"}))
      .Add(Node("Unsqueeze", {"head", "ax0"}, {"head1"}))
      .Add(Node("Concat", {"zero", "seq1", "heads", "head1"}, {"target"}, {AttrI("axis", 0)}))
      .Add(Node("Reshape", {"x", "target"}, {"xr"}))
      .Add(Node("Transpose", {"xr"}, {"q"}, {AttrIs("perm", {0, 2, 1, 3})}))
      .Add(Node("Transpose", {"xr"}, {"kt"}, {AttrIs("perm", {0, 2, 3, 1})}))
      .Add(Node("MatMul", {"q", "kt"}, {"scores"}))
      .Add(Node("Slice", {"bias", "zero", "seq1", "ax2", "one"}, {"rows"}))
      .Add(Node("Slice", {"rows", "zero", "seq1", "ax3", "one"}, {"mask"}))
      .Add(Node("Cast", {"mask"}, {"maskb"}, {AttrI("to", kBool)}))
      .Add(Node("Not", {"maskb"}, {"blocked"}))
      .Add(Node("Where", {"blocked", "scores", "scores"}, {"masked"}))
      .Add(Node("Softmax", {"masked"}, {"probs"}, {AttrI("axis", -1)}))
      .Add(Node("MatMul", {"probs", "q"}, {"ctx"}))
      .Output("ctx");
  onnx::ModelProto& model = g.model();
  Inferred r = Infer(model, {{"batch", 2}, {"seq", 8}});
  ExpectEveryOutputKnown(model, r.values);
  EXPECT_EQ(r.values.at("head").int_values, (std::vector<int64_t>{16}));
  EXPECT_EQ(r.values.at("mask").dims, (Dims{1, 1, 8, 8}));
  EXPECT_EQ(r.values.at("masked").dims, (Dims{2, 4, 8, 8}));
  EXPECT_EQ(r.values.at("ctx").dims, (Dims{2, 4, 8, 16}));
}

// Position ids: Range(0, seq) -> Unsqueeze -> Gather from the position
// embedding; Expand to [batch, seq] via ConstantOfShape/Concat.
TEST(InferAllShapes, RangeConstantOfShapeExpand) {
  GraphBuilder g(14);
  g.Input("ids", {-1, -1}, {"batch", "seq"}, kI64)
      .Weight("wpe", {1024, 32})
      .IntConst("i0", {0}, true)
      .IntConst("i1", {1}, true)
      .IntConst("ax0", {0})
      .Add(Node("Shape", {"ids"}, {"shape"}))
      .Add(Node("Gather", {"shape", "i1"}, {"seq"}))
      .Add(Node("Range", {"i0", "seq", "i1"}, {"pos"}))
      .Add(Node("Unsqueeze", {"pos", "ax0"}, {"pos1"}))
      .Add(Node("ConstantOfShape", {"shape"}, {"ones"}))
      .Add(Node("Expand", {"pos1", "shape"}, {"pos_ids"}))
      .Add(Node("Gather", {"wpe", "pos_ids"}, {"emb"}))
      .Add(Node("Mul", {"emb", "emb"}, {"sq"}))
      .Output("sq");
  onnx::ModelProto& model = g.model();
  Inferred r = Infer(model, {{"batch", 2}, {"seq", 5}});
  ExpectEveryOutputKnown(model, r.values);
  EXPECT_EQ(r.values.at("pos").int_values, (std::vector<int64_t>{0, 1, 2, 3, 4}));
  EXPECT_EQ(r.values.at("pos_ids").dims, (Dims{2, 5}));
  EXPECT_EQ(r.values.at("emb").dims, (Dims{2, 5, 32}));
}

// A value we compute reaches ONNX, whose shape function reads it as input
// data: MelWeightMatrix (ONNX-only here) whose dft_length is a Gather of a Shape.
TEST(InferAllShapes, PropagatedValuesFeedOnnxInference) {
  GraphBuilder g(17);
  g.Input("x", {-1, -1}, {"batch", "n"})
      .IntConst("i1", {1}, true)
      .IntConst("mels", {8}, true)
      .IntConst("rate", {16000}, true)
      .Add(Node("Shape", {"x"}, {"shape"}))
      .Add(Node("Gather", {"shape", "i1"}, {"n"}))
      .Add(Node("Mul", {"n", "n"}, {"n2"}))  // ONNX 1.12 keeps no data for a scalar Mul
      .Add(Node("MelWeightMatrix", {"mels", "n2", "rate", "rate", "rate"}, {"window"}))
      .Add(Node("Relu", {"window"}, {"y"}))
      .Output("y");
  onnx::ModelProto& model = g.model();
  Inferred r = Infer(model, {{"batch", 1}, {"n", 20}});
  EXPECT_EQ(r.values.at("n2").int_values, (std::vector<int64_t>{400}));
  EXPECT_EQ(r.values.at("window").dims, (Dims{201, 8}));  // [400/2 + 1, 8]
  EXPECT_EQ(r.values.at("y").dims, (Dims{201, 8}));
  EXPECT_EQ(r.stats.onnx_rounds, 2);
  EXPECT_EQ(model.graph().initializer_size(), 0);
}

// ONNX runs only when our pass leaves an output unknown, and then from the
// graph as declared: value_info gets nothing from the partial pass that ONNX
// could mistake for a declaration.
TEST(InferAllShapes, OnnxRunsOnlyWhereOurPassStops) {
  GraphBuilder g(17);
  g.Input("x", {-1, 8}, {"batch"})
      .Weight("w", {8, 4})
      .Add(Node("MatMul", {"x", "w"}, {"h"}))
      .Add(Node("Relu", {"h"}, {"y"}))
      .Output("y");
  Inferred ours = Infer(g.model(), {{"batch", 3}});
  EXPECT_EQ(ours.stats.onnx_rounds, 0);
  EXPECT_EQ(ours.values.at("y").dims, (Dims{3, 4}));
  EXPECT_EQ(ours.values.at("y").elem_type, onnx::TensorProto::FLOAT);

  // MelWeightMatrix has no propagator of ours: ONNX gives its shape.
  GraphBuilder w(17);
  w.Input("x", {-1, 8}, {"batch"})
      .IntConst("n", {16}, true)
      .Add(Node("Relu", {"x"}, {"r"}))
      .Add(Node("MelWeightMatrix", {"n", "n", "n", "n", "n"}, {"window"}))
      .Output("r")
      .Output("window");
  Inferred both = Infer(w.model(), {{"batch", 3}});
  EXPECT_EQ(both.stats.onnx_rounds, 1);
  EXPECT_EQ(both.values.at("r").dims, (Dims{3, 8}));
  EXPECT_EQ(both.values.at("window").dims, (Dims{9, 16}));  // [16/2 + 1, 16]
}

// Opset 18-19 ops whose ONNX 1.12 schema is older: ours decide.
TEST(InferAllShapes, NewerOpsetsAreOurs) {
  GraphBuilder g(19);
  g.Input("x", {-1, 8, 10, 10}, {"batch"})
      .IntInit("axes", {2, 3})
      .IntInit("zeros", {0, 0})
      .IntInit("sizes", {5, 5})
      .Add(Node("Split", {"x"}, {"a", "b", "c"}, {AttrI("axis", 1), AttrI("num_outputs", 3)}))
      .Add(Node("Add", {"axes", "zeros"}, {"computed_axes"}))  // not an initializer
      .Add(Node("ReduceMean", {"a", "computed_axes"}, {"m"}, {AttrI("keepdims", 1)}))
      .Add(Node("AveragePool", {"b"}, {"p"},
                {AttrIs("kernel_shape", {3, 3}), AttrIs("dilations", {2, 2})}))
      .Add(Node("Resize", {"c", "", "", "sizes"}, {"r"},
                {AttrIs("axes", {2, 3}), AttrS("keep_aspect_ratio_policy", "not_larger")}))
      .Add(Node("Relu", {"p"}, {"y"}))
      .Output("y")
      .Output("m")
      .Output("r");
  onnx::ModelProto& model = g.model();
  Inferred r = Infer(model, {{"batch", 2}});
  EXPECT_EQ(r.values.at("a").dims, (Dims{2, 3, 10, 10}));
  EXPECT_EQ(r.values.at("c").dims, (Dims{2, 2, 10, 10}));
  EXPECT_EQ(r.values.at("m").dims, (Dims{2, 3, 1, 1}));
  // Dilation 2 makes the 3x3 window span 5: 10 - 5 + 1 = 6 (ONNX 1.12 says 8).
  EXPECT_EQ(r.values.at("p").dims, (Dims{2, 3, 6, 6}));
  EXPECT_EQ(r.values.at("y").dims, (Dims{2, 3, 6, 6}));
  EXPECT_EQ(r.values.at("r").dims, (Dims{2, 2, 5, 5}));
  // The hidden nodes got their op types back.
  EXPECT_EQ(model.graph().node(3).op_type(), "AveragePool");
  EXPECT_EQ(model.graph().node(4).op_type(), "Resize");
}

TEST(InferAllShapes, MicrosoftTransformerOps) {
  GraphBuilder g(14, /*with_microsoft=*/true);
  g.Input("x", {-1, -1, 64}, {"batch", "seq"})
      .Weight("w", {64, 192})
      .Weight("gamma", {64})
      .Add(Node("Attention", {"x", "w"}, {"att"}, {AttrI("num_heads", 4)}, "com.microsoft"))
      .Add(Node("SkipLayerNormalization", {"att", "x", "gamma"}, {"ln"}, {}, "com.microsoft"))
      .Add(Node("FastGelu", {"ln"}, {"act"}, {}, "com.microsoft"))
      .Add(Node("MatMul", {"act", "w"}, {"y"}))
      .Output("y");
  onnx::ModelProto& model = g.model();
  Inferred r = Infer(model, {{"batch", 2}, {"seq", 8}});
  ExpectEveryOutputKnown(model, r.values);
  EXPECT_EQ(r.values.at("att").dims, (Dims{2, 8, 64}));
  EXPECT_EQ(r.values.at("y").dims, (Dims{2, 8, 192}));
}

// A declared output shape reaches back through elementwise ops: y [10] =
// Cos(Cast(Range(0, n, 1))) * 2 with n an input value: the Mul by a scalar,
// the Cos and the Cast keep the shape, so the Range's output is [10].
TEST(InferAllShapes, DeclaredOutputShapesReachBackThroughElementwiseOps) {
  GraphBuilder g(13);
  g.Input("n", {}, {}, onnx::TensorProto::INT64)
      .IntConst("zero", {0}, true)
      .IntConst("one", {1}, true)
      .Add(Node("Range", {"zero", "n", "one"}, {"r"}))
      .Add(Node("Cast", {"r"}, {"f"}, {AttrI("to", kF)}))
      .Add(Node("Cos", {"f"}, {"c"}))
      .Weight("two", {})
      .Add(Node("Mul", {"c", "two"}, {"y"}));
  onnx::ValueInfoProto* y = g.model().mutable_graph()->add_output();
  y->set_name("y");
  y->mutable_type()->mutable_tensor_type()->set_elem_type(kF);
  y->mutable_type()->mutable_tensor_type()->mutable_shape()->add_dim()->set_dim_value(10);
  Inferred r = Infer(g.model(), {});
  EXPECT_EQ(r.values.at("c").dims, (Dims{10}));
  EXPECT_EQ(r.values.at("f").dims, (Dims{10}));
  EXPECT_EQ(r.values.at("r").dims, (Dims{10}));
}

// A data-dependent size takes its bound (NonZero of 4x4: at most 16 rows);
// what cannot be known stays unknown, without error or exception.
TEST(InferAllShapes, DataDependentShapesTakeTheirBound) {
  GraphBuilder g(14);
  g.Input("x", {4, 4})
      .Add(Node("NonZero", {"x"}, {"nz"}))
      .Add(Node("Transpose", {"nz"}, {"t"}))
      .Add(Node("Frobnicate", {"t"}, {"f"}))
      .Output("f");
  onnx::ModelProto& model = g.model();
  Inferred r = Infer(model, {});
  EXPECT_EQ(r.values.at("t").dims, (Dims{16, 2}));
  EXPECT_FALSE(r.values.at("f").has_shape);
  EXPECT_GT(r.stats.unknown_outputs, 0);
  EXPECT_LE(r.stats.onnx_rounds, 2);
}

}  // namespace
}  // namespace onnx_flops
