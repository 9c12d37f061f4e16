// Fused attention ops: the ONNX Attention (opset 23/24), onnxruntime's
// com.microsoft Attention, QAttention, MultiHeadAttention and
// GroupQueryAttention, the one-token decoder forms DecoderMaskedSelfAttention
// (Attention's inputs and projection) and DecoderMaskedMultiHeadAttention
// (MultiHeadAttention's, inputs reordered), and RotaryEmbedding (ONNX opset 23
// and com.microsoft).
//
// ONNX 1.12 has no schema for any of them, so their output shapes are often
// unknown: everything is counted from the INPUT shapes and the attributes.
//
// The attention core is shared. With B the batch, H the query heads, S_q the
// query length, S_total = past + S_kv the key length, and d_k, d_v the head
// sizes of Q/K and V:
//   matmul class: Q*K^T (B*H*S_q*S_total*d_k MACs) and scores*V
//     (B*H*S_q*S_total*d_v MACs), i.e. 2*scores*(d_k + d_v) FLOPs. A GQA key
//     head shared by several query heads is multiplied once per query head.
//   vector class, per score element: 1 scale, 1 per additive mask or bias
//     present, 3 for a softcap (divide, tanh, multiply), 5 softmax (max,
//     subtract, exp, sum, divide: as rules/softmax.cc).
// The causal mask itself is not counted: it selects scores, it adds nothing.
// With --causal-half (RuleOptions::causal_attention_half) a causal node counts
// only the scores its mask keeps, in the products and in every per-score term:
// query row i (0-based among the S_q new rows) sees keys j <= past + i, so
// sum_i min(S_total, past + i + 1) per (batch, head) = S_q*past + S_q*(S_q+1)/2
// when S_kv = S_q. A decode step (S_q = 1) keeps every key: no change.
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "rules/families.h"
#include "rules/propagate.h"

namespace onnx_flops {
namespace {

constexpr double kScalePerScore = 1;
constexpr double kSoftcapPerScore = 3;  // softcap * tanh(x / softcap)
constexpr double kSoftmaxPerScore = 5;  // as rules/softmax.cc
// Rotary embedding, per rotated element: x1*cos - x2*sin (or x2*cos + x1*sin):
// 2 multiplies + 1 add.
constexpr double kRotaryPerElement = 3;

constexpr char kCoreFormula[] =
    "core: 2*scores*(d_k + d_v) (matmul class: Q*K^T and scores*V, one product per "
    "query head also when key heads are shared) + scores*(1 scale + 1 per additive "
    "mask/bias present + 3 if softcap > 0 (divide, tanh, multiply) + 5 softmax) "
    "(vector class); scores = B*heads_q*S_q*S_total, S_total = past + S_kv; the causal "
    "mask itself is not counted; with --causal-half a causal node counts only the "
    "kept scores, in the products and in every per-score term: B*heads_q*sum over "
    "query rows i of min(S_total, past + i + 1) = B*heads_q*(S_q*past + "
    "S_q*(S_q+1)/2) when S_kv = S_q (exact, not a half)";

bool CausalHalf(const NodeView& v) {
  return v.options != nullptr && v.options->causal_attention_half;
}

// Keys seen by the S_q query rows of one (batch, head) under a causal mask
// whose row i sees keys j <= offset + i, at most window + 1 of them when
// window >= 0 (GroupQueryAttention's local_window_size).
double CausalKeptScores(int64_t s_q, int64_t s_total, int64_t offset, int64_t window) {
  double kept = 0;
  for (int64_t i = 0; i < s_q; ++i) {
    int64_t keys = std::min<int64_t>(s_total, std::max<int64_t>(0, offset + i + 1));
    if (window >= 0) keys = std::min<int64_t>(keys, window + 1);
    kept += static_cast<double>(keys);
  }
  return kept;
}

struct Core {
  int64_t batch = 0, q_heads = 0, s_q = 0, s_total = 0, past = 0;
  int64_t d_k = 0, d_v = 0;
  bool causal = false;                 // keys after the query's position are masked
  int64_t window = -1;                 // local window (GQA), -1: none
  std::vector<int64_t> batch_offsets;  // per-batch causal offsets; empty: `past`
  int masks = 0;                       // additive masks/biases on every score
  bool softcap = false;
};

// Adds the attention core to `c` and its numbers to c.detail.
void AddCore(const NodeView& v, const Core& k, Cost& c) {
  const double bh = static_cast<double>(k.batch) * static_cast<double>(k.q_heads);
  double scores = bh * static_cast<double>(k.s_q) * static_cast<double>(k.s_total);
  std::string how = "scores=B*H*S_q*S_total";
  if (k.causal && CausalHalf(v)) {
    if (k.batch_offsets.empty()) {
      scores = bh * CausalKeptScores(k.s_q, k.s_total, k.past, k.window);
      how = absl::StrCat("causal kept scores=B*H*sum_i min(S_total, past+i+1)",
                         k.window >= 0 ? absl::StrCat(" capped at window+1=", k.window + 1)
                                       : std::string());
    } else {
      scores = 0;
      for (int64_t off : k.batch_offsets) {
        scores += static_cast<double>(k.q_heads) *
                  CausalKeptScores(k.s_q, k.s_total, off, k.window);
      }
      how = "causal kept scores=H*sum_b sum_i min(S_total, offset_b+i+1)";
    }
  }
  const double products = scores * static_cast<double>(k.d_k + k.d_v);
  c.macs += products;
  c.matmul_flops += 2 * products;
  const double per_score = kScalePerScore + k.masks + (k.softcap ? kSoftcapPerScore : 0) +
                           kSoftmaxPerScore;
  c.vector_flops += per_score * scores;
  if (!c.detail.empty()) c.detail += "; ";
  absl::StrAppend(&c.detail, "core 2*scores*(d_k+d_v) + ", FormatCount(per_score),
                  "*scores (scale 1", k.masks > 0 ? absl::StrCat(" + masks ", k.masks) : "",
                  k.softcap ? " + softcap 3" : "", " + softmax 5), ", how, "=",
                  FormatCount(scores), " B=", k.batch, " H=", k.q_heads, " S_q=", k.s_q,
                  " S_total=", k.s_total, " past=", k.past, " d_k=", k.d_k, " d_v=", k.d_v);
}

absl::Status Divisible(int64_t n, int64_t by, absl::string_view what, absl::string_view by_what) {
  if (by <= 0 || n % by != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, "=", n, " is not divisible by ", by_what, "=", by));
  }
  return absl::OkStatus();
}

