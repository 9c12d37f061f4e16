// Normalizations: BatchNormalization, InstanceNormalization,
// GroupNormalization, LayerNormalization, RMSNormalization,
// MeanVarianceNormalization, LpNormalization, LRN.
//
// The statistics-based ones share one accounting. Per element of X: mean
// accumulate 1, subtract the mean 1, square 1, variance accumulate 1,
// multiply by 1/std 1 (= 5), then 1 for the scale and 1 for the bias when
// they apply. Per group of normalized values (an instance, a row, ...): mean
// divide, variance divide, add epsilon, sqrt, reciprocal (= 5).
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "rules/families.h"
#include "rules/propagate.h"

namespace onnx_flops {
namespace {

// Product of dims[begin, end).
double DimsProduct(const Dims& dims, size_t begin, size_t end) {
  double n = 1;
  for (size_t i = begin; i < end && i < dims.size(); ++i) {
    n *= static_cast<double>(dims[i]);
  }
  return n;
}

absl::StatusOr<Dims> NCInput(const NodeView& v, absl::string_view op) {
  OF_ASSIGN_OR_RETURN(Dims x, InputDims(v, 0));
  if (x.size() < 2) {
    return absl::InvalidArgumentError(absl::StrCat(
        op, " needs X of rank >= 2 (N x C x ...), got ", DimsToString(x)));
  }
  return x;
}

// Whether output `i` of the node is present (exists and is named).
bool HasOutput(const NodeView& v, int i) {
  return v.node != nullptr && i < v.node->output_size() && !v.node->output(i).empty();
}

// ---- BatchNormalization ----

constexpr char kBatchNormFormula[] =
    "inference: 2 per element of X (y = x*a + b) + 5 per channel (a = "
    "scale/sqrt(var+eps): add eps, sqrt, divide; b = bias - mean*a: multiply, "
    "subtract). training (training_mode=1 from opset 14; before, more than one "
    "output): + 4 per element (mean accumulate 1; variance: subtract, square, "
    "accumulate 3) + 8 per channel (mean and variance divides 2; running mean "
    "and running var updates r*momentum + s*(1-momentum): 3 each), i.e. 6 per "
    "element + 13 per channel. Channels = C = dims[1], or prod(dims[1:]) for "
    "spatial=0 before opset 9";

absl::StatusOr<Cost> CountBatchNorm(const NodeView& v) {
  OF_ASSIGN_OR_RETURN(Dims x, NCInput(v, "BatchNormalization"));
  const double in = NumElements(x);
  const bool per_activation = v.opset < 9 && AttrInt(v, "spatial", 1) == 0;
  const double channels =
      per_activation ? DimsProduct(x, 1, x.size()) : static_cast<double>(x[1]);
  bool training = false;
  if (v.opset >= 14) {
    training = AttrInt(v, "training_mode", 0) != 0;
  } else {
    // Before 14 the outputs tell the mode (Y only: test mode); before 7,
    // is_test=1 also forces it.
    for (int i = 1; i < 5; ++i) training = training || HasOutput(v, i);
    if (v.opset < 7 && AttrInt(v, "is_test", 0) != 0) training = false;
  }
  const double per_element = training ? 6 : 2;
  const double per_channel = training ? 13 : 5;
  Cost c;
  c.vector_flops = per_element * in + per_channel * channels;
  c.detail = absl::StrCat(training ? "training: " : "inference: ",
                          FormatCount(per_element), "*numel(X) + ",
                          FormatCount(per_channel), "*channels, numel=",
                          FormatCount(in), " channels=", FormatCount(channels));
  return c;
}

// ---- InstanceNormalization / GroupNormalization ----

constexpr char kInstanceNormFormula[] =
    "7 per element of X (mean accumulate, subtract mean, square, variance "
    "accumulate, multiply by 1/std, scale, bias) + 5 per (n, c) instance "
    "(mean divide, variance divide, add eps, sqrt, reciprocal); instances = "
    "dims[0]*dims[1]";

absl::StatusOr<Cost> CountInstanceNorm(const NodeView& v) {
  OF_ASSIGN_OR_RETURN(Dims x, NCInput(v, "InstanceNormalization"));
  const double in = NumElements(x);
  const double instances = static_cast<double>(x[0]) * static_cast<double>(x[1]);
  Cost c;
  c.vector_flops = 7 * in + 5 * instances;
  c.detail = absl::StrCat("7*numel(X) + 5*N*C, numel=", FormatCount(in),
                          " N*C=", FormatCount(instances));
  return c;
}

constexpr char kGroupNormFormula[] =
    "7 per element of X (mean accumulate, subtract mean, square, variance "
    "accumulate, multiply by 1/std, scale, bias; scale/bias are per group at "
    "opset 18, per channel at 21: same count) + 5 per (n, group) (mean divide, "
    "variance divide, add eps, sqrt, reciprocal); groups = num_groups";

absl::StatusOr<Cost> CountGroupNorm(const NodeView& v) {
  OF_ASSIGN_OR_RETURN(Dims x, NCInput(v, "GroupNormalization"));
  if (FindAttr(v, "num_groups") == nullptr) {
    return absl::FailedPreconditionError("missing attribute 'num_groups'");
  }
  const int64_t groups = AttrInt(v, "num_groups", 0);
  if (groups <= 0 || x[1] % groups != 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "num_groups=", groups, " does not divide C=", x[1]));
  }
  const double in = NumElements(x);
  const double instances = static_cast<double>(x[0]) * static_cast<double>(groups);
  Cost c;
  c.vector_flops = 7 * in + 5 * instances;
  c.detail = absl::StrCat("7*numel(X) + 5*N*groups, numel=", FormatCount(in),
                          " N*groups=", FormatCount(instances));
  return c;
}

