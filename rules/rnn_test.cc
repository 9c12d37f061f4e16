#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "rules/rule_testing.h"

namespace onnx_flops {
namespace {

using Strings = std::vector<std::string>;


// Counts `b` with the `activations` attribute added.
absl::StatusOr<Cost> WithActs(NodeBuilder& b, const Strings& acts) {
  return b.Attr("activations", acts).Count();
}
absl::StatusOr<Cost> WithActs(NodeBuilder&& b, const Strings& acts) { return WithActs(b, acts); }

// A node X [seq, batch, I], W [dirs, gates*H, I], R [dirs, gates*H, H], B.
NodeBuilder Recurrent(const std::string& op, int64_t gates, int64_t seq, int64_t batch,
                      int64_t in, int64_t hidden, int64_t dirs, bool bias = true) {
  NodeBuilder b(op);
  b.Input({seq, batch, in})
      .Input({dirs, gates * hidden, in})
      .Input({dirs, gates * hidden, hidden});
  if (bias) b.Input({dirs, 2 * gates * hidden});
  b.Attr("hidden_size", hidden);
  if (dirs == 2) b.Attr("direction", "bidirectional");
  return b;
}

TEST(LstmRule, EpochCnnLstmExample) {
  // The Epoch report's LSTM over the flattened 640000-vector, 256 units,
  // 20 steps, batch 1, with biases.
  // matmul per step: 2*4*256*(640000+256) = 2048*640256 = 1,311,244,288;
  // x 20 steps = 26,224,885,760.
  // vector per step (H=256): add products 4H=1024 + biases 8H=2048
  // + activations Sigmoid 4*3H=3072, Tanh H=256, Tanh H=256 + cell update 3H=768
  // + output H=256 -> 7680; x 20 = 153,600.
  auto c = Recurrent("LSTM", 4, 20, 1, 640000, 256, 1).Count();
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->matmul_flops, 20.0 * 1311244288);
  EXPECT_EQ(c->matmul_flops, 26224885760.0);
  EXPECT_EQ(c->macs, 13112442880.0);
  EXPECT_EQ(c->vector_flops, 153600.0);
  EXPECT_TRUE(absl::StrContains(c->detail, "seq=20 x batch=1")) << c->detail;
  EXPECT_TRUE(absl::StrContains(c->detail, "2*4*256*(640000+256) = 1311244288")) << c->detail;
  EXPECT_TRUE(absl::StrContains(c->detail, "vector 7680")) << c->detail;
}

TEST(LstmRule, BidirectionalTorchShapes) {
  // nn.LSTM(32, 64, bidirectional=True), seq 12, batch 3: 36 rows, 2 dirs.
  // matmul per step: 2*4*64*(32+64) = 49,152; 36*2*49152 = 3,538,944.
  // vector per dir (H=64): 4H + 8H + (12H + H + H) + 4H = 30H = 1920;
  // 36*2*1920 = 138,240.
  auto c = Recurrent("LSTM", 4, 12, 3, 32, 64, 2).Count();
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->matmul_flops, 3538944.0);
  EXPECT_EQ(c->vector_flops, 138240.0);
  EXPECT_TRUE(absl::StrContains(c->detail, "dirs=2")) << c->detail;
}

TEST(LstmRule, ReverseIsOneDirection) {
  // direction=reverse: same as forward, 36 rows * 49,152 = 1,769,472.
  auto c = Recurrent("LSTM", 4, 12, 3, 32, 64, 1).Attr("direction", "reverse").Count();
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->matmul_flops, 1769472.0);
}

TEST(LstmRule, BatchFirstLayoutOpset14) {
  // layout=1: X [batch=3, seq=12, I=32]. sequence_lens [12, 12, 6] has one
  // value per batch row: rows = 30; matmul 30*49152 = 1,474,560.
  auto c = NodeBuilder("LSTM").Opset(14)
               .Input({3, 12, 32}).Input({1, 256, 32}).Input({1, 256, 64}).Input({1, 512})
               .ConstInput({3}, {12, 12, 6}, onnx::TensorProto::INT32)
               .Attr("hidden_size", 64).Attr("layout", 1).Count();
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->matmul_flops, 1474560.0);
  // vector 30H = 1920 per row: 30*1920 = 57,600.
  EXPECT_EQ(c->vector_flops, 57600.0);
  // Without layout=1 the same X is seq=3, batch=12: 3 lengths for batch 12.
  auto wrong = NodeBuilder("LSTM").Opset(14)
                   .Input({3, 12, 32}).Input({1, 256, 32}).Input({1, 256, 64}).Input({1, 512})
                   .ConstInput({3}, {12, 12, 6}, onnx::TensorProto::INT32)
                   .Attr("hidden_size", 64).Count();
  EXPECT_FALSE(wrong.ok());
  // Before opset 14 there is no layout attribute: X is [seq, batch, I]; X [12, 3, 32]
  // at opset 13 gives the padded 36 rows: 36*49152 = 1,769,472.
  auto old = Recurrent("LSTM", 4, 12, 3, 32, 64, 1).Opset(13).Attr("layout", 1).Count();
  ASSERT_TRUE(old.ok()) << old.status();
  EXPECT_EQ(old->matmul_flops, 1769472.0);
}

