// Shape and value propagation where ONNX 1.12's inference stops.
//
// ONNX's own inference (with data propagation) handles most ops, but stops at
// the run-time shape arithmetic of torch exports (Shape -> Gather ->
// Unsqueeze -> Concat -> Reshape/Expand, Range, Where(Equal(...)), integer
// Div...), knows no opset-18+ or com.microsoft schemas, and reads shape
// tensors only from initializers. So InferAllShapes alternates two engines:
//
//   round = ONNX InferShapes + one pass of our propagators over the graph in
//           topological order.
//
// Our pass runs once by itself first, and when that settles every output
// there are no rounds at all (most exports: ONNX's registry and inference
// are the larger part of the time on them).
//
// Our pass (Rule::propagate, one propagator per op in rules/) computes every output's
// type, shape and, for tensors of at most kMaxConstantElements elements, its
// VALUES, reading the value table as it grows, so a whole Shape->...->Reshape
// chain resolves in one pass. What it learns goes back to ONNX for the next
// round: shapes as value_info, values as temporary initializers (ONNX's
// shape functions read input data from initializers only; they are removed
// again after inference). ONNX's results in turn feed our next pass. Rounds
// stop when a pass learns nothing new or every value has a full shape.
//
// Ops whose ONNX 1.12 schema is older than the model's opset and would infer
// a wrong shape (Resize-18 axes, AveragePool-19 dilations, Pad-18 axes,
// Split-18 num_outputs) are hidden from ONNX and handled by ours alone.
// Elsewhere ONNX wins a disagreement: our result only fills what ONNX left
// unknown.
#ifndef ONNX_FLOPS_ANALYZER_SHAPES_SHAPE_PROPAGATION_H_
#define ONNX_FLOPS_ANALYZER_SHAPES_SHAPE_PROPAGATION_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "analyzer/shapes/value_table.h"
#include "onnx/onnx_pb.h"

namespace onnx_flops {

// Type, shape and (small) values of each output of `node`, computed from
// `values` (an entry without has_shape where it cannot say). NotFound when
// no propagator handles the op; another error when the node is inconsistent
// (a Reshape that changes the element count). `opset` is the version the
// model imports for the node's domain (0: unknown; propagators then go by
// the node's structure, e.g. Squeeze axes as attribute or input).
absl::StatusOr<std::vector<TensorInfo>> PropagateNode(const onnx::NodeProto& node,
                                                      const ValueTable& values,
                                                      int64_t opset = 0);

// Our propagators over a subgraph (a Loop/Scan body, an If branch) in
// `order`, repeated until nothing changes (at most 4 passes). `table` holds
// the subgraph's own values (BuildValueTable); `seeds` (a body input's name
// and what the node's inputs say of it: a Loop state's initial shape, one
// slice of a Scan input) refine them first, where they are not known; a
// value the body reads from an enclosing scope is looked up with `outer` and
// copied in, so a Pad or Reshape whose operands come from outer
// initializers, Shape of an outer tensor or a chain of constants is shaped.
// `opset_of` gives the version the model imports for a node's domain;
// `options` reach the propagators (data-dependent sizes at which bound).
// Returns how many outputs got a more precise shape or values.
int PropagateSubgraph(const onnx::GraphProto& graph, const std::vector<int>& order,
                      const std::vector<TensorInfo>& seeds,
                      const std::function<const TensorInfo*(const std::string&)>& outer,
                      const std::function<int64_t(const onnx::NodeProto&)>& opset_of,
                      ValueTable* table, const RuleOptions* options = nullptr);

// The shapes a Loop or Scan body's inputs take from `node` (its inputs
// found with `lookup`): Loop's states (body inputs 2...) its inputs 2...;
// Scan's states its state inputs, and each scan input's slice its input less
// the scan axis. A state is taken to keep its initial shape, without values
// (they change per trip).
std::vector<TensorInfo> BodySeeds(
    const onnx::NodeProto& node, const onnx::GraphProto& body,
    const std::function<const TensorInfo*(const std::string&)>& lookup);

struct PropagationStats {
  int onnx_rounds = 0;        // times ONNX inference ran
  int shapes_found = 0;       // value shapes our passes completed or refined
  int values_found = 0;       // tensors whose contents our passes computed
  int unknown_outputs = 0;    // node outputs still without a full shape at the end
};

struct InferOptions {
  int max_rounds = 8;
  // The main graph's nodes in topological order; null: computed here.
  const std::vector<int>* order = nullptr;
  // Read by the propagators of data-dependent sizes (upper or lower bound).
  const RuleOptions* rule_options = nullptr;
};

// Runs the rounds described above on the main graph and returns what is
// known of every value. When our pass alone gives every node output of a
// graph without subgraphs a type and a full shape, ONNX never runs and the
// graph is left as it was; otherwise the graph's value_info ends up holding
// every shape found. Never throws.
ValueTable InferAllShapes(onnx::ModelProto& model, std::vector<std::string>* warnings,
                          const InferOptions& options = {},
                          PropagationStats* stats = nullptr);

}  // namespace onnx_flops

#endif  // ONNX_FLOPS_ANALYZER_SHAPES_SHAPE_PROPAGATION_H_
