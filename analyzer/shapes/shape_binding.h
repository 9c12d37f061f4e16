// Gives every value a shape: binds symbolic input dims from the user's
// --dim/--input (ONNX's own inference runs isolated: analyzer/shapes/onnx_isolation.h).
#ifndef ONNX_FLOPS_ANALYZER_SHAPES_SHAPE_BINDING_H_
#define ONNX_FLOPS_ANALYZER_SHAPES_SHAPE_BINDING_H_

#include <cstdint>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "analyzer/shapes/onnx_isolation.h"
#include "onnx/onnx_pb.h"
#include "proto/report.pb.h"
#include "rules/rule.h"

namespace onnx_flops {

struct DimBindings {
  std::vector<std::pair<std::string, int64_t>> dims;   // --dim NAME=VALUE
  std::vector<std::pair<std::string, Dims>> inputs;    // --input NAME=1x3x224x224
  bool strict = false;  // an unbound symbolic dim is an error, not 1
  // --value NAME=V[,V...]: the contents of a scalar or 1-D data input.
  std::vector<std::pair<std::string, std::vector<double>>> values;
};

struct BindResult {
  std::vector<AssumedDim> assumed;   // every symbolic dim and the value used
  std::vector<std::string> warnings;
  // name -> value for every symbolic dim bound, for substitution downstream.
  std::unordered_map<std::string, int64_t> bound;
  std::vector<BoundValue> values;  // --value inputs, now initializers of the graph
};

// Dims above kMaxDim (rules/rule.h, 2^40) are rejected as nonsense.

// Rewrites the main graph's data inputs (and any value_info/output naming the
// same symbolic dims) to concrete values. A --value input also gets an
// initializer of the same name holding the values (a graph input with an
// initializer is a constant with a default, as ONNX defines it), so our
// propagation and ONNX's fold through it. InvalidArgument for user errors (an
// --input whose rank differs, a negative dim) and for nonsense dims in the
// model itself.
absl::StatusOr<BindResult> BindInputShapes(onnx::ModelProto& model,
                                           const DimBindings& bindings);

}  // namespace onnx_flops

#endif  // ONNX_FLOPS_ANALYZER_SHAPES_SHAPE_BINDING_H_
