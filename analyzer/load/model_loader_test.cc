#include "analyzer/load/model_loader.h"

#include <string>

#include "gtest/gtest.h"

namespace onnx_flops {
namespace {

// A model with one big float initializer (1 MiB of payload), one small int64
// initializer (a Reshape target) and a Constant node with a big tensor.
onnx::ModelProto ModelWithWeights() {
  onnx::ModelProto m;
  m.set_ir_version(8);
  auto* op = m.add_opset_import();
  op->set_version(13);
  auto* g = m.mutable_graph();
  g->set_name("g");
  auto* w = g->add_initializer();
  w->set_name("w");
  w->set_data_type(onnx::TensorProto::FLOAT);
  w->add_dims(512);
  w->add_dims(512);
  w->set_raw_data(std::string(512 * 512 * 4, '\x01'));
  auto* s = g->add_initializer();
  s->set_name("shape");
  s->set_data_type(onnx::TensorProto::INT64);
  s->add_dims(2);
  s->add_int64_data(1);
  s->add_int64_data(-1);
  auto* node = g->add_node();
  node->set_op_type("Constant");
  node->add_output("c");
  auto* attr = node->add_attribute();
  attr->set_name("value");
  attr->set_type(onnx::AttributeProto::TENSOR);
  attr->mutable_t()->set_data_type(onnx::TensorProto::FLOAT);
  attr->mutable_t()->add_dims(1000);
  for (int i = 0; i < 1000; ++i) attr->mutable_t()->add_float_data(1.0f);
  return m;
}

TEST(ModelLoader, StripsLargePayloadsKeepsDimsAndSmallConstants) {
  const std::string bytes = ModelWithWeights().SerializeAsString();
  ASSERT_GT(bytes.size(), 1u << 20);
  auto loaded = LoadModelFromBytes(bytes, "mem.onnx");
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  const auto& g = loaded->model->graph();
  ASSERT_EQ(g.initializer_size(), 2);
  EXPECT_EQ(g.initializer(0).dims_size(), 2);
  EXPECT_EQ(g.initializer(0).dims(1), 512);
  EXPECT_TRUE(g.initializer(0).raw_data().empty());
  ASSERT_EQ(g.initializer(1).int64_data_size(), 2);  // shape constants keep their values
  EXPECT_EQ(g.initializer(1).int64_data(1), -1);
  EXPECT_EQ(g.node(0).attribute(0).t().float_data_size(), 0);
  EXPECT_EQ(g.node(0).attribute(0).t().dims(0), 1000);
  EXPECT_EQ(loaded->stripped_tensors, 2);
  // Field bytes as stored: raw_data's tag + 3-byte length, float_data's tag + 2-byte length.
  EXPECT_EQ(loaded->stripped_bytes, (1 + 3 + 512 * 512 * 4) + (1 + 2 + 4000));
  // What is kept is the structure: a few hundred bytes, not the megabyte.
  EXPECT_LT(loaded->model->ByteSizeLong(), 1000u);
}

TEST(ModelLoader, KeepThresholdIsConfigurable) {
  const std::string bytes = ModelWithWeights().SerializeAsString();
  LoadOptions keep_all;
  keep_all.keep_payload_bytes = 1u << 30;
  auto loaded = LoadModelFromBytes(bytes, "mem.onnx", keep_all);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->model->graph().initializer(0).raw_data().size(), 512u * 512 * 4);
  EXPECT_EQ(loaded->stripped_tensors, 0);
}

TEST(ModelLoader, NestedSubgraphTensorsAreStrippedToo) {
  onnx::ModelProto m = ModelWithWeights();
  auto* node = m.mutable_graph()->add_node();
  node->set_op_type("If");
  auto* attr = node->add_attribute();
  attr->set_name("then_branch");
  auto* sub = attr->mutable_g();
  auto* t = sub->add_initializer();
  t->set_name("inner");
  t->add_dims(4096);
  t->set_data_type(onnx::TensorProto::FLOAT);
  t->set_raw_data(std::string(4096 * 4, '\0'));
  auto loaded = LoadModelFromBytes(m.SerializeAsString(), "mem.onnx");
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_TRUE(loaded->model->graph().node(1).attribute(0).g().initializer(0).raw_data().empty());
  EXPECT_EQ(loaded->stripped_tensors, 3);
}

TEST(ModelLoader, RejectsDeepNesting) {
  onnx::ModelProto m;
  m.set_ir_version(8);
  onnx::GraphProto* g = m.mutable_graph();
  for (int i = 0; i < 100; ++i) {
    auto* node = g->add_node();
    node->set_op_type("If");
    auto* a = node->add_attribute();
    a->set_name("then_branch");
    g = a->mutable_g();
  }
  auto loaded = LoadModelFromBytes(m.SerializeAsString(), "deep.onnx");
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.status().message().find("nested deeper"), std::string::npos)
      << loaded.status();
}

TEST(ModelLoader, BadBytesAreOneLineErrors) {
  const std::string good = ModelWithWeights().SerializeAsString();
  struct Case {
    std::string bytes;
    std::string expect;
  } cases[] = {
      {"", "empty"},
      {good.substr(0, good.size() / 2), "truncated"},
      {"this is plain text, not a protobuf\n", "not a valid ONNX model"},
      {std::string("\x08\x01", 2), "no graph"},  // ir_version only
  };
  for (const Case& c : cases) {
    auto loaded = LoadModelFromBytes(c.bytes, "bad.onnx");
    ASSERT_FALSE(loaded.ok()) << c.expect;
    const std::string msg(loaded.status().message());
    EXPECT_NE(msg.find("bad.onnx"), std::string::npos) << msg;
    EXPECT_NE(msg.find(c.expect), std::string::npos) << msg;
    EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
  }
}

TEST(ModelLoader, FileErrors) {
  auto missing = LoadModel("/nonexistent/model.onnx");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  auto dir = LoadModel("/tmp");
  ASSERT_FALSE(dir.ok());
  EXPECT_NE(dir.status().message().find("directory"), std::string::npos);
}

}  // namespace
}  // namespace onnx_flops
