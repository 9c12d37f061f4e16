#include "analyzer/training/roofline.h"

#include <algorithm>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "analyzer/count/layers.h"
#include "analyzer/training/hardware.h"
#include "analyzer/util/element_type.h"
#include "analyzer/util/number_format.h"

namespace onnx_flops {

NodeTime RooflineTime(double flops, double bytes, double peak, double bandwidth) {
  NodeTime t;
  const double compute = peak > 0 ? flops / peak : 0;
  const double memory = bandwidth > 0 ? bytes / bandwidth : 0;
  t.seconds = std::max(compute, memory);
  t.memory_bound = memory > compute;
  return t;
}

std::string ModelPrecision(const onnx::GraphProto& graph) {
  absl::flat_hash_map<std::string, double> bytes;
  for (const auto& t : graph.initializer()) {
    double n = static_cast<double>(ElementBytes(t.data_type()));
    for (int64_t d : t.dims()) n *= static_cast<double>(std::max<int64_t>(d, 0));
    switch (t.data_type()) {
      case onnx::TensorProto::FLOAT:
        bytes["fp32"] += n;
        break;
      case onnx::TensorProto::FLOAT16:
        bytes["fp16"] += n;
        break;
      case onnx::TensorProto::BFLOAT16:
        bytes["bf16"] += n;
        break;
      case onnx::TensorProto::INT8:
      case onnx::TensorProto::UINT8:
        bytes["int8"] += n;
        break;
      default:
        break;
    }
  }
  std::string best = "fp32";
  double most = 0;
  for (const char* p : {"fp32", "fp16", "bf16", "int8"}) {
    if (bytes[p] > most) {
      most = bytes[p];
      best = p;
    }
  }
  return best;
}

absl::Status FillRoofline(const HardwareOptions& hw, const onnx::GraphProto& graph,
                          const std::vector<NodeResult>& nodes, Report* report,
                          std::vector<std::string>* warnings) {
  if (hw.hardware.empty()) return absl::OkStatus();
  absl::StatusOr<const Hardware*> found = FindHardware(hw.hardware);
  if (!found.ok()) return found.status();
  const Hardware& chip = **found;
  Forward* f = report->mutable_forward();
  if (!chip.memory_bandwidth.has_value()) {
    warnings->push_back(absl::StrCat("no roofline: the hardware table has no memory bandwidth "
                                     "for ", chip.name));
    return absl::OkStatus();
  }
  std::string precision = hw.precision;
  if (precision.empty()) {
    precision = ModelPrecision(graph);
    if (!PeakFlops(chip, precision).ok()) precision = "fp32";
  }
  absl::StatusOr<double> peak = PeakFlops(chip, precision);
  if (!peak.ok()) return peak.status();
  const double bandwidth = *chip.memory_bandwidth;

  Roofline* r = f->mutable_roofline();
  r->set_hardware(chip.name);
  r->set_precision(precision);
  r->set_peak_flops(*peak);
  r->set_bandwidth(bandwidth);
  r->set_ridge(*peak / bandwidth);
  absl::flat_hash_map<std::string, int> op_index;
  for (int i = 0; i < f->by_op_type_size(); ++i) {
    const OpTypeCost& op = f->by_op_type(i);
    op_index[absl::StrCat(op.domain() == "ai.onnx" ? "" : op.domain(), "\0", op.op_type())] = i;
  }
  absl::flat_hash_map<std::string, int> layer_index;
  for (int i = 0; i < f->layers_size(); ++i) layer_index[f->layers(i).name()] = i;
  const std::vector<std::string> layers = LayersOf(nodes);
  const bool per_node = f->nodes_size() == static_cast<int>(nodes.size());
  double seconds = 0, memory_seconds = 0;
  int with_work = 0, memory_bound = 0;
  for (size_t i = 0; i < nodes.size(); ++i) {
    const NodeResult& n = nodes[i];
    const NodeTime t = RooflineTime(n.cost.flops(), n.bytes.total(), *peak, bandwidth);
    if (t.seconds <= 0) continue;
    seconds += t.seconds;
    ++with_work;
    if (t.memory_bound) {
      ++memory_bound;
      memory_seconds += t.seconds;
    }
    auto op = op_index.find(absl::StrCat(n.domain, "\0", n.op_type));
    if (op != op_index.end()) {
      OpTypeCost* c = f->mutable_by_op_type(op->second);
      c->set_seconds(c->seconds() + t.seconds);
    }
    auto layer = layer_index.find(layers[i]);
    if (layer != layer_index.end()) {
      LayerCost* c = f->mutable_layers(layer->second);
      c->set_seconds(c->seconds() + t.seconds);
    }
    if (per_node) {
      NodeCost* c = f->mutable_nodes(static_cast<int>(i));
      c->set_seconds(t.seconds);
      c->set_limited_by(t.memory_bound ? "memory" : "compute");
    }
  }
  r->set_seconds(seconds);
  r->set_compute_seconds(f->flops() / *peak);
  r->set_memory_bound_nodes(memory_bound);
  r->set_memory_bound_node_share(with_work > 0 ? static_cast<double>(memory_bound) / with_work
                                               : 0);
  r->set_memory_bound_time_share(seconds > 0 ? memory_seconds / seconds : 0);
  r->set_utilization_ceiling(seconds > 0 ? r->compute_seconds() / seconds : 0);
  r->set_note(absl::StrCat(
      "each node at least max(FLOPs / ", Si(*peak), "FLOP/s, bytes / ", Si(bandwidth),
      "B/s), ", chip.name, " at ", precision,
      hw.precision.empty() ? " (the weights' type; --precision to choose)" : "",
      "; nodes run one after another with no cache reuse: a lower bound of the real time"));
  return absl::OkStatus();
}

}  // namespace onnx_flops
