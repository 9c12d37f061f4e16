#include "analyzer/load/opset_imports.h"

#include <map>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "analyzer/load/graph_order.h"

namespace onnx_flops {
namespace {

// The newest version of each domain that onnx-flops's rules and ONNX 1.12's
// schemas know.
struct KnownDomain {
  const char* domain;
  int64_t version;
};
constexpr KnownDomain kKnownDomains[] = {
    {"com.microsoft", 1},       {"com.microsoft.nchwc", 1},      {"com.microsoft.experimental", 1},
    {"ai.onnx.ml", 3},          {"ai.onnx.training", 1},         {"ai.onnx.preview.training", 1},
};

}  // namespace

std::vector<std::string> ImportUsedDomains(onnx::ModelProto* model) {
  absl::flat_hash_set<std::string> imported;
  for (const auto& imp : model->opset_import()) {
    imported.insert(imp.domain() == "ai.onnx" ? "" : imp.domain());
  }
  std::map<std::string, int> used;  // sorted: the warnings come in a fixed order
  ForEachGraph(model->graph(), [&](const onnx::GraphProto& graph, int) {
    for (const auto& node : graph.node()) ++used[node.domain() == "ai.onnx" ? "" : node.domain()];
  });
  std::vector<std::string> warnings;
  for (const auto& [domain, nodes] : used) {
    if (imported.contains(domain)) continue;
    for (const KnownDomain& known : kKnownDomains) {
      if (domain != known.domain) continue;
      auto* imp = model->add_opset_import();
      imp->set_domain(domain);
      imp->set_version(known.version);
      warnings.push_back(absl::StrCat(nodes, " node(s) of domain '", domain,
                                      "' but no opset import for it: taken at version ",
                                      known.version, ", the newest known, as onnxruntime does"));
    }
  }
  return warnings;
}

}  // namespace onnx_flops
