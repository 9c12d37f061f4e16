// onnxruntime's text generation ops (com.microsoft BeamSearch, GreedySearch,
// Sampling): a decoding loop around subgraphs, so their cost is their
// subgraphs' cost x the decoding steps, which the walker counts from the
// SubgraphCalls these rules return (with the shapes of each call as seeds).
//
// With B = dim 0 of input_ids, S = dim 1 (the prompt; for T5 the encoder's
// input), K = num_beams (1 for greedy search and sampling), M = max_length
// (input 1, or --max-length), the decoder runs on B*K rows:
//   GPT-style (model_type 0): the first run reads the prompt (seq S, no
//     past; the init_decoder subgraph when the model has one), then the
//     decoder runs once per further token, seq 1, past p = S .. M-2:
//     M - S runs in all.
//   T5-style (model_type 1): the encoder subgraph runs once on B rows (seq S;
//     it also gives the first token), then the decoder once per further token, seq 1,
//     self-attention past p = 1 .. M-2: M - 2 runs.
// A decoder's cost is affine in its past length (the attention scores grow
// with it, nothing else does), so the runs over p = a..b are counted as
// (b - a + 1) runs at the mean past length (two halves at its floor and
// ceiling when it is not whole): the exact sum.
// Generation stops early at the end-of-sequence token: the count is the
// upper end (forward.bounds says so); the low end runs only what min_length
// (input 2) forces: GPT max(1, min_length - S) runs, T5 the encoder and
// max(0, min_length - 2) decoder runs.
//
// The subgraphs' symbolic dims are bound by role from their names:
// input_ids' two dims are the rows and the current length; a dim named
// *total* or *present* is past + current, *encode* is S, *past* or *decode*
// is the past length. Anything else stays unknown and its nodes say so.
#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "rules/families.h"
#include "rules/propagate.h"

