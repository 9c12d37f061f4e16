// The signal-processing ops of ONNX opset 17: DFT, STFT, the three cosine
// windows and MelWeightMatrix.
//
// A DFT is a matrix product with the DFT matrix (torch exports STFT as a Conv
// whose kernels are that matrix's rows), so it is counted as one, in the
// matmul class: every output bin k takes a dot product of the signal's
// samples n with e^(-2*pi*i*k*n/L). For a real signal each (n, k) pair is 2
// real multiply-accumulates (the cosine and the sine part), for a complex one
// 4 (a complex multiply). Samples that dft_length pads with zeros are not
// multiplied; a longer signal is truncated to dft_length. No FFT is assumed:
// onnxruntime's kernels use radix-2 FFTs where the length allows, so the
// count is what the transform is (a matrix product), not what a given kernel
// spends; docs/conventions.md says the same.
//
// The windows are the spec's function body, a generalized cosine window
// w[n] = A0 - A1*cos(2*pi*n/N) + A2*cos(4*pi*n/N) (Hann and Hamming with
// A2 = 0, computed all the same): per element 8 (two angle multiplies, two
// cosines, two coefficient multiplies, a subtract and an add), plus 6 scalar
// ops for N and the angular increment (two subtracts, two multiplies, an add
// and a divide), as the expanded function counts node by node.
#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "rules/families.h"
#include "rules/propagate.h"

namespace onnx_flops {
namespace {

// A scalar input's integer value, else an error naming the input.
absl::StatusOr<int64_t> ScalarInput(const NodeView& v, int i, absl::string_view what) {
  OF_ASSIGN_OR_RETURN(std::vector<int64_t> x, InputInts(v, i));
  if (x.size() != 1) {
    return absl::InvalidArgumentError(absl::StrCat(what, " (input ", i, ") must be a scalar"));
  }
  return x[0];
}

// ---- DFT ----

struct DftShape {
  Dims x;           // input dims [batch, n1, ..., nk, C]
  int64_t axis = 0;
  int64_t n = 0;    // signal length along axis
  int64_t length = 0;  // L: dft_length, else n
  int64_t bins = 0;    // K: L, or floor(L/2) + 1 onesided
  int64_t components = 1;  // C: 1 real, 2 complex
  double rows = 0;  // transforms: numel(X) / (n * C)
};

// The axis: the attribute up to opset 19 (default 1), input 2 from opset 20
// (default -2, the last signal axis); negative axes count from the end of
// X's dims.
absl::StatusOr<int64_t> DftAxis(const NodeView& v, int64_t rank) {
  int64_t axis = 1;
  if (v.opset >= 20) {
    axis = -2;
    if (HasInput(v, 2)) {
      absl::StatusOr<int64_t> a = ScalarInput(v, 2, "axis");
      if (!a.ok()) return absl::FailedPreconditionError(absl::StrCat("DFT axis: ", a.status().message()));
      axis = *a;
    }
  } else {
    axis = AttrInt(v, "axis", 1);
  }
  OF_ASSIGN_OR_RETURN(const int64_t a, NormalizeAxis(axis, rank));
  if (a == 0 || a == rank - 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "DFT axis ", axis, " is the batch or the real/imaginary axis of X (rank ", rank, ")"));
  }
  return a;
}

absl::StatusOr<DftShape> ReadDft(const NodeView& v) {
  DftShape s;
  OF_ASSIGN_OR_RETURN(s.x, InputDims(v, 0));
  const int64_t rank = static_cast<int64_t>(s.x.size());
  if (rank < 3 || (s.x.back() != 1 && s.x.back() != 2)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "DFT input must be [batch, signal dims..., 1 or 2], got ", DimsToString(s.x)));
  }
  OF_ASSIGN_OR_RETURN(s.axis, DftAxis(v, rank));
  s.components = s.x.back();
  s.n = s.x[static_cast<size_t>(s.axis)];
  s.length = s.n;
  if (HasInput(v, 1)) {
    absl::StatusOr<int64_t> l = ScalarInput(v, 1, "dft_length");
    if (l.ok()) {
      s.length = *l;
    } else {
      // The output's axis gives L when it is not onesided.
      absl::StatusOr<Dims> y = OutputDims(v, 0);
      if (!y.ok() || AttrInt(v, "onesided", 0) != 0) {
        return absl::FailedPreconditionError(absl::StrCat("DFT dft_length: ", l.status().message()));
      }
      s.length = (*y)[static_cast<size_t>(s.axis)];
    }
  }
  if (s.length < 1 || s.length > kMaxDim) {
    return absl::InvalidArgumentError(absl::StrCat("dft_length ", s.length, " must be positive"));
  }
  const bool onesided = AttrInt(v, "onesided", 0) != 0;
  if (onesided && (s.components == 2 || AttrInt(v, "inverse", 0) != 0)) {
    return absl::InvalidArgumentError("onesided needs a real input and a forward transform");
  }
  s.bins = onesided ? s.length / 2 + 1 : s.length;
  const double signal = static_cast<double>(s.n) * static_cast<double>(s.components);
  s.rows = signal == 0 ? 0 : NumElements(s.x) / signal;
  return s;
}

