// End to end: model files in testdata/ through the whole pipeline, against
// counts worked out by hand (tools/make_testdata.py has the same sums in its
// comments) and against torch.profiler for real torchvision exports.
#include "analyzer/analyze.h"

#include <string>

#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace onnx_flops {
namespace {

std::string Data(const std::string& name) { return std::string(ONNX_FLOPS_TESTDATA) + "/" + name; }

Report MustAnalyze(const std::string& name, const AnalyzeOptions& options = {}) {
  absl::StatusOr<Report> r = AnalyzeFile(Data(name), options);
  EXPECT_TRUE(r.ok()) << r.status();
  return r.ok() ? *r : Report();
}

const OpTypeCost* OpType(const Report& r, const std::string& op) {
  for (const auto& o : r.forward().by_op_type()) {
    if (o.op_type() == op) return &o;
  }
  return nullptr;
}

TEST(Analyze, TinyMlpByHand) {
  // fc1 Gemm 1x784 * 784x256: 2*784*256 = 401408 (+256 bias); relu 256;
  // fc2 Gemm 1x256 * 256x10: 2*256*10 = 5120 (+10 bias); softmax 5*10 = 50.
  const Report r = MustAnalyze("tiny_mlp.onnx");
  EXPECT_EQ(r.forward().matmul_flops(), 401408.0 + 5120);
  EXPECT_EQ(r.forward().vector_flops(), 256.0 + 256 + 10 + 50);
  EXPECT_EQ(r.forward().flops(), 407100.0);
  EXPECT_EQ(r.forward().macs(), 203264.0);
  EXPECT_EQ(r.model().parameters(), 784.0 * 256 + 256 + 256 * 10 + 10);  // 203530
  EXPECT_EQ(r.model().nodes(), 4);
  EXPECT_EQ(r.model().opset(), 13);
  // The batch dim is symbolic and unbound: taken as 1, said twice.
  ASSERT_EQ(r.assumed_dims_size(), 1);
  EXPECT_EQ(r.assumed_dims(0).name(), "batch");
  EXPECT_EQ(r.assumed_dims(0).source(), "assumed: unbound");
  EXPECT_EQ(r.forward().batch_dim().name(), "batch");
  ASSERT_GE(r.warnings_size(), 1);
  EXPECT_NE(r.warnings(0).find("--dim batch=N"), std::string::npos) << r.warnings(0);
  // Sorted by FLOPs: Gemm first with 401408+256+5120+10 = 406794.
  ASSERT_GE(r.forward().by_op_type_size(), 3);
  EXPECT_EQ(r.forward().by_op_type(0).op_type(), "Gemm");
  EXPECT_EQ(r.forward().by_op_type(0).flops(), 406794.0);
  EXPECT_NEAR(r.forward().by_op_type(0).share(), 406794.0 / 407100, 1e-12);
}

TEST(Analyze, BatchBindingScalesAndPerExampleDivides) {
  AnalyzeOptions o;
  o.bindings.dims = {{"batch", 32}};
  const Report r = MustAnalyze("tiny_mlp.onnx", o);
  EXPECT_EQ(r.forward().batch_size(), 32);
  EXPECT_EQ(r.forward().flops(), 32 * 407100.0);
  EXPECT_EQ(r.forward().flops_per_example(), 407100.0);
  EXPECT_EQ(r.assumed_dims(0).source(), "--dim");
  // --input sets the whole shape, and the batch follows it.
  AnalyzeOptions in;
  in.bindings.inputs = {{"x", {7, 784}}};
  const Report ri = MustAnalyze("tiny_mlp.onnx", in);
  EXPECT_EQ(ri.forward().batch_size(), 7);
  EXPECT_EQ(ri.forward().flops(), 7 * 407100.0);
}

TEST(Analyze, TrainingMethodOne) {
  AnalyzeOptions o;
  o.training.examples = 60000;
  o.training.epochs = 10;
  const Report r = MustAnalyze("tiny_mlp.onnx", o);
  ASSERT_TRUE(r.has_training());
  // 407100 x (1 + 2) x 60000 x 10 = 7.3278e11
  EXPECT_EQ(r.training().flops(), 407100.0 * 3 * 60000 * 10);
  EXPECT_EQ(r.training().backward_ratio(), 2.0);
}

TEST(Analyze, StrictRejectsUnboundDims) {
  AnalyzeOptions o;
  o.bindings.strict = true;
  auto r = AnalyzeFile(Data("tiny_mlp.onnx"), o);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("batch"), std::string::npos) << r.status();
  AnalyzeOptions bad_rank;
  bad_rank.bindings.inputs = {{"x", {1, 3, 224, 224}}};
  EXPECT_FALSE(AnalyzeFile(Data("tiny_mlp.onnx"), bad_rank).ok());
  AnalyzeOptions conflict;  // --input says batch 4, --dim says 8
  conflict.bindings.inputs = {{"x", {4, 784}}};
  conflict.bindings.dims = {{"batch", 8}};
  auto c = AnalyzeFile(Data("tiny_mlp.onnx"), conflict);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("conflicts"), std::string::npos) << c.status();
  AnalyzeOptions agree = conflict;  // the same value twice is fine
  agree.bindings.dims = {{"batch", 4}};
  EXPECT_TRUE(AnalyzeFile(Data("tiny_mlp.onnx"), agree).ok());
  AnalyzeOptions bad_name;
  bad_name.bindings.inputs = {{"nope", {1, 784}}};
  EXPECT_FALSE(AnalyzeFile(Data("tiny_mlp.onnx"), bad_name).ok());
}

