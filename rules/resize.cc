// Resize (opsets 10-19+) and Upsample (1-9): interpolation cost per output
// element, from the interpolation mode and the number of resized axes.
//
// Input layout by version:
//   Upsample-1: X; attributes height_scale, width_scale (4-D NCHW).
//   Upsample-7: X; attribute scales.      Upsample-9/10, Resize-10: X, scales.
//   Resize-11/13/18/19: X, roi, scales, sizes (exactly one of scales/sizes is
//   non-empty); from 18 the axes, antialias and keep_aspect_ratio_policy
//   attributes.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "rules/families.h"
#include "rules/propagate.h"

namespace onnx_flops {
namespace {

// Interpolation taps per resized axis: 1 (nearest), 2 (linear), 4 (cubic).
absl::StatusOr<int> TapsForMode(absl::string_view op, const std::string& mode) {
  if (mode == "nearest") return 1;
  if (mode == "linear" || mode == "bilinear" || mode == "trilinear") return 2;
  if (mode == "cubic" || mode == "bicubic") return 4;
  return absl::UnimplementedError(
      absl::StrCat("unsupported ", op, " mode '", mode, "'"));
}

// A constant input counts as "given" when it has at least one value: empty
// tensors stand for "not provided" in Resize-11+.
bool HasConstValues(const NodeView& v, int i) {
  if (!HasInput(v, i) || static_cast<size_t>(i) >= v.inputs.size()) return false;
  const TensorInfo* t = v.inputs[static_cast<size_t>(i)];
  return t != nullptr && t->has_values && !t->values.empty();
}

bool IsEmptyTensor(const NodeView& v, int i) {
  if (!HasInput(v, i)) return true;
  if (static_cast<size_t>(i) >= v.inputs.size()) return true;
  const TensorInfo* t = v.inputs[static_cast<size_t>(i)];
  if (t == nullptr) return false;
  if (t->has_values) return t->values.empty();
  if (!t->has_shape) return false;
  return NumElements(t->dims) == 0 && !t->dims.empty();
}

// The axes that `count` scales/sizes values refer to: the Resize-18 `axes`
// attribute, else all axes (then `count` must equal the rank).
absl::StatusOr<Dims> ValueAxes(const NodeView& v, size_t count, size_t rank,
                               const char* what) {
  const Dims attr = AttrInts(v, "axes");
  Dims axes;
  if (attr.empty()) {
    for (size_t i = 0; i < rank; ++i) axes.push_back(static_cast<int64_t>(i));
  } else {
    for (int64_t a : attr) {
      OF_ASSIGN_OR_RETURN(int64_t na, NormalizeAxis(a, static_cast<int64_t>(rank)));
      axes.push_back(na);
    }
  }
  if (axes.size() != count) {
    return absl::InvalidArgumentError(absl::StrCat(
        what, " has ", count, " values for ", axes.size(), " axes (input rank ", rank,
        ")"));
  }
  return axes;
}

// floor(in * scale) in float arithmetic, as ONNX shape inference computes it.
Dims ScaleDims(const Dims& x, const std::vector<double>& scales) {
  Dims out(x.size());
  for (size_t i = 0; i < x.size(); ++i) {
    out[i] = SaturatingInt(
        std::floor(static_cast<float>(x[i]) * static_cast<float>(scales[i])));
  }
  return out;
}

// Upsample-7/8 whose scales attribute has 2 values for a 4-D input: the
// spec wants one per axis, but exporters that knew Upsample-1's
// height_scale/width_scale wrote [h, w] (winml's starry-night-fp16.onnx,
// from pytorch 0.2). Taken as the scales of the last two axes, with a warning.
bool SpatialScalesOnly(const NodeView& v, absl::string_view op, const Dims& x) {
  if (op != "Upsample" || v.opset < 7 || v.opset >= 9 || x.size() != 4) return false;
  const onnx::AttributeProto* a = FindAttr(v, "scales");
  return a != nullptr && a->floats_size() == 2;
}

// The output shape when the node's output shape is not known.
absl::StatusOr<Dims> OutputFromConstants(const NodeView& v, absl::string_view op,
                                         const Dims& x, std::string* source) {
  const bool is_upsample = op == "Upsample";
  if (is_upsample && v.opset < 7) {
    if (x.size() != 4) {
      return absl::InvalidArgumentError(absl::StrCat(
          "Upsample-1 needs a 4-D input, got ", DimsToString(x)));
    }
    *source = "height_scale/width_scale";
    return ScaleDims(x, {1.0, 1.0, AttrFloat(v, "height_scale", 1.0f),
                         AttrFloat(v, "width_scale", 1.0f)});
  }
  if (is_upsample && v.opset < 9) {
    const onnx::AttributeProto* a = FindAttr(v, "scales");
    if (a == nullptr) {
      return absl::FailedPreconditionError("missing attribute 'scales'");
    }
    std::vector<double> scales(a->floats().begin(), a->floats().end());
    if (SpatialScalesOnly(v, op, x)) {
      scales = {1.0, 1.0, scales[0], scales[1]};
      *source = "scales attribute [h, w] on the last two axes";
      return ScaleDims(x, scales);
    }
    if (scales.size() != x.size()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "scales has ", scales.size(), " values for an input of rank ", x.size()));
    }
    *source = "scales attribute";
    return ScaleDims(x, scales);
  }
  if (is_upsample || v.opset < 11) {  // X, scales
    OF_ASSIGN_OR_RETURN(std::vector<double> scales, InputValues(v, 1));
    if (scales.size() != x.size()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "scales has ", scales.size(), " values for an input of rank ", x.size()));
    }
    *source = "scales";
    return ScaleDims(x, scales);
  }
  // Resize-11+: X, roi, scales, sizes.
  if (HasConstValues(v, 3)) {
    OF_ASSIGN_OR_RETURN(std::vector<double> sizes, InputValues(v, 3));
    OF_ASSIGN_OR_RETURN(Dims axes, ValueAxes(v, sizes.size(), x.size(), "sizes"));
    const std::string policy = AttrString(v, "keep_aspect_ratio_policy", "stretch");
    if (policy == "not_larger" || policy == "not_smaller") {
      // One scale for all the given axes (min or max of sizes/in), then
      // round(scale * in), as ONNX shape inference does.
      float scale = policy == "not_larger" ? std::numeric_limits<float>::max() : 0.0f;
      for (size_t i = 0; i < sizes.size(); ++i) {
        const float s = static_cast<float>(sizes[i]) /
                        static_cast<float>(x[static_cast<size_t>(axes[i])]);
        scale = policy == "not_larger" ? std::min(scale, s) : std::max(scale, s);
      }
      for (size_t i = 0; i < sizes.size(); ++i) {
        sizes[i] = std::roundf(scale * static_cast<float>(x[static_cast<size_t>(axes[i])]));
      }
    } else if (policy != "stretch") {
      return absl::UnimplementedError(
          absl::StrCat("unsupported keep_aspect_ratio_policy '", policy, "'"));
    }
    Dims out = x;  // axes not listed keep their size
    for (size_t i = 0; i < axes.size(); ++i) {
      out[static_cast<size_t>(axes[i])] = SaturatingInt(sizes[i]);
    }
    *source = "sizes";
    return out;
  }
  if (HasConstValues(v, 2)) {
    OF_ASSIGN_OR_RETURN(std::vector<double> scales, InputValues(v, 2));
    OF_ASSIGN_OR_RETURN(Dims axes, ValueAxes(v, scales.size(), x.size(), "scales"));
    std::vector<double> full(x.size(), 1.0);  // axes not listed are not resized
    for (size_t i = 0; i < axes.size(); ++i) full[static_cast<size_t>(axes[i])] = scales[i];
    *source = "scales";
    return ScaleDims(x, full);
  }
  // Name the input whose value is missing.
  if (HasInput(v, 3) && !IsEmptyTensor(v, 3)) return InputValues(v, 3).status();
  if (HasInput(v, 2) && !IsEmptyTensor(v, 2)) return InputValues(v, 2).status();
  return absl::FailedPreconditionError(
      "output shape unknown and neither 'scales' nor 'sizes' is a known constant");
}

