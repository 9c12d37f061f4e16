// Softmax, LogSoftmax and Hardmax.
//
// Rows: from opset 13 the op works along `axis` (default -1), so a row is the
// L = dims[axis] values along it and rows = numel(X)/L. Before opset 13 the
// input is coerced to 2-D at `axis` (default 1): a row is the flattened
// dims[axis:], rows = prod(dims[:axis]). The per-element counts are the same
// under both; only `rows` differs.
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "rules/families.h"
#include "rules/propagate.h"

namespace onnx_flops {
namespace {

struct Rows {
  double in = 0;    // numel(X)
  double rows = 0;  // number of independent rows
};

absl::StatusOr<Rows> SoftmaxRows(const NodeView& v) {
  OF_ASSIGN_OR_RETURN(Dims x, InputDims(v, 0));
  const int64_t rank = static_cast<int64_t>(x.size());
  Rows r;
  r.in = NumElements(x);
  if (v.opset >= 13) {
    if (rank == 0) {
      return absl::InvalidArgumentError("input must have rank >= 1");
    }
    OF_ASSIGN_OR_RETURN(int64_t axis, NormalizeAxis(AttrInt(v, "axis", -1), rank));
    r.rows = 1;
    for (int64_t i = 0; i < rank; ++i) {
      if (i != axis) r.rows *= static_cast<double>(x[static_cast<size_t>(i)]);
    }
  } else {
    OF_ASSIGN_OR_RETURN(int64_t axis, NormalizeAxis(AttrInt(v, "axis", 1), rank));
    r.rows = 1;
    for (int64_t i = 0; i < axis; ++i) r.rows *= static_cast<double>(x[static_cast<size_t>(i)]);
  }
  return r;
}

constexpr char kSoftmaxFormula[] =
    "5 per element of X (max, subtract max, exp, sum, divide by the sum)";

absl::StatusOr<Cost> CountSoftmax(const NodeView& v) {
  OF_ASSIGN_OR_RETURN(Rows r, SoftmaxRows(v));
  Cost c;
  c.vector_flops = 5 * r.in;
  c.detail = absl::StrCat("5*numel(X), numel=", FormatCount(r.in));
  return c;
}

constexpr char kLogSoftmaxFormula[] =
    "5 per element of X (max, subtract max, exp, sum, subtract log-sum) + 1 log "
    "per row; rows = numel(X)/dims[axis] from opset 13, prod(dims[:axis]) before";

absl::StatusOr<Cost> CountLogSoftmax(const NodeView& v) {
  OF_ASSIGN_OR_RETURN(Rows r, SoftmaxRows(v));
  Cost c;
  c.vector_flops = 5 * r.in + r.rows;
  c.detail = absl::StrCat("5*numel(X) + rows, numel=", FormatCount(r.in),
                          " rows=", FormatCount(r.rows));
  return c;
}

constexpr char kHardmaxFormula[] =
    "numel(X) - rows comparisons (an argmax of L-1 comparisons per row; writing "
    "the one-hot output is free); rows = numel(X)/dims[axis] from opset 13, "
    "prod(dims[:axis]) before";

absl::StatusOr<Cost> CountHardmax(const NodeView& v) {
  OF_ASSIGN_OR_RETURN(Rows r, SoftmaxRows(v));
  Cost c;
  c.vector_flops = std::max(r.in - r.rows, 0.0);
  c.detail = absl::StrCat("numel(X) - rows, numel=", FormatCount(r.in),
                          " rows=", FormatCount(r.rows));
  return c;
}

}  // namespace

void RegisterSoftmaxRules(RuleRegistry& r) {
  Register(r, {"", "Softmax", "softmax", kSoftmaxFormula, CountSoftmax, ShapeOfUnary});
  Register(r, {"", "LogSoftmax", "softmax", kLogSoftmaxFormula, CountLogSoftmax, ShapeOfUnary});
  Register(r, {"", "Hardmax", "softmax", kHardmaxFormula, CountHardmax, ShapeOfUnary});
}

}  // namespace onnx_flops