TEST(Analyze, SmallCnnWeightsAbsent) {
  // N=2. conv1 out 16x32x32 = 16384 positions: 2*16384*27 = 884736, bias 16384;
  // relu1 16384; maxpool 2x2: 4096 outputs x 3 comparisons = 12288;
  // conv2 (no bias) out 32x16x16 = 8192: 2*8192*144 = 2359296; relu2 8192;
  // GAP 32 channels x 256 = 8192; flatten 0; fc 2*32*10 = 640 + bias 10.
  AnalyzeOptions o;
  o.bindings.dims = {{"N", 2}};
  const Report r = MustAnalyze("small_cnn.onnx", o);
  EXPECT_EQ(r.forward().matmul_flops(), 2 * (884736.0 + 2359296 + 640));
  EXPECT_EQ(r.forward().vector_flops(), 2 * (16384.0 + 16384 + 12288 + 8192 + 8192 + 10));
  EXPECT_EQ(r.forward().flops_per_example(), 3306122.0);
  EXPECT_EQ(r.model().parameters(), 5386.0);
  EXPECT_TRUE(r.model().external_data());
  EXPECT_EQ(r.forward().coverage().data_movement(), 1);
  EXPECT_EQ(r.forward().coverage().uncounted(), 0);
  const OpTypeCost* pool = OpType(r, "MaxPool");
  ASSERT_NE(pool, nullptr);
  EXPECT_EQ(pool->flops(), 2 * 12288.0);
  EXPECT_EQ(pool->macs(), 0.0);
}

TEST(Analyze, BroadcastMatMulsAndSharedWeights) {
  // 65536 + 1024 + 256 + 32 + 6144 (see make_testdata.py); W shared, counted once.
  const Report r = MustAnalyze("matmul_broadcast.onnx");
  EXPECT_EQ(r.forward().matmul_flops(), 65536.0 + 1024 + 256 + 32 + 6144);
  EXPECT_EQ(r.model().parameters(), 512.0);
}

TEST(Analyze, OldOpsetWithInitializersAsInputs) {
  // conv SAME_UPPER s2 28->14: 2*1568*27 = 84672 + bias 1568; relu 1568;
  // Gemm 2*1568*10 = 31360 + 10. Initializers listed as inputs are weights.
  const Report r = MustAnalyze("opset7_conv.onnx");
  EXPECT_EQ(r.forward().matmul_flops(), 84672.0 + 31360);
  EXPECT_EQ(r.forward().vector_flops(), 1568.0 + 1568 + 10);
  EXPECT_EQ(r.model().parameters(), 15914.0);
  EXPECT_EQ(r.assumed_dims_size(), 0);
  ASSERT_EQ(r.model().inputs_size(), 1);  // the weights are not listed as data inputs

  const Report ia = MustAnalyze("initializer_as_input.onnx");
  EXPECT_EQ(ia.forward().flops(), 27.0);
  EXPECT_EQ(ia.model().parameters(), 15.0);
}

