#include "analyzer/training/differentiable.h"

#include <string>
#include <vector>

#include "analyzer/shapes/onnx_guard.h"

namespace onnx_flops {
namespace {

const onnx::OpSchema* SchemaOf(const onnx::NodeProto& n) {
  return OnnxSchemas()->Schema(n.op_type(), CanonicalDomain(n.domain()));
}

bool ParamDifferentiable(const std::vector<onnx::OpSchema::FormalParameter>& params, int i) {
  if (params.empty()) return true;
  const onnx::OpSchema::FormalParameter* p = nullptr;
  if (static_cast<size_t>(i) < params.size()) {
    p = &params[static_cast<size_t>(i)];
  } else if (params.back().GetOption() == onnx::OpSchema::Variadic) {
    p = &params.back();
  }
  return p == nullptr ||
         p->GetDifferentiationCategory() != onnx::OpSchema::NonDifferentiable;
}

}  // namespace

const BackwardSpec& SpecOf(const onnx::NodeProto& n) {
  static const BackwardSpec kNone;
  const Rule* rule = FindRule(DefaultRules(), n.domain(), n.op_type());
  return rule == nullptr ? kNone : rule->backward;
}

bool InputDifferentiable(const onnx::NodeProto& n, int i) {
  const uint32_t mask = SpecOf(n).differentiable;
  if (mask != 0) return i >= 0 && i < 32 && (mask >> i & 1) != 0;
  const onnx::OpSchema* s = SchemaOf(n);
  return s == nullptr || ParamDifferentiable(s->inputs(), i);
}

bool OutputDifferentiable(const onnx::NodeProto& n, int j) {
  const onnx::OpSchema* s = SchemaOf(n);
  return s == nullptr || ParamDifferentiable(s->outputs(), j);
}

}  // namespace onnx_flops
