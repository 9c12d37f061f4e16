#include <string>

#include "gtest/gtest.h"
#include "rules/rule_testing.h"

namespace onnx_flops {
namespace {

using V = std::vector<int64_t>;
constexpr int32_t kFloat = onnx::TensorProto::FLOAT;

bool Mentions(const absl::Status& s, const std::string& text) {
  return std::string(s.message()).find(text) != std::string::npos;
}

TEST(ResizeRule, Bilinear2xUpsampleFpn) {
  // FPN top-down 2x upsample, 1x256x64x64 -> 1x256x128x128, mode linear, r = 2:
  // 2^(r+1)-1 = 7 per output (4 weight multiplies + 3 adds);
  // 256*128*128*7 = 29,360,128.
  auto c = NodeBuilder("Resize").Opset(13).Input({1, 256, 64, 64}).AbsentInput()
               .ConstInput({4}, {1, 1, 2, 2}, kFloat).Output({1, 256, 128, 128})
               .Attr("mode", "linear").Count();
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->vector_flops, 29360128.0);
  EXPECT_EQ(c->matmul_flops, 0.0);
  EXPECT_FALSE(c->data_movement);
  // Output unknown: floor(in*scale) from the constant scales, same count.
  auto s = NodeBuilder("Resize").Opset(13).Input({1, 256, 64, 64}).AbsentInput()
               .ConstInput({4}, {1, 1, 2, 2}, kFloat).UnknownOutput()
               .Attr("mode", "linear").Count();
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->vector_flops, 29360128.0);
  // Output unknown: from constant sizes (Resize-11: roi and scales empty tensors).
  auto z = NodeBuilder("Resize").Opset(11).Input({1, 256, 64, 64})
               .ConstInput({0}, {}, kFloat).ConstInput({0}, {}, kFloat)
               .ConstInput({4}, {1, 256, 128, 128}).UnknownOutput()
               .Attr("mode", "linear").Count();
  ASSERT_TRUE(z.ok()) << z.status();
  EXPECT_EQ(z->vector_flops, 29360128.0);
  // Cubic, r = 2: 2*4^2-1 = 31 per output; 256*128*128*31 = 130,023,424.
  auto cu = NodeBuilder("Resize").Opset(13).Input({1, 256, 64, 64}).AbsentInput()
                .ConstInput({4}, {1, 1, 2, 2}, kFloat).Output({1, 256, 128, 128})
                .Attr("mode", "cubic").Count();
  ASSERT_TRUE(cu.ok()) << cu.status();
  EXPECT_EQ(cu->vector_flops, 130023424.0);
}

TEST(ResizeRule, OnlyChangedAxesCount) {
  // Width-only resize 224 -> 112: r = 1, 3 per output; 3*224*112*3 = 225,792.
  auto c = NodeBuilder("Resize").Opset(13).Input({1, 3, 224, 224}).AbsentInput()
               .AbsentInput().ConstInput({4}, {1, 3, 224, 112}).UnknownOutput()
               .Attr("mode", "linear").Count();
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->vector_flops, 225792.0);
  // No axis changes: a copy, data movement.
  auto same = NodeBuilder("Resize").Opset(13).Input({1, 3, 224, 224}).AbsentInput()
                  .ConstInput({4}, {1, 1, 1, 1}, kFloat).Output({1, 3, 224, 224})
                  .Attr("mode", "linear").Count();
  ASSERT_TRUE(same.ok()) << same.status();
  EXPECT_TRUE(same->data_movement);
  EXPECT_EQ(same->flops(), 0.0);
}

TEST(ResizeRule, NearestIsDataMovement) {
  // YOLOv5 neck: nearest 2x, 1x256x20x20 -> 1x256x40x40.
  auto c = NodeBuilder("Resize").Opset(13).Input({1, 256, 20, 20}).AbsentInput()
               .ConstInput({4}, {1, 1, 2, 2}, kFloat).Output({1, 256, 40, 40})
               .Attr("mode", "nearest").Count();
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_TRUE(c->data_movement);
  EXPECT_EQ(c->flops(), 0.0);
  // Default mode is nearest.
  auto d = NodeBuilder("Resize").Opset(13).Input({1, 256, 20, 20}).AbsentInput()
               .ConstInput({4}, {1, 1, 2, 2}, kFloat).Output({1, 256, 40, 40}).Count();
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_TRUE(d->data_movement);
}