absl::StatusOr<int64_t> RequiredPositiveInt(const NodeView& v, absl::string_view name,
                                            absl::string_view why) {
  if (FindAttr(v, name) == nullptr) {
    return absl::FailedPreconditionError(
        absl::StrCat("missing attribute '", name, "'", why));
  }
  const int64_t x = AttrInt(v, name, 0);
  if (x <= 0) {
    return absl::InvalidArgumentError(absl::StrCat("attribute '", name, "'=", x, " must be > 0"));
  }
  return x;
}

// The value of a scalar integer input when known.
bool ScalarValue(const NodeView& v, int i, int64_t* out) {
  if (!HasInput(v, i)) return false;
  auto ints = InputInts(v, i);
  if (!ints.ok() || ints->empty()) return false;
  *out = ints->front();
  return true;
}

// Past length from a KV-cache input's dim `axis`, falling back to the
// matching present output's dim minus the new length.
absl::StatusOr<int64_t> PastLength(const NodeView& v, int input, size_t rank, size_t axis,
                                   int present_output, int64_t s_new) {
  absl::StatusOr<Dims> past = InputDims(v, input);
  if (past.ok()) {
    if (past->size() != rank) {
      return absl::InvalidArgumentError(absl::StrCat(
          "past input ", input, " must have rank ", rank, ", got ", DimsToString(*past)));
    }
    return (*past)[axis];
  }
  absl::StatusOr<Dims> present = OutputDims(v, present_output);
  if (present.ok() && present->size() == rank && (*present)[axis] >= s_new) {
    return (*present)[axis] - s_new;
  }
  return past.status();
}

// Rotary embedding on `rows` vectors of `rotary_dim` rotated elements.
void AddRotary(double rotated_elements, Cost& c) {
  c.vector_flops += kRotaryPerElement * rotated_elements;
  absl::StrAppend(&c.detail, "; rotary 3*", FormatCount(rotated_elements), "=",
                  FormatCount(kRotaryPerElement * rotated_elements));
}

// ---- ONNX Attention (opset 23; opset 24 adds nonpad_kv_seqlen) ----

absl::StatusOr<Cost> CountOnnxAttention(const NodeView& v) {
  OF_ASSIGN_OR_RETURN(Dims q, InputDims(v, 0));
  OF_ASSIGN_OR_RETURN(Dims kd, InputDims(v, 1));
  OF_ASSIGN_OR_RETURN(Dims vd, InputDims(v, 2));
  if ((q.size() != 3 && q.size() != 4) || kd.size() != q.size() || vd.size() != q.size()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Q, K, V must all be 3-D or all 4-D, got ", DimsToString(q), ", ", DimsToString(kd),
        ", ", DimsToString(vd)));
  }
  Core k;
  int64_t kv_heads = 0, s_kv = 0;
  k.batch = q[0];
  if (q.size() == 4) {
    k.q_heads = q[1];
    k.s_q = q[2];
    k.d_k = q[3];
    kv_heads = kd[1];
    s_kv = kd[2];
    if (kd[3] != k.d_k) {
      return absl::InvalidArgumentError(
          absl::StrCat("K head size ", kd[3], " differs from Q head size ", k.d_k));
    }
    if (vd[1] != kv_heads || vd[2] != s_kv) {
      return absl::InvalidArgumentError(absl::StrCat(
          "V ", DimsToString(vd), " does not match K ", DimsToString(kd)));
    }
    k.d_v = vd[3];
  } else {
    OF_ASSIGN_OR_RETURN(k.q_heads,
                        RequiredPositiveInt(v, "q_num_heads", " (needed with 3-D Q)"));
    OF_ASSIGN_OR_RETURN(kv_heads,
                        RequiredPositiveInt(v, "kv_num_heads", " (needed with 3-D K, V)"));
    k.s_q = q[1];
    if (absl::Status st = Divisible(q[2], k.q_heads, "Q hidden", "q_num_heads"); !st.ok()) {
      return st;
    }
    k.d_k = q[2] / k.q_heads;
    s_kv = kd[1];
    if (kd[2] != k.d_k * kv_heads) {
      return absl::InvalidArgumentError(absl::StrCat(
          "K hidden ", kd[2], " is not kv_num_heads*head_size = ", kv_heads, "*", k.d_k));
    }
    if (absl::Status st = Divisible(vd[2], kv_heads, "V hidden", "kv_num_heads"); !st.ok()) {
      return st;
    }
    if (vd[1] != s_kv) {
      return absl::InvalidArgumentError(
          absl::StrCat("V length ", vd[1], " differs from K length ", s_kv));
    }
    k.d_v = vd[2] / kv_heads;
  }
  if (absl::Status st = Divisible(k.q_heads, kv_heads, "query heads", "key/value heads");
      !st.ok()) {
    return st;
  }
  if (HasInput(v, 4)) {
    OF_ASSIGN_OR_RETURN(k.past, PastLength(v, 4, 4, 2, 1, s_kv));
  }
  k.s_total = k.past + s_kv;
  k.causal = AttrInt(v, "is_causal", 0) != 0;
  k.masks = HasInput(v, 3) ? 1 : 0;
  k.softcap = AttrFloat(v, "softcap", 0.0f) > 0.0f;
  Cost c;
  // Opset 24: without a past_key, nonpad_kv_seqlen[b] - S_q is batch b's
  // causal offset (an external, padded KV cache).
  if (k.causal && CausalHalf(v) && !HasInput(v, 4) && HasInput(v, 6)) {
    auto lens = InputInts(v, 6);
    if (lens.ok() && static_cast<int64_t>(lens->size()) == k.batch) {
      for (int64_t len : *lens) k.batch_offsets.push_back(len - k.s_q);
    } else {
      k.batch_offsets.assign(static_cast<size_t>(std::max<int64_t>(k.batch, 0)),
                             s_kv - k.s_q);
      c.warning = absl::StrCat(
          "nonpad_kv_seqlen is not a known constant: the causal count assumes every batch "
          "entry fills its ", s_kv, " keys");
    }
  }
  AddCore(v, k, c);
  return c;
}

