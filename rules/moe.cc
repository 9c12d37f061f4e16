// onnxruntime's fused mixture-of-experts ops (com.microsoft): MoE and QMoE,
// with the default softmax top-k routing and the SparseMixer routing
// (use_sparse_mixer = 1).
//
// What the spec says, and where it was read (microsoft/onnxruntime):
//   - onnxruntime/core/graph/contrib_ops/contrib_defs.cc, MoE (since 1) and
//     QMoE (since 1) schemas. The stored copy read has the first MoE (relu |
//     gelu | silu | identity, k, normalize_routing_weights, fc1 [E, hidden,
//     inter]); the current MoE and QMoE schemas (swiglu, swiglu_fusion,
//     use_sparse_mixer, [E, inter, hidden] weights, zero points) were read as
//     quoted verbatim in onnxruntime developers' notes on contrib_ops/cuda/moe,
//     QMoE's newest inputs 14-20 from a schema copy in a third-party tool
//     (onnxsim's contrib schemas). MoE inputs: 0 input [num_rows, hidden] or
//     [batch, seq, hidden], 1 router_probs [num_rows, E], 2 fc1_experts_weights,
//     3 fc1_experts_bias [E, fc1_cols], 4 fc2_experts_weights, 5 fc2_experts_
//     bias [E, hidden], 6 fc3_experts_weights, 7 fc3_experts_bias [E, inter].
//     QMoE: 0 input,
//     1 router_probs, 2 fc1 weights (uint8), 3 fc1_scales, 4 fc1 bias, 5 fc2
//     weights, 6 fc2_scales, 7 fc2 bias, 8 fc3 weights, 9 fc3_scales, 10 fc3
//     bias, 11-13 zero points, (newer) 14 router_weights and FP4/FP8 scales.
//     Output 0: input 0's shape and type (propagateShapeAndTypeFromFirstInput).
//     Attributes: activation_type relu (default) | gelu | silu | identity |
//     swiglu; k (default 1); normalize_routing_weights (0); use_sparse_mixer
//     (0); swiglu_fusion 0 (FC1 and FC3 separate) | 1 (fused, interleaved) |
//     2 (fused, concatenated): fc1 then holds 2*inter columns; swiglu_limit
//     (optional clamp), activation_alpha (1), activation_beta (0); QMoE:
//     expert_weight_bits (default 4; 4 or 8, newer CPU kernels 2 too),
//     block_size (optional: 3-D block-wise scales), quant_type (newer; "int").
//     SwiGLU per the schema's doc: G = clamp(g, max=limit), L = clamp(l,
//     -limit, limit), G * sigmoid(alpha*G) * (L + beta).
//   - onnxruntime/contrib_ops/cpu/moe/moe_helper.h, CheckInputs: num_rows =
//     the product of input 0's leading dims, hidden = its last, E =
//     router_probs.dims[1], pack = 8 / bits (1 for MoE), inter =
//     fc2.dims[1]*fc2.dims[2]*pack / hidden, whatever the layout. The layout is
//     inferred from the shapes: "legacy" (fc1 [E, hidden, fc1_cols/pack], fc2
//     [E, inter, hidden/pack], fc3 [E, hidden, inter/pack]) when hidden !=
//     inter and fc2.dims[1] == inter, or hidden == inter, fused SwiGLU and
//     fc1.dims[1] == hidden; else the newer, column-major one (fc1 [E,
//     fc1_cols, hidden/pack], fc2 [E, hidden, inter/pack], fc3 [E, inter,
//     hidden/pack]). fc1_cols = 2*inter for fused SwiGLU, else inter.
//   - onnxruntime/contrib_ops/cpu/moe/moe_base_cpu.h: use_sparse_mixer needs
//     k = 2. moe_cpu.cc: router_probs are logits: a full softmax over the E
//     of each row, a partial sort for the top k, then (normalize_routing_
//     weights) each of the k divided by their sum; the output is the sum over
//     the k chosen experts of weight * expert(x). moe_utils.cc: gelu is the
//     tanh form 0.5*x*(1 + tanh(0.79788*(x + 0.044715*x^3))), silu
//     x*sigmoid(x) (the CUDA kernels' epilogues are the same functions).
//   - onnxruntime/contrib_ops/cuda/moe/ft_moe/moe_kernel.cu, sparse_mixer_top2
//     (the only SparseMixer implementation; E = 8 or 16): two rounds, each an
//     argmax over the E logits (the first winner excluded in the second), a
//     mask per expert (max(|x|, m), (m - x) > 2*eps*factor), a masked softmax
//     sum exp(x - m) and the winner's weight exp(x_w - m) / sum; the
//     normalize_routing_weights attribute is not applied there.
//   - Checked by running: onnxruntime-node 1.31.1's CPU MoE on
//     testdata/moe/contrib_moe_swiglu.onnx equals a numpy model of exactly
//     this (softmax of the logits, top-2, renormalized, fc1's gate and linear
//     columns interleaved, G*sigmoid(alpha*G)*(L + beta)) to 7e-7.
//   - moe_quantization_cpu.cc: QMoE dequantizes the expert weights it uses,
//     (q - zero_point)*scale (zero point 2^(bits-1) by default), then runs the
//     float products.
//
// The count. rows = numel(input)/hidden. The experts are all the same shape
// and their cost is linear in the rows they receive, so the expert part only
// needs the total number of expert rows: with balanced routing (the default),
// rows x k, which is exact for ANY routing (every row goes to exactly k
// experts); with --routing worst (RuleOptions::routing_worst) every expert
// receives every row: rows x E.
//   matmul class, per expert row: 2*hidden*fc1_cols (fc1; fc1_cols = 2*inter
//     with a fused SwiGLU gate) + 2*hidden*inter if fc3 is present + 2*inter*
//     hidden (fc2). QMoE: the same products (as rules/quantized.cc counts an
//     N-bit matmul: 2 FLOP per MAC, as in floating point).
//   vector class:
//     per expert row: the bias adds present (fc1_cols, inter for fc3, hidden
//       for fc2) + per intermediate element the activation: relu 1, gelu 9
//       (the tanh form, as rules/activation.cc counts Gelu approximate=tanh),
//       silu 5 (Sigmoid 4 of rules/activation.cc + multiply), identity 0,
//       + 1 for the gate multiply act(fc1) * fc3 when fc3 is present; swiglu 8
//       (alpha multiply, Sigmoid 4, multiply, add beta, multiply), + 2 clamps
//       when swiglu_limit is set;
//     per row, routing: softmax over E (5 per element, as rules/softmax.cc) +
//       top-k selection (E-1)*ceil(log2(k+1)) comparisons (as rules/reduce.cc
//       counts TopK) + 2k-1 if normalize_routing_weights (k-1 adds, k
//       divides); SparseMixer instead 2*(9E+3): per round E-1 comparisons,
//       5 per expert for the mask (abs, max, subtract, multiply, compare),
//       3 per expert for the masked sum (subtract, exp, add), 1 reciprocal
//       and 3 for the weight (subtract, exp, multiply);
//     per row and hidden element, the combine: k multiplies + k-1 adds.
//     QMoE: + 2 per weight of each expert used (dequantization, as
//       rules/quantized.cc counts MatMulNBits's), experts used = min(E,
//       rows*k) under balanced routing (E under --routing worst).
// The router's own projection (the MatMul that makes router_probs) is a
// separate node, counted by its own rule.
//
// Backward: the products are input 0 (and the intermediate activations) times
// the expert weights, so each rule is a kProduct of input 0 and fc1's weights
// (slot 2), standing for all three weight tensors: forward x (ng(input) +
// ng(weights)), the usual 2x when both need gradients. An approximation: the
// gradient of the routing weights (router_probs) is vector work. QMoE's
// uint8 fc1, fc2 and fc3 weights are its quantized weights (parameters, 8/bits
// to a byte); scales and zero points get no gradient.
#include <algorithm>
#include <cmath>
#include <string>

