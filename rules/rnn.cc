// LSTM, GRU and RNN (ONNX opsets 1-22): the gate and recurrence matrix
// products per time step (matmul class) and the per-step gate arithmetic
// (vector class).
//
// Schema history that matters here: opset 1 has `output_sequence` (removed
// in 7; it only decides whether Y is emitted, the count is the same), GRU 3
// adds `linear_before_reset` (same count either way), opset 14 adds `layout`
// (X is [batch, seq, I] when 1), opset 22 only widens the types.
// Inputs: X, W [dirs, gates*H, I], R [dirs, gates*H, H], B [dirs, 2*gates*H],
// sequence_lens [batch], initial_h, and for LSTM initial_c, P [dirs, 3*H].
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "rules/elementwise.h"
#include "rules/families.h"
#include "rules/propagate.h"

namespace onnx_flops {
namespace {

// The activation functions an RNN node may name (the ONNX spec's list), each
// counted as rules/activation.cc counts the op of that name.
constexpr const char* kRnnActivations[] = {"Sigmoid", "Tanh", "Relu", "HardSigmoid", "Affine",
                                           "LeakyRelu", "ThresholdedRelu", "ScaledTanh", "Elu",
                                           "Softsign", "Softplus"};

std::string ActivationCosts() {
  std::vector<std::string> parts;
  for (const char* name : kRnnActivations) {
    parts.push_back(absl::StrCat(name, " ", FormatCount(*ActivationPerElement(name))));
  }
  return absl::StrCat("activation costs per element: ", absl::StrJoin(parts, ", "));
}

// What distinguishes the three ops.
struct RnnKind {
  const char* op;
  int64_t gates;                 // blocks of H rows in W and R
  std::vector<const char*> defaults;  // default activations, one direction
  std::vector<int64_t> act_rows;      // elements (in units of H) each activation is applied to
  std::vector<const char*> act_roles;  // "f (i,o,f gates)"
  int64_t update_h;              // elementwise state update, in units of H
  const char* update_what;
};

const RnnKind& LstmKind() {
  static const RnnKind* const k = new RnnKind{
      "LSTM", 4, {"Sigmoid", "Tanh", "Tanh"}, {3, 1, 1},
      {"f (i,o,f gates)", "g (cell candidate)", "h (cell)"}, 4,
      "cell update C=f*C+i*c~ 3H, output H=o*h(C) 1H"};
  return *k;
}

const RnnKind& GruKind() {
  static const RnnKind* const k = new RnnKind{
      "GRU", 3, {"Sigmoid", "Tanh"}, {2, 1},
      {"f (z,r gates)", "g (hidden candidate)"}, 5,
      "reset product 1H, update H=(1-z)*h~+z*H 4H"};
  return *k;
}

const RnnKind& RnnOnlyKind() {
  static const RnnKind* const k =
      new RnnKind{"RNN", 1, {"Tanh"}, {1}, {"f"}, 0, ""};
  return *k;
}

absl::StatusOr<double> ActivationCost(const std::string& name) {
  // Runtimes accept any case (onnxruntime lower-cases the names).
  for (const char* a : kRnnActivations) {
    if (absl::EqualsIgnoreCase(name, a)) return ActivationPerElement(a);
  }
  return absl::UnimplementedError(
      absl::StrCat("unknown recurrent activation function '", name, "'"));
}

// Activation names per direction: the `activations` attribute (n per
// direction, forward first) or the op's defaults. A bidirectional node that
// lists only n names uses them for both directions.
absl::StatusOr<std::vector<std::vector<std::string>>> Activations(const NodeView& v,
                                                                  const RnnKind& k,
                                                                  int64_t dirs) {
  const size_t n = k.defaults.size();
  std::vector<std::vector<std::string>> out(static_cast<size_t>(dirs));
  const onnx::AttributeProto* a = FindAttr(v, "activations");
  if (a == nullptr || a->strings_size() == 0) {
    for (auto& d : out) d.assign(k.defaults.begin(), k.defaults.end());
    return out;
  }
  const size_t given = static_cast<size_t>(a->strings_size());
  if (given != n * static_cast<size_t>(dirs) && given != n) {
    return absl::InvalidArgumentError(absl::StrCat(
        k.op, " 'activations' lists ", given, " functions; expected ", n,
        dirs == 2 ? absl::StrCat(" or ", 2 * n, " (bidirectional)") : std::string()));
  }
  for (size_t d = 0; d < out.size(); ++d) {
    const size_t base = given == n ? 0 : d * n;
    for (size_t j = 0; j < n; ++j) out[d].push_back(a->strings(static_cast<int>(base + j)));
  }
  return out;
}

// One direction's vector FLOPs per time step and batch row, with its terms.
struct DirectionVector {
  double total = 0;
  std::string terms;
};

absl::StatusOr<DirectionVector> VectorPerStep(const RnnKind& k, double h, bool has_bias,
                                              bool has_peepholes, bool has_clip,
                                              const std::vector<std::string>& acts,
                                              const std::string& update_what) {
  const double gh = static_cast<double>(k.gates) * h;
  std::vector<std::string> terms;
  DirectionVector out;
  auto add = [&](double flops, const std::string& what) {
    out.total += flops;
    terms.push_back(absl::StrCat(FormatCount(flops), " (", what, ")"));
  };
  add(gh, absl::StrCat("add products ", k.gates, "H"));
  if (has_bias) add(2 * gh, absl::StrCat("biases Wb+Rb ", 2 * k.gates, "H"));
  if (has_peepholes) add(6 * h, "peepholes 3H mul + 3H add");
  if (has_clip) add(2 * gh, absl::StrCat("clip min+max on ", k.gates, "H"));
  std::vector<std::string> act_terms;
  double act = 0;
  for (size_t j = 0; j < acts.size(); ++j) {
    OF_ASSIGN_OR_RETURN(double per, ActivationCost(acts[j]));
    act += per * static_cast<double>(k.act_rows[j]) * h;
    act_terms.push_back(absl::StrCat(acts[j], " ", FormatCount(per), "*", k.act_rows[j],
                                     "H ", k.act_roles[j]));
  }
  add(act, absl::StrCat("activations: ", absl::StrJoin(act_terms, ", ")));
  if (k.update_h > 0) add(static_cast<double>(k.update_h) * h, update_what);
  out.terms = absl::StrJoin(terms, " + ");
  return out;
}

// The value of an optional input's dim `axis`, or -1 if the input is absent
// or its shape is not resolved (the check then relies on the other inputs).
int64_t KnownDim(const NodeView& v, int input, size_t axis, size_t rank) {
  if (!HasInput(v, input)) return -1;
  absl::StatusOr<Dims> d = InputDims(v, input);
  if (!d.ok() || d->size() != rank) return -1;
  return (*d)[axis];
}

absl::StatusOr<Cost> CountRecurrent(const NodeView& v, const RnnKind& k) {
  // Direction.
  const std::string direction = AttrString(v, "direction", "forward");
  int64_t dirs = 1;
  if (direction == "bidirectional") {
    dirs = 2;
  } else if (direction != "forward" && direction != "reverse") {
    return absl::InvalidArgumentError(absl::StrCat(
        k.op, " direction '", direction, "' is not forward, reverse or bidirectional"));
  }

  // X: [seq, batch, I], or [batch, seq, I] with layout=1 (opset >= 14).
  const int64_t layout = v.opset >= 14 ? AttrInt(v, "layout", 0) : 0;
  if (layout != 0 && layout != 1) {
    return absl::InvalidArgumentError(absl::StrCat(k.op, " layout ", layout, " is not 0 or 1"));
  }
  OF_ASSIGN_OR_RETURN(Dims x, InputDims(v, 0));
  if (x.size() != 3) {
    return absl::InvalidArgumentError(
        absl::StrCat(k.op, " X must have rank 3, got ", DimsToString(x)));
  }
  const int64_t seq = layout == 0 ? x[0] : x[1];
  const int64_t batch = layout == 0 ? x[1] : x[0];
  const int64_t input_size = x[2];

  // Hidden size: the attribute, else R [dirs, gates*H, H], else W [dirs, gates*H, I].
  const int64_t r_h = KnownDim(v, 2, 2, 3);
  const int64_t r_rows = KnownDim(v, 2, 1, 3);
  const int64_t w_rows = KnownDim(v, 1, 1, 3);
  int64_t hidden = AttrInt(v, "hidden_size", -1);
  std::string hidden_from = "hidden_size";
  if (FindAttr(v, "hidden_size") == nullptr) {
    if (r_h >= 0) {
      hidden = r_h;
      hidden_from = "R dim 2";
    } else if (w_rows >= 0 && w_rows % k.gates == 0) {
      hidden = w_rows / k.gates;
      hidden_from = absl::StrCat("W dim 1 / ", k.gates);
    } else {
      return absl::FailedPreconditionError(absl::StrCat(
          k.op, " has no hidden_size attribute and the shapes of R and W are unknown"));
    }
  }
  // Bounded like a dim, so gates x hidden cannot overflow int64.
  if (hidden <= 0 || hidden > kMaxDim) {
    return absl::InvalidArgumentError(
        absl::StrCat(k.op, " hidden_size ", hidden, " is not between 1 and 2^40"));
  }

  // Consistency with the weights, where their shapes are known.
  const int64_t w_dirs = KnownDim(v, 1, 0, 3), w_in = KnownDim(v, 1, 2, 3);
  const int64_t r_dirs = KnownDim(v, 2, 0, 3);
  if ((w_dirs >= 0 && w_dirs != dirs) || (r_dirs >= 0 && r_dirs != dirs)) {
    return absl::InvalidArgumentError(absl::StrCat(
        k.op, " direction '", direction, "' needs ", dirs,
        " direction(s) but W/R have ", w_dirs >= 0 ? w_dirs : r_dirs));
  }
  if ((w_rows >= 0 && w_rows != k.gates * hidden) ||
      (r_rows >= 0 && r_rows != k.gates * hidden) || (r_h >= 0 && r_h != hidden)) {
    return absl::InvalidArgumentError(absl::StrCat(
        k.op, " hidden_size ", hidden, " disagrees with W/R shapes (expected ",
        k.gates * hidden, " gate rows and R dim 2 = ", hidden, ")"));
  }
  if (w_in >= 0 && w_in != input_size) {
    return absl::InvalidArgumentError(absl::StrCat(
        k.op, " X input size ", input_size, " differs from W dim 2 = ", w_in));
  }

  // Time steps x batch rows: the padded seq*batch, or sum(sequence_lens).
  double steps = static_cast<double>(seq) * static_cast<double>(batch);
  std::string steps_text =
      absl::StrCat("seq=", seq, " x batch=", batch, " = ", FormatCount(steps), " rows");
  if (HasInput(v, 4)) {
    absl::StatusOr<std::vector<int64_t>> lens = InputInts(v, 4);
    if (lens.ok()) {
      if (static_cast<int64_t>(lens->size()) != batch) {
        return absl::InvalidArgumentError(absl::StrCat(
            k.op, " sequence_lens has ", lens->size(), " values for batch ", batch));
      }
      double sum = 0;
      for (int64_t len : *lens) {
        if (len < 0 || len > seq) {
          return absl::InvalidArgumentError(absl::StrCat(
              k.op, " sequence_lens value ", len, " is outside [0, seq_length=", seq, "]"));
        }
        sum += static_cast<double>(len);
      }
      steps = sum;
      steps_text = absl::StrCat("sum(sequence_lens)=", FormatCount(sum),
                                " rows (sequence_lens is constant [",
                                absl::StrJoin(*lens, ","), "]; padded would be seq=", seq,
                                " x batch=", batch, ")");
    } else {
      absl::StrAppend(&steps_text, " (sequence_lens is dynamic: padded length ", seq,
                      " used)");
    }
  }

  // Per step, batch row and direction.
  const double h = static_cast<double>(hidden);
  const double per_matmul =
      2 * static_cast<double>(k.gates) * h * (static_cast<double>(input_size) + h);
  const bool has_bias = HasInput(v, 3);
  const bool has_peepholes = k.gates == 4 && HasInput(v, 7);
  const bool has_clip = FindAttr(v, "clip") != nullptr;
  OF_ASSIGN_OR_RETURN(auto acts, Activations(v, k, dirs));
  std::string update_what = k.update_what;
  if (k.gates == 3) {  // GRU: say which reset product the node computes
    update_what = AttrInt(v, "linear_before_reset", 0) != 0
                      ? "reset product r*(H*Rh^T+Rbh) 1H, update H=(1-z)*h~+z*H 4H"
                      : "reset product r*H 1H, update H=(1-z)*h~+z*H 4H";
  }
  std::vector<DirectionVector> vec;
  double vector_per_step = 0;  // summed over directions
  for (const auto& dir_acts : acts) {
    OF_ASSIGN_OR_RETURN(DirectionVector dv,
                        VectorPerStep(k, h, has_bias, has_peepholes, has_clip, dir_acts,
                                      update_what));
    vector_per_step += dv.total;
    vec.push_back(std::move(dv));
  }

  Cost c;
  c.matmul_flops = steps * static_cast<double>(dirs) * per_matmul;
  c.macs = c.matmul_flops / 2;
  c.vector_flops = steps * vector_per_step;
  std::string vector_text;
  if (dirs == 2 && vec[0].terms != vec[1].terms) {
    vector_text = absl::StrCat("vector forward ", FormatCount(vec[0].total), " = ",
                               vec[0].terms, "; vector reverse ", FormatCount(vec[1].total),
                               " = ", vec[1].terms);
  } else {
    vector_text = absl::StrCat("vector ", FormatCount(vec[0].total), " = ", vec[0].terms);
  }
  c.detail = absl::StrCat(
      k.op, " ", direction, ", H=", hidden, " (", hidden_from, "), I=", input_size,
      ", layout=", layout, "; ", steps_text, " x dirs=", dirs, " x [matmul 2*", k.gates, "*",
      hidden, "*(", input_size, "+", hidden, ") = ", FormatCount(per_matmul), "; ",
      vector_text, "] per step per row per direction");
  return c;
}

absl::StatusOr<Cost> CountLstm(const NodeView& v) { return CountRecurrent(v, LstmKind()); }
absl::StatusOr<Cost> CountGru(const NodeView& v) { return CountRecurrent(v, GruKind()); }
absl::StatusOr<Cost> CountRnn(const NodeView& v) { return CountRecurrent(v, RnnOnlyKind()); }

#define OF_RNN_COMMON                                                                     \
  "H = hidden_size (else R dim 2, else W dim 1 / gates), I = X's last dim; rows = "      \
  "seq_length*batch from X ([seq,batch,I], or [batch,seq,I] with layout=1, opset 14+), " \
  "or sum(sequence_lens) when it is a known constant (the padded seq_length*batch when "  \
  "it is dynamic); dirs = 2 if direction=bidirectional; activations from the "           \
  "`activations` attribute (forward first; one list serves both directions)"

constexpr char kLstmFormula[] =
    "rows*dirs*[2*4*H*(I+H) matmul class (X*W^T and H*R^T per gate i,o,f,c); vector "
    "class 4H (add the two products) + 8H if B (Wb and Rb) + 6H if P (peepholes: 3H mul, "
    "3H add) + 8H if clip (min, max per pre-activation) + 3H*cost(f) (i,o,f gates) + "
    "H*cost(g) (cell candidate) + H*cost(h) (cell) + 3H (C=f*C+i*c~) + H (H=o*h(C))]; "
    "defaults f=Sigmoid g=Tanh h=Tanh; input_forget counted like 0; " OF_RNN_COMMON;

constexpr char kGruFormula[] =
    "rows*dirs*[2*3*H*(I+H) matmul class (X*W^T and H*R^T per gate z,r,h; with "
    "linear_before_reset=0 R_h multiplies r*H, same size); vector class 3H (add the two "
    "products) + 6H if B (Wb and Rb) + 6H if clip (min, max per pre-activation) + "
    "2H*cost(f) (z,r gates) + H*cost(g) (hidden candidate) + H (reset product, either "
    "linear_before_reset) + 4H (H=(1-z)*h~+z*H: subtract, 2 mul, add)]; defaults "
    "f=Sigmoid g=Tanh; " OF_RNN_COMMON;

constexpr char kRnnFormula[] =
    "rows*dirs*[2*H*(I+H) matmul class (X*W^T and H*R^T); vector class H (add the two "
    "products) + 2H if B (Wb and Rb) + 2H if clip (min, max) + H*cost(f)]; default "
    "f=Tanh; " OF_RNN_COMMON;

#undef OF_RNN_COMMON

// ---- Shape propagation ----

// RNN, GRU, LSTM: Y is [seq, dirs, batch, hidden] (layout 0) or [batch, seq,
// dirs, hidden] (layout 1); Y_h and LSTM's Y_c are [dirs, batch, hidden] or
// [batch, dirs, hidden]. hidden_size comes from the attribute, else from W
// ([dirs, gates x hidden, input]).
absl::StatusOr<Outputs> ShapeOfRecurrent(const NodeView& v) {
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

// Every input carries a gradient but sequence_lens (input 4).
constexpr BackwardSpec kRecurrentBackward = [] {
  BackwardSpec s = Backward(BackwardKind::kRecurrent);
  s.differentiable = ~Slots({4});
  return s;
}();

}  // namespace

void RegisterRnnRules(RuleRegistry& r) {
  const std::string costs = absl::StrCat("; ", ActivationCosts());
  Register(r, {"", "LSTM", "rnn", absl::StrCat(kLstmFormula, costs), CountLstm, ShapeOfRecurrent,
               kRecurrentBackward});
  Register(r, {"", "GRU", "rnn", absl::StrCat(kGruFormula, costs), CountGru, ShapeOfRecurrent,
               kRecurrentBackward});
  Register(r, {"", "RNN", "rnn", absl::StrCat(kRnnFormula, costs), CountRnn, ShapeOfRecurrent,
               kRecurrentBackward});
}

}  // namespace onnx_flops