TEST(ResizeRule, Opset18AxesPolicyAndAntialias) {
  // axes [2,3] with scales [2,2]: 1x3x32x32 -> 1x3x64x64, 3*64*64*7 = 86,016.
  auto ax = NodeBuilder("Resize").Opset(18).Input({1, 3, 32, 32}).AbsentInput()
                .ConstInput({2}, {2, 2}, kFloat).UnknownOutput()
                .Attr("mode", "linear").Attr("axes", V{2, 3}).Count();
  ASSERT_TRUE(ax.ok()) << ax.status();
  EXPECT_EQ(ax->vector_flops, 86016.0);
  // not_smaller, sizes [6,6] on 3x5: scale = max(6/3, 6/5) = 2 -> 6x10;
  // 3*6*10*7 = 1,260.
  auto ns = NodeBuilder("Resize").Opset(18).Input({1, 3, 3, 5}).AbsentInput()
                .AbsentInput().ConstInput({2}, {6, 6}).UnknownOutput()
                .Attr("mode", "linear").Attr("axes", V{2, 3})
                .Attr("keep_aspect_ratio_policy", "not_smaller").Count();
  ASSERT_TRUE(ns.ok()) << ns.status();
  EXPECT_EQ(ns->vector_flops, 1260.0);
  // not_larger: scale = min(2, 1.2) = 1.2 -> round(3.6)=4 x round(6)=6;
  // 3*4*6*7 = 504.
  auto nl = NodeBuilder("Resize").Opset(18).Input({1, 3, 3, 5}).AbsentInput()
                .AbsentInput().ConstInput({2}, {6, 6}).UnknownOutput()
                .Attr("mode", "linear").Attr("axes", V{2, 3})
                .Attr("keep_aspect_ratio_policy", "not_larger").Count();
  ASSERT_TRUE(nl.ok()) << nl.status();
  EXPECT_EQ(nl->vector_flops, 504.0);
  // antialias halving 224 -> 112: linear taps stretched to ceil(2/0.5) = 4 per
  // axis, P = 16, 2*16-1 = 31 per output; 3*112*112*31 = 1,166,592.
  auto aa = NodeBuilder("Resize").Opset(18).Input({1, 3, 224, 224}).AbsentInput()
                .ConstInput({4}, {1, 1, 0.5, 0.5}, kFloat).Output({1, 3, 112, 112})
                .Attr("mode", "linear").Attr("antialias", 1).Count();
  ASSERT_TRUE(aa.ok()) << aa.status();
  EXPECT_EQ(aa->vector_flops, 1166592.0);
}

TEST(ResizeRule, Opset10ScalesInput) {
  // Resize-10: X, scales. 1x3x32x32 x [1,1,2,2] linear -> 3*64*64*7 = 86,016.
  auto c = NodeBuilder("Resize").Opset(10).Input({1, 3, 32, 32})
               .ConstInput({4}, {1, 1, 2, 2}, kFloat).UnknownOutput()
               .Attr("mode", "linear").Count();
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->vector_flops, 86016.0);
}

TEST(ResizeRule, FailurePaths) {
  // Output unknown, scales not constant: reason names the input.
  auto u = NodeBuilder("Resize").Opset(13).Input({1, 3, 32, 32}).AbsentInput()
               .Input({4}, kFloat).UnknownOutput().Attr("mode", "linear").Count();
  ASSERT_FALSE(u.ok());
  EXPECT_TRUE(Mentions(u.status(), "input 2")) << u.status();
  // Neither scales nor sizes.
  auto n = NodeBuilder("Resize").Opset(13).Input({1, 3, 32, 32}).AbsentInput()
               .AbsentInput().UnknownOutput().Attr("mode", "linear").Count();
  ASSERT_FALSE(n.ok());
  EXPECT_TRUE(Mentions(n.status(), "scales")) << n.status();
  // Unsupported mode.
  auto m = NodeBuilder("Resize").Opset(13).Input({1, 3, 32, 32}).AbsentInput()
               .ConstInput({4}, {1, 1, 2, 2}, kFloat).Output({1, 3, 64, 64})
               .Attr("mode", "area").Count();
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().code(), absl::StatusCode::kUnimplemented);
  // Unknown input shape with a symbolic dim.
  auto s = NodeBuilder("Resize").Opset(13).SymbolicInput({-1, 3, 32, 32}, {"batch", "", "", ""})
               .AbsentInput().ConstInput({4}, {1, 1, 2, 2}, kFloat).Count();
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(Mentions(s.status(), "batch")) << s.status();
  // Scales of the wrong length.
  EXPECT_FALSE(NodeBuilder("Resize").Opset(13).Input({1, 3, 32, 32}).AbsentInput()
                   .ConstInput({2}, {2, 2}, kFloat).UnknownOutput()
                   .Attr("mode", "linear").Count().ok());
}

