// The per-op backward model on small graphs whose backward passes are worked
// out by hand: the graphs go through the real shape inference and walker.
#include "analyzer/training/backward.h"

#include <memory>
#include <string>
#include <vector>

#include "analyzer/load/graph_order.h"
#include "analyzer/shapes/shape_propagation.h"
#include "analyzer/training/walk_testing.h"
#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace onnx_flops {
namespace {

// ---- Building graphs ----

void Value(onnx::ValueInfoProto* vi, const std::string& name, const Dims& dims,
           int32_t type = onnx::TensorProto::FLOAT) {
  vi->set_name(name);
  auto* t = vi->mutable_type()->mutable_tensor_type();
  t->set_elem_type(type);
  auto* shape = t->mutable_shape();
  for (int64_t d : dims) shape->add_dim()->set_dim_value(d);
}

onnx::TensorProto* Weight(onnx::GraphProto* g, const std::string& name, const Dims& dims,
                          int32_t type = onnx::TensorProto::FLOAT) {
  auto* t = g->add_initializer();
  t->set_name(name);
  t->set_data_type(type);
  for (int64_t d : dims) t->add_dims(d);
  return t;
}

onnx::NodeProto* Node(onnx::GraphProto* g, const std::string& op,
                      const std::vector<std::string>& in, const std::string& out,
                      const std::string& name = "") {
  auto* n = g->add_node();
  n->set_op_type(op);
  n->set_name(name.empty() ? out : name);
  for (const auto& i : in) n->add_input(i);
  n->add_output(out);
  return n;
}

void Ints(onnx::NodeProto* n, const std::string& name, const std::vector<int64_t>& v) {
  auto* a = n->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INTS);
  for (int64_t x : v) a->add_ints(x);
}

void Int(onnx::NodeProto* n, const std::string& name, int64_t v) {
  auto* a = n->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INT);
  a->set_i(v);
}

onnx::ModelProto NewModel(int64_t opset = 17) {
  onnx::ModelProto m;
  m.set_ir_version(8);
  m.add_opset_import()->set_version(opset);
  return m;
}

// The model, its value table and its walk (walk_testing.h), every node counted.
std::unique_ptr<Walked> Walk(onnx::ModelProto m) {
  std::unique_ptr<Walked> w = WalkModel(std::move(m));
  for (const NodeResult& n : w->walk.nodes) {
    EXPECT_NE(n.status, NodeStatus::kUncounted) << n.name << ": " << n.reason;
  }
  return w;
}

BackwardResult Backward(const Walked& w, const BackwardOptions& options = {}) {
  absl::StatusOr<BackwardResult> r =
      PerOpBackward(w.model.graph(), w.values, w.walk.nodes, options);
  EXPECT_TRUE(r.ok()) << r.status();
  return r.ok() ? *r : BackwardResult();
}

const BackwardNode* Find(const BackwardResult& r, const std::string& node) {
  for (const BackwardNode& n : r.nodes) {
    if (n.node == node) return &n;
  }
  return nullptr;
}


bool Noted(const BackwardResult& r, const std::string& part) {
  for (const auto& n : r.notes) {
    if (absl::StrContains(n, part)) return true;
  }
  return false;
}

// ---- (a) A shallow MLP with a wide first layer ----

// x[1,1024] -> Gemm(W1[1024,4096], b1[4096]) -> Relu -> Gemm(W2[4096,10], b2[10]) -> y[1,10]
onnx::ModelProto WideMlp() {
  onnx::ModelProto m = NewModel();
  auto* g = m.mutable_graph();
  Value(g->add_input(), "x", {1, 1024});
  Value(g->add_output(), "y", {1, 10});
  Weight(g, "W1", {1024, 4096});
  Weight(g, "b1", {4096});
  Weight(g, "W2", {4096, 10});
  Weight(g, "b2", {10});
  Node(g, "Gemm", {"x", "W1", "b1"}, "h", "fc1");
  Node(g, "Relu", {"h"}, "a", "relu");
  Node(g, "Gemm", {"a", "W2", "b2"}, "y", "fc2");
  return m;
}