#include "absl/strings/str_cat.h"
#include "rules/elementwise.h"
#include "rules/families.h"
#include "rules/propagate.h"

namespace onnx_flops {
namespace {

// As rules/softmax.cc: max, subtract max, exp, sum, divide.
constexpr double kSoftmaxPerElement = 5;
// The tanh form of Gelu, as rules/activation.cc counts Gelu approximate=tanh
// (x^3 as 2 multiplies, multiply, add, multiply, tanh, add, multiply, multiply).
constexpr double kGeluTanh = 9;

// Where a form of the op keeps each operand.
struct OperandSlots {
  int input = 0, router = 1;
  int fc1 = 2, fc1_bias = 3;
  int fc2 = 4, fc2_bias = 5;
  int fc3 = 6, fc3_bias = 7;
};
constexpr OperandSlots kMoESlots{};
constexpr OperandSlots kQMoESlots{0, 1, 2, 4, 5, 7, 8, 10};

// Everything the count needs, from the shapes and attributes.
struct MoEShape {
  double rows = 0;  // token rows: numel(input) / hidden
  int64_t hidden = 0, inter = 0, fc1_cols = 0, experts = 0, k = 0, pack = 1;
  bool fc3 = false, fused = false, legacy = false;
  bool fc1_bias = false, fc2_bias = false, fc3_bias = false;
  std::string activation;
};

// `name` (slot `i`) as a rank-3 [E, a, b] tensor.
absl::StatusOr<Dims> ExpertWeights(const NodeView& v, int i, const char* name) {
  if (!HasInput(v, i)) {
    return absl::InvalidArgumentError(absl::StrCat(name, " (input ", i, ") is missing"));
  }
  absl::StatusOr<Dims> d = InputDims(v, i);
  if (!d.ok()) {
    return absl::Status(d.status().code(),
                        absl::StrCat(name, ": ", d.status().message()));
  }
  if (d->size() != 3) {
    return absl::InvalidArgumentError(absl::StrCat(
        name, " (input ", i, ") must be 3-D [experts, ., .], got ", DimsToString(*d)));
  }
  return d;
}

// a*b*pack / hidden when it divides exactly (the columns a weight tensor
// holds per hidden element), else an error naming the tensor.
absl::StatusOr<int64_t> ColumnsOf(const Dims& w, int64_t pack, int64_t hidden, const char* name) {
  const double packed = static_cast<double>(w[1]) * static_cast<double>(w[2]) *
                        static_cast<double>(pack);
  const double cols = packed / static_cast<double>(hidden);
  if (hidden <= 0 || cols != std::floor(cols) || cols <= 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        name, " ", DimsToString(w), " holds ", FormatCount(packed),
        " weights per expert, not a positive multiple of hidden=", hidden));
  }
  return static_cast<int64_t>(cols);
}