TEST(LstmRule, PeepholesAndClip) {
  // LSTM with P [1, 3H] at input 7 and clip=3: H=64, 36 rows.
  // vector per row: 30H + peepholes 6H + clip 2*4H=8H = 44H = 2816; 36*2816 = 101,376.
  auto c = Recurrent("LSTM", 4, 12, 3, 32, 64, 1)
               .AbsentInput().AbsentInput().AbsentInput()  // sequence_lens, initial_h, initial_c
               .Input({1, 192})
               .Attr("clip", 3.0f).Count();
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->matmul_flops, 1769472.0);  // unchanged
  EXPECT_EQ(c->vector_flops, 101376.0);
  EXPECT_TRUE(absl::StrContains(c->detail, "peepholes")) << c->detail;
  EXPECT_TRUE(absl::StrContains(c->detail, "clip")) << c->detail;
}

TEST(LstmRule, SequenceLensConstantVersusDynamic) {
  // seq 12, batch 3, lengths [12, 7, 3]: 22 rows instead of 36.
  // matmul 22*49152 = 1,081,344; vector (no B) per row 4H+14H+4H = 22H = 1408,
  // 22*1408 = 30,976.
  auto c = Recurrent("LSTM", 4, 12, 3, 32, 64, 1, /*bias=*/false)
               .AbsentInput()
               .ConstInput({3}, {12, 7, 3}, onnx::TensorProto::INT32).Count();
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->matmul_flops, 1081344.0);
  EXPECT_EQ(c->vector_flops, 30976.0);
  EXPECT_TRUE(absl::StrContains(c->detail, "sum(sequence_lens)=22")) << c->detail;
  // A sequence_lens computed at run time: the padded 36 rows, said in detail.
  auto d = Recurrent("LSTM", 4, 12, 3, 32, 64, 1, /*bias=*/false)
               .AbsentInput().Input({3}, onnx::TensorProto::INT32).Count();
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->matmul_flops, 1769472.0);
  EXPECT_TRUE(absl::StrContains(d->detail, "sequence_lens is dynamic: padded length 12 used"))
      << d->detail;
  // Bidirectional with lengths: both directions run 22 steps: 2*22*49152 = 2,162,688.
  auto b = Recurrent("LSTM", 4, 12, 3, 32, 64, 2)
               .ConstInput({3}, {12, 7, 3}, onnx::TensorProto::INT32).Count();
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_EQ(b->matmul_flops, 2162688.0);
}

TEST(LstmRule, CustomActivationsPerDirection) {
  // Forward (defaults) Sigmoid,Tanh,Tanh: 12H+H+H = 14H; reverse Relu, LeakyRelu,
  // Softplus: 1*3H + 2*H + 3*H = 8H. Other terms (no B) 4H + 4H per direction.
  // H=64, 36 rows: forward 22H = 1408, reverse 16H = 1024; 36*(1408+1024) = 87,552.
  auto c = WithActs(Recurrent("LSTM", 4, 12, 3, 32, 64, 2, /*bias=*/false)
               , Strings{"Sigmoid", "Tanh", "Tanh", "Relu", "LeakyRelu",
                                            "Softplus"});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->vector_flops, 87552.0);
  EXPECT_TRUE(absl::StrContains(c->detail, "vector forward 1408")) << c->detail;
  EXPECT_TRUE(absl::StrContains(c->detail, "vector reverse 1024")) << c->detail;
  // Forward only: HardSigmoid, Softsign, Elu = 3*3H + 3H + 4H = 16H; + 8H = 24H = 1536;
  // 36*1536 = 55,296. Case does not matter (onnxruntime lower-cases the names).
  auto f = WithActs(Recurrent("LSTM", 4, 12, 3, 32, 64, 1, /*bias=*/false)
               , Strings{"hardsigmoid", "Softsign", "Elu"});
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_EQ(f->vector_flops, 55296.0);
  // One list of 3 for a bidirectional node serves both directions: 2*55,296.
  auto both = WithActs(Recurrent("LSTM", 4, 12, 3, 32, 64, 2, /*bias=*/false)
                  , Strings{"HardSigmoid", "Softsign", "Elu"});
  ASSERT_TRUE(both.ok()) << both.status();
  EXPECT_EQ(both->vector_flops, 110592.0);
}