// ---- LayerNormalization / RMSNormalization: rows = prod(dims[:axis]) ----

struct RowSplit {
  double in = 0;
  double rows = 0;
};

absl::StatusOr<RowSplit> SplitAtAxis(const NodeView& v) {
  OF_ASSIGN_OR_RETURN(Dims x, InputDims(v, 0));
  const int64_t rank = static_cast<int64_t>(x.size());
  if (rank == 0) return absl::InvalidArgumentError("X must have rank >= 1");
  OF_ASSIGN_OR_RETURN(int64_t axis, NormalizeAxis(AttrInt(v, "axis", -1), rank));
  RowSplit s;
  s.in = NumElements(x);
  s.rows = DimsProduct(x, 0, static_cast<size_t>(axis));
  return s;
}

constexpr char kLayerNormFormula[] =
    "per element of X: 5 (mean accumulate, subtract mean, square, variance "
    "accumulate, multiply by 1/std) + 1 (scale) + 1 if B is present; + 5 per "
    "normalized row (mean divide, variance divide, add eps, sqrt, reciprocal); "
    "rows = prod(dims[:axis]), axis default -1";

absl::StatusOr<Cost> CountLayerNorm(const NodeView& v) {
  OF_ASSIGN_OR_RETURN(RowSplit s, SplitAtAxis(v));
  const bool has_bias = HasInput(v, 2);
  const double per_element = has_bias ? 7 : 6;
  Cost c;
  c.vector_flops = per_element * s.in + 5 * s.rows;
  c.detail = absl::StrCat(FormatCount(per_element), "*numel(X) + 5*rows",
                          has_bias ? " (with B)" : " (no B)", ", numel=",
                          FormatCount(s.in), " rows=", FormatCount(s.rows));
  return c;
}

constexpr char kRmsNormFormula[] =
    "4 per element of X (square, accumulate, multiply by 1/rms, scale) + 4 per "
    "normalized row (mean divide, add eps, sqrt, reciprocal); rows = "
    "prod(dims[:axis]), axis default -1";

