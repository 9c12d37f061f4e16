#include <algorithm>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

#include "rules/families.h"
#include "rules/propagate.h"
#include "rules/rule.h"

namespace onnx_flops {
std::string OpKey(absl::string_view domain, absl::string_view op_type) {
  std::string key = CanonicalDomain(domain);
  key.push_back('\0');
  key.append(op_type.data(), op_type.size());
  return key;
}

std::string CanonicalDomain(absl::string_view domain) {
  if (domain == "ai.onnx") return "";
  return std::string(domain);
}

void Register(RuleRegistry& registry, Rule rule) {
  rule.domain = CanonicalDomain(rule.domain);
  std::string key = OpKey(rule.domain, rule.op_type);
  registry.rules.insert_or_assign(std::move(key), std::move(rule));
}

const Rule* FindRule(const RuleRegistry& registry, absl::string_view domain,
                     absl::string_view op_type) {
  auto it = registry.rules.find(OpKey(domain, op_type));
  return it == registry.rules.end() ? nullptr : &it->second;
}

std::vector<const Rule*> SortedRules(const RuleRegistry& registry) {
  std::vector<const Rule*> out;
  out.reserve(registry.rules.size());
  for (const auto& [key, rule] : registry.rules) out.push_back(&rule);
  std::sort(out.begin(), out.end(), [](const Rule* a, const Rule* b) {
    return std::tie(a->domain, a->op_type) < std::tie(b->domain, b->op_type);
  });
  return out;
}

absl::StatusOr<Cost> CountAs(const NodeView& v, absl::string_view domain,
                             absl::string_view op_type) {
  const Rule* rule = FindRule(DefaultRules(), domain, op_type);
  if (rule == nullptr || rule->count == nullptr) {
    return absl::NotFoundError(absl::StrCat("no FLOP rule for ", op_type));
  }
  return rule->count(v);
}

std::string BackwardSummary(const BackwardSpec& spec) {
  std::string out;
  switch (spec.kind) {
    case BackwardKind::kVector:
      out = "vector";
      break;
    case BackwardKind::kProduct:
      out = absl::StrCat("product of inputs ", spec.a, " and ", spec.b);
      break;
    case BackwardKind::kMatMul:
      out = absl::StrCat("product of inputs ", spec.a, " and ", spec.b,
                         " (attention score/value product next to a Softmax)");
      break;
    case BackwardKind::kEinsum:
      out = "einsum (one product per operand)";
      break;
    case BackwardKind::kRecurrent:
      out = "recurrent (X*W^T and H*R^T)";
      break;
    case BackwardKind::kAttentionCore:
      out = "attention core";
      break;
    case BackwardKind::kProjectedAttention:
      out = "input projection + attention core";
      break;
  }
  if (spec.differentiable != 0) {
    std::vector<int> slots;
    for (int i = 0; i < 32; ++i) {
      if ((spec.differentiable >> i & 1) != 0) slots.push_back(i);
    }
    if (slots.size() > 16) {
      std::vector<int> not_slots;
      for (int i = 0; i < 32; ++i) {
        if ((spec.differentiable >> i & 1) == 0) not_slots.push_back(i);
      }
      absl::StrAppend(&out, "; no gradient into input ", absl::StrJoin(not_slots, ", "));
    } else {
      absl::StrAppend(&out, "; gradient into input ", absl::StrJoin(slots, ", "), " only");
    }
  }
  if (spec.bias >= 0) absl::StrAppend(&out, "; bias input ", spec.bias, " reaches Q, K, V");
  if (spec.quantized_weights != 0) {
    std::vector<int> slots;
    for (int i = 0; i < 32; ++i) {
      if (QuantizedWeightAt(spec, i)) slots.push_back(i);
    }
    absl::StrAppend(&out, "; an integer weight at input ", absl::StrJoin(slots, ", "),
                    slots.size() == 1 ? " is" : " are", " trainable");
  }
  if (spec.passes_weight) absl::StrAppend(&out, "; passes a weight on");
  return out;
}

const RuleRegistry& DefaultRules() {
  static const RuleRegistry* const registry = [] {
    auto* r = new RuleRegistry;
    // Generic families first so that specific ones can refine them.
    RegisterDataMovementRules(*r);
    RegisterElementwiseRules(*r);
    RegisterActivationRules(*r);
    RegisterReduceRules(*r);
    RegisterSoftmaxRules(*r);
    RegisterNormalizationRules(*r);
    RegisterPoolRules(*r);
    RegisterResizeRules(*r);
    RegisterMatMulRules(*r);
    RegisterEinsumRules(*r);
    RegisterConvRules(*r);
    RegisterRnnRules(*r);
    RegisterControlFlowRules(*r);
    RegisterAttentionRules(*r);
    RegisterContribRules(*r);
    RegisterQuantizedRules(*r);
    RegisterMoeRules(*r);
    RegisterTrainingOpRules(*r);
    RegisterMlRules(*r);
    RegisterSignalRules(*r);
    RegisterDataDependentRules(*r);
    RegisterGenerationRules(*r);
    return r;
  }();
  return *registry;
}

}  // namespace onnx_flops
