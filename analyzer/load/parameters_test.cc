#include "analyzer/load/parameters.h"

#include "gtest/gtest.h"
#include "rules/rule.h"

namespace onnx_flops {
namespace {

onnx::TensorProto* AddInit(onnx::GraphProto* g, const std::string& name, int32_t type, Dims dims) {
  onnx::TensorProto* t = g->add_initializer();
  t->set_name(name);
  t->set_data_type(type);
  for (int64_t d : dims) t->add_dims(d);
  return t;
}

onnx::NodeProto* AddNode(onnx::GraphProto* g, const std::string& op,
                         std::vector<std::string> inputs) {
  onnx::NodeProto* n = g->add_node();
  n->set_op_type(op);
  for (auto& i : inputs) n->add_input(i);
  n->add_output(op + "_out");
  return n;
}

void AddConstant(onnx::GraphProto* g, int32_t type, Dims dims) {
  onnx::NodeProto* n = AddNode(g, "Constant", {});
  onnx::AttributeProto* a = n->add_attribute();
  a->set_name("value");
  a->mutable_t()->set_data_type(type);
  for (int64_t d : dims) a->mutable_t()->add_dims(d);
}

TEST(Parameters, EveryWeightWhereverTheExporterPutIt) {
  onnx::GraphProto g;
  AddInit(&g, "W", onnx::TensorProto::FLOAT, {4, 8});       // 32: a float weight
  AddInit(&g, "Wq", onnx::TensorProto::INT8, {16});         // 16: read as a quantized weight
  AddInit(&g, "shape", onnx::TensorProto::INT64, {2});      // not a weight
  AddInit(&g, "sr", onnx::TensorProto::INT64, {});          // a --value input: skipped
  AddNode(&g, "DequantizeLinear", {"Wq", "scale"});
  AddNode(&g, "Reshape", {"x", "shape"});
  AddConstant(&g, onnx::TensorProto::FLOAT, {3, 3});        // 9: a weight in a Constant
  AddConstant(&g, onnx::TensorProto::FLOAT, {});            // a scalar: arithmetic
  AddConstant(&g, onnx::TensorProto::INT64, {4});           // integer: not a weight
  // A Loop body with its own float weight [2, 2]: 4.
  onnx::NodeProto* loop = AddNode(&g, "Loop", {"M", "", "x"});
  onnx::AttributeProto* body = loop->add_attribute();
  body->set_name("body");
  AddInit(body->mutable_g(), "Wb", onnx::TensorProto::FLOAT, {2, 2});

  const ParameterCount c = CountParameters(g, {"sr"});
  EXPECT_EQ(c.parameters, 32.0 + 16 + 9 + 4);
  EXPECT_EQ(c.initializers, 4);  // W, Wq, shape, Wb
  EXPECT_EQ(c.subgraph_initializers, 1);
  EXPECT_EQ(c.constant_nodes, 1);
  EXPECT_EQ(c.quantized, 1);
  // Bytes: W 128 + Wq 16 + shape 16 + Wb 16 + the Constant 36.
  EXPECT_EQ(c.bytes, 128.0 + 16 + 16 + 16 + 36);
}

TEST(Parameters, PackedLowBitWeightsCountEveryWeightInAByte) {
  // MatMulNBits B [N=64, K/32=4 blocks, 16 bytes of 32 4-bit weights]: 1,024
  // bytes, 2,048 weights; its bits default to 4. A QMoE with
  // expert_weight_bits 4 reads fc1 [4, 128, 32] and fc2 [4, 64, 64] (uint8,
  // 2 weights a byte): 2 x 16,384 bytes, 2 x 32,768 weights; its scales are
  // float (512 + 256) and count as they are; an 8-bit MatMulNBits B byte holds
  // one weight.
  onnx::GraphProto g;
  AddInit(&g, "B4", onnx::TensorProto::UINT8, {64, 4, 16});
  AddNode(&g, "MatMulNBits", {"a", "B4", "s"})->set_domain("com.microsoft");
  AddInit(&g, "B8", onnx::TensorProto::UINT8, {64, 2, 32});
  onnx::NodeProto* eight = AddNode(&g, "MatMulNBits", {"a", "B8", "s"});
  eight->set_domain("com.microsoft");
  onnx::AttributeProto* bits = eight->add_attribute();
  bits->set_name("bits");
  bits->set_type(onnx::AttributeProto::INT);
  bits->set_i(8);
  AddInit(&g, "fc1", onnx::TensorProto::UINT8, {4, 128, 32});
  AddInit(&g, "fc1_scales", onnx::TensorProto::FLOAT, {4, 128});
  AddInit(&g, "fc2", onnx::TensorProto::UINT8, {4, 64, 64});
  AddInit(&g, "fc2_scales", onnx::TensorProto::FLOAT, {4, 64});
  onnx::NodeProto* qmoe =
      AddNode(&g, "QMoE", {"x", "logits", "fc1", "fc1_scales", "", "fc2", "fc2_scales"});
  qmoe->set_domain("com.microsoft");
  onnx::AttributeProto* ebits = qmoe->add_attribute();
  ebits->set_name("expert_weight_bits");
  ebits->set_type(onnx::AttributeProto::INT);
  ebits->set_i(4);

  const ParameterCount c = CountParameters(g, {});
  EXPECT_EQ(c.parameters, 64.0 * 4 * 16 * 2 + 64 * 2 * 32 + 4 * 128 * 32 * 2 + 4 * 64 * 64 * 2 +
                              4 * 128 + 4 * 64);
  EXPECT_EQ(c.quantized, 4);
  EXPECT_EQ(c.bytes, 64.0 * 4 * 16 + 64 * 2 * 32 + 4 * 128 * 32 + 4 * 64 * 64 + 4 * (512 + 256));
}

TEST(Parameters, NonsenseDimsAreCountedAsNonsenseNotAsParameters) {
  onnx::GraphProto g;
  AddInit(&g, "bad", onnx::TensorProto::FLOAT, {-3, 4});
  const ParameterCount c = CountParameters(g, {});
  EXPECT_EQ(c.parameters, 0.0);
  EXPECT_EQ(c.nonsense, 1);
}

}  // namespace
}  // namespace onnx_flops
