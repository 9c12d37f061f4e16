// Convolutions: Conv, ConvInteger, QLinearConv and ConvTranspose.
//
// The multiply-accumulates are counted exactly (every kernel tap of every
// output position, padding taps included, as the dense kernels compute them);
// bias adds and requantization are vector work.
#include <cstdint>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "rules/families.h"

namespace onnx_flops {
namespace {

// Spatial attributes shared by Conv and ConvTranspose, defaulted and checked
// against the number of spatial axes.
struct Geometry {
  Dims strides, dilations, pads;  // pads: [x1_begin, x2_begin, ..., x1_end, ...]
  std::string auto_pad;
};

absl::StatusOr<Geometry> ReadGeometry(const NodeView& v, size_t n) {
  Geometry g;
  g.strides = AttrInts(v, "strides");
  g.dilations = AttrInts(v, "dilations");
  g.pads = AttrInts(v, "pads");
  g.auto_pad = AttrString(v, "auto_pad", "NOTSET");
  if (g.auto_pad.empty()) g.auto_pad = "NOTSET";
  if (g.strides.empty()) g.strides.assign(n, 1);
  if (g.dilations.empty()) g.dilations.assign(n, 1);
  if (g.pads.empty()) g.pads.assign(2 * n, 0);
  if (g.strides.size() != n || g.dilations.size() != n || g.pads.size() != 2 * n) {
    return absl::InvalidArgumentError(absl::StrCat(
        "strides/dilations/pads have ", g.strides.size(), "/", g.dilations.size(), "/",
        g.pads.size(), " values for ", n, " spatial axes (expected ", n, "/", n, "/",
        2 * n, ")"));
  }
  for (size_t i = 0; i < n; ++i) {
    if (g.strides[i] <= 0 || g.dilations[i] <= 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("strides and dilations must be positive, got strides=[",
                       absl::StrJoin(g.strides, ","), "] dilations=[",
                       absl::StrJoin(g.dilations, ","), "]"));
    }
  }
  if (g.auto_pad != "NOTSET" && g.auto_pad != "VALID" && g.auto_pad != "SAME_UPPER" &&
      g.auto_pad != "SAME_LOWER") {
    return absl::UnimplementedError(
        absl::StrCat("unsupported auto_pad '", g.auto_pad, "'"));
  }
  // Bounded so the output-size formulas below cannot overflow int64.
  OF_RETURN_IF_ERROR(CheckAttrRange("strides", g.strides, 1, kMaxDim));
  OF_RETURN_IF_ERROR(CheckAttrRange("dilations", g.dilations, 1, kMaxDim));
  OF_RETURN_IF_ERROR(CheckAttrRange("pads", g.pads, -kMaxDim, kMaxDim));
  if (g.auto_pad != "NOTSET") g.pads.assign(2 * n, 0);  // pads ignored with auto_pad
  return g;
}

// Output spatial dims of a forward convolution:
//   NOTSET: floor((in + pad_begin + pad_end - ((k-1)*d + 1)) / s) + 1
//   VALID:  floor((in - ((k-1)*d + 1)) / s) + 1
//   SAME_UPPER / SAME_LOWER: ceil(in / s)
absl::StatusOr<Dims> ConvOutSpatial(const Geometry& g, const Dims& in, const Dims& kernel) {
  const size_t n = in.size();
  Dims out(n);
  for (size_t i = 0; i < n; ++i) {
    if (g.auto_pad == "SAME_UPPER" || g.auto_pad == "SAME_LOWER") {
      out[i] = (in[i] + g.strides[i] - 1) / g.strides[i];
      continue;
    }
    // (k-1)*d of two values up to 2^40 can overflow int64: checked in double.
    if (kernel[i] < 1 || (kernel[i] - 1.0) * static_cast<double>(g.dilations[i]) + 1 >
                             static_cast<double>(kMaxDim)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "spatial axis ", i, ": kernel ", kernel[i], " with dilation ", g.dilations[i],
          " is not a window between 1 and 2^40"));
    }
    const int64_t eff_kernel = (kernel[i] - 1) * g.dilations[i] + 1;
    const int64_t padded = in[i] + g.pads[i] + g.pads[i + n];
    if (padded < eff_kernel) {
      return absl::InvalidArgumentError(absl::StrCat(
          "spatial axis ", i, ": padded input ", padded,
          " is smaller than the dilated kernel ", eff_kernel));
    }
    out[i] = (padded - eff_kernel) / g.strides[i] + 1;
  }
  return out;
}

