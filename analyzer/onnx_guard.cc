#include "analyzer/onnx_guard.h"

#include <cstddef>
#include <limits>
#include <mutex>

#include "absl/strings/string_view.h"
#include "onnx/defs/schema.h"

namespace onnx_flops {
namespace {

constexpr char kUnsafeOpType[] = "OnnxFlopsUnsafeForInference";

// Bytes per element of the types whose raw_data ONNX's ParseData copies; 1 for
// the rest (bytes, strings, unknown codes), which any size fits.
size_t ElementBytes(int32_t type) {
  switch (type) {
    case onnx::TensorProto::DOUBLE:
    case onnx::TensorProto::INT64:
    case onnx::TensorProto::UINT64:
    case onnx::TensorProto::COMPLEX64:
      return 8;
    case onnx::TensorProto::FLOAT:
    case onnx::TensorProto::INT32:
    case onnx::TensorProto::UINT32:
      return 4;
    case onnx::TensorProto::FLOAT16:
    case onnx::TensorProto::BFLOAT16:
    case onnx::TensorProto::INT16:
    case onnx::TensorProto::UINT16:
      return 2;
    case onnx::TensorProto::COMPLEX128:
      return 16;
    default:
      return 1;
  }
}

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

const onnx::AttributeProto* Attr(const onnx::NodeProto& n, absl::string_view name) {
  for (const auto& a : n.attribute()) {
    if (a.name() == name) return &a;
  }
  return nullptr;
}

bool IsDefaultDomain(const std::string& d) { return d.empty() || d == "ai.onnx"; }

}  // namespace

int DropUndecodablePayloads(onnx::ModelProto* model) {
  return model->has_graph() ? DropInGraph(model->mutable_graph()) : 0;
}

onnx::OpSchemaRegistry* OnnxSchemas() {
  static std::once_flag once;
  std::call_once(once, [] { (void)onnx::OpSchemaRegistry::Schema("Add", 13, ""); });
  return onnx::OpSchemaRegistry::Instance();
}

bool UnsafeForOnnxInference(const onnx::NodeProto& node, int64_t opset) {
  // ONNX's inference functions assume what its checker enforces: Scan's
  // reads num_scan_inputs through a null pointer when it is absent.
  const onnx::OpSchema* schema =
      opset > 0 && opset <= std::numeric_limits<int>::max()
          ? OnnxSchemas()->Schema(node.op_type(), static_cast<int>(opset),
                                           IsDefaultDomain(node.domain()) ? "" : node.domain())
          : nullptr;
  if (schema != nullptr) {
    for (const auto& [name, attr] : schema->attributes()) {
      if (attr.required && Attr(node, name) == nullptr) return true;
    }
  }
  if (!IsDefaultDomain(node.domain())) return false;
  const std::string& op = node.op_type();
  const bool conv = op == "Conv" || op == "ConvInteger" || op == "QLinearConv" ||
                    op == "ConvTranspose";
  const bool pool = op == "MaxPool" || op == "AveragePool" || op == "LpPool";
  if (!conv && !pool) return false;
  const onnx::AttributeProto* strides = Attr(node, "strides");
  bool stride_above_1 = false;
  if (strides != nullptr) {
    for (int64_t s : strides->ints()) {
      // convPoolShapeInference divides by the stride: 0 is SIGFPE, and a
      // negative one can make INT64_MIN / -1.
      if (s <= 0) return true;
      stride_above_1 = stride_above_1 || s > 1;
    }
  }
  // With an auto_pad attribute other than VALID (NOTSET included) and no
  // pads, it finds the residual of each dim by subtracting the stride in a
  // loop: 2^61 rounds on a dim of 2^62.
  const onnx::AttributeProto* auto_pad = Attr(node, "auto_pad");
  if (auto_pad != nullptr && auto_pad->s() != "VALID" && Attr(node, "pads") == nullptr &&
      stride_above_1) {
    return true;
  }
  // Without kernel_shape the kernel comes from W's dims, and a W of higher
  // rank than X makes it read X's dims past their end.
  if (conv && Attr(node, "kernel_shape") == nullptr) return true;
  return false;
}

OnnxInferenceGuard::OnnxInferenceGuard(onnx::ModelProto* model) {
  for (const auto& imp : model->opset_import()) {
    opsets_[IsDefaultDomain(imp.domain()) ? "" : imp.domain()] = imp.version();
  }
  if (model->has_graph()) HideIn(model->mutable_graph());
}

void OnnxInferenceGuard::HideIn(onnx::GraphProto* graph) {
  for (auto& n : *graph->mutable_node()) {
    auto opset = opsets_.find(IsDefaultDomain(n.domain()) ? "" : n.domain());
    if (UnsafeForOnnxInference(n, opset == opsets_.end() ? 0 : opset->second)) {
      hidden_.emplace_back(&n, n.op_type());
      n.set_op_type(kUnsafeOpType);
    }
    for (auto& a : *n.mutable_attribute()) {
      if (a.has_g()) HideIn(a.mutable_g());
      for (auto& g : *a.mutable_graphs()) HideIn(&g);
    }
  }
}

OnnxInferenceGuard::~OnnxInferenceGuard() {
  for (auto& [node, op_type] : hidden_) node->set_op_type(op_type);
}

}  // namespace onnx_flops
