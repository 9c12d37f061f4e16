#include "analyzer/count/memory_view.h"

#include <algorithm>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "analyzer/count/layers.h"
#include "analyzer/count/node_bytes.h"
#include "analyzer/util/number_format.h"
#include "rules/rule.h"

namespace onnx_flops {
namespace {

const TensorInfo* Find(const ValueTable& values, const std::string& name) {
  auto it = values.find(name);
  return it == values.end() ? nullptr : &it->second;
}

// Names a subgraph reads from the scopes around it (an If branch reading a
// main-graph tensor by name), nested subgraphs included.
void OuterReads(const onnx::GraphProto& g, absl::flat_hash_set<std::string>* out) {
  absl::flat_hash_set<std::string> defined;
  for (const auto& i : g.input()) defined.insert(i.name());
  for (const auto& t : g.initializer()) defined.insert(t.name());
  for (const auto& n : g.node()) {
    for (const auto& o : n.output()) defined.insert(o);
  }
  for (const auto& n : g.node()) {
    for (const auto& in : n.input()) {
      if (!in.empty() && !defined.contains(in)) out->insert(in);
    }
    for (const auto& a : n.attribute()) {
      absl::flat_hash_set<std::string> inner;
      if (a.has_g()) OuterReads(a.g(), &inner);
      for (const auto& sg : a.graphs()) OuterReads(sg, &inner);
      for (const auto& name : inner) {
        if (!defined.contains(name)) out->insert(name);
      }
    }
  }
}

// Everything `node` reads: its inputs and what its subgraphs read from outside.
std::vector<std::string> Reads(const onnx::NodeProto& node) {
  std::vector<std::string> reads(node.input().begin(), node.input().end());
  absl::flat_hash_set<std::string> outer;
  for (const auto& a : node.attribute()) {
    if (a.has_g()) OuterReads(a.g(), &outer);
    for (const auto& sg : a.graphs()) OuterReads(sg, &outer);
  }
  reads.insert(reads.end(), outer.begin(), outer.end());
  return reads;
}

bool IsView(const onnx::NodeProto& node) {
  const Rule* rule = FindRule(DefaultRules(), node.domain(), node.op_type());
  return rule != nullptr && rule->traffic == Traffic::kView;
}

bool IsConstant(const onnx::NodeProto& node) {
  return node.op_type() == "Constant" && CanonicalDomain(node.domain()).empty();
}

}  // namespace

Liveness WalkLiveness(const onnx::GraphProto& graph, const ValueTable& values,
                      const std::vector<NodeResult>& nodes) {
  Liveness l;
  struct Buffer {
    double bytes = 0;
    size_t start = 0, end = 0;
  };
  std::vector<Buffer> buffers;
  absl::flat_hash_map<std::string, size_t> buffer_of;  // tensor -> buffer (views share one)
  absl::flat_hash_set<std::string> initializers;
  for (const auto& t : graph.initializer()) initializers.insert(t.name());
  for (const auto& in : graph.input()) {
    if (initializers.contains(in.name())) continue;
    const double bytes = TensorBytes(Find(values, in.name()));
    if (bytes < 0) ++l.unknown;
    buffer_of[in.name()] = buffers.size();
    buffers.push_back({std::max(bytes, 0.0), 0, 0});
  }
  size_t step = 0;
  for (const NodeResult& r : nodes) {
    if (r.depth != 0 || r.node == nullptr) continue;
    const onnx::NodeProto& n = *r.node;
    for (const std::string& in : Reads(n)) {
      auto it = buffer_of.find(in);
      if (it != buffer_of.end()) buffers[it->second].end = std::max(buffers[it->second].end, step);
    }
    if (IsConstant(n)) {
      // A stored tensor: a weight, not an activation.
    } else if (IsView(n) && n.input_size() > 0 && n.output_size() > 0) {
      // The view shares its input's buffer; a view of a weight is a weight.
      auto it = buffer_of.find(n.input(0));
      if (it != buffer_of.end()) buffer_of[n.output(0)] = it->second;
    } else {
      for (const auto& out : n.output()) {
        if (out.empty()) continue;
        const double bytes = TensorBytes(Find(values, out));
        if (bytes < 0) ++l.unknown;
        buffer_of[out] = buffers.size();
        buffers.push_back({std::max(bytes, 0.0), step, step});
      }
    }
    ++step;
  }
  const size_t steps = step;
  if (steps == 0) return l;
  // The caller holds the inputs for the whole pass and receives the outputs
  // at its end.
  for (const auto& in : graph.input()) {
    auto it = buffer_of.find(in.name());
    if (it != buffer_of.end()) buffers[it->second].end = steps - 1;
  }
  for (const auto& out : graph.output()) {
    auto it = buffer_of.find(out.name());
    if (it != buffer_of.end()) buffers[it->second].end = steps - 1;
  }
  // Bytes come in at a buffer's first step and leave after its last.
  std::vector<double> delta(steps + 1, 0);
  for (const Buffer& b : buffers) {
    delta[b.start] += b.bytes;
    delta[b.end + 1] -= b.bytes;
  }
  l.live.resize(steps);
  double live = 0;
  for (size_t i = 0; i < steps; ++i) {
    live += delta[i];
    l.live[i] = live;
    if (live > l.peak) {
      l.peak = live;
      l.peak_step = i;
    }
  }
  return l;
}

void DescribeMemory(const onnx::GraphProto& graph, const ValueTable& values,
                    const std::vector<NodeResult>& nodes, Report* report) {
  Forward* f = report->mutable_forward();
  Memory* m = f->mutable_memory();
  const Liveness l = WalkLiveness(graph, values, nodes);

  absl::flat_hash_set<std::string> initializers;
  for (const auto& t : graph.initializer()) initializers.insert(t.name());
  absl::flat_hash_set<std::string> constants;
  for (const auto& n : graph.node()) {
    if (IsConstant(n)) constants.insert(n.output().begin(), n.output().end());
  }
  for (const auto& in : graph.input()) {
    if (!initializers.contains(in.name())) {
      m->set_input_bytes(m->input_bytes() + std::max(TensorBytes(Find(values, in.name())), 0.0));
    }
  }
  absl::flat_hash_set<std::string> weights_seen;
  size_t step = 0;
  for (size_t i = 0; i < nodes.size(); ++i) {
    const NodeResult& r = nodes[i];
    m->set_bytes_read(m->bytes_read() + r.bytes.read);
    m->set_weight_bytes_read(m->weight_bytes_read() + r.bytes.weights);
    m->set_bytes_written(m->bytes_written() + r.bytes.written);
    if (r.depth != 0 || r.node == nullptr) continue;
    const onnx::NodeProto& n = *r.node;
    // The weights the nodes read (a view's shape operand is not read).
    for (const auto& in : n.input()) {
      if (r.bytes.weights > 0 && (initializers.contains(in) || constants.contains(in)) &&
          weights_seen.insert(in).second) {
        m->set_weight_bytes(m->weight_bytes() + std::max(TensorBytes(Find(values, in)), 0.0));
      }
    }
    if (!IsConstant(n) && !IsView(n)) {
      for (const auto& out : n.output()) {
        if (!out.empty()) {
          m->set_activation_bytes(m->activation_bytes() +
                                  std::max(TensorBytes(Find(values, out)), 0.0));
        }
      }
    }
    if (f->nodes_size() == static_cast<int>(nodes.size()) && step < l.live.size()) {
      f->mutable_nodes(static_cast<int>(i))->set_live_bytes(l.live[step]);
    }
    if (step == l.peak_step && l.peak > 0) m->set_peak_node(r.name);
    ++step;
  }
  m->set_peak_activation_bytes(l.peak);
  const double traffic = m->bytes_read() + m->weight_bytes_read() + m->bytes_written();
  m->set_intensity(traffic > 0 ? f->flops() / traffic : 0);
  m->set_note(absl::StrCat(
      "traffic: every input read and output written once at its element type, views (Reshape, "
      "Squeeze...) move nothing; peak: liveness over the main graph's ", step,
      " nodes in topological order (a tensor lives from its producer to its last consumer, "
      "views share their input's buffer, weights excluded, subgraph internals not walked)",
      l.unknown > 0 ? absl::StrCat("; ", l.unknown, " tensors of unknown size left out") : ""));

  // Layers, in the order they first appear; a subgraph's nodes belong to the
  // layer of the control-flow node they run under.
  absl::flat_hash_map<std::string, int> layer_index;
  const std::vector<std::string> layers = LayersOf(nodes);
  for (size_t i = 0; i < nodes.size(); ++i) {
    const NodeResult& r = nodes[i];
    const std::string& current = layers[i];
    auto [it, inserted] = layer_index.try_emplace(current, f->layers_size());
    LayerCost* layer = inserted ? f->add_layers() : f->mutable_layers(it->second);
    if (inserted) layer->set_name(current);
    layer->set_nodes(layer->nodes() + 1);
    layer->set_flops(layer->flops() + r.cost.flops());
    layer->set_matmul_flops(layer->matmul_flops() + r.cost.matmul_flops);
    layer->set_bytes(layer->bytes() + r.bytes.total());
    layer->set_weight_bytes(layer->weight_bytes() + r.bytes.weights);
    if (f->nodes_size() == static_cast<int>(nodes.size())) {
      f->mutable_nodes(static_cast<int>(i))->set_layer(current);
    }
  }
}

}  // namespace onnx_flops
