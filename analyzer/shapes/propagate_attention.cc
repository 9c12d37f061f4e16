// Propagators of the transformer ops ONNX 1.12 has no shape inference for:
// ONNX Attention, RotaryEmbedding (opset 23) and onnxruntime's com.microsoft
// fusions (Attention, MultiHeadAttention, GroupQueryAttention, the
// SkipLayerNormalization family, the Gelu family, EmbedLayerNormalization).
// Output shapes follow the operator docs of ONNX and onnxruntime
// (docs/ContribOperators.md).
#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "analyzer/shapes/propagate.h"

namespace onnx_flops {
namespace {

constexpr int32_t kInt32 = onnx::TensorProto::INT32;
constexpr int32_t kFloat = onnx::TensorProto::FLOAT;

int64_t DivOrUnknown(int64_t a, int64_t b) { return a < 0 || b <= 0 ? -1 : a / b; }
int64_t MulOrUnknown(int64_t a, int64_t b) { return DimMul(a, b); }
int64_t AddOrUnknown(int64_t a, int64_t b) { return DimAdd(a, b); }

int64_t DimOr(const TensorInfo* t, size_t rank, size_t axis) {
  return Ranked(t) && t->dims.size() == rank ? t->dims[axis] : -1;
}

// Output 0 (and any output named like it) keeps input 0's shape and type.
absl::StatusOr<Outputs> SameAsInput0(const NodeView& v) {
  const TensorInfo* x = In(v, 0);
  Outputs outs(static_cast<size_t>(std::max(v.node->output_size(), 1)));
  outs[0] = Ranked(x) ? Shaped(x->elem_type, x->dims) : TypeOnly(ElemOf(x));
  return outs;
}

// SkipLayerNormalization & co: output, mean, inv_std_var, input_skip_bias_sum.
absl::StatusOr<Outputs> SkipLayerNormOp(const NodeView& v) {
  const TensorInfo* x = In(v, 0);
  if (!Ranked(x)) return Outputs{TypeOnly(ElemOf(x))};
  Dims stats = x->dims;
  if (!stats.empty()) stats.back() = 1;
  return Outputs{Shaped(x->elem_type, x->dims), Shaped(kFloat, stats), Shaped(kFloat, stats),
                 Shaped(x->elem_type, x->dims)};
}

// LayerNormalization / SimplifiedLayerNormalization (com.microsoft): output,
// mean, inv_std_var over the axes from `axis` on.
absl::StatusOr<Outputs> ContribLayerNormOp(const NodeView& v) {
  const TensorInfo* x = In(v, 0);
  if (!Ranked(x)) return Outputs{TypeOnly(ElemOf(x))};
  OF_ASSIGN_OR_RETURN(int64_t axis, NormalizeAxis(AttrInt(v, "axis", -1),
                                                  static_cast<int64_t>(x->dims.size())));
  Dims stats = x->dims;
  for (size_t i = static_cast<size_t>(axis); i < stats.size(); ++i) stats[i] = 1;
  const int32_t stash = static_cast<int32_t>(AttrInt(v, "stash_type", kFloat));
  return Outputs{Shaped(x->elem_type, x->dims), Shaped(stash, stats), Shaped(stash, stats)};
}

// BiasSplitGelu: [..., 2H] -> [..., H].
absl::StatusOr<Outputs> BiasSplitGeluOp(const NodeView& v) {
  const TensorInfo* x = In(v, 0);
  if (!Ranked(x) || x->dims.empty()) return Outputs{TypeOnly(ElemOf(x))};
  Dims out = x->dims;
  out.back() = DivOrUnknown(out.back(), 2);
  return Outputs{Shaped(x->elem_type, out)};
}

// GemmFastGelu: MatMul shape of X and W.
absl::StatusOr<Outputs> GemmFastGeluOp(const NodeView& v) {
  const TensorInfo* x = In(v, 0);
  const TensorInfo* w = In(v, 1);
  if (!Ranked(x) || x->dims.empty()) return Outputs{TypeOnly(ElemOf(x))};
  Dims out = x->dims;
  out.back() = Ranked(w) && w->dims.size() == 2 ? w->dims[1] : -1;
  return Outputs{Shaped(x->elem_type, out)};
}

// ONNX Attention (23). 3-D Q/K/V are [B, S, heads*head_size] with
// q_num_heads/kv_num_heads attributes; 4-D ones are [B, heads, S, head_size].
// Outputs: Y, present_key, present_value, qk_matmul_output.
absl::StatusOr<Outputs> OnnxAttentionOp(const NodeView& v) {
  const TensorInfo* q = In(v, 0);
  const TensorInfo* k = In(v, 1);
  const TensorInfo* val = In(v, 2);
  const TensorInfo* past = In(v, 4);
  const int32_t elem = ElemOf(q);
  if (!Ranked(q) || (q->dims.size() != 3 && q->dims.size() != 4)) return Outputs{TypeOnly(elem)};
  const bool three_d = q->dims.size() == 3;
  const int64_t b = q->dims[0];
  int64_t q_heads, s_q, kv_heads, s_kv, head_k, head_v;
  if (three_d) {
    q_heads = AttrInt(v, "q_num_heads", -1);
    kv_heads = AttrInt(v, "kv_num_heads", -1);
    s_q = q->dims[1];
    s_kv = DimOr(k, 3, 1);
    head_k = DivOrUnknown(DimOr(k, 3, 2), kv_heads);
    head_v = DivOrUnknown(DimOr(val, 3, 2), kv_heads);
  } else {
    q_heads = q->dims[1];
    s_q = q->dims[2];
    kv_heads = DimOr(k, 4, 1);
    s_kv = DimOr(k, 4, 2);
    head_k = DimOr(k, 4, 3);
    head_v = DimOr(val, 4, 3);
  }
  const int64_t s_past = HasInput(v, 4) ? DimOr(past, 4, 2) : 0;
  const int64_t total = AddOrUnknown(s_past, s_kv);
  Outputs outs;
  outs.push_back(three_d ? Shaped(elem, {b, s_q, MulOrUnknown(q_heads, head_v)})
                         : Shaped(elem, {b, q_heads, s_q, head_v}));
  outs.push_back(Shaped(elem, {b, kv_heads, total, head_k}));
  outs.push_back(Shaped(elem, {b, kv_heads, total, head_v}));
  outs.push_back(Shaped(elem, {b, q_heads, s_q, total}));
  return outs;
}

// com.microsoft Attention: input [B, S, D_in] x weights [D_in, Dq+Dk+Dv].
// Outputs: [B, S, Dv], present [2, B, heads, past + S, Dk/heads].
absl::StatusOr<Outputs> ContribAttentionOp(const NodeView& v) {
  const TensorInfo* x = In(v, 0);
  const TensorInfo* w = In(v, 1);
  const TensorInfo* past = In(v, 4);
  const int32_t elem = ElemOf(x);
  if (!Ranked(x) || x->dims.size() != 3) return Outputs{TypeOnly(elem)};
  const int64_t heads = AttrInt(v, "num_heads", -1);
  std::vector<int64_t> qkv = AttrInts(v, "qkv_hidden_sizes");
  int64_t k_hidden = -1, v_hidden = -1;
  if (qkv.size() == 3) {
    k_hidden = qkv[1];
    v_hidden = qkv[2];
  } else if (Ranked(w) && w->dims.size() == 2) {
    k_hidden = v_hidden = DivOrUnknown(w->dims[1], 3);
  }
  const int64_t b = x->dims[0], s = x->dims[1];
  const int64_t s_past = HasInput(v, 4) ? DimOr(past, 5, 3) : 0;
  return Outputs{Shaped(elem, {b, s, v_hidden}),
                 Shaped(elem, {2, b, heads, AddOrUnknown(s_past, s), DivOrUnknown(k_hidden, heads)})};
}

// com.microsoft MultiHeadAttention: query [B, S, D] with key/value [B, L, D]
// / [B, heads, L, H], packed kv [B, L, heads, 2, H] or packed qkv
// [B, S, heads, 3, H]. Outputs: [B, S, Dv], present_key, present_value.
absl::StatusOr<Outputs> MultiHeadAttentionOp(const NodeView& v) {
  const TensorInfo* q = In(v, 0);
  const TensorInfo* k = In(v, 1);
  const TensorInfo* val = In(v, 2);
  const int32_t elem = ElemOf(q);
  const int64_t heads = AttrInt(v, "num_heads", -1);
  if (!Ranked(q) || q->dims.size() < 3) return Outputs{TypeOnly(elem)};
  const int64_t b = q->dims[0], s = q->dims[1];
  int64_t l = -1, head_k = -1, head_v = -1;
  if (q->dims.size() == 5) {  // packed QKV
    head_k = head_v = q->dims[4];
    l = s;
  } else if (Ranked(k) && k->dims.size() == 5) {  // packed KV
    l = k->dims[1];
    head_k = head_v = k->dims[4];
  } else {
    if (Ranked(k) && k->dims.size() == 3) {
      l = k->dims[1];
      head_k = DivOrUnknown(k->dims[2], heads);
    } else if (Ranked(k) && k->dims.size() == 4) {
      l = k->dims[2];
      head_k = k->dims[3];
    }
    if (Ranked(val) && val->dims.size() == 3) {
      head_v = DivOrUnknown(val->dims[2], heads);
    } else if (Ranked(val) && val->dims.size() == 4) {
      head_v = val->dims[3];
    }
  }
  const int64_t s_past = HasInput(v, 6) ? DimOr(In(v, 6), 4, 2) : 0;
  // With a 4-D key (already projected past), present is that key itself.
  const bool key_is_cache = Ranked(k) && k->dims.size() == 4;
  const int64_t total = key_is_cache ? l : AddOrUnknown(s_past, l);
  return Outputs{Shaped(elem, {b, s, MulOrUnknown(heads, head_v)}),
                 Shaped(elem, {b, heads, total, head_k}), Shaped(elem, {b, heads, total, head_v})};
}

// com.microsoft GroupQueryAttention: query [B, S, heads*H] (or packed
// [B, S, (heads + 2*kv_heads)*H] without key/value). Outputs: [B, S, heads*H],
// present_key/value [B, kv_heads, max(past, total_sequence_length), H].
absl::StatusOr<Outputs> GroupQueryAttentionOp(const NodeView& v) {
  const TensorInfo* q = In(v, 0);
  const int32_t elem = ElemOf(q);
  if (!Ranked(q) || q->dims.size() != 3) return Outputs{TypeOnly(elem)};
  const int64_t heads = AttrInt(v, "num_heads", -1);
  const int64_t kv_heads = AttrInt(v, "kv_num_heads", -1);
  const bool packed = !HasInput(v, 1);
  const int64_t head =
      packed ? DivOrUnknown(q->dims[2], AddOrUnknown(heads, MulOrUnknown(2, kv_heads)))
             : DivOrUnknown(q->dims[2], heads);
  const int64_t b = q->dims[0], s = q->dims[1];
  int64_t present = -1;
  std::optional<int64_t> total = ScalarInt(v, 6);
  if (total.has_value()) {
    present = *total;
    if (HasInput(v, 3)) {
      const int64_t past = DimOr(In(v, 3), 4, 2);
      present = past < 0 ? -1 : std::max(past, *total);
    }
  }
  return Outputs{Shaped(elem, {b, s, MulOrUnknown(heads, head)}),
                 Shaped(elem, {b, kv_heads, present, head}),
                 Shaped(elem, {b, kv_heads, present, head})};
}

// com.microsoft EmbedLayerNormalization: input_ids [B, S] and word_embedding
// [V, H] -> output [B, S, H], mask_index [B], embedding_sum [B, S, H].
absl::StatusOr<Outputs> EmbedLayerNormOp(const NodeView& v) {
  const TensorInfo* ids = In(v, 0);
  const TensorInfo* words = In(v, 2);
  const int32_t elem = ElemOf(words);
  if (!Ranked(ids) || ids->dims.size() != 2) return Outputs{TypeOnly(elem)};
  const int64_t h = Ranked(words) && words->dims.size() == 2 ? words->dims[1] : -1;
  const Dims out{ids->dims[0], ids->dims[1], h};
  return Outputs{Shaped(elem, out), Shaped(kInt32, {ids->dims[0]}), Shaped(elem, out)};
}

}  // namespace

void RegisterAttentionPropagators(PropagatorRegistry& r) {
  AddPropagator(r, "", {"Attention"}, OnnxAttentionOp);
  AddPropagator(r, "", {"RotaryEmbedding"}, SameAsInput0);
  AddPropagator(r, "com.microsoft",
                {"RotaryEmbedding", "FastGelu", "BiasGelu", "Gelu", "QuickGelu", "BiasAdd",
                 "BiasDropout", "BitmaskBiasDropout", "GroupNorm", "SkipGroupNorm",
                 "BiasSoftmax"},
                SameAsInput0);
  AddPropagator(r, "com.microsoft", {"SkipLayerNormalization", "SkipSimplifiedLayerNormalization"},
                SkipLayerNormOp);
  AddPropagator(r, "com.microsoft", {"LayerNormalization", "SimplifiedLayerNormalization"},
                ContribLayerNormOp);
  AddPropagator(r, "", {"SimplifiedLayerNormalization"}, ContribLayerNormOp);
  AddPropagator(r, "com.microsoft", {"BiasSplitGelu"}, BiasSplitGeluOp);
  AddPropagator(r, "com.microsoft", {"GemmFastGelu"}, GemmFastGeluOp);
  AddPropagator(r, "com.microsoft", {"Attention"}, ContribAttentionOp);
  AddPropagator(r, "com.microsoft", {"MultiHeadAttention"}, MultiHeadAttentionOp);
  AddPropagator(r, "com.microsoft", {"GroupQueryAttention"}, GroupQueryAttentionOp);
  AddPropagator(r, "com.microsoft", {"EmbedLayerNormalization"}, EmbedLayerNormOp);
}

}  // namespace onnx_flops