// The node's first output when its rank is known; dims may contain -1.
const TensorInfo* KnownOutput(const NodeView& v) {
  if (v.outputs.empty() || v.outputs[0] == nullptr || !v.outputs[0]->has_shape) {
    return nullptr;
  }
  return v.outputs[0];
}

// InvalidArgument naming both shapes if a known output dim disagrees with ours.
absl::Status CheckOutput(const NodeView& v, const Dims& computed, size_t from_axis = 0) {
  const TensorInfo* out = KnownOutput(v);
  if (out == nullptr) return absl::OkStatus();
  bool agree = out->dims.size() == computed.size();
  for (size_t i = from_axis; agree && i < computed.size(); ++i) {
    if (out->dims[i] >= 0 && out->dims[i] != computed[i]) agree = false;
  }
  if (agree) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(
      "output shape ", DimsToString(out->dims), " disagrees with the computed shape ",
      DimsToString(computed)));
}

// Input slots of the forward-convolution family.
struct ConvSlots {
  const char* op;
  int x, w;
  int bias;         // -1: the op has no bias input
  bool requantize;  // QLinearConv: +2*numel(Y) for the output requantization
};

absl::StatusOr<Cost> CountConvLike(const NodeView& v, const ConvSlots& s) {
  OF_ASSIGN_OR_RETURN(Dims x, InputDims(v, s.x));
  if (x.size() < 3) {
    return absl::InvalidArgumentError(absl::StrCat(
        s.op, " input X must be [N, C, spatial...], got ", DimsToString(x)));
  }
  const size_t n = x.size() - 2;
  const int64_t batch = x[0], c_in = x[1];
  const Dims in(x.begin() + 2, x.end());
  const int64_t group = AttrInt(v, "group", 1);
  if (group <= 0 || c_in % group != 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        s.op, ": C_in=", c_in, " is not divisible by group=", group));
  }
  const Dims kernel_attr = AttrInts(v, "kernel_shape");

  int64_t c_out = 0;
  Dims kernel;
  auto w = InputDims(v, s.w);
  if (w.ok()) {
    if (w->size() != x.size()) {
      return absl::InvalidArgumentError(absl::StrCat(
          s.op, ": W ", DimsToString(*w), " must have the rank of X ", DimsToString(x)));
    }
    c_out = (*w)[0];
    if ((*w)[1] != c_in / group) {
      return absl::InvalidArgumentError(absl::StrCat(
          s.op, ": W's second dim is ", (*w)[1], " but C_in/group = ", c_in, "/", group,
          " = ", c_in / group));
    }
    kernel.assign(w->begin() + 2, w->end());
    if (!kernel_attr.empty() && kernel_attr != kernel) {
      return absl::InvalidArgumentError(absl::StrCat(
          s.op, ": kernel_shape [", absl::StrJoin(kernel_attr, ","),
          "] disagrees with W ", DimsToString(*w)));
    }
  } else {
    // W's shape unknown: kernel_shape plus C_out from a known output suffice.
    const TensorInfo* out = KnownOutput(v);
    if (kernel_attr.size() != n || out == nullptr || out->dims.size() != x.size() ||
        out->dims[1] < 0) {
      return w.status();
    }
    kernel = kernel_attr;
    c_out = out->dims[1];
  }
  if (c_out % group != 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        s.op, ": C_out=", c_out, " is not divisible by group=", group));
  }

  OF_ASSIGN_OR_RETURN(Geometry g, ReadGeometry(v, n));
  OF_ASSIGN_OR_RETURN(Dims out_spatial, ConvOutSpatial(g, in, kernel));
  Dims y = {batch, c_out};
  y.insert(y.end(), out_spatial.begin(), out_spatial.end());
  if (absl::Status st = CheckOutput(v, y); !st.ok()) return st;

  const double positions = static_cast<double>(batch) * static_cast<double>(c_out) *
                           NumElements(out_spatial);  // numel(Y)
  const double per_position =
      static_cast<double>(c_in / group) * NumElements(kernel);
  Cost c;
  c.macs = positions * per_position;
  c.matmul_flops = 2 * c.macs;
  c.detail = absl::StrCat("2*N*C_out*prod(out)*(C_in/group)*prod(k), N=", batch,
                          " C_out=", c_out, " out=", DimsToString(out_spatial),
                          " C_in/group=", c_in / group, " k=", DimsToString(kernel));
  if (s.bias >= 0 && HasInput(v, s.bias)) {
    c.vector_flops += positions;
    absl::StrAppend(&c.detail, "; bias N*C_out*prod(out)=", FormatCount(positions));
  }
  if (s.requantize) {
    c.vector_flops += 2 * positions;
    absl::StrAppend(&c.detail, "; requantize 2*numel(Y)=", FormatCount(2 * positions));
  }
  return c;
}

