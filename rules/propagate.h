// The shape and value propagators (analyzer/shapes/shape_propagation.h runs
// them over a graph). One propagator per op: it sees a node through the same
// NodeView the rules get (inputs = what the value table knows) and returns one
// TensorInfo per output with what it can say: element type, shape (-1 for a
// dim it cannot tell) and, for small tensors (shape tensors, <= 1024
// elements), the values. An output it cannot say anything about stays
// default-constructed; an error Status means the node is inconsistent (the
// rule that reads it will report why). Propagators never throw.
//
// Each propagator lives in its op's family file, beside the FLOP rule, and
// is named in the same registry entry (Rule::propagate), e.g. ShapeOfReshape
// in rules/data_movement.cc. This header holds what they share: the helpers
// below (rules/propagate_helpers.cc) and the propagators several families
// attach to their ops.
#ifndef ONNX_FLOPS_RULES_PROPAGATE_H_
#define ONNX_FLOPS_RULES_PROPAGATE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "rules/rule.h"
#include "rules/tensor_info.h"

namespace onnx_flops {

using Outputs = std::vector<TensorInfo>;

// Element types the propagators set.
constexpr int32_t kBool = onnx::TensorProto::BOOL;
constexpr int32_t kInt32 = onnx::TensorProto::INT32;
constexpr int32_t kInt64 = onnx::TensorProto::INT64;
constexpr int32_t kFloat = onnx::TensorProto::FLOAT;

// ---- Propagators that several families attach ----
// MatMul and its integer, quantized and fused forms (rules/matmul.cc).
absl::StatusOr<Outputs> ShapeOfMatMul(const NodeView& v);
// Gemm and com.microsoft FusedGemm (rules/matmul.cc).
absl::StatusOr<Outputs> ShapeOfGemm(const NodeView& v);
// Conv, ConvInteger, QLinearConv and com.microsoft FusedConv (rules/conv.cc).
absl::StatusOr<Outputs> ShapeOfConv(const NodeView& v);

// Unary ops: input 0's shape and type (values for the cheap ones); rules/elementwise.cc.
absl::StatusOr<Outputs> ShapeOfUnary(const NodeView& v);
// Numpy broadcast of every input (values for arithmetic, comparison, logic);
// rules/elementwise.cc.
absl::StatusOr<Outputs> ShapeOfBroadcast(const NodeView& v);
// Output 0 keeps input 0's shape and type; other outputs stay unknown.
absl::StatusOr<Outputs> ShapeLikeInput0(const NodeView& v);


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
// Integer contents of input `i`, or, when they are computed at run time but
// bounded (TensorInfo::lo/hi), the upper bound of each element (the lower
// one in the low pass), with *bounded set. nullopt when neither is known.
std::optional<std::vector<int64_t>> BoundedIntsOf(const NodeView& v, int i, bool* bounded);
// A scalar (or 1-element) input's value.
std::optional<int64_t> ScalarInt(const NodeView& v, int i);
std::optional<double> ScalarDouble(const NodeView& v, int i);

// The axes of an op that takes them as an attribute (older opsets) or as
// input `input` (newer): nullopt when given as an input whose value is
// unknown; an empty vector when given nowhere.
std::optional<std::vector<int64_t>> AxesOf(const NodeView& v, absl::string_view attr,
                                           int input);
bool HasAttr(const NodeView& v, absl::string_view name);

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
// a / b rounded down; -1 when a is unknown or b is not positive.
int64_t DimDiv(int64_t a, int64_t b);
// A dim from a double (a scaled size): -1 when not finite or out of range.
int64_t DimFromDouble(double x);
// Longest rank a propagator will build from a value it reads (a shape
// tensor's length): beyond it the output stays unknown.
constexpr int64_t kMaxRank = 1024;
// Whether `n` is a usable rank.
bool SaneRank(int64_t n);

}  // namespace onnx_flops

#endif  // ONNX_FLOPS_RULES_PROPAGATE_H_
