// Training memory (analyzer/training/training_memory.h) on small graphs
// worked out by hand, and on one GPT-2 block exported by PyTorch
// (tools/export_gpt_block.py) against Korthikanti et al. 2022's activation
// memory per layer.
#include "analyzer/training/training_memory.h"

#include <cmath>
#include <fstream>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "analyzer/analyze.h"
#include "analyzer/load/graph_order.h"
#include "analyzer/shapes/shape_propagation.h"
#include "analyzer/training/walk_testing.h"
#include "gtest/gtest.h"

namespace onnx_flops {
namespace {

// ---- Building graphs (as backward_test.cc) ----

void Value(onnx::ValueInfoProto* vi, const std::string& name, const Dims& dims,
           int32_t type = onnx::TensorProto::FLOAT) {
  vi->set_name(name);
  auto* t = vi->mutable_type()->mutable_tensor_type();
  t->set_elem_type(type);
  auto* shape = t->mutable_shape();
  for (int64_t d : dims) shape->add_dim()->set_dim_value(d);
}

void Weight(onnx::GraphProto* g, const std::string& name, const Dims& dims) {
  auto* t = g->add_initializer();
  t->set_name(name);
  t->set_data_type(onnx::TensorProto::FLOAT);
  for (int64_t d : dims) t->add_dims(d);
}

onnx::NodeProto* Node(onnx::GraphProto* g, const std::string& op,
                      const std::vector<std::string>& in, const std::string& out) {
  auto* n = g->add_node();
  n->set_op_type(op);
  n->set_name(out);
  for (const auto& i : in) n->add_input(i);
  n->add_output(out);
  return n;
}

onnx::ModelProto NewModel() {
  onnx::ModelProto m;
  m.set_ir_version(8);
  m.add_opset_import()->set_version(17);
  return m;
}

std::unique_ptr<Walked> Walk(onnx::ModelProto m) { return WalkModel(std::move(m)); }

std::set<std::string> Names(const SavedActivations& s) {
  std::set<std::string> names;
  for (const SavedTensor& t : s.tensors) names.insert(t.name);
  return names;
}

// x[4,16] -> MatMul W1[16,32] -> Relu -> MatMul W2[32,8] -> y[4,8].
// Trainable: 16*32 + 32*8 = 768. Saved: x (dW1 = x^T dh), the Relu's output
// r (Relu's own backward, and dW2 = r^T dy: one tensor, counted once);
// h (the Relu's input) is not kept, nor the weights. 4*16 + 4*32 = 192
// elements, 48 per example.
std::unique_ptr<Walked> Mlp() {
  onnx::ModelProto m = NewModel();
  onnx::GraphProto* g = m.mutable_graph();
  Value(g->add_input(), "x", {4, 16});
  Value(g->add_output(), "y", {4, 8});
  Weight(g, "W1", {16, 32});
  Weight(g, "W2", {32, 8});
  Node(g, "MatMul", {"x", "W1"}, "h");
  Node(g, "Relu", {"h"}, "r");
  Node(g, "MatMul", {"r", "W2"}, "y");
  return Walk(std::move(m));
}

constexpr double kMlpParams = 16 * 32 + 32 * 8;  // 768
constexpr double kMlpSaved = 4 * 16 + 4 * 32;    // 192 elements at batch 4

absl::StatusOr<TrainingMemory> MlpMemory(const TrainingMemoryOptions& o) {
  static const std::unique_ptr<Walked> w = Mlp();
  return ComputeTrainingMemory(w->model.graph(), w->values, w->walk.nodes, kMlpParams, 4, o);
}

TEST(TrainingMemory, MlpSavesTheInputAndTheReluOutputOnce) {
  std::unique_ptr<Walked> w = Mlp();
  SavedActivations s = SavedForBackward(w->model.graph(), w->values, w->walk.nodes, {}, 4);
  EXPECT_EQ(Names(s), (std::set<std::string>{"x", "r"}));
  EXPECT_EQ(s.bytes, kMlpSaved * 4);
  EXPECT_EQ(s.nodes_on_path, 3);
  EXPECT_EQ(s.unknown, 0);
  EXPECT_TRUE(s.unruled.empty());
  // At the element type (0): the same, fp32.
  EXPECT_EQ(SavedForBackward(w->model.graph(), w->values, w->walk.nodes, {}, 0).bytes,
            kMlpSaved * 4);
}

TEST(TrainingMemory, Fp32AdamIsSixteenBytesPerParameter) {
  absl::StatusOr<TrainingMemory> m = MlpMemory({});
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(m->precision(), "fp32 (the weights' element type)");
  EXPECT_EQ(m->weight_bytes(), kMlpParams * 4);
  EXPECT_EQ(m->gradient_bytes(), kMlpParams * 4);
  EXPECT_EQ(m->optimizer_bytes(), kMlpParams * 8);
  EXPECT_EQ(m->master_weight_bytes(), 0);
  EXPECT_EQ(m->weight_bytes() + m->gradient_bytes() + m->optimizer_bytes(), kMlpParams * 16);
  EXPECT_EQ(m->activation_bytes_per_example(), kMlpSaved * 4 / 4);  // 192 B
  EXPECT_EQ(m->batch(), 4);
  EXPECT_EQ(m->activation_bytes(), kMlpSaved * 4);
  EXPECT_EQ(m->total_bytes(), 768 * 16 + 768);  // 13,056
  EXPECT_EQ(m->chip_memory_bytes(), 0);
  EXPECT_EQ(m->max_batch(), 0);
  EXPECT_TRUE(absl::StrContains(m->note(), "adam assumed")) << m->note();
  EXPECT_TRUE(absl::StrContains(m->note(), "data parallel")) << m->note();
  EXPECT_TRUE(absl::StrContains(m->note(), "not included: framework workspace")) << m->note();
  EXPECT_TRUE(absl::StrContains(m->formula(), "total 13,056 B")) << m->formula();
}

TEST(TrainingMemory, MixedPrecisionAdamIsTwoTwoFourEight) {
  TrainingMemoryOptions o;
  o.precision = "fp16";
  o.optimizer = "adam";
  absl::StatusOr<TrainingMemory> m = MlpMemory(o);
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(m->precision(), "fp16 (--precision)");
  EXPECT_EQ(m->weight_bytes(), kMlpParams * 2);
  EXPECT_EQ(m->gradient_bytes(), kMlpParams * 2);
  EXPECT_EQ(m->master_weight_bytes(), kMlpParams * 4);
  EXPECT_EQ(m->optimizer_bytes(), kMlpParams * 8);
  // 2 + 2 + 4 + 8 = 16 bytes per parameter (ZeRO's 2 + 2 + 12).
  EXPECT_EQ(m->weight_bytes() + m->gradient_bytes() + m->master_weight_bytes() +
                m->optimizer_bytes(),
            kMlpParams * 16);
  EXPECT_EQ(m->activation_bytes_per_example(), kMlpSaved * 2 / 4);  // 96 B: 16-bit activations
  EXPECT_FALSE(absl::StrContains(m->note(), "assumed")) << m->note();
  o.precision = "bf16";
  EXPECT_EQ(MlpMemory(o)->master_weight_bytes(), kMlpParams * 4);
  o.precision = "tf32";  // stored as fp32: no master copy
  EXPECT_EQ(MlpMemory(o)->master_weight_bytes(), 0);
  EXPECT_EQ(MlpMemory(o)->weight_bytes(), kMlpParams * 4);
}

TEST(TrainingMemory, SgdAndMomentum) {
  TrainingMemoryOptions o;
  o.optimizer = "sgd";
  absl::StatusOr<TrainingMemory> sgd = MlpMemory(o);
  ASSERT_TRUE(sgd.ok()) << sgd.status();
  EXPECT_EQ(sgd->optimizer_bytes(), 0);
  EXPECT_EQ(sgd->total_bytes(), kMlpParams * (4 + 4) + kMlpSaved * 4);  // 6,912
  o.optimizer = "none";
  EXPECT_EQ(MlpMemory(o)->optimizer_bytes(), 0);
  o.optimizer = "momentum";
  EXPECT_EQ(MlpMemory(o)->optimizer_bytes(), kMlpParams * 4);
  EXPECT_EQ(MlpMemory(o)->total_bytes(), kMlpParams * (4 + 4 + 4) + kMlpSaved * 4);
  o.optimizer = "adamw";
  EXPECT_EQ(MlpMemory(o)->optimizer_bytes(), kMlpParams * 8);
  o.optimizer = "lion";
  EXPECT_FALSE(MlpMemory(o).ok());
  o.optimizer = "";
  o.precision = "fp64";
  EXPECT_FALSE(MlpMemory(o).ok());
}

TEST(TrainingMemory, MaxBatchOnAMadeUpChip) {
  TrainingMemoryOptions o;
  o.chip_memory_bytes = 20000;
  absl::StatusOr<TrainingMemory> m = MlpMemory(o);
  ASSERT_TRUE(m.ok()) << m.status();
  // floor((20,000 - 12,288) / 192) = floor(40.17) = 40.
  EXPECT_EQ(m->chip_memory_bytes(), 20000);
  EXPECT_EQ(m->max_batch(), 40);
  EXPECT_TRUE(absl::StrContains(m->formula(), "= 40")) << m->formula();
  // A batch of 64 does not fit: the note says so.
  o.batch = 64;
  m = MlpMemory(o);
  EXPECT_EQ(m->batch(), 64);
  EXPECT_EQ(m->activation_bytes(), 64 * 192);
  EXPECT_EQ(m->total_bytes(), 12288 + 64 * 192);
  EXPECT_EQ(m->max_batch(), 40);
  EXPECT_TRUE(absl::StrContains(m->note(), "batch 64 does not fit")) << m->note();
  // Below the fixed 12,288 B nothing fits.
  o.chip_memory_bytes = 10000;
  m = MlpMemory(o);
  EXPECT_EQ(m->max_batch(), 0);
  EXPECT_TRUE(absl::StrContains(m->note(), "do not fit")) << m->note();
}

TEST(TrainingMemory, FrozenFirstLayerNeedsItsWeightsButSavesLess) {
  std::unique_ptr<Walked> w = Mlp();
  TrainingMemoryOptions o;
  o.frozen = {"W1"};
  absl::StatusOr<TrainingMemory> m =
      ComputeTrainingMemory(w->model.graph(), w->values, w->walk.nodes, kMlpParams, 4, o);
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(m->weight_bytes(), kMlpParams * 4);  // W1 is still read
  EXPECT_EQ(m->gradient_bytes(), 256 * 4);
  EXPECT_EQ(m->optimizer_bytes(), 256 * 8);
  // No gradient reaches h: the Relu keeps nothing, the second MatMul keeps r.
  SavedActivations s = SavedForBackward(w->model.graph(), w->values, w->walk.nodes, {"W1"}, 4);
  EXPECT_EQ(Names(s), (std::set<std::string>{"r"}));
  EXPECT_EQ(m->activation_bytes(), 4 * 32 * 4);
  EXPECT_TRUE(absl::StrContains(m->note(), "512 frozen parameters")) << m->note();
  // Freezing by node name does the same.
  EXPECT_EQ(Names(SavedForBackward(w->model.graph(), w->values, w->walk.nodes, {"h"}, 4)),
            (std::set<std::string>{"r"}));
}

// x[2,8] -> MatMul Transpose(Wt)[8,8] -> h; s = Sigmoid(h); m = h * s (SiLU);
// a = m + x; p = Softmax(a); y = MatMul(p, W2[8,4]).
// Kept: x (dW), s (Sigmoid's output, and Mul's partner of h), h (Mul's
// partner of s), p (Softmax's output and the MatMul's operand for dW2: once).
// Not kept: Wt and its Transpose (weights), m and a (Add keeps nothing).
TEST(TrainingMemory, ConventionsPerOp) {
  onnx::ModelProto model = NewModel();
  onnx::GraphProto* g = model.mutable_graph();
  Value(g->add_input(), "x", {2, 8});
  Value(g->add_output(), "y", {2, 4});
  Weight(g, "Wt", {8, 8});
  Weight(g, "W2", {8, 4});
  Node(g, "Transpose", {"Wt"}, "W");
  Node(g, "MatMul", {"x", "W"}, "h");
  Node(g, "Sigmoid", {"h"}, "s");
  Node(g, "Mul", {"h", "s"}, "m");
  Node(g, "Add", {"m", "x"}, "a");
  Node(g, "Softmax", {"a"}, "p");
  Node(g, "MatMul", {"p", "W2"}, "y");
  std::unique_ptr<Walked> w = Walk(std::move(model));
  SavedActivations s = SavedForBackward(w->model.graph(), w->values, w->walk.nodes, {}, 2);
  EXPECT_EQ(Names(s), (std::set<std::string>{"x", "h", "s", "p"}));
  EXPECT_EQ(s.bytes, 4 * 16 * 2);  // 4 tensors of 16 elements at 2 bytes
}

// An op without a saved-tensor rule keeps its inputs, and the note names it.
TEST(TrainingMemory, UnknownOpKeepsItsInputs) {
  onnx::ModelProto model = NewModel();
  onnx::GraphProto* g = model.mutable_graph();
  Value(g->add_input(), "x", {2, 8});
  Weight(g, "W", {8, 8});
  Node(g, "MatMul", {"x", "W"}, "h");
  Node(g, "Foo", {"h"}, "y")->set_domain("com.example");
  Value(g->add_output(), "y", {2, 8});
  std::unique_ptr<Walked> w = Walk(std::move(model));
  SavedActivations s = SavedForBackward(w->model.graph(), w->values, w->walk.nodes, {}, 4);
  EXPECT_EQ(Names(s), (std::set<std::string>{"x", "h"}));
  EXPECT_EQ(s.unruled, std::vector<std::string>{"Foo"});
  absl::StatusOr<TrainingMemory> m =
      ComputeTrainingMemory(w->model.graph(), w->values, w->walk.nodes, 64, 2, {});
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_TRUE(absl::StrContains(m->note(), "no saved-tensor rule for Foo")) << m->note();
}

TEST(TrainingMemory, RecurrentIsALowerBound) {
  AnalyzeOptions o;
  o.training.examples = 12800;
  absl::StatusOr<Report> r =
      AnalyzeFile(std::string(ONNX_FLOPS_TESTDATA) + "/epoch_cnn_lstm.onnx", o);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(absl::StrContains(r->training().memory().note(), "per-step gates are not counted"))
      << r->training().memory().note();
}

// ---- A real export: one GPT-2 block, and Korthikanti et al. 2022 ----

constexpr double kS = 128, kB = 2, kH = 256, kA = 4;
constexpr double kSbh = kS * kB * kH;        // 65,536
constexpr double kAs2b = kA * kS * kS * kB;  // 131,072

// Korthikanti et al. 2022, section 4.1, bytes per layer at 16-bit
// activations and 1-byte dropout masks, no recomputation:
//   attention 11sbh + 5as^2b: QKV input 2sbh, Q and K 4sbh, softmax output
//     2as^2b, its dropout mask as^2b, dropout output 2as^2b and V 2sbh,
//     output-projection input 2sbh, dropout mask sbh;
//   MLP 19sbh: fc1 input 2sbh, GeLU input 8sbh, fc2 input 8sbh, mask sbh;
//   two LayerNorms 4sbh: their inputs.
constexpr double kKorthikanti = 34 * kSbh + 5 * kAs2b;  // 2,883,584

// Ours on the export (elements; x 2 bytes at 16 bits):
//   LayerNorms: x and x + attn (their inputs)                       2sbh
//   attention: ln_1 output (c_attn's input), q, k^T (the score
//     product's operands), v, the merged heads (c_proj's input)     5sbh
//     the softmax output (kept by Softmax and by P x V: once)       as^2b
//   MLP: ln_2 output (c_fc's input)                                  sbh
//     GeLU exported as x/sqrt2 -> Erf -> +1 -> x*() -> *0.5:
//     Erf's input x/sqrt2, Mul's operands x and 1+erf               12sbh
//     the GeLU output (the MLP c_proj's input)                     4sbh
//   = 24sbh + as^2b elements = 48sbh + 2as^2b bytes at 16 bits.
constexpr double kOurs16 = 2 * (2 * kSbh + 5 * kSbh + kAs2b + kSbh + 12 * kSbh + 4 * kSbh);

std::string GptBlock() { return std::string(ONNX_FLOPS_TESTDATA) + "/memory/gpt_block.onnx"; }

TEST(TrainingMemory, GptBlockAgainstKorthikanti) {
  EXPECT_EQ(kKorthikanti, 2883584);
  EXPECT_EQ(kOurs16, 48 * kSbh + 2 * kAs2b);
  EXPECT_EQ(kOurs16, 3407872);
  // Term by term: ours - theirs at 16 bits.
  const double dropout_masks = kSbh + kSbh + kAs2b;  // attention output, MLP output, softmax
  const double dropout_output = 2 * kAs2b;           // the softmax's dropout output
  const double gelu_decomposed = 2 * 8 * kSbh;       // 3 tensors of 4sbh instead of 1
  EXPECT_EQ(kOurs16 - kKorthikanti, gelu_decomposed - dropout_masks - dropout_output);

  AnalyzeOptions o;
  o.training.examples = 1000;
  absl::StatusOr<Report> fp32 = AnalyzeFile(GptBlock(), o);
  ASSERT_TRUE(fp32.ok()) << fp32.status();
  ASSERT_TRUE(fp32->training().has_memory());
  const TrainingMemory& m = fp32->training().memory();
  EXPECT_EQ(fp32->model().parameters(), 789760);  // 12h^2 + 13h
  EXPECT_EQ(fp32->forward().batch_size(), 2);
  EXPECT_EQ(m.precision(), "fp32 (the weights' element type)");
  EXPECT_EQ(m.weight_bytes() + m.gradient_bytes() + m.optimizer_bytes(), 789760.0 * 16);
  EXPECT_EQ(m.batch(), 2);
  // fp32 activations: 4 bytes each; scaled by 2/4 to 16 bits they are ours.
  EXPECT_EQ(m.activation_bytes(), 2 * kOurs16);
  EXPECT_EQ(m.activation_bytes() * 2 / 4, kOurs16);
  EXPECT_EQ(m.activation_bytes_per_example(), kOurs16);  // 4 bytes x elements / b = 2

  // At --precision fp16 the activations are 16-bit: ours directly.
  o.hardware.precision = "fp16";
  absl::StatusOr<Report> fp16 = AnalyzeFile(GptBlock(), o);
  ASSERT_TRUE(fp16.ok()) << fp16.status();
  const TrainingMemory& h = fp16->training().memory();
  EXPECT_EQ(h.activation_bytes(), kOurs16);
  EXPECT_EQ(h.weight_bytes() + h.gradient_bytes() + h.master_weight_bytes() +
                h.optimizer_bytes(),
            789760.0 * 16);
  EXPECT_EQ(h.total_bytes(), 789760.0 * 16 + kOurs16);
  EXPECT_NEAR(h.activation_bytes() / kKorthikanti, 1.1818, 1e-4);  // 3,407,872 / 2,883,584
}

TEST(TrainingMemory, GptBlockSavedTensors) {
  onnx::ModelProto model;
  std::ifstream in(GptBlock(), std::ios::binary);
  ASSERT_TRUE(model.ParseFromIstream(&in));  // weightless: dims only
  std::unique_ptr<Walked> w = Walk(std::move(model));
  SavedActivations s = SavedForBackward(w->model.graph(), w->values, w->walk.nodes, {}, 2);
  EXPECT_EQ(s.bytes, kOurs16);
  EXPECT_EQ(s.unknown, 0);
  EXPECT_TRUE(s.unruled.empty());
  EXPECT_EQ(Names(s), (std::set<std::string>{
                          "x", "/Add_output_0",                            // LayerNorm inputs
                          "/ln_1/LayerNormalization_output_0",             // c_attn input
                          "/attn/Transpose_output_0",                      // q
                          "/attn/Transpose_2_output_0",                    // k^T
                          "/attn/Softmax_output_0",                        // P
                          "/attn/Transpose_1_output_0",                    // v
                          "/attn/Reshape_3_output_0",                      // c_proj input
                          "/ln_2/LayerNormalization_output_0",             // c_fc input
                          "/mlp/c_fc/Add_output_0",                        // GeLU: x
                          "/mlp/gelu/Div_output_0",                        // x / sqrt 2
                          "/mlp/gelu/Add_output_0",                        // 1 + erf
                          "/mlp/gelu/Mul_1_output_0"}));                   // c_proj input
  // The causal mask is a constant (an initializer): not an activation.
  for (const SavedTensor& t : s.tensors) EXPECT_FALSE(absl::StrContains(t.name, "Where")) << t.name;
}

TEST(TrainingMemory, AResNet50BottleneckBlock) {
  // layer1.0 of torchvision's ResNet-50 (BatchNorm folded), fp32, batch 1. Its
  // convs keep their inputs (their weights need gradients), the Relus their
  // outputs, the Add nothing: the block input a [64, 56, 56] (read by conv1
  // and the downsample, kept once), relu's and relu_1's outputs (the next
  // convs' inputs too) and relu_2's [256, 56, 56]: 3 x 802,816 + 3,211,264.
  onnx::ModelProto model;
  std::ifstream in(std::string(ONNX_FLOPS_TESTDATA) + "/torchvision/resnet50.onnx",
                   std::ios::binary);
  ASSERT_TRUE(model.ParseFromIstream(&in));  // weightless: dims only
  std::unique_ptr<Walked> w = Walk(std::move(model));
  SavedActivations s = SavedForBackward(w->model.graph(), w->values, w->walk.nodes, {}, 4);
  std::set<std::string> block;
  double bytes = 0;
  for (const SavedTensor& t : s.tensors) {
    if (absl::StrContains(t.kept_by, "/layer1/layer1.0/")) {
      block.insert(t.name);
      bytes += t.bytes;
    }
  }
  EXPECT_EQ(block, (std::set<std::string>{"/maxpool/MaxPool_output_0",
                                          "/layer1/layer1.0/relu/Relu_output_0",
                                          "/layer1/layer1.0/relu_1/Relu_output_0",
                                          "/layer1/layer1.0/relu_2/Relu_output_0"}));
  EXPECT_EQ(bytes, 3 * 64.0 * 56 * 56 * 4 + 256.0 * 56 * 56 * 4);
}

TEST(TrainingMemory, GptBlockOnAChip) {
  AnalyzeOptions o;
  o.training.examples = 1000;
  o.hardware.hardware = "V100";  // 16 GB
  o.training.batch_size = 64;
  o.training.steps = 100;
  o.training.examples.reset();
  absl::StatusOr<Report> r = AnalyzeFile(GptBlock(), o);
  ASSERT_TRUE(r.ok()) << r.status();
  const TrainingMemory& m = r->training().memory();
  EXPECT_EQ(m.chip_memory_bytes(), 16e9);
  EXPECT_EQ(m.batch(), 64);
  EXPECT_EQ(m.activation_bytes(), 64 * kOurs16);  // fp32: 2 x kOurs16 per 2 examples
  const double fixed = 789760.0 * 16;
  EXPECT_EQ(m.max_batch(), static_cast<int64_t>(std::floor((16e9 - fixed) / kOurs16)));
  EXPECT_EQ(m.max_batch(), 4691);
}

TEST(TrainingMemory, FilledWheneverTrainingIs) {
  AnalyzeOptions o;
  o.training.examples = 60000;
  absl::StatusOr<Report> r =
      AnalyzeFile(std::string(ONNX_FLOPS_TESTDATA) + "/tiny_mlp.onnx", o);
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_TRUE(r->training().has_memory());
  const TrainingMemory& m = r->training().memory();
  EXPECT_GT(m.activation_bytes_per_example(), 0);
  EXPECT_EQ(m.total_bytes(), m.weight_bytes() + m.gradient_bytes() + m.optimizer_bytes() +
                                 m.master_weight_bytes() + m.activation_bytes());
  EXPECT_EQ(m.weight_bytes(), r->model().parameters() * 4);
}

}  // namespace
}  // namespace onnx_flops