absl::StatusOr<Cost> CountRmsNorm(const NodeView& v) {
  OF_ASSIGN_OR_RETURN(RowSplit s, SplitAtAxis(v));
  Cost c;
  c.vector_flops = 4 * s.in + 4 * s.rows;
  c.detail = absl::StrCat("4*numel(X) + 4*rows, numel=", FormatCount(s.in),
                          " rows=", FormatCount(s.rows));
  return c;
}

// ---- MeanVarianceNormalization ----

constexpr char kMvnFormula[] =
    "5 per element of X (mean accumulate, subtract mean, square, variance "
    "accumulate, multiply by 1/std) + 5 per group (mean divide, variance "
    "divide, sqrt, add eps, reciprocal); groups = numel(X) / prod(dims[axes]), "
    "axes default [0, 2, 3]";

absl::StatusOr<Cost> CountMvn(const NodeView& v) {
  OF_ASSIGN_OR_RETURN(Dims x, InputDims(v, 0));
  std::vector<int64_t> axes = AttrInts(v, "axes");
  if (FindAttr(v, "axes") == nullptr) axes = {0, 2, 3};
  OF_ASSIGN_OR_RETURN(const double groups, ElementsOutsideAxes(x, axes));
  const double in = NumElements(x);
  Cost c;
  c.vector_flops = 5 * in + 5 * groups;
  c.detail = absl::StrCat("5*numel(X) + 5*groups, numel=", FormatCount(in),
                          " groups=", FormatCount(groups));
  return c;
}

// ---- LpNormalization ----

constexpr char kLpNormFormula[] =
    "p=2: 3 per element of X (square, accumulate, divide) + 1 sqrt per row; "
    "p=1: 3 per element (abs, accumulate, divide); rows = numel(X)/dims[axis], "
    "axis default -1";

absl::StatusOr<Cost> CountLpNorm(const NodeView& v) {
  OF_ASSIGN_OR_RETURN(Dims x, InputDims(v, 0));
  const int64_t rank = static_cast<int64_t>(x.size());
  if (rank == 0) return absl::InvalidArgumentError("X must have rank >= 1");
  OF_ASSIGN_OR_RETURN(int64_t axis, NormalizeAxis(AttrInt(v, "axis", -1), rank));
  const int64_t p = AttrInt(v, "p", 2);
  if (p != 1 && p != 2) {
    return absl::UnimplementedError(
        absl::StrCat("LpNormalization p=", p, " (the spec allows only 1 or 2)"));
  }
  const double in = NumElements(x);
  double rows = 1;
  for (int64_t i = 0; i < rank; ++i) {
    if (i != axis) rows *= static_cast<double>(x[static_cast<size_t>(i)]);
  }
  Cost c;
  c.vector_flops = 3 * in + (p == 2 ? rows : 0);
  c.detail = p == 2 ? absl::StrCat("p=2: 3*numel(X) + rows, numel=", FormatCount(in),
                                   " rows=", FormatCount(rows))
                    : absl::StrCat("p=1: 3*numel(X), numel=", FormatCount(in));
  return c;
}

// ---- LRN ----

// square_sum[n, c, ...] = sum of X[n, i, ...]^2 for i in
// [max(0, c - floor((size-1)/2)), min(C-1, c + ceil((size-1)/2))].
constexpr char kLrnFormula[] =
    "per element of X at channel c: w squares + (w-1) adds over the window + 4 "
    "(multiply by alpha/size, add bias, pow beta, divide); w = min(C-1, "
    "c+ceil((size-1)/2)) - max(0, c-floor((size-1)/2)) + 1, i.e. size away "
    "from the channel edges; total = N*prod(spatial) * sum_c (2*w_c + 3)";