TEST(Backward, WideFirstLayerOfAnMlpGivesARatioNearOne) {
  auto w = Walk(WideMlp());
  const BackwardResult r = Backward(*w);
  // Forward: fc1 2*1*1024*4096 = 8388608 + bias 4096; relu 4096; fc2
  // 2*1*4096*10 = 81920 + bias 10.
  EXPECT_EQ(r.forward_flops, 8388608.0 + 4096 + 4096 + 81920 + 10);
  EXPECT_EQ(r.forward_matmul_flops, 8388608.0 + 81920);
  // Backward: fc1 fed by graph data has no input gradient: 1x (dW1 only);
  // fc2 2x (da + dW2); the vector ops 1x.
  const BackwardNode* fc1 = Find(r, "fc1");
  ASSERT_NE(fc1, nullptr);
  EXPECT_EQ(fc1->backward_matmul_flops, 8388608.0);
  EXPECT_EQ(fc1->backward_flops, 8388608.0 + 4096);
  EXPECT_TRUE(absl::StrContains(fc1->rule, "input grad 0: 'x' graph data")) << fc1->rule;
  EXPECT_TRUE(absl::StrContains(fc1->rule, "weight grad 1: 'W1' trainable")) << fc1->rule;
  EXPECT_EQ(Find(r, "relu")->backward_flops, 4096.0);
  EXPECT_EQ(Find(r, "fc2")->backward_flops, 2 * 81920.0 + 10);
  EXPECT_EQ(r.backward_flops, 8388608.0 + 4096 + 4096 + 163840 + 10);
  EXPECT_EQ(r.backward_matmul_flops, 8388608.0 + 163840);
  EXPECT_DOUBLE_EQ(r.effective_ratio, 8560650.0 / 8478730.0);  // 1.0097
  EXPECT_LT(r.effective_ratio, 1.01);
  EXPECT_EQ(r.trainable_parameters, 1024.0 * 4096 + 4096 + 4096 * 10 + 10);
  EXPECT_EQ(r.optimizer_flops_per_step, 0.0);
}

// ---- (b) A deep CNN ----

// x[1,16,8,8] -> 10 x (Conv 16->16 3x3 pad 1, no bias -> Relu). Conv i reads
// weight `names[i]` and is named `node_prefix` + i.
onnx::ModelProto DeepCnn(const std::vector<std::string>& weights,
                         const std::vector<std::string>& node_names) {
  onnx::ModelProto m = NewModel();
  auto* g = m.mutable_graph();
  Value(g->add_input(), "x", {1, 16, 8, 8});
  std::string prev = "x";
  for (int i = 0; i < 10; ++i) {
    Weight(g, weights[i], {16, 16, 3, 3});
    const std::string conv = "c" + std::to_string(i);
    const std::string act = i == 9 ? "y" : "r" + std::to_string(i);
    auto* n = Node(g, "Conv", {prev, weights[i]}, conv, node_names[i]);
    Ints(n, "pads", {1, 1, 1, 1});
    Ints(n, "kernel_shape", {3, 3});
    Node(g, "Relu", {conv}, act, "relu" + std::to_string(i));
    prev = act;
  }
  Value(g->add_output(), "y", {1, 16, 8, 8});
  return m;
}

std::vector<std::string> Numbered(const std::string& prefix, const std::string& suffix,
                                  int from = 0, int to = 10) {
  std::vector<std::string> v;
  for (int i = from; i < to; ++i) v.push_back(prefix + std::to_string(i) + suffix);
  return v;
}

constexpr double kConv = 2.0 * 16 * 8 * 8 * 16 * 9;  // 294912 per conv
constexpr double kRelu = 16 * 8 * 8;                 // 1024 per relu

