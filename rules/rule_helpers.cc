// Shared accessors for rules: the one place that turns "shape not known" into
// a reason string, so no rule can forget to.
#include <algorithm>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <limits>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "rules/rule.h"

namespace onnx_flops {
namespace {

const TensorInfo* Slot(const std::vector<const TensorInfo*>& slots, int i) {
  if (i < 0 || static_cast<size_t>(i) >= slots.size()) return nullptr;
  return slots[static_cast<size_t>(i)];
}

absl::StatusOr<Dims> ResolvedDims(const TensorInfo* t, const char* kind, int i,
                                  const std::string& value_name) {
  if (t == nullptr) {
    if (!value_name.empty()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "shape of ", kind, " ", i, " ('", value_name, "') is unknown"));
    }
    return absl::FailedPreconditionError(absl::StrCat(kind, " ", i, " is absent"));
  }
  if (!t->has_shape) {
    return absl::FailedPreconditionError(
        absl::StrCat("shape of ", kind, " ", i, " ('", t->name, "') is unknown"));
  }
  for (size_t d = 0; d < t->dims.size(); ++d) {
    if (t->dims[d] < 0) {
      // ONNX names the dims it cannot infer "unk__N": those are not the
      // user's to bind, they depend on values known only at run time.
      const bool named = d < t->dim_names.size() && !t->dim_names[d].empty() &&
                         t->dim_names[d].rfind("unk__", 0) != 0;
      std::string name = named ? absl::StrCat("symbolic dim '", t->dim_names[d], "'")
                               : std::string("a dim unknown before run time");
      return absl::FailedPreconditionError(
          absl::StrCat("shape of ", kind, " ", i, " ('", t->name, "') has ", name,
                       " at axis ", d));
    }
    // An initializer or a declaration can hold any int64; past 2^40 the
    // formulas downstream would overflow.
    if (t->dims[d] > kMaxDim) {
      return absl::InvalidArgumentError(absl::StrCat(
          "shape of ", kind, " ", i, " ('", t->name, "') has dim ", t->dims[d], " at axis ", d,
          ", beyond 2^40"));
    }
  }
  return t->dims;
}

}  // namespace

bool HasInput(const NodeView& v, int i) {
  if (v.node == nullptr || i < 0 || i >= v.node->input_size()) return false;
  return !v.node->input(i).empty();
}

absl::StatusOr<Dims> InputDims(const NodeView& v, int i) {
  if (!HasInput(v, i)) {
    return absl::FailedPreconditionError(absl::StrCat("input ", i, " is absent"));
  }
  return ResolvedDims(Slot(v.inputs, i), "input", i, v.node->input(i));
}

absl::StatusOr<Dims> OutputDims(const NodeView& v, int i) {
  const bool named = v.node != nullptr && i >= 0 && i < v.node->output_size();
  return ResolvedDims(Slot(v.outputs, i), "output", i, named ? v.node->output(i) : "");
}

absl::StatusOr<std::vector<double>> InputValues(const NodeView& v, int i) {
  if (!HasInput(v, i)) {
    return absl::FailedPreconditionError(absl::StrCat("input ", i, " is absent"));
  }
  const TensorInfo* t = Slot(v.inputs, i);
  if (t == nullptr) {
    return absl::FailedPreconditionError(absl::StrCat(
        "value of input ", i, " ('", v.node->input(i), "') is not a known constant"));
  }
  if (!t->has_values) {
    return absl::FailedPreconditionError(absl::StrCat(
        "value of input ", i, " ('", t->name, "') is not a known constant"));
  }
  return t->values;
}

absl::StatusOr<std::vector<int64_t>> InputInts(const NodeView& v, int i) {
  OF_ASSIGN_OR_RETURN(std::vector<double> values, InputValues(v, i));
  (void)values;
  return Slot(v.inputs, i)->int_values;
}

const onnx::AttributeProto* FindAttr(const NodeView& v, absl::string_view name) {
  if (v.node == nullptr) return nullptr;
  for (const auto& a : v.node->attribute()) {
    if (a.name() == name) return &a;
  }
  return nullptr;
}

int64_t AttrInt(const NodeView& v, absl::string_view name, int64_t fallback) {
  const onnx::AttributeProto* a = FindAttr(v, name);
  return a != nullptr && a->has_i() ? a->i() : fallback;
}

float AttrFloat(const NodeView& v, absl::string_view name, float fallback) {
  const onnx::AttributeProto* a = FindAttr(v, name);
  return a != nullptr && a->has_f() ? a->f() : fallback;
}

