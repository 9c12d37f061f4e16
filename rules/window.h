// The sliding-window geometry of Conv, ConvTranspose and the pools, written
// once: how kernel_shape/strides/dilations/pads/auto_pad/ceil_mode are read
// and defaulted, and the output-size formulas. The FLOP rules (conv.cc,
// pool.cc) and the shape propagators of the same ops all use it.
#ifndef ONNX_FLOPS_RULES_WINDOW_H_
#define ONNX_FLOPS_RULES_WINDOW_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "rules/rule.h"

namespace onnx_flops {

struct Window {
  Dims kernel;              // one per spatial axis
  Dims strides, dilations;  // one per spatial axis
  Dims pads;                // [x1_begin, x2_begin, ..., x1_end, ...]; zeros under auto_pad
  std::string auto_pad;     // NOTSET, VALID, SAME_UPPER or SAME_LOWER
  bool ceil_mode = false;   // pools
};

// The window of a node with `spatial` spatial axes and the given kernel (from
// kernel_shape or W): strides and dilations default to 1, pads to 0, and pads
// are ignored under an auto_pad other than NOTSET, as the spec says. Errors
// unless every list has one value per axis (pads two), kernel, strides and
// dilations lie in [1, 2^40], pads in [-2^40, 2^40] and auto_pad is one of
// the four: hostile files carry strides of 0 and pads of INT64_MAX, and the
// bounds keep the formulas below inside int64.
absl::StatusOr<Window> ReadWindow(const NodeView& v, size_t spatial, Dims kernel);

// One output size of a forward window (Conv, pools) along `axis`:
//   SAME_UPPER / SAME_LOWER: ceil(in / s)
//   NOTSET, VALID: floor((in + pad_begin + pad_end - ((k-1)*d + 1)) / s) + 1,
//     with ceil_mode: ceil(...) + 1, less a last window that would start in
//     the right padding (opset 19's rule).
// `alt` keeps that last window (the older ceil_mode convention some
// exporters wrote); it equals `size` when there is no ambiguity. An error
// when the padded input is smaller than the dilated kernel.
struct WindowSize {
  int64_t size = 0;
  int64_t alt = 0;
};
absl::StatusOr<WindowSize> ForwardWindowSize(const Window& w, size_t axis, int64_t in);

// ForwardWindowSize's sizes of every axis of `in` (spatial dims only); an
// unknown (-1) input dim gives an unknown output dim.
absl::StatusOr<Dims> ForwardWindowDims(const Window& w, const Dims& in);

// One output size of ConvTranspose along `axis`:
//   SAME_UPPER / SAME_LOWER: in * s
//   NOTSET, VALID: s*(in-1) + output_padding + ((k-1)*d + 1) - pad_begin - pad_end
// An error unless it lies in [1, 2^40].
absl::StatusOr<int64_t> TransposedWindowSize(const Window& w, size_t axis, int64_t in,
                                             int64_t output_padding);

}  // namespace onnx_flops

#endif  // ONNX_FLOPS_RULES_WINDOW_H_