TEST(Backward, DeepCnnIsCloseToTwo) {
  auto w = Walk(DeepCnn(Numbered("w", ""), Numbered("conv", "")));
  const BackwardResult r = Backward(*w);
  EXPECT_EQ(r.forward_matmul_flops, 10 * kConv);
  EXPECT_EQ(r.forward_flops, 10 * kConv + 10 * kRelu);
  // conv0 reads the data: 1x; conv1..9: 2x; every relu: 1x.
  EXPECT_EQ(Find(r, "conv0")->backward_flops, kConv);
  EXPECT_EQ(Find(r, "conv1")->backward_flops, 2 * kConv);
  EXPECT_EQ(r.backward_matmul_flops, 19 * kConv);
  EXPECT_DOUBLE_EQ(r.backward_matmul_flops / r.forward_matmul_flops, 1.9);
  EXPECT_EQ(r.backward_flops, 19 * kConv + 10 * kRelu);
  EXPECT_DOUBLE_EQ(r.effective_ratio, (19 * kConv + 10 * kRelu) / (10 * kConv + 10 * kRelu));
  EXPECT_GT(r.effective_ratio, 1.89);
  EXPECT_EQ(r.trainable_parameters, 10 * 2304.0);
}

// ---- (c) Frozen layers ----

TEST(Backward, FrozenFirstLayersByInitializerName) {
  std::vector<std::string> weights = Numbered("backbone.", ".weight", 0, 3);
  for (auto& h : Numbered("head.", ".weight", 3, 10)) weights.push_back(h);
  auto w = Walk(DeepCnn(weights, Numbered("conv", "")));
  BackwardOptions o;
  o.frozen_patterns = {"backbone.*"};
  const BackwardResult r = Backward(*w, o);
  // conv0..2: frozen weights on inputs that need no grad: 0, and so their
  // relus. conv3: trainable weight on an input that needs none: 1x.
  // conv4..9: 2x. relu3..9: 1x.
  for (int i = 0; i < 3; ++i) {
    const std::string k = std::to_string(i);
    EXPECT_EQ(Find(r, "conv" + k)->backward_flops, 0.0) << Find(r, "conv" + k)->rule;
    EXPECT_EQ(Find(r, "relu" + k)->backward_flops, 0.0);
  }
  const BackwardNode* c0 = Find(r, "conv0");
  EXPECT_TRUE(absl::StrContains(c0->rule, "'backbone.0.weight' frozen")) << c0->rule;
  EXPECT_EQ(Find(r, "conv3")->backward_flops, kConv);
  EXPECT_EQ(Find(r, "conv4")->backward_flops, 2 * kConv);
  EXPECT_EQ(r.backward_flops, 13 * kConv + 7 * kRelu);
  EXPECT_EQ(r.trainable_parameters, 7 * 2304.0);
  EXPECT_EQ(r.frozen_parameters, 3 * 2304.0);
  EXPECT_TRUE(Noted(r, "3 initializers (6912 parameters) frozen")) << r.notes.size();
}

TEST(Backward, FrozenByNodeNameFreezesTheWeightsItReads) {
  std::vector<std::string> names = Numbered("/backbone/conv", "", 0, 3);
  for (auto& h : Numbered("/head/conv", "", 3, 10)) names.push_back(h);
  auto w = Walk(DeepCnn(Numbered("w", ""), names));
  BackwardOptions o;
  o.frozen_patterns = {"/backbone/*", "nothing*"};
  const BackwardResult r = Backward(*w, o);
  EXPECT_EQ(r.backward_flops, 13 * kConv + 7 * kRelu);
  EXPECT_EQ(r.frozen_parameters, 3 * 2304.0);
  EXPECT_TRUE(Noted(r, "--frozen 'nothing*' matches no initializer or node"));
}

TEST(Backward, AFrozenMiddleLayerStillPassesTheInputGradient) {
  auto w = Walk(DeepCnn(Numbered("w", ""), Numbered("conv", "")));
  BackwardOptions o;
  o.frozen_patterns = {"w5"};
  const BackwardResult r = Backward(*w, o);
  const BackwardNode* c5 = Find(r, "conv5");
  EXPECT_EQ(c5->backward_flops, kConv);  // input grad only
  EXPECT_TRUE(absl::StrContains(c5->rule, "input grad 1")) << c5->rule;
  EXPECT_TRUE(absl::StrContains(c5->rule, "weight grad 0: 'w5' frozen")) << c5->rule;
  EXPECT_EQ(Find(r, "conv6")->backward_flops, 2 * kConv);
  EXPECT_EQ(r.backward_matmul_flops, 18 * kConv);
}