TEST(Analyze, UnknownOpsAreListedNotZeroed) {
  const Report r = MustAnalyze("unknown_op.onnx");
  EXPECT_EQ(r.forward().flops(), 8.0);
  EXPECT_EQ(r.forward().coverage().counted(), 1);
  EXPECT_EQ(r.forward().coverage().data_movement(), 1);
  ASSERT_EQ(r.forward().uncounted_size(), 3);
  EXPECT_EQ(r.forward().uncounted(0).node(), "frobnicate");
  EXPECT_NE(r.forward().uncounted(0).reason().find("com.example"), std::string::npos);
  EXPECT_EQ(r.forward().uncounted(1).node(), "add_after_frob");
  EXPECT_NE(r.forward().uncounted(1).reason().find("'f'"), std::string::npos);
  EXPECT_EQ(r.forward().uncounted(2).node(), "relu_after_expand");
  // The 8 FLOP are a lower bound, and the report says so.
  EXPECT_TRUE(r.forward().lower_bound());
  EXPECT_FALSE(MustAnalyze("small_cnn.onnx").forward().lower_bound());
  bool warned = false;
  for (const auto& w : r.warnings()) warned |= w.find("3 of 5 nodes") != std::string::npos;
  EXPECT_TRUE(warned);
}

TEST(Analyze, PerNodeDetail) {
  AnalyzeOptions o;
  o.per_node = true;
  const Report r = MustAnalyze("small_cnn.onnx", o);
  ASSERT_EQ(r.forward().nodes_size(), 8);
  EXPECT_EQ(r.forward().nodes(0).node(), "conv1");
  EXPECT_EQ(r.forward().nodes(0).output_shape(), "1x16x32x32");
  EXPECT_EQ(r.forward().nodes(0).flops(), 884736.0 + 16384);
  EXPECT_EQ(r.forward().nodes(6).status(), "data_movement");
}

// torchvision exports (tools/validate_torchvision.py, torch 1.13, opset 13,
// weights stripped). References: the sum of aten::conv2d and aten::addmm
// FLOPs from torch.profiler(with_flops=True), which agrees with torchvision's
// documented GFLOPS (= GMACs): resnet50 4.089, resnet18 1.814,
// mobilenet_v2 0.301, vgg11 7.609.
struct TorchvisionCase {
  const char* file;
  double profiler_matmul_flops;
};

class TorchvisionTest : public ::testing::TestWithParam<TorchvisionCase> {};

TEST_P(TorchvisionTest, MatMulClassMatchesProfiler) {
  const TorchvisionCase& c = GetParam();
  const Report r = MustAnalyze(std::string("torchvision/") + c.file);
  EXPECT_EQ(r.forward().coverage().uncounted(), 0);
  EXPECT_NEAR(r.forward().matmul_flops_per_example(), c.profiler_matmul_flops,
              0.01 * c.profiler_matmul_flops);
  EXPECT_EQ(r.forward().macs_per_example() * 2, r.forward().matmul_flops_per_example());
}

INSTANTIATE_TEST_SUITE_P(
    Exports, TorchvisionTest,
    ::testing::Values(TorchvisionCase{"resnet50.onnx", 8178368512.0},
                      TorchvisionCase{"resnet50_dynamic.onnx", 8178368512.0},
                      TorchvisionCase{"resnet18.onnx", 3628146688.0},
                      TorchvisionCase{"resnet18_dynamic.onnx", 3628146688.0},
                      TorchvisionCase{"mobilenet_v2.onnx", 601548544.0},
                      TorchvisionCase{"mobilenet_v2_dynamic.onnx", 601548544.0},
                      TorchvisionCase{"vgg11.onnx", 15218180096.0},
                      TorchvisionCase{"vgg11_dynamic.onnx", 15218180096.0}));

