// Ops that only move, reinterpret, select or generate data: 0 FLOP by
// convention, reported as counted-zero (data_movement = true), never as
// unknown. They need no shapes, so they never fail. The exceptions that do
// arithmetic are counted: ScatterElements/ScatterND with a reduction, and
// Col2Im (overlapping patches are summed).
//
// One table row per op; the formula string printed by --list-rules is
// generated from the row.
//
// Shape propagation: the ops that compute or rearrange shapes (the Shape ->
// Gather -> Unsqueeze -> Concat -> Reshape chains of torch exports) carry
// values (shape tensors) as well as shapes, so a chain resolves in one pass.
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "rules/families.h"
#include "rules/propagate.h"

namespace onnx_flops {
namespace {

// ---- Shape propagation ----

// Coordinates of flat index `k` in `dims` (row-major).
std::vector<int64_t> Coords(int64_t k, const Dims& dims) {
  std::vector<int64_t> c(dims.size(), 0);
  for (size_t a = dims.size(); a-- > 0;) {
    c[a] = k % dims[a];
    k /= dims[a];
  }
  return c;
}

int64_t Flat(const std::vector<int64_t>& coords, const std::vector<int64_t>& strides) {
  int64_t k = 0;
  for (size_t a = 0; a < coords.size(); ++a) k += coords[a] * strides[a];
  return k;
}

// The element count of `dims` when it is known and small enough for values.
int64_t SmallCount(const Dims& dims) {
  return SmallEnough(dims) ? static_cast<int64_t>(NumElements(dims)) : -1;
}

// ---- Shape, Size ----

absl::StatusOr<Outputs> ShapeOfShape(const NodeView& v) {
  const TensorInfo* x = In(v, 0);
  if (!Ranked(x)) return Outputs{Shaped(kInt64, {-1})};
  const int64_t r = static_cast<int64_t>(x->dims.size());
  auto clamp = [r](int64_t a) { return std::clamp<int64_t>(a < 0 ? a + r : a, 0, r); };
  const int64_t start = clamp(AttrInt(v, "start", 0));
  const int64_t end = clamp(AttrInt(v, "end", r));
  std::vector<int64_t> sel;
  for (int64_t i = start; i < end; ++i) sel.push_back(x->dims[static_cast<size_t>(i)]);
  const int64_t n = static_cast<int64_t>(sel.size());
  if (!AllKnown(sel)) return Outputs{Shaped(kInt64, {n})};
  return Outputs{WithInts(kInt64, {n}, sel)};
}

absl::StatusOr<Outputs> ShapeOfSize(const NodeView& v) {
  const TensorInfo* x = In(v, 0);
  const int64_t n = Known(x) ? Product(x->dims, 0, x->dims.size()) : -1;
  if (n < 0) return Outputs{Shaped(kInt64, {})};
  return Outputs{WithInts(kInt64, {}, {n})};
}

// ---- Reshape, Flatten, Squeeze, Unsqueeze ----

absl::StatusOr<Outputs> ShapeOfReshape(const NodeView& v) {
  const TensorInfo* x = In(v, 0);
  const TensorInfo* s = In(v, 1);
  const int32_t elem = ElemOf(x);
  std::optional<std::vector<int64_t>> target = IntsOf(v, 1);
  if (!target.has_value()) {
    if (Known(s) && s->dims.size() == 1 && SaneRank(s->dims[0])) {
      return Outputs{Shaped(elem, Dims(static_cast<size_t>(s->dims[0]), -1))};
    }
    return Outputs{TypeOnly(elem)};
  }
  const bool allow_zero = AttrInt(v, "allowzero", 0) != 0;
  Dims out;
  int infer_axis = -1;
  for (size_t i = 0; i < target->size(); ++i) {
    int64_t d = (*target)[i];
    if (d == 0 && !allow_zero) {
      if (!Ranked(x)) {
        d = -1;
      } else if (i >= x->dims.size()) {
        return absl::InvalidArgumentError("Reshape copies a dim the input does not have");
      } else {
        d = x->dims[i];
      }
    } else if (d == -1) {
      if (infer_axis >= 0) return absl::InvalidArgumentError("Reshape has two -1 dims");
      infer_axis = static_cast<int>(i);
    } else if (d < 0) {
      return absl::InvalidArgumentError(absl::StrCat("Reshape target dim ", d));
    }
    out.push_back(d);
  }
  double known = 1;
  bool others_known = true;
  for (size_t i = 0; i < out.size(); ++i) {
    if (static_cast<int>(i) == infer_axis) continue;
    if (out[i] < 0) {
      others_known = false;
    } else {
      known *= static_cast<double>(out[i]);
    }
  }
  if (Known(x) && others_known) {
    const double total = NumElements(x->dims);
    if (infer_axis >= 0) {
      if (known == 0) {
        if (total != 0) return absl::InvalidArgumentError("Reshape cannot infer -1 next to a 0 dim");
      } else {
        const double rest = total / known;
        if (rest != std::floor(rest) || rest > static_cast<double>(kMaxDim)) {
          return absl::InvalidArgumentError(
              absl::StrCat("Reshape from ", DimsToString(x->dims), " to ",
                           absl::StrJoin(*target, "x"), ": element counts do not divide"));
        }
        out[static_cast<size_t>(infer_axis)] = static_cast<int64_t>(rest);
      }
    } else if (known != total) {
      return absl::InvalidArgumentError(absl::StrCat("Reshape from ", DimsToString(x->dims),
                                                     " to ", DimsToString(out),
                                                     " changes the element count"));
    }
  }
  if (x == nullptr) return Outputs{Shaped(elem, out)};
  return Outputs{Reshaped(*x, elem, out)};
}

absl::StatusOr<Outputs> ShapeOfFlatten(const NodeView& v) {
  const TensorInfo* x = In(v, 0);
  if (!Ranked(x)) return Outputs{Shaped(ElemOf(x), {-1, -1})};
  const int64_t r = static_cast<int64_t>(x->dims.size());
  int64_t axis = AttrInt(v, "axis", 1);
  if (axis < -r || axis > r) {
    return absl::InvalidArgumentError(absl::StrCat("Flatten axis ", axis, " for rank ", r));
  }
  if (axis < 0) axis += r;
  const size_t a = static_cast<size_t>(axis);
  return Outputs{Reshaped(*x, x->elem_type,
                          {Product(x->dims, 0, a), Product(x->dims, a, x->dims.size())})};
}

absl::StatusOr<Outputs> ShapeOfSqueeze(const NodeView& v) {
  const TensorInfo* x = In(v, 0);
  std::optional<std::vector<int64_t>> axes = AxesOf(v, "axes", 1);
  if (!Ranked(x) || !axes.has_value()) return Outputs{TypeOnly(ElemOf(x))};
  const int64_t r = static_cast<int64_t>(x->dims.size());
  std::vector<bool> drop(x->dims.size(), false);
  if (axes->empty()) {
    for (size_t i = 0; i < x->dims.size(); ++i) {
      if (x->dims[i] < 0) return Outputs{TypeOnly(x->elem_type)};  // rank depends on it
      drop[i] = x->dims[i] == 1;
    }
  } else {
    for (int64_t a : *axes) {
      OF_ASSIGN_OR_RETURN(int64_t n, NormalizeAxis(a, r));
      if (x->dims[static_cast<size_t>(n)] > 1) {
        return absl::InvalidArgumentError(absl::StrCat(
            "Squeeze axis ", a, " of ", DimsToString(x->dims), " is not 1"));
      }
      drop[static_cast<size_t>(n)] = true;
    }
  }
  Dims out;
  for (size_t i = 0; i < x->dims.size(); ++i) {
    if (!drop[i]) out.push_back(x->dims[i]);
  }
  return Outputs{Reshaped(*x, x->elem_type, out)};
}

absl::StatusOr<Outputs> ShapeOfUnsqueeze(const NodeView& v) {
  const TensorInfo* x = In(v, 0);
  std::optional<std::vector<int64_t>> axes = AxesOf(v, "axes", 1);
  if (!Ranked(x)) return Outputs{TypeOnly(ElemOf(x))};
  const int64_t r = static_cast<int64_t>(x->dims.size());
  if (!axes.has_value() || !SaneRank(r + static_cast<int64_t>(axes->size()))) {
    const TensorInfo* a = In(v, 1);
    if (Known(a) && a->dims.size() <= 1 && SaneRank(r + Product(a->dims, 0, 1))) {
      return Outputs{Shaped(x->elem_type, Dims(static_cast<size_t>(r + Product(a->dims, 0, 1)), -1))};
    }
    return Outputs{TypeOnly(x->elem_type)};
  }
  const int64_t out_rank = r + static_cast<int64_t>(axes->size());
  std::vector<bool> inserted(static_cast<size_t>(out_rank), false);
  for (int64_t a : *axes) {
    OF_ASSIGN_OR_RETURN(int64_t n, NormalizeAxis(a, out_rank));
    if (inserted[static_cast<size_t>(n)]) {
      return absl::InvalidArgumentError(absl::StrCat("Unsqueeze axis ", a, " repeated"));
    }
    inserted[static_cast<size_t>(n)] = true;
  }
  Dims out;
  size_t next = 0;
  for (int64_t i = 0; i < out_rank; ++i) {
    out.push_back(inserted[static_cast<size_t>(i)] ? 1 : x->dims[next++]);
  }
  return Outputs{Reshaped(*x, x->elem_type, out)};
}

// ---- Concat, Split, Slice ----

absl::StatusOr<Outputs> ShapeOfConcat(const NodeView& v) {
  const int n = v.node->input_size();
  int32_t elem = 0;
  const TensorInfo* ranked = nullptr;
  for (int i = 0; i < n; ++i) {
    const TensorInfo* t = In(v, i);
    if (elem == 0) elem = ElemOf(t);
    if (ranked == nullptr && Ranked(t)) ranked = t;
  }
  if (ranked == nullptr) return Outputs{TypeOnly(elem)};
  const int64_t r = static_cast<int64_t>(ranked->dims.size());
  OF_ASSIGN_OR_RETURN(int64_t axis, NormalizeAxis(AttrInt(v, "axis", 0), r));
  const size_t ax = static_cast<size_t>(axis);
  Dims out(static_cast<size_t>(r), -1);
  int64_t sum = 0;
  bool all_valued = true;
  for (int i = 0; i < n; ++i) {
    const TensorInfo* t = In(v, i);
    all_valued = all_valued && Valued(t);
    if (!Ranked(t)) {
      sum = -1;
      continue;
    }
    if (static_cast<int64_t>(t->dims.size()) != r) {
      return absl::InvalidArgumentError(absl::StrCat("Concat of ranks ", r, " and ",
                                                     t->dims.size()));
    }
    for (size_t d = 0; d < t->dims.size(); ++d) {
      if (d == ax) continue;
      if (t->dims[d] >= 0) {
        if (out[d] >= 0 && out[d] != t->dims[d]) {
          return absl::InvalidArgumentError(absl::StrCat(
              "Concat inputs differ at axis ", d, ": ", out[d], " vs ", t->dims[d]));
        }
        out[d] = t->dims[d];
      }
    }
    if (sum >= 0) sum = t->dims[ax] < 0 ? -1 : sum + t->dims[ax];
  }
  out[ax] = sum;
  if (!all_valued || SmallCount(out) < 0) return Outputs{Shaped(elem, out)};
  const int64_t outer = Product(out, 0, ax), inner = Product(out, ax + 1, out.size());
  std::vector<double> values;
  std::vector<int64_t> ints;
  for (int64_t o = 0; o < outer; ++o) {
    for (int i = 0; i < n; ++i) {
      const TensorInfo* t = In(v, i);
      const int64_t slab = t->dims[ax] * inner;
      for (int64_t k = o * slab; k < (o + 1) * slab; ++k) {
        values.push_back(t->values[static_cast<size_t>(k)]);
        ints.push_back(t->int_values[static_cast<size_t>(k)]);
      }
    }
  }
  return Outputs{Built(elem, out, values, ints)};
}

// Output of slicing `x` with per-axis start/step to `out` dims (values kept
// when small).
TensorInfo SliceOf(const TensorInfo& x, const Dims& out, const std::vector<int64_t>& start,
                   const std::vector<int64_t>& step) {
  const int64_t count = SmallCount(out);
  if (count < 0 || !Valued(&x)) return Shaped(x.elem_type, out);
  const std::vector<int64_t> strides = Strides(x.dims);
  std::vector<int64_t> index;
  index.reserve(static_cast<size_t>(count));
  for (int64_t k = 0; k < count; ++k) {
    std::vector<int64_t> c = Coords(k, out);
    for (size_t a = 0; a < c.size(); ++a) c[a] = start[a] + c[a] * step[a];
    index.push_back(Flat(c, strides));
  }
  return Remapped(x, x.elem_type, out, index);
}

absl::StatusOr<Outputs> ShapeOfSplit(const NodeView& v) {
  const TensorInfo* x = In(v, 0);
  const int n_out = v.node->output_size();
  if (!Ranked(x)) return Outputs(static_cast<size_t>(n_out), TypeOnly(ElemOf(x)));
  const int64_t r = static_cast<int64_t>(x->dims.size());
  OF_ASSIGN_OR_RETURN(int64_t axis, NormalizeAxis(AttrInt(v, "axis", 0), r));
  const size_t ax = static_cast<size_t>(axis);
  const int64_t d = x->dims[ax];
  std::optional<std::vector<int64_t>> sizes;
  if (HasInput(v, 1)) {
    sizes = IntsOf(v, 1);
  } else if (HasAttr(v, "split")) {
    sizes = AttrInts(v, "split");
  } else if (d >= 0) {
    const int64_t parts = AttrInt(v, "num_outputs", n_out);
    if (parts <= 0 || parts > kMaxRank) {
      return absl::InvalidArgumentError(absl::StrCat("Split into ", parts, " parts"));
    }
    if (HasAttr(v, "num_outputs")) {  // opset 18: equal chunks, the last one smaller
      const int64_t chunk = (d + parts - 1) / parts;
      sizes = std::vector<int64_t>();
      for (int64_t i = 0; i < parts; ++i) {
        sizes->push_back(std::max<int64_t>(0, std::min(chunk, d - chunk * i)));
      }
    } else {
      if (d % parts != 0) {
        return absl::InvalidArgumentError(
            absl::StrCat("Split of ", d, " into ", parts, " equal parts"));
      }
      sizes = std::vector<int64_t>(static_cast<size_t>(parts), d / parts);
    }
  }
  Outputs outs;
  std::vector<int64_t> start(x->dims.size(), 0), step(x->dims.size(), 1);
  for (int i = 0; i < n_out; ++i) {
    Dims dims = x->dims;
    if (!sizes.has_value() || i >= static_cast<int>(sizes->size())) {
      dims[ax] = -1;
      outs.push_back(Shaped(x->elem_type, dims));
      continue;
    }
    dims[ax] = (*sizes)[static_cast<size_t>(i)];
    // Bounded so the running start (a sum of sizes) cannot overflow int64.
    if (dims[ax] < 0 || dims[ax] > kMaxDim) {
      return absl::InvalidArgumentError(absl::StrCat("Split size ", dims[ax]));
    }
    outs.push_back(SliceOf(*x, dims, start, step));
    start[ax] += dims[ax];
  }
  if (sizes.has_value() && d >= 0 && start[ax] != d &&
      static_cast<int>(sizes->size()) == n_out) {
    return absl::InvalidArgumentError(
        absl::StrCat("Split sizes ", absl::StrJoin(*sizes, ","), " do not add up to ", d));
  }
  return outs;
}

absl::StatusOr<Outputs> ShapeOfSlice(const NodeView& v) {
  const TensorInfo* x = In(v, 0);
  if (!Ranked(x)) return Outputs{TypeOnly(ElemOf(x))};
  const int64_t r = static_cast<int64_t>(x->dims.size());
  std::optional<std::vector<int64_t>> starts, ends, axes, steps;
  if (v.node->input_size() <= 1) {  // opset < 10: attributes
    starts = AttrInts(v, "starts");
    ends = AttrInts(v, "ends");
    axes = HasAttr(v, "axes") ? std::optional(AttrInts(v, "axes")) : std::nullopt;
  } else {
    starts = IntsOf(v, 1);
    ends = IntsOf(v, 2);
    if (HasInput(v, 3)) {
      axes = IntsOf(v, 3);
      if (!axes.has_value()) return Outputs{Shaped(x->elem_type, Dims(x->dims.size(), -1))};
    }
    if (HasInput(v, 4)) {
      steps = IntsOf(v, 4);
      if (!steps.has_value()) return Outputs{Shaped(x->elem_type, Dims(x->dims.size(), -1))};
    }
  }
  if (!starts.has_value() || !ends.has_value()) {
    Dims out = x->dims;  // only the sliced axes change
    if (axes.has_value()) {
      for (int64_t a : *axes) {
        OF_ASSIGN_OR_RETURN(int64_t n, NormalizeAxis(a, r));
        out[static_cast<size_t>(n)] = -1;
      }
    } else {
      const TensorInfo* s = In(v, 1);
      const int64_t k = Known(s) && s->dims.size() == 1 ? s->dims[0] : r;
      for (int64_t i = 0; i < std::min(k, r); ++i) out[static_cast<size_t>(i)] = -1;
    }
    return Outputs{Shaped(x->elem_type, out)};
  }
  const size_t k = starts->size();
  if (ends->size() != k) return absl::InvalidArgumentError("Slice starts and ends differ in length");
  if (!axes.has_value()) {
    axes = std::vector<int64_t>();
    for (size_t i = 0; i < k; ++i) axes->push_back(static_cast<int64_t>(i));
  }
  if (!steps.has_value()) steps = std::vector<int64_t>(k, 1);
  if (axes->size() != k || steps->size() != k) {
    return absl::InvalidArgumentError("Slice starts, axes and steps differ in length");
  }
  Dims out = x->dims;
  std::vector<int64_t> first(x->dims.size(), 0), step(x->dims.size(), 1);
  std::vector<bool> seen(x->dims.size(), false);
  for (size_t i = 0; i < k; ++i) {
    OF_ASSIGN_OR_RETURN(int64_t a, NormalizeAxis((*axes)[i], r));
    const size_t ax = static_cast<size_t>(a);
    if (seen[ax]) return absl::InvalidArgumentError("Slice axis repeated");
    seen[ax] = true;
    const int64_t s = (*steps)[i];
    if (s == 0 || s == std::numeric_limits<int64_t>::min()) {
      return absl::InvalidArgumentError(absl::StrCat("Slice step ", s));
    }
    const int64_t d = x->dims[ax];
    if (d < 0) {
      out[ax] = -1;
      continue;
    }
    int64_t b = (*starts)[i], e = (*ends)[i];
    if (b < 0) b += d;
    if (e < 0) e += d;
    int64_t count;
    if (s > 0) {
      b = std::clamp<int64_t>(b, 0, d);
      e = std::clamp<int64_t>(e, 0, d);
      count = e > b ? (e - b - 1) / s + 1 : 0;
    } else {
      b = std::clamp<int64_t>(b, 0, d - 1);
      e = std::clamp<int64_t>(e, -1, d - 1);
      count = b > e ? (b - e - 1) / (-s) + 1 : 0;
    }
    out[ax] = count;
    first[ax] = b;
    step[ax] = s;
  }
  if (!AllKnown(out)) return Outputs{Shaped(x->elem_type, out)};
  return Outputs{SliceOf(*x, out, first, step)};
}

// ---- Gather family ----

absl::StatusOr<Outputs> ShapeOfGather(const NodeView& v) {
  const TensorInfo* data = In(v, 0);
  const TensorInfo* idx = In(v, 1);
  if (!Ranked(data) || !Ranked(idx)) return Outputs{TypeOnly(ElemOf(data))};
  const int64_t r = static_cast<int64_t>(data->dims.size());
  if (r == 0) return absl::InvalidArgumentError("Gather from a scalar");
  OF_ASSIGN_OR_RETURN(int64_t axis, NormalizeAxis(AttrInt(v, "axis", 0), r));
  const size_t ax = static_cast<size_t>(axis);
  Dims out(data->dims.begin(), data->dims.begin() + static_cast<int64_t>(ax));
  out.insert(out.end(), idx->dims.begin(), idx->dims.end());
  out.insert(out.end(), data->dims.begin() + static_cast<int64_t>(ax) + 1, data->dims.end());
  const int64_t count = SmallCount(out);
  if (count < 0 || !Valued(data) || !Valued(idx)) return Outputs{Shaped(data->elem_type, out)};
  const int64_t d = data->dims[ax];
  const int64_t inner = Product(data->dims, ax + 1, data->dims.size());
  const int64_t n_idx = static_cast<int64_t>(idx->int_values.size());
  std::vector<int64_t> index;
  for (int64_t k = 0; k < count; ++k) {
    const int64_t i = k % inner, j = (k / inner) % n_idx, o = k / inner / n_idx;
    int64_t at = idx->int_values[static_cast<size_t>(j)];
    if (at < 0) at += d;
    if (at < 0 || at >= d) return absl::InvalidArgumentError(absl::StrCat("Gather index ", at, " out of range"));
    index.push_back((o * d + at) * inner + i);
  }
  return Outputs{Remapped(*data, data->elem_type, out, index)};
}

absl::StatusOr<Outputs> ShapeOfGatherElements(const NodeView& v) {
  const TensorInfo* data = In(v, 0);
  const TensorInfo* idx = In(v, 1);
  if (!Ranked(idx)) return Outputs{TypeOnly(ElemOf(data))};
  const Dims out = idx->dims;
  if (!Ranked(data) || data->dims.size() != out.size()) {
    return Outputs{Shaped(ElemOf(data), out)};
  }
  const int64_t count = SmallCount(out);
  if (count < 0 || !Valued(data) || !Valued(idx)) return Outputs{Shaped(data->elem_type, out)};
  OF_ASSIGN_OR_RETURN(int64_t axis,
                      NormalizeAxis(AttrInt(v, "axis", 0), static_cast<int64_t>(out.size())));
  const std::vector<int64_t> strides = Strides(data->dims);
  std::vector<int64_t> index;
  for (int64_t k = 0; k < count; ++k) {
    std::vector<int64_t> c = Coords(k, out);
    int64_t at = idx->int_values[static_cast<size_t>(k)];
    const int64_t d = data->dims[static_cast<size_t>(axis)];
    if (at < 0) at += d;
    if (at < 0 || at >= d) return absl::InvalidArgumentError("GatherElements index out of range");
    c[static_cast<size_t>(axis)] = at;
    index.push_back(Flat(c, strides));
  }
  return Outputs{Remapped(*data, data->elem_type, out, index)};
}

absl::StatusOr<Outputs> ShapeOfGatherNd(const NodeView& v) {
  const TensorInfo* data = In(v, 0);
  const TensorInfo* idx = In(v, 1);
  if (!Ranked(data) || !Ranked(idx) || idx->dims.empty() || idx->dims.back() < 0) {
    return Outputs{TypeOnly(ElemOf(data))};
  }
  const size_t b = static_cast<size_t>(std::max<int64_t>(AttrInt(v, "batch_dims", 0), 0));
  const size_t k = static_cast<size_t>(idx->dims.back());
  if (b + k > data->dims.size()) return absl::InvalidArgumentError("GatherND indexes past the rank");
  Dims out(idx->dims.begin(), idx->dims.end() - 1);
  out.insert(out.end(), data->dims.begin() + static_cast<int64_t>(b + k), data->dims.end());
  return Outputs{Shaped(data->elem_type, out)};
}

// ---- Transpose, Expand, Tile, Pad ----

absl::StatusOr<Outputs> ShapeOfTranspose(const NodeView& v) {
  const TensorInfo* x = In(v, 0);
  if (!Ranked(x)) return Outputs{TypeOnly(ElemOf(x))};
  const size_t r = x->dims.size();
  std::vector<int64_t> perm = AttrInts(v, "perm");
  if (perm.empty()) {
    for (size_t i = r; i-- > 0;) perm.push_back(static_cast<int64_t>(i));
  }
  if (perm.size() != r) return absl::InvalidArgumentError("Transpose perm does not match the rank");
  Dims out(r);
  std::vector<bool> used(r, false);
  for (size_t i = 0; i < r; ++i) {
    OF_ASSIGN_OR_RETURN(int64_t p, NormalizeAxis(perm[i], static_cast<int64_t>(r)));
    if (used[static_cast<size_t>(p)]) return absl::InvalidArgumentError("Transpose perm repeats an axis");
    used[static_cast<size_t>(p)] = true;
    perm[i] = p;
    out[i] = x->dims[static_cast<size_t>(p)];
  }
  const int64_t count = SmallCount(out);
  if (count < 0 || !Valued(x)) return Outputs{Shaped(x->elem_type, out)};
  const std::vector<int64_t> strides = Strides(x->dims);
  std::vector<int64_t> index;
  for (int64_t k = 0; k < count; ++k) {
    const std::vector<int64_t> c = Coords(k, out);
    int64_t src = 0;
    for (size_t i = 0; i < r; ++i) src += c[i] * strides[static_cast<size_t>(perm[i])];
    index.push_back(src);
  }
  return Outputs{Remapped(*x, x->elem_type, out, index)};
}

absl::StatusOr<Outputs> ShapeOfExpand(const NodeView& v) {
  const TensorInfo* x = In(v, 0);
  std::optional<std::vector<int64_t>> shape = IntsOf(v, 1);
  if (!shape.has_value()) {
    const TensorInfo* s = In(v, 1);
    if (Ranked(x) && Known(s) && s->dims.size() == 1 && SaneRank(s->dims[0])) {
      const size_t rank = std::max(x->dims.size(), static_cast<size_t>(s->dims[0]));
      return Outputs{Shaped(x->elem_type, Dims(rank, -1))};
    }
    return Outputs{TypeOnly(ElemOf(x))};
  }
  if (!SaneRank(static_cast<int64_t>(shape->size()))) return Outputs{TypeOnly(ElemOf(x))};
  for (int64_t d : *shape) {
    if (d < 0 || d > kMaxDim) return absl::InvalidArgumentError(absl::StrCat("Expand to dim ", d));
  }
  if (!Ranked(x)) {
    // Where the target says more than 1 the output has that dim.
    Dims out;
    for (int64_t d : *shape) out.push_back(d == 1 ? -1 : d);
    return Outputs{Shaped(ElemOf(x), out)};
  }
  OF_ASSIGN_OR_RETURN(Dims out, BroadcastAll({&x->dims, &*shape}));
  if (SmallCount(out) < 0 || !Valued(x)) return Outputs{Shaped(x->elem_type, out)};
  return Outputs{Remapped(*x, x->elem_type, out, BroadcastIndex(out, x->dims))};
}

absl::StatusOr<Outputs> ShapeOfTile(const NodeView& v) {
  const TensorInfo* x = In(v, 0);
  std::optional<std::vector<int64_t>> reps = IntsOf(v, 1);
  if (!Ranked(x)) return Outputs{TypeOnly(ElemOf(x))};
  if (!reps.has_value()) return Outputs{Shaped(x->elem_type, Dims(x->dims.size(), -1))};
  if (reps->size() != x->dims.size()) return absl::InvalidArgumentError("Tile repeats do not match the rank");
  Dims out(x->dims.size());
  for (size_t i = 0; i < out.size(); ++i) {
    if ((*reps)[i] < 0) return absl::InvalidArgumentError("Tile repeat < 0");
    out[i] = DimMul(x->dims[i], (*reps)[i]);
  }
  const int64_t count = SmallCount(out);
  if (count < 0 || !Valued(x)) return Outputs{Shaped(x->elem_type, out)};
  const std::vector<int64_t> strides = Strides(x->dims);
  std::vector<int64_t> index;
  for (int64_t k = 0; k < count; ++k) {
    std::vector<int64_t> c = Coords(k, out);
    for (size_t a = 0; a < c.size(); ++a) c[a] %= x->dims[a];
    index.push_back(Flat(c, strides));
  }
  return Outputs{Remapped(*x, x->elem_type, out, index)};
}

absl::StatusOr<Outputs> ShapeOfPad(const NodeView& v) {
  const TensorInfo* x = In(v, 0);
  if (!Ranked(x)) return Outputs{TypeOnly(ElemOf(x))};
  const int64_t r = static_cast<int64_t>(x->dims.size());
  std::optional<std::vector<int64_t>> pads;
  if (HasInput(v, 1)) {
    pads = IntsOf(v, 1);
  } else if (HasAttr(v, "pads")) {
    pads = AttrInts(v, "pads");
  } else {
    pads = AttrInts(v, "paddings");  // Pad-1
  }
  std::optional<std::vector<int64_t>> axes = std::vector<int64_t>();
  if (HasInput(v, 3)) {
    axes = IntsOf(v, 3);
  } else {
    for (int64_t i = 0; i < r; ++i) axes->push_back(i);
  }
  Dims out = x->dims;
  if (!pads.has_value() || !axes.has_value()) {
    if (!axes.has_value()) return Outputs{Shaped(x->elem_type, Dims(x->dims.size(), -1))};
    for (int64_t a : *axes) {
      OF_ASSIGN_OR_RETURN(int64_t n, NormalizeAxis(a, r));
      out[static_cast<size_t>(n)] = -1;
    }
    return Outputs{Shaped(x->elem_type, out)};
  }
  const size_t k = axes->size();
  if (pads->size() != 2 * k) {
    return absl::InvalidArgumentError(
        absl::StrCat("Pad has ", pads->size(), " pads for ", k, " axes"));
  }
  for (size_t i = 0; i < k; ++i) {
    OF_ASSIGN_OR_RETURN(int64_t n, NormalizeAxis((*axes)[i], r));
    int64_t& d = out[static_cast<size_t>(n)];
    const int64_t pb = (*pads)[i], pe = (*pads)[i + k];
    // Not std::abs: undefined for INT64_MIN, which a hostile file can hold.
    if (d < 0 || d > kMaxDim || pb > kMaxDim || pb < -kMaxDim || pe > kMaxDim ||
        pe < -kMaxDim) {
      d = -1;
      continue;
    }
    d += pb + pe;
    if (d < 0) return absl::InvalidArgumentError("Pad crops below 0");
  }
  return Outputs{Shaped(x->elem_type, out)};
}

// ---- Tensors made from values: ConstantOfShape, Range ----

absl::StatusOr<Outputs> ShapeOfConstantOfShape(const NodeView& v) {
  int32_t elem = onnx::TensorProto::FLOAT;
  double fill = 0;
  int64_t fill_int = 0;
  if (const onnx::AttributeProto* a = FindAttr(v, "value"); a != nullptr && a->has_t()) {
    elem = a->t().data_type();
    const TensorInfo t = InfoFromTensor(a->t());
    if (t.has_values && t.values.size() == 1) {
      fill = t.values[0];
      fill_int = t.int_values[0];
    }
  }
  std::optional<std::vector<int64_t>> shape = IntsOf(v, 0);
  if (!shape.has_value()) {
    const TensorInfo* s = In(v, 0);
    if (Known(s) && s->dims.size() == 1 && SaneRank(s->dims[0])) {
      return Outputs{Shaped(elem, Dims(static_cast<size_t>(s->dims[0]), -1))};
    }
    return Outputs{TypeOnly(elem)};
  }
  if (!SaneRank(static_cast<int64_t>(shape->size()))) return Outputs{TypeOnly(elem)};
  for (int64_t d : *shape) {
    if (d < 0 || d > kMaxDim) {
      return absl::InvalidArgumentError(absl::StrCat("ConstantOfShape dim ", d));
    }
  }
  const int64_t count = SmallCount(*shape);
  if (count < 0) return Outputs{Shaped(elem, *shape)};
  return Outputs{Built(elem, *shape, std::vector<double>(static_cast<size_t>(count), fill),
                       std::vector<int64_t>(static_cast<size_t>(count), fill_int))};
}

absl::StatusOr<Outputs> ShapeOfRange(const NodeView& v) {
  int32_t elem = ElemOf(In(v, 0));
  if (elem == 0) elem = ElemOf(In(v, 1));
  std::optional<double> start = ScalarDouble(v, 0), limit = ScalarDouble(v, 1),
                        delta = ScalarDouble(v, 2);
  if (!start || !limit || !delta) return Outputs{Shaped(elem, {-1})};
  if (*delta == 0) return absl::InvalidArgumentError("Range with delta 0");
  const double n = std::max(std::ceil((*limit - *start) / *delta), 0.0);
  if (!(n <= static_cast<double>(kMaxDim))) return absl::InvalidArgumentError("Range too long");
  const int64_t count = static_cast<int64_t>(n);
  if (count > static_cast<int64_t>(kMaxConstantElements)) return Outputs{Shaped(elem, {count})};
  if (IsIntegral(elem)) {
    const int64_t s = *ScalarInt(v, 0), d = *ScalarInt(v, 2);
    std::vector<int64_t> ints;
    for (int64_t i = 0; i < count; ++i) ints.push_back(s + i * d);
    return Outputs{WithInts(elem, {count}, ints)};
  }
  std::vector<double> values;
  for (int64_t i = 0; i < count; ++i) values.push_back(*start + static_cast<double>(i) * *delta);
  return Outputs{WithValues(elem, {count}, values)};
}

// ---- Type and identity ----

absl::StatusOr<Outputs> ShapeOfIdentity(const NodeView& v) {
  Outputs outs{SameAs(In(v, 0))};
  if (v.node->op_type() == "Dropout" && v.node->output_size() > 1) {
    const TensorInfo* x = In(v, 0);
    outs.push_back(Ranked(x) ? Shaped(kBool, x->dims) : TypeOnly(kBool));
  }
  return outs;
}

absl::StatusOr<Outputs> ShapeOfCast(const NodeView& v) {
  const TensorInfo* x = In(v, 0);
  const int32_t to = v.node->op_type() == "CastLike"
                         ? ElemOf(In(v, 1))
                         : static_cast<int32_t>(AttrInt(v, "to", 0));
  if (!Ranked(x)) return Outputs{TypeOnly(to)};
  if (!Valued(x)) return Outputs{Shaped(to, x->dims)};
  if (IsIntegral(x->elem_type) && IsIntegral(to)) return Outputs{WithInts(to, x->dims, x->int_values)};
  return Outputs{WithValues(to, x->dims, x->values)};
}

// ---- Shape-only ops with a rule of their own ----

absl::StatusOr<Outputs> ShapeOfOneHot(const NodeView& v) {
  const TensorInfo* idx = In(v, 0);
  const int32_t elem = ElemOf(In(v, 2));
  if (!Ranked(idx)) return Outputs{TypeOnly(elem)};
  const int64_t r = static_cast<int64_t>(idx->dims.size()) + 1;
  OF_ASSIGN_OR_RETURN(int64_t axis, NormalizeAxis(AttrInt(v, "axis", -1), r));
  std::optional<double> depth = ScalarDouble(v, 1);
  Dims out = idx->dims;
  out.insert(out.begin() + axis, depth.has_value() ? DimFromDouble(*depth) : -1);
  return Outputs{Shaped(elem, out)};
}

absl::StatusOr<Outputs> ShapeOfDepthSpace(const NodeView& v) {
  const TensorInfo* x = In(v, 0);
  const int64_t b = AttrInt(v, "blocksize", 0);
  if (!Ranked(x) || x->dims.size() != 4 || b <= 0) return Outputs{TypeOnly(ElemOf(x))};
  Dims out = x->dims;
  auto mul = [](int64_t d, int64_t k) { return DimMul(d, k); };
  auto div = [](int64_t d, int64_t k) { return d < 0 ? -1 : d / k; };
  if (b > kMaxDim / b) return Outputs{TypeOnly(x->elem_type)};
  if (v.node->op_type() == "DepthToSpace") {
    out = {x->dims[0], div(x->dims[1], b * b), mul(x->dims[2], b), mul(x->dims[3], b)};
  } else {
    out = {x->dims[0], mul(x->dims[1], b * b), div(x->dims[2], b), div(x->dims[3], b)};
  }
  return Outputs{Shaped(x->elem_type, out)};
}

// Col2Im (18): [N, C*prod(block), L] -> [N, C, image_shape...].
absl::StatusOr<Outputs> ShapeOfCol2Im(const NodeView& v) {
  const TensorInfo* x = In(v, 0);
  std::optional<std::vector<int64_t>> image = IntsOf(v, 1), block = IntsOf(v, 2);
  if (!Ranked(x) || x->dims.size() != 3) return Outputs{TypeOnly(ElemOf(x))};
  if (!image.has_value() || !block.has_value()) return Outputs{TypeOnly(x->elem_type)};
  int64_t per = 1;
  for (int64_t b : *block) per = DimMul(per, b);
  if (per <= 0) return absl::InvalidArgumentError("Col2Im block_shape has a 0 or is absurd");
  Dims out{x->dims[0], x->dims[1] < 0 ? -1 : x->dims[1] / per};
  out.insert(out.end(), image->begin(), image->end());
  return Outputs{Shaped(x->elem_type, out)};
}

// CenterCropPad (18): the listed axes take the given sizes.
absl::StatusOr<Outputs> ShapeOfCenterCropPad(const NodeView& v) {
  const TensorInfo* x = In(v, 0);
  std::optional<std::vector<int64_t>> shape = IntsOf(v, 1);
  if (!Ranked(x)) return Outputs{TypeOnly(ElemOf(x))};
  const int64_t r = static_cast<int64_t>(x->dims.size());
  std::vector<int64_t> axes = AttrInts(v, "axes");
  if (axes.empty()) {
    for (int64_t i = 0; i < r; ++i) axes.push_back(i);
  }
  Dims out = x->dims;
  for (size_t i = 0; i < axes.size(); ++i) {
    OF_ASSIGN_OR_RETURN(int64_t a, NormalizeAxis(axes[i], r));
    out[static_cast<size_t>(a)] =
        shape.has_value() && i < shape->size() ? (*shape)[i] : -1;
  }
  return Outputs{Shaped(x->elem_type, out)};
}

// Crop (experimental, opsets 1-9, no schema in ONNX 1.12): X [N, C, H, W],
// border [left, top, right, bottom]; Y [N, C, scale[0], scale[1]] when scale
// is given, else [N, C, H - top - bottom, W - left - right].
absl::StatusOr<Outputs> ShapeOfCrop(const NodeView& v) {
  const TensorInfo* x = In(v, 0);
  if (!Ranked(x)) return Outputs{TypeOnly(ElemOf(x))};
  if (x->dims.size() != 4) {
    return absl::InvalidArgumentError(
        absl::StrCat("Crop needs X [N, C, H, W], got ", DimsToString(x->dims)));
  }
  const std::vector<int64_t> border = AttrInts(v, "border");
  const std::vector<int64_t> scale = AttrInts(v, "scale");
  Dims y = x->dims;
  if (scale.size() == 2) {
    y[2] = scale[0] >= 0 && scale[0] <= kMaxDim ? scale[0] : -1;
    y[3] = scale[1] >= 0 && scale[1] <= kMaxDim ? scale[1] : -1;
  } else if (border.size() == 4) {
    for (int64_t b : border) {
      if (b < 0 || b > kMaxDim) return Outputs{Shaped(x->elem_type, {y[0], y[1], -1, -1})};
    }
    // Axis 2 loses top + bottom (border 1 and 3), axis 3 left + right (0 and 2).
    for (size_t axis : {size_t{2}, size_t{3}}) {
      if (x->dims[axis] < 0) continue;
      const int64_t cut = axis == 2 ? border[1] + border[3] : border[0] + border[2];
      if (cut > x->dims[axis]) {
        return absl::InvalidArgumentError(absl::StrCat("Crop border [", absl::StrJoin(border, ","),
                                                       "] exceeds X ", DimsToString(x->dims)));
      }
      y[axis] = x->dims[axis] - cut;
    }
  } else {
    return absl::InvalidArgumentError("Crop needs border (4 values) or scale (2 values)");
  }
  return Outputs{Shaped(x->elem_type, y)};
}

struct MovementOp {
  const char* op_type;
  const char* kind;  // "data movement" or "data generation"
  const char* note;  // what the op does, and what is deliberately not counted
  Propagator shape;  // null: ONNX's inference gives the output shape
  BackwardSpec backward = {};
  Traffic traffic = Traffic::kData;
};

constexpr BackwardSpec kKeeps = PassesWeight();

constexpr char kMove[] = "data movement";
constexpr char kGen[] = "data generation";
constexpr char kString[] = "string processing, no numeric arithmetic";

constexpr MovementOp kOps[] = {
    // Shape and layout.
    {"Reshape", kMove, "reinterprets the shape", ShapeOfReshape, kKeeps, Traffic::kView},
    {"Flatten", kMove, "reinterprets the shape as 2-D", ShapeOfFlatten, kKeeps, Traffic::kView},
    {"Squeeze", kMove, "drops size-1 axes", ShapeOfSqueeze, kKeeps, Traffic::kView},
    {"Unsqueeze", kMove, "inserts size-1 axes", ShapeOfUnsqueeze, kKeeps, Traffic::kView},
    {"Transpose", kMove, "permutes axes", ShapeOfTranspose, kKeeps},
    {"DepthToSpace", kMove, "rearranges channel blocks into space", ShapeOfDepthSpace},
    {"SpaceToDepth", kMove, "rearranges spatial blocks into channels", ShapeOfDepthSpace},
    {"Identity", kMove, "copies its input", ShapeOfIdentity, kKeeps, Traffic::kView},
    {"Cast", kMove, "converts the element type", ShapeOfCast, kKeeps},
    {"CastLike", kMove, "converts to the element type of input 1", ShapeOfCast, kKeeps},
    {"Shape", kMove, "reads the shape", ShapeOfShape, {}, Traffic::kShapeOnly},
    {"Size", kMove, "reads the element count", ShapeOfSize, {}, Traffic::kShapeOnly},
    // Copies, slicing and joining.
    {"Concat", kMove, "joins tensors along an axis", ShapeOfConcat},
    {"Split", kMove, "splits along an axis", ShapeOfSplit},
    {"Slice", kMove, "copies a strided window", ShapeOfSlice},
    {"Expand", kMove, "broadcasts to a shape", ShapeOfExpand},
    {"Tile", kMove, "repeats the input", ShapeOfTile},
    {"Pad", kMove, "copies with constant/reflect/edge/wrap padding", ShapeOfPad},
    {"CenterCropPad", kMove, "crops or pads to a shape", ShapeOfCenterCropPad},
    {"Crop", kMove, "experimental (opsets 1-9): copies a window", ShapeOfCrop},
    {"ReverseSequence", kMove, "reverses sequences by length", ShapeOfUnary},
    // Selection and indexing.
    {"Gather", kMove, "indexes along an axis", ShapeOfGather},
    {"GatherElements", kMove, "indexes element by element", ShapeOfGatherElements},
    {"GatherND", kMove, "indexes by N-d index tuples", ShapeOfGatherNd},
    {"Scatter", kMove, "deprecated ScatterElements (opsets 9-10), no reduction", ShapeOfUnary},
    {"TensorScatter", kMove, "opset 24: writes updates into a cache tensor", nullptr},
    {"Trilu", kMove, "keeps the upper or lower triangle, zeroes the rest", ShapeOfUnary},
    {"Dropout", kMove,
     "inference: identity; the training_mode input (opset 12+; is_test before opset 7) "
     "and the random mask and scaling it would apply are not counted", ShapeOfIdentity},
    // Generators.
    {"Constant", kGen, "a stored tensor", nullptr},
    {"ConstantOfShape", kGen, "fills a shape with one value", ShapeOfConstantOfShape},
    {"EyeLike", kGen, "an identity matrix", ShapeOfUnary},
    {"OneHot", kGen, "one-hot encodes indices", ShapeOfOneHot},
    {"Range", kGen, "start + i*delta, not counted", ShapeOfRange},
    {"RandomNormal", kGen, "random samples, not counted", nullptr},
    {"RandomNormalLike", kGen, "random samples, not counted", nullptr},
    {"RandomUniform", kGen, "random samples, not counted", nullptr},
    {"RandomUniformLike", kGen, "random samples, not counted", nullptr},
    {"Bernoulli", kGen, "random samples, not counted", nullptr},
    {"Multinomial", kGen, "random samples from logits, not counted", nullptr},
    // Optional and sequence containers.
    {"Optional", kMove, "wraps a value", nullptr},
    {"OptionalGetElement", kMove, "unwraps a value", nullptr},
    {"OptionalHasElement", kMove, "tests for a value", nullptr},
    {"SequenceConstruct", kMove, "builds a sequence", nullptr},
    {"SequenceEmpty", kMove, "builds an empty sequence", nullptr},
    {"SequenceAt", kMove, "reads a sequence element", nullptr},
    {"SequenceInsert", kMove, "inserts into a sequence", nullptr},
    {"SequenceErase", kMove, "erases from a sequence", nullptr},
    {"SequenceLength", kMove, "reads the sequence length", nullptr},
    {"SplitToSequence", kMove, "splits into a sequence", nullptr},
    {"ConcatFromSequence", kMove, "joins a sequence", nullptr},
    // Strings: no floating-point work at all.
    {"StringConcat", kString, "concatenates strings", nullptr},
    {"StringSplit", kString, "splits strings", nullptr},
    {"StringNormalizer", kString, "case-folds strings and drops stopwords", nullptr},
    {"RegexFullMatch", kString, "matches strings against a regex", nullptr},
};

std::string TableFormula(const MovementOp& op) {
  return absl::StrCat("0 FLOP: ", op.kind, " (", op.note, ")",
                      op.traffic == Traffic::kView        ? "; a view of its input: no bytes move"
                      : op.traffic == Traffic::kShapeOnly ? "; reads no data, only the shape"
                                                          : "");
}

absl::StatusOr<Cost> CountTableOp(const NodeView& v) {
  const std::string& type = v.node->op_type();
  for (const MovementOp& op : kOps) {
    if (type == op.op_type) {
      Cost c;
      c.data_movement = true;
      c.detail = absl::StrCat("0 FLOP: ", op.kind);
      return c;
    }
  }
  return absl::InternalError(absl::StrCat("no data-movement table row for ", type));
}

// ScatterElements and ScatterND: reduction="none" (default) overwrites; from
// opset 16 "add"/"mul" and from opset 18 "max"/"min" combine each update with
// the existing value: one operation per element of `updates` (input 2).
constexpr char kScatterFormula[] =
    "0 FLOP: data movement with reduction='none' (the default); with reduction "
    "add/mul (opset 16+) or max/min (opset 18+): 1*numel(updates) vector FLOPs, one "
    "combine per update element";

absl::StatusOr<Cost> CountScatter(const NodeView& v) {
  const std::string reduction = AttrString(v, "reduction", "none");
  Cost c;
  if (reduction == "none") {
    c.data_movement = true;
    c.detail = "0 FLOP: data movement (reduction=none)";
    return c;
  }
  if (reduction != "add" && reduction != "mul" && reduction != "max" && reduction != "min") {
    return absl::UnimplementedError(
        absl::StrCat("unsupported scatter reduction '", reduction, "'"));
  }
  OF_ASSIGN_OR_RETURN(Dims updates, InputDims(v, 2));
  const double n = NumElements(updates);
  c.vector_flops = n;
  c.detail = absl::StrCat("1*numel(updates) (reduction=", reduction, "), numel=",
                          FormatCount(n), " (", DimsToString(updates), ")");
  return c;
}

// Col2Im (opset 18): input [N, C*prod(block_shape), L] -> image
// [N, C, *image_shape]; every column entry is accumulated into its image
// position, which sums the overlaps of sliding blocks.
constexpr char kCol2ImFormula[] =
    "1*numel(input) vector FLOPs: one add per column entry accumulated into the "
    "image (sums overlapping blocks); input = [N, C*prod(block_shape), L]";

absl::StatusOr<Cost> CountCol2Im(const NodeView& v) {
  OF_ASSIGN_OR_RETURN(Dims in, InputDims(v, 0));
  const double n = NumElements(in);
  Cost c;
  c.vector_flops = n;
  c.detail = absl::StrCat("1*numel(input), numel=", FormatCount(n), " (",
                          DimsToString(in), ")");
  return c;
}

}  // namespace

void RegisterDataMovementRules(RuleRegistry& r) {
  for (const MovementOp& op : kOps) {
    Register(r, {"", op.op_type, "data_movement", TableFormula(op), CountTableOp, op.shape,
                 op.backward, false, op.traffic});
  }
  Register(r, {"", "ScatterElements", "data_movement", kScatterFormula, CountScatter,
               ShapeOfUnary});
  Register(r, {"", "ScatterND", "data_movement", kScatterFormula, CountScatter,
               ShapeOfUnary});
  Register(r, {"", "Col2Im", "data_movement", kCol2ImFormula, CountCol2Im, ShapeOfCol2Im});
}

}  // namespace onnx_flops