constexpr char kResizeFormula[] =
    "numel(Y)*(2*P-1) (P multiplies by the interpolation weights + P-1 adds per "
    "output element; vector class), P = prod over the r axes whose size changes of "
    "the taps per axis: linear 2 (P = 2^r, 2^(r+1)-1 per output), cubic 4 "
    "(2*4^r-1 per output); with antialias=1 a downscaled axis has ceil(taps/scale) "
    "taps; mode nearest, or no axis resized: 0 FLOP (data movement). Y from the "
    "output shape, else floor(in*scale) from constant scales, else constant sizes";

absl::StatusOr<Cost> CountResizeLike(const NodeView& v, absl::string_view op) {
  OF_ASSIGN_OR_RETURN(Dims x, InputDims(v, 0));
  const std::string mode = AttrString(v, "mode", "nearest");
  OF_ASSIGN_OR_RETURN(int taps, TapsForMode(op, mode));

  Dims y;
  std::string source = "output shape";
  auto known = OutputDims(v, 0);
  if (known.ok()) {
    y = *known;
  } else {
    OF_ASSIGN_OR_RETURN(y, OutputFromConstants(v, op, x, &source));
  }
  if (y.size() != x.size()) {
    return absl::InvalidArgumentError(absl::StrCat(
        op, ": output ", DimsToString(y), " and input ", DimsToString(x),
        " differ in rank"));
  }
  for (int64_t d : y) {
    if (d <= 0) {
      return absl::InvalidArgumentError(
          absl::StrCat(op, ": non-positive output size ", DimsToString(y)));
    }
  }

  const bool antialias = AttrInt(v, "antialias", 0) != 0;
  int r = 0;
  double points = 1;  // P
  std::vector<std::string> per_axis;
  for (size_t i = 0; i < x.size(); ++i) {
    if (y[i] == x[i]) continue;
    ++r;
    double axis_taps = taps;
    if (antialias && taps > 1 && y[i] < x[i]) {
      // The filter is stretched by 1/scale when downscaling.
      axis_taps = std::ceil(static_cast<double>(taps) * static_cast<double>(x[i]) /
                            static_cast<double>(y[i]));
    }
    points *= axis_taps;
    per_axis.push_back(absl::StrCat(x[i], "->", y[i]));
  }
  const double numel = NumElements(y);
  Cost c;
  // Sizes computed at run time from the data, bounded: Y is at that bound.
  const TensorInfo* sizes = HasInput(v, 3) ? In(v, 3) : nullptr;
  if (sizes != nullptr && !sizes->has_values && !sizes->hi.empty() &&
      !(v.options != nullptr && v.options->data_dependent_low)) {
    bool bounded = false;
    if (std::optional<std::vector<int64_t>> at = BoundedIntsOf(v, 3, &bounded); at && bounded) {
      std::vector<std::string> parts;
      for (int64_t d : *at) parts.push_back(absl::StrCat(d));
      c.bound = absl::StrCat("sizes computed at run time, each at most [",
                             absl::StrJoin(parts, ", "), "] (the bounds of their values): Y ",
                             DimsToString(y));
    }
  }
  if (SpatialScalesOnly(v, op, x)) {
    c.warning = absl::StrCat(
        "scales has 2 values for the 4-D input ",
        DimsToString(x), " (opset ", v.opset, " wants one per axis, so the model does not run "
        "as written); taken as the height and width scales, as Upsample-1's "
        "height_scale/width_scale: output ", DimsToString(y));
  }
  if (taps == 1 || r == 0) {
    c.data_movement = true;
    c.detail = absl::StrCat(taps == 1 ? "mode nearest" : "no axis resized",
                            ": data movement, Y ", DimsToString(y));
    return c;
  }
  const double per_output = 2 * points - 1;
  c.vector_flops = numel * per_output;
  c.detail = absl::StrCat("numel(Y)*(2*P-1), numel(Y)=", FormatCount(numel), " (Y ",
                          DimsToString(y), " from ", source, "), mode ", mode, ", r=", r,
                          " (", absl::StrJoin(per_axis, ", "), "), P=", FormatCount(points),
                          antialias ? " (antialias)" : "");
  return c;
}