namespace onnx_flops {
namespace {

const onnx::GraphProto* GraphAttr(const NodeView& v, absl::string_view name) {
  for (const auto& a : v.node->attribute()) {
    if (a.name() == name && a.has_g()) return &a.g();
  }
  return nullptr;
}

struct Roles {
  int64_t rows = -1;     // B*K
  int64_t current = -1;  // tokens this run reads
  int64_t past = -1;     // cached tokens
  int64_t encoded = -1;  // S, the encoder's length (T5)
  // A T5 decoder whose input_ids length is not fixed at 1 reads the whole
  // sequence so far at every step: current = past + 1.
  bool whole_sequence = false;
};

// Whether input 0 of `g` (input_ids) has a dim 1 that is not the constant 1.
bool ReadsWholeSequence(const onnx::GraphProto& g) {
  if (g.input_size() == 0) return false;
  const auto& shape = g.input(0).type().tensor_type().shape();
  return shape.dim_size() == 2 && !(shape.dim(1).has_dim_value() && shape.dim(1).dim_value() == 1);
}

// The subgraph's inputs at the shapes of one run.
std::vector<TensorInfo> SeedsFor(const onnx::GraphProto& g, const Roles& r) {
  std::string rows_name, current_name;
  if (g.input_size() > 0 && g.input(0).type().tensor_type().shape().dim_size() == 2) {
    const auto& shape = g.input(0).type().tensor_type().shape();
    rows_name = shape.dim(0).dim_param();
    current_name = shape.dim(1).dim_param();
  }
  std::vector<TensorInfo> seeds;
  for (const auto& in : g.input()) {
    const auto& type = in.type().tensor_type();
    TensorInfo t;
    t.name = in.name();
    t.elem_type = type.elem_type();
    if (!type.has_shape()) {
      seeds.push_back(std::move(t));
      continue;
    }
    t.has_shape = true;
    for (const auto& d : type.shape().dim()) {
      int64_t value = -1;
      const std::string name = absl::AsciiStrToLower(d.dim_param());
      if (d.has_dim_value()) {
        value = d.dim_value();
      } else if (!rows_name.empty() && d.dim_param() == rows_name) {
        value = r.rows;
      } else if (!current_name.empty() && d.dim_param() == current_name) {
        value = r.current;
      } else if (absl::StrContains(name, "total") || absl::StrContains(name, "present")) {
        value = DimAdd(r.past, r.current);
      } else if (absl::StrContains(name, "encode")) {
        value = r.encoded;
      } else if (absl::StrContains(name, "past") || absl::StrContains(name, "decode")) {
        value = r.past;
      }
      t.dims.push_back(value);
    }
    t.dim_names.assign(t.dims.size(), "");
    seeds.push_back(std::move(t));
  }
  return seeds;
}

// Runs of `g` over past lengths first..last (seq 1 each) as calls at the mean.
void AddDecoderRuns(const onnx::GraphProto& g, const std::string& attribute, Roles r,
                    int64_t first, int64_t last, std::vector<SubgraphCall>* calls) {
  if (last < first) return;
  const int64_t runs = last - first + 1;
  const std::string how = absl::StrCat(runs, " decoding steps, past ", first, "..", last);
  if ((first + last) % 2 == 0) {
    r.past = (first + last) / 2;
    if (r.whole_sequence) r.current = r.past + 1;
    calls->push_back({attribute, static_cast<double>(runs),
                      absl::StrCat(how, " (counted at the mean past ", r.past, ")"),
                      SeedsFor(g, r)});
    return;
  }
  // An even number of runs whose mean past is p + 1/2: half at p, half at p + 1.
  const int64_t floor = (first + last) / 2;
  for (int64_t p : {floor, floor + 1}) {
    r.past = p;
    if (r.whole_sequence) r.current = p + 1;
    calls->push_back({attribute, static_cast<double>(runs) / 2,
                      absl::StrCat(how, " (half counted at past ", p, ")"), SeedsFor(g, r)});
  }
}

std::optional<int64_t> Scalar(const NodeView& v, int i) {
  if (!HasInput(v, i)) return std::nullopt;
  return ScalarInt(v, i);
}

constexpr char kGenerationFormula[] =
    "cost(subgraphs) x decoding steps on B*K rows (K = num_beams, 1 for greedy search and "
    "sampling), M = max_length (input 1 or --max-length): GPT (model_type 0) the prompt once "
    "(seq S, init_decoder when present) + M-S-1 decoder runs at past S..M-2; T5 (model_type 1) "
    "the encoder once on B rows + M-2 decoder runs at past 1..M-2; runs over a past range counted at its "
    "mean (exact: the cost is affine in the past length). An upper bound (EOS stops it "
    "earlier); low end: the runs min_length forces. 0 FLOP of its own";

absl::StatusOr<Cost> CountGeneration(const NodeView& v) {
  OF_ASSIGN_OR_RETURN(Dims ids, InputDims(v, 0));
  if (ids.size() != 2) {
    return absl::InvalidArgumentError(absl::StrCat("input_ids must be [B, S], got ",
                                                   DimsToString(ids)));
  }
  const std::string& op = v.node->op_type();
  const bool beams = op == "BeamSearch";
  std::optional<int64_t> m = Scalar(v, 1);
  std::string m_source = absl::StrCat("max_length '", HasInput(v, 1) ? v.node->input(1) : "", "'");
  const int64_t flag = v.options != nullptr ? v.options->max_length : 0;
  if (!m.has_value() && flag > 0) {
    m = flag;
    m_source = "--max-length";
  }
  if (!m.has_value()) {
    return absl::FailedPreconditionError(absl::StrCat(
        op, " max_length is not a known constant: give it with --max-length N (or --value ",
        HasInput(v, 1) ? v.node->input(1) : "max_length", "=N)"));
  }
  int64_t k = 1;
  if (beams) {
    std::optional<int64_t> nb = Scalar(v, 3);
    if (!nb.has_value()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "BeamSearch num_beams is not a known constant: give it with --value ",
          HasInput(v, 3) ? v.node->input(3) : "num_beams", "=K"));
    }
    k = *nb;
  }
  if (k < 1 || k > kMaxDim || *m < 1 || *m > kMaxDim) {
    return absl::InvalidArgumentError(absl::StrCat(op, " num_beams ", k, " or max_length ", *m,
                                                   " out of range"));
  }
  const int64_t s = ids[1];
  Roles r;
  r.rows = DimMul(ids[0], k);
  r.encoded = s;
  const bool low = v.options != nullptr && v.options->data_dependent_low;
  const int64_t min_length = Scalar(v, 2).value_or(0);
  const int64_t model_type = AttrInt(v, "model_type", 0);
  Cost c;
  std::string runs;
  if (model_type == 1) {
    const onnx::GraphProto* encoder = GraphAttr(v, "encoder");
    const onnx::GraphProto* decoder = GraphAttr(v, "decoder");
    if (encoder == nullptr || decoder == nullptr) {
      return absl::FailedPreconditionError("T5 generation needs the encoder and decoder subgraphs");
    }
    // The encoder reads each prompt once, on B rows; its outputs are then
    // repeated for the K beams.
    Roles first = r;
    first.rows = ids[0];
    first.current = s;
    first.past = 0;
    c.subgraphs.push_back({"encoder", 1, "the encoder, once", SeedsFor(*encoder, first)});
    int64_t last = *m - 2;
    if (low) last = std::min(last, std::max<int64_t>(min_length - 2, 0));
    Roles step = r;
    step.current = 1;
    step.whole_sequence = ReadsWholeSequence(*decoder);
    AddDecoderRuns(*decoder, "decoder", step, 1, last, &c.subgraphs);
    runs = absl::StrCat("encoder once + ", std::max<int64_t>(last, 0), " decoder runs");
    if (!low && *m - 2 > std::max<int64_t>(min_length - 2, 0)) {
      c.bound = absl::StrCat("at most ", std::max<int64_t>(*m - 2, 0), " decoder runs (",
                             m_source, " = ", *m, "): the end-of-sequence token can stop "
                             "generation earlier");
    }
  } else if (model_type == 0) {
    const onnx::GraphProto* decoder = GraphAttr(v, "decoder");
    if (decoder == nullptr) return absl::FailedPreconditionError("no decoder subgraph");
    if (*m <= s) {
      return absl::InvalidArgumentError(absl::StrCat("max_length ", *m, " <= prompt length ", s));
    }
    const onnx::GraphProto* init = GraphAttr(v, "init_decoder");
    Roles first = r;
    first.current = s;
    first.past = 0;
    c.subgraphs.push_back({init != nullptr ? "init_decoder" : "decoder", 1,
                           "the prompt, once", SeedsFor(init != nullptr ? *init : *decoder, first)});
    int64_t last = *m - 2;
    if (low) last = std::min(last, s + std::max<int64_t>(min_length - s - 1, 0) - 1);
    Roles step = r;
    step.current = 1;
    AddDecoderRuns(*decoder, "decoder", step, s, last, &c.subgraphs);
    runs = absl::StrCat("prompt once + ", std::max<int64_t>(last - s + 1, 0), " decoder runs");
    if (!low && *m - s > std::max<int64_t>(min_length - s, 1)) {
      c.bound = absl::StrCat("at most ", *m - s, " decoding steps (", m_source, " = ", *m,
                             ", prompt ", s, "): the end-of-sequence token can stop generation "
                             "earlier");
    }
  } else {
    return absl::UnimplementedError(absl::StrCat(op, " model_type ", model_type,
                                                 " (only 0, GPT, and 1, T5, are counted)"));
  }
  c.detail = absl::StrCat(runs, " on B*K = ", ids[0], "*", k, " = ", r.rows, " rows, M=", *m,
                          " (", m_source, "), S=", s);
  return c;
}

}  // namespace

void RegisterGenerationRules(RuleRegistry& r) {
  for (const char* op : {"BeamSearch", "GreedySearch", "Sampling"}) {
    Register(r, {"com.microsoft", op, "generation", kGenerationFormula, CountGeneration, nullptr,
                 {}, true});
  }
}

}  // namespace onnx_flops