// ---- com.microsoft Attention and QAttention: input projection + core ----

struct ProjectedSlots {
  const char* op;
  int input, weights, bias, mask, past, attention_bias, past_sequence_length;
  bool dequantize;  // QAttention: the int32 projection is scaled back to float
};

absl::StatusOr<Cost> CountProjectedAttention(const NodeView& v, const ProjectedSlots& s) {
  OF_ASSIGN_OR_RETURN(Dims x, InputDims(v, s.input));
  OF_ASSIGN_OR_RETURN(Dims w, InputDims(v, s.weights));
  if (x.size() != 3 || w.size() != 2) {
    return absl::InvalidArgumentError(absl::StrCat(
        s.op, " needs input [B, S, input_hidden] and weights [input_hidden, q+k+v hidden], "
              "got ", DimsToString(x), " and ", DimsToString(w)));
  }
  if (w[0] != x[2]) {
    return absl::InvalidArgumentError(absl::StrCat(
        "weights rows ", w[0], " differ from the input hidden size ", x[2]));
  }
  OF_ASSIGN_OR_RETURN(const int64_t heads, RequiredPositiveInt(v, "num_heads", ""));
  int64_t q_hidden = 0, k_hidden = 0, v_hidden = 0;
  const std::vector<int64_t> sizes = AttrInts(v, "qkv_hidden_sizes");
  if (sizes.empty()) {
    if (absl::Status st = Divisible(w[1], 3, "weights columns", "3"); !st.ok()) return st;
    q_hidden = k_hidden = v_hidden = w[1] / 3;
  } else {
    if (sizes.size() != 3 || sizes[0] + sizes[1] + sizes[2] != w[1]) {
      return absl::InvalidArgumentError(absl::StrCat(
          "qkv_hidden_sizes must be 3 sizes summing to the weights columns ", w[1]));
    }
    q_hidden = sizes[0];
    k_hidden = sizes[1];
    v_hidden = sizes[2];
  }
  if (k_hidden != q_hidden) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Q hidden ", q_hidden, " and K hidden ", k_hidden, " differ"));
  }
  if (absl::Status st = Divisible(q_hidden, heads, "Q hidden", "num_heads"); !st.ok()) return st;
  if (absl::Status st = Divisible(v_hidden, heads, "V hidden", "num_heads"); !st.ok()) return st;

  const double tokens = static_cast<double>(x[0]) * static_cast<double>(x[1]);
  const double projected = tokens * static_cast<double>(w[1]);
  Cost c;
  c.macs = projected * static_cast<double>(x[2]);
  c.matmul_flops = 2 * c.macs;
  c.detail = absl::StrCat("projection 2*B*S*input_hidden*(q+k+v), B*S=", FormatCount(tokens),
                          " input_hidden=", x[2], " q+k+v=", w[1]);
  if (s.dequantize) {
    c.vector_flops += projected;
    absl::StrAppend(&c.detail, "; dequantize B*S*(q+k+v)=", FormatCount(projected));
  }
  if (HasInput(v, s.bias)) {
    c.vector_flops += projected;
    absl::StrAppend(&c.detail, "; bias B*S*(q+k+v)=", FormatCount(projected));
  }

  Core k;
  k.batch = x[0];
  k.q_heads = heads;
  k.s_q = x[1];
  k.d_k = q_hidden / heads;
  k.d_v = v_hidden / heads;
  if (s.past >= 0 && HasInput(v, s.past)) {
    OF_ASSIGN_OR_RETURN(k.past, PastLength(v, s.past, 5, 3, 1, k.s_q));
    if (AttrInt(v, "past_present_share_buffer", 0) != 0) {
      int64_t len = 0;
      if (s.past_sequence_length >= 0 && ScalarValue(v, s.past_sequence_length, &len)) {
        k.past = len;
      } else {
        c.warning = absl::StrCat(
            "past and present share a buffer and past_sequence_length is not a known "
            "constant: counted the buffer's ", k.past, " positions as the past length");
      }
    }
  }
  k.s_total = k.past + k.s_q;
  k.causal = AttrInt(v, "unidirectional", 0) != 0;
  k.masks = (HasInput(v, s.mask) ? 1 : 0) +
            (s.attention_bias >= 0 && HasInput(v, s.attention_bias) ? 1 : 0);
  AddCore(v, k, c);
  if (AttrInt(v, "do_rotary", 0) != 0) {
    const int64_t rotary_dim = AttrInt(v, "rotary_embedding_dim", 0) > 0
                                   ? AttrInt(v, "rotary_embedding_dim", 0)
                                   : k.d_k;
    // Q and K: B*S*heads vectors each.
    AddRotary(2 * tokens * static_cast<double>(heads) * static_cast<double>(rotary_dim), c);
  }
  return c;
}

absl::StatusOr<Cost> CountContribAttention(const NodeView& v) {
  return CountProjectedAttention(v, {"Attention", 0, 1, 2, 3, 4, 5, 6, false});
}

absl::StatusOr<Cost> CountQAttention(const NodeView& v) {
  return CountProjectedAttention(v, {"QAttention", 0, 1, 2, 5, 8, -1, -1, true});
}

// ---- com.microsoft MultiHeadAttention: Q, K, V already projected ----


// Past and present in one buffer: the past length is input `length_input`
// (past_sequence_length) when known, else the buffer's, with a warning.
void SharedBufferPast(const NodeView& v, int length_input, int64_t* past, Cost* c) {
  int64_t len = 0;
  if (ScalarValue(v, length_input, &len)) {
    *past = len;
    return;
  }
  c->warning = absl::StrCat(
      "past and present share a buffer and past_sequence_length is not a known "
      "constant: counted the buffer's ", *past, " positions as the past length");
}