absl::StatusOr<Cost> CountResize(const NodeView& v) { return CountResizeLike(v, "Resize"); }
absl::StatusOr<Cost> CountUpsample(const NodeView& v) {
  return CountResizeLike(v, "Upsample");
}

// ---- Shape propagation ----

absl::StatusOr<Outputs> ShapeOfResize(const NodeView& v) {
  const TensorInfo* x = In(v, 0);
  if (!Ranked(x)) return Outputs{TypeOnly(ElemOf(x))};
  const int64_t r = static_cast<int64_t>(x->dims.size());
  std::vector<int64_t> axes = AttrInts(v, "axes");
  if (axes.empty()) {
    for (int64_t i = 0; i < r; ++i) axes.push_back(i);
  }
  for (int64_t& a : axes) {
    OF_ASSIGN_OR_RETURN(a, NormalizeAxis(a, r));
  }
  Dims out = x->dims;
  auto unknown = [&]() {
    for (int64_t a : axes) out[static_cast<size_t>(a)] = -1;
    return Outputs{Shaped(x->elem_type, out)};
  };
  std::optional<std::vector<double>> scales;
  std::optional<std::vector<int64_t>> sizes;
  const bool upsample = v.node->op_type() == "Upsample";
  if (upsample && HasAttr(v, "scales")) {
    const onnx::AttributeProto* a = FindAttr(v, "scales");
    scales = std::vector<double>(a->floats().begin(), a->floats().end());
    if (SpatialScalesOnly(v, "Upsample", x->dims)) scales = {1.0, 1.0, (*scales)[0], (*scales)[1]};
  } else if (upsample || v.node->input_size() == 2) {  // Upsample-9, Resize-10: X, scales
    scales = DoublesOf(v, 1);
    if (!scales.has_value()) return unknown();
  } else if (HasInput(v, 3) && !IsEmptyTensor(v, 3)) {
    bool bounded = false;  // sizes computed at run time: at their bound
    sizes = BoundedIntsOf(v, 3, &bounded);
    if (!sizes.has_value()) return unknown();
  } else if (HasInput(v, 2) && !IsEmptyTensor(v, 2)) {
    scales = DoublesOf(v, 2);
    if (!scales.has_value()) return unknown();
  } else {
    return unknown();
  }
  const size_t k = axes.size();
  if ((scales.has_value() && scales->size() != k) || (sizes.has_value() && sizes->size() != k)) {
    return absl::InvalidArgumentError(absl::StrCat("Resize has ", k, " axes and ",
                                                   scales ? scales->size() : sizes->size(),
                                                   " scales/sizes"));
  }
  if (sizes.has_value()) {
    const std::string policy = AttrString(v, "keep_aspect_ratio_policy", "stretch");
    if (policy == "stretch") {
      for (size_t i = 0; i < k; ++i) out[static_cast<size_t>(axes[i])] = (*sizes)[i];
      return Outputs{Shaped(x->elem_type, out)};
    }
    double scale = policy == "not_larger" ? 1e300 : 0;
    for (size_t i = 0; i < k; ++i) {
      const int64_t d = x->dims[static_cast<size_t>(axes[i])];
      if (d <= 0) return unknown();
      const double s = static_cast<double>((*sizes)[i]) / static_cast<double>(d);
      scale = policy == "not_larger" ? std::min(scale, s) : std::max(scale, s);
    }
    for (int64_t a : axes) {
      int64_t& d = out[static_cast<size_t>(a)];
      d = DimFromDouble(std::round(scale * static_cast<double>(d)));
    }
    return Outputs{Shaped(x->elem_type, out)};
  }
  std::vector<double> extent(k, 1.0);
  if (AttrString(v, "coordinate_transformation_mode", "") == "tf_crop_and_resize") {
    std::optional<std::vector<double>> roi = DoublesOf(v, 1);
    if (!roi.has_value() || roi->size() != 2 * k) return unknown();
    for (size_t i = 0; i < k; ++i) extent[i] = (*roi)[k + i] - (*roi)[i];
  }
  for (size_t i = 0; i < k; ++i) {
    int64_t& d = out[static_cast<size_t>(axes[i])];
    const double s = (*scales)[i] * extent[i];
    if (d < 0) continue;
    if (!(std::fabs((*scales)[i]) <= 1e30 && std::fabs(extent[i]) <= 1e30) || !(s >= 0)) {
      d = -1;
      continue;
    }
    // As onnxruntime: float arithmetic, then floor.
    d = DimFromDouble(std::floor(static_cast<double>(
        static_cast<float>(d) * static_cast<float>(extent[i]) * static_cast<float>((*scales)[i]))));
  }
  return Outputs{Shaped(x->elem_type, out)};
}

