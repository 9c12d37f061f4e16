#include "analyzer/load/parameters.h"

#include <string>

#include "absl/container/flat_hash_map.h"
#include "analyzer/load/graph_order.h"
#include "analyzer/util/element_type.h"
#include "rules/rule.h"

namespace onnx_flops {
namespace {

// Elements of a stored tensor, or -1 when its dims are nonsense.
double StoredElements(const google::protobuf::RepeatedField<int64_t>& dims) {
  for (int64_t d : dims) {
    if (d < 0 || d > kMaxDim) return -1;
  }
  const double n = NumElements(Dims(dims.begin(), dims.end()));
  return n <= 1e30 ? n : -1;
}

// Weights per stored byte of a uint8 weight `n` reads at its quantized slot:
// ops with a `bits` (MatMulNBits, GatherBlockQuantized) or
// `expert_weight_bits` (QMoE) attribute below 8 pack 8/bits to a byte.
}  // namespace

double WeightsPerByte(const onnx::NodeProto& n) {
  for (const auto& a : n.attribute()) {
    if (a.name() == "bits" || a.name() == "expert_weight_bits") {
      return a.i() >= 1 && a.i() < 8 && 8 % a.i() == 0 ? static_cast<double>(8 / a.i()) : 1;
    }
  }
  // MatMulNBits' bits defaults to 4 (the attribute is required, but exporters omit it).
  return n.op_type() == "MatMulNBits" ? 2 : 1;
}

namespace {

// One graph's own tensors (its subgraphs are visited on their own).
void Count(const onnx::GraphProto& graph, int depth, const absl::flat_hash_set<std::string>& skip,
           const absl::flat_hash_map<std::string, double>& quantized, ParameterCount* out) {
  auto add = [&](int32_t type, double n, bool weight) {
    out->bytes += n * static_cast<double>(ElementBytes(type));
    if (weight) out->parameters += n;
  };
  for (const auto& t : graph.initializer()) {
    if (depth == 0 && skip.contains(t.name())) continue;
    ++out->initializers;
    if (depth > 0) ++out->subgraph_initializers;
    const double n = StoredElements(t.dims());
    if (n < 0) {
      ++out->nonsense;
      continue;
    }
    auto packed = quantized.find(t.name());
    const bool quantized_weight = !IsFloatingType(t.data_type()) && packed != quantized.end();
    out->quantized += quantized_weight ? 1 : 0;
    out->bytes += n * static_cast<double>(ElementBytes(t.data_type()));
    if (IsFloatingType(t.data_type())) {
      out->parameters += n;
    } else if (quantized_weight) {
      out->parameters += n * (t.data_type() == onnx::TensorProto::UINT8 ? packed->second : 1);
    }
  }
  for (const auto& t : graph.sparse_initializer()) {
    ++out->initializers;
    if (depth > 0) ++out->subgraph_initializers;
    const double n = StoredElements(t.values().dims());  // the stored non-zeros
    if (n < 0) {
      ++out->nonsense;
      continue;
    }
    add(t.values().data_type(), n, IsFloatingType(t.values().data_type()));
  }
  for (const auto& node : graph.node()) {
    if (node.op_type() == "Constant" && (node.domain().empty() || node.domain() == "ai.onnx")) {
      for (const auto& a : node.attribute()) {
        double n = -1;
        int32_t type = 0;
        if (a.name() == "value" && a.has_t()) {
          n = StoredElements(a.t().dims());
          type = a.t().data_type();
        } else if (a.name() == "value_floats") {
          n = a.floats_size();
          type = onnx::TensorProto::FLOAT;
        }
        if (n > 1 && IsFloatingType(type)) {
          ++out->constant_nodes;
          add(type, n, true);
        }
      }
    }
  }
}

}  // namespace

ParameterCount CountParameters(const onnx::GraphProto& graph,
                               const absl::flat_hash_set<std::string>& skip) {
  // Names read at a quantized op's weight slot, in any graph, with the
  // weights each stored byte packs.
  absl::flat_hash_map<std::string, double> quantized;
  ForEachGraph(graph, [&](const onnx::GraphProto& g, int) {
    for (const auto& n : g.node()) {
      const Rule* rule = FindRule(DefaultRules(), n.domain(), n.op_type());
      if (rule == nullptr || rule->backward.quantized_weights == 0) continue;
      for (int slot = 0; slot < n.input_size(); ++slot) {
        if (QuantizedWeightAt(rule->backward, slot) && !n.input(slot).empty()) {
          quantized.emplace(n.input(slot), WeightsPerByte(n));
        }
      }
    }
  });
  ParameterCount out;
  ForEachGraph(graph, [&](const onnx::GraphProto& g, int depth) {
    Count(g, depth, skip, quantized, &out);
  });
  return out;
}

}  // namespace onnx_flops
