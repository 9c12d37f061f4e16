// Which dim counts examples and which counts time steps, on small graphs
// built by hand: each heuristic of ChooseBatch/ChooseSequence in its order,
// the flags that override them, and the malformed graphs that must not
// mislead them.
#include "analyzer/count/batch.h"

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "gtest/gtest.h"

namespace onnx_flops {
namespace {

// A data input whose dims are written "batch", "3" or "?" (neither).
void AddInput(onnx::GraphProto* g, const std::string& name, const std::vector<std::string>& dims) {
  onnx::ValueInfoProto* vi = g->add_input();
  vi->set_name(name);
  auto* t = vi->mutable_type()->mutable_tensor_type();
  t->set_elem_type(onnx::TensorProto::FLOAT);
  auto* shape = t->mutable_shape();
  for (const std::string& d : dims) {
    auto* dim = shape->add_dim();
    int64_t v = 0;
    if (absl::SimpleAtoi(d, &v)) {
      dim->set_dim_value(v);
    } else if (d != "?") {
      dim->set_dim_param(d);
    }
  }
}

onnx::NodeProto* AddNode(onnx::GraphProto* g, const std::string& op, const std::string& in,
                         const std::string& out, const std::string& name = "") {
  onnx::NodeProto* n = g->add_node();
  n->set_op_type(op);
  n->add_input(in);
  n->add_output(out);
  n->set_name(name.empty() ? op : name);
  return n;
}

void AddInts(onnx::NodeProto* n, const std::string& name, const std::vector<int64_t>& ints) {
  onnx::AttributeProto* a = n->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INTS);
  for (int64_t i : ints) a->add_ints(i);
}

DimChoice Batch(const onnx::GraphProto& g, const BindResult& binding = BindResult(),
                const std::string& requested = "") {
  absl::StatusOr<DimChoice> c = ChooseBatch(g, g, binding, requested);
  EXPECT_TRUE(c.ok()) << c.status();
  return c.ok() ? *c : DimChoice();
}

TEST(ChooseBatch, ASymbolicDimNamedLikeABatchComesFirst) {
  onnx::GraphProto g;
  AddInput(&g, "ids", {"seq", "batch_size"});
  BindResult binding;
  binding.bound["batch_size"] = 8;
  const DimChoice c = Batch(g, binding);
  EXPECT_TRUE(c.found);
  EXPECT_EQ(c.name, "batch_size");
  EXPECT_EQ(c.size, 8);
  EXPECT_EQ(c.reason, "the symbolic dim 'batch_size' of input 'ids' is named like a batch");
}

TEST(ChooseBatch, TheBatchAxisOfARecurrentNodeThroughATranspose) {
  // x[d0, d1, 16] -> Transpose(perm 1,0,2) -> LSTM (layout 0: [seq, batch, in]):
  // the LSTM's batch axis 1 is axis 0 of x.
  onnx::GraphProto g;
  AddInput(&g, "x", {"d0", "d1", "16"});
  AddInts(AddNode(&g, "Transpose", "x", "xt"), "perm", {1, 0, 2});
  AddNode(&g, "LSTM", "xt", "y", "lstm");
  const DimChoice c = Batch(g);
  EXPECT_EQ(c.name, "d0");
  EXPECT_EQ(c.reason, "axis 0 of input 'x' is the batch axis of LSTM 'lstm'");
}

TEST(ChooseBatch, APermEntryOutsideTheRankNamesNoAxis) {
  // A malformed perm (-2) once became axis -2 and a read before the dims
  // (testdata/fuzz/transpose_perm_out_of_rank_batch_trace.onnx): the trace
  // gives up and the next heuristic, the dynamic axis 0, decides.
  onnx::GraphProto g;
  AddInput(&g, "x", {"d0", "d1", "16"});
  AddInts(AddNode(&g, "Transpose", "x", "xt"), "perm", {-2, -2, -2});
  AddNode(&g, "LSTM", "xt", "y", "lstm");
  const DimChoice c = Batch(g);
  EXPECT_EQ(c.name, "d0");
  EXPECT_EQ(c.reason, "axis 0 of input 'x' is dynamic, the exporter's mark of a batch axis");
}

TEST(ChooseBatch, ADynamicAxisZeroUnlessNamedLikeASequence) {
  onnx::GraphProto g;
  AddInput(&g, "tokens", {"seq_len", "4"});
  AddInput(&g, "image", {"n_images", "3", "32", "32"});
  const DimChoice c = Batch(g);
  EXPECT_EQ(c.name, "n_images");
  EXPECT_EQ(c.size, 1);  // unbound
}

TEST(ChooseBatch, AStaticGraphTakesAxisZeroOfTheFirstInputOfRankTwo) {
  onnx::GraphProto g;
  AddInput(&g, "scale", {"4"});
  AddInput(&g, "x", {"20", "1", "3"});
  const DimChoice c = Batch(g);
  EXPECT_TRUE(c.found);
  EXPECT_EQ(c.name, "x:0");
  EXPECT_EQ(c.size, 20);
  EXPECT_TRUE(absl::StrContains(c.reason, "--batch-dim to choose")) << c.reason;
}

TEST(ChooseBatch, NoInputOfRankTwoIsOneExample) {
  onnx::GraphProto g;
  AddInput(&g, "x", {"7"});
  const DimChoice c = Batch(g);
  EXPECT_FALSE(c.found);
  EXPECT_EQ(c.size, 1);
}

TEST(ChooseBatch, TheFlagWinsAndMustNameARealDim) {
  onnx::GraphProto g;
  AddInput(&g, "x", {"batch", "5", "7"});
  const DimChoice axis = Batch(g, BindResult(), "x:1");
  EXPECT_EQ(axis.name, "x:1");
  EXPECT_EQ(axis.size, 5);
  EXPECT_EQ(axis.reason, "chosen with --batch-dim");
  BindResult binding;
  binding.bound["batch"] = 3;
  EXPECT_EQ(Batch(g, binding, "batch").size, 3);
  for (const char* bad : {"x:3", "x:-1", "nope", "y:0"}) {
    absl::StatusOr<DimChoice> c = ChooseBatch(g, g, BindResult(), bad);
    ASSERT_FALSE(c.ok()) << bad;
    EXPECT_TRUE(absl::StartsWith(c.status().message(), std::string("--batch-dim ") + bad))
        << c.status();
  }
}

TEST(ChooseSequence, TheTimeAxisOfARecurrentNodeOrASequenceName) {
  // GRU with layout 1 ([batch, seq, in]): time is axis 1, 12 steps.
  onnx::GraphProto g;
  AddInput(&g, "x", {"b", "steps", "16"});
  onnx::NodeProto* gru = AddNode(&g, "GRU", "x", "y", "gru");
  onnx::AttributeProto* layout = gru->add_attribute();
  layout->set_name("layout");
  layout->set_type(onnx::AttributeProto::INT);
  layout->set_i(1);
  ValueTable values;
  TensorInfo x;
  x.has_shape = true;
  x.dims = {2, 12, 16};
  values["x"] = x;
  absl::StatusOr<DimChoice> c = ChooseSequence(g, g, BindResult(), values, "");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->name, "steps");
  EXPECT_EQ(c->size, 12);
  EXPECT_EQ(c->reason, "axis 1 of GRU 'gru' input X is its time axis");

  onnx::GraphProto named;
  AddInput(&named, "ids", {"batch", "sequence_length"});
  c = ChooseSequence(named, named, BindResult(), ValueTable(), "");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->name, "sequence_length");
  // No recurrence, no sequence-like name: no sequence, and no error.
  onnx::GraphProto image;
  AddInput(&image, "x", {"batch", "3", "224", "224"});
  c = ChooseSequence(image, image, BindResult(), ValueTable(), "");
  ASSERT_TRUE(c.ok());
  EXPECT_FALSE(c->found);
}

}  // namespace
}  // namespace onnx_flops
