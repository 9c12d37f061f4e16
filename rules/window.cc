#include "rules/window.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace onnx_flops {

absl::StatusOr<Window> ReadWindow(const NodeView& v, size_t spatial, Dims kernel) {
  Window w;
  w.kernel = std::move(kernel);
  w.strides = AttrInts(v, "strides");
  w.dilations = AttrInts(v, "dilations");
  w.pads = AttrInts(v, "pads");
  w.auto_pad = AttrString(v, "auto_pad", "NOTSET");
  if (w.auto_pad.empty()) w.auto_pad = "NOTSET";
  w.ceil_mode = AttrInt(v, "ceil_mode", 0) != 0;
  if (w.strides.empty()) w.strides.assign(spatial, 1);
  if (w.dilations.empty()) w.dilations.assign(spatial, 1);
  if (w.pads.empty() || w.auto_pad != "NOTSET") w.pads.assign(2 * spatial, 0);
  if (w.kernel.size() != spatial || w.strides.size() != spatial ||
      w.dilations.size() != spatial || w.pads.size() != 2 * spatial) {
    return absl::InvalidArgumentError(absl::StrCat(
        "kernel/strides/dilations/pads have ", w.kernel.size(), "/", w.strides.size(), "/",
        w.dilations.size(), "/", w.pads.size(), " values for ", spatial,
        " spatial axes (expected ", spatial, "/", spatial, "/", spatial, "/", 2 * spatial,
        ")"));
  }
  if (w.auto_pad != "NOTSET" && w.auto_pad != "VALID" && w.auto_pad != "SAME_UPPER" &&
      w.auto_pad != "SAME_LOWER") {
    return absl::UnimplementedError(absl::StrCat("unsupported auto_pad '", w.auto_pad, "'"));
  }
  OF_RETURN_IF_ERROR(CheckAttrRange("kernel_shape", w.kernel, 1, kMaxDim));
  OF_RETURN_IF_ERROR(CheckAttrRange("strides", w.strides, 1, kMaxDim));
  OF_RETURN_IF_ERROR(CheckAttrRange("dilations", w.dilations, 1, kMaxDim));
  OF_RETURN_IF_ERROR(CheckAttrRange("pads", w.pads, -kMaxDim, kMaxDim));
  for (size_t i = 0; i < spatial; ++i) {
    // (k-1)*d of two values up to 2^40 can overflow int64: checked in double.
    if ((static_cast<double>(w.kernel[i]) - 1) * static_cast<double>(w.dilations[i]) + 1 >
        static_cast<double>(kMaxDim)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "spatial axis ", i, ": kernel ", w.kernel[i], " with dilation ", w.dilations[i],
          " is a window beyond 2^40"));
    }
  }
  return w;
}

absl::StatusOr<WindowSize> ForwardWindowSize(const Window& w, size_t axis, int64_t in) {
  const size_t n = w.strides.size();
  const int64_t s = w.strides[axis];
  WindowSize out;
  if (w.auto_pad == "SAME_UPPER" || w.auto_pad == "SAME_LOWER") {
    out.size = out.alt = (in + s - 1) / s;
    return out;
  }
  const int64_t eff_kernel = (w.kernel[axis] - 1) * w.dilations[axis] + 1;
  const int64_t padded = in + w.pads[axis] + w.pads[axis + n];
  if (padded < eff_kernel) {
    return absl::InvalidArgumentError(absl::StrCat("spatial axis ", axis, ": padded input ",
                                                   padded, " is smaller than the window ",
                                                   eff_kernel));
  }
  const int64_t span = padded - eff_kernel;
  if (!w.ceil_mode) {
    out.size = out.alt = span / s + 1;
    return out;
  }
  out.alt = (span + s - 1) / s + 1;
  out.size = out.alt;
  if ((out.size - 1) * s >= in + w.pads[axis]) --out.size;
  return out;
}

absl::StatusOr<Dims> ForwardWindowDims(const Window& w, const Dims& in) {
  Dims out;
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] < 0 || in[i] > kMaxDim) {
      out.push_back(-1);
      continue;
    }
    OF_ASSIGN_OR_RETURN(const WindowSize size, ForwardWindowSize(w, i, in[i]));
    out.push_back(size.size);
  }
  return out;
}

absl::StatusOr<int64_t> TransposedWindowSize(const Window& w, size_t axis, int64_t in,
                                             int64_t output_padding) {
  const size_t n = w.strides.size();
  // Products of two values up to 2^40: computed in double, then bounded.
  const double s = static_cast<double>(w.strides[axis]);
  const double size =
      w.auto_pad == "SAME_UPPER" || w.auto_pad == "SAME_LOWER"
          ? static_cast<double>(in) * s
          : s * (static_cast<double>(in) - 1) + static_cast<double>(output_padding) +
                (static_cast<double>(w.kernel[axis]) - 1) *
                    static_cast<double>(w.dilations[axis]) +
                1 - static_cast<double>(w.pads[axis]) - static_cast<double>(w.pads[axis + n]);
  if (!(size >= 1 && size <= static_cast<double>(kMaxDim))) {
    return absl::InvalidArgumentError(absl::StrCat("ConvTranspose: output spatial axis ", axis,
                                                   " would be ", FormatCount(size),
                                                   ", not between 1 and 2^40"));
  }
  return static_cast<int64_t>(size);
}

}  // namespace onnx_flops
