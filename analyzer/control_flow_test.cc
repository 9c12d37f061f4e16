// Loop/Scan/If bodies x their trip counts, recurrence x sequence length, and
// the sequence-aware training figures, end to end on testdata/ models whose
// counts tools/make_testdata.py works out by hand.
#include <string>

#include "analyzer/analyze.h"
#include "analyzer/shapes/onnx_isolation.h"
#include "gtest/gtest.h"

namespace onnx_flops {
namespace {

std::string Data(const std::string& name) { return std::string(ONNX_FLOPS_TESTDATA) + "/" + name; }

Report Analyze(const std::string& name, const AnalyzeOptions& options = {}) {
  absl::StatusOr<Report> r = AnalyzeFile(Data(name), options);
  EXPECT_TRUE(r.ok()) << r.status();
  return r.ok() ? *r : Report();
}

const NodeCost* Node(const Report& r, const std::string& path) {
  for (const auto& n : r.forward().nodes()) {
    if (n.node() == path) return &n;
  }
  return nullptr;
}

bool Warned(const Report& r, const std::string& text) {
  for (const auto& w : r.warnings()) {
    if (w.find(text) != std::string::npos) return true;
  }
  return false;
}

AnalyzeOptions PerNode() {
  AnalyzeOptions o;
  o.per_node = true;
  return o;
}

TEST(ControlFlow, LoopWithConstantTripsIsTenTimesTheBody) {
  // Body: MatMul [4,8] x [8,8] = 2*4*8*8 = 512 FLOP; M = 10.
  const Report r = Analyze("loop_matmul.onnx", PerNode());
  EXPECT_EQ(r.forward().matmul_flops(), 10 * 512.0);
  EXPECT_EQ(r.forward().macs(), 10 * 256.0);
  EXPECT_EQ(r.model().nodes(), 1);
  EXPECT_EQ(r.model().subgraph_nodes(), 2);
  EXPECT_EQ(r.forward().coverage().nodes(), 3);
  EXPECT_EQ(r.forward().coverage().uncounted(), 0);
  const NodeCost* mm = Node(r, "loop/body/body_mm");
  ASSERT_NE(mm, nullptr);
  EXPECT_EQ(mm->flops(), 5120.0);
  EXPECT_NE(mm->detail().find("x10"), std::string::npos) << mm->detail();
  const NodeCost* loop = Node(r, "loop");
  ASSERT_NE(loop, nullptr);
  EXPECT_EQ(loop->flops(), 0.0);  // its cost is its body's nodes
  EXPECT_NE(loop->detail().find("M=10"), std::string::npos) << loop->detail();
}

TEST(ControlFlow, ScanOverSevenSteps) {
  // Per step: MatMul [4,8]x[8,8] = 512 + Add of [4,8] = 32; 7 steps.
  const Report r = Analyze("scan_matmul.onnx");
  EXPECT_EQ(r.forward().matmul_flops(), 7 * 512.0);
  EXPECT_EQ(r.forward().vector_flops(), 7 * 32.0);
  EXPECT_EQ(r.forward().flops(), 3808.0);
}

TEST(ControlFlow, NestedLoopsMultiplyBothTripCounts) {
  // Outer M=3, inner M=5 (a Constant inside the outer body), MatMul [2,4]x[4,4] = 64.
  const Report r = Analyze("nested_loop.onnx", PerNode());
  EXPECT_EQ(r.forward().flops(), 3 * 5 * 64.0);
  const NodeCost* mm = Node(r, "outer_loop/body/inner_loop/body/inner_mm");
  ASSERT_NE(mm, nullptr);
  EXPECT_EQ(mm->flops(), 960.0);
}

TEST(ControlFlow, IfTakesTheConstantBranchOrTheLargerOne) {
  // then: MatMul [4,8]x[8,8] = 512; else: Add of [4,8] = 32.
  const Report c = Analyze("if_const.onnx", PerNode());
  EXPECT_EQ(c.forward().flops(), 512.0);
  EXPECT_NE(Node(c, "if/then_branch/then_mm"), nullptr);
  EXPECT_FALSE(Warned(c, "condition"));
  const Report d = Analyze("if_dynamic.onnx", PerNode());
  EXPECT_EQ(d.forward().flops(), 512.0);
  EXPECT_TRUE(Warned(d, "the condition is not a known constant")) << d.DebugString();
  EXPECT_EQ(Node(d, "if/else_branch/else_add"), nullptr);  // the branch not counted is not listed
}

TEST(ControlFlow, DynamicTripCountNeedsLoopTrips) {
  const Report once = Analyze("loop_dynamic.onnx");
  EXPECT_EQ(once.forward().flops(), 512.0);
  EXPECT_TRUE(Warned(once, "--loop-trips loop=N"));
  AnalyzeOptions o;
  o.loop_trips = {{"loop", 10}};
  const Report ten = Analyze("loop_dynamic.onnx", o);
  EXPECT_EQ(ten.forward().flops(), 5120.0);
  EXPECT_FALSE(Warned(ten, "--loop-trips"));
}

// The CNN-LSTM-FCN example of Sevilla et al. 2022, weights absent. Per
// sequence of 20 images of 400x400x5 (batch 1):
//   conv 2*16*200*200*5*25 = 1.6e8 per image x 20 = 3.2e9, bias 640,000 x 20;
//   LSTM (H=256, I=640000) per step 2*4*256*(640000+256) = 1,311,244,288 matmul
//     + 7,680 vector (4H products add, 8H biases, 3H sigmoids x4, 2H tanh, 4H cell/out)
//     x 20 steps;
//   FC 2*256*10 = 5120 + bias 10.
constexpr double kEpochConv = 20 * 160000000.0;
constexpr double kEpochLstmStep = 2.0 * 4 * 256 * (640000 + 256);
constexpr double kEpochMatmul = kEpochConv + 20 * kEpochLstmStep + 5120;
constexpr double kEpochVector = 20 * 640000.0 + 20 * 7680.0 + 10;

TEST(Recurrence, EpochCnnLstmExample) {
  AnalyzeOptions o;
  o.training.examples = 100 * 128;  // 100 batches of 128 sequences per epoch
  o.training.epochs = 10;
  const Report r = Analyze("epoch_cnn_lstm.onnx", o);
  EXPECT_EQ(r.forward().matmul_flops(), kEpochMatmul);  // 29,424,890,880
  EXPECT_EQ(r.forward().vector_flops(), kEpochVector);  // 12,953,610
  EXPECT_NEAR(r.forward().flops_per_example(), 2.94e10, 0.01e10);
  EXPECT_EQ(r.forward().sequence_length(), 20);
  EXPECT_EQ(r.forward().flops_per_token(), (kEpochMatmul + kEpochVector) / 20);
  EXPECT_EQ(r.training().flops(), (kEpochMatmul + kEpochVector) * 3 * 12800 * 10);
  EXPECT_NEAR(r.training().flops(), 1.13e16, 0.01e16);
}

TEST(Recurrence, TokensConvertToSequences) {
  // 256,000 tokens of 20-step sequences = 12,800 sequences.
  AnalyzeOptions o;
  o.training.tokens = 256000;
  o.training.epochs = 10;
  const Report r = Analyze("epoch_cnn_lstm.onnx", o);
  EXPECT_EQ(r.training().examples(), 12800.0);
  EXPECT_EQ(r.training().tokens(), 256000.0);
  EXPECT_EQ(r.training().sequence_length(), 20);
  EXPECT_EQ(r.training().flops(), (kEpochMatmul + kEpochVector) * 3 * 12800 * 10);
  EXPECT_NE(r.training().formula().find("256,000 tokens / 20 tokens per sequence"),
            std::string::npos)
      << r.training().formula();
  AnalyzeOptions both = o;
  both.training.examples = 5;
  EXPECT_FALSE(AnalyzeFile(Data("epoch_cnn_lstm.onnx"), both).ok());
  // A model with no time axis cannot convert tokens.
  AnalyzeOptions cnn;
  cnn.training.tokens = 1e6;
  auto no_seq = AnalyzeFile(Data("small_cnn.onnx"), cnn);
  ASSERT_FALSE(no_seq.ok());
  EXPECT_NE(no_seq.status().message().find("--seq-dim"), std::string::npos);
}

TEST(Recurrence, StepsPerExampleMultipliesASingleStepExport) {
  // tiny_mlp as if it were one decoder step: an example of 7 steps costs 7 passes.
  AnalyzeOptions o;
  o.steps_per_example = 7;
  const Report r = Analyze("tiny_mlp.onnx", o);
  EXPECT_EQ(r.forward().flops_per_example(), 7 * 407100.0);
  EXPECT_EQ(r.forward().sequence_length(), 7);
  EXPECT_EQ(r.forward().flops_per_token(), 407100.0);
}

TEST(Recurrence, SeqDimFlagNamesTheTimeAxis) {
  AnalyzeOptions o;
  o.seq_dim = "images:1";  // [batch, 20, 5, 400, 400]: axis 1 is the 20 frames
  const Report r = Analyze("epoch_cnn_lstm.onnx", o);
  EXPECT_EQ(r.forward().sequence_length(), 20);
  EXPECT_EQ(r.forward().sequence_dim().reason(), "chosen with --seq-dim");
  AnalyzeOptions bad;
  bad.seq_dim = "nope";
  EXPECT_FALSE(AnalyzeFile(Data("epoch_cnn_lstm.onnx"), bad).ok());
}

}  // namespace
}  // namespace onnx_flops

