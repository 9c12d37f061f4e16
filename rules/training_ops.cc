// Ops of training graphs: the losses of the ONNX domain (opset 12+) and the
// optimizers of ai.onnx.preview.training (onnxruntime's training test models
// hold them). All vector class.
//
// Losses (C classes on axis 1, T = numel(target), the loss's elements):
//   NegativeLogLikelihoodLoss: picking -input[n, target[n], ...] is a negate
//     per element of T (the gather is free), x weight[target] a multiply
//     when weights are given; reduction 'sum': T - 1 adds; 'mean': T - 1
//     adds + 1 divide, and with weights the divisor is the sum of the picked
//     weights (T - 1 more adds); 'none': nothing more.
//   SoftmaxCrossEntropyLoss: LogSoftmax over C as rules/softmax.cc counts it
//     (5 per element of the scores + 1 log per row, rows = numel/C), then the
//     NegativeLogLikelihoodLoss above.
//
// Optimizers (per element of each optimized tensor X_i; the per-step scalars
// such as the bias corrections are not per element and not counted):
//   Adagrad: H = H + g*g (2); X = X - r*g/(sqrt(H) + eps) (5); + 2 when
//     norm_coefficient != 0 (g = norm*X + g).
//   Momentum: V = alpha*V + beta*g (3); X = X - R*V (2) in 'standard' mode,
//     X = X - R*(g + alpha*V) (4) in 'nesterov'; + 2 when norm_coefficient != 0.
//   Adam: V = alpha*V + (1-alpha)*g (3); H = beta*H + (1-beta)*g*g (4);
//     sqrt(H) + eps (2); X = X - R*V/(sqrt(H) + eps) (3); + 2 when
//     norm_coefficient != 0, + 2 when norm_coefficient_post != 0.
//
// onnxruntime's training graphs (com.microsoft; ORTModule and on-device
// training exports), the gradient ops of the backward graph it builds, per
// element of the gradient they write (vector class):
//   SoftmaxGrad / SoftmaxGrad_13: dX = Y*(dY - sum(dY*Y)): 4 per element
//     (multiply, accumulate, subtract, multiply).
//   LayerNormalizationGrad: 13 per element of X (x_hat = (x - mean)*inv_std 2;
//     bias_grad accumulate 1; scale_grad multiply, accumulate 2; g = dY*scale 1;
//     two row means, of g and of g*x_hat, 3; dX = inv_std*(g - mean(g) -
//     x_hat*mean(g*x_hat)) 4) + 2 per row (the two means' divides).
//   BiasFastGeluGrad_dX: x + b 1, then d/dx of the tanh-form Gelu times dY 18
//     (u = a*(x + c*x^3) 5, tanh 1, 0.5*(1 + t) 2, (1 - t^2) 2,
//     a*(1 + 3c*x^2) 3, 0.5*x 1, two multiplies and an add 3, times dY 1).
//   SoftmaxCrossEntropyLossGrad / ...InternalGrad: exp(log_prob) and the
//     multiply by the (reduced) upstream gradient 2 per element of log_prob,
//     T subtracts of 1 at the labels, + 1 per element for a weight, + 1
//     divide for reduction mean (+ T - 1 adds of the picked weights), + 1
//     per element for the Internal op's bias input.
//   InPlaceAccumulator(V2): 1 add per element of the value accumulated.
// Data movement: ConcatTraining (a Concat), DropoutGrad, BitmaskDropout,
// BitmaskDropoutGrad (the mask and 1/(1-ratio) scaling are not counted, as
// Dropout), SliceGrad (dY written into zeros of X's shape),
// BroadcastGradientArgs (shape arithmetic), YieldOp (hands the forward
// outputs to the framework, returns their gradients), Send/Recv (pipeline
// transfers), and org.pytorch.aten ATen 'embedding' (a Gather).
#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "rules/families.h"
#include "rules/propagate.h"