TEST(LstmRule, HiddenSizeFromWeights) {
  // No hidden_size: H = R dim 2 = 64; same as the attribute (36*49152).
  auto c = NodeBuilder("LSTM").Input({12, 3, 32}).Input({1, 256, 32}).Input({1, 256, 64})
               .Count();
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->matmul_flops, 1769472.0);
  EXPECT_TRUE(absl::StrContains(c->detail, "H=64 (R dim 2)")) << c->detail;
  // R's shape unknown: W dim 1 / 4 = 256/4 = 64.
  auto w = NodeBuilder("LSTM").Input({12, 3, 32}).Input({1, 256, 32}).UnknownInput().Count();
  ASSERT_TRUE(w.ok()) << w.status();
  EXPECT_EQ(w->matmul_flops, 1769472.0);
  // Neither: a reason, not a zero.
  auto none = NodeBuilder("LSTM").Input({12, 3, 32}).UnknownInput().UnknownInput().Count();
  ASSERT_FALSE(none.ok());
  EXPECT_TRUE(absl::StrContains(std::string(none.status().message()), "hidden_size"))
      << none.status();
}

TEST(LstmRule, OldOpsetsCountTheSame) {
  // Opset 1 (output_sequence) and 7: 36*49152 = 1,769,472.
  for (int64_t opset : {1, 7}) {
    auto c = Recurrent("LSTM", 4, 12, 3, 32, 64, 1).Opset(opset)
                 .Attr("output_sequence", 1).Count();
    ASSERT_TRUE(c.ok()) << c.status();
    EXPECT_EQ(c->matmul_flops, 1769472.0) << "opset " << opset;
  }
}

TEST(LstmRule, FailurePaths) {
  // Symbolic sequence length: the reason names the dim.
  auto s = NodeBuilder("LSTM").SymbolicInput({-1, 1, 32}, {"seq", "", ""})
               .Input({1, 256, 32}).Input({1, 256, 64}).Attr("hidden_size", 64).Count();
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(absl::StrContains(std::string(s.status().message()), "seq")) << s.status();
  // Unknown X.
  EXPECT_FALSE(NodeBuilder("LSTM").UnknownInput().Input({1, 256, 32}).Input({1, 256, 64})
                   .Count().ok());
  // Bad direction.
  auto d = Recurrent("LSTM", 4, 12, 3, 32, 64, 1).Attr("direction", "sideways").Count();
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.status().code(), absl::StatusCode::kInvalidArgument);
  // Unknown activation name.
  auto a = WithActs(Recurrent("LSTM", 4, 12, 3, 32, 64, 1)
               , Strings{"Sigmoid", "Gelu", "Tanh"});
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.status().code(), absl::StatusCode::kUnimplemented);
  EXPECT_TRUE(absl::StrContains(std::string(a.status().message()), "Gelu")) << a.status();
  // Wrong number of activations.
  EXPECT_FALSE(WithActs(Recurrent("LSTM", 4, 12, 3, 32, 64, 1)
                   , Strings{"Sigmoid", "Tanh"}).ok());
  // Bidirectional node with one-direction weights.
  auto w = Recurrent("LSTM", 4, 12, 3, 32, 64, 1).Attr("direction", "bidirectional").Count();
  ASSERT_FALSE(w.ok());
  EXPECT_EQ(w.status().code(), absl::StatusCode::kInvalidArgument);
  // hidden_size disagrees with R; X's input size disagrees with W.
  EXPECT_FALSE(NodeBuilder("LSTM").Input({12, 3, 32}).Input({1, 256, 32})
                   .Input({1, 256, 64}).Attr("hidden_size", 32).Count().ok());
  EXPECT_FALSE(NodeBuilder("LSTM").Input({12, 3, 16}).Input({1, 256, 32})
                   .Input({1, 256, 64}).Attr("hidden_size", 64).Count().ok());
  // A length longer than the sequence.
  EXPECT_FALSE(Recurrent("LSTM", 4, 12, 3, 32, 64, 1)
                   .ConstInput({3}, {13, 1, 1}, onnx::TensorProto::INT32).Count().ok());
  // Rank-2 X.
  EXPECT_FALSE(NodeBuilder("LSTM").Input({12, 32}).Input({1, 256, 32}).Input({1, 256, 64})
                   .Count().ok());
}

