// Internals of our own shape and value propagation (analyzer/shapes/shape_propagation.h
// is the public side). One propagator per op: it sees a node through the same
// NodeView the rules get (inputs = what the value table knows) and returns one
// TensorInfo per output with what it can say: element type, shape (-1 for a
// dim it cannot tell) and, for small tensors (shape tensors, <= 1024
// elements), the values. An output it cannot say anything about stays
// default-constructed; an error Status means the node is inconsistent (the
// rule that reads it will report why). Propagators never throw.
//
// The propagators live one op family per file:
//   propagate_shape_ops.cc   Shape, Size, Reshape, Flatten, (Un)Squeeze, Concat, Split,
//                            Slice, Gather*, Transpose, Expand, Tile, Pad, Range,
//                            ConstantOfShape, Cast, Identity, Dropout, ...
//   propagate_elementwise.cc unary and broadcasting ops, comparisons, Where, Clip
//   propagate_nn.cc          MatMul, Gemm, Conv, pools, Resize, reductions, TopK,
//                            normalizations, RNN/GRU/LSTM
//   propagate_attention.cc   ONNX Attention/RMSNormalization/RotaryEmbedding (23) and
//                            the com.microsoft transformer ops
#ifndef ONNX_FLOPS_ANALYZER_SHAPES_PROPAGATE_H_
#define ONNX_FLOPS_ANALYZER_SHAPES_PROPAGATE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "analyzer/shapes/value_table.h"
#include "rules/rule.h"

namespace onnx_flops {

using Outputs = std::vector<TensorInfo>;
using Propagator = absl::StatusOr<Outputs> (*)(const NodeView&);

struct PropagatorRegistry {
  // Key: canonical domain + '\0' + op_type.
  absl::flat_hash_map<std::string, Propagator> by_op;
};

void AddPropagator(PropagatorRegistry& r, absl::string_view domain,
                   std::initializer_list<const char*> op_types, Propagator p);
Propagator FindPropagator(const PropagatorRegistry& r, absl::string_view domain,
                          absl::string_view op_type);
// Every family below, registered once.
const PropagatorRegistry& DefaultPropagators();

void RegisterShapeOpPropagators(PropagatorRegistry& r);     // propagate_shape_ops.cc
void RegisterElementwisePropagators(PropagatorRegistry& r); // propagate_elementwise.cc
void RegisterNnPropagators(PropagatorRegistry& r);          // propagate_nn.cc
void RegisterAttentionPropagators(PropagatorRegistry& r);   // propagate_attention.cc

// ---- Helpers shared by the propagators (propagate_helpers.cc) ----

// Input `i`, or null when absent or unknown to the table.
const TensorInfo* In(const NodeView& v, int i);
// Rank known.
bool Ranked(const TensorInfo* t);
// Rank and every dim known.
bool Known(const TensorInfo* t);
bool AllKnown(const Dims& dims);
// Values known (and consistent with a known shape).
bool Valued(const TensorInfo* t);
int32_t ElemOf(const TensorInfo* t);  // 0 when unknown
// Integer or bool element type: values are exact int64s.
bool IsIntegral(int32_t elem_type);

// Outputs with only a type, with a type and shape, and with values too.
// Values are stored both as doubles and as int64 (truncated; exact for
// integral element types, which are rounded toward zero first).
TensorInfo TypeOnly(int32_t elem_type);
TensorInfo Shaped(int32_t elem_type, Dims dims);
TensorInfo WithValues(int32_t elem_type, Dims dims, const std::vector<double>& values);
TensorInfo WithInts(int32_t elem_type, Dims dims, const std::vector<int64_t>& values);
// Output `dims` whose element k is element index[k] of `in` (values kept when
// `in` has them and the output is small).
TensorInfo Remapped(const TensorInfo& in, int32_t elem_type, Dims dims,
                    const std::vector<int64_t>& index);
// `in`'s values (if any) under a new shape of the same element count.
TensorInfo Reshaped(const TensorInfo& in, int32_t elem_type, Dims dims);
// Values from both representations: the exact ints for an integral element
// type, the doubles otherwise.
TensorInfo Built(int32_t elem_type, Dims dims, const std::vector<double>& values,
                 const std::vector<int64_t>& ints);
// Same type, shape and values as `in` (Identity).
TensorInfo SameAs(const TensorInfo* in);

// Whether a tensor of these dims is small enough to carry values.
bool SmallEnough(const Dims& dims);
// Exact integer contents of input `i` (nullopt if unknown).
std::optional<std::vector<int64_t>> IntsOf(const NodeView& v, int i);
std::optional<std::vector<double>> DoublesOf(const NodeView& v, int i);
// A scalar (or 1-element) input's value.
std::optional<int64_t> ScalarInt(const NodeView& v, int i);
std::optional<double> ScalarDouble(const NodeView& v, int i);

// The axes of an op that takes them as an attribute (older opsets) or as
// input `input` (newer): nullopt when given as an input whose value is
// unknown; an empty vector when given nowhere.
std::optional<std::vector<int64_t>> AxesOf(const NodeView& v, absl::string_view attr,
                                           int input);
bool HasAttr(const NodeView& v, absl::string_view name);

// Numpy broadcast of several shapes; -1 (unknown) dims stay unknown unless
// another operand fixes them. Error when two known dims conflict.
absl::StatusOr<Dims> BroadcastAll(const std::vector<const Dims*>& shapes);
// Row-major strides of `dims`.
std::vector<int64_t> Strides(const Dims& dims);
// For each element of `out` (row-major), the index of the element of `in`
// that broadcasting maps to it.
std::vector<int64_t> BroadcastIndex(const Dims& out, const Dims& in);
// Product of known dims, or -1 if any is unknown.
int64_t Product(const Dims& dims, size_t begin, size_t end);

// Dim arithmetic: -1 when an operand is unknown (< 0) or the result leaves
// [0, kMaxDim] (no overflow, ever: dims may come from a hostile file).
int64_t DimAdd(int64_t a, int64_t b);
int64_t DimMul(int64_t a, int64_t b);
// A dim from a double (a scaled size): -1 when not finite or out of range.
int64_t DimFromDouble(double x);
// Longest rank a propagator will build from a value it reads (a shape
// tensor's length): beyond it the output stays unknown.
constexpr int64_t kMaxRank = 1024;
// Whether `n` is a usable rank.
bool SaneRank(int64_t n);

}  // namespace onnx_flops

#endif  // ONNX_FLOPS_ANALYZER_SHAPES_PROPAGATE_H_