absl::Status CheckShape(const Dims& got, const Dims& want, const char* name, bool legacy) {
  if (got == want) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(
      name, " is ", DimsToString(got), ", expected ", DimsToString(want), " (",
      legacy ? "legacy layout [E, in, out]" : "layout [E, out, in]", ")"));
}

// A bias's shape when it is known: [E, n].
absl::Status CheckBias(const NodeView& v, int i, const char* name, int64_t experts, int64_t n) {
  const TensorInfo* b = In(v, i);
  if (!Known(b)) return absl::OkStatus();  // present: counted; its shape does not matter
  if (b->dims == Dims{experts, n}) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(name, " is ", DimsToString(b->dims),
                                                 ", expected ", experts, "x", n));
}

absl::StatusOr<MoEShape> ReadShape(const NodeView& v, const OperandSlots& s, bool quantized) {
  MoEShape m;
  OF_ASSIGN_OR_RETURN(Dims x, InputDims(v, s.input));
  if (x.size() != 2 && x.size() != 3) {
    return absl::InvalidArgumentError(absl::StrCat(
        "input must be [rows, hidden] or [batch, seq, hidden], got ", DimsToString(x)));
  }
  m.hidden = x.back();
  if (m.hidden <= 0) return absl::InvalidArgumentError("input has hidden size 0");
  m.rows = NumElements(x) / static_cast<double>(m.hidden);

  if (!HasInput(v, s.router)) {
    return absl::InvalidArgumentError("router_probs (input 1) is missing");
  }
  OF_ASSIGN_OR_RETURN(Dims router, InputDims(v, s.router));
  if (router.size() != 2 || static_cast<double>(router[0]) != m.rows || router[1] <= 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "router_probs must be [rows, experts] with rows=", FormatCount(m.rows), ", got ",
        DimsToString(router)));
  }
  m.experts = router[1];

  if (quantized) {
    const int64_t bits = AttrInt(v, "expert_weight_bits", 4);
    if (bits != 2 && bits != 4 && bits != 8) {
      return absl::InvalidArgumentError(
          absl::StrCat("expert_weight_bits=", bits, " is not 2, 4 or 8"));
    }
    const std::string quant_type = AttrString(v, "quant_type", "int");
    if (quant_type != "int") {
      return absl::UnimplementedError(absl::StrCat(
          "quant_type '", quant_type, "': only integer weights ('int') have a known packing"));
    }
    if (AttrInt(v, "weights_prepacked", -1) == 1) {
      return absl::UnimplementedError(
          "weights_prepacked=1: the weights are in a runtime layout whose shape does not "
          "give hidden and inter");
    }
    m.pack = 8 / bits;
  }

  OF_ASSIGN_OR_RETURN(Dims fc1, ExpertWeights(v, s.fc1, "fc1_experts_weights"));
  OF_ASSIGN_OR_RETURN(Dims fc2, ExpertWeights(v, s.fc2, "fc2_experts_weights"));
  m.fc3 = HasInput(v, s.fc3);
  Dims fc3;
  if (m.fc3) {
    OF_ASSIGN_OR_RETURN(fc3, ExpertWeights(v, s.fc3, "fc3_experts_weights"));
  }
  if (fc1[0] != m.experts) {
    return absl::InvalidArgumentError(absl::StrCat(
        "fc1_experts_weights ", DimsToString(fc1), " has ", fc1[0],
        " experts, router_probs ", m.experts));
  }
  OF_ASSIGN_OR_RETURN(m.inter, ColumnsOf(fc2, m.pack, m.hidden, "fc2_experts_weights"));
  OF_ASSIGN_OR_RETURN(m.fc1_cols, ColumnsOf(fc1, m.pack, m.hidden, "fc1_experts_weights"));

  m.activation = AttrString(v, "activation_type", "relu");
  const bool swiglu = m.activation == "swiglu";
  if (m.activation != "relu" && m.activation != "gelu" && m.activation != "silu" &&
      m.activation != "identity" && !swiglu) {
    return absl::InvalidArgumentError(absl::StrCat(
        "activation_type '", m.activation, "' is not relu, gelu, silu, identity or swiglu"));
  }
  m.fused = m.fc1_cols == 2 * m.inter;
  if (m.fc1_cols != m.inter && !(m.fused && swiglu)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "fc1_experts_weights holds ", m.fc1_cols, " columns per expert, fc2 ", m.inter,
        swiglu ? ": expected inter or 2*inter (fused SwiGLU)" : ": expected the same"));
  }
  if (swiglu && !m.fused && !m.fc3) {
    return absl::InvalidArgumentError(absl::StrCat(
        "swiglu needs its linear part: fc1 with 2*inter=", 2 * m.inter,
        " columns (swiglu_fusion 1 or 2) or fc3_experts_weights"));
  }
  if (m.fused && m.fc3) {
    return absl::InvalidArgumentError(
        "fc3_experts_weights given with a fused SwiGLU fc1 (2*inter columns)");
  }

  // The layout, as moe_helper.h infers it, and every weight's exact shape.
  const int64_t h = m.hidden, i = m.inter, p = m.pack;
  m.legacy = (h != i && fc2[1] == i) || (h == i && m.fused && fc1[1] == h);
  if (h % p != 0 || i % p != 0 || m.fc1_cols % p != 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "hidden=", h, " and inter=", i, " must be multiples of the pack size ", p));
  }
  const int64_t e = m.experts;
  if (m.legacy) {
    OF_RETURN_IF_ERROR(CheckShape(fc1, {e, h, m.fc1_cols / p}, "fc1_experts_weights", true));
    OF_RETURN_IF_ERROR(CheckShape(fc2, {e, i, h / p}, "fc2_experts_weights", true));
    if (m.fc3) OF_RETURN_IF_ERROR(CheckShape(fc3, {e, h, i / p}, "fc3_experts_weights", true));
  } else {
    OF_RETURN_IF_ERROR(CheckShape(fc1, {e, m.fc1_cols, h / p}, "fc1_experts_weights", false));
    OF_RETURN_IF_ERROR(CheckShape(fc2, {e, h, i / p}, "fc2_experts_weights", false));
    if (m.fc3) OF_RETURN_IF_ERROR(CheckShape(fc3, {e, i, h / p}, "fc3_experts_weights", false));
  }
  m.fc1_bias = HasInput(v, s.fc1_bias);
  m.fc2_bias = HasInput(v, s.fc2_bias);
  m.fc3_bias = HasInput(v, s.fc3_bias);
  if (m.fc3_bias && !m.fc3) {
    return absl::InvalidArgumentError("fc3_experts_bias given without fc3_experts_weights");
  }
  OF_RETURN_IF_ERROR(CheckBias(v, s.fc1_bias, "fc1_experts_bias", e, m.fc1_cols));
  OF_RETURN_IF_ERROR(CheckBias(v, s.fc2_bias, "fc2_experts_bias", e, h));
  OF_RETURN_IF_ERROR(CheckBias(v, s.fc3_bias, "fc3_experts_bias", e, i));

  m.k = AttrInt(v, "k", 1);
  if (m.k < 1 || m.k > m.experts) {
    return absl::InvalidArgumentError(
        absl::StrCat("k=", m.k, " is out of range for ", m.experts, " experts"));
  }
  if (AttrInt(v, "use_sparse_mixer", 0) == 1 && m.k != 2) {
    return absl::InvalidArgumentError(
        absl::StrCat("use_sparse_mixer needs k=2, got k=", m.k));
  }
  return m;
}

