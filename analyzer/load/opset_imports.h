// Domains a model's nodes use without importing them. onnxruntime runs such
// nodes at the newest version of the domain it knows, so onnx-flops does the
// same for the domains whose versions it knows (and says so).
#ifndef ONNX_FLOPS_ANALYZER_LOAD_OPSET_IMPORTS_H_
#define ONNX_FLOPS_ANALYZER_LOAD_OPSET_IMPORTS_H_

#include <string>
#include <vector>

#include "onnx/onnx_pb.h"

namespace onnx_flops {

// Adds an opset import for each known domain (com.microsoft and its
// sub-domains at 1, ai.onnx.ml at 3, the training domains at 1) that a node
// of the main graph or of a subgraph uses but the model does not import;
// returns one warning per domain added. The default domain is never added: a
// model without it is refused, as onnxruntime refuses it.
std::vector<std::string> ImportUsedDomains(onnx::ModelProto* model);

}  // namespace onnx_flops

#endif  // ONNX_FLOPS_ANALYZER_LOAD_OPSET_IMPORTS_H_
