// Which layer a node belongs to, from the module path its name carries.
// Exporters name nodes after the module that made them: torch
// "/layer1/layer1.0/conv1/Conv", Hugging Face "/model/layers.3/mlp/up_proj/
// MatMul", tf2onnx "model/conv2d_1/Conv2D". The layer is the path up to the
// first component that ends in an index (".0", "_3": the repeated block a
// model stacks), else the module the op sits in (at most the first two
// components); a name without a path is "(top level)".
#ifndef ONNX_FLOPS_ANALYZER_COUNT_LAYERS_H_
#define ONNX_FLOPS_ANALYZER_COUNT_LAYERS_H_

#include <string>
#include <vector>

#include "analyzer/count/walker.h"
#include "absl/strings/string_view.h"

namespace onnx_flops {

inline constexpr char kTopLevel[] = "(top level)";

std::string LayerOf(absl::string_view node_name);

// The layer of each of `nodes` (walk order): a main-graph node's from its
// name, a subgraph node's that of the control-flow node it runs under.
std::vector<std::string> LayersOf(const std::vector<NodeResult>& nodes);

}  // namespace onnx_flops

#endif  // ONNX_FLOPS_ANALYZER_COUNT_LAYERS_H_
