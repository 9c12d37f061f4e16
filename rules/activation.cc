// Activation functions: a constant number of elementary operations per
// output element (vector class), counted from the op's defining formula in
// the ONNX spec (add, mul, compare, exp, log, tanh, erf, ... each 1; a clamp
// to [lo, hi] counts 1; a max(0, x) counts 1).
//
// One table row per op; the formula string printed by --list-rules is
// generated from the row.
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "rules/elementwise.h"
#include "rules/families.h"
#include "rules/propagate.h"

namespace onnx_flops {

namespace {

// Gelu (opset 20): the erf form and the tanh approximation.
constexpr double kGeluErfOps = 5;
constexpr double kGeluTanhOps = 9;

struct ActivationOp {
  const char* op_type;
  double per_element;
  const char* ops;  // the spec's formula and the operations counted
  Propagator shape = ShapeOfUnary;  // null: ONNX's inference gives the output shape
};

constexpr ActivationOp kOps[] = {
    {"Relu", 1, "max(0, x): 1 max"},
    {"LeakyRelu", 2, "x < 0 ? alpha*x : x: compare, multiply"},
    {"PRelu", 2, "x < 0 ? slope*x : x: compare, multiply", ShapeOfBroadcast},
    {"ThresholdedRelu", 1, "x > alpha ? x : 0: compare"},
    {"Sigmoid", 4, "1 / (1 + exp(-x)): negate, exp, add, reciprocal"},
    {"HardSigmoid", 3, "max(0, min(1, alpha*x + beta)): multiply, add, clamp"},
    {"HardSwish", 4, "x * max(0, min(1, alpha*x + beta)): multiply, add, clamp, multiply"},
    {"Tanh", 1, "tanh: one transcendental"},
    {"Softplus", 3, "log(exp(x) + 1): exp, add, log"},
    {"Softsign", 3, "x / (1 + |x|): abs, add, divide"},
    {"Elu", 4, "x < 0 ? alpha*(exp(x) - 1) : x: compare, exp, subtract, multiply"},
    {"Selu", 5,
     "x <= 0 ? gamma*(alpha*exp(x) - alpha) : gamma*x: compare, exp, multiply, subtract, "
     "multiply"},
    {"Celu", 7,
     "max(0, x) + min(0, alpha*(exp(x/alpha) - 1)): max, divide, exp, subtract, multiply, "
     "min, add"},
    {"Mish", 5, "x * tanh(log(1 + exp(x))): exp, add, log, tanh, multiply"},
    {"Shrink", 3,
     "x < -lambd ? x + bias : (x > lambd ? x - bias : 0): 2 compares, 1 add or subtract "
     "(the worst case, counted for every element)"},
    // Opset 24; registered so that newer exports are counted too.
    {"Swish", 6, "x * sigmoid(alpha*x): multiply, sigmoid (4), multiply"},
    // Experimental ops of opsets 1-9.
    {"ScaledTanh", 3, "alpha * tanh(beta*x): multiply, tanh, multiply"},
    {"Affine", 2, "alpha * x + beta: multiply, add"},
    {"ParametricSoftplus", 5, "alpha * log(exp(beta*x) + 1): multiply, exp, add, log, multiply"},
};

std::string TableFormula(const ActivationOp& op) {
  return absl::StrCat(FormatCount(op.per_element), "*numel(Y) vector FLOPs (", op.ops,
                      "); Y = the node's output shape, else the shape of input 0");
}

}  // namespace

absl::StatusOr<double> ActivationPerElement(absl::string_view name) {
  for (const ActivationOp& op : kOps) {
    if (absl::EqualsIgnoreCase(name, op.op_type)) return op.per_element;
  }
  if (absl::EqualsIgnoreCase(name, "Gelu")) return kGeluErfOps;
  return absl::NotFoundError(absl::StrCat("no activation function '", name, "'"));
}

namespace {

absl::StatusOr<Cost> CountTableOp(const NodeView& v) {
  const std::string& type = v.node->op_type();
  for (const ActivationOp& op : kOps) {
    if (type == op.op_type) return PerElementCost(v, op.per_element, true);
  }
  return absl::InternalError(absl::StrCat("no activation table row for ", type));
}

// Gelu (opset 20): approximate = "none" -> 0.5 * x * (1 + erf(x / sqrt(2)));
// "tanh" -> 0.5 * x * (1 + tanh(sqrt(2/pi) * (x + 0.044715 * x^3))).
constexpr char kGeluFormula[] =
    "approximate=none: 5*numel(Y) vector FLOPs (0.5*x*(1 + erf(x/sqrt(2))): divide, erf, "
    "add, multiply, multiply); approximate=tanh: 9*numel(Y) (0.5*x*(1 + tanh(sqrt(2/pi)*"
    "(x + 0.044715*x^3))): x^3 as 2 multiplies, multiply, add, multiply, tanh, add, "
    "multiply, multiply); Y = the node's output shape, else the shape of input 0";

absl::StatusOr<Cost> CountGelu(const NodeView& v) {
  const std::string approximate = AttrString(v, "approximate", "none");
  double per_element = 0;
  if (approximate == "none") {
    per_element = kGeluErfOps;
  } else if (approximate == "tanh") {
    per_element = kGeluTanhOps;
  } else {
    return absl::UnimplementedError(
        absl::StrCat("Gelu approximate='", approximate, "' is not 'none' or 'tanh'"));
  }
  OF_ASSIGN_OR_RETURN(Cost c, PerElementCost(v, per_element, true));
  c.detail = absl::StrCat("approximate=", approximate, ": ", c.detail);
  return c;
}

}  // namespace

void RegisterActivationRules(RuleRegistry& r) {
  for (const ActivationOp& op : kOps) {
    Register(r, {"", op.op_type, "activation", TableFormula(op), CountTableOp, op.shape});
  }
  Register(r, {"", "Gelu", "activation", kGeluFormula, CountGelu, ShapeOfUnary});
}

}  // namespace onnx_flops
