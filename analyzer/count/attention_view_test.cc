#include "analyzer/count/attention_view.h"

#include "analyzer/analyze.h"
#include "gtest/gtest.h"

namespace onnx_flops {
namespace {

onnx::ValueInfoProto* Value(onnx::ValueInfoProto* vi, const std::string& name,
                            std::vector<std::string> dims) {
  vi->set_name(name);
  auto* t = vi->mutable_type()->mutable_tensor_type();
  t->set_elem_type(onnx::TensorProto::FLOAT);
  for (const auto& d : dims) {
    auto* dim = t->mutable_shape()->add_dim();
    if (d[0] >= '0' && d[0] <= '9') {
      dim->set_dim_value(std::stoll(d));
    } else {
      dim->set_dim_param(d);
    }
  }
  return vi;
}

void Weight(onnx::GraphProto* g, const std::string& name, std::vector<int64_t> dims) {
  auto* t = g->add_initializer();
  t->set_name(name);
  t->set_data_type(onnx::TensorProto::FLOAT);
  for (int64_t d : dims) t->add_dims(d);
}

void Node(onnx::GraphProto* g, const std::string& op, std::vector<std::string> in,
          std::string out) {
  auto* n = g->add_node();
  n->set_op_type(op);
  n->set_name(out);
  for (auto& i : in) n->add_input(i);
  n->add_output(out);
}

// One head of self-attention on x [batch, seq, 16]:
// q, k, v = x Wq, x Wk, x Wv; scores = q k^T / c; p = softmax(scores); y = p v.
std::string SingleHeadAttention() {
  onnx::ModelProto m;
  m.set_ir_version(8);
  m.add_opset_import()->set_version(13);
  auto* g = m.mutable_graph();
  Value(g->add_input(), "x", {"batch", "seq", "16"});
  Value(g->add_output(), "y", {"batch", "seq", "16"});
  for (const char* w : {"Wq", "Wk", "Wv"}) Weight(g, w, {16, 16});
  auto* c = g->add_initializer();
  c->set_name("c");
  c->set_data_type(onnx::TensorProto::FLOAT);
  c->add_float_data(4);
  Node(g, "MatMul", {"x", "Wq"}, "q");
  Node(g, "MatMul", {"x", "Wk"}, "k");
  Node(g, "MatMul", {"x", "Wv"}, "v");
  Node(g, "Transpose", {"k"}, "kt");
  auto* perm = g->mutable_node(3)->add_attribute();
  perm->set_name("perm");
  perm->set_type(onnx::AttributeProto::INTS);
  for (int p : {0, 2, 1}) perm->add_ints(p);
  Node(g, "MatMul", {"q", "kt"}, "scores");
  Node(g, "Div", {"scores", "c"}, "scaled");
  Node(g, "Softmax", {"scaled"}, "p");
  Node(g, "MatMul", {"p", "v"}, "y");
  return m.SerializeAsString();
}

TEST(AttentionView, CoreShareAndKaplanByHand) {
  auto loaded = LoadModelFromBytes(SingleHeadAttention(), "attn.onnx");
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  AnalyzeOptions o;
  o.bindings.dims = {{"batch", 1}, {"seq", 8}};
  auto r = AnalyzeLoaded(*std::move(loaded), o);
  ASSERT_TRUE(r.ok()) << r.status();
  // Projections 3 x 2*8*16*16 = 12288; scores 2*8*16*8 = 2048; scale 64;
  // softmax 5*64 = 320; p*v 2*8*8*16 = 2048. Total 16768.
  EXPECT_EQ(r->forward().flops(), 16768.0);
  const Attention& a = r->forward().attention();
  EXPECT_EQ(a.layers(), 1);
  EXPECT_EQ(a.core_flops(), 2048.0 + 2048);
  EXPECT_DOUBLE_EQ(a.share(), 4096.0 / 16768);
  EXPECT_EQ(a.d_attn(), 16);
  EXPECT_EQ(a.n_ctx(), 8);
  // Kaplan: 2 x 768 parameters + 2 x 1 layer x 8 x 16 = 1792 per token;
  // the count is 16768 / 8 = 2096 per token.
  EXPECT_EQ(a.non_embedding_parameters(), 3 * 256.0 + 1);  // Wq, Wk, Wv and the scale
  EXPECT_EQ(a.kaplan_flops_per_token(), 2 * 769.0 + 2 * 1 * 8 * 16);
  EXPECT_DOUBLE_EQ(a.ratio(), 2096.0 / 1794);
}

TEST(AttentionView, NoAttentionNoSection) {
  auto r = AnalyzeFile(std::string(ONNX_FLOPS_TESTDATA) + "/small_cnn.onnx", AnalyzeOptions{});
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->forward().has_attention());
}

}  // namespace
}  // namespace onnx_flops