constexpr char kDftFormula[] =
    "2*rows*min(N, L)*K*m (matmul class: a product with the DFT matrix, m = 2 real "
    "multiply-accumulates per (sample, bin) for a real input, 4 for a complex one; no FFT "
    "assumed) + numel(Y) divides by L if inverse=1 (vector class); X [batch, ..., N, ..., C] "
    "with N along axis (attribute, default 1, to opset 19; input 2, default -2, from opset "
    "20), C = 1 real or 2 complex, L = dft_length (input 1) else N, K = floor(L/2) + 1 if "
    "onesided else L, rows = numel(X)/(N*C)";

absl::StatusOr<Cost> CountDft(const NodeView& v) {
  OF_ASSIGN_OR_RETURN(DftShape s, ReadDft(v));
  const double taps = static_cast<double>(std::min(s.n, s.length));
  const double per = s.components == 2 ? 4 : 2;
  Cost c;
  c.macs = s.rows * taps * static_cast<double>(s.bins) * per;
  c.matmul_flops = 2 * c.macs;
  c.detail = absl::StrCat("2*rows*min(N,L)*K*", FormatCount(per), ", rows=", FormatCount(s.rows),
                          " N=", s.n, " L=", s.length, " K=", s.bins,
                          s.components == 2 ? " (complex)" : " (real)");
  if (AttrInt(v, "inverse", 0) != 0) {
    const double out = s.rows * static_cast<double>(s.bins) * 2;
    c.vector_flops = out;
    absl::StrAppend(&c.detail, "; inverse 1/L scaling ", FormatCount(out));
  }
  return c;
}

absl::StatusOr<Outputs> ShapeOfDft(const NodeView& v) {
  const TensorInfo* x = In(v, 0);
  if (!Ranked(x) || x->dims.size() < 3) return Outputs{TypeOnly(ElemOf(x))};
  Dims y = x->dims;
  y.back() = 2;
  absl::StatusOr<int64_t> axis = DftAxis(v, static_cast<int64_t>(x->dims.size()));
  if (!axis.ok()) {
    return Outputs{Shaped(x->elem_type, Dims(x->dims.size(), -1))};
  }
  int64_t length = x->dims[static_cast<size_t>(*axis)];
  if (HasInput(v, 1)) {
    std::optional<int64_t> l = ScalarInt(v, 1);
    length = l.has_value() && *l >= 1 && *l <= kMaxDim ? *l : -1;
  }
  const bool onesided = AttrInt(v, "onesided", 0) != 0;
  y[static_cast<size_t>(*axis)] = length < 0 ? -1 : onesided ? length / 2 + 1 : length;
  return Outputs{Shaped(x->elem_type, y)};
}

// ---- STFT ----

struct StftShape {
  int64_t batch = 0, signal = 0, components = 1;
  int64_t frame = 0;   // F: window length or frame_length
  int64_t frames = 0;  // floor((signal - F)/step) + 1
  int64_t bins = 0;    // floor(F/2) + 1 onesided, else F
  bool window = false;
};