// Vector FLOPs per intermediate element of one expert row: the activation,
// and the gate multiply of act(fc1) * fc3.
absl::StatusOr<double> ActivationCost(const NodeView& v, const MoEShape& m, std::string* what) {
  OF_ASSIGN_OR_RETURN(const double sigmoid, ActivationPerElement("Sigmoid"));
  if (m.activation == "swiglu") {
    const bool limit = FindAttr(v, "swiglu_limit") != nullptr;
    // alpha*G, sigmoid, G*sigmoid, L + beta, product; + clamp(G), clamp(L).
    const double per = 1 + sigmoid + 3 + (limit ? 2 : 0);
    *what = absl::StrCat("swiglu ", FormatCount(per), limit ? " (with 2 clamps)" : "",
                         m.fused ? (AttrInt(v, "swiglu_fusion", 1) == 2
                                        ? ", fused concatenated"
                                        : ", fused interleaved")
                                 : ", linear part from fc3");
    return per;
  }
  double per = 0;
  if (m.activation == "relu") {
    OF_ASSIGN_OR_RETURN(per, ActivationPerElement("Relu"));
  } else if (m.activation == "gelu") {
    per = kGeluTanh;
  } else if (m.activation == "silu") {
    per = sigmoid + 1;  // x * sigmoid(x)
  }
  *what = absl::StrCat(m.activation, " ", FormatCount(per));
  if (m.fc3) {
    per += 1;
    absl::StrAppend(what, " + gate multiply 1 (fc3)");
  }
  return per;
}

