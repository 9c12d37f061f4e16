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
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "rules/families.h"

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

}  // namespace

void RegisterTrainingOpRules(RuleRegistry& r) {
  Register(r, {"", "NegativeLogLikelihoodLoss", "training_ops", kNllFormula, CountNll});
  Register(r, {"", "SoftmaxCrossEntropyLoss", "training_ops", kSoftmaxCrossEntropyFormula,
               CountSoftmaxCrossEntropy});
  const char* training = "ai.onnx.preview.training";
  Register(r, {training, "Adagrad", "training_ops", kAdagradFormula, CountAdagrad});
  Register(r, {training, "Momentum", "training_ops", kMomentumFormula, CountMomentum});
  Register(r, {training, "Adam", "training_ops", kAdamFormula, CountAdam});
}

}  // namespace onnx_flops