// F from the window's length, else the frame_length input; 0 when neither is known.
absl::StatusOr<int64_t> FrameLength(const NodeView& v) {
  int64_t f = 0;
  if (HasInput(v, 2)) {
    const TensorInfo* w = In(v, 2);
    if (Ranked(w) && w->dims.size() == 1 && w->dims[0] >= 0) f = w->dims[0];
  }
  if (HasInput(v, 3)) {
    std::optional<int64_t> l = ScalarInt(v, 3);
    if (l.has_value()) {
      if (*l < 1) return absl::InvalidArgumentError(absl::StrCat("frame_length ", *l, " must be positive"));
      if (f > 0 && f != *l) {
        return absl::InvalidArgumentError(absl::StrCat(
            "frame_length ", *l, " differs from the window's length ", f));
      }
      f = *l;
    }
  }
  return f;
}

absl::StatusOr<StftShape> ReadStft(const NodeView& v) {
  StftShape s;
  OF_ASSIGN_OR_RETURN(Dims x, InputDims(v, 0));
  if (x.size() != 3 || (x[2] != 1 && x[2] != 2)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "STFT signal must be [batch, signal_length, 1 or 2], got ", DimsToString(x)));
  }
  s.batch = x[0];
  s.signal = x[1];
  s.components = x[2];
  s.window = HasInput(v, 2);
  const bool onesided = AttrInt(v, "onesided", 1) != 0;
  if (onesided && s.components == 2) {
    return absl::InvalidArgumentError("onesided needs a real signal");
  }
  OF_ASSIGN_OR_RETURN(s.frame, FrameLength(v));
  absl::StatusOr<Dims> y = OutputDims(v, 0);
  if (s.frame == 0) {
    // Only a two-sided output's bins give F.
    if (!y.ok() || y->size() != 4 || onesided) {
      return absl::FailedPreconditionError(
          "STFT frame length unknown: no window shape and frame_length (input 3) is not a "
          "known constant");
    }
    s.frame = (*y)[2];
  }
  if (s.frame > s.signal) {
    return absl::InvalidArgumentError(absl::StrCat("frame length ", s.frame,
                                                   " exceeds the signal length ", s.signal));
  }
  s.bins = onesided ? s.frame / 2 + 1 : s.frame;
  absl::StatusOr<std::vector<int64_t>> step = InputInts(v, 1);
  if (step.ok() && step->size() == 1) {
    if ((*step)[0] < 1) {
      return absl::InvalidArgumentError(absl::StrCat("frame_step ", (*step)[0], " must be positive"));
    }
    s.frames = (s.signal - s.frame) / (*step)[0] + 1;
  } else if (y.ok() && y->size() == 4) {
    s.frames = (*y)[1];
  } else {
    return absl::FailedPreconditionError(absl::StrCat(
        "STFT frame_step: ", step.ok() ? "must be a scalar" : step.status().message()));
  }
  return s;
}

constexpr char kStftFormula[] =
    "2*batch*frames*F*K*m (matmul class: one DFT per frame as a product with the DFT matrix, "
    "m = 2 per (sample, bin) for a real signal, 4 for a complex one) + batch*frames*F*C "
    "window multiplies if window (input 2) is given (vector class); signal [batch, S, C], F = "
    "the window's length or frame_length (input 3), frames = floor((S - F)/frame_step) + 1, "
    "K = floor(F/2) + 1 if onesided (default) else F";

absl::StatusOr<Cost> CountStft(const NodeView& v) {
  OF_ASSIGN_OR_RETURN(StftShape s, ReadStft(v));
  const double windows = static_cast<double>(s.batch) * static_cast<double>(s.frames);
  const double per = s.components == 2 ? 4 : 2;
  Cost c;
  c.macs = windows * static_cast<double>(s.frame) * static_cast<double>(s.bins) * per;
  c.matmul_flops = 2 * c.macs;
  c.detail = absl::StrCat("2*batch*frames*F*K*", FormatCount(per), ", batch=", s.batch,
                          " frames=", s.frames, " F=", s.frame, " K=", s.bins);
  if (s.window) {
    c.vector_flops = windows * static_cast<double>(s.frame) * static_cast<double>(s.components);
    absl::StrAppend(&c.detail, "; window ", FormatCount(c.vector_flops));
  }
  return c;
}