absl::StatusOr<Cost> CountMoE(const NodeView& v, const OperandSlots& s, bool quantized) {
  OF_ASSIGN_OR_RETURN(MoEShape m, ReadShape(v, s, quantized));
  const bool worst = v.options != nullptr && v.options->routing_worst;
  const double e = static_cast<double>(m.experts), k = static_cast<double>(m.k);
  const double h = static_cast<double>(m.hidden), inter = static_cast<double>(m.inter);
  const double fc1_cols = static_cast<double>(m.fc1_cols);
  const double expert_rows = m.rows * (worst ? e : k);

  // MACs (and weights) of one expert per row.
  const double fc3_macs = m.fc3 ? h * inter : 0;
  const double per_row_macs = h * fc1_cols + fc3_macs + inter * h;

  std::string act_what;
  OF_ASSIGN_OR_RETURN(const double act, ActivationCost(v, m, &act_what));
  const double bias = (m.fc1_bias ? fc1_cols : 0) + (m.fc3_bias ? inter : 0) +
                      (m.fc2_bias ? h : 0);
  const double per_expert_row = act * inter + bias;

  const bool sparse_mixer = AttrInt(v, "use_sparse_mixer", 0) == 1;
  const bool normalize = AttrInt(v, "normalize_routing_weights", 0) == 1;
  double routing = 0;
  std::string routing_what;
  if (sparse_mixer) {
    routing = 2 * (9 * e + 3);
    routing_what = absl::StrCat("sparse mixer 2*(9E+3)=", FormatCount(routing));
  } else {
    const double topk = (e - 1) * std::ceil(std::log2(k + 1));
    const double norm = normalize ? 2 * k - 1 : 0;
    routing = kSoftmaxPerElement * e + topk + norm;
    routing_what = absl::StrCat("softmax 5*", m.experts, " + top-", m.k, " ",
                                FormatCount(topk),
                                normalize ? absl::StrCat(" + normalize ", FormatCount(norm)) : "",
                                " = ", FormatCount(routing));
  }
  const double combine = (2 * k - 1) * h;

  Cost c;
  c.macs = expert_rows * per_row_macs;
  c.matmul_flops = 2 * c.macs;
  c.vector_flops = expert_rows * per_expert_row + m.rows * (routing + combine);

  if (worst) {
    c.routing = absl::StrCat("worst-case routing: ", FormatCount(expert_rows),
                             " expert rows, every one of ", FormatCount(m.rows),
                             " rows to each of ", m.experts, " experts (top-", m.k, ")");
  } else {
    c.routing = absl::StrCat("balanced routing: ", FormatCount(m.rows), " rows x top-", m.k,
                             " = ", FormatCount(expert_rows), " expert rows over ", m.experts,
                             " experts (", FormatCount(expert_rows / e),
                             " each; the total is exact for any routing)");
  }
  const std::string er = FormatCount(expert_rows), hs = absl::StrCat(m.hidden),
                    is = absl::StrCat(m.inter);
  c.detail = absl::StrCat(
      c.routing, "; matmul 2*expert_rows*(hidden*fc1_cols",
      m.fc3 ? " + hidden*inter [fc3]" : "", " + inter*hidden) = 2*", er, "*(", hs, "*",
      m.fc1_cols, m.fc3 ? absl::StrCat(" + ", hs, "*", is) : "", " + ", is, "*", hs, ")",
      m.legacy ? " (legacy layout [E, in, out])" : "",
      "; vector expert_rows*(act*inter + biases) + rows*(routing + (2k-1)*hidden) = ", er,
      "*(", FormatCount(act), "*", is, " + ", FormatCount(bias), ") + ", FormatCount(m.rows),
      "*(", FormatCount(routing), " + ", FormatCount(combine), "), act: ", act_what,
      "; routing: ", routing_what);

  if (quantized) {
    const double used = worst ? e : std::min(e, m.rows * k);
    const double dequant = 2 * used * per_row_macs;
    c.vector_flops += dequant;
    absl::StrAppend(&c.detail, "; dequantize 2*", FormatCount(used), " experts*",
                    FormatCount(per_row_macs), " weights=", FormatCount(dequant), " (",
                    AttrInt(v, "expert_weight_bits", 4), "-bit",
                    FindAttr(v, "block_size") != nullptr
                        ? absl::StrCat(", block_size ", AttrInt(v, "block_size", 0))
                        : "",
                    ")");
  }
  return c;
}