TEST(Backward, GlobMatching) {
  EXPECT_TRUE(GlobMatch("backbone.*", "backbone.0.weight"));
  EXPECT_TRUE(GlobMatch("*conv?", "/layer1/conv1"));
  EXPECT_TRUE(GlobMatch("*", ""));
  EXPECT_TRUE(GlobMatch("a*b*c", "axxbyyc"));
  EXPECT_FALSE(GlobMatch("a*b*c", "axxbyy"));
  EXPECT_FALSE(GlobMatch("conv?", "conv10"));
  EXPECT_FALSE(GlobMatch("backbone", "backbone.0"));
}

// ---- (d) Attention core ----

// One head of self-attention on x[1,8,16]: q, k, v = x Wq, x Wk, x Wv;
// scores = q k^T / c; p = softmax(scores); y = p v.
onnx::ModelProto SingleHeadAttention() {
  onnx::ModelProto m = NewModel(13);
  auto* g = m.mutable_graph();
  Value(g->add_input(), "x", {1, 8, 16});
  Value(g->add_output(), "y", {1, 8, 16});
  for (const char* w : {"Wq", "Wk", "Wv"}) Weight(g, w, {16, 16});
  Weight(g, "c", {})->add_float_data(4);
  Node(g, "MatMul", {"x", "Wq"}, "q");
  Node(g, "MatMul", {"x", "Wk"}, "k");
  Node(g, "MatMul", {"x", "Wv"}, "v");
  Ints(Node(g, "Transpose", {"k"}, "kt"), "perm", {0, 2, 1});
  Node(g, "MatMul", {"q", "kt"}, "scores");
  Node(g, "Div", {"scores", "c"}, "scaled");
  Node(g, "Softmax", {"scaled"}, "p");
  Node(g, "MatMul", {"p", "v"}, "y");
  return m;
}

TEST(Backward, AttentionCoreIsTwoAndAHalfTimesForward) {
  auto w = Walk(SingleHeadAttention());
  const BackwardResult r = Backward(*w);
  // Forward: projections 3 x 2*8*16*16 = 12288; scores 2*8*16*8 = 2048;
  // scale 64; softmax 5*64 = 320; p*v 2*8*8*16 = 2048.
  EXPECT_EQ(r.forward_flops, 16768.0);
  // Projections read graph data: 1x (weight grads) = 12288. Score product:
  // dQ + dK + recomputed Q*K^T = 3 x 2048; value product dP + dV = 2 x 2048:
  // core 10240 = 2.5 x 4096. The scale and softmax 1x; the scalar c is no
  // parameter.
  EXPECT_EQ(Find(r, "q")->backward_flops, 4096.0);
  const BackwardNode* s = Find(r, "scores");
  EXPECT_EQ(s->backward_flops, 3 * 2048.0);
  EXPECT_TRUE(absl::StrContains(s->rule, "attention score product")) << s->rule;
  EXPECT_EQ(Find(r, "y")->backward_flops, 2 * 2048.0);
  EXPECT_DOUBLE_EQ((Find(r, "scores")->backward_matmul_flops + Find(r, "y")->backward_matmul_flops) /
                       4096.0,
                   2.5);
  EXPECT_EQ(Find(r, "kt")->backward_flops, 0.0);  // data movement
  EXPECT_EQ(r.backward_flops, 12288.0 + 6144 + 64 + 320 + 4096);
  EXPECT_EQ(r.trainable_parameters, 3 * 256.0);
  EXPECT_TRUE(Noted(r, "attention cores: backward 2.5x"));

  BackwardOptions stored;
  stored.attention_recompute = false;
  const BackwardResult r2 = Backward(*w, stored);
  EXPECT_EQ(Find(r2, "scores")->backward_flops, 2 * 2048.0);
  EXPECT_EQ(r2.backward_flops, 12288.0 + 4096 + 64 + 320 + 4096);
  EXPECT_TRUE(Noted(r2, "attention cores: backward 2.0x"));
}

