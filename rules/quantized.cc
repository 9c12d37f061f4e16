// Quantized matrix products: MatMulInteger and QLinearMatMul (ONNX),
// com.microsoft MatMulNBits, MatMulIntegerToFloat, DynamicQuantizeMatMul,
// QLinearAdd and QLinearMul.
//
// A quantized product does its multiply-accumulates at low precision (int8,
// int4 weights, ...); it is still counted 2 FLOP per MAC, the same as in
// floating point, so that a quantized model and its float original count the
// same matmul class. The float work around it (dequantizing, rescaling,
// requantizing, bias) is vector class. Zero-point subtractions on the inputs
// are not counted (as rules/conv.cc's ConvInteger and QLinearConv), except in
// MatMulNBits's weight dequantization, which is counted as the DequantizeLinear
// it fuses.
#include <string>

#include "absl/strings/str_cat.h"
#include "rules/families.h"
#include "rules/propagate.h"

namespace onnx_flops {
namespace {

struct MatMulShape {
  double batch = 0;
  int64_t m = 0, k = 0, n = 0;
  Dims y;  // the output shape
  double outputs() const {
    return batch * static_cast<double>(m) * static_cast<double>(n);
  }
  double macs() const { return outputs() * static_cast<double>(k); }
};

// numpy matmul of A and B (1-D operands as in MatMul).
absl::StatusOr<MatMulShape> NumpyMatMul(Dims a, Dims b) {
  if (a.empty() || b.empty()) {
    return absl::InvalidArgumentError("matmul operands must have rank >= 1");
  }
  const bool a_vec = a.size() == 1, b_vec = b.size() == 1;
  if (a_vec) a.insert(a.begin(), 1);
  if (b_vec) b.push_back(1);
  MatMulShape s;
  s.m = a[a.size() - 2];
  s.k = a.back();
  s.n = b.back();
  if (b[b.size() - 2] != s.k) {
    return absl::InvalidArgumentError(absl::StrCat(
        "inner dims differ: A has K=", s.k, ", B has K=", b[b.size() - 2]));
  }
  OF_ASSIGN_OR_RETURN(s.y, BroadcastDims(Dims(a.begin(), a.end() - 2),
                                         Dims(b.begin(), b.end() - 2)));
  s.batch = NumElements(s.y);
  if (!a_vec) s.y.push_back(s.m);
  if (!b_vec) s.y.push_back(s.n);
  return s;
}

absl::StatusOr<MatMulShape> MatMulOfInputs(const NodeView& v, int a, int b) {
  OF_ASSIGN_OR_RETURN(Dims da, InputDims(v, a));
  OF_ASSIGN_OR_RETURN(Dims db, InputDims(v, b));
  return NumpyMatMul(std::move(da), std::move(db));
}

Cost ProductCost(const MatMulShape& s) {
  Cost c;
  c.macs = s.macs();
  c.matmul_flops = 2 * c.macs;
  c.detail = absl::StrCat("2*batch*M*K*N, batch=", FormatCount(s.batch), " M=", s.m,
                          " K=", s.k, " N=", s.n);
  return c;
}

void AddPerOutput(Cost& c, double per_output, double outputs, absl::string_view what) {
  c.vector_flops += per_output * outputs;
  absl::StrAppend(&c.detail, "; ", what, " ", FormatCount(per_output), "*numel(Y)=",
                  FormatCount(per_output * outputs));
}

constexpr char kLowPrecision[] =
    " The MACs run at low precision; FLOPs count 2 per MAC as in floating point.";

// ---- MatMulInteger, QLinearMatMul ----

std::string MatMulIntegerFormula() {
  return absl::StrCat(
      "2*batch*M*K*N (matmul class) as MatMul on A, B (inputs 0, 1); the a/b zero-point "
      "subtractions are not counted.",
      kLowPrecision);
}

absl::StatusOr<Cost> CountMatMulInteger(const NodeView& v) {
  OF_ASSIGN_OR_RETURN(MatMulShape s, MatMulOfInputs(v, 0, 1));
  return ProductCost(s);
}

std::string QLinearMatMulFormula() {
  return absl::StrCat(
      "2*batch*M*K*N (matmul class) as MatMul on a (input 0) and b (input 3) + 2*numel(Y) "
      "(vector) to requantize the output (1 multiply by the combined scale + 1 zero-point "
      "add); input zero-point subtractions not counted.",
      kLowPrecision);
}

absl::StatusOr<Cost> CountQLinearMatMul(const NodeView& v) {
  OF_ASSIGN_OR_RETURN(MatMulShape s, MatMulOfInputs(v, 0, 3));
  Cost c = ProductCost(s);
  AddPerOutput(c, 2, s.outputs(), "requantize");
  return c;
}

// ---- com.microsoft MatMulIntegerToFloat, DynamicQuantizeMatMul ----

std::string MatMulIntegerToFloatFormula() {
  return absl::StrCat(
      "2*batch*M*K*N (matmul class) as MatMul on A, B (inputs 0, 1) + numel(Y) to scale "
      "the int32 result by a_scale*b_scale + numel(Y) bias adds if bias (input 6) is "
      "present (vector); zero-point subtractions not counted.",
      kLowPrecision);
}

absl::StatusOr<Cost> CountMatMulIntegerToFloat(const NodeView& v) {
  OF_ASSIGN_OR_RETURN(MatMulShape s, MatMulOfInputs(v, 0, 1));
  Cost c = ProductCost(s);
  AddPerOutput(c, 1, s.outputs(), "scale");
  if (HasInput(v, 6)) AddPerOutput(c, 1, s.outputs(), "bias");
  return c;
}

std::string DynamicQuantizeMatMulFormula() {
  return absl::StrCat(
      "6*numel(A) + 6 (vector) to quantize the float A to 8 bits as DynamicQuantizeLinear "
      "(rules/elementwise.cc: min/max reductions, 4 per element, 8 scalar ops) + "
      "2*batch*M*K*N (matmul class) as MatMul on A, B (inputs 0, 1) + numel(Y) to scale "
      "the int32 result + numel(Y) bias adds if bias (input 4) is present (vector).",
      kLowPrecision);
}

absl::StatusOr<Cost> CountDynamicQuantizeMatMul(const NodeView& v) {
  OF_ASSIGN_OR_RETURN(Dims a, InputDims(v, 0));
  const double na = NumElements(a);
  OF_ASSIGN_OR_RETURN(MatMulShape s, MatMulOfInputs(v, 0, 1));
  Cost c = ProductCost(s);
  const double quantize = 2 * (na - 1) + 4 * na + 8;
  c.vector_flops += quantize;
  absl::StrAppend(&c.detail, "; quantize A 6*numel(A)+6=", FormatCount(quantize));
  AddPerOutput(c, 1, s.outputs(), "scale");
  if (HasInput(v, 4)) AddPerOutput(c, 1, s.outputs(), "bias");
  return c;
}

// ---- com.microsoft MatMulNBits ----

// Dequantizing one weight: (q - zero_point) * scale, as DequantizeLinear in
// rules/elementwise.cc (a zero point always applies: default 2^(bits-1)).
constexpr double kDequantPerWeight = 2;

std::string MatMulNBitsFormula() {
  return absl::StrCat(
      "A [..., K] x dequantized B [K, N] with K, N from the attributes: 2*rows*K*N "
      "(matmul class), rows = numel(A)/K (else numel(Y)/N) + 2*N*K (vector) to dequantize "
      "every weight once per call, (q - zero_point)*scale as DequantizeLinear counts it + "
      "rows*N bias adds if bias (input 5) is present.",
      kLowPrecision);
}

absl::StatusOr<Cost> CountMatMulNBits(const NodeView& v) {
  if (FindAttr(v, "K") == nullptr || FindAttr(v, "N") == nullptr) {
    return absl::FailedPreconditionError(absl::StrCat(
        "missing attribute '", FindAttr(v, "K") == nullptr ? "K" : "N", "'"));
  }
  const int64_t k = AttrInt(v, "K", 0), n = AttrInt(v, "N", 0);
  if (k <= 0 || n <= 0) {
    return absl::InvalidArgumentError(absl::StrCat("K=", k, " and N=", n, " must be > 0"));
  }
  double rows = 0;
  absl::StatusOr<Dims> a = InputDims(v, 0);
  if (a.ok()) {
    if (a->empty() || a->back() != k) {
      return absl::InvalidArgumentError(absl::StrCat(
          "A ", DimsToString(*a), " must end in K=", k));
    }
    rows = NumElements(*a) / static_cast<double>(k);
  } else {
    absl::StatusOr<Dims> y = OutputDims(v, 0);
    if (!y.ok() || y->empty() || y->back() != n) return a.status();
    rows = NumElements(*y) / static_cast<double>(n);
  }
  const double outputs = rows * static_cast<double>(n);
  const double weights = static_cast<double>(k) * static_cast<double>(n);
  Cost c;
  c.macs = outputs * static_cast<double>(k);
  c.matmul_flops = 2 * c.macs;
  c.vector_flops = kDequantPerWeight * weights;
  c.detail = absl::StrCat("2*rows*K*N + 2*K*N dequantize, rows=", FormatCount(rows),
                          " K=", k, " N=", n, " bits=", AttrInt(v, "bits", 4));
  if (HasInput(v, 5)) AddPerOutput(c, 1, outputs, "bias");
  return c;
}

// ---- com.microsoft QLinearAdd, QLinearMul ----

constexpr char kQLinearBinaryFormula[] =
    "3*numel(C) vector FLOPs: 1 add (QLinearAdd) or multiply (QLinearMul) + 2 to "
    "requantize (multiply by the scale, add the zero point); C = the output shape, else "
    "the broadcast of A (input 0) and B (input 3); input zero points not counted";

absl::StatusOr<Cost> CountQLinearBinary(const NodeView& v) {
  absl::StatusOr<Dims> y = OutputDims(v, 0);
  if (!y.ok()) {
    OF_ASSIGN_OR_RETURN(Dims a, InputDims(v, 0));
    OF_ASSIGN_OR_RETURN(Dims b, InputDims(v, 3));
    OF_ASSIGN_OR_RETURN(Dims out, BroadcastDims(a, b));
    y = std::move(out);
  }
  const double n = NumElements(*y);
  Cost c;
  c.vector_flops = 3 * n;
  c.detail = absl::StrCat("3*numel(C), numel=", FormatCount(n), " (", DimsToString(*y), ")");
  return c;
}

// ---- Shape propagation ----

// com.microsoft MatMulNBits: A[..., K] x packed B -> [..., N].
absl::StatusOr<Outputs> ShapeOfMatMulNBits(const NodeView& v) {
  const TensorInfo* a = In(v, 0);
  const int64_t n = AttrInt(v, "N", -1);
  if (!Ranked(a) || a->dims.empty()) return Outputs{TypeOnly(ElemOf(a))};
  Dims out = a->dims;
  out.back() = n;
  return Outputs{Shaped(a->elem_type, out)};
}

// Output 0 has x's shape; QuantizeLinear's type is y_zero_point's (uint8
// without one), DequantizeLinear's is x_scale's.
absl::StatusOr<Outputs> ShapeOfQuantizeLinear(const NodeView& v) {
  const TensorInfo* x = In(v, 0);
  const int32_t zero_point = ElemOf(In(v, 2));
  const int32_t elem = zero_point != 0 ? zero_point : onnx::TensorProto::UINT8;
  return Outputs{Ranked(x) ? Shaped(elem, x->dims) : TypeOnly(elem)};
}

absl::StatusOr<Outputs> ShapeOfDequantizeLinear(const NodeView& v) {
  const TensorInfo* x = In(v, 0);
  const int32_t elem = ElemOf(In(v, 1));
  return Outputs{Ranked(x) ? Shaped(elem, x->dims) : TypeOnly(elem)};
}

constexpr char kContribQuantizeFormula[] =
    "as QuantizeLinear of the ONNX domain (rules/elementwise.cc): 4*numel(Y)";
absl::StatusOr<Cost> CountContribQuantize(const NodeView& v) {
  return CountAs(v, "", "QuantizeLinear");
}

constexpr char kContribDequantizeFormula[] =
    "as DequantizeLinear of the ONNX domain (rules/elementwise.cc): 2*numel(Y)";
absl::StatusOr<Cost> CountContribDequantize(const NodeView& v) {
  return CountAs(v, "", "DequantizeLinear");
}

}  // namespace

void RegisterQuantizedRules(RuleRegistry& r) {
  const char* ms = "com.microsoft";
  Register(r, {"", "MatMulInteger", "quantized", MatMulIntegerFormula(), CountMatMulInteger,
               ShapeOfMatMul, QuantizedProduct(0, 1, Slots({0, 1}))});
  Register(r, {"", "QLinearMatMul", "quantized", QLinearMatMulFormula(), CountQLinearMatMul,
               ShapeOfMatMul, QuantizedProduct(0, 3, Slots({0, 3}))});
  Register(r, {ms, "MatMulIntegerToFloat", "quantized", MatMulIntegerToFloatFormula(),
               CountMatMulIntegerToFloat, ShapeOfMatMul, QuantizedProduct(0, 1, Slots({0, 1, 6}))});
  Register(r, {ms, "DynamicQuantizeMatMul", "quantized", DynamicQuantizeMatMulFormula(),
               CountDynamicQuantizeMatMul, ShapeOfMatMul,
               QuantizedProduct(0, 1, Slots({0, 1, 4}))});
  Register(r, {ms, "MatMulNBits", "quantized", MatMulNBitsFormula(), CountMatMulNBits,
               ShapeOfMatMulNBits, QuantizedProduct(0, 1, Slots({0, 1, 5}))});
  // onnxruntime's own copies of the ONNX ops (per-tensor, per-axis or blocked).
  Register(r, {ms, "QuantizeLinear", "quantized", kContribQuantizeFormula, CountContribQuantize,
               ShapeOfQuantizeLinear, QuantizationSpec(false)});
  Register(r, {ms, "DequantizeLinear", "quantized", kContribDequantizeFormula,
               CountContribDequantize, ShapeOfDequantizeLinear, QuantizationSpec(true)});
  Register(r, {ms, "QLinearAdd", "quantized", kQLinearBinaryFormula, CountQLinearBinary,
               nullptr, DifferentiableOnly(Slots({0, 3}))});
  Register(r, {ms, "QLinearMul", "quantized", kQLinearBinaryFormula, CountQLinearBinary,
               nullptr, DifferentiableOnly(Slots({0, 3}))});
}

}  // namespace onnx_flops
