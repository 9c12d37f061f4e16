// Test helper: build one node with hand-chosen shapes and count it through
// the default registry, exactly as the walker would.
//
//   auto cost = NodeBuilder("Conv")
//                   .Input({1, 3, 224, 224}).Input({64, 3, 7, 7})
//                   .Output({1, 64, 112, 112})
//                   .Attr("strides", std::vector<int64_t>{2, 2})
//                   .Count();
#ifndef ONNX_FLOPS_RULES_RULE_TESTING_H_
#define ONNX_FLOPS_RULES_RULE_TESTING_H_

#include <deque>
#include <string>
#include <vector>

#include "rules/rule.h"

namespace onnx_flops {

class NodeBuilder {
 public:
  explicit NodeBuilder(std::string op_type, std::string domain = "");
  // Moves keep the tensors' addresses (a deque's blocks move whole); a copy
  // would point into the original, so there is none.
  NodeBuilder(NodeBuilder&&) = default;
  NodeBuilder& operator=(NodeBuilder&&) = default;
  NodeBuilder(const NodeBuilder&) = delete;
  NodeBuilder& operator=(const NodeBuilder&) = delete;

  NodeBuilder& Opset(int64_t opset);
  NodeBuilder& Options(RuleOptions options);
  // A list-of-strings attribute (e.g. LSTM activations).
  NodeBuilder& Attr(const std::string& name, std::vector<std::string> values);
  // A present input with a known shape.
  NodeBuilder& Input(Dims dims, int32_t elem_type = onnx::TensorProto::FLOAT);
  // A present input with known constant contents (e.g. Reshape's shape, Resize's scales).
  NodeBuilder& ConstInput(Dims dims, std::vector<double> values,
                          int32_t elem_type = onnx::TensorProto::INT64);
  // A present input whose shape is unknown (or has symbolic dims: pass -1 and a name).
  NodeBuilder& UnknownInput();
  NodeBuilder& SymbolicInput(Dims dims, std::vector<std::string> dim_names);
  // The last input carries a routing choice (analyzer/shapes/routing_tags.h).
  NodeBuilder& Routed(RoutingTag tag);
  // An optional input left empty ("" in the node's input list).
  NodeBuilder& AbsentInput();
  NodeBuilder& Output(Dims dims, int32_t elem_type = onnx::TensorProto::FLOAT);
  NodeBuilder& UnknownOutput();

  NodeBuilder& Attr(const std::string& name, int64_t value);
  NodeBuilder& Attr(const std::string& name, int value) {
    return Attr(name, static_cast<int64_t>(value));
  }
  NodeBuilder& Attr(const std::string& name, float value);
  NodeBuilder& Attr(const std::string& name, double value) {
    return Attr(name, static_cast<float>(value));
  }
  NodeBuilder& Attr(const std::string& name, std::vector<int64_t> values);
  NodeBuilder& Attr(const std::string& name, std::vector<float> values);
  NodeBuilder& Attr(const std::string& name, const char* value);
  NodeBuilder& Attr(const std::string& name, std::string value);

  // The view the rule will see (valid while the builder lives).
  NodeView View() const;
  // Counts through DefaultRules(); NotFound if no rule is registered.
  absl::StatusOr<Cost> Count() const;
  // The output shapes (and values) from the registered propagator; NotFound
  // if the op has none.
  absl::StatusOr<std::vector<TensorInfo>> Propagate() const;

 private:
  onnx::NodeProto node_;
  std::string domain_;
  int64_t opset_ = 17;
  RuleOptions options_;
  std::deque<TensorInfo> tensors_;  // deque: stable addresses
  std::vector<const TensorInfo*> inputs_;
  std::vector<const TensorInfo*> outputs_;
};

}  // namespace onnx_flops

#endif  // ONNX_FLOPS_RULES_RULE_TESTING_H_
