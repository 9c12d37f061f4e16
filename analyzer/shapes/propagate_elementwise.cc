// Propagators of elementwise ops: unary ops keep their input's shape;
// binary/variadic ops broadcast (numpy rules). Arithmetic, comparisons, logic,
// Where and Clip also compute values for small tensors, since torch exports
// do shape arithmetic with them (seq // heads, Where(Equal(shape, -1), ...)).
// Integer tensors are computed exactly in int64, with ONNX's integer
// semantics (Div truncates, Mod follows the divisor's sign unless fmod=1).
#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <utility>

#include "absl/strings/str_cat.h"
#include "analyzer/shapes/propagate.h"

namespace onnx_flops {
namespace {

constexpr int32_t kBool = onnx::TensorProto::BOOL;

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

absl::StatusOr<Outputs> UnaryOp(const NodeView& v) {
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
  if (op == "And") return (a != 0 && b != 0) ? 1 : 0;
  if (op == "Or") return (a != 0 || b != 0) ? 1 : 0;
  if (op == "Xor") return ((a != 0) != (b != 0)) ? 1 : 0;
  if (op == "Equal") return a == b;
  if (op == "Less") return a < b;
  if (op == "Greater") return a > b;
  if (op == "LessOrEqual") return a <= b;
  if (op == "GreaterOrEqual") return a >= b;
  if (op == "PRelu") return a < 0 ? a * b : a;
  return std::nullopt;
}

// Binary and variadic ops (Sum/Max/Min/Mean fold left to right).
absl::StatusOr<Outputs> BroadcastOp(const NodeView& v) {
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
  OF_ASSIGN_OR_RETURN(Dims out, BroadcastAll(shapes));
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

absl::StatusOr<Outputs> WhereOp(const NodeView& v) {
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

absl::StatusOr<Outputs> ClipOp(const NodeView& v) {
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

}  // namespace

void RegisterElementwisePropagators(PropagatorRegistry& r) {
  // Same shape and type as input 0.
  AddPropagator(
      r, "",
      {"Neg", "Abs", "Ceil", "Floor", "Round", "Sqrt", "Reciprocal", "Sign", "Relu", "Exp",
       "Log", "Not", "IsNaN", "IsInf", "Sigmoid", "Tanh", "Erf", "Gelu", "Elu", "Selu", "Celu",
       "LeakyRelu", "HardSigmoid", "HardSwish", "Softplus", "Softsign", "Mish",
       "ThresholdedRelu", "Shrink", "Sin", "Cos", "Tan", "Asin", "Acos", "Atan", "Sinh",
       "Cosh", "Asinh", "Acosh", "Atanh", "BitwiseNot", "Softmax", "LogSoftmax", "Hardmax",
       "LRN", "InstanceNormalization", "MeanVarianceNormalization", "LpNormalization",
       "GroupNormalization", "RMSNormalization", "Trilu", "CumSum", "ReverseSequence",
       "Scatter", "ScatterElements", "ScatterND", "EyeLike", "Swish"},
      UnaryOp);
  AddPropagator(r, "",
                {"Add", "Sub", "Mul", "Div", "Mod", "Pow", "Max", "Min", "Sum", "Mean",
                 "Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual", "And", "Or",
                 "Xor", "BitShift", "BitwiseAnd", "BitwiseOr", "BitwiseXor", "PRelu"},
                BroadcastOp);
  AddPropagator(r, "", {"Where"}, WhereOp);
  AddPropagator(r, "", {"Clip"}, ClipOp);
}

}  // namespace onnx_flops