constexpr char kConvFormula[] =
    "2*N*C_out*prod(out_spatial)*(C_in/group)*prod(kernel) (matmul class; kernel "
    "from W [C_out, C_in/group, k...], out_spatial from pads/strides/dilations/"
    "auto_pad: floor((in+pad_begin+pad_end-((k-1)*d+1))/s)+1, SAME_*: ceil(in/s)) "
    "+ N*C_out*prod(out_spatial) bias adds if B is present (vector class)";

absl::StatusOr<Cost> CountConv(const NodeView& v) {
  return CountConvLike(v, {"Conv", 0, 1, 2, false});
}

constexpr char kConvIntegerFormula[] =
    "2*N*C_out*prod(out_spatial)*(C_in/group)*prod(kernel) (matmul class), as "
    "Conv; no bias; the x/w zero-point subtractions are not counted";

absl::StatusOr<Cost> CountConvInteger(const NodeView& v) {
  return CountConvLike(v, {"ConvInteger", 0, 1, -1, false});
}

constexpr char kQLinearConvFormula[] =
    "2*N*C_out*prod(out_spatial)*(C_in/group)*prod(kernel) (matmul class), as "
    "Conv (inputs x, x_scale, x_zp, w, w_scale, w_zp, y_scale, y_zp, B) + "
    "N*C_out*prod(out_spatial) bias adds if B is present + 2*numel(Y) for the "
    "output requantization (1 multiply by the combined scale + 1 zero-point add "
    "per output element) (vector class); input zero-point subtractions not counted";

absl::StatusOr<Cost> CountQLinearConv(const NodeView& v) {
  return CountConvLike(v, {"QLinearConv", 0, 3, 8, true});
}

// ConvTranspose: every input position scatters (C_out/group)*prod(kernel)
// products, so the MACs are counted on the INPUT spatial size. Counting
// 2*N*C_out*prod(out)*C_in/group*prod(k) (the forward-conv formula on the
// output size) overcounts by about prod(strides).
constexpr char kConvTransposeFormula[] =
    "2*N*C_in*prod(in_spatial)*(C_out/group)*prod(kernel) (matmul class; W is "
    "[C_in, C_out/group, k...]; counted on input positions, not output positions) "
    "+ N*C_out*prod(out_spatial) bias adds if B is present (vector class); "
    "out_spatial from the output shape, else the output_shape attribute, else "
    "s*(in-1)+output_padding+((k-1)*d+1)-pad_begin-pad_end (SAME_*: in*s)";

