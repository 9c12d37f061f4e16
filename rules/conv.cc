// Convolutions: Conv, ConvInteger, QLinearConv and ConvTranspose.
//
// The multiply-accumulates are counted exactly (every kernel tap of every
// output position, padding taps included, as the dense kernels compute them);
// bias adds and requantization are vector work.
#include <cstdint>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "rules/families.h"
#include "rules/propagate.h"
#include "rules/window.h"

namespace onnx_flops {
namespace {

// Conv has no ceil_mode: a stray attribute of that name changes nothing.
absl::StatusOr<Window> ConvWindow(const NodeView& v, size_t n, Dims kernel) {
  OF_ASSIGN_OR_RETURN(Window w, ReadWindow(v, n, std::move(kernel)));
  w.ceil_mode = false;
  return w;
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

  OF_ASSIGN_OR_RETURN(const Window g, ConvWindow(v, n, kernel));
  OF_ASSIGN_OR_RETURN(const Dims out_spatial, ForwardWindowDims(g, in));
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
  OF_ASSIGN_OR_RETURN(const Window g, ConvWindow(v, n, kernel));

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
    OF_ASSIGN_OR_RETURN(out_spatial[i], TransposedWindowSize(g, i, in[i], output_padding[i]));
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

// ---- Shape propagation ----

// The kernel from kernel_shape, else from W [C_out, C_in/group, k...].
Dims KernelOf(const NodeView& v, size_t spatial, const TensorInfo* w) {
  Dims kernel = AttrInts(v, "kernel_shape");
  if (kernel.empty() && Ranked(w) && w->dims.size() == spatial + 2) {
    kernel.assign(w->dims.begin() + 2, w->dims.end());
  }
  return kernel;
}

absl::StatusOr<Outputs> ShapeOfConvTranspose(const NodeView& v) {
  const TensorInfo* x = In(v, 0);
  const TensorInfo* w = In(v, 1);
  if (!Ranked(x) || x->dims.size() < 3) return Outputs{TypeOnly(ElemOf(x))};
  const size_t spatial = x->dims.size() - 2;
  const int64_t group = AttrInt(v, "group", 1);
  // DimMul: C_out/group and group are each up to 2^40 (or garbage); the product can overflow.
  Dims out{x->dims[0], Ranked(w) && w->dims.size() >= 2 ? DimMul(w->dims[1], group) : -1};
  std::vector<int64_t> output_shape = AttrInts(v, "output_shape");
  if (output_shape.size() == spatial + 2) output_shape.erase(output_shape.begin(), output_shape.begin() + 2);
  if (output_shape.size() == spatial) {
    out.insert(out.end(), output_shape.begin(), output_shape.end());
    return Outputs{Shaped(x->elem_type, out)};
  }
  const absl::StatusOr<Window> win = ConvWindow(v, spatial, KernelOf(v, spatial, w));
  std::vector<int64_t> out_pad = AttrInts(v, "output_padding");
  if (out_pad.size() != spatial) out_pad.assign(spatial, 0);
  for (size_t i = 0; i < spatial; ++i) {
    const int64_t in = x->dims[2 + i];
    absl::StatusOr<int64_t> size = -1;
    if (win.ok() && in >= 1 && in <= kMaxDim && out_pad[i] >= 0 && out_pad[i] <= kMaxDim) {
      size = TransposedWindowSize(*win, i, in, out_pad[i]);
    }
    out.push_back(size.ok() ? *size : -1);
  }
  return Outputs{Shaped(x->elem_type, out)};
}

}  // namespace

absl::StatusOr<Outputs> ShapeOfConv(const NodeView& v) {
  const absl::string_view op = v.node->op_type();
  const bool qlinear = op == "QLinearConv";
  const TensorInfo* x = In(v, 0);
  const TensorInfo* w = In(v, qlinear ? 3 : 1);
  int32_t elem = ElemOf(x);
  if (op == "ConvInteger") elem = kInt32;
  if (qlinear && ElemOf(In(v, 7)) != 0) elem = ElemOf(In(v, 7));
  if (!Ranked(x) || x->dims.size() < 3) return Outputs{TypeOnly(elem)};
  const size_t spatial = x->dims.size() - 2;
  const Dims kernel = KernelOf(v, spatial, w);
  if (kernel.size() != spatial) return Outputs{Shaped(elem, Dims(x->dims.size(), -1))};
  OF_ASSIGN_OR_RETURN(const Window win, ConvWindow(v, spatial, kernel));
  OF_ASSIGN_OR_RETURN(const Dims sp, ForwardWindowDims(win, Dims(x->dims.begin() + 2, x->dims.end())));
  Dims out{x->dims[0], Ranked(w) && !w->dims.empty() ? w->dims[0] : -1};
  out.insert(out.end(), sp.begin(), sp.end());
  return Outputs{Shaped(elem, out)};
}

void RegisterConvRules(RuleRegistry& r) {
  Register(r, {"", "Conv", "conv", kConvFormula, CountConv, ShapeOfConv,
               Backward(BackwardKind::kProduct)});
  Register(r, {"", "ConvInteger", "conv", kConvIntegerFormula, CountConvInteger, ShapeOfConv,
               QuantizedProduct(0, 1, Slots({0, 1}))});
  Register(r, {"", "QLinearConv", "conv", kQLinearConvFormula, CountQLinearConv, ShapeOfConv,
               QuantizedProduct(0, 3, Slots({0, 3, 8}))});
  Register(r, {"", "ConvTranspose", "conv", kConvTransposeFormula, CountConvTranspose,
               ShapeOfConvTranspose, Backward(BackwardKind::kProduct)});
}

}  // namespace onnx_flops
