// The contract between the graph walker and the per-op FLOP rules.
//
// A rule sees one node through a read-only NodeView (attributes, the resolved
// shapes of its inputs and outputs, small constant values) and returns either a
// Cost or a Status that says why it cannot count the node. The walker turns a
// non-OK Status into an "uncounted" entry with that message: a rule never
// returns a silent zero for something it did not understand.
#ifndef ONNX_FLOPS_RULES_RULE_H_
#define ONNX_FLOPS_RULES_RULE_H_

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include "absl/strings/string_view.h"
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "analyzer/util/number_format.h"
#include "analyzer/util/status_macros.h"
#include "onnx/onnx_pb.h"

namespace onnx_flops {

using Dims = std::vector<int64_t>;

// Dims above this are nonsense (2^40: no real tensor axis is a trillion long,
// and products of such dims would lose integer exactness). InputDims and
// OutputDims reject them, so the shape formulas of the rules only ever see
// dims (and, through CheckAttrRange, window attributes) at most 2^40: their
// sums stay far inside int64, and products of two are done in double.
constexpr int64_t kMaxDim = int64_t{1} << 40;

// A tensor computed from a mixture of experts' routing choice (the indices
// of a TopK or ArgMax over E router scores), as far as the ops between keep
// its meaning (analyzer/shapes/routing_tags.h): the expert each token chose,
// or a mask that is non-zero where a token was routed to some experts.
struct RoutingTag {
  std::string router;       // the TopK/ArgMax indices output it comes from
  int64_t tokens = 0;       // T: the rows routed
  int64_t top_k = 0;        // k: choices per token
  int64_t experts = 0;      // E
  bool mask = false;        // false: expert ids; true: non-zero where routed
  // The experts a mask covers, [first, first + count); first -1: which ones
  // is not known (only how many).
  int64_t first = 0;
  int64_t count = 0;
  int64_t slots = 0;        // how many of the k choices it covers
  // Non-zero elements per routed (token, choice) pair: a mask broadcast
  // across the hidden axis to select whole rows element by element.
  int64_t width = 1;
  int expert_axis = -1;     // the axis indexing experts (a one-hot), -1: none
  int slot_axis = -1;       // the axis of the k choices, -1: none
};

// What the walker knows about one value (graph input, initializer or node
// output) once shapes are bound.
struct TensorInfo {
  std::string name;
  int32_t elem_type = 0;   // onnx::TensorProto::DataType, 0 if unknown
  bool has_shape = false;  // rank known
  Dims dims;               // -1 where a dim is unknown
  std::vector<std::string> dim_names;  // symbolic name of each unknown dim, "" if none
  bool is_initializer = false;
  // Small constant contents (initializers, Constant outputs, propagated shape
  // values). `values` holds them as doubles, `int_values` truncated to int64.
  bool has_values = false;
  std::vector<double> values;
  std::vector<int64_t> int_values;
  // Bounds on the values when they are computed at run time (a box's size:
  // Clip to the image, then arithmetic): one per element in the order of
  // `values`, or a single one for every element; empty when unknown, and
  // either side may be infinite (analyzer/shapes/value_range.h).
  std::vector<double> lo, hi;
  // Set when the tensor carries a routing choice (expert ids or a mask).
  std::optional<RoutingTag> routing;
};

// A subgraph attribute of a control-flow node (Loop body, Scan body, If
// branch) that the walker must count, and how many times it runs.
struct SubgraphCall {
  std::string attribute;   // "body", "then_branch", "else_branch"
  double trips = 1;        // < 0: unknown, the walker applies --loop-trips or 1
  std::string how;         // where the trip count came from, for the report
  // Types and shapes of the subgraph's inputs for this call, by input name
  // (generation ops run their decoder at shapes of their own); empty: the
  // walker seeds Loop and Scan bodies from the node's inputs.
  std::vector<TensorInfo> seeds;
};

// The cost of one node. FLOPs are doubles: totals reach 1e26, and a double is
// exact for every integer count below 2^53 (9e15), which covers any single
// node a test can check by hand.
struct Cost {
  // 2 x the multiply-accumulates of matrix products (MatMul, Gemm, Conv,
  // ConvTranspose, Einsum contractions, RNN gate products, attention cores).
  double matmul_flops = 0;
  // Everything else: bias adds, scaling, activations, normalization, pooling.
  double vector_flops = 0;
  // Multiply-accumulates of the matrix products (matmul_flops / 2).
  double macs = 0;
  // True when the op moves or reinterprets data and costs 0 FLOP by
  // convention, so the report can tell it apart from a count that is zero.
  bool data_movement = false;
  // The formula with its numbers filled in, so a reader can redo the sum.
  std::string detail;
  // Something the count had to assume (a padded sequence length, an If
  // branch chosen without knowing the condition); becomes a report warning.
  std::string warning;
  // Control flow: the subgraphs to count (each x its trips) on top of this
  // node's own cost. With take_larger_subgraph, only the most expensive one
  // counts (an If whose condition is unknown).
  std::vector<SubgraphCall> subgraphs;
  bool take_larger_subgraph = false;
  // A data-dependent output size (NonZero's count, NonMaxSuppression's
  // selections) taken at its bound rather than known: how, e.g. "at most 4,650
  // rows: numel of 'scores'". The report lists these beside the range.
  std::string bound;
  // A size set by a mixture of experts' routing (the rows of one expert's
  // NonZero, a fused MoE op's expert rows) under the --routing assumption,
  // e.g. "balanced routing: 32 rows = 128 tokens x 2 choices / 8 experts".
  std::string routing;

