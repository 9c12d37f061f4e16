// The window geometry against sizes worked out by hand from the ONNX spec's
// formulas (rules/window.h).
#include "rules/window.h"

#include "gtest/gtest.h"
#include "rules/rule_testing.h"

namespace onnx_flops {
namespace {

absl::StatusOr<Window> Read(const NodeBuilder& b, size_t spatial, Dims kernel) {
  return ReadWindow(b.View(), spatial, std::move(kernel));
}

TEST(Window, DefaultsAreStrideOneNoPadding) {
  NodeBuilder b("MaxPool");
  auto w = Read(b, 2, {3, 3});
  ASSERT_TRUE(w.ok()) << w.status();
  EXPECT_EQ(w->strides, (Dims{1, 1}));
  EXPECT_EQ(w->dilations, (Dims{1, 1}));
  EXPECT_EQ(w->pads, (Dims{0, 0, 0, 0}));
  EXPECT_EQ(w->auto_pad, "NOTSET");
  // floor((10 - 3) / 1) + 1 = 8.
  EXPECT_EQ(ForwardWindowSize(*w, 0, 10)->size, 8);
}

TEST(Window, ResNetStemConvAndPool) {
  // Conv 7x7 stride 2 pads 3 on 224: floor((224 + 6 - 7) / 2) + 1 = 112.
  NodeBuilder conv("Conv");
  conv.Attr("strides", std::vector<int64_t>{2, 2}).Attr("pads", std::vector<int64_t>{3, 3, 3, 3});
  auto w = Read(conv, 2, {7, 7});
  ASSERT_TRUE(w.ok()) << w.status();
  EXPECT_EQ(*ForwardWindowDims(*w, {224, 224}), (Dims{112, 112}));
  // MaxPool 3x3 stride 2 pads 1 on 112: floor((112 + 2 - 3) / 2) + 1 = 56.
  NodeBuilder pool("MaxPool");
  pool.Attr("strides", std::vector<int64_t>{2, 2}).Attr("pads", std::vector<int64_t>{1, 1, 1, 1});
  auto p = Read(pool, 2, {3, 3});
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(*ForwardWindowDims(*p, {112, 112}), (Dims{56, 56}));
}

TEST(Window, DilationWidensTheKernel) {
  // k = 3, d = 2: (3 - 1) * 2 + 1 = 5; floor((10 - 5) / 1) + 1 = 6.
  NodeBuilder b("Conv");
  b.Attr("dilations", std::vector<int64_t>{2});
  auto w = Read(b, 1, {3});
  ASSERT_TRUE(w.ok()) << w.status();
  EXPECT_EQ(ForwardWindowSize(*w, 0, 10)->size, 6);
}

TEST(Window, SameAndValidAutoPad) {
  // SAME_UPPER: ceil(15 / 2) = 8, whatever the kernel.
  NodeBuilder same("Conv");
  same.Attr("auto_pad", "SAME_UPPER").Attr("strides", std::vector<int64_t>{2});
  auto w = Read(same, 1, {5});
  ASSERT_TRUE(w.ok()) << w.status();
  EXPECT_EQ(ForwardWindowSize(*w, 0, 15)->size, 8);
  // VALID ignores the pads given: floor((5 - 3) / 1) + 1 = 3, not 5.
  NodeBuilder valid("Conv");
  valid.Attr("auto_pad", "VALID").Attr("pads", std::vector<int64_t>{1, 1});
  auto v = Read(valid, 1, {3});
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(v->pads, (Dims{0, 0}));
  EXPECT_EQ(ForwardWindowSize(*v, 0, 5)->size, 3);
}

TEST(Window, CeilModeDropsAWindowStartingInThePadding) {
  // in 4, k 2, s 2, pads 0/1: span = 4 + 1 - 2 = 3; ceil(3 / 2) + 1 = 3
  // windows, but the third would start at 4 >= in + pad_begin = 4: 2 (opset
  // 19), 3 by the older convention.
  NodeBuilder b("MaxPool");
  b.Attr("ceil_mode", 1).Attr("strides", std::vector<int64_t>{2}).Attr(
      "pads", std::vector<int64_t>{0, 1});
  auto w = Read(b, 1, {2});
  ASSERT_TRUE(w.ok()) << w.status();
  auto s = ForwardWindowSize(*w, 0, 4);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->size, 2);
  EXPECT_EQ(s->alt, 3);
  // No ambiguity on 112 (k 3, s 2, pads 1/1): ceil(111 / 2) + 1 = 57, last start 112 < 113.
  NodeBuilder c("MaxPool");
  c.Attr("ceil_mode", 1).Attr("strides", std::vector<int64_t>{2}).Attr(
      "pads", std::vector<int64_t>{1, 1});
  auto cw = Read(c, 1, {3});
  ASSERT_TRUE(cw.ok()) << cw.status();
  EXPECT_EQ(ForwardWindowSize(*cw, 0, 112)->size, 57);
  EXPECT_EQ(ForwardWindowSize(*cw, 0, 112)->alt, 57);
}

TEST(Window, UnknownInputDimStaysUnknown) {
  NodeBuilder b("AveragePool");
  auto w = Read(b, 2, {2, 2});
  ASSERT_TRUE(w.ok()) << w.status();
  EXPECT_EQ(*ForwardWindowDims(*w, {-1, 8}), (Dims{-1, 7}));
}

TEST(Window, TransposedSizes) {
  // s*(in-1) + output_padding + ((k-1)*d + 1) - pads = 2*6 + 1 + 4 - 2 = 15.
  NodeBuilder b("ConvTranspose");
  b.Attr("strides", std::vector<int64_t>{2}).Attr("pads", std::vector<int64_t>{1, 1});
  auto w = Read(b, 1, {4});
  ASSERT_TRUE(w.ok()) << w.status();
  EXPECT_EQ(*TransposedWindowSize(*w, 0, 7, 1), 15);
  // SAME_*: in * s = 14.
  NodeBuilder same("ConvTranspose");
  same.Attr("strides", std::vector<int64_t>{2}).Attr("auto_pad", "SAME_LOWER");
  auto sw = Read(same, 1, {4});
  ASSERT_TRUE(sw.ok()) << sw.status();
  EXPECT_EQ(*TransposedWindowSize(*sw, 0, 7, 0), 14);
  // 1*(1-1) + 0 + 1 - 10 < 1: no output.
  NodeBuilder cut("ConvTranspose");
  cut.Attr("pads", std::vector<int64_t>{5, 5});
  auto cw = Read(cut, 1, {1});
  ASSERT_TRUE(cw.ok()) << cw.status();
  EXPECT_FALSE(TransposedWindowSize(*cw, 0, 1, 0).ok());
}

TEST(Window, HostileAttributesAreErrors) {
  NodeBuilder zero("Conv");
  zero.Attr("strides", std::vector<int64_t>{0});
  EXPECT_FALSE(Read(zero, 1, {3}).ok());
  NodeBuilder huge("Conv");
  huge.Attr("pads", std::vector<int64_t>{INT64_MAX, 0});
  EXPECT_FALSE(Read(huge, 1, {3}).ok());
  NodeBuilder counts("Conv");
  counts.Attr("pads", std::vector<int64_t>{1, 1, 1});
  EXPECT_FALSE(Read(counts, 1, {3}).ok());
  NodeBuilder mode("Conv");
  mode.Attr("auto_pad", "SAME_MIDDLE");
  EXPECT_EQ(Read(mode, 1, {3}).status().code(), absl::StatusCode::kUnimplemented);
  // A kernel of 2^30 dilated 2^30 is a window beyond 2^40.
  NodeBuilder wide("Conv");
  wide.Attr("dilations", std::vector<int64_t>{int64_t{1} << 30});
  EXPECT_FALSE(Read(wide, 1, {int64_t{1} << 30}).ok());
  // The padded input smaller than the window: 2 + 0 < 5.
  NodeBuilder small("Conv");
  auto w = Read(small, 1, {5});
  ASSERT_TRUE(w.ok()) << w.status();
  EXPECT_FALSE(ForwardWindowSize(*w, 0, 2).ok());
}

}  // namespace
}  // namespace onnx_flops
