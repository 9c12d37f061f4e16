// Propagators of the compute ops: MatMul/Gemm (and their quantized and
// com.microsoft fused forms), Einsum, Conv/ConvTranspose, pools, Resize,
// reductions (axes as attribute or, from opset 18, as input), ArgMax/ArgMin,
// TopK and the normalizations with extra outputs.
#include <algorithm>
#include <cmath>
#include <map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "analyzer/shapes/propagate.h"

namespace onnx_flops {
namespace {

constexpr int32_t kInt64 = onnx::TensorProto::INT64;
constexpr int32_t kInt32 = onnx::TensorProto::INT32;
constexpr int32_t kFloat = onnx::TensorProto::FLOAT;

// ---- MatMul family ----

// numpy matmul of shapes `a` and `b` (1-D operands promoted and dropped).
absl::StatusOr<Dims> MatMulDims(Dims a, Dims b) {
  if (a.empty() || b.empty()) return absl::InvalidArgumentError("MatMul of a scalar");
  const bool a_vec = a.size() == 1, b_vec = b.size() == 1;
  if (a_vec) a.insert(a.begin(), 1);
  if (b_vec) b.push_back(1);
  const int64_t k_a = a.back(), k_b = b[b.size() - 2];
  if (k_a >= 0 && k_b >= 0 && k_a != k_b) {
    return absl::InvalidArgumentError(absl::StrCat("MatMul of ", DimsToString(a), " and ",
                                                   DimsToString(b), ": inner dims differ"));
  }
  const Dims batch_a(a.begin(), a.end() - 2), batch_b(b.begin(), b.end() - 2);
  OF_ASSIGN_OR_RETURN(Dims out, BroadcastAll({&batch_a, &batch_b}));
  if (!a_vec) out.push_back(a[a.size() - 2]);
  if (!b_vec) out.push_back(b.back());
  return out;
}

void SwapLast(Dims& d) {
  if (d.size() >= 2) std::swap(d[d.size() - 1], d[d.size() - 2]);
}

absl::StatusOr<Outputs> MatMulOp(const NodeView& v) {
  const absl::string_view op = v.node->op_type();
  const bool qlinear = op == "QLinearMatMul";
  const TensorInfo* a = In(v, 0);
  const TensorInfo* b = In(v, qlinear ? 3 : 1);
  int32_t elem = ElemOf(a);
  if (op == "MatMulInteger") elem = kInt32;
  if (op == "MatMulIntegerToFloat" || op == "DynamicQuantizeMatMul") elem = kFloat;
  if (qlinear) elem = HasInput(v, 7) && ElemOf(In(v, 7)) != 0 ? ElemOf(In(v, 7)) : ElemOf(a);
  if (!Ranked(a) || !Ranked(b)) return Outputs{TypeOnly(elem)};
  Dims da = a->dims, db = b->dims;
  if (op == "FusedMatMul") {
    if (AttrInt(v, "transBatchA", 0) != 0 || AttrInt(v, "transBatchB", 0) != 0) {
      return Outputs{TypeOnly(elem)};
    }
    if (AttrInt(v, "transA", 0) != 0) SwapLast(da);
    if (AttrInt(v, "transB", 0) != 0) SwapLast(db);
  }
  OF_ASSIGN_OR_RETURN(Dims out, MatMulDims(da, db));
  return Outputs{Shaped(elem, out)};
}

// com.microsoft MatMulNBits: A[..., K] x packed B -> [..., N].
absl::StatusOr<Outputs> MatMulNBitsOp(const NodeView& v) {
  const TensorInfo* a = In(v, 0);
  const int64_t n = AttrInt(v, "N", -1);
  if (!Ranked(a) || a->dims.empty()) return Outputs{TypeOnly(ElemOf(a))};
  Dims out = a->dims;
  out.back() = n;
  return Outputs{Shaped(a->elem_type, out)};
}

absl::StatusOr<Outputs> GemmOp(const NodeView& v) {
  const TensorInfo* a = In(v, 0);
  const TensorInfo* b = In(v, 1);
  if (!Ranked(a) || !Ranked(b)) return Outputs{TypeOnly(ElemOf(a))};
  if (a->dims.size() != 2 || b->dims.size() != 2) {
    return absl::InvalidArgumentError(absl::StrCat("Gemm of ", DimsToString(a->dims), " and ",
                                                   DimsToString(b->dims)));
  }
  const int64_t m = AttrInt(v, "transA", 0) != 0 ? a->dims[1] : a->dims[0];
  const int64_t n = AttrInt(v, "transB", 0) != 0 ? b->dims[0] : b->dims[1];
  return Outputs{Shaped(a->elem_type, {m, n})};
}

// Einsum: labels of the inputs give the output's dims; "..." broadcasts.
absl::StatusOr<Outputs> EinsumOp(const NodeView& v) {
  std::string eq = AttrString(v, "equation", "");
  eq.erase(std::remove(eq.begin(), eq.end(), ' '), eq.end());
  const int32_t elem = ElemOf(In(v, 0));
  const size_t arrow = eq.find("->");
  const std::string lhs = eq.substr(0, arrow);
  std::vector<std::string> terms;
  for (size_t start = 0;;) {
    const size_t comma = lhs.find(',', start);
    terms.push_back(lhs.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  if (static_cast<int>(terms.size()) != v.node->input_size()) {
    return absl::InvalidArgumentError("Einsum equation does not match the inputs");
  }
  std::map<char, int64_t> size;
  std::map<char, int> count;
  std::vector<const Dims*> ellipses;
  std::vector<Dims> ellipsis_store(terms.size());
  for (size_t i = 0; i < terms.size(); ++i) {
    const TensorInfo* t = In(v, static_cast<int>(i));
    if (!Ranked(t)) return Outputs{TypeOnly(elem)};
    std::string term = terms[i];
    const size_t dots = term.find("...");
    const size_t labels = term.size() - (dots == std::string::npos ? 0 : 3);
    if (labels > t->dims.size()) return absl::InvalidArgumentError("Einsum term longer than its input's rank");
    const size_t ell_rank = t->dims.size() - labels;
    if (dots == std::string::npos && ell_rank != 0) {
      return absl::InvalidArgumentError("Einsum term shorter than its input's rank");
    }
    size_t axis = 0;
    for (size_t c = 0; c < term.size(); ++c) {
      if (term.compare(c, 3, "...") == 0) {
        ellipsis_store[i].assign(t->dims.begin() + static_cast<int64_t>(axis),
                                 t->dims.begin() + static_cast<int64_t>(axis + ell_rank));
        ellipses.push_back(&ellipsis_store[i]);
        axis += ell_rank;
        c += 2;
        continue;
      }
      const char l = term[c];
      const int64_t d = t->dims[axis++];
      count[l]++;
      auto it = size.find(l);
      if (it == size.end() || it->second < 0 || it->second == 1) {
        // A 1 broadcasts; an unknown stays unknown unless a real size comes.
        size[l] = it != size.end() && it->second < 0 && d == 1 ? -1 : d;
      } else if (d >= 0 && d != 1 && d != it->second) {
        return absl::InvalidArgumentError(absl::StrCat("Einsum label '", std::string(1, l),
                                                       "' has sizes ", it->second, " and ", d));
      }
    }
  }
  OF_ASSIGN_OR_RETURN(Dims ell, BroadcastAll(ellipses));
  std::string rhs;
  if (arrow != std::string::npos) {
    rhs = eq.substr(arrow + 2);
  } else {
    rhs = ellipses.empty() ? "" : "...";
    for (const auto& [l, n] : count) {
      if (n == 1) rhs.push_back(l);
    }
  }
  Dims out;
  for (size_t c = 0; c < rhs.size(); ++c) {
    if (rhs.compare(c, 3, "...") == 0) {
      out.insert(out.end(), ell.begin(), ell.end());
      c += 2;
      continue;
    }
    auto it = size.find(rhs[c]);
    if (it == size.end()) return absl::InvalidArgumentError("Einsum output label not in the inputs");
    out.push_back(it->second);
  }
  return Outputs{Shaped(elem, out)};
}

// ---- Convolutions and pools ----

// One spatial output dim of a sliding window; -1 when unknown.
absl::StatusOr<int64_t> WindowOut(int64_t in, int64_t k, int64_t s, int64_t d, int64_t pb,
                                  int64_t pe, const std::string& auto_pad, bool ceil_mode) {
  if (in < 0 || k < 0 || in > kMaxDim) return -1;
  if (s <= 0 || d <= 0) return absl::InvalidArgumentError("stride and dilation must be positive");
  // Not std::abs: it is undefined for INT64_MIN, which a hostile file can hold.
  // (k-1)*d of two values up to 2^40 can overflow int64: checked in double.
  if (k > kMaxDim || s > kMaxDim || d > kMaxDim || pb > kMaxDim || pb < -kMaxDim ||
      pe > kMaxDim || pe < -kMaxDim || k == 0 ||
      (k - 1.0) * static_cast<double>(d) + 1 > static_cast<double>(kMaxDim)) {
    return absl::InvalidArgumentError("absurd window attributes");
  }
  if (auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER") return (in + s - 1) / s;
  if (auto_pad == "VALID") pb = pe = 0;
  const int64_t eff = (k - 1) * d + 1;
  const int64_t numer = in + pb + pe - eff;
  if (numer < 0) {
    return absl::InvalidArgumentError(absl::StrCat("window of ", eff, " is larger than the input ",
                                                   in, " + pads ", pb + pe));
  }
  if (!ceil_mode) return numer / s + 1;
  int64_t o = (numer + s - 1) / s + 1;
  if ((o - 1) * s >= in + pb) --o;  // the last window must start inside the input
  return o;
}

struct Window {
  std::vector<int64_t> kernel, strides, dilations, pads;
  std::string auto_pad;
  bool ceil_mode = false;
};

Window WindowOf(const NodeView& v, size_t spatial, const Dims* weight) {
  Window w;
  w.kernel = AttrInts(v, "kernel_shape");
  if (w.kernel.empty() && weight != nullptr && weight->size() == spatial + 2) {
    w.kernel.assign(weight->begin() + 2, weight->end());
  }
  w.strides = AttrInts(v, "strides");
  w.dilations = AttrInts(v, "dilations");
  w.pads = AttrInts(v, "pads");
  if (w.strides.empty()) w.strides.assign(spatial, 1);
  if (w.dilations.empty()) w.dilations.assign(spatial, 1);
  if (w.pads.empty()) w.pads.assign(2 * spatial, 0);
  w.auto_pad = AttrString(v, "auto_pad", "NOTSET");
  w.ceil_mode = AttrInt(v, "ceil_mode", 0) != 0;
  return w;
}

absl::StatusOr<Dims> SpatialOut(const Dims& x, const Window& w) {
  const size_t spatial = x.size() - 2;
  if (w.kernel.size() != spatial || w.strides.size() != spatial ||
      w.dilations.size() != spatial || w.pads.size() != 2 * spatial) {
    return absl::InvalidArgumentError("window attributes do not match the input's rank");
  }
  Dims out;
  for (size_t i = 0; i < spatial; ++i) {
    OF_ASSIGN_OR_RETURN(int64_t o, WindowOut(x[2 + i], w.kernel[i], w.strides[i], w.dilations[i],
                                             w.pads[i], w.pads[i + spatial], w.auto_pad,
                                             w.ceil_mode));
    out.push_back(o);
  }
  return out;
}

absl::StatusOr<Outputs> ConvOp(const NodeView& v) {
  const absl::string_view op = v.node->op_type();
  const bool qlinear = op == "QLinearConv";
  const TensorInfo* x = In(v, 0);
  const TensorInfo* w = In(v, qlinear ? 3 : 1);
  int32_t elem = ElemOf(x);
  if (op == "ConvInteger") elem = kInt32;
  if (qlinear && ElemOf(In(v, 7)) != 0) elem = ElemOf(In(v, 7));
  if (!Ranked(x) || x->dims.size() < 3) return Outputs{TypeOnly(elem)};
  const size_t spatial = x->dims.size() - 2;
  const Dims* wd = Ranked(w) ? &w->dims : nullptr;
  const Window win = WindowOf(v, spatial, wd);
  if (win.kernel.size() != spatial) return Outputs{Shaped(elem, Dims(x->dims.size(), -1))};
  OF_ASSIGN_OR_RETURN(Dims sp, SpatialOut(x->dims, win));
  Dims out{x->dims[0], wd != nullptr && !wd->empty() ? (*wd)[0] : -1};
  out.insert(out.end(), sp.begin(), sp.end());
  return Outputs{Shaped(elem, out)};
}

absl::StatusOr<Outputs> ConvTransposeOp(const NodeView& v) {
  const TensorInfo* x = In(v, 0);
  const TensorInfo* w = In(v, 1);
  if (!Ranked(x) || x->dims.size() < 3) return Outputs{TypeOnly(ElemOf(x))};
  const size_t spatial = x->dims.size() - 2;
  const Dims* wd = Ranked(w) ? &w->dims : nullptr;
  const Window win = WindowOf(v, spatial, wd);
  const int64_t group = AttrInt(v, "group", 1);
  // DimMul: C_out/group and group are each up to 2^40 (or garbage); the product can overflow.
  Dims out{x->dims[0], wd != nullptr && wd->size() >= 2 ? DimMul((*wd)[1], group) : -1};
  std::vector<int64_t> output_shape = AttrInts(v, "output_shape");
  if (output_shape.size() == spatial + 2) output_shape.erase(output_shape.begin(), output_shape.begin() + 2);
  if (output_shape.size() == spatial) {
    out.insert(out.end(), output_shape.begin(), output_shape.end());
    return Outputs{Shaped(x->elem_type, out)};
  }
  if (win.kernel.size() != spatial || win.strides.size() != spatial ||
      win.dilations.size() != spatial || win.pads.size() != 2 * spatial) {
    return Outputs{Shaped(x->elem_type, Dims(x->dims.size(), -1))};
  }
  std::vector<int64_t> out_pad = AttrInts(v, "output_padding");
  if (out_pad.size() != spatial) out_pad.assign(spatial, 0);
  for (size_t i = 0; i < spatial; ++i) {
    const int64_t in = x->dims[2 + i], k = win.kernel[i];
    const int64_t s = win.strides[i], d = win.dilations[i];
    // The bounds first: the pad sum and the products below overflow int64 on
    // hostile attributes (and std::abs is undefined for INT64_MIN).
    auto outside = [](int64_t a) { return a > kMaxDim || a < -kMaxDim; };
    if (in < 1 || k < 1 || s < 1 || d < 1 || in > kMaxDim || k > kMaxDim || s > kMaxDim ||
        d > kMaxDim || outside(win.pads[i]) || outside(win.pads[i + spatial]) ||
        outside(out_pad[i])) {
      out.push_back(-1);
      continue;
    }
    const int64_t pads = win.auto_pad == "VALID" ? 0 : win.pads[i] + win.pads[i + spatial];
    if (win.auto_pad == "SAME_UPPER" || win.auto_pad == "SAME_LOWER") {
      out.push_back(DimMul(in, s));
    } else {
      const int64_t grown = DimAdd(DimMul(s, in - 1), DimAdd(DimMul(k - 1, d), 1));
      out.push_back(grown < 0 ? -1 : std::max<int64_t>(grown + out_pad[i] - pads, -1));
    }
  }
  return Outputs{Shaped(x->elem_type, out)};
}

absl::StatusOr<Outputs> PoolOp(const NodeView& v) {
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
  const Window win = WindowOf(v, spatial, nullptr);
  if (win.kernel.size() != spatial) {
    return absl::InvalidArgumentError("pool without a kernel_shape for every spatial axis");
  }
  OF_ASSIGN_OR_RETURN(Dims sp, SpatialOut(x->dims, win));
  Dims out{x->dims[0], x->dims[1]};
  out.insert(out.end(), sp.begin(), sp.end());
  return with_indices(Shaped(x->elem_type, out));
}

absl::StatusOr<Outputs> GlobalPoolOp(const NodeView& v) {
  const TensorInfo* x = In(v, 0);
  if (!Ranked(x) || x->dims.size() < 2) return Outputs{TypeOnly(ElemOf(x))};
  Dims out(x->dims.size(), 1);
  out[0] = x->dims[0];
  out[1] = x->dims[1];
  return Outputs{Shaped(x->elem_type, out)};
}

absl::StatusOr<Outputs> RoiAlignOp(const NodeView& v) {
  const TensorInfo* x = In(v, 0);
  const TensorInfo* rois = In(v, 1);
  if (!Ranked(x) || x->dims.size() != 4) return Outputs{TypeOnly(ElemOf(x))};
  const int64_t n = Ranked(rois) && !rois->dims.empty() ? rois->dims[0] : -1;
  return Outputs{Shaped(x->elem_type, {n, x->dims[1], AttrInt(v, "output_height", 1),
                                       AttrInt(v, "output_width", 1)})};
}

// ---- Resize, Upsample ----

bool Empty(const TensorInfo* t) { return Known(t) && NumElements(t->dims) == 0; }

absl::StatusOr<Outputs> ResizeOp(const NodeView& v) {
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
  } else if (upsample || v.node->input_size() == 2) {  // Upsample-9, Resize-10: X, scales
    scales = DoublesOf(v, 1);
    if (!scales.has_value()) return unknown();
  } else if (HasInput(v, 3) && !Empty(In(v, 3))) {
    sizes = IntsOf(v, 3);
    if (!sizes.has_value()) return unknown();
  } else if (HasInput(v, 2) && !Empty(In(v, 2))) {
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

// ---- Reductions ----

absl::StatusOr<Outputs> ReduceOp(const NodeView& v) {
  const TensorInfo* x = In(v, 0);
  const absl::string_view op = v.node->op_type();
  if (!Ranked(x)) return Outputs{TypeOnly(ElemOf(x))};
  const int64_t r = static_cast<int64_t>(x->dims.size());
  const bool keep = AttrInt(v, "keepdims", 1) != 0;
  std::optional<std::vector<int64_t>> axes = AxesOf(v, "axes", 1);
  if (!axes.has_value()) {
    if (keep) {
      Dims out = x->dims;
      for (int64_t& d : out) d = d == 1 ? 1 : -1;
      return Outputs{Shaped(x->elem_type, out)};
    }
    return Outputs{TypeOnly(x->elem_type)};
  }
  if (axes->empty()) {
    if (AttrInt(v, "noop_with_empty_axes", 0) != 0) return Outputs{SameAs(x)};
    for (int64_t i = 0; i < r; ++i) axes->push_back(i);
  }
  std::vector<bool> reduced(x->dims.size(), false);
  for (int64_t a : *axes) {
    OF_ASSIGN_OR_RETURN(int64_t n, NormalizeAxis(a, r));
    reduced[static_cast<size_t>(n)] = true;
  }
  Dims out, kept;  // kept: the output with keepdims, for indexing
  for (size_t i = 0; i < x->dims.size(); ++i) {
    kept.push_back(reduced[i] ? 1 : x->dims[i]);
    if (!reduced[i]) {
      out.push_back(x->dims[i]);
    } else if (keep) {
      out.push_back(1);
    }
  }
  const bool computable = op == "ReduceSum" || op == "ReduceProd" || op == "ReduceMax" ||
                          op == "ReduceMin" || op == "ReduceMean";
  if (!computable || !Valued(x) || !SmallEnough(out)) return Outputs{Shaped(x->elem_type, out)};
  const size_t n_out = static_cast<size_t>(NumElements(out));
  const std::vector<int64_t> out_strides = Strides(kept);
  std::vector<std::vector<size_t>> members(n_out);
  const size_t n_in = x->values.size();
  for (size_t k = 0; k < n_in; ++k) {
    int64_t rem = static_cast<int64_t>(k), dst = 0;
    for (size_t a = x->dims.size(); a-- > 0;) {
      const int64_t c = rem % x->dims[a];
      rem /= x->dims[a];
      if (!reduced[a]) dst += c * out_strides[a];
    }
    members[static_cast<size_t>(dst)].push_back(k);
  }
  const bool ints = IsIntegral(x->elem_type);
  std::vector<double> values;
  std::vector<int64_t> int_values;
  for (const std::vector<size_t>& m : members) {
    if (m.empty()) return Outputs{Shaped(x->elem_type, out)};  // reducing an empty axis
    double acc = x->values[m[0]];
    int64_t iacc = x->int_values[m[0]];
    for (size_t j = 1; j < m.size(); ++j) {
      const double d = x->values[m[j]];
      const int64_t i = x->int_values[m[j]];
      if (op == "ReduceSum" || op == "ReduceMean") {
        acc += d;
        if (ints && __builtin_add_overflow(iacc, i, &iacc)) return Outputs{Shaped(x->elem_type, out)};
      } else if (op == "ReduceProd") {
        acc *= d;
        if (ints && __builtin_mul_overflow(iacc, i, &iacc)) return Outputs{Shaped(x->elem_type, out)};
      } else if (op == "ReduceMax") {
        acc = std::max(acc, d);
        iacc = std::max(iacc, i);
      } else {
        acc = std::min(acc, d);
        iacc = std::min(iacc, i);
      }
    }
    if (op == "ReduceMean") {
      acc /= static_cast<double>(m.size());
      iacc /= static_cast<int64_t>(m.size());
    }
    values.push_back(acc);
    int_values.push_back(iacc);
  }
  return Outputs{Built(x->elem_type, out, values, int_values)};
}

absl::StatusOr<Outputs> ArgReduceOp(const NodeView& v) {
  const TensorInfo* x = In(v, 0);
  if (!Ranked(x)) return Outputs{TypeOnly(kInt64)};
  OF_ASSIGN_OR_RETURN(int64_t axis, NormalizeAxis(AttrInt(v, "axis", 0),
                                                  static_cast<int64_t>(x->dims.size())));
  Dims out = x->dims;
  if (AttrInt(v, "keepdims", 1) != 0) {
    out[static_cast<size_t>(axis)] = 1;
  } else {
    out.erase(out.begin() + axis);
  }
  return Outputs{Shaped(kInt64, out)};
}

absl::StatusOr<Outputs> TopKOp(const NodeView& v) {
  const TensorInfo* x = In(v, 0);
  if (!Ranked(x)) return Outputs{TypeOnly(ElemOf(x)), TypeOnly(kInt64)};
  OF_ASSIGN_OR_RETURN(int64_t axis, NormalizeAxis(AttrInt(v, "axis", -1),
                                                  static_cast<int64_t>(x->dims.size())));
  int64_t k = -1;
  if (HasInput(v, 1)) {
    k = ScalarInt(v, 1).value_or(-1);
  } else if (HasAttr(v, "k")) {
    k = AttrInt(v, "k", 0);
  }
  if (k < -1) return absl::InvalidArgumentError(absl::StrCat("TopK k = ", k));
  Dims out = x->dims;
  out[static_cast<size_t>(axis)] = k;
  return Outputs{Shaped(x->elem_type, out), Shaped(kInt64, out)};
}

// ---- Normalizations with statistics outputs ----

absl::StatusOr<Outputs> LayerNormOp(const NodeView& v) {
  const TensorInfo* x = In(v, 0);
  const int32_t stash = static_cast<int32_t>(AttrInt(v, "stash_type", kFloat));
  if (!Ranked(x)) return Outputs{TypeOnly(ElemOf(x)), TypeOnly(stash), TypeOnly(stash)};
  OF_ASSIGN_OR_RETURN(int64_t axis, NormalizeAxis(AttrInt(v, "axis", -1),
                                                  static_cast<int64_t>(x->dims.size())));
  Dims stats = x->dims;
  for (size_t i = static_cast<size_t>(axis); i < stats.size(); ++i) stats[i] = 1;
  return Outputs{Shaped(x->elem_type, x->dims), Shaped(stash, stats), Shaped(stash, stats)};
}

absl::StatusOr<Outputs> BatchNormOp(const NodeView& v) {
  const TensorInfo* x = In(v, 0);
  if (!Ranked(x)) return Outputs{TypeOnly(ElemOf(x))};
  Outputs outs{Shaped(x->elem_type, x->dims)};
  const int64_t c = x->dims.size() >= 2 ? x->dims[1] : -1;
  for (int i = 1; i < v.node->output_size(); ++i) outs.push_back(Shaped(x->elem_type, {c}));
  return outs;
}

// RNN, GRU, LSTM: Y is [seq, dirs, batch, hidden] (layout 0) or [batch, seq,
// dirs, hidden] (layout 1); Y_h and LSTM's Y_c are [dirs, batch, hidden] or
// [batch, dirs, hidden]. hidden_size comes from the attribute, else from W
// ([dirs, gates x hidden, input]).
absl::StatusOr<Outputs> RecurrentOp(const NodeView& v) {
  const TensorInfo* x = In(v, 0);
  const int32_t elem = ElemOf(x);
  const std::string& op = v.node->op_type();
  const int64_t gates = op == "LSTM" ? 4 : op == "GRU" ? 3 : 1;
  int64_t hidden = AttrInt(v, "hidden_size", -1);
  const TensorInfo* w = In(v, 1);
  if (hidden < 0 && Ranked(w) && w->dims.size() == 3 && w->dims[1] >= 0 &&
      w->dims[1] % gates == 0) {
    hidden = w->dims[1] / gates;
  }
  if (hidden <= 0 || hidden > kMaxDim) hidden = -1;
  const int64_t dirs = AttrString(v, "direction", "forward") == "bidirectional" ? 2 : 1;
  const bool batch_first = AttrInt(v, "layout", 0) != 0;
  int64_t seq = -1, batch = -1;
  if (Ranked(x)) {
    if (x->dims.size() != 3) {
      return absl::InvalidArgumentError(
          absl::StrCat(op, " input X of rank ", x->dims.size(), ", not 3"));
    }
    seq = x->dims[batch_first ? 1 : 0];
    batch = x->dims[batch_first ? 0 : 1];
  }
  Outputs outs;
  outs.push_back(batch_first ? Shaped(elem, {batch, seq, dirs, hidden})
                             : Shaped(elem, {seq, dirs, batch, hidden}));
  for (int i = 1; i < v.node->output_size() && i < 3; ++i) {
    outs.push_back(batch_first ? Shaped(elem, {batch, dirs, hidden})
                               : Shaped(elem, {dirs, batch, hidden}));
  }
  return outs;
}

}  // namespace

void RegisterNnPropagators(PropagatorRegistry& r) {
  AddPropagator(r, "", {"RNN", "GRU", "LSTM"}, RecurrentOp);
  AddPropagator(r, "", {"MatMul", "MatMulInteger", "QLinearMatMul"}, MatMulOp);
  AddPropagator(r, "com.microsoft",
                {"FusedMatMul", "MatMulIntegerToFloat", "DynamicQuantizeMatMul"}, MatMulOp);
  AddPropagator(r, "com.microsoft", {"MatMulNBits"}, MatMulNBitsOp);
  AddPropagator(r, "", {"Gemm"}, GemmOp);
  AddPropagator(r, "com.microsoft", {"FusedGemm"}, GemmOp);
  AddPropagator(r, "", {"Einsum"}, EinsumOp);
  AddPropagator(r, "", {"Conv", "ConvInteger", "QLinearConv"}, ConvOp);
  AddPropagator(r, "com.microsoft", {"FusedConv"}, ConvOp);
  AddPropagator(r, "", {"ConvTranspose"}, ConvTransposeOp);
  AddPropagator(r, "", {"MaxPool", "AveragePool", "LpPool"}, PoolOp);
  AddPropagator(r, "", {"GlobalAveragePool", "GlobalMaxPool", "GlobalLpPool"}, GlobalPoolOp);
  AddPropagator(r, "", {"RoiAlign"}, RoiAlignOp);
  AddPropagator(r, "", {"Resize", "Upsample"}, ResizeOp);
  AddPropagator(r, "",
                {"ReduceSum", "ReduceMean", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceL1",
                 "ReduceL2", "ReduceLogSum", "ReduceLogSumExp", "ReduceSumSquare"},
                ReduceOp);
  AddPropagator(r, "", {"ArgMax", "ArgMin"}, ArgReduceOp);
  AddPropagator(r, "", {"TopK"}, TopKOp);
  AddPropagator(r, "", {"LayerNormalization"}, LayerNormOp);
  AddPropagator(r, "", {"BatchNormalization"}, BatchNormOp);
}

}  // namespace onnx_flops