TEST(GruRule, BothLinearBeforeResetModes) {
  // nn.GRU(32, 64), seq 12, batch 3: matmul per step 2*3*64*(32+64) = 36,864;
  // 36 rows: 1,327,104.
  // vector per row: 3H add + 6H biases + (Sigmoid 4*2H + Tanh H = 9H) + reset product H
  // + update 4H = 23H = 1472; 36*1472 = 52,992. linear_before_reset only moves Rbh.
  for (int64_t lbr : {0, 1}) {
    auto c = Recurrent("GRU", 3, 12, 3, 32, 64, 1).Attr("linear_before_reset", lbr).Count();
    ASSERT_TRUE(c.ok()) << c.status();
    EXPECT_EQ(c->matmul_flops, 1327104.0) << lbr;
    EXPECT_EQ(c->macs, 663552.0) << lbr;
    EXPECT_EQ(c->vector_flops, 52992.0) << lbr;
  }
}

TEST(GruRule, BidirectionalClipAndCustomActivations) {
  // DeepSpeech-like GRU: I=1024, H=512, bidirectional, seq 100, batch 1, clip, no B,
  // activations forward [HardSigmoid, Tanh], reverse [Sigmoid, Relu].
  // matmul 100*2*(2*3*512*1536) = 100*2*4,718,592 = 943,718,400.
  // forward per row: 3H + clip 6H + (3*2H + H = 7H) + 5H = 21H = 10,752;
  // reverse: 3H + 6H + (4*2H + H = 9H) + 5H = 23H = 11,776; 100*(10752+11776) = 2,252,800.
  auto c = WithActs(Recurrent("GRU", 3, 100, 1, 1024, 512, 2, /*bias=*/false)
               .Attr("clip", 5.0f)
               , Strings{"HardSigmoid", "Tanh", "Sigmoid", "Relu"});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->matmul_flops, 943718400.0);
  EXPECT_EQ(c->vector_flops, 2252800.0);
}

TEST(GruRule, OpsetsAndHiddenFromR) {
  // Opset 1 GRU (no linear_before_reset) and opset 3, hidden size from R [1, 192, 64]:
  // 36*36864 = 1,327,104.
  for (int64_t opset : {1, 3, 7, 22}) {
    auto c = NodeBuilder("GRU").Opset(opset).Input({12, 3, 32}).Input({1, 192, 32})
                 .Input({1, 192, 64}).Count();
    ASSERT_TRUE(c.ok()) << c.status();
    EXPECT_EQ(c->matmul_flops, 1327104.0) << opset;
  }
  EXPECT_FALSE(WithActs(Recurrent("GRU", 3, 12, 3, 32, 64, 1)
                   , Strings{"Sigmoid", "Tanh", "Tanh"}).ok());
}

TEST(RnnRule, ElmanTanhAndCustom) {
  // nn.RNN(32, 64), seq 12, batch 3: matmul 2*64*(32+64) = 12,288 per row; 36 rows:
  // 442,368. vector per row: H add + 2H biases + Tanh H = 4H = 256; 36*256 = 9,216.
  auto c = Recurrent("RNN", 1, 12, 3, 32, 64, 1).Count();
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->matmul_flops, 442368.0);
  EXPECT_EQ(c->vector_flops, 9216.0);
  // Sigmoid: H + 2H + 4H = 7H = 448; 36*448 = 16,128. Bidirectional with [Relu, Sigmoid]
  // and clip: forward H+2H+2H+H = 6H, reverse H+2H+2H+4H = 9H: 36*15*64 = 34,560.
  auto s = WithActs(Recurrent("RNN", 1, 12, 3, 32, 64, 1), Strings{"Sigmoid"});
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->vector_flops, 16128.0);
  auto b = WithActs(Recurrent("RNN", 1, 12, 3, 32, 64, 2).Attr("clip", 1.0f)
               , Strings{"Relu", "Sigmoid"});
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_EQ(b->matmul_flops, 2.0 * 442368);
  EXPECT_EQ(b->vector_flops, 34560.0);
  // layout=1 at opset 14: X [batch=3, seq=12, 32], sequence_lens dynamic -> 36 rows.
  auto l = NodeBuilder("RNN").Opset(14).Input({3, 12, 32}).Input({1, 64, 32})
               .Input({1, 64, 64}).AbsentInput().Input({3}, onnx::TensorProto::INT32)
               .Attr("layout", 1).Count();
  ASSERT_TRUE(l.ok()) << l.status();
  EXPECT_EQ(l->matmul_flops, 442368.0);
  EXPECT_TRUE(absl::StrContains(l->detail, "padded length 12")) << l->detail;
}

}  // namespace
}  // namespace onnx_flops
