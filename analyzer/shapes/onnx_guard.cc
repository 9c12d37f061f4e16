#include "analyzer/shapes/onnx_guard.h"

#include <cstddef>
#include <mutex>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/string_view.h"
#include "analyzer/util/element_type.h"
#include "onnx/defs/schema.h"

namespace onnx_flops {
namespace {

constexpr char kUnsafeOpType[] = "OnnxFlopsUnsafeForInference";

int DropIn(onnx::TensorProto* t) {
  if (t->raw_data().empty() || t->raw_data().size() % ElementBytes(t->data_type()) == 0) {
    return 0;
  }
  t->clear_raw_data();
  return 1;
}

int DropInGraph(onnx::GraphProto* g);

int DropInNode(onnx::NodeProto* n) {
  int dropped = 0;
  for (auto& a : *n->mutable_attribute()) {
    if (a.has_t()) dropped += DropIn(a.mutable_t());
    for (auto& t : *a.mutable_tensors()) dropped += DropIn(&t);
    if (a.has_sparse_tensor()) {
      dropped += DropIn(a.mutable_sparse_tensor()->mutable_values());
      dropped += DropIn(a.mutable_sparse_tensor()->mutable_indices());
    }
    if (a.has_g()) dropped += DropInGraph(a.mutable_g());
    for (auto& g : *a.mutable_graphs()) dropped += DropInGraph(&g);
  }
  return dropped;
}

int DropInGraph(onnx::GraphProto* g) {
  int dropped = 0;
  for (auto& t : *g->mutable_initializer()) dropped += DropIn(&t);
  for (auto& s : *g->mutable_sparse_initializer()) {
    dropped += DropIn(s.mutable_values());
    dropped += DropIn(s.mutable_indices());
  }
  for (auto& n : *g->mutable_node()) dropped += DropInNode(&n);
  return dropped;
}

// Elements the tensor's payload holds, as ONNX's ParseData would read them.
double PayloadElements(const onnx::TensorProto& t) {
  if (!t.raw_data().empty()) {
    return static_cast<double>(t.raw_data().size() / ElementBytes(t.data_type()));
  }
  switch (t.data_type()) {
    case onnx::TensorProto::FLOAT:
      return t.float_data_size();
    case onnx::TensorProto::COMPLEX64:
      return t.float_data_size() / 2;
    case onnx::TensorProto::DOUBLE:
      return t.double_data_size();
    case onnx::TensorProto::COMPLEX128:
      return t.double_data_size() / 2;
    case onnx::TensorProto::INT64:
      return t.int64_data_size();
    case onnx::TensorProto::UINT32:
    case onnx::TensorProto::UINT64:
      return t.uint64_data_size();
    case onnx::TensorProto::STRING:
      return t.string_data_size();
    default:
      return t.int32_data_size();
  }
}

// A tensor whose payload does not hold the elements its dims declare: ONNX's
// shape functions that read input values (Range, Reshape, Slice...) index
// into it unchecked, and one with no payload at all is read through a null
// pointer. A payload the loader skipped (over kStrippedAbove bytes) is not
// one of these: its tensor is a weight, not a value a shape function reads.
constexpr double kStrippedAbove = 512;
bool PayloadDisagreesWithDims(const onnx::TensorProto& t) {
  if (t.data_location() == onnx::TensorProto::EXTERNAL) return false;
  double expected = 1;
  for (int64_t d : t.dims()) {
    if (d < 0) return true;
    expected *= static_cast<double>(d);
  }
  const double stored = PayloadElements(t);
  if (stored == expected) return false;
  const bool stripped =
      stored == 0 && expected * static_cast<double>(ElementBytes(t.data_type())) > kStrippedAbove;
  return !stripped;
}

bool IsDefaultDomain(const std::string& d) { return d.empty() || d == "ai.onnx"; }

// The default-domain ops whose ONNX 1.12 shape functions read input values
// (shapes, axes, sizes, counts) and would index a short payload unchecked.
// Others see only the tensor's type and dims, which stay right: a weight
// with no payload (dims kept, data stripped) is harmless to a MatMul.
bool ReadsInputValues(const onnx::NodeProto& n) {
  static const absl::flat_hash_set<std::string>* const kOps = new absl::flat_hash_set<std::string>{
      "Range", "Reshape", "Expand", "Tile", "ConstantOfShape", "Slice", "Squeeze", "Unsqueeze",
      "Pad", "TopK", "Split", "ReduceSum", "ReduceMean", "ReduceMax", "ReduceMin", "ReduceProd",
      "ReduceL1", "ReduceL2", "ReduceLogSum", "ReduceLogSumExp", "ReduceSumSquare", "Resize",
      "Upsample", "OneHot", "CenterCropPad", "Col2Im", "DFT", "STFT", "BlackmanWindow",
      "HannWindow", "HammingWindow", "MelWeightMatrix"};
  return IsDefaultDomain(n.domain()) && kOps->contains(n.op_type());
}

const onnx::AttributeProto* Attr(const onnx::NodeProto& n, absl::string_view name) {
  for (const auto& a : n.attribute()) {
    if (a.name() == name) return &a;
  }
  return nullptr;
}

}  // namespace

int DropUndecodablePayloads(onnx::ModelProto* model) {
  return model->has_graph() ? DropInGraph(model->mutable_graph()) : 0;
}

onnx::OpSchemaRegistry* OnnxSchemas() {
  static std::once_flag once;
  std::call_once(once, [] { (void)onnx::OpSchemaRegistry::Schema("Add", 13, ""); });
  return onnx::OpSchemaRegistry::Instance();
}

bool UnsafeForOnnxInference(const onnx::NodeProto& node) {
  // What only crashes ONNX (Scan without num_scan_inputs read through a null
  // pointer, a stride of 0 divided by) is no longer hidden: it costs the
  // isolated helper (analyzer/shapes/onnx_isolation.h), not us. What is left would
  // give wrong shapes without crashing, or hold the helper to its time limit.
  if (!IsDefaultDomain(node.domain())) return false;
  const std::string& op = node.op_type();
  if (op == "Scan") {
    // ONNX sizes vectors by num_scan_inputs: 2^31 of them is gigabytes,
    // which the helper's memory limit stops at once in a normal build but
    // which takes it half a minute to allocate where there is no limit
    // (sanitizer builds). A Scan has at most as many scan inputs as inputs.
    int given = 0;
    int64_t scans = 0;
    for (const auto& a : node.attribute()) {
      if (a.name() != "num_scan_inputs") continue;
      ++given;
      scans = a.i();
    }
    return given != 1 || scans < 1 || scans > node.input_size();
  }
  const bool conv = op == "Conv" || op == "ConvInteger" || op == "QLinearConv" ||
                    op == "ConvTranspose";
  const bool pool = op == "MaxPool" || op == "AveragePool" || op == "LpPool";
  if (!conv && !pool) return false;
  const onnx::AttributeProto* strides = Attr(node, "strides");
  bool stride_above_1 = false;
  if (strides != nullptr) {
    for (int64_t s : strides->ints()) stride_above_1 = stride_above_1 || s > 1;
  }
  // With an auto_pad attribute other than VALID (NOTSET included) and no
  // pads, it finds the residual of each dim by subtracting the stride in a
  // loop: 2^61 rounds on a dim of 2^62, a hang rather than a crash.
  const onnx::AttributeProto* auto_pad = Attr(node, "auto_pad");
  if (auto_pad != nullptr && auto_pad->s() != "VALID" && Attr(node, "pads") == nullptr &&
      stride_above_1) {
    return true;
  }
  // Without kernel_shape the kernel comes from W's dims, and a W of higher
  // rank than X makes it read X's dims past their end: garbage, not a crash.
  if (conv && Attr(node, "kernel_shape") == nullptr) return true;
  return false;
}

OnnxInferenceGuard::OnnxInferenceGuard(onnx::ModelProto* model) {
  if (model->has_graph()) HideIn(model->mutable_graph(), {});
}

void OnnxInferenceGuard::HideIn(onnx::GraphProto* graph,
                                absl::flat_hash_set<std::string> bad_values) {
  // Values (of this graph or an enclosing one) whose payload ONNX would
  // misread: their consumers are hidden; ours gives those shapes.
  for (const auto& t : graph->initializer()) {
    if (PayloadDisagreesWithDims(t)) bad_values.insert(t.name());
  }
  for (const auto& n : graph->node()) {
    if (n.op_type() != "Constant" || n.output_size() != 1) continue;
    for (const auto& a : n.attribute()) {
      if (a.has_t() && PayloadDisagreesWithDims(a.t())) bad_values.insert(n.output(0));
    }
  }
  for (auto& n : *graph->mutable_node()) {
    bool reads_bad_value = false;
    if (ReadsInputValues(n)) {
      for (const auto& in : n.input()) reads_bad_value = reads_bad_value || bad_values.contains(in);
    }
    if (reads_bad_value || UnsafeForOnnxInference(n)) {
      hidden_.emplace_back(&n, n.op_type());
      n.set_op_type(kUnsafeOpType);
    }
    for (auto& a : *n.mutable_attribute()) {
      if (a.has_g()) HideIn(a.mutable_g(), bad_values);
      for (auto& g : *a.mutable_graphs()) HideIn(&g, bad_values);
    }
  }
}

OnnxInferenceGuard::~OnnxInferenceGuard() {
  for (auto& [node, op_type] : hidden_) node->set_op_type(op_type);
}

}  // namespace onnx_flops