absl::StatusOr<Cost> CountMultiHeadAttention(const NodeView& v) {
  OF_ASSIGN_OR_RETURN(const int64_t heads, RequiredPositiveInt(v, "num_heads", ""));
  OF_ASSIGN_OR_RETURN(Dims q, InputDims(v, 0));
  Core k;
  k.q_heads = heads;
  int64_t hidden = 0, v_hidden = 0, s_kv = 0;
  bool kv_projected_layout = true;  // K/V in [B, S_kv, hidden] (bias applies)
  if (q.size() == 5) {
    // Packed QKV [B, S, N, 3, H].
    if (q[2] != heads || q[3] != 3) {
      return absl::InvalidArgumentError(absl::StrCat(
          "packed QKV must be [B, S, num_heads, 3, head_size], got ", DimsToString(q)));
    }
    k.batch = q[0];
    k.s_q = s_kv = q[1];
    k.d_k = k.d_v = q[4];
    hidden = v_hidden = heads * q[4];
  } else if (q.size() == 3) {
    k.batch = q[0];
    k.s_q = q[1];
    hidden = q[2];
    if (absl::Status st = Divisible(hidden, heads, "query hidden", "num_heads"); !st.ok()) {
      return st;
    }
    k.d_k = hidden / heads;
    OF_ASSIGN_OR_RETURN(Dims kd, InputDims(v, 1));
    if (kd.size() == 5) {
      // Packed KV [B, S_kv, N, 2, H].
      if (kd[2] != heads || kd[3] != 2 || kd[4] != k.d_k) {
        return absl::InvalidArgumentError(absl::StrCat(
            "packed KV must be [B, S_kv, num_heads, 2, head_size], got ", DimsToString(kd)));
      }
      s_kv = kd[1];
      k.d_v = k.d_k;
      v_hidden = hidden;
    } else if (kd.size() == 3 || kd.size() == 4) {
      OF_ASSIGN_OR_RETURN(Dims vd, InputDims(v, 2));
      if (vd.size() != kd.size()) {
        return absl::InvalidArgumentError(absl::StrCat(
            "key ", DimsToString(kd), " and value ", DimsToString(vd), " differ in rank"));
      }
      if (kd.size() == 3) {
        s_kv = kd[1];
        if (kd[2] != hidden) {
          return absl::InvalidArgumentError(
              absl::StrCat("key hidden ", kd[2], " differs from query hidden ", hidden));
        }
        if (absl::Status st = Divisible(vd[2], heads, "value hidden", "num_heads"); !st.ok()) {
          return st;
        }
        v_hidden = vd[2];
        k.d_v = vd[2] / heads;
      } else {
        // Cross attention with K, V already in [B, N, S_kv, H] (a cache).
        kv_projected_layout = false;
        s_kv = kd[2];
        if (kd[1] != heads || kd[3] != k.d_k) {
          return absl::InvalidArgumentError(absl::StrCat(
              "key [B, N, S_kv, H] ", DimsToString(kd), " does not match num_heads=", heads,
              " head_size=", k.d_k));
        }
        k.d_v = vd[3];
        v_hidden = heads * vd[3];
      }
    } else {
      return absl::InvalidArgumentError(absl::StrCat(
          "key must be 3-D, 4-D or packed 5-D, got ", DimsToString(kd)));
    }
  } else {
    return absl::InvalidArgumentError(absl::StrCat(
        "query must be [B, S, hidden] or packed [B, S, N, 3, H], got ", DimsToString(q)));
  }

  Cost c;
  if (HasInput(v, 3)) {
    // The input-projection bias, added to Q and to K, V unless they come
    // already in [B, N, S_kv, H].
    const double q_elems = static_cast<double>(k.batch) * static_cast<double>(k.s_q) *
                           static_cast<double>(hidden);
    const double kv_elems = kv_projected_layout
                                ? static_cast<double>(k.batch) * static_cast<double>(s_kv) *
                                      static_cast<double>(hidden + v_hidden)
                                : 0;
    c.vector_flops += q_elems + kv_elems;
    c.detail = absl::StrCat("bias adds ", FormatCount(q_elems + kv_elems));
  }
  if (kv_projected_layout && HasInput(v, 6)) {
    OF_ASSIGN_OR_RETURN(k.past, PastLength(v, 6, 4, 2, 1, s_kv));
    if (HasInput(v, 8)) {  // past_sequence_length: past/present share a buffer
      SharedBufferPast(v, 8, &k.past, &c);
    }
  }
  k.s_total = k.past + s_kv;
  k.causal = AttrInt(v, "unidirectional", 0) != 0;
  k.masks = (HasInput(v, 4) ? 1 : 0) + (HasInput(v, 5) ? 1 : 0);
  AddCore(v, k, c);
  return c;
}

// ---- com.microsoft DecoderMaskedMultiHeadAttention: one decoding step ----
//
// Inputs: query, key, value, mask_index, attention_bias, past_key,
// past_value, past_sequence_length, beam_width, cache_indirection, bias.
// Self attention: query [B, S, hidden] (S = 1 in practice; counted as given),
// key/value [B, S, hidden] / [B, S, v_hidden] appended to past_key/value
// [B, N, P, H]; or packed QKV [B, S, 2*hidden + v_hidden] with no key/value
// (taken as three equal parts). Cross attention: key/value already projected
// in [B, N, L, H] (the encoder's cache), no past. B counts every beam (the
// cache_indirection only picks which beam's past a key comes from).

