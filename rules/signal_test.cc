// DFT, STFT, the windows and MelWeightMatrix against counts worked out by
// hand from the formulas in rules/signal.cc.
#include "gtest/gtest.h"
#include "rules/rule_testing.h"

namespace onnx_flops {
namespace {

TEST(SignalRule, DftReal) {
  // onnx's test_dft: X [1, 10, 10, 1] real, axis 1: N = L = K = 10, rows =
  // 100/10 = 10. MACs = 10 rows * 10 taps * 10 bins * 2 = 2,000; FLOPs 4,000.
  NodeBuilder b("DFT");
  b.Opset(17).Attr("axis", 1).Input({1, 10, 10, 1}).UnknownOutput();
  auto c = b.Count();
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->macs, 2000.0);
  EXPECT_EQ(c->matmul_flops, 4000.0);
  EXPECT_EQ(c->vector_flops, 0.0);
  auto y = b.Propagate();
  ASSERT_TRUE(y.ok()) << y.status();
  EXPECT_EQ((*y)[0].dims, (Dims{1, 10, 10, 2}));
}

TEST(SignalRule, DftComplexInverseAndLength) {
  // X [2, 16, 2] complex, inverse, axis 1: rows 2, N = L = K = 16; MACs =
  // 2*16*16*4 = 2,048 (matmul 4,096); the 1/L scaling of Y [2, 16, 2] = 64.
  auto inv = NodeBuilder("DFT").Opset(17).Attr("inverse", 1).Input({2, 16, 2})
                 .UnknownOutput().Count();
  ASSERT_TRUE(inv.ok()) << inv.status();
  EXPECT_EQ(inv->matmul_flops, 4096.0);
  EXPECT_EQ(inv->vector_flops, 64.0);
  // Real X [3, 100, 1], dft_length 64 (truncates), onesided: K = 33, taps
  // min(100, 64) = 64; MACs = 3*64*33*2 = 12,672.
  NodeBuilder b("DFT");
  b.Opset(17).Attr("onesided", 1).Input({3, 100, 1}).ConstInput({}, {64}).UnknownOutput();
  auto one = b.Count();
  ASSERT_TRUE(one.ok()) << one.status();
  EXPECT_EQ(one->macs, 12672.0);
  auto y = b.Propagate();
  ASSERT_TRUE(y.ok()) << y.status();
  EXPECT_EQ((*y)[0].dims, (Dims{3, 33, 2}));
  // dft_length 128 pads: only the 100 samples meet the 128 bins: 3*100*128*2 = 76,800 MACs.
  auto pad = NodeBuilder("DFT").Opset(17).Input({3, 100, 1}).ConstInput({}, {128})
                 .UnknownOutput().Count();
  ASSERT_TRUE(pad.ok()) << pad.status();
  EXPECT_EQ(pad->macs, 76800.0);
  // Opset 20: axis is input 2, default -2 (the last signal axis). X [1, 4, 6, 1]:
  // axis -2 = axis 2, N = 6, rows = 4: 4*6*6*2 = 288 MACs.
  auto o20 = NodeBuilder("DFT").Opset(20).Input({1, 4, 6, 1}).UnknownOutput().Count();
  ASSERT_TRUE(o20.ok()) << o20.status();
  EXPECT_EQ(o20->macs, 288.0);
  // An unknown dft_length is uncounted, by name.
  auto unknown = NodeBuilder("DFT").Opset(17).Input({1, 8, 1}).UnknownInput().UnknownOutput().Count();
  EXPECT_FALSE(unknown.ok());
  // The batch axis is not a signal axis.
  EXPECT_FALSE(NodeBuilder("DFT").Opset(17).Attr("axis", 0).Input({1, 8, 1}).UnknownOutput()
                   .Count().ok());
}

TEST(SignalRule, Stft) {
  // onnxruntime's stft_no_window: signal [1, 16, 1], frame_step 4, frame_length 4,
  // onesided: frames = (16-4)/4 + 1 = 4, K = 3; MACs = 1*4*4*3*2 = 96.
  NodeBuilder b("STFT");
  b.Opset(17).Input({1, 16, 1}).ConstInput({}, {4}).AbsentInput().ConstInput({}, {4})
      .UnknownOutput();
  auto c = b.Count();
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->macs, 96.0);
  EXPECT_EQ(c->matmul_flops, 192.0);
  EXPECT_EQ(c->vector_flops, 0.0);
  auto y = b.Propagate();
  ASSERT_TRUE(y.ok()) << y.status();
  EXPECT_EQ((*y)[0].dims, (Dims{1, 4, 3, 2}));
  // With a window [400] over [2, 16000, 1], step 160, two-sided: frames =
  // (16000-400)/160 + 1 = 98, K = 400: MACs = 2*98*400*400*2 = 62,720,000;
  // window multiplies 2*98*400 = 78,400.
  auto w = NodeBuilder("STFT").Opset(17).Attr("onesided", 0).Input({2, 16000, 1})
               .ConstInput({}, {160}).Input({400}).UnknownOutput().Count();
  ASSERT_TRUE(w.ok()) << w.status();
  EXPECT_EQ(w->macs, 62720000.0);
  EXPECT_EQ(w->vector_flops, 78400.0);
  // A negative frame_step (onnxruntime's stft_negative_frame_step) is refused.
  EXPECT_FALSE(NodeBuilder("STFT").Opset(17).Input({1, 16, 1}).ConstInput({}, {-2})
                   .AbsentInput().ConstInput({}, {4}).UnknownOutput().Count().ok());
  // frame_step unknown and no output shape: uncounted.
  EXPECT_FALSE(NodeBuilder("STFT").Opset(17).Input({1, 128, 1}).UnknownInput().AbsentInput()
                   .ConstInput({}, {8}).UnknownOutput().Count().ok());
}

TEST(SignalRule, Windows) {
  // size 10: 8*10 + 6 = 86 for each of the three; output [10].
  for (const char* op : {"HannWindow", "HammingWindow", "BlackmanWindow"}) {
    NodeBuilder b(op);
    b.Opset(17).ConstInput({}, {10}, onnx::TensorProto::INT32).UnknownOutput();
    auto c = b.Count();
    ASSERT_TRUE(c.ok()) << op << ": " << c.status();
    EXPECT_EQ(c->vector_flops, 86.0) << op;
    auto y = b.Propagate();
    ASSERT_TRUE(y.ok()) << y.status();
    EXPECT_EQ((*y)[0].dims, (Dims{10}));
  }
  // The size from the output's length when the input is not a constant: [512] -> 4,102.
  auto out = NodeBuilder("HannWindow").Opset(17).UnknownInput().Output({512}).Count();
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->vector_flops, 4102.0);
  // Neither: uncounted, naming --value.
  auto unknown = NodeBuilder("HannWindow").Opset(17).Input({}, onnx::TensorProto::INT32)
                     .UnknownOutput().Count();
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("--value"), std::string::npos);
}

TEST(SignalRule, MelWeightMatrix) {
  // Data generation; the shape is ONNX's (analyzer/shapes tests it).
  NodeBuilder b("MelWeightMatrix");
  b.Opset(17).ConstInput({}, {8}).ConstInput({}, {16}).ConstInput({}, {8192})
      .ConstInput({}, {0}, onnx::TensorProto::FLOAT).ConstInput({}, {4096}, onnx::TensorProto::FLOAT)
      .UnknownOutput();
  auto c = b.Count();
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_TRUE(c->data_movement);
  EXPECT_EQ(c->flops(), 0.0);
}

}  // namespace
}  // namespace onnx_flops
