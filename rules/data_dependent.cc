// Ops whose output size depends on the data: NonZero, Compress, Unique and
// NonMaxSuppression. No file says how many elements a NonZero will find, but
// the graph bounds it, and a detector's box head (the larger part of its
// work) sits behind such sizes. So the propagators give the bound and
// everything behind it is counted; the count is then an upper bound and the
// report names each size taken this way (Cost::bound):
//
//   NonZero            rows <= numel(X)
//   Compress           <= min(len(condition), dim of X along axis)
//                      (numel(X) when there is no axis)
//   Unique             <= numel(X) (the dim along axis when given)
//   NonMaxSuppression  <= B x C x min(N, max_output_boxes_per_class),
//                      then at most --detections when given
//   RemovePadding      tokens <= B x S (com.microsoft)
//
// With RuleOptions::data_dependent_low the propagators give the lower bound
// instead (0; 1 for Unique of a non-empty input): the second pass that
// gives the low end of the range. Where the input's values are known (a
// small constant) the size is exact and no bound is involved.
//
// NonMaxSuppression's own work (per batch b and class c, N candidate boxes,
// m = max_output_boxes_per_class, all vector class):
//   areas: 3 per box ((x2-x1)*(y2-y1));
//   IoU of a candidate with one selected box and its threshold test: 13 (4
//   max/min for the intersection corners, 2 subtractions, 2 clamps at 0,
//   1 multiply, 2 for the union a+b-i, 1 divide, 1 comparison);
//   pairs: candidate i is tested against the boxes selected before it,
//   at most min(i, m): P(N, m) = sum_{i<N} min(i, m).
//   High: B*C*(3N + 13*P(N, m)), every box a candidate and kept until m.
//   Low:  B*C*N, every score below score_threshold (one comparison each);
//   without a score_threshold input: B*C*(3N + 13*(N-1)), the first box
//   suppressing all others.
// Sorting by score is not counted (as for TopK's selection, comparisons of
// a sort are left to the TopK rule that models them).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "rules/families.h"
#include "rules/propagate.h"