absl::StatusOr<Cost> CountDecoderMaskedMultiHeadAttention(const NodeView& v) {
  OF_ASSIGN_OR_RETURN(const int64_t heads, RequiredPositiveInt(v, "num_heads", ""));
  OF_ASSIGN_OR_RETURN(Dims q, InputDims(v, 0));
  if (q.size() != 3) {
    return absl::InvalidArgumentError(absl::StrCat(
        "query must be [B, S, hidden] or packed [B, S, 2*hidden + v_hidden], got ",
        DimsToString(q)));
  }
  Core k;
  k.q_heads = heads;
  k.batch = q[0];
  k.s_q = q[1];
  int64_t hidden = 0, v_hidden = 0, s_kv = 0;
  int64_t cache_head = -1;  // cross attention: the key cache's head size
  bool cross = false;
  if (!HasInput(v, 1) && !HasInput(v, 2)) {
    if (absl::Status st = Divisible(q[2], 3, "packed QKV hidden", "3"); !st.ok()) return st;
    hidden = v_hidden = q[2] / 3;
    s_kv = k.s_q;
  } else {
    hidden = q[2];
    OF_ASSIGN_OR_RETURN(Dims kd, InputDims(v, 1));
    OF_ASSIGN_OR_RETURN(Dims vd, InputDims(v, 2));
    if (kd.size() == 3 && vd.size() == 3) {
      if (kd[2] != hidden) {
        return absl::InvalidArgumentError(
            absl::StrCat("key hidden ", kd[2], " differs from query hidden ", hidden));
      }
      s_kv = kd[1];
      v_hidden = vd[2];
    } else if (kd.size() == 4 && vd.size() == 4) {
      cross = true;
      s_kv = kd[2];
      cache_head = kd[3];
      v_hidden = heads * vd[3];
      if (kd[1] != heads || vd[1] != heads) {
        return absl::InvalidArgumentError(absl::StrCat(
            "cross-attention key ", DimsToString(kd), " / value ", DimsToString(vd),
            " must be [B, num_heads=", heads, ", L, H]"));
      }
    } else {
      return absl::InvalidArgumentError(absl::StrCat(
          "key and value must both be [B, S, hidden] (self) or [B, N, L, H] (cross), got ",
          DimsToString(kd), " and ", DimsToString(vd)));
    }
  }
  if (absl::Status st = Divisible(hidden, heads, "query hidden", "num_heads"); !st.ok()) {
    return st;
  }
  if (absl::Status st = Divisible(v_hidden, heads, "value hidden", "num_heads"); !st.ok()) {
    return st;
  }
  k.d_k = hidden / heads;
  k.d_v = v_hidden / heads;
  if (cross && cache_head != k.d_k) {
    return absl::InvalidArgumentError(absl::StrCat(
        "key cache head size ", cache_head, " differs from query hidden/num_heads = ", k.d_k));
  }

  Cost c;
  if (HasInput(v, 10)) {
    // The projection bias: added to Q, and to the new K and V of self
    // attention (a cross-attention cache comes projected).
    const double q_elems = static_cast<double>(k.batch) * static_cast<double>(k.s_q) *
                           static_cast<double>(hidden);
    const double kv_elems = cross ? 0
                                  : static_cast<double>(k.batch) * static_cast<double>(s_kv) *
                                        static_cast<double>(hidden + v_hidden);
    c.vector_flops += q_elems + kv_elems;
    c.detail = absl::StrCat("bias adds ", FormatCount(q_elems + kv_elems));
  }
  if (!cross && HasInput(v, 5)) {
    OF_ASSIGN_OR_RETURN(k.past, PastLength(v, 5, 4, 2, 1, s_kv));
    if (AttrInt(v, "past_present_share_buffer", 0) != 0) {
      SharedBufferPast(v, 7, &k.past, &c);
    }
  }
  k.s_total = k.past + s_kv;
  k.masks = (HasInput(v, 3) ? 1 : 0) + (HasInput(v, 4) ? 1 : 0);
  AddCore(v, k, c);
  return c;
}

absl::StatusOr<Cost> CountDecoderMaskedSelfAttention(const NodeView& v) {
  // Attention's slots exactly: input, weights, bias, mask_index, past,
  // attention_bias, past_sequence_length (then beam_width, cache_indirection).
  return CountProjectedAttention(v, {"DecoderMaskedSelfAttention", 0, 1, 2, 3, 4, 5, 6, false});
}

// ---- com.microsoft GroupQueryAttention ----

absl::StatusOr<Cost> CountGroupQueryAttention(const NodeView& v) {
  OF_ASSIGN_OR_RETURN(const int64_t heads, RequiredPositiveInt(v, "num_heads", ""));
  OF_ASSIGN_OR_RETURN(const int64_t kv_heads, RequiredPositiveInt(v, "kv_num_heads", ""));
  if (absl::Status st = Divisible(heads, kv_heads, "num_heads", "kv_num_heads"); !st.ok()) {
    return st;
  }
  OF_ASSIGN_OR_RETURN(Dims q, InputDims(v, 0));
  if (q.size() != 3) {
    return absl::InvalidArgumentError(
        absl::StrCat("query must be [B, S, hidden], got ", DimsToString(q)));
  }
  Core k;
  k.batch = q[0];
  k.q_heads = heads;
  k.s_q = q[1];
  if (HasInput(v, 1)) {
    if (absl::Status st = Divisible(q[2], heads, "query hidden", "num_heads"); !st.ok()) {
      return st;
    }
    k.d_k = q[2] / heads;
    OF_ASSIGN_OR_RETURN(Dims kd, InputDims(v, 1));
    if (kd.size() != 3 || kd[2] != kv_heads * k.d_k) {
      return absl::InvalidArgumentError(absl::StrCat(
          "key must be [B, S, kv_num_heads*head_size] = [B, S, ", kv_heads * k.d_k,
          "], got ", DimsToString(kd)));
    }
  } else {
    // Packed QKV: hidden = (num_heads + 2*kv_num_heads) * head_size.
    if (absl::Status st = Divisible(q[2], heads + 2 * kv_heads, "packed QKV hidden",
                                    "num_heads + 2*kv_num_heads");
        !st.ok()) {
      return st;
    }
    k.d_k = q[2] / (heads + 2 * kv_heads);
  }
  k.d_v = k.d_k;

  // Total length: the total_sequence_length value, else past + S, else the
  // present_key output.
  int64_t total = 0;
  Cost c;
  if (ScalarValue(v, 6, &total)) {
    k.s_total = total;
    k.past = total - k.s_q;
  } else {
    if (HasInput(v, 3)) {
      OF_ASSIGN_OR_RETURN(k.past, PastLength(v, 3, 4, 2, 1, k.s_q));
    }
    k.s_total = k.past + k.s_q;
  }
  if (k.past < 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "total_sequence_length ", k.s_total, " is shorter than the query length ", k.s_q));
  }
  k.causal = AttrInt(v, "causal", 1) != 0;
  k.window = AttrInt(v, "local_window_size", -1);
  k.masks = HasInput(v, 10) ? 1 : 0;
  k.softcap = AttrFloat(v, "softcap", 0.0f) > 0.0f;
  const double q_vectors = static_cast<double>(k.batch) * static_cast<double>(k.s_q) *
                           static_cast<double>(heads);
  const double k_vectors = static_cast<double>(k.batch) * static_cast<double>(k.s_q) *
                           static_cast<double>(kv_heads);
  // Qwen3-style per-head RMS norm of Q and K (inputs 14, 15): as RMSNormalization,
  // 4 per element + 4 per normalized vector.
  if (HasInput(v, 14) && HasInput(v, 15)) {
    const double vectors = q_vectors + k_vectors;
    const double norm = 4 * vectors * static_cast<double>(k.d_k) + 4 * vectors;
    c.vector_flops += norm;
    c.detail = absl::StrCat("q/k RMS norm 4*elements + 4*vectors=", FormatCount(norm));
  }
  AddCore(v, k, c);
  if (AttrInt(v, "do_rotary", 0) != 0) {
    int64_t rotary_dim = k.d_k;
    if (auto cos = InputDims(v, 7); cos.ok() && cos->size() == 2) rotary_dim = 2 * (*cos)[1];
    AddRotary((q_vectors + k_vectors) * static_cast<double>(rotary_dim), c);
  }
  return c;
}