TEST(UpsampleRule, LegacyModesAndOpsets) {
  // Upsample-7: scales is a FLOATS attribute (NodeBuilder has no setter for
  // it, so build the view by hand); legacy mode name "bilinear".
  // 1x3x32x32 -> 1x3x64x64: 3*64*64*7 = 86,016.
  onnx::NodeProto node;
  node.set_op_type("Upsample");
  node.add_input("x");
  node.add_output("y");
  auto* mode = node.add_attribute();
  mode->set_name("mode");
  mode->set_type(onnx::AttributeProto::STRING);
  mode->set_s("bilinear");
  auto* scales = node.add_attribute();
  scales->set_name("scales");
  scales->set_type(onnx::AttributeProto::FLOATS);
  for (float f : {1.0f, 1.0f, 2.0f, 2.0f}) scales->add_floats(f);
  TensorInfo x;
  x.name = "x";
  x.has_shape = true;
  x.dims = {1, 3, 32, 32};
  x.dim_names.assign(4, "");
  TensorInfo y;
  y.name = "y";
  NodeView view;
  view.node = &node;
  view.opset = 7;
  view.inputs = {&x};
  view.outputs = {&y};
  const Rule* rule = FindRule(DefaultRules(), "", "Upsample");
  ASSERT_NE(rule, nullptr);
  auto c7 = rule->count(view);
  ASSERT_TRUE(c7.ok()) << c7.status();
  EXPECT_EQ(c7->vector_flops, 86016.0);
  // Without a known output and without the scales attribute: missing attribute.
  auto m7 = NodeBuilder("Upsample").Opset(7).Input({1, 3, 32, 32}).UnknownOutput()
                .Attr("mode", "bilinear").Count();
  ASSERT_FALSE(m7.ok());
  EXPECT_TRUE(Mentions(m7.status(), "scales")) << m7.status();
  // Upsample-9: scales input; trilinear on 1x1x8x8x8 -> 16^3, r = 3:
  // 2^4-1 = 15 per output; 4096*15 = 61,440.
  auto c9 = NodeBuilder("Upsample").Opset(9).Input({1, 1, 8, 8, 8})
                .ConstInput({5}, {1, 1, 2, 2, 2}, kFloat).UnknownOutput()
                .Attr("mode", "linear").Count();
  ASSERT_TRUE(c9.ok()) << c9.status();
  EXPECT_EQ(c9->vector_flops, 61440.0);
  auto t9 = NodeBuilder("Upsample").Opset(9).Input({1, 1, 8, 8, 8})
                .ConstInput({5}, {1, 1, 2, 2, 2}, kFloat).UnknownOutput()
                .Attr("mode", "trilinear").Count();
  ASSERT_TRUE(t9.ok()) << t9.status();
  EXPECT_EQ(t9->vector_flops, 61440.0);
  // Upsample-1: height_scale / width_scale, "bilinear": 86,016 again.
  auto c1 = NodeBuilder("Upsample").Opset(1).Input({1, 3, 32, 32}).UnknownOutput()
                .Attr("mode", "bilinear").Attr("height_scale", 2.0f)
                .Attr("width_scale", 2.0f).Count();
  ASSERT_TRUE(c1.ok()) << c1.status();
  EXPECT_EQ(c1->vector_flops, 86016.0);
  // Nearest Upsample: data movement.
  auto nn = NodeBuilder("Upsample").Opset(9).Input({1, 256, 20, 20})
                .ConstInput({4}, {1, 1, 2, 2}, kFloat).UnknownOutput().Count();
  ASSERT_TRUE(nn.ok()) << nn.status();
  EXPECT_TRUE(nn->data_movement);
}

