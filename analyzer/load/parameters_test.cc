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

TEST(Parameters, NonsenseDimsAreCountedAsNonsenseNotAsParameters) {
  onnx::GraphProto g;
  AddInit(&g, "bad", onnx::TensorProto::FLOAT, {-3, 4});
  const ParameterCount c = CountParameters(g, {});
  EXPECT_EQ(c.parameters, 0.0);
  EXPECT_EQ(c.nonsense, 1);
}

}  // namespace
}  // namespace onnx_flops