absl::StatusOr<Outputs> ShapeOfStft(const NodeView& v) {
  const TensorInfo* x = In(v, 0);
  const int32_t elem = ElemOf(x);
  if (!Ranked(x) || x->dims.size() != 3) return Outputs{TypeOnly(elem)};
  absl::StatusOr<int64_t> f = FrameLength(v);
  const int64_t frame = f.ok() && *f > 0 ? *f : -1;
  std::optional<int64_t> step = ScalarInt(v, 1);
  int64_t frames = -1;
  if (frame > 0 && step.has_value() && *step > 0 && x->dims[1] >= frame) {
    frames = (x->dims[1] - frame) / *step + 1;
  }
  const bool onesided = AttrInt(v, "onesided", 1) != 0;
  const int64_t bins = frame < 0 ? -1 : onesided ? frame / 2 + 1 : frame;
  return Outputs{Shaped(elem, {x->dims[0], frames, bins, 2})};
}

// ---- Windows ----

constexpr char kWindowFormula[] =
    "8*size + 6 vector FLOPs: the spec's function body, w[n] = A0 - A1*cos(2*pi*n/N) + "
    "A2*cos(4*pi*n/N) per element (two angle multiplies, two cosines, two coefficient "
    "multiplies, a subtract, an add; Hann and Hamming compute it with A2 = 0), + 6 scalar "
    "ops for N (size or size - 1 by periodic) and 2*pi/N; size = the value of input 0, else "
    "the output's length";

absl::StatusOr<int64_t> WindowSize(const NodeView& v) {
  absl::StatusOr<int64_t> size = ScalarInput(v, 0, "size");
  if (size.ok()) {
    if (*size < 0 || *size > kMaxDim) {
      return absl::InvalidArgumentError(absl::StrCat("window size ", *size));
    }
    return size;
  }
  absl::StatusOr<Dims> y = OutputDims(v, 0);
  if (y.ok() && y->size() == 1) return (*y)[0];
  return absl::FailedPreconditionError(absl::StrCat(
      "window size: ", size.status().message(),
      " (the window's length is the value of its input: bind it with --value ",
      v.node->input_size() > 0 ? v.node->input(0) : "size", "=N)"));
}

absl::StatusOr<Cost> CountWindow(const NodeView& v) {
  OF_ASSIGN_OR_RETURN(const int64_t size, WindowSize(v));
  const double n = static_cast<double>(size);
  Cost c;
  c.vector_flops = 8 * n + 6;
  c.detail = absl::StrCat("8*size + 6, size=", size);
  return c;
}

absl::StatusOr<Outputs> ShapeOfWindow(const NodeView& v) {
  const int32_t elem = static_cast<int32_t>(AttrInt(v, "output_datatype", kFloat));
  std::optional<int64_t> size = ScalarInt(v, 0);
  return Outputs{Shaped(elem, {size.has_value() && *size >= 0 && *size <= kMaxDim ? *size : -1})};
}

// ---- MelWeightMatrix ----

absl::StatusOr<Cost> CountMelWeightMatrix(const NodeView&) {
  Cost c;
  c.data_movement = true;
  c.detail = "0 FLOP: data generation";
  return c;
}

// The transform is linear in the signal: its gradient is one more product
// with the DFT matrix (the matrix is implicit, input 1 is a length or a step).
constexpr BackwardSpec TransformOfInput0() {
  BackwardSpec s = Backward(BackwardKind::kProduct, 0, 1);
  s.differentiable = Slots({0});
  return s;
}

}  // namespace

void RegisterSignalRules(RuleRegistry& r) {
  Register(r, {"", "DFT", "signal", kDftFormula, CountDft, ShapeOfDft, TransformOfInput0()});
  Register(r, {"", "STFT", "signal", kStftFormula, CountStft, ShapeOfStft, TransformOfInput0()});
  for (const char* op : {"HannWindow", "HammingWindow", "BlackmanWindow"}) {
    Register(r, {"", op, "signal", kWindowFormula, CountWindow, ShapeOfWindow});
  }
  Register(r, {"", "MelWeightMatrix", "signal",
               "0 FLOP: data generation (a constant triangular mel filter bank, "
               "[floor(dft_length/2) + 1, num_mel_bins], from five scalars; like Range, its "
               "arithmetic is not counted)",
               CountMelWeightMatrix});  // shapes: ONNX's inference reads the two scalars
}

}  // namespace onnx_flops
