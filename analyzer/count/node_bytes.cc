#include "analyzer/count/node_bytes.h"

#include "analyzer/util/element_type.h"

namespace onnx_flops {

double TensorBytes(const TensorInfo* t) {
  if (t == nullptr || !t->has_shape || t->elem_type == 0) return -1;
  for (int64_t d : t->dims) {
    if (d < 0 || d > kMaxDim) return -1;
  }
  const double bytes = NumElements(t->dims) * static_cast<double>(ElementBytes(t->elem_type));
  // A hostile file's 3000 dims of 2^40: no tensor is that large.
  return bytes <= 1e30 ? bytes : -1;
}

NodeBytes BytesOf(const NodeView& view, const Rule* rule,
                  const std::function<bool(const std::string&)>& is_weight) {
  NodeBytes b;
  const onnx::NodeProto& node = *view.node;
  const std::string& op = node.op_type();
  const Traffic traffic = rule == nullptr ? Traffic::kData : rule->traffic;
  if (traffic == Traffic::kView || (view.domain.empty() && (op == "If" || op == "Loop" ||
                                                           op == "Scan" || op == "Constant"))) {
    return b;
  }
  if (traffic == Traffic::kData) {
    for (size_t i = 0; i < view.inputs.size() && i < static_cast<size_t>(node.input_size()); ++i) {
      const std::string& name = node.input(static_cast<int>(i));
      if (name.empty()) continue;
      const double bytes = TensorBytes(view.inputs[i]);
      if (bytes < 0) {
        ++b.unknown;
      } else if (is_weight(name)) {
        b.weights += bytes;
      } else {
        b.read += bytes;
      }
    }
  }
  for (size_t i = 0; i < view.outputs.size() && i < static_cast<size_t>(node.output_size()); ++i) {
    if (node.output(static_cast<int>(i)).empty()) continue;
    const double bytes = TensorBytes(view.outputs[i]);
    if (bytes < 0) {
      ++b.unknown;
    } else {
      b.written += bytes;
    }
  }
  return b;
}

}  // namespace onnx_flops