// GridSample (opset 16; N-d and the names linear/cubic from opset 20): each
// output element interpolates X at a position the grid gives, as Resize does
// at positions the scales give, and is counted like Resize.
constexpr char kGridSampleFormula[] =
    "numel(Y)*(2*P-1) (P multiplies by the interpolation weights + P-1 adds per "
    "output element; vector class), P = taps^r over the r spatial axes: linear/bilinear "
    "2, cubic/bicubic 4; mode nearest: 0 FLOP (data movement). The grid's coordinates "
    "and weights are not counted, as for Resize. X [N, C, d1..dr], grid [N, D1..Dr, r], "
    "Y [N, C, D1..Dr]";

// Y's dims from X [N, C, d1..dr] and grid [N, D1..Dr, r]; -1 where unknown.
absl::StatusOr<Dims> GridSampleDims(const TensorInfo* x, const TensorInfo* grid) {
  if (!Ranked(x) || !Ranked(grid)) return absl::FailedPreconditionError("rank unknown");
  const size_t rank = x->dims.size();
  if (rank < 3 || grid->dims.size() != rank) {
    return absl::InvalidArgumentError(absl::StrCat(
        "GridSample needs X [N, C, d1..dr] and grid [N, D1..Dr, r] of the same rank, got ",
        DimsToString(x->dims), " and ", DimsToString(grid->dims)));
  }
  const int64_t r = static_cast<int64_t>(rank) - 2;
  if (grid->dims.back() >= 0 && grid->dims.back() != r) {
    return absl::InvalidArgumentError(absl::StrCat("GridSample: grid ", DimsToString(grid->dims),
                                                   " must end in r = ", r));
  }
  Dims y{x->dims[0] >= 0 ? x->dims[0] : grid->dims[0], x->dims[1]};
  y.insert(y.end(), grid->dims.begin() + 1, grid->dims.end() - 1);
  return y;
}