namespace onnx_flops {
namespace {

bool Low(const NodeView& v) { return v.options != nullptr && v.options->data_dependent_low; }

// A data-dependent size: exact (values known) or a bound with its reason.
struct Size {
  int64_t n = -1;      // -1: unknown
  bool exact = false;
  std::string how;     // for a bound: "numel of 'x' (1x4650)"
};

// The size to use: exact, or the upper/lower bound as the pass asks.
int64_t Chosen(const NodeView& v, const Size& s, int64_t low) {
  if (s.n < 0 || s.exact) return s.n;
  return Low(v) ? std::min(low, s.n) : s.n;
}

std::string BoundText(const NodeView& v, const Size& s, absl::string_view unit) {
  if (s.n < 0 || s.exact || Low(v)) return "";
  return absl::StrCat("at most ", FormatCount(static_cast<double>(s.n)), " ", unit, ": ", s.how);
}

// Data movement whose size `s` may be a bound, named in the cost.
Cost MovedAtBound(const NodeView& v, const Size& s, absl::string_view unit,
                  absl::string_view detail = "0 FLOP: data movement") {
  Cost c;
  c.data_movement = true;
  c.detail = std::string(detail);
  c.bound = BoundText(v, s, unit);
  return c;
}

std::string Named(const TensorInfo* t, const NodeView& v, int i) {
  const std::string name = i < v.node->input_size() ? v.node->input(i) : "";
  return absl::StrCat("'", name, "' (", t != nullptr && t->has_shape ? DimsToString(t->dims) : "?",
                      ")");
}

// ---- NonZero ----

// The rows of a NonZero over a mixture of experts' routing mask
// (analyzer/shapes/routing_tags.h): the (token, choice) pairs routed to the
// mask's experts. Balanced routing spreads the T x s pairs (s of the k
// choices) over the E experts as evenly as integers allow: expert e gets
// floor(T*s/E), plus one for the first (T*s mod E) experts, so the shares of
// all experts sum to T*s exactly (ceil(T*s*count/E) when which experts is not
// known). Worst: every token to every covered expert, T*min(count, s), at
// most numel of the mask. A mask broadcast across the hidden axis (to select
// rows element by element) has `width` elements per row.
struct RoutedRows {
  int64_t n = -1;
  std::string how;
};

RoutedRows RoutedNonZero(const NodeView& v) {
  const TensorInfo* x = In(v, 0);
  RoutedRows r;
  if (!Known(x) || !x->routing.has_value() || !x->routing->mask) return r;
  const RoutingTag& t = *x->routing;
  const double numel = NumElements(x->dims);
  const std::string experts =
      t.count == 1 && t.first >= 0
          ? absl::StrCat("expert ", t.first)
          : absl::StrCat(t.count, " experts",
                         t.first >= 0 ? absl::StrCat(" (", t.first, "..", t.first + t.count - 1, ")")
                                      : "");
  const std::string choices = absl::StrCat(t.slots, t.slots == 1 ? " choice" : " choices");
  const std::string unit = t.width == 1 ? "rows" : "elements";
  const std::string width = t.width == 1 ? "" : absl::StrCat(" x ", t.width, " per row");
  if (v.options != nullptr && v.options->routing_worst) {
    r.n = DimFromDouble(std::min(numel, static_cast<double>(t.tokens) *
                                            static_cast<double>(std::min(t.count, t.slots)) *
                                            static_cast<double>(t.width)));
    r.how = absl::StrCat("worst-case routing: ", FormatCount(static_cast<double>(r.n)), " ",
                         unit, ", every one of ", t.tokens, " tokens to ", experts, width,
                         " of '", t.router, "' (top-", t.top_k, " of ", t.experts, ")");
    return r;
  }
  const double pairs = static_cast<double>(t.tokens) * static_cast<double>(t.slots);
  const double e_all = static_cast<double>(t.experts);
  double n = 0;
  if (t.first >= 0 && t.first + t.count <= t.experts) {
    const double base = std::floor(pairs / e_all);
    const double extra = pairs - base * e_all;  // experts 0 .. extra-1 get one more row
    const double a = static_cast<double>(t.first);
    const double b = a + static_cast<double>(t.count);
    n = base * static_cast<double>(t.count) + std::max(0.0, std::min(b, extra) - a);
  } else {
    n = std::ceil(pairs * static_cast<double>(t.count) / e_all);
  }
  n *= static_cast<double>(t.width);
  r.n = DimFromDouble(std::min(n, numel));
  r.how = absl::StrCat("balanced routing: ", FormatCount(static_cast<double>(r.n)), " ",
                       unit, " = ", t.tokens, " tokens x ", choices, " / ", t.experts,
                       " experts", width, ", ", experts, " of '", t.router, "' (top-", t.top_k,
                       ")");
  return r;
}

Size NonZeroCount(const NodeView& v) {
  const TensorInfo* x = In(v, 0);
  Size s;
  if (const RoutedRows r = RoutedNonZero(v); r.n >= 0 && !Valued(x)) {
    s.n = r.n;
    s.exact = true;  // an assumption the report states, not a range
  } else if (Valued(x)) {
    s.exact = true;
    s.n = static_cast<int64_t>(std::count_if(x->values.begin(), x->values.end(),
                                             [](double d) { return d != 0; }));
  } else if (Known(x)) {
    s.n = DimFromDouble(NumElements(x->dims));
    s.how = absl::StrCat("numel of ", Named(x, v, 0));
  }
  return s;
}

absl::StatusOr<Outputs> ShapeOfNonZero(const NodeView& v) {
  const TensorInfo* x = In(v, 0);
  const int64_t rank = Ranked(x) ? static_cast<int64_t>(x->dims.size()) : -1;
  const Size s = NonZeroCount(v);
  const int64_t n = Chosen(v, s, 0);
  if (s.exact && Valued(x) && rank >= 0 && SmallEnough({rank, n})) {
    // Row-major: row d holds the d-th coordinate of every non-zero element.
    std::vector<int64_t> coords(static_cast<size_t>(rank * n));
    const std::vector<int64_t> strides = Strides(x->dims);
    int64_t k = 0;
    for (size_t e = 0; e < x->values.size(); ++e) {
      if (x->values[e] == 0) continue;
      int64_t rest = static_cast<int64_t>(e);
      for (int64_t d = 0; d < rank; ++d) {
        const int64_t stride = strides[static_cast<size_t>(d)];
        coords[static_cast<size_t>(d * n + k)] = stride > 0 ? rest / stride : 0;
        rest = stride > 0 ? rest % stride : rest;
      }
      ++k;
    }
    return Outputs{WithInts(kInt64, {rank, n}, coords)};
  }
  return Outputs{Shaped(kInt64, {rank, n})};
}

absl::StatusOr<Cost> CountNonZero(const NodeView& v) {
  Cost c = MovedAtBound(v, NonZeroCount(v), "non-zero elements");
  if (!Valued(In(v, 0))) c.routing = RoutedNonZero(v).how;
  return c;
}

// ---- Compress ----

Size CompressCount(const NodeView& v, int64_t* axis_out) {
  const TensorInfo* x = In(v, 0);
  const TensorInfo* cond = In(v, 1);
  Size s;
  *axis_out = -1;
  if (!Known(x)) return s;
  int64_t extent = DimFromDouble(NumElements(x->dims));
  std::string what = absl::StrCat("numel of ", Named(x, v, 0));
  if (HasAttr(v, "axis")) {
    absl::StatusOr<int64_t> axis =
        NormalizeAxis(AttrInt(v, "axis", 0), static_cast<int64_t>(x->dims.size()));
    if (!axis.ok()) return s;
    *axis_out = *axis;
    extent = x->dims[static_cast<size_t>(*axis)];
    what = absl::StrCat("axis ", *axis, " of ", Named(x, v, 0));
  }
  if (Valued(cond)) {
    s.exact = true;
    s.n = 0;
    for (size_t i = 0; i < cond->values.size() && static_cast<int64_t>(i) < extent; ++i) {
      s.n += cond->values[i] != 0 ? 1 : 0;
    }
    return s;
  }
  s.n = extent;
  s.how = what;
  if (Known(cond) && cond->dims.size() == 1 && cond->dims[0] < extent) {
    s.n = cond->dims[0];
    s.how = absl::StrCat("length of the condition ", Named(cond, v, 1));
  }
  return s;
}

absl::StatusOr<Outputs> ShapeOfCompress(const NodeView& v) {
  const TensorInfo* x = In(v, 0);
  if (!Ranked(x)) return Outputs{TypeOnly(ElemOf(x))};
  int64_t axis = -1;
  const int64_t n = Chosen(v, CompressCount(v, &axis), 0);
  if (!HasAttr(v, "axis")) return Outputs{Shaped(x->elem_type, {n})};
  OF_ASSIGN_OR_RETURN(int64_t a, NormalizeAxis(AttrInt(v, "axis", 0),
                                               static_cast<int64_t>(x->dims.size())));
  Dims out = x->dims;
  out[static_cast<size_t>(a)] = n;
  return Outputs{Shaped(x->elem_type, out)};
}

absl::StatusOr<Cost> CountCompress(const NodeView& v) {
  int64_t axis = -1;
  return MovedAtBound(v, CompressCount(v, &axis), "selected slices");
}

// ---- Unique ----

Size UniqueCount(const NodeView& v) {
  const TensorInfo* x = In(v, 0);
  Size s;
  if (!Known(x)) return s;
  if (!HasAttr(v, "axis")) {
    if (Valued(x)) {
      s.exact = true;
      s.n = static_cast<int64_t>(
          absl::flat_hash_set<double>(x->values.begin(), x->values.end()).size());
      return s;
    }
    s.n = DimFromDouble(NumElements(x->dims));
    s.how = absl::StrCat("numel of ", Named(x, v, 0));
    return s;
  }
  absl::StatusOr<int64_t> axis =
      NormalizeAxis(AttrInt(v, "axis", 0), static_cast<int64_t>(x->dims.size()));
  if (!axis.ok()) return s;
  s.n = x->dims[static_cast<size_t>(*axis)];
  s.how = absl::StrCat("axis ", *axis, " of ", Named(x, v, 0));
  return s;
}

absl::StatusOr<Outputs> ShapeOfUnique(const NodeView& v) {
  const TensorInfo* x = In(v, 0);
  if (!Known(x)) return Outputs{TypeOnly(ElemOf(x)), TypeOnly(kInt64), TypeOnly(kInt64),
                                TypeOnly(kInt64)};
  const Size s = UniqueCount(v);
  const int64_t n = Chosen(v, s, s.n > 0 ? 1 : 0);
  Dims y{n};
  int64_t inverse = DimFromDouble(NumElements(x->dims));
  if (HasAttr(v, "axis")) {
    OF_ASSIGN_OR_RETURN(int64_t a, NormalizeAxis(AttrInt(v, "axis", 0),
                                                 static_cast<int64_t>(x->dims.size())));
    y = x->dims;
    y[static_cast<size_t>(a)] = n;
    inverse = x->dims[static_cast<size_t>(a)];
  }
  return Outputs{Shaped(x->elem_type, y), Shaped(kInt64, {n}), Shaped(kInt64, {inverse}),
                 Shaped(kInt64, {n})};
}

absl::StatusOr<Cost> CountUnique(const NodeView& v) {
  return MovedAtBound(v, UniqueCount(v), "unique values",
                      "0 FLOP: data movement (sorting comparisons are not counted)");
}

// ---- NonMaxSuppression ----

struct NmsShape {
  int64_t batches = 0, classes = 0, boxes = 0;
  std::optional<int64_t> per_class;  // max_output_boxes_per_class; nullopt: unknown
};

absl::StatusOr<NmsShape> ReadNms(const NodeView& v) {
  OF_ASSIGN_OR_RETURN(Dims boxes, InputDims(v, 0));
  OF_ASSIGN_OR_RETURN(Dims scores, InputDims(v, 1));
  if (boxes.size() != 3 || scores.size() != 3 || boxes[2] != 4) {
    return absl::InvalidArgumentError(absl::StrCat("NonMaxSuppression wants boxes [B, N, 4] and "
                                                   "scores [B, C, N]; got ", DimsToString(boxes),
                                                   " and ", DimsToString(scores)));
  }
  NmsShape s;
  s.batches = scores[0];
  s.classes = scores[1];
  s.boxes = scores[2];
  if (!HasInput(v, 2)) {
    s.per_class = 0;  // the spec's default: nothing is selected
  } else if (std::optional<int64_t> m = ScalarInt(v, 2); m.has_value()) {
    s.per_class = std::max<int64_t>(*m, 0);
  }
  return s;
}

Size NmsCount(const NodeView& v) {
  Size s;
  absl::StatusOr<NmsShape> nms = ReadNms(v);
  if (!nms.ok()) return s;
  if (nms->per_class.has_value() && *nms->per_class == 0) {
    s.exact = true;
    s.n = 0;
    return s;
  }
  const int64_t per_class =
      nms->per_class.has_value() ? std::min(*nms->per_class, nms->boxes) : nms->boxes;
  s.n = DimMul(DimMul(nms->batches, nms->classes), per_class);
  s.how = absl::StrCat("B x C x min(N, max_output_boxes_per_class) = ", nms->batches, " x ",
                       nms->classes, " x ", per_class);
  if (!nms->per_class.has_value()) {
    s.how = absl::StrCat("B x C x N = ", nms->batches, " x ", nms->classes, " x ", nms->boxes,
                         " (max_output_boxes_per_class unknown)");
  }
  const int64_t cap = v.options != nullptr ? v.options->max_detections : 0;
  if (cap > 0 && s.n > cap) {
    s.n = cap;
    s.how = absl::StrCat("--detections ", cap);
  }
  return s;
}

absl::StatusOr<Outputs> ShapeOfNms(const NodeView& v) {
  return Outputs{Shaped(kInt64, {Chosen(v, NmsCount(v), 0), 3})};
}

// sum over i < n of min(i, m): the selected boxes candidate i can meet.
double PairsTested(double n, double m) {
  if (n <= m + 1) return n * (n - 1) / 2;
  return m * (m + 1) / 2 + (n - m - 1) * m;
}

absl::StatusOr<Cost> CountNms(const NodeView& v) {
  OF_ASSIGN_OR_RETURN(NmsShape nms, ReadNms(v));
  const double groups = static_cast<double>(nms.batches) * static_cast<double>(nms.classes);
  const double n = static_cast<double>(nms.boxes);
  Cost c;
  if (nms.per_class.has_value() && *nms.per_class == 0) {
    c.detail = "max_output_boxes_per_class = 0: selects nothing";
    return c;
  }
  const double m = nms.per_class.has_value() ? static_cast<double>(*nms.per_class) : n;
  const std::string dims = absl::StrCat("B=", nms.batches, " C=", nms.classes, " N=", nms.boxes);
  if (Low(v)) {
    if (HasInput(v, 4)) {
      c.vector_flops = groups * n;
      c.detail = absl::StrCat("B*C*N score tests (none passes: the low end), ", dims);
    } else {
      c.vector_flops = n > 0 ? groups * (3 * n + 13 * (n - 1)) : 0;
      c.detail = absl::StrCat("B*C*(3N + 13*(N-1)) (the first box suppresses the rest: the "
                              "low end), ", dims);
    }
  } else {
    const double pairs = PairsTested(n, m);
    c.vector_flops = groups * (3 * n + 13 * pairs);
    c.detail = absl::StrCat("B*C*(3N + 13*P(N,m)), ", dims, " m=",
                            !nms.per_class.has_value() ? "N (unknown)"
                            : m >= n                   ? ">=N"
                                                       : FormatCount(m),
                            " P=", FormatCount(pairs), " (every candidate kept: the high end)");
  }
  c.bound = BoundText(v, NmsCount(v), "selected boxes");
  return c;
}

// ---- com.microsoft RemovePadding / RestorePadding ----
// RemovePadding packs the tokens of input [B, S, H] that sequence_token_count
// [B] says are real into [tokens, H], tokens <= B x S; it also gives
// token_offset [B, S], cumulated_seq_len [B + 1] and max_seq_len [1].
// RestorePadding is its inverse, [tokens, H] + token_offset [B, S] ->
// [B, S, H]: a known shape.

Size PackedTokens(const NodeView& v) {
  const TensorInfo* x = In(v, 0);
  Size s;
  if (!Known(x) || x->dims.size() != 3) return s;
  s.n = DimMul(x->dims[0], x->dims[1]);
  s.how = absl::StrCat("B x S of ", Named(x, v, 0));
  return s;
}

absl::StatusOr<Outputs> ShapeOfRemovePadding(const NodeView& v) {
  const TensorInfo* x = In(v, 0);
  if (!Ranked(x) || x->dims.size() != 3) {
    return Outputs{TypeOnly(ElemOf(x)), TypeOnly(kInt32), TypeOnly(kInt32), TypeOnly(kInt32)};
  }
  const int64_t tokens = Chosen(v, PackedTokens(v), 0);
  return Outputs{Shaped(x->elem_type, {tokens, x->dims[2]}),
                 Shaped(kInt32, {x->dims[0], x->dims[1]}),
                 Shaped(kInt32, {DimAdd(x->dims[0], 1)}), Shaped(kInt32, {1})};
}

absl::StatusOr<Cost> CountRemovePadding(const NodeView& v) {
  return MovedAtBound(v, PackedTokens(v), "tokens");
}

absl::StatusOr<Outputs> ShapeOfRestorePadding(const NodeView& v) {
  const TensorInfo* x = In(v, 0);
  const TensorInfo* offsets = In(v, 1);
  if (!Ranked(x) || x->dims.size() != 2 || !Ranked(offsets) || offsets->dims.size() != 2) {
    return Outputs{TypeOnly(ElemOf(x))};
  }
  return Outputs{Shaped(x->elem_type, {offsets->dims[0], offsets->dims[1], x->dims[1]})};
}

absl::StatusOr<Cost> CountRestorePadding(const NodeView& v) {
  return MovedAtBound(v, Size{}, "");  // an exact shape: no bound
}

constexpr char kNonZeroFormula[] =
    "0 FLOP: data movement (the tests are not counted); rows <= numel(X), exact when X's "
    "values are known; over a mixture of experts' routing mask (tokens T, top-k, E experts, "
    "s of the k choices): balanced floor(T*s/E) rows per expert (+1 for the first T*s mod E), "
    "--routing worst T*min(experts covered, s)";
constexpr char kCompressFormula[] =
    "0 FLOP: data movement; selected <= min(len(condition), dim along axis) (numel(X) without "
    "axis), exact when the condition's values are known";
constexpr char kUniqueFormula[] =
    "0 FLOP: data movement (sorting comparisons are not counted); unique <= numel(X) (dim "
    "along axis), exact when X's values are known";
constexpr char kNmsFormula[] =
    "B*C*(3N + 13*P(N,m)) vector FLOPs: box areas 3 each, IoU and threshold test 13 per pair "
    "of a candidate and a selected box, P(N,m) = sum_{i<N} min(i,m) pairs at most "
    "(m = max_output_boxes_per_class); low end B*C*N score tests (B*C*(3N + 13(N-1)) without "
    "score_threshold); selected <= B*C*min(N,m), at most --detections";

constexpr char kRemovePaddingFormula[] =
    "0 FLOP: data movement; packs input [B, S, H] into [tokens, H], tokens <= B*S";
constexpr char kRestorePaddingFormula[] =
    "0 FLOP: data movement; unpacks [tokens, H] to [B, S, H] by token_offset [B, S]";

}  // namespace

void RegisterDataDependentRules(RuleRegistry& r) {
  Register(r, {"com.microsoft", "RemovePadding", "data_dependent", kRemovePaddingFormula,
               CountRemovePadding, ShapeOfRemovePadding, {}, true});
  Register(r, {"com.microsoft", "RestorePadding", "data_dependent", kRestorePaddingFormula,
               CountRestorePadding, ShapeOfRestorePadding});
  Register(r, {"", "NonZero", "data_dependent", kNonZeroFormula, CountNonZero, ShapeOfNonZero,
               {}, true});
  Register(r, {"", "Compress", "data_dependent", kCompressFormula, CountCompress,
               ShapeOfCompress, {}, true});
  Register(r, {"", "Unique", "data_dependent", kUniqueFormula, CountUnique, ShapeOfUnique,
               {}, true});
  Register(r, {"", "NonMaxSuppression", "data_dependent", kNmsFormula, CountNms, ShapeOfNms,
               {}, true});
}

}  // namespace onnx_flops
