// onnxruntime contrib (com.microsoft) fusions of normalizations, activations
// and matrix products: SkipLayerNormalization, SkipSimplifiedLayerNormalization,
// SimplifiedLayerNormalization (onnxruntime registers it in the ONNX domain),
// EmbedLayerNormalization, BiasGelu, FastGelu, Gelu, QuickGelu, BiasAdd,
// FusedMatMul, TransposeMatMul, FusedGemm, FusedConv, GemmFastGelu,
// LayerNormalization, BiasSoftmax, BiasDropout, BitmaskBiasDropout, GroupNorm,
// SkipGroupNorm, BiasSplitGelu and NhwcConv (a Conv on channels-last tensors).
// EPContext has a rule only to say why it is never counted: it is a
// partition compiled ahead of time for one execution provider, whose
// operations live in an opaque blob, not in the ONNX graph.
//
// Each counts as the unfused ONNX graph it replaces: the adds it absorbs 1 per
// element, then the normalization or activation as rules/normalization.cc and
// rules/activation.cc count it. ONNX 1.12 has no schema for these ops, so the
// output shape is often unknown: the counts come from the input shapes.
#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "rules/elementwise.h"
#include "rules/families.h"
#include "rules/propagate.h"

namespace onnx_flops {

namespace {

// As rules/normalization.cc. LayerNormalization: per element mean accumulate,
// subtract mean, square, variance accumulate, multiply by 1/std (5) + scale 1
// + bias 1 when present; per row mean divide, variance divide, add eps, sqrt,
// reciprocal (5).
constexpr double kLayerNormPerElement = 5;
constexpr double kLayerNormPerRow = 5;
// RMSNormalization: per element square, accumulate, multiply by 1/rms, scale
// (4); per row mean divide, add eps, sqrt, reciprocal (4).
constexpr double kRmsNormPerElement = 4;
constexpr double kRmsNormPerRow = 4;
// As rules/activation.cc: Gelu erf form 0.5*x*(1 + erf(x/sqrt(2))) 5; tanh
// form 9; Sigmoid 4.
constexpr double kGeluErf = 5;
constexpr double kGeluTanh = 9;
constexpr double kSigmoid = 4;

// X's dims, else the output's (same shape for all the ops here).
absl::StatusOr<Dims> InputOrOutputDims(const NodeView& v, int input) {
  absl::StatusOr<Dims> x = InputDims(v, input);
  if (x.ok()) return x;
  absl::StatusOr<Dims> y = OutputDims(v, 0);
  if (y.ok()) return y;
  return x.status();
}

// ---- SkipLayerNormalization / SkipSimplifiedLayerNormalization ----

constexpr char kSkipLayerNormFormula[] =
    "per element of input [..., hidden]: 1 (input + skip) + 1 if bias (input 4) is "
    "present + LayerNormalization as rules/normalization.cc: 5 + 1 (gamma) + 1 if beta "
    "(input 3) is present; + 5 per row (rows = numel/hidden)";

absl::StatusOr<Cost> CountSkipLayerNorm(const NodeView& v) {
  OF_ASSIGN_OR_RETURN(Dims x, InputOrOutputDims(v, 0));
  if (x.empty()) return absl::InvalidArgumentError("input must have rank >= 1");
  const double n = NumElements(x);
  const double rows = x.back() == 0 ? 0 : n / static_cast<double>(x.back());
  const double adds = HasInput(v, 4) ? 2 : 1;
  const double norm = kLayerNormPerElement + 1 + (HasInput(v, 3) ? 1 : 0);
  Cost c;
  c.vector_flops = (adds + norm) * n + kLayerNormPerRow * rows;
  c.detail = absl::StrCat(FormatCount(adds), " adds + ", FormatCount(norm),
                          " norm per element + 5*rows, numel=", FormatCount(n),
                          " rows=", FormatCount(rows));
  return c;
}

constexpr char kSkipRmsNormFormula[] =
    "per element of input [..., hidden]: 1 (input + skip) + 1 if bias (input 3) is "
    "present + RMSNormalization as rules/normalization.cc: 4 (square, accumulate, "
    "multiply by 1/rms, scale); + 4 per row (mean divide, add eps, sqrt, reciprocal; "
    "rows = numel/hidden)";

absl::StatusOr<Cost> CountSkipRmsNorm(const NodeView& v) {
  OF_ASSIGN_OR_RETURN(Dims x, InputOrOutputDims(v, 0));
  if (x.empty()) return absl::InvalidArgumentError("input must have rank >= 1");
  const double n = NumElements(x);
  const double rows = x.back() == 0 ? 0 : n / static_cast<double>(x.back());
  const double adds = HasInput(v, 3) ? 2 : 1;
  Cost c;
  c.vector_flops = (adds + kRmsNormPerElement) * n + kRmsNormPerRow * rows;
  c.detail = absl::StrCat(FormatCount(adds), " adds + 4 norm per element + 4*rows, numel=",
                          FormatCount(n), " rows=", FormatCount(rows));
  return c;
}

// ---- SimplifiedLayerNormalization (RMSNorm; onnxruntime's ONNX-domain op) ----

constexpr char kSimplifiedLayerNormFormula[] =
    "as RMSNormalization (rules/normalization.cc): 4 per element of X (square, "
    "accumulate, multiply by 1/rms, scale) + 4 per normalized row (mean divide, add eps, "
    "sqrt, reciprocal); rows = prod(dims[:axis]), axis default -1";

absl::StatusOr<Cost> CountSimplifiedLayerNorm(const NodeView& v) {
  OF_ASSIGN_OR_RETURN(Dims x, InputOrOutputDims(v, 0));
  const int64_t rank = static_cast<int64_t>(x.size());
  if (rank == 0) return absl::InvalidArgumentError("X must have rank >= 1");
  OF_ASSIGN_OR_RETURN(const int64_t axis, NormalizeAxis(AttrInt(v, "axis", -1), rank));
  const double n = NumElements(x);
  double rows = 1;
  for (int64_t i = 0; i < axis; ++i) rows *= static_cast<double>(x[static_cast<size_t>(i)]);
  Cost c;
  c.vector_flops = kRmsNormPerElement * n + kRmsNormPerRow * rows;
  c.detail = absl::StrCat("4*numel(X) + 4*rows, numel=", FormatCount(n),
                          " rows=", FormatCount(rows));
  return c;
}

// ---- EmbedLayerNormalization ----

constexpr char kEmbedLayerNormFormula[] =
    "the three gathers are data movement (0); per output element (B*S*hidden, B, S from "
    "input_ids, hidden from word_embedding.dims[1]): 1 add of word + position embeddings "
    "+ 1 more if segment_embedding (input 4) is present, then LayerNormalization with "
    "gamma and beta: 7; + 5 per row (B*S); + numel(mask) if mask (input 7) is present "
    "(1 per mask element to find each sequence's length)";

absl::StatusOr<Cost> CountEmbedLayerNorm(const NodeView& v) {
  OF_ASSIGN_OR_RETURN(Dims ids, InputDims(v, 0));
  OF_ASSIGN_OR_RETURN(Dims word, InputDims(v, 2));
  if (ids.size() != 2 || word.size() != 2) {
    return absl::InvalidArgumentError(absl::StrCat(
        "input_ids must be [B, S] and word_embedding [vocab, hidden], got ",
        DimsToString(ids), " and ", DimsToString(word)));
  }
  const double rows = static_cast<double>(ids[0]) * static_cast<double>(ids[1]);
  const double n = rows * static_cast<double>(word[1]);
  const double adds = HasInput(v, 4) ? 2 : 1;
  const double norm = kLayerNormPerElement + 2;  // gamma and beta are required
  Cost c;
  c.vector_flops = (adds + norm) * n + kLayerNormPerRow * rows;
  c.detail = absl::StrCat(FormatCount(adds), " adds + 7 norm per element + 5*rows, numel=",
                          FormatCount(n), " rows=", FormatCount(rows));
  if (HasInput(v, 7)) {
    OF_ASSIGN_OR_RETURN(Dims mask, InputDims(v, 7));
    c.vector_flops += NumElements(mask);
    absl::StrAppend(&c.detail, "; mask ", FormatCount(NumElements(mask)));
  }
  return c;
}

// ---- Activations ----

// PerElementCost over input 0's shape, with what the constant counts.
absl::StatusOr<Cost> PerElement(const NodeView& v, double per_element, absl::string_view what) {
  OF_ASSIGN_OR_RETURN(Cost c, PerElementCost(v, per_element, /*first_input_only=*/true));
  absl::StrAppend(&c.detail, "; ", what);
  return c;
}

constexpr char kBiasGeluFormula[] =
    "6*numel(Y) vector FLOPs: 1 add of the bias B + Gelu erf form 0.5*x*(1 + "
    "erf(x/sqrt(2))) 5 as rules/activation.cc; Y = the output shape, else A's";

absl::StatusOr<Cost> CountBiasGelu(const NodeView& v) {
  return PerElement(v, 1 + kGeluErf, "bias add 1 + gelu 5");
}

constexpr char kFastGeluFormula[] =
    "9*numel(Y) vector FLOPs (0.5*x*(1 + tanh(0.797885*x + 0.035677*x^3)): the tanh "
    "form as rules/activation.cc counts it) + 1*numel(Y) if bias (input 1) is present; "
    "Y = the output shape, else X's";

absl::StatusOr<Cost> CountFastGelu(const NodeView& v) {
  const bool bias = HasInput(v, 1);
  return PerElement(v, kGeluTanh + (bias ? 1 : 0),
                    bias ? "bias add 1 + tanh gelu 9" : "tanh gelu 9");
}

constexpr char kContribGeluFormula[] =
    "5*numel(Y) vector FLOPs: the erf form 0.5*x*(1 + erf(x/sqrt(2))) as "
    "rules/activation.cc (divide, erf, add, multiply, multiply); Y = the output shape, "
    "else X's";

absl::StatusOr<Cost> CountContribGelu(const NodeView& v) {
  return PerElement(v, kGeluErf, "erf gelu 5");
}

constexpr char kQuickGeluFormula[] =
    "6*numel(Y) vector FLOPs: x*sigmoid(alpha*x) = multiply by alpha 1 + sigmoid 4 "
    "(negate, exp, add, reciprocal) + multiply 1, as Swish in rules/activation.cc (the "
    "alpha multiply counts also when alpha = 1); Y = the output shape, else X's";

absl::StatusOr<Cost> CountQuickGelu(const NodeView& v) {
  return PerElement(v, 1 + kSigmoid + 1, "alpha 1 + sigmoid 4 + multiply 1");
}

constexpr char kBiasAddFormula[] =
    "2*numel(Y) vector FLOPs: X + bias + skip (2 adds per element); Y = the output shape, "
    "else X's";

absl::StatusOr<Cost> CountBiasAdd(const NodeView& v) {
  return PerElement(v, 2, "bias add 1 + skip add 1");
}

// ---- FusedMatMul / TransposeMatMul ----

// A's (or B's) matrix view after transBatch and trans (onnxruntime's
// FusedMatMul shape inference): transBatch moves dim 0 behind the other batch
// dims, [d0, d1, ..., d(r-2), d(r-1)] -> [d1, ..., d(r-2), d0, d(r-1)]; trans
// then swaps the last two. Rank 1 is left alone.
Dims FusedView(const Dims& d, bool trans, bool trans_batch) {
  const size_t r = d.size();
  if (r < 2) return d;
  Dims out;
  const size_t start = trans_batch ? 1 : 0;
  const size_t end = trans_batch ? r - 1 : r - 2;
  for (size_t i = start; i < end; ++i) out.push_back(d[i]);
  const int64_t row = trans_batch ? d[0] : d[r - 2];
  const int64_t col = d[r - 1];
  out.push_back(trans ? col : row);
  out.push_back(trans ? row : col);
  return out;
}

constexpr char kFusedMatMulFormula[] =
    "2*batch*M*K*N (matmul class) as MatMul after the transposes (transA/transB swap the "
    "last two dims; transBatchA/transBatchB first move dim 0 behind the other batch "
    "dims: [d0, d1, ..., dn] -> [d1, ..., d0, dn]); + batch*M*N (vector) if alpha != 1";

absl::StatusOr<Cost> CountFusedMatMul(const NodeView& v) {
  OF_ASSIGN_OR_RETURN(Dims a_raw, InputDims(v, 0));
  OF_ASSIGN_OR_RETURN(Dims b_raw, InputDims(v, 1));
  if (a_raw.empty() || b_raw.empty()) {
    return absl::InvalidArgumentError("FusedMatMul operands must have rank >= 1");
  }
  Dims a = FusedView(a_raw, AttrInt(v, "transA", 0) != 0, AttrInt(v, "transBatchA", 0) != 0);
  Dims b = FusedView(b_raw, AttrInt(v, "transB", 0) != 0, AttrInt(v, "transBatchB", 0) != 0);
  if (a.size() == 1) a.insert(a.begin(), 1);
  if (b.size() == 1) b.push_back(1);
  const int64_t m = a[a.size() - 2], k = a.back();
  const int64_t kb = b[b.size() - 2], n = b.back();
  if (k != kb) {
    return absl::InvalidArgumentError(absl::StrCat(
        "inner dims differ: A' ", DimsToString(a), " has K=", k, ", B' ", DimsToString(b),
        " has K=", kb));
  }
  OF_ASSIGN_OR_RETURN(Dims batch, BroadcastDims(Dims(a.begin(), a.end() - 2),
                                                Dims(b.begin(), b.end() - 2)));
  const double batches = NumElements(batch);
  const double mn = batches * static_cast<double>(m) * static_cast<double>(n);
  Cost c;
  c.macs = mn * static_cast<double>(k);
  c.matmul_flops = 2 * c.macs;
  c.detail = absl::StrCat("2*batch*M*K*N, batch=", FormatCount(batches), " M=", m, " K=", k,
                          " N=", n);
  if (AttrFloat(v, "alpha", 1.0f) != 1.0f) {
    c.vector_flops = mn;
    absl::StrAppend(&c.detail, "; alpha batch*M*N=", FormatCount(mn));
  }
  return c;
}

// ---- Shape propagation ----

// SkipLayerNormalization & co: output, mean, inv_std_var, input_skip_bias_sum.
absl::StatusOr<Outputs> ShapeOfSkipLayerNorm(const NodeView& v) {
  const TensorInfo* x = In(v, 0);
  if (!Ranked(x)) return Outputs{TypeOnly(ElemOf(x))};
  Dims stats = x->dims;
  if (!stats.empty()) stats.back() = 1;
  return Outputs{Shaped(x->elem_type, x->dims), Shaped(kFloat, stats), Shaped(kFloat, stats),
                 Shaped(x->elem_type, x->dims)};
}

// LayerNormalization / SimplifiedLayerNormalization (com.microsoft): output,
// mean, inv_std_var over the axes from `axis` on.
absl::StatusOr<Outputs> ShapeOfContribLayerNorm(const NodeView& v) {
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
absl::StatusOr<Outputs> ShapeOfBiasSplitGelu(const NodeView& v) {
  const TensorInfo* x = In(v, 0);
  if (!Ranked(x) || x->dims.empty()) return Outputs{TypeOnly(ElemOf(x))};
  Dims out = x->dims;
  out.back() = DimDiv(out.back(), 2);
  return Outputs{Shaped(x->elem_type, out)};
}

// GemmFastGelu: MatMul shape of X and W.
absl::StatusOr<Outputs> ShapeOfGemmFastGelu(const NodeView& v) {
  const TensorInfo* x = In(v, 0);
  const TensorInfo* w = In(v, 1);
  if (!Ranked(x) || x->dims.empty()) return Outputs{TypeOnly(ElemOf(x))};
  Dims out = x->dims;
  out.back() = Ranked(w) && w->dims.size() == 2 ? w->dims[1] : -1;
  return Outputs{Shaped(x->elem_type, out)};
}

// com.microsoft EmbedLayerNormalization: input_ids [B, S] and word_embedding
// [V, H] -> output [B, S, H], mask_index [B], embedding_sum [B, S, H].
absl::StatusOr<Outputs> ShapeOfEmbedLayerNorm(const NodeView& v) {
  const TensorInfo* ids = In(v, 0);
  const TensorInfo* words = In(v, 2);
  const int32_t elem = ElemOf(words);
  if (!Ranked(ids) || ids->dims.size() != 2) return Outputs{TypeOnly(elem)};
  const int64_t h = Ranked(words) && words->dims.size() == 2 ? words->dims[1] : -1;
  const Dims out{ids->dims[0], ids->dims[1], h};
  return Outputs{Shaped(elem, out), Shaped(kInt32, {ids->dims[0]}), Shaped(elem, out)};
}

// ---- Fusions of a product or a normalization with what follows it ----

// The `activation` attribute of FusedGemm/FusedConv: per-element vector FLOPs
// as rules/activation.cc counts the op of that name; "" (none) is 0.
absl::StatusOr<double> FusedActivation(const NodeView& v, std::string* name) {
  *name = AttrString(v, "activation", "");
  if (name->empty()) return 0.0;
  return ActivationPerElement(*name);
}

// Y's dims: the node's output shape, else what `shape` (the fused op's
// propagator) computes from the inputs.
absl::StatusOr<Dims> OutputOrPropagated(const NodeView& v, Propagator shape) {
  absl::StatusOr<Dims> y = OutputDims(v, 0);
  if (y.ok()) return y;
  absl::StatusOr<Outputs> out = shape(v);
  if (out.ok() && !out->empty() && (*out)[0].has_shape && AllKnown((*out)[0].dims)) {
    return (*out)[0].dims;
  }
  return y.status();
}

absl::StatusOr<Cost> WithActivation(const NodeView& v, Propagator shape, Cost c) {
  std::string name;
  OF_ASSIGN_OR_RETURN(const double per, FusedActivation(v, &name));
  if (per == 0) return c;
  OF_ASSIGN_OR_RETURN(Dims y, OutputOrPropagated(v, shape));
  const double n = NumElements(y);
  c.vector_flops += per * n;
  absl::StrAppend(&c.detail, "; ", name, " ", FormatCount(per), "*numel(Y)=",
                  FormatCount(per * n));
  return c;
}

constexpr char kFusedGemmFormula[] =
    "as Gemm (rules/matmul.cc) + the activation attribute's cost per element of Y, as "
    "rules/activation.cc counts the op of that name (none: 0)";

absl::StatusOr<Cost> CountFusedGemm(const NodeView& v) {
  OF_ASSIGN_OR_RETURN(Cost c, CountAs(v, "", "Gemm"));
  return WithActivation(v, ShapeOfGemm, std::move(c));
}

constexpr char kFusedConvFormula[] =
    "as Conv (rules/conv.cc) + 1*numel(Y) if Z (input 3, a sum fused in) is present + the "
    "activation attribute's cost per element of Y, as rules/activation.cc counts the op "
    "of that name (none: 0)";

absl::StatusOr<Cost> CountFusedConv(const NodeView& v) {
  OF_ASSIGN_OR_RETURN(Cost c, CountAs(v, "", "Conv"));
  if (HasInput(v, 3)) {
    OF_ASSIGN_OR_RETURN(Dims y, OutputOrPropagated(v, ShapeOfConv));
    c.vector_flops += NumElements(y);
    absl::StrAppend(&c.detail, "; + Z ", FormatCount(NumElements(y)));
  }
  return WithActivation(v, ShapeOfConv, std::move(c));
}

constexpr char kGemmFastGeluFormula[] =
    "2*M*K*N (matmul class; X [..., K] x W [K, N], M = numel(X)/K) + M*N if bias (input 2) "
    "is present + 9*M*N (tanh Gelu as FastGelu)";

absl::StatusOr<Cost> CountGemmFastGelu(const NodeView& v) {
  OF_ASSIGN_OR_RETURN(Dims x, InputDims(v, 0));
  OF_ASSIGN_OR_RETURN(Dims w, InputDims(v, 1));
  if (x.empty() || w.size() != 2 || x.back() != w[0]) {
    return absl::InvalidArgumentError(absl::StrCat("GemmFastGelu of X ", DimsToString(x),
                                                   " and W ", DimsToString(w)));
  }
  const double k = static_cast<double>(w[0]);
  const double mn = NumElements(x) / k * static_cast<double>(w[1]);
  Cost c;
  c.macs = mn * k;
  c.matmul_flops = 2 * c.macs;
  const bool bias = HasInput(v, 2);
  c.vector_flops = (bias ? 1 : 0) * mn + kGeluTanh * mn;
  c.detail = absl::StrCat("2*M*K*N, M*N=", FormatCount(mn), " K=", FormatCount(k),
                          bias ? "; bias M*N" : "", "; tanh gelu 9*M*N");
  return c;
}

constexpr char kContribLayerNormFormula[] =
    "as LayerNormalization (rules/normalization.cc), whose schema onnxruntime also "
    "registers in this domain";

absl::StatusOr<Cost> CountContribLayerNorm(const NodeView& v) {
  return CountAs(v, "", "LayerNormalization");
}

constexpr char kBiasSoftmaxFormula[] =
    "6*numel(Y) vector FLOPs: 1 add of the bias + Softmax 5 per element as "
    "rules/softmax.cc (max, subtract max, exp, sum, divide); Y = the output shape, else "
    "data's";

absl::StatusOr<Cost> CountBiasSoftmax(const NodeView& v) {
  return PerElement(v, 1 + 5, "bias add 1 + softmax 5");
}

constexpr char kBiasDropoutFormula[] =
    "1*numel(Y) vector FLOPs (data + bias) + 1*numel(Y) if residual (input 2) is present; "
    "the dropout itself is not counted, as Dropout (rules/data_movement.cc)";

absl::StatusOr<Cost> CountBiasDropout(const NodeView& v) {
  const bool residual = HasInput(v, 2);
  return PerElement(v, residual ? 2 : 1, residual ? "bias add 1 + residual add 1" : "bias add 1");
}

constexpr char kContribGroupNormFormula[] =
    "as GroupNormalization (rules/normalization.cc): 7 per element of X + 5 per (n, group), "
    "groups = the groups attribute, C from channels_last (default 1: X [N, H, W, C]); + 5 "
    "per element if activation = 1 (SiLU x*sigmoid(x): sigmoid 4 + multiply 1); "
    "SkipGroupNorm adds 1 per element for skip and 1 more if bias (input 4) is present";

absl::StatusOr<Cost> CountContribGroupNorm(const NodeView& v) {
  OF_ASSIGN_OR_RETURN(Dims x, InputDims(v, 0));
  if (x.size() < 3) {
    return absl::InvalidArgumentError(
        absl::StrCat("GroupNorm needs X of rank >= 3, got ", DimsToString(x)));
  }
  const bool channels_last = AttrInt(v, "channels_last", 1) != 0;
  const int64_t channels = channels_last ? x.back() : x[1];
  const int64_t groups = AttrInt(v, "groups", 0);
  if (groups <= 0 || channels % groups != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("groups=", groups, " does not divide C=", channels));
  }
  const double in = NumElements(x);
  const double instances = static_cast<double>(x[0]) * static_cast<double>(groups);
  const bool silu = AttrInt(v, "activation", 0) == 1;
  const bool skip = v.node->op_type() == "SkipGroupNorm";
  const double adds = skip ? 1 + (HasInput(v, 4) ? 1 : 0) : 0;
  const double per_element = 7 + (silu ? *ActivationPerElement("Sigmoid") + 1 : 0) + adds;
  Cost c;
  c.vector_flops = per_element * in + 5 * instances;
  c.detail = absl::StrCat(FormatCount(per_element), "*numel(X) + 5*N*groups, numel=",
                          FormatCount(in), " N*groups=", FormatCount(instances),
                          silu ? " (with SiLU)" : "", skip ? " (with the skip adds)" : "");
  return c;
}

constexpr char kBiasSplitGeluFormula[] =
    "1*numel(X) (X + bias) + 6*numel(Y) (Gelu erf form 5 on the second half, times the "
    "first half 1); X [N, S, D], Y [N, S, D/2]";

absl::StatusOr<Cost> CountBiasSplitGelu(const NodeView& v) {
  OF_ASSIGN_OR_RETURN(Dims x, InputDims(v, 0));
  if (x.empty() || x.back() % 2 != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("BiasSplitGelu needs an even last dim, got ", DimsToString(x)));
  }
  const double in = NumElements(x);
  const double out = in / 2;
  Cost c;
  c.vector_flops = in + (kGeluErf + 1) * out;
  c.detail = absl::StrCat("numel(X) + 6*numel(Y), numel(X)=", FormatCount(in),
                          " numel(Y)=", FormatCount(out));
  return c;
}

// ---- NhwcConv: Conv on channels-last tensors ----

// `t` with its last axis moved to position 1 ([N, d..., C] -> [N, C, d...]),
// or back (to_last): the layout NhwcConv's X, W and Y use.
TensorInfo MoveChannels(const TensorInfo& t, bool to_last) {
  TensorInfo out = t;
  if (!t.has_shape || t.dims.size() < 3) return out;
  auto move = [&](auto& v) {
    if (to_last) {
      std::rotate(v.begin() + 1, v.begin() + 2, v.end());
    } else {
      std::rotate(v.begin() + 1, v.end() - 1, v.end());
    }
  };
  move(out.dims);
  if (out.dim_names.size() == out.dims.size()) move(out.dim_names);
  return out;
}

// The view of an NhwcConv node as a Conv: X [N, H, W, C] and W [M, kH, kW,
// C/group] read channels-first, Y [N, H', W', M] too. `store` owns the moved tensors.
NodeView ChannelsFirstView(const NodeView& v, std::vector<TensorInfo>* store) {
  NodeView c = v;
  store->reserve(v.inputs.size() + v.outputs.size());
  for (size_t i = 0; i < v.inputs.size(); ++i) {
    if (v.inputs[i] == nullptr || i > 1) continue;
    store->push_back(MoveChannels(*v.inputs[i], /*to_last=*/false));
    c.inputs[i] = &store->back();
  }
  if (!v.outputs.empty() && v.outputs[0] != nullptr) {
    store->push_back(MoveChannels(*v.outputs[0], /*to_last=*/false));
    c.outputs[0] = &store->back();
  }
  return c;
}

constexpr char kNhwcConvFormula[] =
    "as Conv (rules/conv.cc) on the channels-last layout: X [N, H, W, C], W [M, kH, kW, "
    "C/group], Y [N, H', W', M] read as [N, C, H, W], [M, C/group, kH, kW], [N, M, H', W']";

absl::StatusOr<Cost> CountNhwcConv(const NodeView& v) {
  std::vector<TensorInfo> store;
  return CountAs(ChannelsFirstView(v, &store), "", "Conv");
}

absl::StatusOr<Outputs> ShapeOfNhwcConv(const NodeView& v) {
  std::vector<TensorInfo> store;
  OF_ASSIGN_OR_RETURN(Outputs out, ShapeOfConv(ChannelsFirstView(v, &store)));
  if (!out.empty()) out[0] = MoveChannels(out[0], /*to_last=*/true);
  return out;
}

// ---- EPContext: a precompiled partition, never counted ----

constexpr char kEpContextFormula[] =
    "not counted: a graph partition compiled ahead of time for one execution provider "
    "(attribute source, e.g. QNNExecutionProvider), its operations an opaque binary "
    "(embedded in ep_cache_context when embed_mode=1, else in the file it names), not ONNX "
    "nodes; the node is reported uncounted with this reason";

absl::StatusOr<Cost> CountEpContext(const NodeView& v) {
  const std::string source = AttrString(v, "source", "");
  std::string where = "embedded in the model (embed_mode=1)";
  if (AttrInt(v, "embed_mode", 1) == 0) {
    // A path: the blob itself is never read (embedded, it is the binary).
    std::string path = AttrString(v, "ep_cache_context", "");
    if (path.size() > 120) path = absl::StrCat(path.substr(0, 120), "...");
    where = absl::StrCat("in the file '", path, "' (embed_mode=0)");
  }
  return absl::FailedPreconditionError(absl::StrCat(
      "EPContext is a precompiled, opaque blob for the execution provider ",
      source.empty() ? std::string("named by no 'source' attribute") : absl::StrCat("'", source, "'"),
      ", stored ", where, ": its operations are not ONNX nodes and cannot be counted "
      "from the file (count the model exported before EP context compilation)"));
}

}  // namespace

