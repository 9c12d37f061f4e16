// Elementwise arithmetic, comparison, logic, bitwise and math functions.
//
// Each op costs a constant c per output element, all in the vector class:
// c = the number of elementary operations (add, mul, compare, exp, log, sqrt,
// div, ... each 1) in the op's defining formula in the ONNX spec. The output
// element count comes from the node's output shape when it is known, else
// from the numpy broadcast of the input shapes.
//
// One table row per op; the formula string printed by --list-rules is
// generated from the row, so the table is the documentation.
//
// Shape propagation: unary ops keep their input's shape; binary/variadic ops
// broadcast (numpy rules). Arithmetic, comparisons, logic, Where and Clip
// also compute values for small tensors, since torch exports do shape
// arithmetic with them (seq // heads, Where(Equal(shape, -1), ...)). Integer
// tensors are computed exactly in int64, with ONNX's integer semantics (Div
// truncates, Mod follows the divisor's sign unless fmod=1).
#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "rules/elementwise.h"
#include "rules/families.h"
#include "rules/propagate.h"

namespace onnx_flops {

namespace {

// ElementwiseOutputDims without the legacy fallback.
absl::StatusOr<Dims> BroadcastOutputDims(const NodeView& v, bool first_input_only) {
  absl::StatusOr<Dims> out = OutputDims(v, 0);
  if (out.ok()) return out;
  if (v.opset > 0 && v.opset < 7 && AttrInt(v, "broadcast", 0) != 0) {
    first_input_only = true;
  }
  absl::StatusOr<Dims> result = absl::FailedPreconditionError("node has no inputs");
  const int n = v.node == nullptr ? 0 : v.node->input_size();
  for (int i = 0; i < n; ++i) {
    if (!HasInput(v, i)) continue;
    absl::StatusOr<Dims> in = InputDims(v, i);
    if (!in.ok()) {
      // Prefer the output's message when the output has a rank: it names the
      // dim the user has to bind (e.g. symbolic 'batch').
      const TensorInfo* o = v.outputs.empty() ? nullptr : v.outputs[0];
      if (o != nullptr && o->has_shape) return out.status();
      return in.status();
    }
    if (!result.ok()) {
      result = std::move(in);
    } else {
      OF_ASSIGN_OR_RETURN(Dims b, BroadcastDims(*result, *in));
      result = std::move(b);
    }
    if (first_input_only) break;
  }
  return result;
}

}  // namespace

std::optional<Dims> LegacyChannelBroadcast(const Dims& a, const Dims& b) {
  const Dims* big = a.size() >= b.size() ? &a : &b;
  const Dims* vec = a.size() >= b.size() ? &b : &a;
  if (big->size() < 3 || vec->size() != 1 || (*big)[1] != (*vec)[0] || (*vec)[0] < 0) {
    return std::nullopt;
  }
  if (BroadcastDims(a, b).ok()) return std::nullopt;
  return *big;
}

// The two inputs' dims when both are known and they only combine as a
// legacy per-channel broadcast.
std::optional<Dims> LegacyChannelBroadcastOf(const NodeView& v) {
  if (v.node == nullptr || v.node->input_size() != 2 || !HasInput(v, 0) || !HasInput(v, 1)) {
    return std::nullopt;
  }
  absl::StatusOr<Dims> a = InputDims(v, 0);
  absl::StatusOr<Dims> b = InputDims(v, 1);
  if (!a.ok() || !b.ok()) return std::nullopt;
  return LegacyChannelBroadcast(*a, *b);
}

absl::StatusOr<Dims> ElementwiseOutputDims(const NodeView& v, bool first_input_only) {
  absl::StatusOr<Dims> dims = BroadcastOutputDims(v, first_input_only);
  if (dims.ok()) return dims;
  if (std::optional<Dims> legacy = LegacyChannelBroadcastOf(v)) return *legacy;
  return dims;
}

absl::StatusOr<Cost> PerElementCost(const NodeView& v, double per_element,
                                    bool first_input_only) {
  OF_ASSIGN_OR_RETURN(Dims dims, ElementwiseOutputDims(v, first_input_only));
  const double n = NumElements(dims);
  Cost c;
  c.vector_flops = per_element * n;
  c.detail = absl::StrCat(FormatCount(per_element), "*numel(Y), numel=", FormatCount(n),
                          " (", DimsToString(dims), ")");
  if (!first_input_only && v.opset >= 7) {
    if (std::optional<Dims> legacy = LegacyChannelBroadcastOf(v)) {
      c.warning = absl::StrCat(
          "inputs ", DimsToString(*InputDims(v, 0)), " and ", DimsToString(*InputDims(v, 1)),
          " do not broadcast under ONNX's numpy rules (opset 7+), so the model cannot run as "
          "written; counted as the per-channel broadcast along axis 1 of opsets before 7 "
          "(broadcast=1, axis=1), which the exporter evidently meant: output ",
          DimsToString(*legacy));
      absl::StrAppend(&c.detail, "; legacy per-channel broadcast (see the warning)");
    }
  }
  return c;
}

// ---- Shape propagation ----

namespace {


// ---- Unary ----

// Ops whose output has the input's shape and type; values for the cheap ones.
std::optional<double> UnaryValue(absl::string_view op, double x) {
  if (op == "Identity") return x;
  if (op == "Neg") return -x;
  if (op == "Abs") return std::fabs(x);
  if (op == "Ceil") return std::ceil(x);
  if (op == "Floor") return std::floor(x);
  if (op == "Round") return std::nearbyint(x);  // half to even, as ONNX specifies
  if (op == "Sqrt") return x >= 0 ? std::optional<double>(std::sqrt(x)) : std::nullopt;
  if (op == "Reciprocal") return x != 0 ? std::optional<double>(1 / x) : std::nullopt;
  if (op == "Sign") return static_cast<double>((x > 0) - (x < 0));
  if (op == "Relu") return std::max(x, 0.0);
  if (op == "Exp") return std::exp(x);
  if (op == "Log") return x > 0 ? std::optional<double>(std::log(x)) : std::nullopt;
  if (op == "Not") return x == 0 ? 1.0 : 0.0;
  return std::nullopt;
}

}  // namespace

absl::StatusOr<Outputs> ShapeOfUnary(const NodeView& v) {
  const TensorInfo* x = In(v, 0);
  const absl::string_view op = v.node->op_type();
  int32_t elem = ElemOf(x);
  if (op == "IsNaN" || op == "IsInf" || op == "Not") elem = kBool;
  if (op == "EyeLike") elem = static_cast<int32_t>(AttrInt(v, "dtype", elem));
  if (!Ranked(x)) return Outputs{TypeOnly(elem)};
  if (!Valued(x)) return Outputs{Shaped(elem, x->dims)};
  if (IsIntegral(x->elem_type) && (op == "Neg" || op == "Abs" || op == "Identity" ||
                                   op == "Relu" || op == "Sign" || op == "Not")) {
    std::vector<int64_t> ints;
    for (int64_t i : x->int_values) {
      if (i == std::numeric_limits<int64_t>::min()) return Outputs{Shaped(elem, x->dims)};
      ints.push_back(op == "Neg"    ? -i
                     : op == "Abs"  ? (i < 0 ? -i : i)
                     : op == "Relu" ? std::max<int64_t>(i, 0)
                     : op == "Sign" ? (i > 0) - (i < 0)
                     : op == "Not"  ? (i == 0 ? 1 : 0)
                                    : i);
    }
    return Outputs{WithInts(elem, x->dims, ints)};
  }
  std::vector<double> values;
  for (double d : x->values) {
    std::optional<double> y = UnaryValue(op, d);
    if (!y.has_value()) return Outputs{Shaped(elem, x->dims)};
    values.push_back(*y);
  }
  return Outputs{WithValues(elem, x->dims, values)};
}

namespace {

// ---- Broadcasting ops ----

enum class Kind { kArith, kCompare, kLogic };

Kind KindOf(absl::string_view op) {
  if (op == "Equal" || op == "Less" || op == "Greater" || op == "LessOrEqual" ||
      op == "GreaterOrEqual") {
    return Kind::kCompare;
  }
  if (op == "And" || op == "Or" || op == "Xor") return Kind::kLogic;
  return Kind::kArith;
}

// Logic (nonzero is true) and comparisons: 1 or 0, the same for exact
// integers and doubles.
template <typename T>
std::optional<T> LogicOrCompare(absl::string_view op, T a, T b) {
  if (op == "And") return (a != 0 && b != 0) ? 1 : 0;
  if (op == "Or") return (a != 0 || b != 0) ? 1 : 0;
  if (op == "Xor") return ((a != 0) != (b != 0)) ? 1 : 0;
  if (op == "Equal") return a == b;
  if (op == "Less") return a < b;
  if (op == "Greater") return a > b;
  if (op == "LessOrEqual") return a <= b;
  if (op == "GreaterOrEqual") return a >= b;
  return std::nullopt;
}

// Exact int64 arithmetic; nullopt on overflow, division by zero or an op
// without an integer meaning here.
std::optional<int64_t> IntBinary(absl::string_view op, int64_t a, int64_t b, bool fmod) {
  int64_t r = 0;
  if (op == "Add" || op == "Sum") return __builtin_add_overflow(a, b, &r) ? std::nullopt : std::optional(r);
  if (op == "Sub") return __builtin_sub_overflow(a, b, &r) ? std::nullopt : std::optional(r);
  if (op == "Mul") return __builtin_mul_overflow(a, b, &r) ? std::nullopt : std::optional(r);
  if (op == "Div") {
    if (b == 0 || (a == std::numeric_limits<int64_t>::min() && b == -1)) return std::nullopt;
    return a / b;
  }
  if (op == "Mod") {
    if (b == 0 || (a == std::numeric_limits<int64_t>::min() && b == -1)) return std::nullopt;
    r = a % b;
    if (!fmod && r != 0 && ((r < 0) != (b < 0))) r += b;
    return r;
  }
  if (op == "Max") return std::max(a, b);
  if (op == "Min") return std::min(a, b);
  if (op == "Pow") {
    if (b < 0) return std::nullopt;
    if (a == 0) return b == 0 ? 1 : 0;
    if (a == 1) return 1;
    if (a == -1) return b % 2 == 0 ? 1 : -1;
    int64_t p = 1;  // |a| >= 2: overflows within 63 steps
    for (int64_t i = 0; i < b; ++i) {
      if (__builtin_mul_overflow(p, a, &p)) return std::nullopt;
    }
    return p;
  }
  if (op == "BitwiseAnd") return a & b;
  if (op == "BitwiseOr") return a | b;
  if (op == "BitwiseXor") return a ^ b;
  return LogicOrCompare(op, a, b);
}

std::optional<double> DoubleBinary(absl::string_view op, double a, double b, bool fmod) {
  if (op == "Add" || op == "Sum" || op == "Mean") return a + b;
  if (op == "Sub") return a - b;
  if (op == "Mul") return a * b;
  if (op == "Div") return a / b;
  if (op == "Mod") {
    if (b == 0) return std::nullopt;
    double r = std::fmod(a, b);
    if (!fmod && r != 0 && ((r < 0) != (b < 0))) r += b;
    return r;
  }
  if (op == "Pow") return std::pow(a, b);
  if (op == "Max") return std::max(a, b);
  if (op == "Min") return std::min(a, b);
  if (op == "PRelu") return a < 0 ? a * b : a;
  return LogicOrCompare(op, a, b);
}

}  // namespace

// Binary and variadic ops (Sum/Max/Min/Mean fold left to right).
absl::StatusOr<Outputs> ShapeOfBroadcast(const NodeView& v) {
  const absl::string_view op = v.node->op_type();
  const int n = v.node->input_size();
  int32_t elem = 0;
  std::vector<const Dims*> shapes;
  bool ranked = n > 0;
  for (int i = 0; i < n; ++i) {
    const TensorInfo* t = In(v, i);
    if (elem == 0) elem = ElemOf(t);
    if (!Ranked(t)) {
      ranked = false;
    } else {
      shapes.push_back(&t->dims);
    }
  }
  if (KindOf(op) != Kind::kArith) elem = kBool;
  if (op == "Pow" || op == "PRelu") elem = ElemOf(In(v, 0));
  if (!ranked) return Outputs{TypeOnly(elem)};
  absl::StatusOr<Dims> broadcast = BroadcastAll(shapes);
  if (!broadcast.ok() && shapes.size() == 2 && v.opset >= 7) {
    // Reported by the count (PerElementCost's warning).
    if (std::optional<Dims> legacy = LegacyChannelBroadcast(*shapes[0], *shapes[1])) {
      return Outputs{Shaped(elem, *legacy)};
    }
  }
  OF_ASSIGN_OR_RETURN(Dims out, std::move(broadcast));
  const int64_t count = SmallEnough(out) ? static_cast<int64_t>(NumElements(out)) : -1;
  bool valued = count >= 0;
  bool ints = true;
  for (int i = 0; i < n && valued; ++i) {
    valued = Valued(In(v, i));
    ints = ints && IsIntegral(ElemOf(In(v, i)));
  }
  if (!valued) return Outputs{Shaped(elem, out)};
  const bool fmod = AttrInt(v, "fmod", 0) != 0;
  std::vector<std::vector<int64_t>> index;
  for (int i = 0; i < n; ++i) index.push_back(BroadcastIndex(out, In(v, i)->dims));
  std::vector<double> values;
  std::vector<int64_t> int_values;
  for (int64_t k = 0; k < count; ++k) {
    const size_t uk = static_cast<size_t>(k);
    const TensorInfo* a = In(v, 0);
    if (ints) {
      int64_t acc = a->int_values[static_cast<size_t>(index[0][uk])];
      for (int i = 1; i < n; ++i) {
        const int64_t b = In(v, i)->int_values[static_cast<size_t>(index[i][uk])];
        std::optional<int64_t> r = IntBinary(op == "Mean" ? "Sum" : op, acc, b, fmod);
        if (!r.has_value()) return Outputs{Shaped(elem, out)};
        acc = *r;
      }
      if (op == "Mean") acc /= n;
      int_values.push_back(acc);
      values.push_back(static_cast<double>(acc));
    } else {
      double acc = a->values[static_cast<size_t>(index[0][uk])];
      for (int i = 1; i < n; ++i) {
        const double b = In(v, i)->values[static_cast<size_t>(index[i][uk])];
        std::optional<double> r = DoubleBinary(op, acc, b, fmod);
        if (!r.has_value()) return Outputs{Shaped(elem, out)};
        acc = *r;
      }
      if (op == "Mean") acc /= n;
      values.push_back(acc);
      int_values.push_back(SaturatingInt(acc));
    }
  }
  if (ints || elem == kBool) return Outputs{WithInts(elem, out, int_values)};
  return Outputs{WithValues(elem, out, values)};
}

namespace {

absl::StatusOr<Outputs> ShapeOfWhere(const NodeView& v) {
  const TensorInfo* c = In(v, 0);
  const TensorInfo* x = In(v, 1);
  const TensorInfo* y = In(v, 2);
  const int32_t elem = ElemOf(x) != 0 ? ElemOf(x) : ElemOf(y);
  if (!Ranked(c) || !Ranked(x) || !Ranked(y)) return Outputs{TypeOnly(elem)};
  OF_ASSIGN_OR_RETURN(Dims out, BroadcastAll({&c->dims, &x->dims, &y->dims}));
  if (!SmallEnough(out) || !Valued(c) || !Valued(x) || !Valued(y)) {
    return Outputs{Shaped(elem, out)};
  }
  const std::vector<int64_t> ic = BroadcastIndex(out, c->dims), ix = BroadcastIndex(out, x->dims),
                             iy = BroadcastIndex(out, y->dims);
  std::vector<double> values;
  std::vector<int64_t> ints;
  for (size_t k = 0; k < ic.size(); ++k) {
    const TensorInfo* from = c->int_values[static_cast<size_t>(ic[k])] != 0 ? x : y;
    const size_t at = static_cast<size_t>(from == x ? ix[k] : iy[k]);
    values.push_back(from->values[at]);
    ints.push_back(from->int_values[at]);
  }
  return Outputs{Built(elem, out, values, ints)};
}

absl::StatusOr<Outputs> ShapeOfClip(const NodeView& v) {
  const TensorInfo* x = In(v, 0);
  if (!Ranked(x)) return Outputs{TypeOnly(ElemOf(x))};
  if (!Valued(x)) return Outputs{Shaped(x->elem_type, x->dims)};
  double lo = -std::numeric_limits<double>::infinity(), hi = -lo;
  if (HasInput(v, 1) || HasInput(v, 2)) {
    if (HasInput(v, 1)) {
      std::optional<double> m = ScalarDouble(v, 1);
      if (!m) return Outputs{Shaped(x->elem_type, x->dims)};
      lo = *m;
    }
    if (HasInput(v, 2)) {
      std::optional<double> m = ScalarDouble(v, 2);
      if (!m) return Outputs{Shaped(x->elem_type, x->dims)};
      hi = *m;
    }
  } else {
    if (HasAttr(v, "min")) lo = AttrFloat(v, "min", 0);
    if (HasAttr(v, "max")) hi = AttrFloat(v, "max", 0);
  }
  std::vector<double> values;
  std::vector<int64_t> ints;
  for (size_t k = 0; k < x->values.size(); ++k) {
    const double c = std::min(std::max(x->values[k], lo), hi);
    values.push_back(c);
    ints.push_back(c == x->values[k] ? x->int_values[k] : SaturatingInt(c));
  }
  return Outputs{Built(x->elem_type, x->dims, values, ints)};
}


// Which inputs define the computed shape when the output shape is unknown.
enum class Operands { kBroadcastAll, kFirstInput };

struct ElementwiseOp {
  const char* op_type;
  double per_element;  // elementary operations per output element
  const char* ops;     // what they are, from the spec's formula
  Operands operands;
  Propagator shape;    // null: ONNX's inference gives the output shape
  BackwardSpec backward = {};
};

constexpr Operands kAll = Operands::kBroadcastAll;
constexpr Operands kFirst = Operands::kFirstInput;

constexpr ElementwiseOp kOps[] = {
    // Binary arithmetic (numpy broadcasting).
    {"Add", 1, "add", kAll, ShapeOfBroadcast},
    {"Sub", 1, "subtract", kAll, ShapeOfBroadcast},
    {"Mul", 1, "multiply", kAll, ShapeOfBroadcast},
    {"Div", 1, "divide", kAll, ShapeOfBroadcast},
    {"Pow", 1, "power", kAll, ShapeOfBroadcast},
    {"Mod", 1, "remainder (mod or fmod)", kAll, ShapeOfBroadcast},
    // Unary math.
    {"Neg", 1, "negate", kFirst, ShapeOfUnary},
    {"Abs", 1, "abs", kFirst, ShapeOfUnary},
    {"Sign", 1, "sign", kFirst, ShapeOfUnary},
    {"Reciprocal", 1, "reciprocal (1/x)", kFirst, ShapeOfUnary},
    {"Sqrt", 1, "sqrt", kFirst, ShapeOfUnary},
    {"Exp", 1, "exp", kFirst, ShapeOfUnary},
    {"Log", 1, "log", kFirst, ShapeOfUnary},
    {"Floor", 1, "floor", kFirst, ShapeOfUnary},
    {"Ceil", 1, "ceil", kFirst, ShapeOfUnary},
    {"Round", 1, "round half to even", kFirst, ShapeOfUnary},
    {"Erf", 1, "erf", kFirst, ShapeOfUnary},
    {"Sin", 1, "sin", kFirst, ShapeOfUnary},
    {"Cos", 1, "cos", kFirst, ShapeOfUnary},
    {"Tan", 1, "tan", kFirst, ShapeOfUnary},
    {"Asin", 1, "asin", kFirst, ShapeOfUnary},
    {"Acos", 1, "acos", kFirst, ShapeOfUnary},
    {"Atan", 1, "atan", kFirst, ShapeOfUnary},
    {"Sinh", 1, "sinh", kFirst, ShapeOfUnary},
    {"Cosh", 1, "cosh", kFirst, ShapeOfUnary},
    {"Asinh", 1, "asinh", kFirst, ShapeOfUnary},
    {"Acosh", 1, "acosh", kFirst, ShapeOfUnary},
    {"Atanh", 1, "atanh", kFirst, ShapeOfUnary},
    {"IsNaN", 1, "NaN test", kFirst, ShapeOfUnary},
    {"IsInf", 1, "infinity test", kFirst, ShapeOfUnary},
    // Comparison (numpy broadcasting), bool output.
    {"Equal", 1, "compare", kAll, ShapeOfBroadcast},
    {"Less", 1, "compare", kAll, ShapeOfBroadcast},
    {"LessOrEqual", 1, "compare", kAll, ShapeOfBroadcast},
    {"Greater", 1, "compare", kAll, ShapeOfBroadcast},
    {"GreaterOrEqual", 1, "compare", kAll, ShapeOfBroadcast},
    // Logical and bitwise.
    {"And", 1, "logical and", kAll, ShapeOfBroadcast},
    {"Or", 1, "logical or", kAll, ShapeOfBroadcast},
    {"Xor", 1, "logical xor", kAll, ShapeOfBroadcast},
    {"Not", 1, "logical not", kFirst, ShapeOfUnary},
    {"BitShift", 1, "shift", kAll, ShapeOfBroadcast},
    {"BitwiseAnd", 1, "bitwise and", kAll, ShapeOfBroadcast},
    {"BitwiseOr", 1, "bitwise or", kAll, ShapeOfBroadcast},
    {"BitwiseXor", 1, "bitwise xor", kAll, ShapeOfBroadcast},
    {"BitwiseNot", 1, "bitwise not", kFirst, ShapeOfUnary},
    // Selection: Where(cond, X, Y) broadcasts all three.
    {"Where", 1, "select", kAll, ShapeOfWhere},
    // Quantization: scale/zero-point inputs are per-tensor, per-axis or
    // blocked parameters; the computed shape is x's.
    {"QuantizeLinear", 4,
     "y = saturate(round(x / y_scale) + y_zero_point): divide, round, add, saturate",
     kFirst, nullptr, QuantizationSpec(false)},
    {"DequantizeLinear", 2, "y = (x - x_zero_point) * x_scale: subtract, multiply", kFirst, nullptr,
     QuantizationSpec(true)},
    // Experimental ops of opsets 1-9, still found in old model-zoo models.
    // ONNX 1.12 has no schema for them: our propagator is all that shapes them.
    {"ImageScaler", 2, "y = scale * x + bias[c]: multiply, add", kFirst, ShapeOfUnary},
    {"Scale", 1, "y = scale * x: multiply", kFirst, ShapeOfUnary},
};

std::string TableFormula(const ElementwiseOp& op) {
  return absl::StrCat(
      FormatCount(op.per_element), "*numel(Y) vector FLOPs (", op.ops,
      "); Y = the node's output shape, else ",
      op.operands == kAll ? "the numpy broadcast of the input shapes"
                          : "the shape of input 0");
}

absl::StatusOr<Cost> CountTableOp(const NodeView& v) {
  const std::string& type = v.node->op_type();
  for (const ElementwiseOp& op : kOps) {
    if (type == op.op_type) {
      return PerElementCost(v, op.per_element, op.operands == kFirst);
    }
  }
  return absl::InternalError(absl::StrCat("no elementwise table row for ", type));
}

// ---- Variadic Sum/Max/Min/Mean ----

int PresentInputs(const NodeView& v) {
  int n = 0;
  for (int i = 0; v.node != nullptr && i < v.node->input_size(); ++i) {
    if (HasInput(v, i)) ++n;
  }
  return n;
}

constexpr char kVariadicFormula[] =
    "(n-1)*numel(Y) vector FLOPs for n inputs (one add/max/min per pair); Y = the "
    "node's output shape, else the numpy broadcast of the input shapes; 0 for a "
    "single input (a copy)";

absl::StatusOr<Cost> CountVariadic(const NodeView& v) {
  OF_ASSIGN_OR_RETURN(Dims dims, ElementwiseOutputDims(v, false));
  const int n = PresentInputs(v);
  const double numel = NumElements(dims);
  Cost c;
  c.vector_flops = static_cast<double>(n > 0 ? n - 1 : 0) * numel;
  c.detail = absl::StrCat("(n-1)*numel(Y), n=", n, " numel=", FormatCount(numel), " (",
                          DimsToString(dims), ")");
  return c;
}

constexpr char kMeanFormula[] =
    "n*numel(Y) vector FLOPs for n inputs: (n-1) adds + 1 divide per element; Y = the "
    "node's output shape, else the numpy broadcast of the input shapes";

absl::StatusOr<Cost> CountMean(const NodeView& v) {
  OF_ASSIGN_OR_RETURN(Dims dims, ElementwiseOutputDims(v, false));
  const int n = PresentInputs(v);
  const double numel = NumElements(dims);
  Cost c;
  c.vector_flops = static_cast<double>(n) * numel;
  c.detail = absl::StrCat("((n-1)+1)*numel(Y), n=", n, " numel=", FormatCount(numel), " (",
                          DimsToString(dims), ")");
  return c;
}

// ---- Clip ----

constexpr char kClipFormula[] =
    "b*numel(Y) vector FLOPs, b = number of bounds given (a max with min, a min with "
    "max): 2 with both, 0 with neither (identity); bounds are the optional inputs 1 "
    "and 2 from opset 11, the attributes min/max before; Y = the node's output shape, "
    "else the shape of input 0";

absl::StatusOr<Cost> CountClip(const NodeView& v) {
  // Opset >= 11 has no min/max attributes and opset < 11 no bound inputs, so
  // counting both works whatever opset the walker reports.
  const int bounds = (HasInput(v, 1) || FindAttr(v, "min") != nullptr ? 1 : 0) +
                     (HasInput(v, 2) || FindAttr(v, "max") != nullptr ? 1 : 0);
  OF_ASSIGN_OR_RETURN(Dims dims, ElementwiseOutputDims(v, true));
  const double numel = NumElements(dims);
  Cost c;
  c.vector_flops = bounds * numel;
  c.detail = absl::StrCat(bounds, "*numel(Y) (", bounds, " bound", bounds == 1 ? "" : "s",
                          "), numel=", FormatCount(numel), " (", DimsToString(dims), ")");
  return c;
}

// ---- DynamicQuantizeLinear ----

// Spec: y_scale = (max(0, max(x)) - min(0, min(x))) / (qmax - qmin);
// zp = saturate(round(qmin - min(x) / y_scale)); y = saturate(round(x / y_scale) + zp).
constexpr char kDynamicQuantizeFormula[] =
    "6*numel(x) + 6 vector FLOPs: max and min reductions over x (numel-1 compares "
    "each), 4 per element for y = saturate(round(x / y_scale) + y_zero_point) "
    "(divide, round, add, saturate), and 8 scalar ops for the scale and zero point "
    "(max with 0, min with 0, subtract, divide; divide, subtract, saturate, round)";

absl::StatusOr<Cost> CountDynamicQuantizeLinear(const NodeView& v) {
  OF_ASSIGN_OR_RETURN(Dims dims, ElementwiseOutputDims(v, true));
  const double n = NumElements(dims);
  Cost c;
  c.vector_flops = 2 * (n - 1) + 4 * n + 8;
  c.detail = absl::StrCat("2*(numel-1) + 4*numel + 8, numel=", FormatCount(n), " (",
                          DimsToString(dims), ")");
  return c;
}

}  // namespace

void RegisterElementwiseRules(RuleRegistry& r) {
  for (const ElementwiseOp& op : kOps) {
    Register(r, {"", op.op_type, "elementwise", TableFormula(op), CountTableOp, op.shape,
                 op.backward});
  }
  Register(r, {"", "Sum", "elementwise", kVariadicFormula, CountVariadic, ShapeOfBroadcast});
  Register(r, {"", "Max", "elementwise", kVariadicFormula, CountVariadic, ShapeOfBroadcast});
  Register(r, {"", "Min", "elementwise", kVariadicFormula, CountVariadic, ShapeOfBroadcast});
  Register(r, {"", "Mean", "elementwise", kMeanFormula, CountMean, ShapeOfBroadcast});
  Register(r, {"", "Clip", "elementwise", kClipFormula, CountClip, ShapeOfClip});
  Register(r, {"", "DynamicQuantizeLinear", "elementwise", kDynamicQuantizeFormula,
               CountDynamicQuantizeLinear, nullptr, DifferentiableOnly(Slots({0}))});
}

}  // namespace onnx_flops