namespace onnx_flops {
namespace {

// ---- Losses ----

// The NLL part over the target [N, d...] (T elements).
absl::StatusOr<double> NllFlops(const NodeView& v, int target_input, int weight_input,
                                std::string* detail) {
  OF_ASSIGN_OR_RETURN(Dims target, InputDims(v, target_input));
  const double t = NumElements(target);
  const bool weighted = HasInput(v, weight_input);
  const std::string reduction = AttrString(v, "reduction", "mean");
  double flops = t * (weighted ? 2 : 1);
  if (reduction == "sum") {
    flops += t - 1;
  } else if (reduction == "mean") {
    flops += t - 1 + 1 + (weighted ? t - 1 : 0);
  } else if (reduction != "none") {
    return absl::UnimplementedError(absl::StrCat("reduction '", reduction, "'"));
  }
  *detail = absl::StrCat("T=", FormatCount(t), " (target ", DimsToString(target), "), ",
                         weighted ? "weighted, " : "", "reduction=", reduction);
  return flops;
}

constexpr char kNllFormula[] =
    "T*(1 + w) + (sum: T - 1; mean: T - 1 + 1 + w*(T - 1); none: 0), T = numel(target), "
    "w = 1 when weights are given (negate the picked log-probability, weight it, reduce)";

absl::StatusOr<Cost> CountNll(const NodeView& v) {
  std::string detail;
  OF_ASSIGN_OR_RETURN(const double flops, NllFlops(v, 1, 2, &detail));
  Cost c;
  c.vector_flops = flops;
  c.detail = absl::StrCat("NLL: ", detail);
  return c;
}

constexpr char kSoftmaxCrossEntropyFormula[] =
    "LogSoftmax over axis 1: 5*numel(scores) + rows (rows = numel(scores)/C), then "
    "NegativeLogLikelihoodLoss: T*(1 + w) + the reduction's adds (see "
    "NegativeLogLikelihoodLoss)";

absl::StatusOr<Cost> CountSoftmaxCrossEntropy(const NodeView& v) {
  OF_ASSIGN_OR_RETURN(Dims scores, InputDims(v, 0));
  if (scores.size() < 2 || scores[1] <= 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("scores must be [N, C, ...], got ", DimsToString(scores)));
  }
  const double in = NumElements(scores);
  const double rows = in / static_cast<double>(scores[1]);
  std::string detail;
  OF_ASSIGN_OR_RETURN(const double nll, NllFlops(v, 1, 2, &detail));
  Cost c;
  c.vector_flops = 5 * in + rows + nll;
  c.detail = absl::StrCat("log_softmax 5*", FormatCount(in), " + ", FormatCount(rows),
                          " rows; NLL ", FormatCount(nll), ": ", detail);
  return c;
}

// ---- Optimizers (ai.onnx.preview.training) ----

// Inputs R, T, then `groups` runs of n tensors each (X..., G..., [V..., H...]):
// the elements of X_1..X_n.
absl::StatusOr<double> OptimizedElements(const NodeView& v, int groups, int* tensors) {
  const int n = (v.node->input_size() - 2) / groups;
  if (n <= 0 || 2 + n * groups != v.node->input_size()) {
    return absl::InvalidArgumentError(absl::StrCat(
        v.node->op_type(), " takes R, T and ", groups, " tensors per optimized input, got ",
        v.node->input_size(), " inputs"));
  }
  double elements = 0;
  for (int i = 0; i < n; ++i) {
    OF_ASSIGN_OR_RETURN(Dims x, InputDims(v, 2 + i));
    elements += NumElements(x);
  }
  *tensors = n;
  return elements;
}

Cost PerElement(double elements, double per, int tensors, const std::string& what) {
  Cost c;
  c.vector_flops = elements * per;
  c.detail = absl::StrCat(FormatCount(per), " per element (", what, ") x ",
                          FormatCount(elements), " elements of ", tensors, " tensor(s)");
  return c;
}

double NormTerm(const NodeView& v, const char* attr) {
  return AttrFloat(v, attr, 0) != 0 ? 2 : 0;
}

constexpr char kAdagradFormula[] =
    "7 per element of each X (H += g*g; X -= r*g/(sqrt(H) + eps)) + 2 if norm_coefficient "
    "!= 0";

absl::StatusOr<Cost> CountAdagrad(const NodeView& v) {
  int tensors = 0;
  OF_ASSIGN_OR_RETURN(const double elements, OptimizedElements(v, 3, &tensors));
  const double norm = NormTerm(v, "norm_coefficient");
  return PerElement(elements, 7 + norm, tensors, norm > 0 ? "7 + 2 norm" : "7");
}

constexpr char kMomentumFormula[] =
    "per element of each X: 5 (V = alpha*V + beta*g; X -= R*V), 7 in nesterov mode "
    "(X -= R*(g + alpha*V)); + 2 if norm_coefficient != 0";

absl::StatusOr<Cost> CountMomentum(const NodeView& v) {
  int tensors = 0;
  OF_ASSIGN_OR_RETURN(const double elements, OptimizedElements(v, 3, &tensors));
  const std::string mode = AttrString(v, "mode", "standard");
  if (mode != "standard" && mode != "nesterov") {
    return absl::UnimplementedError(absl::StrCat("Momentum mode '", mode, "'"));
  }
  const double base = mode == "nesterov" ? 7 : 5;
  const double norm = NormTerm(v, "norm_coefficient");
  return PerElement(elements, base + norm, tensors,
                    absl::StrCat(mode, " ", FormatCount(base), norm > 0 ? " + 2 norm" : ""));
}

constexpr char kAdamFormula[] =
    "12 per element of each X (V = alpha*V + (1-alpha)*g 3; H = beta*H + (1-beta)*g*g 4; "
    "sqrt(H) + eps 2; X -= R*V/(...) 3) + 2 if norm_coefficient != 0 + 2 if "
    "norm_coefficient_post != 0";

absl::StatusOr<Cost> CountAdam(const NodeView& v) {
  int tensors = 0;
  OF_ASSIGN_OR_RETURN(const double elements, OptimizedElements(v, 4, &tensors));
  const double norm = NormTerm(v, "norm_coefficient") + NormTerm(v, "norm_coefficient_post");
  return PerElement(elements, 12 + norm, tensors,
                    norm > 0 ? absl::StrCat("12 + ", FormatCount(norm), " norm") : "12");
}


// ---- onnxruntime training ops (com.microsoft) ----

// Dims of input `i`, else of output `o` (the gradient ops keep one shape).
absl::StatusOr<Dims> InputElseOutput(const NodeView& v, int i, int o) {
  absl::StatusOr<Dims> x = InputDims(v, i);
  if (x.ok()) return x;
  absl::StatusOr<Dims> y = OutputDims(v, o);
  if (y.ok()) return y;
  return x.status();
}

Cost PerElementOf(const Dims& dims, double per, absl::string_view what) {
  const double n = NumElements(dims);
  Cost c;
  c.vector_flops = per * n;
  c.detail = absl::StrCat(FormatCount(per), "*numel, numel=", FormatCount(n), " (",
                          DimsToString(dims), "); ", what);
  return c;
}

constexpr char kSoftmaxGradFormula[] =
    "4*numel(dY) vector FLOPs: dX = Y*(dY - sum(dY*Y)) along the softmax axis (multiply, "
    "accumulate, subtract, multiply)";

absl::StatusOr<Cost> CountSoftmaxGrad(const NodeView& v) {
  OF_ASSIGN_OR_RETURN(Dims dy, InputElseOutput(v, 0, 0));
  return PerElementOf(dy, 4, "Y*(dY - sum(dY*Y))");
}

constexpr char kLayerNormGradFormula[] =
    "13 per element of X (x_hat = (x - mean)*inv_std 2; bias_grad accumulate 1; scale_grad "
    "multiply, accumulate 2; g = dY*scale 1; row sums of g and g*x_hat 3; dX = "
    "inv_std*(g - mean(g) - x_hat*mean(g*x_hat)) 4) + 2 per row (two divides for the "
    "means); rows = prod(dims[:axis]), axis default -1";

absl::StatusOr<Cost> CountLayerNormGrad(const NodeView& v) {
  OF_ASSIGN_OR_RETURN(Dims x, InputElseOutput(v, 1, 0));
  const int64_t rank = static_cast<int64_t>(x.size());
  if (rank == 0) return absl::InvalidArgumentError("X must have rank >= 1");
  OF_ASSIGN_OR_RETURN(const int64_t axis, NormalizeAxis(AttrInt(v, "axis", -1), rank));
  double rows = 1;
  for (int64_t i = 0; i < axis; ++i) rows *= static_cast<double>(x[static_cast<size_t>(i)]);
  const double n = NumElements(x);
  Cost c;
  c.vector_flops = 13 * n + 2 * rows;
  c.detail = absl::StrCat("13*numel(X) + 2*rows, numel=", FormatCount(n),
                          " rows=", FormatCount(rows));
  return c;
}

constexpr char kBiasFastGeluGradFormula[] =
    "19*numel(dX) vector FLOPs: x + b 1, then dY * d/dx of 0.5*x*(1 + tanh(a*(x + "
    "c*x^3))) 18 (u 5, tanh 1, 0.5*(1 + t) 2, 1 - t^2 2, a*(1 + 3c*x^2) 3, 0.5*x 1, two "
    "multiplies and an add 3, times dY 1)";

absl::StatusOr<Cost> CountBiasFastGeluGrad(const NodeView& v) {
  OF_ASSIGN_OR_RETURN(Dims x, InputElseOutput(v, 1, 0));
  return PerElementOf(x, 19, "bias add 1 + tanh-Gelu derivative times dY 18");
}

constexpr char kSoftmaxCrossEntropyGradFormula[] =
    "2*numel(log_prob) (exp, multiply by the upstream gradient) + T (subtract 1 at each "
    "label) + numel(log_prob) if weights are given (scale each row by its weight) + 1 "
    "divide for reduction mean (+ T - 1 adds of the picked weights if weighted) + "
    "numel(log_prob) for the bias input (...InternalGrad, input 5); T = numel(label)";

absl::StatusOr<Cost> CountSoftmaxCrossEntropyGrad(const NodeView& v) {
  OF_ASSIGN_OR_RETURN(Dims log_prob, InputElseOutput(v, 1, 0));
  OF_ASSIGN_OR_RETURN(Dims label, InputDims(v, 2));
  const double n = NumElements(log_prob);
  const double t = NumElements(label);
  const bool weighted = HasInput(v, 3);
  const bool bias = HasInput(v, 5);
  const std::string reduction = AttrString(v, "reduction", "mean");
  if (reduction != "mean" && reduction != "sum" && reduction != "none") {
    return absl::UnimplementedError(absl::StrCat("reduction '", reduction, "'"));
  }
  Cost c;
  c.vector_flops = 2 * n + t + (weighted ? n : 0) + (bias ? n : 0);
  if (reduction == "mean") c.vector_flops += 1 + (weighted ? std::max(t - 1, 0.0) : 0);
  c.detail = absl::StrCat("numel(log_prob)=", FormatCount(n), " T=", FormatCount(t),
                          weighted ? ", weighted" : "", bias ? ", bias" : "",
                          ", reduction=", reduction);
  return c;
}

constexpr char kAccumulatorFormula[] =
    "1*numel(value) vector FLOPs (buffer += value, input 1; a copy when the overwrite flag "
    "is set at run time, which is not known)";

absl::StatusOr<Cost> CountAccumulator(const NodeView& v) {
  OF_ASSIGN_OR_RETURN(Dims value, InputDims(v, 1));
  return PerElementOf(value, 1, "one add per element of value");
}

absl::StatusOr<Cost> CountMovement(const NodeView&) {
  Cost c;
  c.data_movement = true;
  c.detail = "0 FLOP: data movement";
  return c;
}

// ConcatTraining: Concat's output, and per_input_length [n] (int64).
absl::StatusOr<Outputs> ShapeOfConcatTraining(const NodeView& v) {
  const Rule* concat = FindRule(DefaultRules(), "", "Concat");
  Outputs out;
  if (concat != nullptr && concat->propagate != nullptr) {
    OF_ASSIGN_OR_RETURN(out, concat->propagate(v));
  }
  if (out.empty()) out.push_back(TypeOnly(ElemOf(In(v, 0))));
  const int n = v.node->input_size();
  std::vector<int64_t> lengths;
  const TensorInfo* first = In(v, 0);
  if (Ranked(first)) {
    absl::StatusOr<int64_t> axis =
        NormalizeAxis(AttrInt(v, "axis", 0), static_cast<int64_t>(first->dims.size()));
    for (int i = 0; axis.ok() && i < n; ++i) {
      const TensorInfo* t = In(v, i);
      if (!Ranked(t) || t->dims.size() != first->dims.size() ||
          t->dims[static_cast<size_t>(*axis)] < 0) {
        break;
      }
      lengths.push_back(t->dims[static_cast<size_t>(*axis)]);
    }
  }
  out.resize(1);
  out.push_back(static_cast<int>(lengths.size()) == n
                    ? WithInts(kInt64, {n}, lengths)
                    : Shaped(kInt64, {n}));
  return out;
}

// Gradient ops whose output 0 has input 0's shape and type.
absl::StatusOr<Outputs> ShapeLikeInput(const NodeView& v, int i) {
  const TensorInfo* x = In(v, i);
  if (!Ranked(x)) return Outputs{TypeOnly(ElemOf(x))};
  return Outputs{Shaped(x->elem_type, x->dims)};
}

absl::StatusOr<Outputs> ShapeLikeInput1(const NodeView& v) { return ShapeLikeInput(v, 1); }

// LayerNormalizationGrad: X_grad like X, scale_grad and bias_grad like scale.
absl::StatusOr<Outputs> ShapeOfLayerNormGrad(const NodeView& v) {
  const TensorInfo* x = In(v, 1);
  const TensorInfo* scale = In(v, 2);
  Outputs out;
  out.push_back(Ranked(x) ? Shaped(x->elem_type, x->dims) : TypeOnly(ElemOf(x)));
  for (int i = 0; i < 2; ++i) {
    out.push_back(Ranked(scale) ? Shaped(scale->elem_type, scale->dims) : TypeOnly(ElemOf(scale)));
  }
  return out;
}

// SoftmaxCrossEntropyLossInternal: loss (labels' shape for reduction none,
// else a scalar) and log_prob (scores' shape).
absl::StatusOr<Outputs> ShapeOfSoftmaxCrossEntropyInternal(const NodeView& v) {
  const TensorInfo* scores = In(v, 0);
  const TensorInfo* labels = In(v, 1);
  const int32_t elem = static_cast<int32_t>(AttrInt(v, "output_type", ElemOf(scores)));
  TensorInfo loss = TypeOnly(elem);
  if (AttrString(v, "reduction", "mean") != "none") {
    loss = Shaped(elem, {});
  } else if (Ranked(labels)) {
    loss = Shaped(elem, labels->dims);
  }
  TensorInfo log_prob = Ranked(scores) ? Shaped(elem, scores->dims) : TypeOnly(elem);
  return Outputs{loss, log_prob};
}

// SoftmaxCrossEntropyLoss*Grad: d_logits like log_prob (input 1).
absl::StatusOr<Outputs> ShapeOfSoftmaxCrossEntropyGrad(const NodeView& v) {
  const TensorInfo* log_prob = In(v, 1);
  const int32_t elem = static_cast<int32_t>(AttrInt(v, "output_type", ElemOf(log_prob)));
  return Outputs{Ranked(log_prob) ? Shaped(elem, log_prob->dims) : TypeOnly(elem)};
}

// InPlaceAccumulatorV2: updated_flag (bool [1]), accumulation_buffer_out (the buffer's).
absl::StatusOr<Outputs> ShapeOfAccumulatorV2(const NodeView& v) {
  const TensorInfo* buffer = In(v, 0);
  return Outputs{Shaped(kBool, {1}),
                 Ranked(buffer) ? Shaped(buffer->elem_type, buffer->dims) : TypeOnly(ElemOf(buffer))};
}

// BitmaskDropout: output like data, mask of ceil(numel/32) uint32 words.
absl::StatusOr<Outputs> ShapeOfBitmaskDropout(const NodeView& v) {
  const TensorInfo* x = In(v, 0);
  if (!Known(x)) return Outputs{Ranked(x) ? Shaped(x->elem_type, x->dims) : TypeOnly(ElemOf(x))};
  const int64_t n = Product(x->dims, 0, x->dims.size());
  return Outputs{Shaped(x->elem_type, x->dims),
                 Shaped(onnx::TensorProto::UINT32, {n < 0 ? -1 : (n + 31) / 32})};
}

// SliceGrad: dX has the shape held by input 1.
absl::StatusOr<Outputs> ShapeOfSliceGrad(const NodeView& v) {
  const TensorInfo* dy = In(v, 0);
  std::optional<std::vector<int64_t>> shape = IntsOf(v, 1);
  if (!shape.has_value()) {
    const TensorInfo* s = In(v, 1);
    if (Known(s) && s->dims.size() == 1 && SaneRank(s->dims[0])) {
      return Outputs{Shaped(ElemOf(dy), Dims(static_cast<size_t>(s->dims[0]), -1))};
    }
    return Outputs{TypeOnly(ElemOf(dy))};
  }
  for (int64_t d : *shape) {
    if (d < 0 || d > kMaxDim) return Outputs{TypeOnly(ElemOf(dy))};
  }
  return Outputs{Shaped(ElemOf(dy), Dims(shape->begin(), shape->end()))};
}

// BroadcastGradientArgs: from the shapes A and B (values of inputs 0, 1) the
// axes of the broadcast result that each operand's gradient sums over, last
// to first: axis i when the operand lacks it or has 1 there and the result
// does not.
absl::StatusOr<Outputs> ShapeOfBroadcastGradientArgs(const NodeView& v) {
  std::optional<std::vector<int64_t>> a = IntsOf(v, 0);
  std::optional<std::vector<int64_t>> b = IntsOf(v, 1);
  if (!a.has_value() || !b.has_value()) return Outputs{Shaped(kInt64, {-1}), Shaped(kInt64, {-1})};
  const size_t rank = std::max(a->size(), b->size());
  std::vector<int64_t> a_axes, b_axes;
  for (size_t k = 0; k < rank; ++k) {  // k-th dim from the right
    const int64_t axis = static_cast<int64_t>(rank - 1 - k);
    const int64_t da = k < a->size() ? (*a)[a->size() - 1 - k] : -2;
    const int64_t db = k < b->size() ? (*b)[b->size() - 1 - k] : -2;
    if (da >= 0 && db >= 0 && da != db && da != 1 && db != 1) {
      return absl::InvalidArgumentError(absl::StrCat("shapes do not broadcast at axis ", axis));
    }
    const int64_t out = std::max(da == -2 ? 1 : da, db == -2 ? 1 : db);
    if (da == -2 || (da == 1 && out != 1)) a_axes.push_back(axis);
    if (db == -2 || (db == 1 && out != 1)) b_axes.push_back(axis);
  }
  return Outputs{WithInts(kInt64, {static_cast<int64_t>(a_axes.size())}, a_axes),
                 WithInts(kInt64, {static_cast<int64_t>(b_axes.size())}, b_axes)};
}

// YieldOp: gradient output i has forward input i's type, and its shape for
// each i in full_shape_outputs.
absl::StatusOr<Outputs> ShapeOfYieldOp(const NodeView& v) {
  Outputs out;
  for (int i = 0; i < v.node->output_size(); ++i) out.push_back(TypeOnly(ElemOf(In(v, i))));
  for (int64_t i : AttrInts(v, "full_shape_outputs")) {
    if (i < 0 || i >= static_cast<int64_t>(out.size())) continue;
    const TensorInfo* x = In(v, static_cast<int>(i));
    if (Ranked(x)) out[static_cast<size_t>(i)] = Shaped(x->elem_type, x->dims);
  }
  return out;
}

// Send: a bool scalar signal. Recv: the signal, then tensors of the
// element_types attribute (shapes unknown: they come from another process).
absl::StatusOr<Outputs> ShapeOfSendRecv(const NodeView& v) {
  Outputs out{Shaped(kBool, {})};
  const std::vector<int64_t> types = AttrInts(v, "element_types");
  for (int i = 1; i < v.node->output_size(); ++i) {
    const size_t k = static_cast<size_t>(i - 1);
    out.push_back(TypeOnly(k < types.size() ? static_cast<int32_t>(types[k]) : 0));
  }
  return out;
}

// ---- org.pytorch.aten ATen (ORTModule's fallback to a torch op) ----

constexpr char kAtenFormula[] =
    "by the operator attribute: 'embedding' (weight [V, D], indices [...] -> [..., D]) is a "
    "Gather, 0 FLOP data movement; any other operator is uncounted, naming it";

absl::StatusOr<Cost> CountAten(const NodeView& v) {
  const std::string op = AttrString(v, "operator", "");
  if (op != "embedding") {
    return absl::UnimplementedError(absl::StrCat("no rule for ATen operator '", op, "'"));
  }
  Cost c;
  c.data_movement = true;
  c.detail = "0 FLOP: data movement (ATen embedding: a Gather of weight rows)";
  return c;
}

absl::StatusOr<Outputs> ShapeOfAten(const NodeView& v) {
  const TensorInfo* weight = In(v, 0);
  const TensorInfo* indices = In(v, 1);
  if (AttrString(v, "operator", "") != "embedding") return Outputs{};
  if (!Ranked(weight) || weight->dims.size() != 2 || !Ranked(indices)) {
    return Outputs{TypeOnly(ElemOf(weight))};
  }
  Dims out = indices->dims;
  out.push_back(weight->dims[1]);
  return Outputs{Shaped(weight->elem_type, out)};
}

}  // namespace

