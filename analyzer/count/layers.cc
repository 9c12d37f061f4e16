#include "analyzer/count/layers.h"

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace onnx_flops {
namespace {

// "layer1.0", "h.11", "conv2d_1": a separator, then only digits.
bool EndsInIndex(absl::string_view c) {
  size_t i = c.size();
  while (i > 0 && absl::ascii_isdigit(static_cast<unsigned char>(c[i - 1]))) --i;
  return i < c.size() && i > 0 && (c[i - 1] == '.' || c[i - 1] == '_');
}

}  // namespace

std::string LayerOf(absl::string_view node_name) {
  std::vector<absl::string_view> parts = absl::StrSplit(node_name, '/', absl::SkipEmpty());
  if (parts.size() < 2) return kTopLevel;
  parts.pop_back();  // the op's own name
  for (size_t i = 0; i < parts.size(); ++i) {
    if (EndsInIndex(parts[i])) {
      return absl::StrCat("/", absl::StrJoin(parts.begin(), parts.begin() + i + 1, "/"));
    }
  }
  if (parts.size() > 2) parts.resize(2);
  return absl::StrCat("/", absl::StrJoin(parts, "/"));
}

std::vector<std::string> LayersOf(const std::vector<NodeResult>& nodes) {
  std::vector<std::string> layers;
  layers.reserve(nodes.size());
  std::string current = kTopLevel;
  for (const NodeResult& r : nodes) {
    if (r.depth == 0) current = LayerOf(r.node != nullptr ? r.node->name() : r.name);
    layers.push_back(current);
  }
  return layers;
}

}  // namespace onnx_flops