std::string MoEFormula(bool quantized) {
  const std::string weights =
      quantized ? "fc1 (input 2), fc2 (input 5), fc3 (input 8, optional), uint8 with pack = "
                  "8/expert_weight_bits weights per byte"
                : "fc1 (input 2), fc2 (input 4), fc3 (input 6, optional)";
  std::string f = absl::StrCat(
      "rows = numel(input)/hidden; E = router_probs.dims[1]; ", weights,
      "; inter = fc2.dims[1]*fc2.dims[2]*pack/hidden, fc1_cols likewise (2*inter for a fused "
      "SwiGLU gate), either layout. Expert rows: rows*k (balanced routing, exact for any "
      "routing), rows*E with --routing worst. Matmul class: 2*expert_rows*(hidden*fc1_cols + "
      "hidden*inter if fc3 + inter*hidden). Vector: expert_rows*(inter*activation + the "
      "bias adds present: fc1_cols, inter (fc3), hidden (fc2)), activation per element: "
      "relu 1, gelu 9 (tanh form), silu 5, identity 0, + 1 gate multiply with fc3; swiglu "
      "8 (+2 clamps with swiglu_limit); + rows*(routing + (2k-1)*hidden for the weighted "
      "combine of the k outputs), routing: softmax 5*E + top-k (E-1)*ceil(log2(k+1)) + "
      "2k-1 if normalize_routing_weights; use_sparse_mixer (k=2): 2*(9E+3)");
  if (quantized) {
    absl::StrAppend(&f,
                    "; + 2 per weight of each expert used to dequantize it, (q - zero_point)*"
                    "scale as MatMulNBits, experts used = min(E, rows*k) (E with --routing "
                    "worst).",
                    " The MACs run at low precision; FLOPs count 2 per MAC as in floating "
                    "point.");
  }
  return f;
}

absl::StatusOr<Cost> CountFloatMoE(const NodeView& v) {
  return CountMoE(v, kMoESlots, /*quantized=*/false);
}

absl::StatusOr<Cost> CountQMoE(const NodeView& v) {
  return CountMoE(v, kQMoESlots, /*quantized=*/true);
}

}  // namespace

// A product of the input and fc1; the integer weights of fc1, fc2 and fc3
// (inputs 2, 5, 8) are the trained weights, quantized.
constexpr BackwardSpec QMoESpec() {
  BackwardSpec s = QuantizedProduct(0, 2, Slots({0, 1, 2, 4, 5, 7, 8, 10, 14}));
  s.quantized_weights = Slots({2, 5, 8});
  return s;
}

void RegisterMoeRules(RuleRegistry& r) {
  const char* ms = "com.microsoft";
  Register(r, {ms, "MoE", "moe", MoEFormula(false), CountFloatMoE, ShapeLikeInput0,
               Backward(BackwardKind::kProduct, 0, 2)});
  Register(r, {ms, "QMoE", "moe", MoEFormula(true), CountQMoE, ShapeLikeInput0,
               QMoESpec()});
}

}  // namespace onnx_flops