absl::StatusOr<Cost> CountLrn(const NodeView& v) {
  OF_ASSIGN_OR_RETURN(Dims x, NCInput(v, "LRN"));
  if (FindAttr(v, "size") == nullptr) {
    return absl::FailedPreconditionError("missing attribute 'size'");
  }
  const int64_t size = AttrInt(v, "size", 0);
  if (size <= 0) {
    return absl::InvalidArgumentError(absl::StrCat("LRN size=", size, " must be > 0"));
  }
  const int64_t channels = x[1];
  const int64_t before = (size - 1) / 2;     // floor((size-1)/2)
  const int64_t after = size - 1 - before;   // ceil((size-1)/2)
  double per_position = 0;  // sum over c of (2*w_c - 1) + 4
  for (int64_t ch = 0; ch < channels; ++ch) {
    const int64_t w = std::min(channels - 1, ch + after) - std::max<int64_t>(0, ch - before) + 1;
    per_position += static_cast<double>(2 * w + 3);
  }
  const double positions = static_cast<double>(x[0]) * DimsProduct(x, 2, x.size());
  Cost c;
  c.vector_flops = positions * per_position;
  c.detail = absl::StrCat("N*prod(spatial)*sum_c(2*w_c+3), N*prod(spatial)=",
                          FormatCount(positions), " sum_c=", FormatCount(per_position),
                          " C=", channels, " size=", size);
  return c;
}

// ---- Shape propagation ----

absl::StatusOr<Outputs> ShapeOfLayerNorm(const NodeView& v) {
  const TensorInfo* x = In(v, 0);
  const int32_t stash = static_cast<int32_t>(AttrInt(v, "stash_type", kFloat));
  if (!Ranked(x)) return Outputs{TypeOnly(ElemOf(x)), TypeOnly(stash), TypeOnly(stash)};
  OF_ASSIGN_OR_RETURN(int64_t axis, NormalizeAxis(AttrInt(v, "axis", -1),
                                                  static_cast<int64_t>(x->dims.size())));
  Dims stats = x->dims;
  for (size_t i = static_cast<size_t>(axis); i < stats.size(); ++i) stats[i] = 1;
  return Outputs{Shaped(x->elem_type, x->dims), Shaped(stash, stats), Shaped(stash, stats)};
}

absl::StatusOr<Outputs> ShapeOfBatchNorm(const NodeView& v) {
  const TensorInfo* x = In(v, 0);
  if (!Ranked(x)) return Outputs{TypeOnly(ElemOf(x))};
  Outputs outs{Shaped(x->elem_type, x->dims)};
  const int64_t c = x->dims.size() >= 2 ? x->dims[1] : -1;
  for (int i = 1; i < v.node->output_size(); ++i) outs.push_back(Shaped(x->elem_type, {c}));
  return outs;
}

}  // namespace

void RegisterNormalizationRules(RuleRegistry& r) {
  Register(r, {"", "BatchNormalization", "normalization", kBatchNormFormula, CountBatchNorm,
               ShapeOfBatchNorm, DifferentiableOnly(Slots({0, 1, 2}))});  // not the running stats
  Register(r, {"", "InstanceNormalization", "normalization", kInstanceNormFormula,
               CountInstanceNorm, ShapeOfUnary});
  Register(r, {"", "GroupNormalization", "normalization", kGroupNormFormula, CountGroupNorm,
               ShapeOfUnary});
  Register(r, {"", "LayerNormalization", "normalization", kLayerNormFormula, CountLayerNorm,
               ShapeOfLayerNorm});
  Register(r, {"", "RMSNormalization", "normalization", kRmsNormFormula, CountRmsNorm, ShapeOfUnary});
  Register(r, {"", "MeanVarianceNormalization", "normalization", kMvnFormula, CountMvn,
               ShapeOfUnary});
  Register(r, {"", "LpNormalization", "normalization", kLpNormFormula, CountLpNorm,
               ShapeOfUnary});
  Register(r, {"", "LRN", "normalization", kLrnFormula, CountLrn, ShapeOfUnary});
}

}  // namespace onnx_flops
