#include "analyzer/count/attention_view.h"

#include <cstdio>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "analyzer/count/attention_pattern.h"

namespace onnx_flops {
namespace {

bool IsFusedAttention(const NodeResult& n) {
  return (n.domain.empty() && n.op_type == "Attention") ||
         (n.domain == "com.microsoft" &&
          (n.op_type == "Attention" || n.op_type == "MultiHeadAttention" ||
           n.op_type == "GroupQueryAttention" || n.op_type == "PackedAttention" ||
           n.op_type == "PackedMultiHeadAttention"));
}

struct GraphIndex {
  ConsumerMap consumers;
  ProducerMap producer;
};

bool IsActivation(const ValueTable& values, const std::string& name) {
  auto it = values.find(name);
  return it == values.end() || (!it->second.is_initializer && !it->second.has_values);
}

}  // namespace

void DescribeAttention(const onnx::GraphProto& graph, const ValueTable& values,
                       const std::vector<NodeResult>& nodes, bool causal_half, Report* report,
                       std::vector<std::string>* warnings) {
  // Without a Softmax or a fused attention op there is no attention core, and
  // the indexes below would cost a million-node graph seconds for nothing.
  bool any = false;
  for (const auto& n : graph.node()) any = any || n.op_type() == "Softmax";
  for (const NodeResult& n : nodes) any = any || (n.depth == 0 && IsFusedAttention(n));
  if (!any) return;
  GraphIndex g;
  for (const auto& n : graph.node()) {
    for (const auto& in : n.input()) g.consumers[in].push_back(&n);
    for (const auto& out : n.output()) g.producer[out] = &n;
  }
  Attention a;
  int64_t batch = std::max<int64_t>(report->forward().batch_size(), 1);
  std::string first_fused;
  for (const NodeResult& n : nodes) {
    if (n.depth != 0 || n.node == nullptr || n.status != NodeStatus::kCounted) continue;
    if (IsFusedAttention(n)) {
      a.set_layers(a.layers() + 1);
      a.set_core_flops(a.core_flops() + n.cost.flops());
      if (first_fused.empty()) first_fused = n.op_type;
      continue;
    }
    if (!n.domain.empty() || (n.op_type != "MatMul" && n.op_type != "Einsum")) continue;
    const onnx::NodeProto& node = *n.node;
    if (node.input_size() < 2 || !IsActivation(values, node.input(0)) ||
        !IsActivation(values, node.input(1))) {
      continue;
    }
    if (ReachesSoftmax(g.consumers, node.output(0), 4)) {
      a.set_layers(a.layers() + 1);
      a.set_core_flops(a.core_flops() + n.cost.flops());
      if (a.d_attn() == 0 && n.op_type == "MatMul") {
        auto q = values.find(node.input(0));
        if (q != values.end() && q->second.has_shape && q->second.dims.size() >= 3) {
          const Dims& d = q->second.dims;
          const int64_t head = d.back();
          // [B, heads, S, d] or [B*heads, S, d].
          const int64_t heads = d.size() == 4 ? d[1] : d[0] / batch;
          if (head > 0 && heads > 0) a.set_d_attn(heads * head);
        }
      }
    } else if (ComesFromSoftmax(g.producer, node.input(0), 3) || ComesFromSoftmax(g.producer, node.input(1), 3)) {
      a.set_core_flops(a.core_flops() + n.cost.flops());
    }
  }
  if (a.layers() == 0) return;
  Forward* f = report->mutable_forward();
  a.set_share(f->flops() > 0 ? a.core_flops() / f->flops() : 0);
  a.set_causal_half(causal_half);
  std::string how = first_fused.empty()
                        ? "score products: MatMuls of two activations that reach a Softmax; "
                          "value products: those that read one"
                        : absl::StrCat("fused attention ops (", first_fused,
                                       ": their projections are included)");

  // Kaplan's closed form needs N without the embedding tables (initializers
  // read by Gather) and the context length.
  absl::flat_hash_set<std::string> tables;
  for (const auto& n : graph.node()) {
    if (n.op_type() == "Gather" && n.input_size() > 0) tables.insert(n.input(0));
  }
  double embedding = 0;
  for (const auto& t : graph.initializer()) {
    if (tables.contains(t.name())) {
      embedding += NumElements(Dims(t.dims().begin(), t.dims().end()));
    }
  }
  // A mixture of experts: the parameters a token passes through.
  const double n_ne = report->model().active_parameters() - embedding;
  a.set_non_embedding_parameters(n_ne);
  const int64_t n_ctx = f->sequence_length();
  a.set_n_ctx(n_ctx);
  if (n_ctx <= 0 || a.d_attn() <= 0 || f->flops_per_token() <= 0) {
    a.set_note(absl::StrCat(how, ". Kaplan check skipped: ",
                            n_ctx <= 0 ? "no sequence length (bind it with --seq-dim)"
                                       : "the attention width d_attn is unknown"));
    *f->mutable_attention() = a;
    return;
  }
  const double kaplan = 2 * n_ne + 2.0 * a.layers() * static_cast<double>(n_ctx) *
                                       static_cast<double>(a.d_attn());
  a.set_kaplan_flops_per_token(kaplan);
  a.set_ratio(kaplan > 0 ? f->flops_per_token() / kaplan : 0);
  a.set_note(absl::StrCat(how, ". Kaplan: 2 x ", FormatCount(n_ne), " + 2 x ", a.layers(),
                          " layers x ", n_ctx, " x ", a.d_attn(), " = ", FormatCount(kaplan),
                          " FLOP per token"));
  if (a.ratio() > 1.5 || a.ratio() < 1 / 1.5) {
    char ratio[32];
    std::snprintf(ratio, sizeof ratio, "%.2f", a.ratio());
    warnings->push_back(absl::StrCat(
        "the per-token count is ", ratio, "x Kaplan et al.'s closed form 2N + 2*n_layer*n_ctx*d_attn (",
        FormatCount(kaplan), "); small models with large vocabularies or convolutional parts "
        "differ, otherwise check the uncounted nodes"));
  }
  *f->mutable_attention() = a;
}

}  // namespace onnx_flops