TEST(Backward, FusedMultiHeadAttentionCore) {
  // x[1,8,16] projected by Wq, Wk, Wv, then com.microsoft MultiHeadAttention
  // with 2 heads: scores = 1*2*8*8 = 128, core 2*128*(8+8) = 4096 matmul +
  // 128*(1 scale + 5 softmax) = 768 vector.
  onnx::ModelProto m = NewModel(17);
  auto* ms = m.add_opset_import();
  ms->set_domain("com.microsoft");
  ms->set_version(1);
  auto* g = m.mutable_graph();
  Value(g->add_input(), "x", {1, 8, 16});
  Value(g->add_output(), "y", {1, 8, 16});
  for (const char* w : {"Wq", "Wk", "Wv"}) Weight(g, w, {16, 16});
  Node(g, "MatMul", {"x", "Wq"}, "q");
  Node(g, "MatMul", {"x", "Wk"}, "k");
  Node(g, "MatMul", {"x", "Wv"}, "v");
  auto* mha = Node(g, "MultiHeadAttention", {"q", "k", "v"}, "y", "mha");
  mha->set_domain("com.microsoft");
  Int(mha, "num_heads", 2);
  auto w = Walk(m);
  const NodeResult* fwd = w->Find("mha");
  ASSERT_NE(fwd, nullptr);
  EXPECT_EQ(fwd->cost.matmul_flops, 4096.0);
  EXPECT_EQ(fwd->cost.vector_flops, 768.0);
  const BackwardResult r = Backward(*w);
  const BackwardNode* b = Find(r, "mha");
  EXPECT_EQ(b->backward_matmul_flops, 2.5 * 4096) << b->rule;
  EXPECT_EQ(b->backward_flops, 2.5 * 4096 + 768);

  // With the projections frozen nothing upstream needs grad: no backward at all.
  BackwardOptions o;
  o.frozen_patterns = {"W?"};
  const BackwardResult frozen = Backward(*w, o);
  EXPECT_EQ(frozen.backward_flops, 0.0);
  EXPECT_EQ(frozen.trainable_parameters, 0.0);
}

// ---- Recurrence and subgraphs ----

TEST(Backward, LstmSplitsInputAndRecurrentProducts) {
  // X[5,1,8] (graph data), W[1,64,8], R[1,64,16], H = 16: per step
  // 2*4*16*(8+16) = 3072, x 5 steps = 15360 = X*W^T 5120 + H*R^T 10240.
  onnx::ModelProto m = NewModel();
  auto* g = m.mutable_graph();
  Value(g->add_input(), "X", {5, 1, 8});
  Value(g->add_output(), "Y", {5, 1, 1, 16});
  Weight(g, "W", {1, 64, 8});
  Weight(g, "R", {1, 64, 16});
  Int(Node(g, "LSTM", {"X", "W", "R"}, "Y", "lstm"), "hidden_size", 16);
  auto w = Walk(m);
  const BackwardResult r = Backward(*w);
  const BackwardNode* b = Find(r, "lstm");
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(r.forward_matmul_flops, 15360.0);
  // X*W^T: dW only (X is data): 5120; H*R^T: dR + dH: 2 x 10240.
  EXPECT_EQ(b->backward_matmul_flops, 5120.0 + 20480) << b->rule;
  EXPECT_EQ(b->backward_flops - b->backward_matmul_flops, w->Find("lstm")->cost.vector_flops);
}

// Loop M=3 times: h = h @ W, h starting at the graph input x[4,8].
onnx::ModelProto LoopMatMul() {
  onnx::ModelProto m = NewModel();
  auto* g = m.mutable_graph();
  Value(g->add_input(), "x", {4, 8});
  Value(g->add_output(), "h_final", {4, 8});
  Weight(g, "W", {8, 8});
  Weight(g, "M", {}, onnx::TensorProto::INT64)->add_int64_data(3);
  Weight(g, "cond", {}, onnx::TensorProto::BOOL)->add_int32_data(1);
  auto* loop = Node(g, "Loop", {"M", "cond", "x"}, "h_final", "loop");
  auto* a = loop->add_attribute();
  a->set_name("body");
  a->set_type(onnx::AttributeProto::GRAPH);
  auto* body = a->mutable_g();
  body->set_name("body");
  Value(body->add_input(), "i", {}, onnx::TensorProto::INT64);
  Value(body->add_input(), "cond_in", {}, onnx::TensorProto::BOOL);
  Value(body->add_input(), "h_in", {4, 8});
  Value(body->add_output(), "cond_out", {}, onnx::TensorProto::BOOL);
  Value(body->add_output(), "h_out", {4, 8});
  Node(body, "Identity", {"cond_in"}, "cond_out", "body_id");
  Node(body, "MatMul", {"h_in", "W"}, "h_out", "body_mm");
  return m;
}