void RegisterContribRules(RuleRegistry& r) {
  const char* ms = "com.microsoft";
  Register(r, {ms, "SkipLayerNormalization", "contrib", kSkipLayerNormFormula,
               CountSkipLayerNorm, ShapeOfSkipLayerNorm});
  Register(r, {ms, "SkipSimplifiedLayerNormalization", "contrib", kSkipRmsNormFormula,
               CountSkipRmsNorm, ShapeOfSkipLayerNorm});
  // onnxruntime defines SimplifiedLayerNormalization in the ONNX domain;
  // some tools write it under com.microsoft.
  Register(r, {"", "SimplifiedLayerNormalization", "contrib", kSimplifiedLayerNormFormula,
               CountSimplifiedLayerNorm, ShapeOfContribLayerNorm});
  Register(r, {ms, "SimplifiedLayerNormalization", "contrib", kSimplifiedLayerNormFormula,
               CountSimplifiedLayerNorm, ShapeOfContribLayerNorm});
  Register(r, {ms, "EmbedLayerNormalization", "contrib", kEmbedLayerNormFormula,
               CountEmbedLayerNorm, ShapeOfEmbedLayerNorm});
  Register(r, {ms, "BiasGelu", "contrib", kBiasGeluFormula, CountBiasGelu, ShapeLikeInput0});
  Register(r, {ms, "FastGelu", "contrib", kFastGeluFormula, CountFastGelu, ShapeLikeInput0});
  Register(r, {ms, "Gelu", "contrib", kContribGeluFormula, CountContribGelu, ShapeLikeInput0});
  Register(r, {ms, "QuickGelu", "contrib", kQuickGeluFormula, CountQuickGelu, ShapeLikeInput0});
  Register(r, {ms, "BiasAdd", "contrib", kBiasAddFormula, CountBiasAdd, ShapeLikeInput0});
  Register(r, {ms, "FusedMatMul", "contrib", kFusedMatMulFormula, CountFusedMatMul,
               ShapeOfMatMul, Backward(BackwardKind::kMatMul)});
  Register(r, {ms, "TransposeMatMul", "contrib", kFusedMatMulFormula, CountFusedMatMul, nullptr,
               Backward(BackwardKind::kMatMul)});
  Register(r, {ms, "FusedGemm", "contrib", kFusedGemmFormula, CountFusedGemm, ShapeOfGemm,
               Backward(BackwardKind::kProduct)});
  Register(r, {ms, "FusedConv", "contrib", kFusedConvFormula, CountFusedConv, ShapeOfConv,
               Backward(BackwardKind::kProduct)});
  Register(r, {ms, "GemmFastGelu", "contrib", kGemmFastGeluFormula, CountGemmFastGelu,
               ShapeOfGemmFastGelu, Backward(BackwardKind::kProduct)});
  Register(r, {ms, "LayerNormalization", "contrib", kContribLayerNormFormula,
               CountContribLayerNorm, ShapeOfContribLayerNorm});
  Register(r, {ms, "BiasSoftmax", "contrib", kBiasSoftmaxFormula, CountBiasSoftmax,
               ShapeLikeInput0});
  for (const char* op : {"BiasDropout", "BitmaskBiasDropout"}) {
    Register(r, {ms, op, "contrib", kBiasDropoutFormula, CountBiasDropout, ShapeLikeInput0});
  }
  for (const char* op : {"GroupNorm", "SkipGroupNorm"}) {
    Register(r, {ms, op, "contrib", kContribGroupNormFormula, CountContribGroupNorm,
                 ShapeLikeInput0});
  }
  Register(r, {ms, "BiasSplitGelu", "contrib", kBiasSplitGeluFormula, CountBiasSplitGelu,
               ShapeOfBiasSplitGelu});
  Register(r, {ms, "NhwcConv", "contrib", kNhwcConvFormula, CountNhwcConv, ShapeOfNhwcConv,
               Backward(BackwardKind::kProduct)});
  Register(r, {ms, "EPContext", "contrib", kEpContextFormula, CountEpContext});
}

}  // namespace onnx_flops