std::string AttrString(const NodeView& v, absl::string_view name,
                       absl::string_view fallback) {
  const onnx::AttributeProto* a = FindAttr(v, name);
  return a != nullptr && a->has_s() ? a->s() : std::string(fallback);
}

std::vector<int64_t> AttrInts(const NodeView& v, absl::string_view name) {
  const onnx::AttributeProto* a = FindAttr(v, name);
  if (a == nullptr) return {};
  return std::vector<int64_t>(a->ints().begin(), a->ints().end());
}

absl::StatusOr<std::vector<int64_t>> RequiredAttrInts(const NodeView& v,
                                                      absl::string_view name) {
  if (FindAttr(v, name) == nullptr) {
    return absl::FailedPreconditionError(
        absl::StrCat("missing attribute '", name, "'"));
  }
  return AttrInts(v, name);
}

absl::Status CheckAttrRange(absl::string_view name, const std::vector<int64_t>& values,
                            int64_t lo, int64_t hi) {
  for (int64_t x : values) {
    if (x < lo || x > hi) {
      return absl::InvalidArgumentError(absl::StrCat(
          "attribute ", name, "=[", absl::StrJoin(values, ","), "] holds ", x,
          ", outside [", lo, ", ", hi, "]"));
    }
  }
  return absl::OkStatus();
}

double NumElements(const Dims& dims) {
  double n = 1;
  for (int64_t d : dims) n *= static_cast<double>(d);
  return n;
}

std::string DimsToString(const Dims& dims) {
  if (dims.empty()) return "scalar";
  return absl::StrJoin(dims, "x");
}

absl::StatusOr<Dims> BroadcastAll(const std::vector<const Dims*>& shapes) {
  size_t rank = 0;
  for (const Dims* s : shapes) rank = std::max(rank, s->size());
  Dims out(rank, 1);
  for (size_t i = 0; i < rank; ++i) {
    // 1: every operand so far is 1 (or missing); -1: unknown; else the value.
    int64_t d = 1;
    bool unknown = false;
    for (const Dims* s : shapes) {
      if (i < rank - s->size()) continue;
      const int64_t x = (*s)[i - (rank - s->size())];
      if (x < 0) {
        unknown = true;
      } else if (x != 1) {
        if (d != 1 && d != x) {
          std::vector<std::string> parts;
          for (const Dims* p : shapes) parts.push_back(DimsToString(*p));
          return absl::InvalidArgumentError(
              absl::StrCat("shapes ", absl::StrJoin(parts, ", "), " do not broadcast"));
        }
        d = x;
      }
    }
    out[i] = d != 1 ? d : unknown ? -1 : 1;
  }
  return out;
}

absl::StatusOr<Dims> BroadcastDims(const Dims& a, const Dims& b) {
  return BroadcastAll({&a, &b});
}

absl::StatusOr<int64_t> NormalizeAxis(int64_t axis, int64_t rank) {
  // A scalar has no axis: accepting 0 there let callers index dims[0] of an
  // empty shape (a Slice of a scalar, found by the fuzzer).
  if (axis < -rank || axis >= rank) {
    return absl::InvalidArgumentError(
        absl::StrCat("axis ", axis, " is out of range for rank ", rank));
  }
  return axis < 0 ? axis + rank : axis;
}

absl::StatusOr<std::vector<bool>> AxisMask(const std::vector<int64_t>& axes, int64_t rank) {
  std::vector<bool> mask(static_cast<size_t>(std::max<int64_t>(rank, 0)), false);
  for (int64_t a : axes) {
    OF_ASSIGN_OR_RETURN(const int64_t axis, NormalizeAxis(a, rank));
    mask[static_cast<size_t>(axis)] = true;
  }
  return mask;
}

absl::StatusOr<double> ElementsOutsideAxes(const Dims& x, const std::vector<int64_t>& axes) {
  OF_ASSIGN_OR_RETURN(const std::vector<bool> reduced,
                      AxisMask(axes, static_cast<int64_t>(x.size())));
  double kept = 1;
  for (size_t i = 0; i < x.size(); ++i) {
    if (!reduced[i]) kept *= static_cast<double>(x[i]);
  }
  return kept;
}

int64_t SaturatingInt(double x) {
  if (std::isnan(x)) return 0;
  if (x >= 9223372036854775807.0) return std::numeric_limits<int64_t>::max();
  if (x <= -9223372036854775808.0) return std::numeric_limits<int64_t>::min();
  return static_cast<int64_t>(x);
}


}  // namespace onnx_flops