namespace onnx_flops {
namespace {

// torch 1.13 exports of nn.LSTM/GRU/RNN (tools/validate_rnn.py: seq 12,
// batch 3, input 32, hidden 64, weights stripped). Reference: the sum of the
// aten::addmm FLOPs torch.profiler reports for the module's CPU forward (one
// input projection + one recurrence addmm per step, per layer and direction),
// equal to the formula sum over layers 2*gates*H*(I_l+H)*seq*batch*dirs.
struct TorchRnnCase {
  const char* file;
  double profiler_matmul_flops;
};

class TorchRnnTest : public ::testing::TestWithParam<TorchRnnCase> {};

TEST_P(TorchRnnTest, MatMulClassMatchesProfiler) {
  const TorchRnnCase& c = GetParam();
  const Report r = Analyze(std::string("torch/rnn/") + c.file);
  EXPECT_EQ(r.forward().coverage().uncounted(), 0);
  EXPECT_NEAR(r.forward().matmul_flops(), c.profiler_matmul_flops, 0.01 * c.profiler_matmul_flops);
  // The batch is axis 1 of [seq, batch, input] (axis 0 with batch_first), not the 12 steps.
  EXPECT_EQ(r.forward().batch_size(), 3);
  EXPECT_EQ(r.forward().sequence_length(), 12);
}

INSTANTIATE_TEST_SUITE_P(
    Exports, TorchRnnTest,
    ::testing::Values(TorchRnnCase{"lstm_1l.onnx", 1769472.0},
                      TorchRnnCase{"lstm_2l_bf.onnx", 4128768.0},
                      TorchRnnCase{"lstm_bi_1l.onnx", 3538944.0},
                      TorchRnnCase{"lstm_bi_1l_bf_opset14.onnx", 3538944.0},
                      TorchRnnCase{"lstm_bi_2l_bf.onnx", 10616832.0},
                      TorchRnnCase{"gru_1l.onnx", 1327104.0},
                      TorchRnnCase{"gru_2l_bf.onnx", 3096576.0},
                      TorchRnnCase{"gru_bi_1l.onnx", 2654208.0},
                      TorchRnnCase{"gru_bi_2l_bf.onnx", 7962624.0},
                      TorchRnnCase{"rnn_1l.onnx", 442368.0},
                      TorchRnnCase{"rnn_2l_bf.onnx", 1032192.0},
                      TorchRnnCase{"rnn_bi_1l.onnx", 884736.0},
                      TorchRnnCase{"rnn_bi_2l_bf.onnx", 2654208.0}));

TEST(TorchRnn, OneLayerLstmByHand) {
  // 2*4*64*(32+64) = 49,152 per step per row; x 12 steps x 3 rows = 1,769,472.
  const Report r = Analyze("torch/rnn/lstm_1l.onnx");
  EXPECT_EQ(r.forward().matmul_flops(), 2.0 * 4 * 64 * (32 + 64) * 12 * 3);
}

// Bodies whose shapes come from the enclosing graph (tools/make_subgraph_testdata.py
// works the counts out): our propagators run inside them, outer scopes visible.
TEST(ControlFlow, ABranchShapedFromTheOuterScopeIsCounted) {
  // then: Reshape(x [1, 512], from Shape of the outer x) -> [1, 8, 64], Pad -> [1, 10, 64],
  // MatMul with the outer W [64, 32]: 2*10*64*32 = 40,960; + Equal 1.
  const Report r = Analyze("subgraph_if_outer_scope.onnx", PerNode());
  EXPECT_EQ(r.forward().flops(), 40961.0);
  EXPECT_EQ(r.forward().coverage().uncounted(), 0);
  const NodeCost* pad = Node(r, "if/then_branch/pad");
  ASSERT_NE(pad, nullptr);
  EXPECT_EQ(pad->output_shape(), "1x10x64");
}

TEST(ControlFlow, LoopStateTakesItsShapeFromTheLoopsInput) {
  // h [4, 16] x W [16, 16] per trip: 2*4*16*16 = 2,048, 3 trips: 6,144.
  const Report r = Analyze("subgraph_loop_state.onnx");
  EXPECT_EQ(r.forward().flops(), 6144.0);
  EXPECT_EQ(r.forward().coverage().uncounted(), 0);
}

TEST(ControlFlow, BodyShapesNeedNoOnnxInference) {
  // With ONNX's inference off, our propagation alone shapes the bodies: the Scan
  // body sees one slice, x_t [2, 8] x W [8, 8] = 256 + Add 16 per step, 5 steps:
  // 1,360; the Loop's state and the If branch as above.
  OnnxHelperOptions off;
  off.enabled = false;
  ConfigureOnnxHelper(off);
  const Report scan = Analyze("subgraph_scan_slices.onnx");
  const Report loop = Analyze("subgraph_loop_state.onnx");
  const Report branch = Analyze("subgraph_if_outer_scope.onnx");
  ConfigureOnnxHelper(OnnxHelperOptions{});
  EXPECT_EQ(scan.forward().flops(), 1360.0);
  EXPECT_EQ(scan.forward().coverage().uncounted(), 0);
  EXPECT_EQ(loop.forward().flops(), 6144.0);
  EXPECT_EQ(branch.forward().flops(), 40961.0);
}

TEST(ControlFlow, AValueGivenForTheConditionPicksTheBranch) {
  // If(sr == 16000): sr = 8000 selects else (Reshape to [1, 8, 64], MatMul [64, 32]:
  // 2*8*64*32 = 32,768, + Equal 1); sr = 16000 selects then (40,961). No warning.
  AnalyzeOptions o;
  o.bindings.values = {{"sr", {8000}}};
  const Report low = Analyze("subgraph_if_outer_scope.onnx", o);
  EXPECT_EQ(low.forward().flops(), 32769.0);
  EXPECT_FALSE(Warned(low, "not a known constant"));
  ASSERT_EQ(low.bound_values_size(), 1);
  EXPECT_EQ(low.bound_values(0).name(), "sr");
  EXPECT_EQ(low.bound_values(0).values(), "8000");
  EXPECT_EQ(low.bound_values(0).shape(), "scalar");
  // The value's initializer is not a parameter, nor counted among the initializers.
  EXPECT_EQ(low.model().initializers(), Analyze("subgraph_if_outer_scope.onnx").model().initializers());
  o.bindings.values = {{"sr", {16000}}};
  EXPECT_EQ(Analyze("subgraph_if_outer_scope.onnx", o).forward().flops(), 40961.0);
  EXPECT_EQ(low.forward().flops_low(), 0.0);  // no range: the branch is known
  // Without a value: the larger branch, with a warning naming both costs, and
  // the range from the cheaper branch (32,768 + Equal 1) to the counted one.
  const Report unknown = Analyze("subgraph_if_outer_scope.onnx");
  EXPECT_TRUE(Warned(unknown, "not a known constant"));
  EXPECT_TRUE(Warned(unknown, "(then_branch 40960 FLOP, else_branch 32768 FLOP;"));
  EXPECT_EQ(unknown.forward().flops(), 40961.0);
  EXPECT_EQ(unknown.forward().flops_low(), 32769.0);
  // A value that does not fit is a one-line error.
  o.bindings.values = {{"sr", {1, 2}}};
  EXPECT_FALSE(AnalyzeFile(Data("subgraph_if_outer_scope.onnx"), o).ok());
}

TEST(ControlFlow, ShapesLeaveAnIfAndALoop) {
  // tools/make_subgraph_testdata.py: the If's branches give y [1, 10, 32] and
  // [1, 8, 32], then a MatMul by W2 [32, 16] outside. Condition unknown: the
  // upper pass follows the larger dim, 40,960 + 1 + 2*10*32*16 = 51,201; the
  // low pass the smaller, 32,768 + 1 + 2*8*32*16 = 40,961.
  const Report unknown = Analyze("subgraph_if_downstream.onnx");
  EXPECT_EQ(unknown.forward().coverage().uncounted(), 0);
  EXPECT_EQ(unknown.forward().flops(), 51201.0);
  EXPECT_EQ(unknown.forward().flops_low(), 40961.0);
  // Condition known (sr = 8000: else): the output takes the else branch's shape.
  AnalyzeOptions o;
  o.bindings.values = {{"sr", {8000}}};
  const Report known = Analyze("subgraph_if_downstream.onnx", o);
  EXPECT_EQ(known.forward().flops(), 40961.0);
  EXPECT_EQ(known.forward().flops_low(), 0.0);
  // The Loop's final state keeps its initial [4, 16] for a MatMul by [16, 8]
  // (2*4*16*8 = 1,024) and its scan output is [M = 3, 4, 16], summed over the
  // trips (2 adds per output element, 128): 6,144 + 1,024 + 128 = 7,296.
  const Report loop = Analyze("subgraph_loop_downstream.onnx");
  EXPECT_EQ(loop.forward().coverage().uncounted(), 0);
  EXPECT_EQ(loop.forward().flops(), 7296.0);
}

TEST(ControlFlow, ALoopThatMayStopEarlyIsARange) {
  // tools/make_subgraph_testdata.py: M = 10, the body's condition Less(i, 3)
  // is computed: 2,048 (MatMul [4,16]x[16,16]) + 1 (Less) per trip. Upper end
  // 10 trips = 20,490; low end 1 trip (the first condition is true) = 2,049.
  const Report r = Analyze("subgraph_loop_early_exit.onnx");
  EXPECT_EQ(r.forward().flops(), 20490.0);
  EXPECT_EQ(r.forward().flops_low(), 2049.0);
  ASSERT_EQ(r.forward().bounds_size(), 1);
  EXPECT_EQ(r.forward().bounds(0).op_type(), "Loop");
  EXPECT_NE(r.forward().bounds(0).bound().find("at most M = 10 trips"), std::string::npos);
  // A condition handed on unchanged is no bound: loop_matmul runs its M exactly.
  const Report fixed = Analyze("loop_matmul.onnx");
  EXPECT_EQ(fixed.forward().bounds_size(), 0);
  EXPECT_EQ(fixed.forward().flops_low(), 0.0);
}

TEST(ControlFlow, GreedySearchRunsItsDecoderPerToken) {
  // tools/make_subgraph_testdata.py: prompt [2, 3], max_length 6. The prompt
  // run (seq 3, past 0): scores 2*2*3*3*8 = 288 + lm_head 2*2*3*8*20 = 1,920;
  // then seq 1 at past 3 (128 + 640) and past 4 (160 + 640): 3,776 in all.
  // min_length 1 forces only the prompt run: 2,208 at the low end.
  const Report r = Analyze("subgraph_greedy_search.onnx");
  EXPECT_EQ(r.forward().coverage().uncounted(), 0);
  EXPECT_EQ(r.forward().matmul_flops(), 3776.0);
  EXPECT_EQ(r.forward().flops_low(), 2208.0);
  ASSERT_EQ(r.forward().bounds_size(), 1);
  EXPECT_NE(r.forward().bounds(0).bound().find("at most 3 decoding steps"), std::string::npos);
  // max_length as a graph input: uncounted, naming the flag; --max-length 6 counts it.
  const Report open = Analyze("subgraph_greedy_search_open.onnx");
  ASSERT_EQ(open.forward().uncounted_size(), 1);
  EXPECT_NE(open.forward().uncounted(0).reason().find("--max-length N"), std::string::npos);
  AnalyzeOptions o;
  o.max_length = 6;
  EXPECT_EQ(Analyze("subgraph_greedy_search_open.onnx", o).forward().matmul_flops(), 3776.0);
}

TEST(ControlFlow, ATorchScriptIfOnTheSampleRate) {
  // tools/export_torch_control_flow.py: sr == 16000 reshapes x [1, 512] to [1, 8, 64]
  // (the shape from the outer scope) for a Linear 64 -> 32: 32,768 + 256 bias; else
  // pads to [1, 9, 64]: 36,864 + 288, + the pad's Mul and Sub; + Equal 1.
  const Report unknown = Analyze("torch/vad_if_script.onnx");
  EXPECT_EQ(unknown.forward().coverage().uncounted(), 0);
  EXPECT_EQ(unknown.forward().flops(), 37155.0);
  EXPECT_EQ(unknown.forward().flops_low(), 33025.0);
  AnalyzeOptions o;
  o.bindings.values = {{"sr", {16000}}};
  const Report at16k = Analyze("torch/vad_if_script.onnx", o);
  EXPECT_EQ(at16k.forward().flops(), 33025.0);
  EXPECT_EQ(at16k.forward().matmul_flops(), 32768.0);
  o.bindings.values = {{"sr", {8000}}};
  EXPECT_EQ(Analyze("torch/vad_if_script.onnx", o).forward().flops(), 37155.0);
}

}  // namespace
}  // namespace onnx_flops
