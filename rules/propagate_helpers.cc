// Shared helpers of the propagators.
#include <algorithm>
#include <cmath>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "rules/propagate.h"

namespace onnx_flops {
namespace {

// Rounds a value to what the element type can hold (toward zero for
// integers, 0/1 for bool, float precision for float).
double ToElem(int32_t elem_type, double x) {
  switch (elem_type) {
    case onnx::TensorProto::BOOL:
      return x != 0 ? 1 : 0;
    case onnx::TensorProto::FLOAT:
      if (!(std::fabs(x) <= 3.4028234663852886e38)) return x;  // inf, NaN or beyond float
      return static_cast<double>(static_cast<float>(x));
    default:
      return IsIntegral(elem_type) ? static_cast<double>(SaturatingInt(x)) : x;
  }
}

}  // namespace

absl::StatusOr<Outputs> ShapeLikeInput0(const NodeView& v) {
  const TensorInfo* x = In(v, 0);
  Outputs outs(static_cast<size_t>(std::max(v.node->output_size(), 1)));
  outs[0] = Ranked(x) ? Shaped(x->elem_type, x->dims) : TypeOnly(ElemOf(x));
  return outs;
}

const TensorInfo* In(const NodeView& v, int i) {
  if (!HasInput(v, i) || static_cast<size_t>(i) >= v.inputs.size()) return nullptr;
  return v.inputs[static_cast<size_t>(i)];
}

bool Ranked(const TensorInfo* t) { return t != nullptr && t->has_shape; }

bool AllKnown(const Dims& dims) {
  return std::all_of(dims.begin(), dims.end(), [](int64_t d) { return d >= 0; });
}

bool Known(const TensorInfo* t) { return Ranked(t) && AllKnown(t->dims); }

bool Valued(const TensorInfo* t) {
  if (t == nullptr || !t->has_values || t->values.size() != t->int_values.size()) return false;
  if (!Known(t)) return false;
  return NumElements(t->dims) == static_cast<double>(t->values.size());
}

int32_t ElemOf(const TensorInfo* t) { return t == nullptr ? 0 : t->elem_type; }

bool IsIntegral(int32_t e) {
  switch (e) {
    case onnx::TensorProto::BOOL:
    case onnx::TensorProto::INT8:
    case onnx::TensorProto::INT16:
    case onnx::TensorProto::INT32:
    case onnx::TensorProto::INT64:
    case onnx::TensorProto::UINT8:
    case onnx::TensorProto::UINT16:
    case onnx::TensorProto::UINT32:
    case onnx::TensorProto::UINT64:
      return true;
    default:
      return false;
  }
}

TensorInfo TypeOnly(int32_t elem_type) {
  TensorInfo t;
  t.elem_type = elem_type;
  return t;
}

TensorInfo Shaped(int32_t elem_type, Dims dims) {
  TensorInfo t;
  t.elem_type = elem_type;
  t.has_shape = true;
  t.dims = std::move(dims);
  t.dim_names.assign(t.dims.size(), "");
  return t;
}

TensorInfo WithValues(int32_t elem_type, Dims dims, const std::vector<double>& values) {
  TensorInfo t = Shaped(elem_type, std::move(dims));
  if (!AllKnown(t.dims) || NumElements(t.dims) != static_cast<double>(values.size()) ||
      values.size() > kMaxConstantElements) {
    return t;
  }
  t.has_values = true;
  t.values.reserve(values.size());
  t.int_values.reserve(values.size());
  for (double x : values) {
    const double v = ToElem(elem_type, x);
    t.values.push_back(v);
    t.int_values.push_back(SaturatingInt(v));
  }
  return t;
}

TensorInfo WithInts(int32_t elem_type, Dims dims, const std::vector<int64_t>& values) {
  TensorInfo t = Shaped(elem_type, std::move(dims));
  if (!AllKnown(t.dims) || NumElements(t.dims) != static_cast<double>(values.size()) ||
      values.size() > kMaxConstantElements) {
    return t;
  }
  t.has_values = true;
  t.int_values.reserve(values.size());
  t.values.reserve(values.size());
  for (int64_t x : values) {
    const int64_t v = elem_type == onnx::TensorProto::BOOL ? (x != 0 ? 1 : 0) : x;
    t.int_values.push_back(v);
    t.values.push_back(ToElem(elem_type, static_cast<double>(v)));
  }
  return t;
}

TensorInfo Built(int32_t elem_type, Dims dims, const std::vector<double>& values,
                 const std::vector<int64_t>& ints) {
  return IsIntegral(elem_type) ? WithInts(elem_type, std::move(dims), ints)
                               : WithValues(elem_type, std::move(dims), values);
}

TensorInfo Remapped(const TensorInfo& in, int32_t elem_type, Dims dims,
                    const std::vector<int64_t>& index) {
  TensorInfo t = Shaped(elem_type, std::move(dims));
  if (!Valued(&in) || !AllKnown(t.dims) ||
      NumElements(t.dims) != static_cast<double>(index.size()) ||
      index.size() > kMaxConstantElements) {
    return t;
  }
  const int64_t n = static_cast<int64_t>(in.values.size());
  for (int64_t k : index) {
    if (k < 0 || k >= n) return t;
  }
  t.has_values = true;
  for (int64_t k : index) {
    t.values.push_back(in.values[static_cast<size_t>(k)]);
    t.int_values.push_back(in.int_values[static_cast<size_t>(k)]);
  }
  return t;
}

TensorInfo Reshaped(const TensorInfo& in, int32_t elem_type, Dims dims) {
  TensorInfo t = Shaped(elem_type, std::move(dims));
  if (Valued(&in) && AllKnown(t.dims) &&
      NumElements(t.dims) == static_cast<double>(in.values.size())) {
    t.has_values = true;
    t.values = in.values;
    t.int_values = in.int_values;
  }
  return t;
}

TensorInfo SameAs(const TensorInfo* in) {
  if (in == nullptr) return TensorInfo();
  TensorInfo t = *in;
  t.name.clear();
  t.is_initializer = false;
  if (!Valued(in)) {
    t.has_values = false;
    t.values.clear();
    t.int_values.clear();
  }
  return t;
}

bool SmallEnough(const Dims& dims) {
  return AllKnown(dims) && NumElements(dims) <= static_cast<double>(kMaxConstantElements);
}

std::optional<std::vector<int64_t>> IntsOf(const NodeView& v, int i) {
  const TensorInfo* t = In(v, i);
  if (!Valued(t)) return std::nullopt;
  return t->int_values;
}

std::optional<std::vector<int64_t>> BoundedIntsOf(const NodeView& v, int i, bool* bounded) {
  *bounded = false;
  const TensorInfo* t = In(v, i);
  if (Valued(t)) return t->int_values;
  if (t == nullptr || t->hi.empty() || t->hi.size() != t->lo.size()) return std::nullopt;
  const bool low = v.options != nullptr && v.options->data_dependent_low;
  if (!Known(t)) return std::nullopt;
  const size_t size = static_cast<size_t>(NumElements(t->dims));
  const bool uniform = t->hi.size() == 1;  // one bound for every element
  if (!uniform && t->hi.size() != size) return std::nullopt;
  std::vector<int64_t> out;
  for (size_t k = 0; k < size; ++k) {
    const size_t e = uniform ? 0 : k;
    const double x = low ? std::ceil(t->lo[e]) : std::floor(t->hi[e]);
    if (!std::isfinite(x)) return std::nullopt;
    out.push_back(SaturatingInt(x));
  }
  *bounded = true;
  return out;
}

std::optional<std::vector<double>> DoublesOf(const NodeView& v, int i) {
  const TensorInfo* t = In(v, i);
  if (!Valued(t)) return std::nullopt;
  return t->values;
}

std::optional<int64_t> ScalarInt(const NodeView& v, int i) {
  std::optional<std::vector<int64_t>> ints = IntsOf(v, i);
  if (!ints.has_value() || ints->size() != 1) return std::nullopt;
  return (*ints)[0];
}

std::optional<double> ScalarDouble(const NodeView& v, int i) {
  std::optional<std::vector<double>> d = DoublesOf(v, i);
  if (!d.has_value() || d->size() != 1) return std::nullopt;
  return (*d)[0];
}

bool HasAttr(const NodeView& v, absl::string_view name) { return FindAttr(v, name) != nullptr; }

std::optional<std::vector<int64_t>> AxesOf(const NodeView& v, absl::string_view attr,
                                           int input) {
  if (HasAttr(v, attr)) return AttrInts(v, attr);
  if (input >= 0 && HasInput(v, input)) return IntsOf(v, input);
  return std::vector<int64_t>{};
}

std::vector<int64_t> Strides(const Dims& dims) {
  std::vector<int64_t> s(dims.size(), 1);
  for (size_t i = dims.size(); i-- > 1;) s[i - 1] = s[i] * std::max<int64_t>(dims[i], 0);
  return s;
}

std::vector<int64_t> BroadcastIndex(const Dims& out, const Dims& in) {
  const size_t n = static_cast<size_t>(std::max(NumElements(out), 0.0));
  std::vector<int64_t> index(n, 0);
  const std::vector<int64_t> in_strides = Strides(in);
  const size_t offset = out.size() - in.size();
  for (size_t k = 0; k < n; ++k) {
    int64_t rem = static_cast<int64_t>(k), src = 0;
    for (size_t a = out.size(); a-- > 0;) {
      const int64_t coord = rem % out[a];
      rem /= out[a];
      if (a >= offset && in[a - offset] != 1) src += coord * in_strides[a - offset];
    }
    index[k] = src;
  }
  return index;
}

int64_t Product(const Dims& dims, size_t begin, size_t end) {
  int64_t p = 1;
  for (size_t i = begin; i < end && i < dims.size(); ++i) {
    if (dims[i] < 0) return -1;
    if (dims[i] != 0 && p > (int64_t{1} << 62) / dims[i]) return -1;  // absurd: unknown
    p *= dims[i];
  }
  return p;
}

int64_t DimAdd(int64_t a, int64_t b) {
  if (a < 0 || b < 0) return -1;
  int64_t r = 0;
  if (__builtin_add_overflow(a, b, &r) || r > kMaxDim) return -1;
  return r;
}

int64_t DimMul(int64_t a, int64_t b) {
  if (a < 0 || b < 0) return -1;
  int64_t r = 0;
  if (__builtin_mul_overflow(a, b, &r) || r > kMaxDim) return -1;
  return r;
}

int64_t DimDiv(int64_t a, int64_t b) { return a < 0 || b <= 0 ? -1 : a / b; }

int64_t DimFromDouble(double x) {
  if (!(x >= 0 && x <= static_cast<double>(kMaxDim))) return -1;  // NaN too
  return static_cast<int64_t>(x);
}

bool SaneRank(int64_t n) { return n >= 0 && n <= kMaxRank; }

}  // namespace onnx_flops