  double flops() const { return matmul_flops + vector_flops; }
};

// Counting choices the user makes that some rules honour.
struct RuleOptions {
  // --causal-half: attention ops whose mask is causal (unidirectional=1,
  // is_causal=1, do_rotary decoders...) count Q*K^T and scores*V at half.
  bool causal_attention_half = false;
  // Data-dependent output sizes take their upper bound (the headline count)
  // or, when set, their lower bound (the low end of the range).
  bool data_dependent_low = false;
  // --detections N: NonMaxSuppression keeps at most N boxes in all (0: the
  // graph's own limit).
  int64_t max_detections = 0;
  // --max-length N: the max_length of generation ops (BeamSearch...) whose
  // max_length input is not a known constant (0: none given).
  int64_t max_length = 0;
  // --routing worst: a mixture of experts' routed experts each receive every
  // token (the upper bound) instead of the balanced share tokens x k / E.
  bool routing_worst = false;
};

// Read-only view of one node. Pointers in inputs/outputs are null where the
// slot is absent (optional input left empty) or unknown to the walker.
struct NodeView {
  const onnx::NodeProto* node = nullptr;
  std::string domain;  // "" for the default ONNX domain ("ai.onnx" is folded in)
  int64_t opset = 0;   // opset version imported for `domain`
  std::vector<const TensorInfo*> inputs;
  std::vector<const TensorInfo*> outputs;
  const RuleOptions* options = nullptr;  // null: the defaults
};

// ---- Access helpers: the shared prologue of every rule. ----

// Whether input `i` is present (slot exists and is not the empty name).
bool HasInput(const NodeView& v, int i);
// Dims of input/output `i`; an error naming the value and the unresolved dim
// when the shape is not fully known.
absl::StatusOr<Dims> InputDims(const NodeView& v, int i);
absl::StatusOr<Dims> OutputDims(const NodeView& v, int i);
// Integer contents of input `i` when known (constant or propagated).
absl::StatusOr<std::vector<int64_t>> InputInts(const NodeView& v, int i);
absl::StatusOr<std::vector<double>> InputValues(const NodeView& v, int i);

const onnx::AttributeProto* FindAttr(const NodeView& v, absl::string_view name);
int64_t AttrInt(const NodeView& v, absl::string_view name, int64_t fallback);
float AttrFloat(const NodeView& v, absl::string_view name, float fallback);
std::string AttrString(const NodeView& v, absl::string_view name,
                       absl::string_view fallback);
std::vector<int64_t> AttrInts(const NodeView& v, absl::string_view name);
// The ints attribute or an error naming it: for attributes the rule cannot do without.
absl::StatusOr<std::vector<int64_t>> RequiredAttrInts(const NodeView& v,
                                                      absl::string_view name);

// InvalidArgument naming the attribute unless every value lies in [lo, hi]:
// hostile files carry strides of 0 and pads of INT64_MAX.
absl::Status CheckAttrRange(absl::string_view name, const std::vector<int64_t>& values,
                            int64_t lo, int64_t hi);

// Product of dims as a double (no overflow); 1 for a scalar.
double NumElements(const Dims& dims);
// "1x3x224x224" ("scalar" for rank 0).
std::string DimsToString(const Dims& dims);
// Numpy broadcast of several shapes; -1 (unknown) dims stay unknown unless
// another operand fixes them. Error when two known dims conflict.
absl::StatusOr<Dims> BroadcastAll(const std::vector<const Dims*>& shapes);
// BroadcastAll of two shapes.
absl::StatusOr<Dims> BroadcastDims(const Dims& a, const Dims& b);
// Normalizes a possibly negative axis against `rank`: an error unless
// -rank <= axis < rank (so always for a scalar).
absl::StatusOr<int64_t> NormalizeAxis(int64_t axis, int64_t rank);

// Which of `rank` axes `axes` lists (negative axes allowed); an error naming
// an axis out of range.
absl::StatusOr<std::vector<bool>> AxisMask(const std::vector<int64_t>& axes, int64_t rank);

// Product of the dims of `x` NOT listed in `axes` (the element count of a
// reduction's output; negative axes allowed); an error for an axis out of range.
absl::StatusOr<double> ElementsOutsideAxes(const Dims& x, const std::vector<int64_t>& axes);

// double -> int64 without undefined behaviour: clamped to the int64 range,
// NaN to 0 (constants can hold INT64_MAX sentinels or garbage).
int64_t SaturatingInt(double x);


// ---- Registry ----

using RuleFn = absl::StatusOr<Cost> (*)(const NodeView&);
// A shape (and value) propagator: one TensorInfo per output with what it can
// say about it (rules/propagate.h).
using Propagator = absl::StatusOr<std::vector<TensorInfo>> (*)(const NodeView&);

// How the per-op backward model (analyzer/training/backward.h) treats an op's
// matmul-class FLOPs. The vector class is the same for every op: forward x 1
// when an input needs a gradient.
enum class BackwardKind {
  // No product of its own. An op whose count still has matmul-class FLOPs is
  // taken as one product of inputs 0 and 1, and the rule text says so.
  kVector,
  // One product A x B of the operands at slots a and b: forward x (ng(A) + ng(B)).
  kProduct,
  // kProduct of two operands that may both be activations: when it feeds or
  // reads a Softmax it is an attention score or value product.
  kMatMul,
  // kMatMul for two operands; forward x the sum of ng(operand) for more.
  kEinsum,
  // LSTM/GRU/RNN: the gate products split as X*W^T and H*R^T by I/(I+H).
  kRecurrent,
  // A fused attention core (Q*K^T and P*V), half and half.
  kAttentionCore,
  // com.microsoft Attention/QAttention: the input projection x weights
  // (inputs 0 and 1), then a fused core.
  kProjectedAttention,
};

struct BackwardSpec {
  BackwardKind kind = BackwardKind::kVector;
  int a = 0, b = 1;  // operand slots of kProduct and kMatMul
  int bias = -1;     // kAttentionCore: a packed bias whose gradient reaches Q, K and V
  // Bit i set: input i carries a gradient. 0: the ONNX schema's
  // differentiation category decides (every input when there is no schema).
  uint32_t differentiable = 0;
  // Bit i set: an integer initializer read at slot i is a trained weight,
  // quantized (a fused MoE has one per expert matrix).
  uint32_t quantized_weights = 0;
  // The output is input 0 unchanged in value (layout, type, quantization): a
  // product reading a weight through this op reads the weight.
  bool passes_weight = false;
};

// Slots as a BackwardSpec::differentiable mask.
constexpr uint32_t Slots(std::initializer_list<int> slots) {
  uint32_t mask = 0;
  for (int s : slots) mask |= uint32_t{1} << s;
  return mask;
}

// Builders for the specs the family files declare.
constexpr BackwardSpec Backward(BackwardKind kind, int a = 0, int b = 1) {
  BackwardSpec s;
  s.kind = kind;
  s.a = a;
  s.b = b;
  return s;
}
// A product whose operand b is a trained weight, quantized; gradients flow
// only into the `differentiable` slots (not scales, zero points).
constexpr BackwardSpec QuantizedProduct(int a, int b, uint32_t differentiable) {
  BackwardSpec s = Backward(BackwardKind::kProduct, a, b);
  s.differentiable = differentiable;
  s.quantized_weights = uint32_t{1} << b;
  return s;
}
// A vector op whose gradient flows only into `differentiable`.
constexpr BackwardSpec DifferentiableOnly(uint32_t differentiable) {
  BackwardSpec s;
  s.differentiable = differentiable;
  return s;
}
// QuantizeLinear / DequantizeLinear: the gradient flows into x only (not
// scales, zero points) and the value is x's, requantized, so a weight read
// through it is the weight; a dequantized integer initializer is a trained
// weight.
constexpr BackwardSpec QuantizationSpec(bool dequantize) {
  BackwardSpec s = DifferentiableOnly(Slots({0}));
  s.passes_weight = true;
  s.quantized_weights = dequantize ? 1u : 0u;
  return s;
}
// Data movement that hands input 0 on unchanged in value.
constexpr BackwardSpec PassesWeight() {
  BackwardSpec s;
  s.passes_weight = true;
  return s;
}

// Whether slot `i` of an op with `spec` holds a quantized trained weight.
constexpr bool QuantizedWeightAt(const BackwardSpec& spec, int i) {
  return i >= 0 && i < 32 && (spec.quantized_weights >> i & 1) != 0;
}

// "product of inputs 0 and 1", "recurrent"...: the spec in words, for
// --list-rules and docs/rules.md.
std::string BackwardSummary(const BackwardSpec& spec);

// What a node's run moves in memory (analyzer/count/node_bytes.h).
enum class Traffic {
  kData,       // reads its inputs and writes its outputs
  kView,       // its output is a view of input 0 (Reshape, Squeeze...): nothing moves
  kShapeOnly,  // reads only its input's shape (Shape, Size) and writes its output
};

struct Rule {
  std::string domain;   // "" for ai.onnx
  std::string op_type;
  std::string family;   // the rules/ file it lives in, e.g. "conv"
  std::string formula;  // human-readable, printed by --list-rules
  RuleFn count = nullptr;  // required (the walker reports a null one as "no rule")
  Propagator propagate = nullptr;  // null: ONNX's inference gives the output shapes
  BackwardSpec backward = {};
  // Its count or output shapes may be a bound (Cost::bound) or one of two
  // branches: the analysis then runs its low-end pass for forward.flops_low.
  bool ranged = false;
  Traffic traffic = Traffic::kData;
};

struct RuleRegistry {
  // Key: domain + '\0' + op_type.
  absl::flat_hash_map<std::string, Rule> rules;
};

// Adds `rule`; a second registration of the same (domain, op_type) replaces
// the first so that a family can refine a generic rule.
void Register(RuleRegistry& registry, Rule rule);
const Rule* FindRule(const RuleRegistry& registry, absl::string_view domain,
                     absl::string_view op_type);
// Every rule sorted by (domain, op_type), for --list-rules and docs.
std::vector<const Rule*> SortedRules(const RuleRegistry& registry);

// `v` counted by the rule of another op (domain, op_type): for fused ops
// that are that op plus more (com.microsoft FusedGemm is a Gemm and an
// activation). NotFound when that op has no FLOP rule.
absl::StatusOr<Cost> CountAs(const NodeView& v, absl::string_view domain,
                             absl::string_view op_type);

// The registry with every family in rules/ registered (built once).
const RuleRegistry& DefaultRules();

// Folds "ai.onnx" into "" so both spellings find the same rules.
std::string CanonicalDomain(absl::string_view domain);
// The lookup key of an op: canonical domain + '\0' + op_type.
std::string OpKey(absl::string_view domain, absl::string_view op_type);

}  // namespace onnx_flops

#endif  // ONNX_FLOPS_RULES_RULE_H_
