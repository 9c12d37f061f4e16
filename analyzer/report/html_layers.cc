#include "analyzer/report/html_layers.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "analyzer/util/number_format.h"

namespace onnx_flops {
namespace html {
namespace {

constexpr int kWantLayers = 12;  // the coarsest grouping with at least this many layers wins
constexpr int kMaxDepth = 4;     // path components a layer name may keep
constexpr int kChunksWithoutPaths = 50;

// "/layer1/layer1.0/conv1/Conv" -> {layer1, layer1.0, conv1}: the scopes a
// torch export writes before the node's own name.
std::vector<absl::string_view> Scopes(absl::string_view name) {
  std::vector<absl::string_view> parts;
  size_t start = 0;
  while (start <= name.size()) {
    size_t slash = name.find('/', start);
    if (slash == absl::string_view::npos) slash = name.size();
    if (slash > start) parts.push_back(name.substr(start, slash - start));
    start = slash + 1;
  }
  if (!parts.empty() && name.back() != '/') parts.pop_back();
  return parts;
}

std::string ScopeKey(const std::vector<absl::string_view>& scopes, int depth) {
  std::string key;
  for (int i = 0; i < std::min<int>(depth, static_cast<int>(scopes.size())); ++i) {
    key += '/';
    key.append(scopes[i].data(), scopes[i].size());
  }
  return key;
}

void AddNode(const NodeCost& n, int index, Layer* layer) {
  layer->last = index;
  layer->flops += n.flops();
  layer->matmul += n.matmul_flops();
  layer->uncounted += n.status() == "uncounted";
}

void Absorb(const Layer& from, Layer* into) {
  into->last = std::max(into->last, from.last);
  into->flops += from.flops;
  into->matmul += from.matmul;
  into->uncounted += from.uncounted;
}

// Layers at one scope depth; `label` holds the scope key until the caller
// names them. Two kinds of export glue would otherwise cut a block in
// pieces: nodes named without any '/' (constants the exporter made, e.g.
// "Constant_41") join the layer they sit in, and a run that costs nothing
// (a top-level Shape, a Constant) between two runs of the same scope is
// merged into them.
std::vector<Layer> LayersAt(const Forward& f, const std::vector<std::vector<absl::string_view>>& scopes,
                            int depth) {
  std::vector<Layer> runs;
  for (int i = 0; i < f.nodes_size(); ++i) {
    const bool anonymous = f.nodes(i).node().find('/') == std::string::npos;
    if (anonymous && !runs.empty()) {
      AddNode(f.nodes(i), i, &runs.back());
      continue;
    }
    std::string key = ScopeKey(scopes[i], depth);
    if (runs.empty() || key != runs.back().label) {
      runs.emplace_back();
      runs.back().first = i;
      runs.back().label = std::move(key);
    }
    AddNode(f.nodes(i), i, &runs.back());
  }
  std::vector<Layer> layers;
  for (Layer& run : runs) {
    const size_t k = layers.size();
    if (k >= 2 && layers[k - 2].label == run.label && layers[k - 1].flops == 0 &&
        layers[k - 1].uncounted == 0) {
      Absorb(layers[k - 1], &layers[k - 2]);
      Absorb(run, &layers[k - 2]);
      layers.pop_back();
    } else {
      layers.push_back(std::move(run));
    }
  }
  return layers;
}

}  // namespace

std::vector<Layer> GroupLayers(const Forward& f, int* chunk) {
  *chunk = 0;
  const int n = f.nodes_size();
  std::vector<Layer> layers;
  if (n == 0) return layers;
  std::vector<std::vector<absl::string_view>> scopes(n);
  int scoped = 0;
  for (int i = 0; i < n; ++i) {
    scopes[i] = Scopes(f.nodes(i).node());
    scoped += !scopes[i].empty();
  }
  if (2 * scoped < n) {
    const int size = (n + kChunksWithoutPaths - 1) / kChunksWithoutPaths;
    *chunk = size;
    for (int i = 0; i < n; ++i) {
      if (i % size == 0) {
        layers.emplace_back();
        layers.back().first = i;
      }
      AddNode(f.nodes(i), i, &layers.back());
    }
    for (Layer& l : layers) {
      const std::string& name = f.nodes(l.first).node();
      if (l.first != l.last) {
        l.label = absl::StrCat("nodes ", Grouped(l.first + 1), "\xE2\x80\x93", Grouped(l.last + 1));
      } else {
        l.label = name.empty() ? absl::StrCat("node ", l.first + 1) : name;
      }
    }
    return layers;
  }
  const size_t want = std::min<size_t>(kWantLayers, LayersAt(f, scopes, kMaxDepth).size());
  int depth = 1;
  layers = LayersAt(f, scopes, depth);
  while (depth < kMaxDepth && layers.size() < want) layers = LayersAt(f, scopes, ++depth);
  for (Layer& l : layers) {
    if (l.label.empty()) l.label = "(top level)";
  }
  return layers;
}

// Past kMaxBars, each bar stands for `per` adjacent layers.
std::vector<Layer> CapLayers(std::vector<Layer> layers) {
  const int count = static_cast<int>(layers.size());
  if (count <= kMaxBars) return layers;
  const int per = (count + kMaxBars - 1) / kMaxBars;
  std::vector<Layer> out;
  for (int i = 0; i < count; i += per) {
    Layer m = layers[i];
    const int end = std::min(count, i + per);
    for (int k = i + 1; k < end; ++k) Absorb(layers[k], &m);
    m.merged = end - i;
    if (m.merged > 1) m.label = absl::StrCat(layers[i].label, " \xE2\x80\xA6 ", layers[end - 1].label);
    out.push_back(std::move(m));
  }
  return out;
}

}  // namespace html
}  // namespace onnx_flops