// ---- RotaryEmbedding (ONNX opset 23 and com.microsoft) ----

constexpr char kRotaryFormula[] =
    "3 per rotated element (x1*cos - x2*sin, x2*cos + x1*sin: 2 multiplies + 1 add per "
    "output element), vector class; rotated elements = numel(X)/head_size*rotary_dim, "
    "rotary_dim = rotary_embedding_dim or head_size when 0 (the rest of each head is "
    "copied: 0); head_size = X.dims[3] for 4-D X, hidden/num_heads for 3-D X; X's shape "
    "falls back to the output's";

absl::StatusOr<Cost> CountRotaryEmbedding(const NodeView& v) {
  absl::StatusOr<Dims> x = InputDims(v, 0);
  if (!x.ok()) {
    absl::StatusOr<Dims> y = OutputDims(v, 0);
    if (!y.ok()) return x.status();
    x = std::move(y);
  }
  const double n = NumElements(*x);
  const int64_t rotary_dim = AttrInt(v, "rotary_embedding_dim", 0);
  double rotated = n;
  std::string how = "full rotation";
  if (rotary_dim > 0) {
    int64_t head_size = 0;
    if (x->size() == 4) {
      head_size = (*x)[3];
    } else if (x->size() == 3) {
      const int64_t heads = AttrInt(v, "num_heads", 0);
      if (heads <= 0) {
        return absl::FailedPreconditionError(absl::StrCat(
            "missing attribute 'num_heads' (needed for a partial rotation, "
            "rotary_embedding_dim=", rotary_dim, ", of a 3-D input)"));
      }
      if (absl::Status st = Divisible((*x)[2], heads, "hidden", "num_heads"); !st.ok()) {
        return st;
      }
      head_size = (*x)[2] / heads;
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat("input must be 3-D or 4-D, got ", DimsToString(*x)));
    }
    if (rotary_dim > head_size) {
      return absl::InvalidArgumentError(absl::StrCat(
          "rotary_embedding_dim=", rotary_dim, " exceeds head_size=", head_size));
    }
    rotated = n / static_cast<double>(head_size) * static_cast<double>(rotary_dim);
    how = absl::StrCat("rotary_dim=", rotary_dim, " of head_size=", head_size);
  }
  Cost c;
  c.vector_flops = kRotaryPerElement * rotated;
  c.detail = absl::StrCat("3*rotated, rotated=", FormatCount(rotated), " (", how,
                          ", numel(X)=", FormatCount(n), ")");
  return c;
}

// ---- Formulas ----

std::string OnnxAttentionFormula() {
  return absl::StrCat(
      "Q [B, heads_q, S_q, d_k] or 3-D [B, S_q, heads_q*d_k] with q_num_heads (K, V "
      "likewise with kv_num_heads; heads_q a multiple of kv heads); S_total = "
      "past_key.dims[2] + S_kv; additive mask = attn_mask; causal = is_causal=1 (keys j <= "
      "past + i; opset 24 without past_key: offset nonpad_kv_seqlen[b] - S_q). ",
      kCoreFormula,
      ". Scaling is counted per score (the spec's function scales Q and K by sqrt(scale) "
      "instead)");
}

std::string ContribAttentionFormula() {
  return absl::StrCat(
      "input [B, S, input_hidden], weights [input_hidden, q+k+v] (qkv_hidden_sizes, else "
      "3 equal parts): projection 2*B*S*input_hidden*(q+k+v) (matmul class) + "
      "B*S*(q+k+v) bias adds if bias is present (vector); heads = num_heads, d_k = q/heads, "
      "d_v = v/heads, S_q = S_kv = S, past = past.dims[3] (past_present_share_buffer: the "
      "past_sequence_length value, else the buffer length with a warning); additive masks "
      "= mask_index, attention_bias; causal = unidirectional=1; do_rotary: + 3 per "
      "rotated element of Q and K (2*B*S*heads*rotary_dim). ",
      kCoreFormula);
}

std::string QAttentionFormula() {
  return absl::StrCat(
      "as com.microsoft Attention on int8 input and weights (inputs input, weight, bias, "
      "input_scale, weight_scale, mask_index, input_zero_point, weight_zero_point, past): "
      "the projection MACs run at low precision and count 2 FLOP per MAC as in float; + "
      "B*S*(q+k+v) to dequantize the int32 projection (1 multiply) + B*S*(q+k+v) bias "
      "adds; zero-point subtractions not counted. ",
      kCoreFormula);
}

std::string MultiHeadAttentionFormula() {
  return absl::StrCat(
      "Q, K, V are already projected (the projections are separate MatMuls): query [B, "
      "S_q, hidden] or packed QKV [B, S, heads, 3, d]; key/value [B, S_kv, hidden], packed "
      "KV [B, S_kv, heads, 2, d] or [B, heads, S_kv, d] (a cross-attention cache); d_k = "
      "hidden/num_heads; bias: + B*S_q*hidden + B*S_kv*(hidden + v_hidden) adds (vector; "
      "the K/V part only for [B, S_kv, hidden] or packed K/V); past = past_key.dims[2] (or "
      "the past_sequence_length value when given); additive masks = key_padding_mask, "
      "attention_bias; causal = unidirectional=1. ",
      kCoreFormula);
}

std::string DecoderMaskedMultiHeadAttentionFormula() {
  return absl::StrCat(
      "one decoding step, Q, K, V already projected: query [B, S_q, hidden] (S_q = 1) with "
      "key/value [B, S_kv, hidden] appended to past_key/past_value [B, heads, past, d] "
      "(self attention; past_present_share_buffer: past = the past_sequence_length value, "
      "else the buffer length with a warning), packed QKV [B, S_q, 3*hidden] without "
      "key/value, or key/value caches [B, heads, L, d] (cross attention, S_total = L, no "
      "past); B includes the beams; d_k = hidden/num_heads; bias: + B*S_q*hidden + "
      "B*S_kv*(hidden + v_hidden) adds (vector; Q only for cross attention); additive masks "
      "= mask_index, attention_bias. ",
      kCoreFormula);
}

