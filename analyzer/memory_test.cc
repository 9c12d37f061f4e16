// Bytes per node, intensity, the liveness peak, layers and the roofline,
// against figures worked out by hand: on a small graph built here, and on
// a ResNet-50 bottleneck block (torchvision's export, fp32, batch 1).
#include <string>

#include "analyzer/analyze.h"
#include "analyzer/count/layers.h"
#include "gtest/gtest.h"

namespace onnx_flops {
namespace {

std::string Data(const std::string& name) { return std::string(ONNX_FLOPS_TESTDATA) + "/" + name; }

void AddValue(google::protobuf::RepeatedPtrField<onnx::ValueInfoProto>* list,
              const std::string& name, std::vector<int64_t> dims) {
  onnx::ValueInfoProto* v = list->Add();
  v->set_name(name);
  auto* t = v->mutable_type()->mutable_tensor_type();
  t->set_elem_type(onnx::TensorProto::FLOAT);
  for (int64_t d : dims) t->mutable_shape()->add_dim()->set_dim_value(d);
}

onnx::NodeProto* AddNode(onnx::GraphProto* g, const std::string& op, const std::string& name,
                         std::vector<std::string> in, std::vector<std::string> out) {
  onnx::NodeProto* n = g->add_node();
  n->set_op_type(op);
  n->set_name(name);
  for (auto& i : in) n->add_input(i);
  for (auto& o : out) n->add_output(o);
  return n;
}

// x [1, 16] -> /fc/MatMul (W [16, 32]) -> h [1, 32] -> /act/Relu -> r [1, 32]
//   -> /out/Reshape (shape [32]) -> y [32], the graph's output.
Report SmallGraph(const std::string& hardware = "") {
  onnx::ModelProto m;
  m.set_ir_version(8);
  m.add_opset_import()->set_version(13);
  onnx::GraphProto* g = m.mutable_graph();
  AddValue(g->mutable_input(), "x", {1, 16});
  onnx::TensorProto* w = g->add_initializer();
  w->set_name("W");
  w->set_data_type(onnx::TensorProto::FLOAT);
  w->add_dims(16);
  w->add_dims(32);
  w->mutable_float_data()->Resize(16 * 32, 0.5f);
  onnx::TensorProto* shape = g->add_initializer();
  shape->set_name("shape");
  shape->set_data_type(onnx::TensorProto::INT64);
  shape->add_dims(1);
  shape->add_int64_data(32);
  AddNode(g, "MatMul", "/fc/MatMul", {"x", "W"}, {"h"});
  AddNode(g, "Relu", "/act/Relu", {"h"}, {"r"});
  AddNode(g, "Reshape", "/out/Reshape", {"r", "shape"}, {"y"});
  AddValue(g->mutable_output(), "y", {32});
  AnalyzeOptions options;
  options.per_node = true;
  options.hardware.hardware = hardware;
  options.hardware.precision = hardware.empty() ? "" : "fp32";
  absl::StatusOr<Report> r = AnalyzeBytes(m.SerializeAsString(), "small.onnx", options);
  EXPECT_TRUE(r.ok()) << r.status();
  return r.ok() ? *r : Report();
}

TEST(Memory, BytesPerNodeAndIntensity) {
  const Report r = SmallGraph();
  ASSERT_EQ(r.forward().nodes_size(), 3);
  // MatMul: reads x (16 floats, 64 B) and W (16*32*4 = 2,048 B), writes h (32*4 = 128 B);
  // 2*16*32 = 1,024 FLOP over 2,240 B.
  const NodeCost& mm = r.forward().nodes(0);
  EXPECT_EQ(mm.bytes_read(), 64);
  EXPECT_EQ(mm.weight_bytes(), 2048);
  EXPECT_EQ(mm.bytes_written(), 128);
  EXPECT_DOUBLE_EQ(mm.intensity(), 1024.0 / (64 + 2048 + 128));
  // Relu: reads and writes 128 B; 32 FLOP.
  const NodeCost& relu = r.forward().nodes(1);
  EXPECT_EQ(relu.bytes_read(), 128);
  EXPECT_EQ(relu.bytes_written(), 128);
  EXPECT_DOUBLE_EQ(relu.intensity(), 32.0 / 256);
  // Reshape is a view: nothing moves, not even its shape operand.
  const NodeCost& view = r.forward().nodes(2);
  EXPECT_EQ(view.bytes_read() + view.weight_bytes() + view.bytes_written(), 0);

  const Memory& m = r.forward().memory();
  EXPECT_EQ(m.weight_bytes(), 2048);   // W only
  EXPECT_EQ(m.input_bytes(), 64);
  EXPECT_EQ(m.activation_bytes(), 128 + 128);  // h and r; y is r's buffer
  EXPECT_EQ(m.bytes_read(), 64 + 128);
  EXPECT_EQ(m.weight_bytes_read(), 2048);
  EXPECT_EQ(m.bytes_written(), 128 + 128);
  EXPECT_DOUBLE_EQ(m.intensity(), (1024.0 + 32) / (64 + 128 + 2048 + 256));
}

TEST(Memory, LivenessFollowsProducersConsumersAndViews) {
  // The input x (64) is held by the caller the whole pass. Step 0 (MatMul): x + h
  // (128) = 192. Step 1 (Relu): x + h (its last reader) + r (128) = 320. Step 2
  // (Reshape): x + r, kept to the end as the output's buffer (y is a view of it)
  // = 192. Peak 320, at the Relu.
  const Report r = SmallGraph();
  EXPECT_EQ(r.forward().nodes(0).live_bytes(), 192);
  EXPECT_EQ(r.forward().nodes(1).live_bytes(), 320);
  EXPECT_EQ(r.forward().nodes(2).live_bytes(), 192);
  EXPECT_EQ(r.forward().memory().peak_activation_bytes(), 320);
  EXPECT_EQ(r.forward().memory().peak_node(), "/act/Relu");
}

TEST(Memory, TheRooflineTakesTheSlowerSideOfEachNode) {
  // A100 SXM 40GB at fp32: 19.5 TFLOP/s, 1,555 GB/s (analyzer/training/hardware.csv).
  // MatMul: 1,024 / 19.5e12 = 5.3e-11 s against 2,240 / 1.555e12 = 1.44e-9 s: memory.
  // Relu: 32 / 19.5e12 against 256 / 1.555e12: memory. The view takes no time.
  const Report r = SmallGraph("A100");
  const Roofline& rf = r.forward().roofline();
  EXPECT_EQ(rf.hardware(), "A100 SXM 40GB");
  EXPECT_EQ(rf.peak_flops(), 19.5e12);
  EXPECT_EQ(rf.bandwidth(), 1555e9);
  EXPECT_DOUBLE_EQ(rf.ridge(), 19.5e12 / 1555e9);
  EXPECT_DOUBLE_EQ(rf.seconds(), 2240 / 1555e9 + 256 / 1555e9);
  EXPECT_DOUBLE_EQ(rf.compute_seconds(), 1056 / 19.5e12);
  EXPECT_EQ(rf.memory_bound_nodes(), 2);
  EXPECT_EQ(rf.memory_bound_node_share(), 1.0);
  EXPECT_DOUBLE_EQ(rf.utilization_ceiling(), (1056 / 19.5e12) / (2496 / 1555e9));
  EXPECT_EQ(r.forward().nodes(0).limited_by(), "memory");
  EXPECT_DOUBLE_EQ(r.forward().nodes(0).seconds(), 2240 / 1555e9);
}

TEST(Memory, LayersComeFromModulePaths) {
  EXPECT_EQ(LayerOf("/layer1/layer1.0/conv1/Conv"), "/layer1/layer1.0");
  EXPECT_EQ(LayerOf("/model/layers.3/mlp/up_proj/MatMul"), "/model/layers.3");
  EXPECT_EQ(LayerOf("model/conv2d_1/Conv2D"), "/model/conv2d_1");
  EXPECT_EQ(LayerOf("/conv1/Conv"), "/conv1");
  EXPECT_EQ(LayerOf("/encoder/attention/self/query/MatMul"), "/encoder/attention");
  EXPECT_EQ(LayerOf("Conv_0"), "(top level)");
  EXPECT_EQ(LayerOf("/Flatten"), "(top level)");
  const Report r = SmallGraph();
  ASSERT_EQ(r.forward().layers_size(), 3);
  EXPECT_EQ(r.forward().layers(0).name(), "/fc");
  EXPECT_EQ(r.forward().layers(0).bytes(), 64 + 2048 + 128);
  EXPECT_EQ(r.forward().layers(0).weight_bytes(), 2048);
}

TEST(Memory, AResNet50BottleneckBlock) {
  // torchvision ResNet-50 (BatchNorm folded into the convs), batch 1, fp32;
  // layer1.0 reads the max-pool output a [64, 56, 56] (802,816 B) and ends in
  // a [256, 56, 56] (3,211,264 B). Conv weights k*k*Cin*Cout*4 + bias Cout*4.
  AnalyzeOptions options;
  options.per_node = true;
  absl::StatusOr<Report> r = AnalyzeFile(Data("torchvision/resnet50.onnx"), options);
  ASSERT_TRUE(r.ok()) << r.status();
  const double small = 64.0 * 56 * 56 * 4;   // 802,816
  const double large = 256.0 * 56 * 56 * 4;  // 3,211,264
  const double w1 = (64.0 * 64 + 64) * 4;            // conv1 1x1: 16,640
  const double w2 = (9.0 * 64 * 64 + 64) * 4;        // conv2 3x3: 147,712
  const double w3 = (64.0 * 256 + 256) * 4;          // conv3 1x1: 66,560
  const double wd = (64.0 * 256 + 256) * 4;          // downsample 1x1: 66,560
  struct Expect {
    const char* node;
    double read, weights, written, live;
  };
  // Live: the block input a lives until the downsample conv reads it; the
  // image [3, 224, 224] (602,112 B) is held the whole pass.
  const double image = 3.0 * 224 * 224 * 4;
  const Expect block[] = {
      {"/layer1/layer1.0/conv1/Conv", small, w1, small, small + small},
      {"/layer1/layer1.0/relu/Relu", small, 0, small, small * 3},
      {"/layer1/layer1.0/conv2/Conv", small, w2, small, small * 3},
      {"/layer1/layer1.0/relu_1/Relu", small, 0, small, small * 3},
      {"/layer1/layer1.0/conv3/Conv", small, w3, large, small * 2 + large},
      {"/layer1/layer1.0/downsample/downsample.0/Conv", small, wd, large, small + large * 2},
      {"/layer1/layer1.0/Add", large * 2, 0, large, large * 3},
      {"/layer1/layer1.0/relu_2/Relu", large, 0, large, large * 2},
  };
  int found = 0;
  for (const NodeCost& n : r->forward().nodes()) {
    for (const Expect& e : block) {
      if (n.node() != e.node) continue;
      ++found;
      EXPECT_EQ(n.bytes_read(), e.read) << e.node;
      EXPECT_EQ(n.weight_bytes(), e.weights) << e.node;
      EXPECT_EQ(n.bytes_written(), e.written) << e.node;
      EXPECT_EQ(n.live_bytes(), image + e.live) << e.node;
      EXPECT_EQ(n.layer(), "/layer1/layer1.0") << e.node;
    }
  }
  EXPECT_EQ(found, 8);
  // The whole model's peak is this block's Add: conv3's and the downsample's
  // outputs and the sum, 3 x 3,211,264, and the image.
  EXPECT_EQ(r->forward().memory().peak_activation_bytes(), image + large * 3);
  EXPECT_EQ(r->forward().memory().peak_node(), "/layer1/layer1.0/Add");
  for (const LayerCost& l : r->forward().layers()) {
    if (l.name() != "/layer1/layer1.0") continue;
    EXPECT_EQ(l.nodes(), 8);
    EXPECT_EQ(l.weight_bytes(), w1 + w2 + w3 + wd);
    // Read + written: 10 tensors of a's size, 7 of the output's, and the weights.
    EXPECT_EQ(l.bytes(), small * 10 + large * 7 + (w1 + w2 + w3 + wd));
  }
}

}  // namespace
}  // namespace onnx_flops
