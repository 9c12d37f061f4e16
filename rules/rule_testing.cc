#include "rules/rule_testing.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace onnx_flops {

NodeBuilder::NodeBuilder(std::string op_type, std::string domain)
    : domain_(CanonicalDomain(domain)) {
  node_.set_op_type(std::move(op_type));
  node_.set_domain(domain);
  node_.set_name(absl::StrCat(node_.op_type(), "_under_test"));
}

NodeBuilder& NodeBuilder::Opset(int64_t opset) {
  opset_ = opset;
  return *this;
}

NodeBuilder& NodeBuilder::Options(RuleOptions options) {
  options_ = options;
  return *this;
}

NodeBuilder& NodeBuilder::Attr(const std::string& name, std::vector<std::string> values) {
  auto* a = node_.add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::STRINGS);
  for (auto& v : values) a->add_strings(std::move(v));
  return *this;
}

NodeBuilder& NodeBuilder::Input(Dims dims, int32_t elem_type) {
  TensorInfo t;
  t.name = absl::StrCat("in", node_.input_size());
  t.elem_type = elem_type;
  t.has_shape = true;
  t.dims = std::move(dims);
  t.dim_names.assign(t.dims.size(), "");
  tensors_.push_back(std::move(t));
  node_.add_input(tensors_.back().name);
  inputs_.push_back(&tensors_.back());
  return *this;
}

NodeBuilder& NodeBuilder::ConstInput(Dims dims, std::vector<double> values,
                                     int32_t elem_type) {
  Input(std::move(dims), elem_type);
  TensorInfo& t = tensors_.back();
  t.is_initializer = true;
  t.has_values = true;
  t.values = std::move(values);
  for (double x : t.values) t.int_values.push_back(SaturatingInt(x));
  return *this;
}

NodeBuilder& NodeBuilder::UnknownInput() {
  TensorInfo t;
  t.name = absl::StrCat("in", node_.input_size());
  tensors_.push_back(std::move(t));
  node_.add_input(tensors_.back().name);
  inputs_.push_back(&tensors_.back());
  return *this;
}

NodeBuilder& NodeBuilder::SymbolicInput(Dims dims, std::vector<std::string> names) {
  Input(std::move(dims));
  tensors_.back().dim_names = std::move(names);
  return *this;
}

NodeBuilder& NodeBuilder::Routed(RoutingTag tag) {
  tensors_.back().routing = std::move(tag);
  return *this;
}

NodeBuilder& NodeBuilder::AbsentInput() {
  node_.add_input("");
  inputs_.push_back(nullptr);
  return *this;
}

NodeBuilder& NodeBuilder::Output(Dims dims, int32_t elem_type) {
  TensorInfo t;
  t.name = absl::StrCat("out", node_.output_size());
  t.elem_type = elem_type;
  t.has_shape = true;
  t.dims = std::move(dims);
  t.dim_names.assign(t.dims.size(), "");
  tensors_.push_back(std::move(t));
  node_.add_output(tensors_.back().name);
  outputs_.push_back(&tensors_.back());
  return *this;
}

NodeBuilder& NodeBuilder::UnknownOutput() {
  TensorInfo t;
  t.name = absl::StrCat("out", node_.output_size());
  tensors_.push_back(std::move(t));
  node_.add_output(tensors_.back().name);
  outputs_.push_back(&tensors_.back());
  return *this;
}

NodeBuilder& NodeBuilder::Attr(const std::string& name, int64_t value) {
  auto* a = node_.add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INT);
  a->set_i(value);
  return *this;
}

NodeBuilder& NodeBuilder::Attr(const std::string& name, float value) {
  auto* a = node_.add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::FLOAT);
  a->set_f(value);
  return *this;
}

NodeBuilder& NodeBuilder::Attr(const std::string& name, std::vector<int64_t> values) {
  auto* a = node_.add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INTS);
  for (int64_t x : values) a->add_ints(x);
  return *this;
}

NodeBuilder& NodeBuilder::Attr(const std::string& name, std::vector<float> values) {
  auto* a = node_.add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::FLOATS);
  for (float x : values) a->add_floats(x);
  return *this;
}

NodeBuilder& NodeBuilder::Attr(const std::string& name, const char* value) {
  return Attr(name, std::string(value));
}

NodeBuilder& NodeBuilder::Attr(const std::string& name, std::string value) {
  auto* a = node_.add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::STRING);
  a->set_s(std::move(value));
  return *this;
}

NodeView NodeBuilder::View() const {
  NodeView v;
  v.node = &node_;
  v.domain = domain_;
  v.opset = opset_;
  v.inputs = inputs_;
  v.outputs = outputs_;
  v.options = &options_;
  return v;
}

absl::StatusOr<Cost> NodeBuilder::Count() const {
  const Rule* rule = FindRule(DefaultRules(), domain_, node_.op_type());
  if (rule == nullptr || rule->count == nullptr) {
    return absl::NotFoundError(absl::StrCat("no rule for ", node_.op_type()));
  }
  return rule->count(View());
}

absl::StatusOr<std::vector<TensorInfo>> NodeBuilder::Propagate() const {
  const Rule* rule = FindRule(DefaultRules(), domain_, node_.op_type());
  if (rule == nullptr || rule->propagate == nullptr) {
    return absl::NotFoundError(absl::StrCat("no propagator for ", node_.op_type()));
  }
  return rule->propagate(View());
}

}  // namespace onnx_flops
