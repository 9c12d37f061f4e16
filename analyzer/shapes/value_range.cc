#include "analyzer/shapes/value_range.h"

#include <algorithm>
#include <cmath>
#include <deque>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "rules/propagate.h"

namespace onnx_flops {
namespace {

enum class Kind { kNone, kSelect, kIncreasing, kSub, kNeg, kCorners };

Kind KindOf(const onnx::NodeProto& node, bool* all_inputs) {
  static const auto* const kinds = new absl::flat_hash_map<std::string, Kind>{
      // Select elements of input 0 (Concat: of every input).
      {"Identity", Kind::kSelect}, {"Reshape", Kind::kSelect}, {"Squeeze", Kind::kSelect},
      {"Unsqueeze", Kind::kSelect}, {"Flatten", Kind::kSelect}, {"Transpose", Kind::kSelect},
      {"Gather", Kind::kSelect}, {"GatherElements", Kind::kSelect}, {"GatherND", Kind::kSelect},
      {"Slice", Kind::kSelect}, {"Expand", Kind::kSelect}, {"Tile", Kind::kSelect},
      {"Split", Kind::kSelect}, {"Concat", Kind::kSelect}, {"ReduceMax", Kind::kSelect},
      {"ReduceMin", Kind::kSelect},  // increasing in each element, and within their range
      // Increasing in every input.
      {"Add", Kind::kIncreasing}, {"Sum", Kind::kIncreasing}, {"Max", Kind::kIncreasing},
      {"Min", Kind::kIncreasing}, {"Mean", Kind::kIncreasing}, {"Clip", Kind::kIncreasing},
      {"Cast", Kind::kIncreasing}, {"Floor", Kind::kIncreasing}, {"Ceil", Kind::kIncreasing},
      {"Round", Kind::kIncreasing}, {"Relu", Kind::kIncreasing}, {"Exp", Kind::kIncreasing},
      {"Sqrt", Kind::kIncreasing}, {"Sigmoid", Kind::kIncreasing},
      {"Sub", Kind::kSub}, {"Neg", Kind::kNeg}, {"Mul", Kind::kCorners}, {"Div", Kind::kCorners},
  };
  if (!CanonicalDomain(node.domain()).empty()) return Kind::kNone;
  auto it = kinds->find(node.op_type());
  if (it == kinds->end()) return Kind::kNone;
  *all_inputs = it->second != Kind::kSelect || node.op_type() == "Concat";
  return it->second;
}

// |x| at or past this came from an infinite bound through an integer type.
constexpr double kSaturated = 4.6e18;  // 2^62

bool Small(const TensorInfo& t) {
  if (!t.has_shape) return false;
  for (int64_t d : t.dims) {
    if (d < 0) return false;
  }
  return SmallEnough(t.dims);
}

bool Bounded(const TensorInfo* t) {
  return t != nullptr && !t->has_values && !t->hi.empty() && t->hi.size() == t->lo.size();
}

// One bound for every element: [min, max] of the values, of the per-element
// bounds, or unbounded.
struct Interval {
  double lo = -HUGE_VAL, hi = HUGE_VAL;
};
Interval GlobalOf(const TensorInfo* t) {
  Interval r;
  if (t == nullptr) return r;
  const std::vector<double>* lo = nullptr;
  const std::vector<double>* hi = nullptr;
  if (t->has_values && !t->values.empty()) {
    lo = hi = &t->values;
  } else if (Bounded(t)) {
    lo = &t->lo;
    hi = &t->hi;
  } else {
    return r;
  }
  r.lo = *std::min_element(lo->begin(), lo->end());
  r.hi = *std::max_element(hi->begin(), hi->end());
  return r;
}

// Per-element bounds of a small operand (uniform ones repeated).
bool PerElement(const TensorInfo* t, std::vector<double>* lo, std::vector<double>* hi) {
  if (t == nullptr || !Small(*t)) return false;
  const size_t size = static_cast<size_t>(NumElements(t->dims));
  if (t->has_values) {
    *lo = *hi = t->values;
    return t->values.size() == size;
  }
  if (!Bounded(t)) return false;
  if (t->hi.size() == size) {
    *lo = t->lo;
    *hi = t->hi;
  } else if (t->hi.size() == 1) {
    lo->assign(size, t->lo[0]);
    hi->assign(size, t->hi[0]);
  } else {
    return false;
  }
  return true;
}

// A tensor holding `values` in place of `t`'s (integral types rounded
// inward: their true values are whole numbers).
TensorInfo WithBound(const TensorInfo& t, Dims dims, std::vector<double> values, bool upper) {
  TensorInfo out = t;
  out.has_shape = true;
  out.dims = std::move(dims);
  out.dim_names.assign(out.dims.size(), "");
  out.has_values = true;
  out.values = std::move(values);
  out.int_values.clear();
  const bool integral = IsIntegral(t.elem_type);
  for (double& x : out.values) {
    if (integral) x = upper ? std::floor(x) : std::ceil(x);
    out.int_values.push_back(SaturatingInt(x));
  }
  out.lo.clear();
  out.hi.clear();
  return out;
}

// Which bound of each operand each variant reads (true: upper).
std::vector<std::vector<bool>> Variants(Kind kind, size_t n) {
  switch (kind) {
    case Kind::kSelect:
    case Kind::kIncreasing:
      return {std::vector<bool>(n, false), std::vector<bool>(n, true)};
    case Kind::kSub:
      return {{false, true}, {true, false}};
    case Kind::kNeg:
      return {{true}, {false}};
    case Kind::kCorners:
      return {{false, false}, {false, true}, {true, false}, {true, true}};
    case Kind::kNone:
      break;
  }
  return {};
}

}  // namespace

void AddValueBounds(const Rule& rule, const NodeView& view, std::vector<TensorInfo>* outs) {
  if (rule.propagate == nullptr || view.node == nullptr) return;
  bool all_inputs = false;
  const Kind kind = KindOf(*view.node, &all_inputs);
  if (kind == Kind::kNone) return;
  bool wanted = false;
  for (const TensorInfo& t : *outs) wanted = wanted || (t.has_shape && !t.has_values);
  if (!wanted) return;
  const size_t n = view.inputs.size();
  const size_t operands = all_inputs ? n : std::min<size_t>(1, n);
  // Per element, when every operand is small and known or bounded.
  bool per_element = true, any_bounded = false;
  std::vector<std::vector<double>> lo(n), hi(n);
  for (size_t i = 0; i < operands; ++i) {
    if (view.node->input(static_cast<int>(i)).empty()) continue;
    any_bounded = any_bounded || Bounded(view.inputs[i]);
    per_element = per_element && PerElement(view.inputs[i], &lo[i], &hi[i]);
  }
  const std::vector<std::vector<bool>> variants = Variants(kind, n);
  if (view.node->op_type() == "Div" && n > 1) {
    const Interval d = GlobalOf(view.inputs[1]);
    if (d.lo <= 0 && d.hi >= 0) return;  // the divisor may be 0
  }
  if (per_element && any_bounded) {
    std::vector<std::vector<TensorInfo>> results;
    bool left = false;
    for (const std::vector<bool>& upper : variants) {
      std::deque<TensorInfo> substitutes;  // stable addresses
      NodeView v = view;
      for (size_t i = 0; i < operands && i < upper.size(); ++i) {
        if (!Bounded(view.inputs[i])) continue;
        substitutes.push_back(WithBound(*view.inputs[i], view.inputs[i]->dims,
                                        upper[i] ? hi[i] : lo[i], upper[i]));
        v.inputs[i] = &substitutes.back();
      }
      absl::StatusOr<std::vector<TensorInfo>> r = rule.propagate(v);
      if (!r.ok()) return;
      results.push_back(*std::move(r));
    }
    for (size_t k = 0; k < outs->size(); ++k) {
      TensorInfo& out = (*outs)[k];
      if (!Small(out) || out.has_values) continue;
      const size_t size = static_cast<size_t>(NumElements(out.dims));
      std::vector<double> olo(size, HUGE_VAL), ohi(size, -HUGE_VAL);
      bool complete = true;
      for (const std::vector<TensorInfo>& r : results) {
        complete = complete && k < r.size() && r[k].has_values && r[k].values.size() == size;
        for (size_t e = 0; complete && e < size; ++e) {
          if (std::isnan(r[k].values[e])) complete = false;
          if (std::fabs(r[k].values[e]) >= kSaturated) {
            olo[e] = -HUGE_VAL;
            ohi[e] = HUGE_VAL;
            continue;
          }
          olo[e] = std::min(olo[e], r[k].values[e]);
          ohi[e] = std::max(ohi[e], r[k].values[e]);
        }
      }
      if (!complete) {
        left = true;  // e.g. a Gather by unknown indices: bounded as a whole below
        continue;
      }
      out.lo = std::move(olo);
      out.hi = std::move(ohi);
    }
    if (!left) return;
  }
  // One bound for all elements. Without a bounded operand only the clamping
  // ops bound anything (and every other op would cost propagations for nothing).
  const std::string& op = view.node->op_type();
  if (!any_bounded && op != "Clip" && op != "Min" && op != "Max" && op != "Relu" &&
      op != "Sigmoid") {
    return;
  }
  Interval result{HUGE_VAL, -HUGE_VAL};
  if (kind == Kind::kSelect) {
    // Every output element is an element of a data operand, wherever the
    // (possibly unknown) indices point.
    for (size_t i = 0; i < operands; ++i) {
      const Interval g = GlobalOf(view.inputs[i]);
      result.lo = std::min(result.lo, g.lo);
      result.hi = std::max(result.hi, g.hi);
    }
  } else {
    // The op on scalars at the operands' bounds: unknown operands are
    // unbounded, which ops such as Clip, Min or Sigmoid still bound.
    for (const std::vector<bool>& upper : variants) {
      std::deque<TensorInfo> substitutes;
      NodeView v = view;
      for (size_t i = 0; i < operands && i < upper.size(); ++i) {
        if (view.node->input(static_cast<int>(i)).empty()) continue;
        const TensorInfo* t = view.inputs[i];
        const Interval g = GlobalOf(t);
        TensorInfo base = t != nullptr ? *t : TensorInfo();
        if (base.elem_type == 0) base.elem_type = onnx::TensorProto::FLOAT;
        substitutes.push_back(WithBound(base, {}, {upper[i] ? g.hi : g.lo}, upper[i]));
        v.inputs[i] = &substitutes.back();
      }
      absl::StatusOr<std::vector<TensorInfo>> r = rule.propagate(v);
      if (!r.ok() || r->empty() || !(*r)[0].has_values || (*r)[0].values.size() != 1) return;
      double x = (*r)[0].values[0];
      if (std::isnan(x)) return;
      // An integer cast of an unbounded operand saturates: still unbounded.
      if (std::fabs(x) >= kSaturated) x = x > 0 ? HUGE_VAL : -HUGE_VAL;
      result.lo = std::min(result.lo, x);
      result.hi = std::max(result.hi, x);
    }
  }
  if (!(std::isfinite(result.lo) || std::isfinite(result.hi)) || result.lo > result.hi) return;
  for (TensorInfo& out : *outs) {
    if (!out.has_shape || out.has_values || !out.hi.empty()) continue;
    out.lo = {result.lo};
    out.hi = {result.hi};
  }
}

}  // namespace onnx_flops