std::string DecoderMaskedSelfAttentionFormula() {
  return absl::StrCat(
      "one decoding step of com.microsoft Attention, counted as it (same inputs: input [B, "
      "S, input_hidden], weights [input_hidden, q+k+v], bias, mask_index, past [2, B, heads, "
      "past, d], attention_bias, past_sequence_length; beam_width and cache_indirection "
      "change no count): projection 2*B*S*input_hidden*(q+k+v) + B*S*(q+k+v) bias adds; "
      "do_rotary: + 3 per rotated element of Q and K. ",
      kCoreFormula);
}

std::string GroupQueryAttentionFormula() {
  return absl::StrCat(
      "query [B, S, num_heads*d] (or packed QKV [B, S, (num_heads + 2*kv_num_heads)*d]), "
      "key/value [B, S, kv_num_heads*d]; S_q = S_kv = S; S_total = the "
      "total_sequence_length value if known, else past_key.dims[2] + S (a shared "
      "past/present buffer's length is taken as the past); causal unless causal=0 (with "
      "--causal-half each row also keeps at most local_window_size + 1 keys when "
      "local_window_size >= 0); additive mask = attention_bias; do_rotary: + 3 per rotated "
      "element of the new Q and K, B*S*(num_heads + kv_num_heads)*rotary_dim, rotary_dim = "
      "2*cos_cache.dims[1] (else d); q/k_norm_weight: + 4 per Q/K element + 4 per head "
      "vector (RMS norm); KV-cache (de)quantization, smooth_softmax and head_sink "
      "per-row terms not counted. ",
      kCoreFormula);
}

// ---- Shape propagation ----


int64_t DimOr(const TensorInfo* t, size_t rank, size_t axis) {
  return Ranked(t) && t->dims.size() == rank ? t->dims[axis] : -1;
}

// ONNX Attention (23). 3-D Q/K/V are [B, S, heads*head_size] with
// q_num_heads/kv_num_heads attributes; 4-D ones are [B, heads, S, head_size].
// Outputs: Y, present_key, present_value, qk_matmul_output.
absl::StatusOr<Outputs> ShapeOfOnnxAttention(const NodeView& v) {
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
    head_k = DimDiv(DimOr(k, 3, 2), kv_heads);
    head_v = DimDiv(DimOr(val, 3, 2), kv_heads);
  } else {
    q_heads = q->dims[1];
    s_q = q->dims[2];
    kv_heads = DimOr(k, 4, 1);
    s_kv = DimOr(k, 4, 2);
    head_k = DimOr(k, 4, 3);
    head_v = DimOr(val, 4, 3);
  }
  const int64_t s_past = HasInput(v, 4) ? DimOr(past, 4, 2) : 0;
  const int64_t total = DimAdd(s_past, s_kv);
  Outputs outs;
  outs.push_back(three_d ? Shaped(elem, {b, s_q, DimMul(q_heads, head_v)})
                         : Shaped(elem, {b, q_heads, s_q, head_v}));
  outs.push_back(Shaped(elem, {b, kv_heads, total, head_k}));
  outs.push_back(Shaped(elem, {b, kv_heads, total, head_v}));
  outs.push_back(Shaped(elem, {b, q_heads, s_q, total}));
  return outs;
}

// com.microsoft Attention: input [B, S, D_in] x weights [D_in, Dq+Dk+Dv].
// Outputs: [B, S, Dv], present [2, B, heads, past + S, Dk/heads].
absl::StatusOr<Outputs> ShapeOfContribAttention(const NodeView& v) {
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
    k_hidden = v_hidden = DimDiv(w->dims[1], 3);
  }
  const int64_t b = x->dims[0], s = x->dims[1];
  const int64_t s_past = HasInput(v, 4) ? DimOr(past, 5, 3) : 0;
  return Outputs{Shaped(elem, {b, s, v_hidden}),
                 Shaped(elem, {2, b, heads, DimAdd(s_past, s), DimDiv(k_hidden, heads)})};
}

// com.microsoft MultiHeadAttention: query [B, S, D] with key/value [B, L, D]
// / [B, heads, L, H], packed kv [B, L, heads, 2, H] or packed qkv
// [B, S, heads, 3, H]. Outputs: [B, S, Dv], present_key, present_value.
absl::StatusOr<Outputs> ShapeOfMultiHeadAttention(const NodeView& v) {
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
      head_k = DimDiv(k->dims[2], heads);
    } else if (Ranked(k) && k->dims.size() == 4) {
      l = k->dims[2];
      head_k = k->dims[3];
    }
    if (Ranked(val) && val->dims.size() == 3) {
      head_v = DimDiv(val->dims[2], heads);
    } else if (Ranked(val) && val->dims.size() == 4) {
      head_v = val->dims[3];
    }
  }
  const int64_t s_past = HasInput(v, 6) ? DimOr(In(v, 6), 4, 2) : 0;
  // With a 4-D key (already projected past), present is that key itself.
  const bool key_is_cache = Ranked(k) && k->dims.size() == 4;
  const int64_t total = key_is_cache ? l : DimAdd(s_past, l);
  return Outputs{Shaped(elem, {b, s, DimMul(heads, head_v)}),
                 Shaped(elem, {b, heads, total, head_k}), Shaped(elem, {b, heads, total, head_v})};
}

// com.microsoft GroupQueryAttention: query [B, S, heads*H] (or packed
// [B, S, (heads + 2*kv_heads)*H] without key/value). Outputs: [B, S, heads*H],
// present_key/value [B, kv_heads, max(past, total_sequence_length), H].
absl::StatusOr<Outputs> ShapeOfGroupQueryAttention(const NodeView& v) {
  const TensorInfo* q = In(v, 0);
  const int32_t elem = ElemOf(q);
  if (!Ranked(q) || q->dims.size() != 3) return Outputs{TypeOnly(elem)};
  const int64_t heads = AttrInt(v, "num_heads", -1);
  const int64_t kv_heads = AttrInt(v, "kv_num_heads", -1);
  const bool packed = !HasInput(v, 1);
  const int64_t head =
      packed ? DimDiv(q->dims[2], DimAdd(heads, DimMul(2, kv_heads)))
             : DimDiv(q->dims[2], heads);
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
  return Outputs{Shaped(elem, {b, s, DimMul(heads, head)}),
                 Shaped(elem, {b, kv_heads, present, head}),
                 Shaped(elem, {b, kv_heads, present, head})};
}