absl::StatusOr<Cost> CountGridSample(const NodeView& v) {
  OF_ASSIGN_OR_RETURN(Dims x, InputDims(v, 0));
  if (x.size() < 3) {
    return absl::InvalidArgumentError(
        absl::StrCat("GridSample input X must be [N, C, d1..dr], got ", DimsToString(x)));
  }
  const std::string mode = AttrString(v, "mode", v.opset >= 20 ? "linear" : "bilinear");
  int taps = 0;
  if (mode == "linear" || mode == "bilinear") {
    taps = 2;
  } else if (mode == "cubic" || mode == "bicubic") {
    taps = 4;
  } else if (mode != "nearest") {
    return absl::UnimplementedError(absl::StrCat("GridSample mode '", mode, "'"));
  }
  absl::StatusOr<Dims> y = OutputDims(v, 0);
  if (!y.ok()) {
    OF_ASSIGN_OR_RETURN(Dims grid, InputDims(v, 1));
    TensorInfo xi, gi;
    xi.has_shape = gi.has_shape = true;
    xi.dims = x;
    gi.dims = std::move(grid);
    OF_ASSIGN_OR_RETURN(y, GridSampleDims(&xi, &gi));
  }
  const double n = NumElements(*y);
  Cost c;
  if (taps == 0) {
    c.data_movement = true;
    c.detail = absl::StrCat("0 FLOP: mode nearest copies one element per output, numel(Y)=",
                            FormatCount(n));
    return c;
  }
  const double r = static_cast<double>(x.size() - 2);
  const double p = std::pow(static_cast<double>(taps), r);
  c.vector_flops = n * (2 * p - 1);
  c.detail = absl::StrCat("numel(Y)*(2*P-1), P=", taps, "^", r, "=", FormatCount(p), " (", mode,
                          "), numel(Y)=", FormatCount(n), " (", DimsToString(*y), ")");
  return c;
}

absl::StatusOr<Outputs> ShapeOfGridSample(const NodeView& v) {
  const TensorInfo* x = In(v, 0);
  absl::StatusOr<Dims> y = GridSampleDims(x, In(v, 1));
  if (absl::IsFailedPrecondition(y.status())) return Outputs{TypeOnly(ElemOf(x))};
  if (!y.ok()) return y.status();
  return Outputs{Shaped(ElemOf(x), *y)};
}

}  // namespace

void RegisterResizeRules(RuleRegistry& r) {
  Register(r, {"", "Resize", "resize", kResizeFormula, CountResize, ShapeOfResize, {}, true});
  Register(r, {"", "Upsample", "resize", kResizeFormula, CountUpsample, ShapeOfResize});
  Register(r, {"", "GridSample", "resize", kGridSampleFormula, CountGridSample,
               ShapeOfGridSample});
}

}  // namespace onnx_flops
