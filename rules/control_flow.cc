// Loop, Scan, If and SequenceMap: their own cost is 0; what they cost is
// their subgraphs, which the walker counts x the trip count these rules work
// out. A body is counted once at its inferred shapes and multiplied, never
// unrolled.
#include <algorithm>
#include <cmath>
#include <string>

#include "absl/strings/str_cat.h"
#include "rules/families.h"

namespace onnx_flops {
namespace {

// Trip counts above this are the "run until cond is false" sentinel
// (torch exports INT64_MAX), not a count.
constexpr double kMaxTrips = 1099511627776.0;  // 2^40

constexpr char kLoopFormula[] =
    "cost(body) x M, M = the trip count input when it is a known constant "
    "(an upper bound when the body's condition can stop the loop earlier: the range's "
    "low end takes 1 trip, 0 when the first condition is not known true); when M is absent or "
    "dynamic: --loop-trips NODE=N, else 1 with a warning. 0 FLOP of its own";

// Whether the body's condition output can turn false: not when it is the
// condition input handed on (directly or through Identity), a constant
// true, or the Loop's own condition input read from the enclosing graph
// (loop-invariant) when that is known true.
bool ConditionCanStop(const NodeView& v) {
  const onnx::NodeProto& loop = *v.node;
  const onnx::GraphProto* body = nullptr;
  for (const auto& a : loop.attribute()) {
    if (a.name() == "body" && a.has_g()) body = &a.g();
  }
  if (body == nullptr || body->output_size() == 0) return false;
  std::string out = body->output(0).name();
  const std::string cond_in = body->input_size() > 1 ? body->input(1).name() : "";
  for (int hop = 0; hop < 4; ++hop) {
    if (out == cond_in) return false;
    const onnx::NodeProto* producer = nullptr;
    for (const auto& n : body->node()) {
      for (const auto& o : n.output()) {
        if (o == out) producer = &n;
      }
    }
    if (producer == nullptr) {  // an outer value: the same every trip
      absl::StatusOr<std::vector<double>> first = InputValues(v, 1);
      return !(loop.input_size() > 1 && out == loop.input(1) && first.ok() && first->size() == 1 &&
               (*first)[0] != 0);
    }
    if (producer->op_type() == "Identity" && producer->input_size() == 1) {
      out = producer->input(0);
      continue;
    }
    if (producer->op_type() == "Constant") {
      for (const auto& a : producer->attribute()) {
        if (a.name() == "value" && a.has_t() && a.t().int32_data_size() == 1) {
          return a.t().int32_data(0) == 0;
        }
        if (a.name() == "value" && a.t().raw_data().size() == 1) return a.t().raw_data()[0] == 0;
      }
    }
    return true;
  }
  return true;
}

absl::StatusOr<Cost> CountLoop(const NodeView& v) {
  Cost c;
  SubgraphCall call;
  call.attribute = "body";
  call.trips = -1;
  if (!HasInput(v, 0)) {
    call.how = "no trip count input: the loop runs until its condition is false";
  } else if (absl::StatusOr<std::vector<int64_t>> m = InputInts(v, 0); !m.ok() || m->size() != 1) {
    call.how = absl::StrCat("trip count '", v.node->input(0), "' is not a known constant");
  } else if (const double x = (*InputValues(v, 0))[0]; !std::isfinite(x) || x != std::floor(x)) {
    // A float M (a type error) holding NaN would otherwise truncate to 0 trips.
    call.how = absl::StrCat("trip count '", v.node->input(0), "' is ", FormatCount(x),
                            ", not an integer");
  } else if (static_cast<double>((*m)[0]) > kMaxTrips) {
    call.how = absl::StrCat("trip count M=", (*m)[0],
                            " is the run-until-false sentinel, not a count");
  } else {
    call.trips = static_cast<double>(std::max<int64_t>((*m)[0], 0));
    call.how = absl::StrCat("M=", (*m)[0]);
    if (ConditionCanStop(v)) {
      absl::StrAppend(&call.how, " (an upper bound: the body's condition may stop it earlier)");
      if (v.options != nullptr && v.options->data_dependent_low) {
        // The low end: the first trip runs only if the initial condition is known true.
        absl::StatusOr<std::vector<double>> first = InputValues(v, 1);
        const bool runs_once = !HasInput(v, 1) || (first.ok() && first->size() == 1 && (*first)[0] != 0);
        call.trips = std::min(call.trips, runs_once ? 1.0 : 0.0);
        call.how = absl::StrCat("the low end: ", call.trips, " trip(s) of at most M=", (*m)[0]);
      } else {
        c.bound = absl::StrCat("at most M = ", (*m)[0], " trips: the body's condition can stop "
                               "the loop earlier");
      }
    }
  }
  c.detail = absl::StrCat("body x trips: ", call.how);
  c.subgraphs.push_back(std::move(call));
  return c;
}

constexpr char kScanFormula[] =
    "cost(body) x L, L = the length of the first scan input along its "
    "scan_input_axes entry (default axis 0); opset 8: x batch as well, the "
    "body runs per batch row (x the actual lengths when sequence_lens is a "
    "known constant). 0 FLOP of its own";

absl::StatusOr<Cost> CountScan(const NodeView& v) {
  const int64_t num_scan = AttrInt(v, "num_scan_inputs", -1);
  if (num_scan <= 0) return absl::FailedPreconditionError("missing attribute 'num_scan_inputs'");
  const int n_inputs = v.node->input_size();
  // Compared as int64 first: 2^31 would wrap to INT_MIN in an int.
  if (num_scan > n_inputs) return absl::InvalidArgumentError("num_scan_inputs exceeds the inputs");
  Cost c;
  SubgraphCall call;
  call.attribute = "body";
  if (v.opset >= 9) {
    const int first = n_inputs - static_cast<int>(num_scan);
    if (first < 0) return absl::InvalidArgumentError("num_scan_inputs exceeds the inputs");
    OF_ASSIGN_OR_RETURN(Dims x, InputDims(v, first));
    const std::vector<int64_t> axes = AttrInts(v, "scan_input_axes");
    OF_ASSIGN_OR_RETURN(int64_t axis, NormalizeAxis(axes.empty() ? 0 : axes[0],
                                                    static_cast<int64_t>(x.size())));
    if (x.empty()) return absl::InvalidArgumentError("scan input must have rank >= 1");
    call.trips = static_cast<double>(x[static_cast<size_t>(axis)]);
    call.how = absl::StrCat("L=", x[static_cast<size_t>(axis)], " (axis ", axis, " of scan input '",
                            v.node->input(first), "')");
  } else {
    // Scan-8: input 0 is sequence_lens, inputs are [batch, seq, ...].
    const int first = n_inputs - static_cast<int>(num_scan);
    if (first < 1) return absl::InvalidArgumentError("num_scan_inputs exceeds the inputs");
    OF_ASSIGN_OR_RETURN(Dims x, InputDims(v, first));
    if (x.size() < 2) return absl::InvalidArgumentError("Scan-8 inputs must be [batch, seq, ...]");
    double steps = static_cast<double>(x[0]) * static_cast<double>(x[1]);
    call.how = absl::StrCat("batch ", x[0], " x L=", x[1]);
    if (HasInput(v, 0)) {
      absl::StatusOr<std::vector<int64_t>> lens = InputInts(v, 0);
      if (lens.ok()) {
        steps = 0;
        for (int64_t l : *lens) steps += static_cast<double>(l);
        call.how = absl::StrCat("sum of sequence_lens = ", FormatCount(steps));
      } else {
        c.warning = "sequence_lens is dynamic: the padded length is used";
      }
    }
    call.trips = steps;
  }
  c.detail = absl::StrCat("body x ", call.how);
  c.subgraphs.push_back(std::move(call));
  return c;
}

constexpr char kIfFormula[] =
    "cost(then_branch) or cost(else_branch): the branch taken when cond is a "
    "known constant, else the more expensive one, with a warning. 0 FLOP of its own";

absl::StatusOr<Cost> CountIf(const NodeView& v) {
  Cost c;
  absl::StatusOr<std::vector<double>> cond = InputValues(v, 0);
  if (cond.ok() && cond->size() == 1) {
    const bool taken = (*cond)[0] != 0;
    c.subgraphs.push_back({taken ? "then_branch" : "else_branch", 1,
                           absl::StrCat("cond is the constant ", taken ? "true" : "false"), {}});
    c.detail = absl::StrCat("cond is the constant ", taken ? "true" : "false", ": ",
                            c.subgraphs[0].attribute, " counted");
    return c;
  }
  c.subgraphs.push_back({"then_branch", 1, "cond unknown", {}});
  c.subgraphs.push_back({"else_branch", 1, "cond unknown", {}});
  c.take_larger_subgraph = true;
  c.detail = "cond is not a known constant: the more expensive branch counted";
  return c;
}

constexpr char kSequenceMapFormula[] =
    "cost(body) x L, L = the length of input_sequence (the body runs once per element); the "
    "analyzer does not track sequence lengths, so L is unknown: --loop-trips NODE=L, else 1 "
    "with a warning naming the sequence. The body runs at its declared input shapes, a "
    "tensor (non-sequence) additional input at its own shape. 0 FLOP of its own";

absl::StatusOr<Cost> CountSequenceMap(const NodeView& v) {
  const onnx::AttributeProto* body = FindAttr(v, "body");
  if (body == nullptr || !body->has_g()) {
    return absl::FailedPreconditionError("missing graph attribute 'body'");
  }
  if (!HasInput(v, 0)) return absl::InvalidArgumentError("SequenceMap needs input_sequence");
  const onnx::GraphProto& g = body->g();
  Cost c;
  SubgraphCall call;
  call.attribute = "body";
  call.trips = -1;
  call.how = absl::StrCat("the length of sequence '", v.node->input(0),
                          "' is not known from the file (sequence lengths are not tracked)");
  // Body input k takes element k of the node's inputs: a tensor input (one
  // whose shape is known: a sequence value never has one) is passed whole.
  for (int k = 1; k < g.input_size() && k < static_cast<int>(v.inputs.size()); ++k) {
    const TensorInfo* in = v.inputs[static_cast<size_t>(k)];
    if (in == nullptr || !in->has_shape) continue;
    TensorInfo t;
    t.name = g.input(k).name();
    t.elem_type = in->elem_type;
    t.has_shape = true;
    t.dims = in->dims;
    t.dim_names = in->dim_names;
    t.dim_names.resize(t.dims.size());
    call.seeds.push_back(std::move(t));
  }
  c.detail = absl::StrCat("body x L: ", call.how);
  c.subgraphs.push_back(std::move(call));
  return c;
}

}  // namespace

void RegisterControlFlowRules(RuleRegistry& r) {
  Register(r, {"", "Loop", "control_flow", kLoopFormula, CountLoop, nullptr, {}, true});
  Register(r, {"", "Scan", "control_flow", kScanFormula, CountScan});
  Register(r, {"", "If", "control_flow", kIfFormula, CountIf, nullptr, {}, true});
  Register(r, {"", "SequenceMap", "control_flow", kSequenceMapFormula, CountSequenceMap});
}

}  // namespace onnx_flops