absl::StatusOr<Cost> CountConvTranspose(const NodeView& v) {
  OF_ASSIGN_OR_RETURN(Dims x, InputDims(v, 0));
  OF_ASSIGN_OR_RETURN(Dims w, InputDims(v, 1));
  if (x.size() < 3 || w.size() != x.size()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "ConvTranspose needs X [N, C_in, spatial...] and W of the same rank, got ",
        DimsToString(x), " and ", DimsToString(w)));
  }
  const size_t n = x.size() - 2;
  const int64_t batch = x[0], c_in = x[1];
  const Dims in(x.begin() + 2, x.end());
  const int64_t group = AttrInt(v, "group", 1);
  if (group <= 0 || c_in % group != 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "ConvTranspose: C_in=", c_in, " is not divisible by group=", group));
  }
  if (w[0] != c_in) {
    return absl::InvalidArgumentError(absl::StrCat(
        "ConvTranspose: W's first dim is ", w[0], " but X has C_in=", c_in));
  }
  const int64_t c_out_per_group = w[1];
  // Both factors are dims (<= 2^40): their product can overflow int64.
  if (static_cast<double>(c_out_per_group) * static_cast<double>(group) >
      static_cast<double>(kMaxDim)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "ConvTranspose: C_out = ", c_out_per_group, " x group ", group, " is beyond 2^40"));
  }
  const int64_t c_out = c_out_per_group * group;
  const Dims kernel(w.begin() + 2, w.end());
  const Dims kernel_attr = AttrInts(v, "kernel_shape");
  if (!kernel_attr.empty() && kernel_attr != kernel) {
    return absl::InvalidArgumentError(absl::StrCat(
        "ConvTranspose: kernel_shape [", absl::StrJoin(kernel_attr, ","),
        "] disagrees with W ", DimsToString(w)));
  }
  OF_ASSIGN_OR_RETURN(Geometry g, ReadGeometry(v, n));

  // Output spatial size: the node's output, else output_shape, else the formula.
  Dims out_spatial(n);
  std::string out_source;
  Dims output_shape = AttrInts(v, "output_shape");
  if (output_shape.size() == n + 2) output_shape.erase(output_shape.begin(), output_shape.begin() + 2);
  if (!output_shape.empty() && output_shape.size() != n) {
    return absl::InvalidArgumentError(absl::StrCat(
        "ConvTranspose: output_shape has ", output_shape.size(), " values for ", n,
        " spatial axes"));
  }
  Dims output_padding = AttrInts(v, "output_padding");
  if (output_padding.empty()) output_padding.assign(n, 0);
  if (output_padding.size() != n) {
    return absl::InvalidArgumentError(absl::StrCat(
        "ConvTranspose: output_padding has ", output_padding.size(), " values for ", n,
        " spatial axes"));
  }
  OF_RETURN_IF_ERROR(CheckAttrRange("output_shape", output_shape, 1, kMaxDim));
  OF_RETURN_IF_ERROR(CheckAttrRange("output_padding", output_padding, 0, kMaxDim));
  const bool by_formula = output_shape.empty() &&
                          (g.auto_pad == "NOTSET" || g.auto_pad == "VALID");
  for (size_t i = 0; i < n; ++i) {
    if (!output_shape.empty()) {
      out_spatial[i] = output_shape[i];
      continue;
    }
    // Products of two values up to 2^40: computed in double, then bounded.
    const double s = static_cast<double>(g.strides[i]);
    const double size =
        !by_formula ? static_cast<double>(in[i]) * s
                    : s * (static_cast<double>(in[i]) - 1) + static_cast<double>(output_padding[i]) +
                          (static_cast<double>(kernel[i]) - 1) * static_cast<double>(g.dilations[i]) +
                          1 - static_cast<double>(g.pads[i]) - static_cast<double>(g.pads[i + n]);
    if (!(size >= 1 && size <= static_cast<double>(kMaxDim))) {
      return absl::InvalidArgumentError(absl::StrCat(
          "ConvTranspose: output spatial axis ", i, " would be ", FormatCount(size),
          ", not between 1 and 2^40"));
    }
    out_spatial[i] = static_cast<int64_t>(size);
  }
  out_source = !output_shape.empty() ? "output_shape attribute"
               : by_formula          ? "s*(in-1)+output_padding+((k-1)*d+1)-pads"
                                     : "in*s (auto_pad)";
  Dims y = {batch, c_out};
  y.insert(y.end(), out_spatial.begin(), out_spatial.end());
  // N and C_out must agree; the spatial dims only where our formula is exact.
  {
    const TensorInfo* out = KnownOutput(v);
    Dims expected = y;
    if (out != nullptr && out->dims.size() == y.size() && !by_formula) {
      for (size_t i = 0; i < n; ++i) expected[i + 2] = out->dims[i + 2];
    }
    if (absl::Status st = CheckOutput(v, expected); !st.ok()) return st;
    if (out != nullptr) {
      bool all_known = true;
      for (int64_t d : out->dims) all_known = all_known && d >= 0;
      if (all_known) {
        out_spatial.assign(out->dims.begin() + 2, out->dims.end());
        out_source = "output shape";
      }
    }
  }
  for (int64_t d : out_spatial) {
    if (d <= 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          "ConvTranspose: non-positive output spatial size ", DimsToString(out_spatial)));
    }
  }

  Cost c;
  c.macs = static_cast<double>(batch) * static_cast<double>(c_in) * NumElements(in) *
           static_cast<double>(c_out_per_group) * NumElements(kernel);
  c.matmul_flops = 2 * c.macs;
  c.detail = absl::StrCat("2*N*C_in*prod(in)*(C_out/group)*prod(k), N=", batch,
                          " C_in=", c_in, " in=", DimsToString(in),
                          " C_out/group=", c_out_per_group, " k=", DimsToString(kernel));
  if (HasInput(v, 2)) {
    const double bias = static_cast<double>(batch) * static_cast<double>(c_out) *
                        NumElements(out_spatial);
    c.vector_flops += bias;
    absl::StrAppend(&c.detail, "; bias N*C_out*prod(out)=", FormatCount(bias), ", out=",
                    DimsToString(out_spatial), " from ", out_source);
  }
  return c;
}

}  // namespace

void RegisterConvRules(RuleRegistry& r) {
  Register(r, {"", "Conv", "conv", kConvFormula, CountConv});
  Register(r, {"", "ConvInteger", "conv", kConvIntegerFormula, CountConvInteger});
  Register(r, {"", "QLinearConv", "conv", kQLinearConvFormula, CountQLinearConv});
  Register(r, {"", "ConvTranspose", "conv", kConvTransposeFormula, CountConvTranspose});
}

}  // namespace onnx_flops