TEST(Analyze, ResNet50DynamicBatch) {
  // 4.089 GMAC per image at any batch: the batch dim scales the pass, not the
  // per-example figure.
  AnalyzeOptions o;
  o.bindings.dims = {{"batch", 16}};
  const Report r = MustAnalyze("torchvision/resnet50_dynamic.onnx", o);
  EXPECT_EQ(r.forward().batch_size(), 16);
  EXPECT_EQ(r.forward().macs(), 16 * 4089184256.0);
  EXPECT_EQ(r.forward().macs_per_example(), 4089184256.0);
  // 25,530,472 parameters: torchvision's 25,557,032 less the BN running stats
  // and affine params that the exporter folds into the conv weights.
  EXPECT_EQ(r.model().parameters(), 25530472.0);
}

}  // namespace
}  // namespace onnx_flops

namespace onnx_flops {
namespace {

TEST(Analyze, ReshapeFromComputedShapeIsPropagated) {
  // torch x.view(x.size(0), -1): ONNX 1.12 leaves the Reshape output unknown;
  // our propagation resolves it so the Linear after it is counted. Batch 3:
  // conv 2*3*8*900*27 = 1166400, linear 2*3*7200*10 = 432000 (matmul);
  // conv bias 21600 + relu 21600 + linear bias 30 (vector).
  AnalyzeOptions o;
  o.bindings.dims = {{"batch", 3}};
  const Report r = MustAnalyze("torch/view_flatten.onnx", o);
  EXPECT_EQ(r.forward().coverage().uncounted(), 0);
  EXPECT_EQ(r.forward().matmul_flops(), 1166400.0 + 432000);
  EXPECT_EQ(r.forward().vector_flops(), 21600.0 + 21600 + 30);
}

// In-memory models for the cases no testdata/ file shows: a float input
// (a dim of -1 is left symbolic, named by `param`) and float weights.
onnx::ValueInfoProto* AddInput(onnx::GraphProto* g, const std::string& name, Dims dims,
                               const std::string& param = "") {
  onnx::ValueInfoProto* x = g->add_input();
  x->set_name(name);
  auto* tt = x->mutable_type()->mutable_tensor_type();
  tt->set_elem_type(onnx::TensorProto::FLOAT);
  for (int64_t d : dims) {
    auto* dim = tt->mutable_shape()->add_dim();
    if (d < 0) {
      dim->set_dim_param(param);
    } else {
      dim->set_dim_value(d);
    }
  }
  return x;
}

void AddWeight(onnx::GraphProto* g, const std::string& name, Dims dims) {
  onnx::TensorProto* w = g->add_initializer();
  w->set_name(name);
  w->set_data_type(onnx::TensorProto::FLOAT);
  for (int64_t d : dims) w->add_dims(d);
}

TEST(Analyze, AnImpossibleNodeNamesTheUnboundDimsTakenAsOne) {
  // x [1, 1, samples] through a Conv with a 512-tap kernel: with samples taken as 1
  // the window is longer than the input, so the node is uncounted, and the
  // warnings name the dim to bind.
  onnx::ModelProto m;
  m.add_opset_import()->set_version(13);
  onnx::GraphProto* g = m.mutable_graph();
  AddInput(g, "x", {1, 1, -1}, "samples");
  AddWeight(g, "W", {258, 1, 512});
  onnx::NodeProto* conv = g->add_node();
  conv->set_op_type("Conv");
  conv->add_input("x");
  conv->add_input("W");
  conv->add_output("y");
  g->add_output()->set_name("y");
  absl::StatusOr<Report> r = AnalyzeBytes(m.SerializeAsString(), "stft.onnx", AnalyzeOptions());
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->forward().coverage().uncounted(), 1);
  bool named = false;
  for (const auto& warning : r->warnings()) {
    named |= absl::StrContains(warning, "the unbound dim samples was taken as 1");
  }
  EXPECT_TRUE(named);
  // Bound, the Conv counts: (512 - 512) / 1 + 1 = 1 position, 2*258*512 = 264,192.
  AnalyzeOptions bound;
  bound.bindings.dims = {{"samples", 512}};
  absl::StatusOr<Report> b = AnalyzeBytes(m.SerializeAsString(), "stft.onnx", bound);
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_EQ(b->forward().flops(), 264192.0);
}

TEST(Analyze, ASizeFromAnInputValueNamesTheValueToBind) {
  // n (an int64 scalar input) -> Range(0, n, 1) -> Cast -> Relu: the Relu's
  // shape waits on n's value, so its reason names --value n=V; with n = 10 it
  // counts 10 (1 per element).
  onnx::ModelProto m;
  m.add_opset_import()->set_version(13);
  onnx::GraphProto* g = m.mutable_graph();
  auto* n_type = AddInput(g, "n", {})->mutable_type()->mutable_tensor_type();
  n_type->set_elem_type(onnx::TensorProto::INT64);
  n_type->mutable_shape();  // a scalar
  for (const char* name : {"zero", "one"}) {
    onnx::TensorProto* c = g->add_initializer();
    c->set_name(name);
    c->set_data_type(onnx::TensorProto::INT64);
    c->add_int64_data(name[0] == 'z' ? 0 : 1);
  }
  auto add = [&](const char* op, std::vector<std::string> ins, const char* out) {
    onnx::NodeProto* n = g->add_node();
    n->set_op_type(op);
    n->set_name(op);
    for (const auto& in : ins) n->add_input(in);
    n->add_output(out);
    return n;
  };
  add("Range", {"zero", "n", "one"}, "r");
  onnx::AttributeProto* to = add("Cast", {"r"}, "f")->add_attribute();
  to->set_name("to");
  to->set_type(onnx::AttributeProto::INT);
  to->set_i(onnx::TensorProto::FLOAT);
  add("Relu", {"f"}, "y");
  g->add_output()->set_name("y");
  absl::StatusOr<Report> r = AnalyzeBytes(m.SerializeAsString(), "range.onnx", AnalyzeOptions());
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->forward().uncounted_size(), 1);
  EXPECT_TRUE(absl::StrContains(r->forward().uncounted(0).reason(),
                                "it depends on the value of input 'n': give it with --value n=V"))
      << r->forward().uncounted(0).reason();
  AnalyzeOptions valued;
  valued.bindings.values = {{"n", {10}}};
  absl::StatusOr<Report> v = AnalyzeBytes(m.SerializeAsString(), "range.onnx", valued);
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(v->forward().coverage().uncounted(), 0);
  EXPECT_EQ(v->forward().flops(), 10.0);
}