void RegisterTrainingOpRules(RuleRegistry& r) {
  Register(r, {"", "NegativeLogLikelihoodLoss", "training_ops", kNllFormula, CountNll});
  Register(r, {"", "SoftmaxCrossEntropyLoss", "training_ops", kSoftmaxCrossEntropyFormula,
               CountSoftmaxCrossEntropy});
  const char* training = "ai.onnx.preview.training";
  Register(r, {training, "Adagrad", "training_ops", kAdagradFormula, CountAdagrad});
  Register(r, {training, "Momentum", "training_ops", kMomentumFormula, CountMomentum});
  Register(r, {training, "Adam", "training_ops", kAdamFormula, CountAdam});

  const char* ms = "com.microsoft";
  for (const char* op : {"SoftmaxGrad", "SoftmaxGrad_13"}) {
    Register(r, {ms, op, "training_ops", kSoftmaxGradFormula, CountSoftmaxGrad, ShapeLikeInput0});
  }
  Register(r, {ms, "LayerNormalizationGrad", "training_ops", kLayerNormGradFormula,
               CountLayerNormGrad, ShapeOfLayerNormGrad});
  Register(r, {ms, "BiasFastGeluGrad_dX", "training_ops", kBiasFastGeluGradFormula,
               CountBiasFastGeluGrad, ShapeLikeInput1});
  for (const char* op : {"SoftmaxCrossEntropyLossGrad", "SoftmaxCrossEntropyLossInternalGrad"}) {
    Register(r, {ms, op, "training_ops", kSoftmaxCrossEntropyGradFormula,
                 CountSoftmaxCrossEntropyGrad, ShapeOfSoftmaxCrossEntropyGrad});
  }
  Register(r, {ms, "SoftmaxCrossEntropyLossInternal", "training_ops",
               absl::StrCat("as SoftmaxCrossEntropyLoss: ", kSoftmaxCrossEntropyFormula,
                            "; inputs scores, labels, weight, ignore_index"),
               CountSoftmaxCrossEntropy, ShapeOfSoftmaxCrossEntropyInternal});
  Register(r, {ms, "InPlaceAccumulator", "training_ops", kAccumulatorFormula, CountAccumulator,
               ShapeLikeInput0});
  Register(r, {ms, "InPlaceAccumulatorV2", "training_ops", kAccumulatorFormula,
               CountAccumulator, ShapeOfAccumulatorV2});
  struct Moves {
    const char* op;
    const char* note;
    Propagator shape;
  };
  const Moves moves[] = {
      {"ConcatTraining", "a Concat that also outputs each input's length along axis",
       ShapeOfConcatTraining},
      {"DropoutGrad", "dY through the dropout mask; the mask and 1/(1-ratio) scaling are not "
       "counted, as Dropout", ShapeLikeInput0},
      {"BitmaskDropout", "Dropout with a bit-packed mask; not counted, as Dropout",
       ShapeOfBitmaskDropout},
      {"BitmaskDropoutGrad", "dY through the bit-packed mask; not counted, as Dropout",
       ShapeLikeInput0},
      {"SliceGrad", "writes dY into zeros of the Slice input's shape (input 1)",
       ShapeOfSliceGrad},
      {"BroadcastGradientArgs", "shape arithmetic: the axes each operand's gradient sums "
       "over", ShapeOfBroadcastGradientArgs},
      {"YieldOp", "hands the forward outputs to the framework and returns their gradients",
       ShapeOfYieldOp},
      {"Send", "pipeline-parallel transfer to another process", ShapeOfSendRecv},
      {"Recv", "pipeline-parallel transfer from another process", ShapeOfSendRecv},
  };
  for (const Moves& m : moves) {
    Register(r, {ms, m.op, "training_ops", absl::StrCat("0 FLOP: data movement (", m.note, ")"),
                 CountMovement, m.shape});
  }
  Register(r, {"org.pytorch.aten", "ATen", "training_ops", kAtenFormula, CountAten, ShapeOfAten});
}

}  // namespace onnx_flops
