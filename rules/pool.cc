// Pooling: exact elementary operation counts per output element.
//
// k = prod(kernel_shape) is the full window: taps that fall in the padding are
// counted too (a dense kernel evaluates them), so the count is a per-output
// constant a user can redo by hand.
#include <cmath>
#include <cstdint>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "rules/families.h"
#include "rules/propagate.h"
#include "rules/window.h"

namespace onnx_flops {
namespace {

const TensorInfo* KnownOutput(const NodeView& v) {
  if (v.outputs.empty() || v.outputs[0] == nullptr || !v.outputs[0]->has_shape) {
    return nullptr;
  }
  return v.outputs[0];
}

struct PoolShape {
  Dims y;  // [N, C, out spatial...]
  int64_t k = 1;
  Dims kernel;
};

// Computes Y's shape from the attributes and reconciles it with a known
// output shape (InvalidArgument naming both when they disagree).
absl::StatusOr<PoolShape> WindowedPoolShape(const NodeView& v, absl::string_view op) {
  OF_ASSIGN_OR_RETURN(Dims x, InputDims(v, 0));
  if (x.size() < 3) {
    return absl::InvalidArgumentError(absl::StrCat(
        op, " input X must be [N, C, spatial...], got ", DimsToString(x)));
  }
  OF_ASSIGN_OR_RETURN(Dims kernel, RequiredAttrInts(v, "kernel_shape"));
  const Dims in(x.begin() + 2, x.end());
  if (kernel.size() != in.size()) {
    return absl::InvalidArgumentError(absl::StrCat(
        op, ": kernel_shape has ", kernel.size(), " values for ", in.size(),
        " spatial axes of X ", DimsToString(x)));
  }
  OF_ASSIGN_OR_RETURN(const Window w, ReadWindow(v, in.size(), kernel));
  std::vector<WindowSize> sizes;
  for (size_t i = 0; i < in.size(); ++i) {
    OF_ASSIGN_OR_RETURN(const WindowSize size, ForwardWindowSize(w, i, in[i]));
    sizes.push_back(size);
  }
  PoolShape p;
  p.kernel = kernel;
  for (int64_t d : kernel) p.k *= d;
  p.y = {x[0], x[1]};
  for (const WindowSize& a : sizes) p.y.push_back(a.size);

  if (const TensorInfo* out = KnownOutput(v); out != nullptr) {
    bool agree = out->dims.size() == p.y.size();
    for (size_t i = 0; agree && i < p.y.size(); ++i) {
      const int64_t got = out->dims[i];
      if (got < 0) continue;
      if (i >= 2 && got == sizes[i - 2].alt) {
        p.y[i] = got;  // older ceil_mode convention, accepted as given
      } else if (got != p.y[i]) {
        agree = false;
      }
    }
    if (!agree) {
      return absl::InvalidArgumentError(absl::StrCat(
          op, ": output shape ", DimsToString(out->dims),
          " disagrees with the computed shape ", DimsToString(p.y)));
    }
  }
  return p;
}

// Per output element: MaxPool k-1 comparisons, AveragePool k-1 adds + 1 divide,
// LpPool k powers + k-1 adds + 1 root.
absl::StatusOr<Cost> CountWindowed(const NodeView& v, absl::string_view op,
                                   double per_k, double constant, const char* what) {
  OF_ASSIGN_OR_RETURN(PoolShape p, WindowedPoolShape(v, op));
  const double out = NumElements(p.y);
  const double per_output = per_k * static_cast<double>(p.k) + constant;
  Cost c;
  c.vector_flops = out * per_output;
  c.detail = absl::StrCat("numel(Y)*", what, ", numel(Y)=", FormatCount(out), " (Y ",
                          DimsToString(p.y), "), k=", p.k, " (", DimsToString(p.kernel),
                          ")");
  return c;
}

constexpr char kMaxPoolFormula[] =
    "numel(Y)*(k-1) comparisons, k = prod(kernel_shape) (vector class); Y's spatial "
    "size from pads/strides/dilations/ceil_mode/auto_pad";
absl::StatusOr<Cost> CountMaxPool(const NodeView& v) {
  return CountWindowed(v, "MaxPool", 1, -1, "(k-1)");
}

constexpr char kAveragePoolFormula[] =
    "numel(Y)*k ((k-1) adds + 1 divide per output), k = prod(kernel_shape), padding "
    "taps included (vector class)";
absl::StatusOr<Cost> CountAveragePool(const NodeView& v) {
  return CountWindowed(v, "AveragePool", 1, 0, "k");
}

constexpr char kLpPoolFormula[] =
    "numel(Y)*2k (k powers + (k-1) adds + 1 root per output), k = prod(kernel_shape) "
    "(vector class)";
absl::StatusOr<Cost> CountLpPool(const NodeView& v) {
  return CountWindowed(v, "LpPool", 2, 0, "2k");
}

// Global pools reduce each (N, C) plane of S = prod(spatial) elements.
absl::StatusOr<Cost> CountGlobal(const NodeView& v, absl::string_view op, double per_s,
                                 double per_plane, const char* what) {
  OF_ASSIGN_OR_RETURN(Dims x, InputDims(v, 0));
  if (x.size() < 3) {
    return absl::InvalidArgumentError(absl::StrCat(
        op, " input X must be [N, C, spatial...], got ", DimsToString(x)));
  }
  const double planes = static_cast<double>(x[0]) * static_cast<double>(x[1]);
  const double s = NumElements(Dims(x.begin() + 2, x.end()));
  Cost c;
  c.vector_flops = planes * (per_s * s + per_plane);
  c.detail = absl::StrCat("N*C*", what, ", N*C=", FormatCount(planes), " S=",
                          FormatCount(s));
  return c;
}

constexpr char kGlobalAveragePoolFormula[] =
    "N*C*S ((S-1) adds + 1 divide per (N,C) plane, S = prod(spatial)) (vector class)";
absl::StatusOr<Cost> CountGlobalAveragePool(const NodeView& v) {
  return CountGlobal(v, "GlobalAveragePool", 1, 0, "S");
}

constexpr char kGlobalMaxPoolFormula[] =
    "N*C*(S-1) comparisons, S = prod(spatial) (vector class)";
absl::StatusOr<Cost> CountGlobalMaxPool(const NodeView& v) {
  return CountGlobal(v, "GlobalMaxPool", 1, -1, "(S-1)");
}

constexpr char kGlobalLpPoolFormula[] =
    "N*C*2S (S powers + (S-1) adds + 1 root per (N,C) plane) (vector class)";
absl::StatusOr<Cost> CountGlobalLpPool(const NodeView& v) {
  return CountGlobal(v, "GlobalLpPool", 2, 0, "2S");
}

constexpr char kMaxUnpoolFormula[] = "0 FLOP: scatters X into Y by index (data movement)";
absl::StatusOr<Cost> CountMaxUnpool(const NodeView& v) {
  Cost c;
  c.data_movement = true;
  c.detail = "data movement";
  return c;
}

// RoiAlign: Y [num_rois, C, output_height, output_width]. Each output bin
// averages (or maxes) sampling_ratio^2 bilinear samples; a bilinear sample is
// 4 multiplies + 3 adds = 7 FLOP (the interpolation weights depend only on
// the ROI geometry and are shared by all C channels, so they are not counted).
// sampling_ratio = 0 means ceil(roi_size / output_size) samples per bin, which
// depends on the ROI values: uncounted.
constexpr char kRoiAlignFormula[] =
    "numel(Y)*(7*s + s) for mode avg ((s-1) adds + 1 divide) or numel(Y)*(7*s + s-1) "
    "for mode max, s = sampling_ratio^2 bilinear samples per output of 4 multiplies + "
    "3 adds each (vector class); sampling_ratio 0 (adaptive, ROI-dependent) is "
    "uncounted";
absl::StatusOr<Cost> CountRoiAlign(const NodeView& v) {
  OF_ASSIGN_OR_RETURN(Dims x, InputDims(v, 0));
  OF_ASSIGN_OR_RETURN(Dims rois, InputDims(v, 1));
  if (x.size() != 4 || rois.size() != 2) {
    return absl::InvalidArgumentError(absl::StrCat(
        "RoiAlign needs X [N,C,H,W] and rois [num_rois,4], got ", DimsToString(x),
        " and ", DimsToString(rois)));
  }
  const int64_t ratio = AttrInt(v, "sampling_ratio", 0);
  if (ratio <= 0) {
    return absl::FailedPreconditionError(
        "RoiAlign with sampling_ratio=0 takes ceil(roi_size/output_size) samples per "
        "bin, which depends on the ROI coordinates");
  }
  const std::string mode = AttrString(v, "mode", "avg");
  if (mode != "avg" && mode != "max") {
    return absl::UnimplementedError(absl::StrCat("unsupported RoiAlign mode '", mode, "'"));
  }
  const Dims y = {rois[0], x[1], AttrInt(v, "output_height", 1),
                  AttrInt(v, "output_width", 1)};
  const double out = NumElements(y);
  const double s = static_cast<double>(ratio) * static_cast<double>(ratio);
  const double per_output = 7 * s + (mode == "avg" ? s : s - 1);
  Cost c;
  c.vector_flops = out * per_output;
  c.detail = absl::StrCat("numel(Y)*", FormatCount(per_output), " (mode ", mode, ", s=",
                          FormatCount(s), "), Y ", DimsToString(y));
  return c;
}

constexpr char kMaxRoiPoolFormula[] =
    "uncounted: each output bin's window is set by the ROI coordinates (data values)";
absl::StatusOr<Cost> CountMaxRoiPool(const NodeView& v) {
  return absl::FailedPreconditionError(
      "MaxRoiPool window sizes depend on the ROI coordinates (data values)");
}

// ---- Shape propagation ----

absl::StatusOr<Outputs> ShapeOfPool(const NodeView& v) {
  const TensorInfo* x = In(v, 0);
  const bool max_pool = v.node->op_type() == "MaxPool";
  auto with_indices = [&](TensorInfo y) {
    Outputs outs{y};
    if (max_pool && v.node->output_size() > 1) {
      TensorInfo idx = y;
      idx.elem_type = kInt64;
      outs.push_back(idx);
    }
    return outs;
  };
  if (!Ranked(x) || x->dims.size() < 3) return with_indices(TypeOnly(ElemOf(x)));
  const size_t spatial = x->dims.size() - 2;
  Dims kernel = AttrInts(v, "kernel_shape");
  if (kernel.size() != spatial) {
    return absl::InvalidArgumentError("pool without a kernel_shape for every spatial axis");
  }
  OF_ASSIGN_OR_RETURN(const Window win, ReadWindow(v, spatial, std::move(kernel)));
  OF_ASSIGN_OR_RETURN(const Dims sp,
                      ForwardWindowDims(win, Dims(x->dims.begin() + 2, x->dims.end())));
  Dims out{x->dims[0], x->dims[1]};
  out.insert(out.end(), sp.begin(), sp.end());
  return with_indices(Shaped(x->elem_type, out));
}

absl::StatusOr<Outputs> ShapeOfGlobalPool(const NodeView& v) {
  const TensorInfo* x = In(v, 0);
  if (!Ranked(x) || x->dims.size() < 2) return Outputs{TypeOnly(ElemOf(x))};
  Dims out(x->dims.size(), 1);
  out[0] = x->dims[0];
  out[1] = x->dims[1];
  return Outputs{Shaped(x->elem_type, out)};
}

absl::StatusOr<Outputs> ShapeOfRoiAlign(const NodeView& v) {
  const TensorInfo* x = In(v, 0);
  const TensorInfo* rois = In(v, 1);
  if (!Ranked(x) || x->dims.size() != 4) return Outputs{TypeOnly(ElemOf(x))};
  const int64_t n = Ranked(rois) && !rois->dims.empty() ? rois->dims[0] : -1;
  return Outputs{Shaped(x->elem_type, {n, x->dims[1], AttrInt(v, "output_height", 1),
                                       AttrInt(v, "output_width", 1)})};
}

}  // namespace

void RegisterPoolRules(RuleRegistry& r) {
  Register(r, {"", "MaxPool", "pool", kMaxPoolFormula, CountMaxPool, ShapeOfPool});
  Register(r, {"", "AveragePool", "pool", kAveragePoolFormula, CountAveragePool, ShapeOfPool});
  Register(r, {"", "LpPool", "pool", kLpPoolFormula, CountLpPool, ShapeOfPool});
  Register(r, {"", "GlobalAveragePool", "pool", kGlobalAveragePoolFormula,
               CountGlobalAveragePool, ShapeOfGlobalPool});
  Register(r, {"", "GlobalMaxPool", "pool", kGlobalMaxPoolFormula, CountGlobalMaxPool,
               ShapeOfGlobalPool});
  Register(r, {"", "GlobalLpPool", "pool", kGlobalLpPoolFormula, CountGlobalLpPool,
               ShapeOfGlobalPool});
  Register(r, {"", "MaxUnpool", "pool", kMaxUnpoolFormula, CountMaxUnpool});
  Register(r, {"", "RoiAlign", "pool", kRoiAlignFormula, CountRoiAlign, ShapeOfRoiAlign});
  Register(r, {"", "MaxRoiPool", "pool", kMaxRoiPoolFormula, CountMaxRoiPool});
}

}  // namespace onnx_flops