TEST(Analyze, ATimeMajorStaticInputTakesTheBatchTheRecurrenceRuns) {
  // x [T = 20, B = 1, 8] static, through a Relu (which the axis tracing does not
  // follow) into an LSTM over T: the batch is axis 1 (1), not axis 0 (20).
  onnx::ModelProto m;
  m.add_opset_import()->set_version(13);
  onnx::GraphProto* g = m.mutable_graph();
  AddInput(g, "x", {20, 1, 8});
  AddWeight(g, "W", {1, 16, 8});
  AddWeight(g, "R", {1, 16, 4});
  onnx::NodeProto* relu = g->add_node();
  relu->set_op_type("Relu");
  relu->add_input("x");
  relu->add_output("xr");
  onnx::NodeProto* lstm = g->add_node();
  lstm->set_op_type("LSTM");
  lstm->set_name("lstm");
  for (const char* in : {"xr", "W", "R"}) lstm->add_input(in);
  lstm->add_output("Y");
  onnx::AttributeProto* hidden = lstm->add_attribute();
  hidden->set_name("hidden_size");
  hidden->set_type(onnx::AttributeProto::INT);
  hidden->set_i(4);
  g->add_output()->set_name("Y");
  absl::StatusOr<Report> r = AnalyzeBytes(m.SerializeAsString(), "time_major.onnx", AnalyzeOptions());
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->forward().batch_size(), 1);
  EXPECT_EQ(r->forward().batch_dim().name(), "x:1");
  EXPECT_TRUE(absl::StrContains(r->forward().batch_dim().reason(), "time-major"))
      << r->forward().batch_dim().reason();
  EXPECT_EQ(r->forward().flops_per_example(), r->forward().flops());
}

}  // namespace
}  // namespace onnx_flops