TEST(Backward, LoopStateNeedsGradFromTheSecondTripOn) {
  auto w = Walk(LoopMatMul());
  const NodeResult* mm = w->Find("loop/body/body_mm");
  ASSERT_NE(mm, nullptr);
  EXPECT_EQ(mm->cost.matmul_flops, 3 * 512.0);
  const BackwardResult r = Backward(*w);
  // h_out depends on W, so the carried h needs grad (taken for every trip):
  // dh + dW = 2x the 3 x 512.
  const BackwardNode* b = Find(r, "loop/body/body_mm");
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->backward_flops, 2 * 1536.0) << b->rule;
  EXPECT_EQ(r.trainable_parameters, 64.0);  // M and cond are no parameters
  EXPECT_EQ(Find(r, "loop")->rule, "no forward FLOP: 0");

  BackwardOptions o;
  o.frozen_patterns = {"loop/body/body_mm"};  // by walk path
  const BackwardResult frozen = Backward(*w, o);
  EXPECT_EQ(Find(frozen, "loop/body/body_mm")->backward_flops, 0.0);
  EXPECT_EQ(frozen.frozen_parameters, 64.0);
}

// ---- What counts as a parameter, what carries a gradient ----

TEST(Backward, StatisticsScalarsAndResizeScalesAreNotParameters) {
  // x[1,3,4,4] -> Resize(scales [1,1,2,2]) -> Conv W[8,3,3,3] pad 1 ->
  // BatchNormalization(scale, B, mean, var [8]) -> Mul by a scalar.
  onnx::ModelProto m = NewModel();
  auto* g = m.mutable_graph();
  Value(g->add_input(), "x", {1, 3, 4, 4});
  Value(g->add_output(), "y", {1, 8, 8, 8});
  auto* scales = Weight(g, "scales", {4});
  for (float s : {1.f, 1.f, 2.f, 2.f}) scales->add_float_data(s);
  Weight(g, "W", {8, 3, 3, 3});
  for (const char* p : {"gamma", "beta", "mean", "var"}) Weight(g, p, {8});
  Weight(g, "s", {})->add_float_data(0.5f);
  Node(g, "Resize", {"x", "", "scales"}, "up", "resize");
  Ints(Node(g, "Conv", {"up", "W"}, "c", "conv"), "pads", {1, 1, 1, 1});
  Node(g, "BatchNormalization", {"c", "gamma", "beta", "mean", "var"}, "bn", "bn");
  Node(g, "Mul", {"bn", "s"}, "y", "scale");
  auto w = Walk(m);
  BackwardOptions o;
  o.optimizer = "sgd";
  o.batch_size = 4;
  const BackwardResult r = Backward(*w, o);
  EXPECT_EQ(r.trainable_parameters, 216.0 + 16);  // W, gamma, beta
  EXPECT_EQ(r.optimizer_flops_per_step, 2 * 232.0);
  EXPECT_EQ(r.optimizer_flops_per_example, 2 * 232.0 / 4);
  // The Resize output carries no gradient (scales is not differentiable): the
  // conv is a first layer.
  const BackwardNode* conv = Find(r, "conv");
  EXPECT_EQ(conv->backward_matmul_flops, w->Find("conv")->cost.matmul_flops) << conv->rule;
  EXPECT_EQ(Find(r, "resize")->backward_flops, 0.0);
}