TEST(ResizeRule, GridSample) {
  // Bilinear on X [1, 3, 8, 8] at grid [1, 4, 5, 2]: Y [1, 3, 4, 5] = 60 outputs,
  // P = 2^2 = 4 taps, 2*4 - 1 = 7 per output: 420.
  auto c = NodeBuilder("GridSample").Opset(16).Input({1, 3, 8, 8}).Input({1, 4, 5, 2})
               .UnknownOutput().Count();
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->vector_flops, 420.0);
  EXPECT_EQ(c->matmul_flops, 0.0);
  // Volumetric linear (opset 20's default name): X [2, 4, 6, 6, 6], grid
  // [2, 3, 3, 3, 3]: Y [2, 4, 3, 3, 3] = 216 outputs, P = 2^3 = 8, 15 each: 3240.
  auto v = NodeBuilder("GridSample").Opset(20).Input({2, 4, 6, 6, 6}).Input({2, 3, 3, 3, 3})
               .UnknownOutput().Count();
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(v->vector_flops, 3240.0);
  // Bicubic, Y [1, 1, 2, 2] = 4 outputs, P = 4^2 = 16, 31 each: 124.
  auto cubic = NodeBuilder("GridSample").Opset(16).Attr("mode", "bicubic")
                   .Input({1, 1, 10, 10}).Input({1, 2, 2, 2}).Output({1, 1, 2, 2}).Count();
  ASSERT_TRUE(cubic.ok()) << cubic.status();
  EXPECT_EQ(cubic->vector_flops, 124.0);
  // Nearest copies: counted zero as data movement, not uncounted.
  auto nearest = NodeBuilder("GridSample").Opset(16).Attr("mode", "nearest")
                     .Input({1, 3, 8, 8}).Input({1, 4, 5, 2}).UnknownOutput().Count();
  ASSERT_TRUE(nearest.ok()) << nearest.status();
  EXPECT_TRUE(nearest->data_movement);
  EXPECT_EQ(nearest->flops(), 0.0);
  // A grid whose rank does not match X's is an error, not a guess.
  EXPECT_FALSE(NodeBuilder("GridSample").Opset(16).Input({1, 3, 8, 8}).Input({1, 4, 2})
                   .UnknownOutput().Count().ok());
  EXPECT_FALSE(NodeBuilder("GridSample").Opset(16).Attr("mode", "area").Input({1, 3, 8, 8})
                   .Input({1, 4, 5, 2}).UnknownOutput().Count().ok());
}

TEST(ResizeRule, GridSampleShape) {
  // Y = [N, C] + the grid's middle dims: [1, 3, 4, 5].
  NodeBuilder b("GridSample");
  b.Opset(16).Input({1, 3, 8, 8}).Input({1, 4, 5, 2});
  auto out = b.Propagate();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ((*out)[0].dims, (Dims{1, 3, 4, 5}));
  EXPECT_EQ((*out)[0].elem_type, onnx::TensorProto::FLOAT);
  // The grid unknown: the type is all it can say.
  NodeBuilder u("GridSample");
  u.Opset(16).Input({1, 3, 8, 8}).UnknownInput();
  auto unknown = u.Propagate();
  ASSERT_TRUE(unknown.ok()) << unknown.status();
  EXPECT_FALSE((*unknown)[0].has_shape);
}

TEST(UpsampleRule, TwoScalesForFourDims) {
  // starry-night-fp16.onnx: Upsample-7 with scales [2, 2] for [1, 128, 56, 56]
  // (the spec wants 4 values): taken as the height and width scales, output
  // [1, 128, 112, 112]; nearest is data movement; a warning says so.
  NodeBuilder b("Upsample");
  b.Opset(7).Attr("scales", std::vector<float>{2.0f, 2.0f}).Input({1, 128, 56, 56})
      .UnknownOutput();
  auto y = b.Propagate();
  ASSERT_TRUE(y.ok()) << y.status();
  EXPECT_EQ((*y)[0].dims, (Dims{1, 128, 112, 112}));
  auto c = b.Count();
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_TRUE(c->data_movement);
  EXPECT_NE(c->warning.find("scales has 2 values"), std::string::npos);
  // Bilinear: numel(Y)*(2*4-1) = 1,605,632*7 = 11,239,424.
  auto linear = NodeBuilder("Upsample").Opset(7).Attr("mode", "linear")
                    .Attr("scales", std::vector<float>{2.0f, 2.0f}).Input({1, 128, 56, 56})
                    .UnknownOutput().Count();
  ASSERT_TRUE(linear.ok()) << linear.status();
  EXPECT_EQ(linear->vector_flops, 11239424.0);
}

}  // namespace
}  // namespace onnx_flops
