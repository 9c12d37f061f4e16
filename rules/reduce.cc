// Reductions (Reduce*), ArgMax/ArgMin, CumSum and TopK.
//
// Every Reduce* count is a function of in = numel(X) and out = numel(Y), the
// number of reduced values; each output reduces r = in/out inputs, so a sum
// over them takes r-1 adds per output, in-out in all (clamped at 0 for empty
// inputs). out comes from the output shape when it is known; otherwise from
// the axes (attribute before opset 13 for ReduceSum and 18 for the others,
// input 1 from then on; empty or absent axes reduce everything unless
// noop_with_empty_axes=1, which leaves the shape as is). keepdims changes the
// output rank, never numel(Y). A no-op reduction (in == out) still counts the
// per-element and per-output terms of the formula (the ONNX reference applies
// the square/abs/exp/log/sqrt even then).
#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "rules/families.h"
#include "rules/propagate.h"

namespace onnx_flops {
namespace {

struct ReduceSizes {
  double in = 0;
  double out = 0;
  std::string source;  // where `out` came from, for the detail string
};

// numel(X) and numel(Y) of a Reduce* node. `axes_input_opset` is the opset at
// which axes moved from an attribute to input 1.
absl::StatusOr<ReduceSizes> ReduceInOut(const NodeView& v, int64_t axes_input_opset) {
  OF_ASSIGN_OR_RETURN(Dims x, InputDims(v, 0));
  ReduceSizes s;
  s.in = NumElements(x);
  absl::StatusOr<Dims> y = OutputDims(v, 0);
  if (y.ok()) {
    s.out = NumElements(*y);
    s.source = "out from the output shape";
    return s;
  }

  std::vector<int64_t> axes;
  bool noop_with_empty_axes = false;
  if (v.opset >= axes_input_opset) {
    noop_with_empty_axes = AttrInt(v, "noop_with_empty_axes", 0) != 0;
    if (HasInput(v, 1)) {
      absl::StatusOr<std::vector<int64_t>> a = InputInts(v, 1);
      if (!a.ok()) {
        return absl::FailedPreconditionError(absl::StrCat(
            "reduced size unknown: axes ", a.status().message(), ", and ",
            y.status().message()));
      }
      axes = *a;
    }
  } else {
    axes = AttrInts(v, "axes");
  }

  if (axes.empty()) {
    s.out = noop_with_empty_axes ? s.in : 1;
    s.source = noop_with_empty_axes ? "empty axes with noop_with_empty_axes=1: out=in"
                                    : "empty axes: reduce all, out=1";
    return s;
  }
  OF_ASSIGN_OR_RETURN(s.out, ElementsOutsideAxes(x, axes));
  s.source = "out from the axes";
  return s;
}

enum class ReduceKind {
  kSumLike,    // ReduceSum, ReduceMax, ReduceMin, ReduceProd
  kMean,       // ReduceMean
  kSumSquare,  // ReduceSumSquare
  kL1,         // ReduceL1
  kL2,         // ReduceL2
  kLogSum,     // ReduceLogSum
  kLogSumExp,  // ReduceLogSumExp
};

constexpr char kReduceSumLikeFormula[] =
    "in - out (r-1 adds/multiplies/comparisons per output, r = in/out reduced "
    "elements; in = numel(X), out = numel(Y))";
constexpr char kReduceMeanFormula[] =
    "(in - out) adds + out divides; in = numel(X), out = numel(Y)";
constexpr char kReduceSumSquareFormula[] =
    "in squares + (in - out) adds; in = numel(X), out = numel(Y)";
constexpr char kReduceL1Formula[] =
    "in abs + (in - out) adds; in = numel(X), out = numel(Y)";
constexpr char kReduceL2Formula[] =
    "in squares + (in - out) adds + out sqrts; in = numel(X), out = numel(Y)";
constexpr char kReduceLogSumFormula[] =
    "(in - out) adds + out logs; in = numel(X), out = numel(Y)";
constexpr char kReduceLogSumExpFormula[] =
    "in exps + (in - out) adds + out logs; in = numel(X), out = numel(Y)";

template <ReduceKind kKind, int64_t kAxesInputOpset>
absl::StatusOr<Cost> CountReduce(const NodeView& v) {
  OF_ASSIGN_OR_RETURN(ReduceSizes s, ReduceInOut(v, kAxesInputOpset));
  const double adds = std::max(s.in - s.out, 0.0);
  double flops = 0;
  const char* terms = "";
  switch (kKind) {
    case ReduceKind::kSumLike:
      flops = adds;
      terms = "(in-out)";
      break;
    case ReduceKind::kMean:
      flops = adds + s.out;
      terms = "(in-out) + out";
      break;
    case ReduceKind::kSumSquare:
    case ReduceKind::kL1:
      flops = s.in + adds;
      terms = "in + (in-out)";
      break;
    case ReduceKind::kL2:
    case ReduceKind::kLogSumExp:
      flops = s.in + adds + s.out;
      terms = "in + (in-out) + out";
      break;
    case ReduceKind::kLogSum:
      flops = adds + s.out;
      terms = "(in-out) + out";
      break;
  }
  Cost c;
  c.vector_flops = flops;
  c.detail = absl::StrCat(terms, ", in=", FormatCount(s.in), " out=", FormatCount(s.out),
                          " (", s.source, ")");
  return c;
}

// ---- ArgMax / ArgMin ----

constexpr char kArgFormula[] =
    "in - out comparisons (L-1 per output, L = dim of X along axis); "
    "in = numel(X), out = in/L";

absl::StatusOr<Cost> CountArg(const NodeView& v) {
  OF_ASSIGN_OR_RETURN(Dims x, InputDims(v, 0));
  const int64_t rank = static_cast<int64_t>(x.size());
  OF_ASSIGN_OR_RETURN(int64_t axis, NormalizeAxis(AttrInt(v, "axis", 0), rank));
  const double in = NumElements(x);
  const double len = rank == 0 ? 1 : static_cast<double>(x[static_cast<size_t>(axis)]);
  const double out = rank == 0 ? 1 : in / std::max(len, 1.0);
  Cost c;
  c.vector_flops = std::max(in - out, 0.0);
  c.detail = absl::StrCat("in - out, in=", FormatCount(in), " out=", FormatCount(out),
                          " L=", FormatCount(len));
  return c;
}

// ---- CumSum ----

constexpr char kCumSumFormula[] =
    "slices * (L-1) adds, or slices * max(L-2, 0) when exclusive=1 (the first "
    "two outputs of an exclusive scan are 0 and x[0]); L = dim of X along axis "
    "(input 1), slices = numel(X)/L; axis computed at run time: the axis with the "
    "longest dim (the most adds, numel(X)*(1 - 1/L)), an upper bound the report names "
    "(the shortest at the low end of the range)";

absl::StatusOr<Cost> CountCumSum(const NodeView& v) {
  OF_ASSIGN_OR_RETURN(Dims x, InputDims(v, 0));
  const int64_t rank = static_cast<int64_t>(x.size());
  if (rank == 0) return absl::InvalidArgumentError("CumSum input must have rank >= 1");
  int64_t axis_value = 0;
  // The axis is computed at run time: every axis is possible. The adds,
  // numel(X)*(1 - 1/L) (or numel(X)*(1 - 2/L) exclusive), grow with L, so
  // the longest dim gives the most and the shortest the fewest.
  bool axis_unknown = false;
  if (rank != 1) {  // a 1-D input can only be scanned along axis 0
    if (!HasInput(v, 1)) return absl::InvalidArgumentError("CumSum needs its axis input");
    absl::StatusOr<std::vector<int64_t>> a = InputInts(v, 1);
    if (!a.ok()) {
      axis_unknown = true;
      const bool low = v.options != nullptr && v.options->data_dependent_low;
      for (int64_t d = 1; d < rank; ++d) {
        const int64_t best = x[static_cast<size_t>(axis_value)];
        const int64_t dim = x[static_cast<size_t>(d)];
        if (low ? dim < best : dim > best) axis_value = d;
      }
    } else if (a->size() != 1) {
      return absl::InvalidArgumentError("CumSum axis must hold one value");
    } else {
      axis_value = (*a)[0];
    }
  }
  OF_ASSIGN_OR_RETURN(int64_t axis, NormalizeAxis(axis_value, rank));
  const double len = static_cast<double>(x[static_cast<size_t>(axis)]);
  OF_ASSIGN_OR_RETURN(const double slices, ElementsOutsideAxes(x, {axis}));
  const bool exclusive = AttrInt(v, "exclusive", 0) != 0;
  const double per_slice = std::max(len - (exclusive ? 2 : 1), 0.0);
  Cost c;
  c.vector_flops = slices * per_slice;
  c.detail = absl::StrCat("slices*", exclusive ? "max(L-2,0)" : "(L-1)",
                          ", slices=", FormatCount(slices), " L=", FormatCount(len));
  if (axis_unknown) {
    absl::StrAppend(&c.detail, " (axis '", v.node->input(1), "' unknown: axis ", axis, ")");
    if (!(v.options != nullptr && v.options->data_dependent_low)) {
      c.bound = absl::StrCat("axis unknown: the axis with the most adds, axis ", axis,
                             " of X (", DimsToString(x), "), L=", FormatCount(len),
                             ", an upper bound");
    }
  }
  return c;
}

// ---- TopK ----

// A bounded heap of k elements over a row of L candidates: each candidate
// after the first costs at most ceil(log2(k+1)) comparisons (one against the
// heap root, then a sift through the heap's depth). k=1 gives L-1 (ArgMax);
// k=L gives the (L-1)*ceil(log2(L+1)) of a heap sort.
constexpr char kTopKFormula[] =
    "rows * (L-1) * ceil(log2(k+1)) comparisons (bounded-heap selection); "
    "L = dim of X along axis, rows = numel(X)/L, k from input 1 (attribute 'k' "
    "before opset 10) or from the output shape; k computed at run time: at most L "
    "(a bound the report names; 0 at the low end of the range)";

absl::StatusOr<Cost> CountTopK(const NodeView& v) {
  OF_ASSIGN_OR_RETURN(Dims x, InputDims(v, 0));
  const int64_t rank = static_cast<int64_t>(x.size());
  if (rank == 0) return absl::InvalidArgumentError("TopK input must have rank >= 1");
  OF_ASSIGN_OR_RETURN(int64_t axis, NormalizeAxis(AttrInt(v, "axis", -1), rank));
  int64_t k = -1;
  std::string k_source;
  if (v.opset < 10) {
    if (FindAttr(v, "k") == nullptr) {
      return absl::FailedPreconditionError("missing attribute 'k'");
    }
    k = AttrInt(v, "k", -1);
    k_source = "attribute";
  } else {
    absl::StatusOr<std::vector<int64_t>> kv = InputInts(v, 1);
    if (kv.ok() && kv->size() == 1) {
      k = (*kv)[0];
      k_source = "input 1";
    } else {
      absl::StatusOr<Dims> y = OutputDims(v, 0);
      if (!y.ok() || y->size() != x.size()) {
        return absl::FailedPreconditionError(absl::StrCat(
            "TopK k is unknown: ", kv.ok() ? "K must hold one value" : kv.status().message(),
            "; and ", y.ok() ? "output rank differs from input rank" : y.status().message()));
      }
      k = (*y)[static_cast<size_t>(axis)];
      k_source = "output shape";
    }
  }
  std::string bound;
  if (k_source == "output shape" && HasInput(v, 1) && v.inputs[1] != nullptr &&
      !v.inputs[1]->has_values) {
    bound = absl::StrCat("k at most ", FormatCount(static_cast<double>(x[static_cast<size_t>(axis)])),
                         ", the length of axis ", axis, " (k is computed at run time; bind it "
                         "with --value ", v.node->input(1), "=K if it is a graph input)");
  }
  const double len = static_cast<double>(x[static_cast<size_t>(axis)]);
  if (k < 0 || static_cast<double>(k) > len) {
    return absl::InvalidArgumentError(
        absl::StrCat("TopK k=", k, " is out of range for L=", FormatCount(len)));
  }
  const double rows = len > 0 ? NumElements(x) / len : 0;
  const double depth = std::ceil(std::log2(static_cast<double>(k) + 1));
  Cost c;
  c.vector_flops = rows * std::max(len - 1, 0.0) * depth;
  c.detail = absl::StrCat("rows*(L-1)*ceil(log2(k+1)), rows=", FormatCount(rows),
                          " L=", FormatCount(len), " k=", k, " (", k_source, ")");
  if (!bound.empty() && !(v.options != nullptr && v.options->data_dependent_low)) c.bound = bound;
  return c;
}

// ---- Shape propagation ----

absl::StatusOr<Outputs> ShapeOfReduce(const NodeView& v) {
  const TensorInfo* x = In(v, 0);
  const absl::string_view op = v.node->op_type();
  if (!Ranked(x)) return Outputs{TypeOnly(ElemOf(x))};
  const int64_t r = static_cast<int64_t>(x->dims.size());
  const bool keep = AttrInt(v, "keepdims", 1) != 0;
  std::optional<std::vector<int64_t>> axes = AxesOf(v, "axes", 1);
  if (!axes.has_value()) {
    if (keep) {
      Dims out = x->dims;
      for (int64_t& d : out) d = d == 1 ? 1 : -1;
      return Outputs{Shaped(x->elem_type, out)};
    }
    return Outputs{TypeOnly(x->elem_type)};
  }
  if (axes->empty()) {
    if (AttrInt(v, "noop_with_empty_axes", 0) != 0) return Outputs{SameAs(x)};
    for (int64_t i = 0; i < r; ++i) axes->push_back(i);
  }
  OF_ASSIGN_OR_RETURN(const std::vector<bool> reduced, AxisMask(*axes, r));
  Dims out, kept;  // kept: the output with keepdims, for indexing
  for (size_t i = 0; i < x->dims.size(); ++i) {
    kept.push_back(reduced[i] ? 1 : x->dims[i]);
    if (!reduced[i]) {
      out.push_back(x->dims[i]);
    } else if (keep) {
      out.push_back(1);
    }
  }
  const bool computable = op == "ReduceSum" || op == "ReduceProd" || op == "ReduceMax" ||
                          op == "ReduceMin" || op == "ReduceMean";
  if (!computable || !Valued(x) || !SmallEnough(out)) return Outputs{Shaped(x->elem_type, out)};
  const size_t n_out = static_cast<size_t>(NumElements(out));
  const std::vector<int64_t> out_strides = Strides(kept);
  std::vector<std::vector<size_t>> members(n_out);
  const size_t n_in = x->values.size();
  for (size_t k = 0; k < n_in; ++k) {
    int64_t rem = static_cast<int64_t>(k), dst = 0;
    for (size_t a = x->dims.size(); a-- > 0;) {
      const int64_t c = rem % x->dims[a];
      rem /= x->dims[a];
      if (!reduced[a]) dst += c * out_strides[a];
    }
    members[static_cast<size_t>(dst)].push_back(k);
  }
  const bool ints = IsIntegral(x->elem_type);
  std::vector<double> values;
  std::vector<int64_t> int_values;
  for (const std::vector<size_t>& m : members) {
    if (m.empty()) return Outputs{Shaped(x->elem_type, out)};  // reducing an empty axis
    double acc = x->values[m[0]];
    int64_t iacc = x->int_values[m[0]];
    for (size_t j = 1; j < m.size(); ++j) {
      const double d = x->values[m[j]];
      const int64_t i = x->int_values[m[j]];
      if (op == "ReduceSum" || op == "ReduceMean") {
        acc += d;
        if (ints && __builtin_add_overflow(iacc, i, &iacc)) return Outputs{Shaped(x->elem_type, out)};
      } else if (op == "ReduceProd") {
        acc *= d;
        if (ints && __builtin_mul_overflow(iacc, i, &iacc)) return Outputs{Shaped(x->elem_type, out)};
      } else if (op == "ReduceMax") {
        acc = std::max(acc, d);
        iacc = std::max(iacc, i);
      } else {
        acc = std::min(acc, d);
        iacc = std::min(iacc, i);
      }
    }
    if (op == "ReduceMean") {
      acc /= static_cast<double>(m.size());
      iacc /= static_cast<int64_t>(m.size());
    }
    values.push_back(acc);
    int_values.push_back(iacc);
  }
  return Outputs{Built(x->elem_type, out, values, int_values)};
}

absl::StatusOr<Outputs> ShapeOfArgReduce(const NodeView& v) {
  const TensorInfo* x = In(v, 0);
  if (!Ranked(x)) return Outputs{TypeOnly(kInt64)};
  OF_ASSIGN_OR_RETURN(int64_t axis, NormalizeAxis(AttrInt(v, "axis", 0),
                                                  static_cast<int64_t>(x->dims.size())));
  Dims out = x->dims;
  if (AttrInt(v, "keepdims", 1) != 0) {
    out[static_cast<size_t>(axis)] = 1;
  } else {
    out.erase(out.begin() + axis);
  }
  return Outputs{Shaped(kInt64, out)};
}

absl::StatusOr<Outputs> ShapeOfTopK(const NodeView& v) {
  const TensorInfo* x = In(v, 0);
  if (!Ranked(x)) return Outputs{TypeOnly(ElemOf(x)), TypeOnly(kInt64)};
  OF_ASSIGN_OR_RETURN(int64_t axis, NormalizeAxis(AttrInt(v, "axis", -1),
                                                  static_cast<int64_t>(x->dims.size())));
  int64_t k = -1;
  if (HasInput(v, 1)) {
    k = ScalarInt(v, 1).value_or(-1);
  } else if (HasAttr(v, "k")) {
    k = AttrInt(v, "k", 0);
  }
  if (k < -1) return absl::InvalidArgumentError(absl::StrCat("TopK k = ", k));
  const int64_t len = x->dims[static_cast<size_t>(axis)];
  if (k == -1 && len >= 0) {
    // k unknown (data): at most the axis length, or 0 in the low pass.
    k = v.options != nullptr && v.options->data_dependent_low ? 0 : len;
  }
  Dims out = x->dims;
  out[static_cast<size_t>(axis)] = k;
  return Outputs{Shaped(x->elem_type, out), Shaped(kInt64, out)};
}

}  // namespace

void RegisterReduceRules(RuleRegistry& r) {
  // ReduceSum's axes became input 1 at opset 13, the others' at opset 18.
  Register(r, {"", "ReduceSum", "reduce", kReduceSumLikeFormula,
               CountReduce<ReduceKind::kSumLike, 13>, ShapeOfReduce});
  Register(r, {"", "ReduceMax", "reduce", kReduceSumLikeFormula,
               CountReduce<ReduceKind::kSumLike, 18>, ShapeOfReduce});
  Register(r, {"", "ReduceMin", "reduce", kReduceSumLikeFormula,
               CountReduce<ReduceKind::kSumLike, 18>, ShapeOfReduce});
  Register(r, {"", "ReduceProd", "reduce", kReduceSumLikeFormula,
               CountReduce<ReduceKind::kSumLike, 18>, ShapeOfReduce});
  Register(r, {"", "ReduceMean", "reduce", kReduceMeanFormula,
               CountReduce<ReduceKind::kMean, 18>, ShapeOfReduce});
  Register(r, {"", "ReduceSumSquare", "reduce", kReduceSumSquareFormula,
               CountReduce<ReduceKind::kSumSquare, 18>, ShapeOfReduce});
  Register(r, {"", "ReduceL1", "reduce", kReduceL1Formula,
               CountReduce<ReduceKind::kL1, 18>, ShapeOfReduce});
  Register(r, {"", "ReduceL2", "reduce", kReduceL2Formula,
               CountReduce<ReduceKind::kL2, 18>, ShapeOfReduce});
  Register(r, {"", "ReduceLogSum", "reduce", kReduceLogSumFormula,
               CountReduce<ReduceKind::kLogSum, 18>, ShapeOfReduce});
  Register(r, {"", "ReduceLogSumExp", "reduce", kReduceLogSumExpFormula,
               CountReduce<ReduceKind::kLogSumExp, 18>, ShapeOfReduce});
  Register(r, {"", "ArgMax", "reduce", kArgFormula, CountArg, ShapeOfArgReduce});
  Register(r, {"", "ArgMin", "reduce", kArgFormula, CountArg, ShapeOfArgReduce});
  Register(r, {"", "CumSum", "reduce", kCumSumFormula, CountCumSum, ShapeOfUnary, {}, true});
  Register(r, {"", "TopK", "reduce", kTopKFormula, CountTopK, ShapeOfTopK, {}, true});
}

}  // namespace onnx_flops
