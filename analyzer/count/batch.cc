#include "analyzer/count/batch.h"

#include <cctype>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "analyzer/load/graph_order.h"

namespace onnx_flops {
namespace {

std::vector<const onnx::ValueInfoProto*> DataInputs(const onnx::GraphProto& g) {
  absl::flat_hash_set<std::string> inits;
  for (const auto& t : g.initializer()) inits.insert(t.name());
  std::vector<const onnx::ValueInfoProto*> out;
  for (const auto& vi : g.input()) {
    if (!inits.contains(vi.name())) out.push_back(&vi);
  }
  return out;
}

const onnx::TensorShapeProto* ShapeOf(const onnx::ValueInfoProto& vi) {
  if (!vi.type().has_tensor_type() || !vi.type().tensor_type().has_shape()) return nullptr;
  return &vi.type().tensor_type().shape();
}

const onnx::ValueInfoProto* FindInput(const onnx::GraphProto& g, const std::string& name) {
  for (const auto* vi : DataInputs(g)) {
    if (vi->name() == name) return vi;
  }
  return nullptr;
}

int64_t DimValue(const onnx::ValueInfoProto& vi, int axis) {
  const auto* s = ShapeOf(vi);
  if (s == nullptr || axis < 0 || axis >= s->dim_size() || !s->dim(axis).has_dim_value()) return 1;
  return s->dim(axis).dim_value();
}

// The name a declared dim goes by: its dim_param, or INPUT:AXIS.
std::string DimName(const onnx::ValueInfoProto& vi, int axis) {
  const auto* s = ShapeOf(vi);
  if (s != nullptr && axis >= 0 && axis < s->dim_size() && s->dim(axis).has_dim_param() &&
      !s->dim(axis).dim_param().empty()) {
    return s->dim(axis).dim_param();
  }
  return absl::StrCat(vi.name(), ":", axis);
}

bool Symbolic(const onnx::ValueInfoProto& vi, int axis) {
  const auto* s = ShapeOf(vi);
  return s != nullptr && axis >= 0 && axis < s->dim_size() && !s->dim(axis).has_dim_value();
}

bool BatchLike(const std::string& name) {
  const std::string n = absl::AsciiStrToLower(name);
  return n == "batch" || n == "batch_size" || n == "batchsize" || n == "n" || n == "b" ||
         n == "bs" || n == "num_examples" || absl::StartsWith(n, "batch");
}

bool SequenceLike(const std::string& name) {
  const std::string n = absl::AsciiStrToLower(name);
  return absl::StrContains(n, "seq") || absl::StrContains(n, "time") ||
         absl::StrContains(n, "token") || absl::StrContains(n, "length") ||
         absl::StrContains(n, "step") || n == "t" || n == "l" || n == "s" || n == "len";
}

bool IsRecurrent(const onnx::NodeProto& n) {
  return (n.domain().empty() || n.domain() == "ai.onnx") &&
         (n.op_type() == "LSTM" || n.op_type() == "GRU" || n.op_type() == "RNN");
}

// LSTM/GRU/RNN X is [seq, batch, input], or [batch, seq, input] with layout=1.
int RecurrentAxis(const onnx::NodeProto& n, bool want_seq) {
  int64_t layout = 0;
  for (const auto& a : n.attribute()) {
    if (a.name() == "layout") layout = a.i();
  }
  const int seq = layout == 0 ? 0 : 1;
  return want_seq ? seq : 1 - seq;
}

// Follows `value` back through axis-preserving or axis-permuting nodes
// (Transpose, Identity, Cast, Dropout) to a graph data input; returns it and
// the axis of it that `axis` of `value` comes from, or null.
ProducerMap Producers(const onnx::GraphProto& g) {
  ProducerMap producer;
  for (const auto& n : g.node()) {
    for (const auto& o : n.output()) producer[o] = &n;
  }
  return producer;
}

const onnx::ValueInfoProto* TraceToInput(const onnx::GraphProto& g, const ProducerMap& producer,
                                         std::string value, int* axis) {
  for (int hops = 0; hops < 16; ++hops) {
    if (const auto* vi = FindInput(g, value)) return vi;
    auto it = producer.find(value);
    if (it == producer.end() || it->second->input_size() == 0) return nullptr;
    const onnx::NodeProto& n = *it->second;
    if (n.op_type() == "Transpose") {
      for (const auto& a : n.attribute()) {
        if (a.name() != "perm") continue;
        if (*axis < 0 || *axis >= a.ints_size()) return nullptr;
        // A perm entry outside the rank (a malformed model) names no axis.
        const int64_t from = a.ints(*axis);
        if (from < 0 || from >= a.ints_size()) return nullptr;
        *axis = static_cast<int>(from);
      }
    } else if (n.op_type() != "Identity" && n.op_type() != "Cast" && n.op_type() != "Dropout") {
      return nullptr;
    }
    value = n.input(0);
  }
  return nullptr;
}

DimChoice Found(std::string name, int64_t size, std::string reason) {
  DimChoice c;
  c.found = true;
  c.name = std::move(name);
  c.size = size;
  c.reason = std::move(reason);
  return c;
}

int64_t Bound(const BindResult& binding, const std::string& name, int64_t fallback) {
  auto it = binding.bound.find(name);
  return it == binding.bound.end() ? fallback : it->second;
}

// --batch-dim / --seq-dim: a symbolic dim name or INPUT:AXIS of a data input.
absl::StatusOr<DimChoice> Requested(const onnx::GraphProto& bound, const BindResult& binding,
                                    const std::string& requested, const char* flag) {
  if (auto it = binding.bound.find(requested); it != binding.bound.end()) {
    return Found(requested, it->second, absl::StrCat("chosen with ", flag));
  }
  const size_t colon = requested.rfind(':');
  int axis = 0;
  if (colon != std::string::npos && absl::SimpleAtoi(requested.substr(colon + 1), &axis)) {
    const auto* vi = FindInput(bound, requested.substr(0, colon));
    const auto* s = vi == nullptr ? nullptr : ShapeOf(*vi);
    if (s != nullptr && axis >= 0 && axis < s->dim_size()) {
      return Found(requested, DimValue(*vi, axis), absl::StrCat("chosen with ", flag));
    }
  }
  return absl::InvalidArgumentError(absl::StrCat(
      flag, " ", requested, ": not a symbolic dim of the inputs, nor INPUT:AXIS of a data input"));
}

}  // namespace

absl::StatusOr<DimChoice> ChooseBatch(const onnx::GraphProto& original,
                                      const onnx::GraphProto& bound, const BindResult& binding,
                                      const std::string& requested, const ValueTable* values) {
  if (!requested.empty()) return Requested(bound, binding, requested, "--batch-dim");
  const auto inputs = DataInputs(original);
  for (const auto* vi : inputs) {
    const auto* s = ShapeOf(*vi);
    for (int axis = 0; s != nullptr && axis < s->dim_size(); ++axis) {
      if (Symbolic(*vi, axis) && BatchLike(DimName(*vi, axis))) {
        const std::string name = DimName(*vi, axis);
        return Found(name, Bound(binding, name, 1),
                     absl::StrCat("the symbolic dim '", name, "' of input '", vi->name(),
                                  "' is named like a batch"));
      }
    }
  }
  ProducerMap producer;  // filled at the first recurrent node: most graphs have none
  for (const auto& node : bound.node()) {
    if (!IsRecurrent(node) || node.input_size() == 0) continue;
    if (producer.empty()) producer = Producers(bound);
    int axis = RecurrentAxis(node, /*want_seq=*/false);
    const auto* vi = TraceToInput(bound, producer, node.input(0), &axis);
    if (vi == nullptr) continue;
    const auto* declared = FindInput(original, vi->name());
    const std::string name = DimName(declared != nullptr ? *declared : *vi, axis);
    return Found(name, Bound(binding, name, DimValue(*vi, axis)),
                 absl::StrCat("axis ", axis, " of input '", vi->name(), "' is the batch axis of ",
                              node.op_type(), " '", node.name(), "'"));
  }
  for (const auto* vi : inputs) {
    if (!Symbolic(*vi, 0) || SequenceLike(DimName(*vi, 0))) continue;
    const std::string name = DimName(*vi, 0);
    return Found(name, Bound(binding, name, 1),
                 absl::StrCat("axis 0 of input '", vi->name(),
                              "' is dynamic, the exporter's mark of a batch axis"));
  }
  // The rows a recurrent node runs, at the bound shapes: the evidence that
  // decides between the axes of a static input.
  int64_t rows = -1;
  std::string runner;
  for (const auto& node : bound.node()) {
    if (values == nullptr || !IsRecurrent(node) || node.input_size() == 0) continue;
    auto it = values->find(node.input(0));
    if (it == values->end() || !it->second.has_shape || it->second.dims.size() != 3) continue;
    rows = it->second.dims[static_cast<size_t>(RecurrentAxis(node, /*want_seq=*/false))];
    runner = absl::StrCat(node.op_type(), " '", node.name(), "'");
    break;
  }
  // A detector's single image: the input is [C, H, W] and the graph makes
  // the batch axis itself, so the first 2-D Conv reads [1, C', H', W'].
  const onnx::NodeProto* first_conv = nullptr;
  for (const auto& node : bound.node()) {
    if (node.op_type() == "Conv" && node.domain().empty() && node.input_size() > 0) {
      first_conv = &node;
      break;
    }
  }
  const TensorInfo* conv_in = nullptr;
  if (first_conv != nullptr && values != nullptr) {
    auto it = values->find(first_conv->input(0));
    if (it != values->end() && it->second.has_shape) conv_in = &it->second;
  }
  for (const auto* vi : DataInputs(bound)) {
    const auto* s = ShapeOf(*vi);
    if (s == nullptr || s->dim_size() < 2) continue;
    if (s->dim_size() == 3 && conv_in != nullptr && conv_in->dims.size() == 4 &&
        conv_in->dims[0] == 1) {
      return Found(absl::StrCat(vi->name(), ":none"), 1,
                   absl::StrCat("input '", vi->name(), "' is one ", DimValue(*vi, 0), "x",
                                DimValue(*vi, 1), "x", DimValue(*vi, 2),
                                " image: the graph adds the batch axis (the first Conv, '",
                                first_conv->name(), "', reads a batch of 1), so one pass is "
                                "one example (--batch-dim to choose)"));
    }
    if (rows > 0 && DimValue(*vi, 0) != rows) {
      for (int axis = 1; axis < s->dim_size(); ++axis) {
        if (DimValue(*vi, axis) != rows) continue;
        return Found(absl::StrCat(vi->name(), ":", axis), rows,
                     absl::StrCat("axis 0 of input '", vi->name(), "' is ", DimValue(*vi, 0),
                                  " but ", runner, " runs a batch of ", rows, ", as axis ", axis,
                                  " holds: a time-major input, axis ", axis,
                                  " taken as the batch (--batch-dim to choose)"));
      }
    }
    return Found(absl::StrCat(vi->name(), ":0"), DimValue(*vi, 0),
                 absl::StrCat("no dynamic batch axis: axis 0 of the first input of rank >= 2 ('",
                              vi->name(), "') taken as the batch (--batch-dim to choose)"));
  }
  DimChoice c;
  c.reason = "no input of rank >= 2: one forward pass taken as one example";
  return c;
}

absl::StatusOr<DimChoice> ChooseSequence(const onnx::GraphProto& original,
                                         const onnx::GraphProto& bound,
                                         const BindResult& binding, const ValueTable& values,
                                         const std::string& requested) {
  if (!requested.empty()) return Requested(bound, binding, requested, "--seq-dim");
  ProducerMap producer;  // filled at the first recurrent node: most graphs have none
  for (const auto& node : bound.node()) {
    if (!IsRecurrent(node) || node.input_size() == 0) continue;
    if (producer.empty()) producer = Producers(bound);
    auto it = values.find(node.input(0));
    if (it == values.end() || !it->second.has_shape) continue;
    const int axis = RecurrentAxis(node, /*want_seq=*/true);
    if (static_cast<size_t>(axis) >= it->second.dims.size() || it->second.dims[axis] < 0) continue;
    int input_axis = axis;
    const auto* traced = TraceToInput(bound, producer, node.input(0), &input_axis);
    const auto* declared = traced == nullptr ? nullptr : FindInput(original, traced->name());
    const std::string name = declared != nullptr ? DimName(*declared, input_axis)
                                                 : absl::StrCat(node.input(0), ":", axis);
    return Found(name, it->second.dims[static_cast<size_t>(axis)],
                 absl::StrCat("axis ", axis, " of ", node.op_type(), " '", node.name(),
                              "' input X is its time axis"));
  }
  for (const auto* vi : DataInputs(original)) {
    const auto* s = ShapeOf(*vi);
    for (int axis = 0; s != nullptr && axis < s->dim_size(); ++axis) {
      const std::string name = DimName(*vi, axis);
      if (Symbolic(*vi, axis) && SequenceLike(name) && !BatchLike(name)) {
        return Found(name, Bound(binding, name, 1),
                     absl::StrCat("the symbolic dim '", name, "' of input '", vi->name(),
                                  "' is named like a sequence"));
      }
    }
  }
  return DimChoice();
}

}  // namespace onnx_flops