// com.microsoft DecoderMaskedMultiHeadAttention. Outputs: [B, S, v_hidden],
// present_key/value [B, heads, past + S_kv, d] (the past buffer's shape when
// it is shared), qk [B, heads, S, S_total].
absl::StatusOr<Outputs> ShapeOfDecoderMaskedMultiHeadAttention(const NodeView& v) {
  const TensorInfo* q = In(v, 0);
  const TensorInfo* k = In(v, 1);
  const TensorInfo* val = In(v, 2);
  const int32_t elem = ElemOf(q);
  const int64_t heads = AttrInt(v, "num_heads", -1);
  if (!Ranked(q) || q->dims.size() != 3) return Outputs{TypeOnly(elem)};
  const int64_t b = q->dims[0], s = q->dims[1];
  int64_t head_k = -1, head_v = -1, total = -1;
  Dims present = {-1};
  if (!HasInput(v, 1) && !HasInput(v, 2)) {  // packed QKV
    head_k = head_v = DimDiv(DimDiv(q->dims[2], 3), heads);
    total = DimAdd(HasInput(v, 5) ? DimOr(In(v, 5), 4, 2) : 0, s);
  } else if (Ranked(k) && k->dims.size() == 4) {  // cross attention
    head_k = k->dims[3];
    head_v = DimOr(val, 4, 3);
    total = k->dims[2];
  } else {
    head_k = DimDiv(q->dims[2], heads);
    head_v = DimDiv(DimOr(val, 3, 2), heads);
    total = DimAdd(HasInput(v, 5) ? DimOr(In(v, 5), 4, 2) : 0, DimOr(k, 3, 1));
  }
  const bool shared = AttrInt(v, "past_present_share_buffer", 0) != 0 && HasInput(v, 5);
  const int64_t present_len = shared ? DimOr(In(v, 5), 4, 2) : total;
  const bool cross = Ranked(k) && k->dims.size() == 4;
  Outputs outs{Shaped(elem, {b, s, DimMul(heads, head_v)})};
  if (cross) {
    outs.push_back(TensorInfo());
    outs.push_back(TensorInfo());
  } else {
    outs.push_back(Shaped(elem, {b, heads, present_len, head_k}));
    outs.push_back(Shaped(elem, {b, heads, present_len, head_v}));
  }
  outs.push_back(Shaped(elem, {b, heads, s, total}));
  return outs;
}

// com.microsoft DecoderMaskedSelfAttention: as Attention, except that a
// shared past/present buffer keeps the past's shape.
absl::StatusOr<Outputs> ShapeOfDecoderMaskedSelfAttention(const NodeView& v) {
  OF_ASSIGN_OR_RETURN(Outputs outs, ShapeOfContribAttention(v));
  if (AttrInt(v, "past_present_share_buffer", 0) != 0 && outs.size() > 1) {
    const TensorInfo* past = In(v, 4);
    outs[1] = Ranked(past) ? Shaped(ElemOf(past), past->dims) : TensorInfo();
  }
  return outs;
}

// MultiHeadAttention's packed bias (input 3) adds to Q, K and V.
constexpr BackwardSpec MultiHeadBackward() {
  BackwardSpec s = Backward(BackwardKind::kAttentionCore);
  s.bias = 3;
  return s;
}

// DecoderMaskedMultiHeadAttention's projection bias (input 10) adds to Q, K and V.
constexpr BackwardSpec DecoderMaskedBackward() {
  BackwardSpec s = Backward(BackwardKind::kAttentionCore);
  s.bias = 10;
  return s;
}

// QAttention: quantized input and weights; gradients only through them.
constexpr BackwardSpec QuantizedAttention() {
  BackwardSpec s = Backward(BackwardKind::kProjectedAttention);
  s.differentiable = Slots({0, 1, 2});
  s.quantized_weights = Slots({1});
  return s;
}

}  // namespace

void RegisterAttentionRules(RuleRegistry& r) {
  Register(r, {"", "Attention", "attention", OnnxAttentionFormula(), CountOnnxAttention,
               ShapeOfOnnxAttention, Backward(BackwardKind::kAttentionCore)});
  Register(r, {"", "RotaryEmbedding", "attention", kRotaryFormula, CountRotaryEmbedding,
               ShapeLikeInput0});
  Register(r, {"com.microsoft", "Attention", "attention", ContribAttentionFormula(),
               CountContribAttention, ShapeOfContribAttention,
               Backward(BackwardKind::kProjectedAttention)});
  Register(r, {"com.microsoft", "QAttention", "attention", QAttentionFormula(),
               CountQAttention, nullptr, QuantizedAttention()});
  Register(r, {"com.microsoft", "MultiHeadAttention", "attention", MultiHeadAttentionFormula(),
               CountMultiHeadAttention, ShapeOfMultiHeadAttention, MultiHeadBackward()});
  Register(r, {"com.microsoft", "GroupQueryAttention", "attention",
               GroupQueryAttentionFormula(), CountGroupQueryAttention, ShapeOfGroupQueryAttention,
               Backward(BackwardKind::kAttentionCore)});
  Register(r, {"com.microsoft", "DecoderMaskedMultiHeadAttention", "attention",
               DecoderMaskedMultiHeadAttentionFormula(), CountDecoderMaskedMultiHeadAttention,
               ShapeOfDecoderMaskedMultiHeadAttention, DecoderMaskedBackward()});
  Register(r, {"com.microsoft", "DecoderMaskedSelfAttention", "attention",
               DecoderMaskedSelfAttentionFormula(), CountDecoderMaskedSelfAttention,
               ShapeOfDecoderMaskedSelfAttention, Backward(BackwardKind::kProjectedAttention)});
  Register(r, {"com.microsoft", "RotaryEmbedding", "attention", kRotaryFormula,
               CountRotaryEmbedding, ShapeLikeInput0});
}

}  // namespace onnx_flops