TEST(Backward, QuantizedWeightThroughDequantizeLinearIsTrainable) {
  // x[2,8] @ DequantizeLinear(Wq int8 [8,4], scale) after a Relu on a
  // trainable bias: the dequantized int8 weight is a weight, the input needs grad.
  onnx::ModelProto m = NewModel(13);
  auto* g = m.mutable_graph();
  Value(g->add_input(), "x", {2, 8});
  Value(g->add_output(), "y", {2, 4});
  Weight(g, "Wq", {8, 4}, onnx::TensorProto::INT8);
  Weight(g, "Wscale", {})->add_float_data(0.1f);
  Weight(g, "b0", {8});
  Node(g, "Add", {"x", "b0"}, "xb", "bias0");
  Node(g, "DequantizeLinear", {"Wq", "Wscale"}, "W", "dq");
  Node(g, "MatMul", {"xb", "W"}, "y", "mm");
  auto w = Walk(m);
  const BackwardResult r = Backward(*w);
  const BackwardNode* mm = Find(r, "mm");
  EXPECT_EQ(mm->backward_flops, 2 * 2.0 * 2 * 8 * 4) << mm->rule;
  EXPECT_TRUE(absl::StrContains(mm->rule, "weight grad 1: 'W' (from 'Wq') trainable")) << mm->rule;
  EXPECT_EQ(r.trainable_parameters, 32.0 + 8);
}

// ---- (e) Optimizers ----

TEST(Backward, OptimizerFlopsPerParameterPerStepAndPerExample) {
  auto w = Walk(WideMlp());
  const double params = 1024.0 * 4096 + 4096 + 4096 * 10 + 10;  // 4239370
  const std::vector<std::pair<std::string, double>> cases = {
      {"none", 0}, {"sgd", 2}, {"momentum", 4}, {"adam", 14}, {"adamw", 16}};
  EXPECT_EQ(OptimizerChoices(), "none, sgd, momentum, adam or adamw");
  EXPECT_FALSE(OptimizerFlopsPerParameter("sgd-momentum").ok());
  for (const auto& [name, per] : cases) {
    BackwardOptions o;
    o.optimizer = name;
    o.batch_size = 32;
    const BackwardResult r = Backward(*w, o);
    EXPECT_EQ(r.optimizer_flops_per_parameter, per) << name;
    EXPECT_EQ(r.optimizer_flops_per_step, per * params) << name;
    EXPECT_EQ(r.optimizer_flops_per_example, per * params / 32) << name;
  }
  BackwardOptions adam;
  adam.optimizer = "adam";
  adam.batch_size = 32;
  const BackwardResult r = Backward(*w, adam);
  EXPECT_EQ(r.optimizer_flops_per_step, 59351180.0);
  EXPECT_EQ(r.optimizer_flops_per_example, 1854724.375);
  EXPECT_EQ(r.optimizer_formula,
            "adam 14 FLOP x 4239370 trainable parameters = 59351180 per step; / batch 32 = "
            "1.85472e+06 per example");
  // The optimizer does not enter the backward ratio.
  EXPECT_DOUBLE_EQ(r.effective_ratio, 8560650.0 / 8478730.0);
}

TEST(Backward, OptimizerErrors) {
  auto w = Walk(WideMlp());
  BackwardOptions o;
  o.optimizer = "lamb";
  o.batch_size = 8;
  auto r = PerOpBackward(w->model.graph(), w->values, w->walk.nodes, o);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(absl::StrContains(std::string(r.status().message()), "sgd, momentum, adam or adamw"));
  o.optimizer = "adam";
  o.batch_size = 0;
  r = PerOpBackward(w->model.graph(), w->values, w->walk.nodes, o);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(absl::StrContains(std::string(r.status().message()), "batch size"));
  EXPECT_EQ(OptimizerFlopsPerParameter("").value(), 0.0);
  EXPECT_EQ(OptimizerFlopsPerParameter("none").value(), 0.0);
}

TEST(Backward, UncountedNodesAddNothingAndAreNoted) {
  auto w = Walk(WideMlp());
  std::vector<NodeResult> nodes = w->walk.nodes;
  nodes[1].status = NodeStatus::kUncounted;  // the Relu, as if no rule knew it
  nodes[1].cost = Cost();
  auto r = PerOpBackward(w->model.graph(), w->values, nodes, BackwardOptions{});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->nodes[1].backward_flops, 0.0);
  EXPECT_EQ(r->backward_flops, 8388608.0 + 4096 + 163840 + 10);
  EXPECT_TRUE(Noted(*r, "1 uncounted nodes"));
}

}  // namespace
}  // namespace onnx_flops
