// Where in the graph the FLOPs are, for the HTML report's layer chart:
// consecutive nodes grouped by the scopes in their names.
#ifndef ONNX_FLOPS_ANALYZER_REPORT_HTML_LAYERS_H_
#define ONNX_FLOPS_ANALYZER_REPORT_HTML_LAYERS_H_

#include <string>
#include <vector>

#include "proto/report.pb.h"

namespace onnx_flops {
namespace html {

constexpr int kMaxBars = 200;    // bars in the layer chart, past which adjacent layers merge

struct Layer {
  std::string label;
  int first = 0;  // node indices in graph order, inclusive
  int last = 0;
  int merged = 1;  // layers of the grouping in this bar (more than 1 past kMaxBars)
  double flops = 0;
  double matmul = 0;
  int uncounted = 0;
};

// Consecutive nodes of forward.nodes with the same scope prefix form a
// layer. The depth is the smallest that splits the graph into at least 12
// layers (ResNet: two scopes, "/layer1/layer1.0"; a Hugging Face BERT:
// three, "/bert/encoder/layer.0"). Graphs whose names mostly carry no scopes
// are cut into equal runs of nodes (`*chunk` of them; 0 when the layers come
// from the names).
std::vector<Layer> GroupLayers(const Forward& f, int* chunk);
// At most kMaxBars layers: adjacent ones merged, their labels joined.
std::vector<Layer> CapLayers(std::vector<Layer> layers);

}  // namespace html
}  // namespace onnx_flops

#endif  // ONNX_FLOPS_ANALYZER_REPORT_HTML_LAYERS_H_
