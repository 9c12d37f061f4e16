// What is known about every value of a graph after shape inference: shapes,
// element types, and the contents of small constants.
#ifndef ONNX_FLOPS_ANALYZER_SHAPES_VALUE_TABLE_H_
#define ONNX_FLOPS_ANALYZER_SHAPES_VALUE_TABLE_H_

#include <string>

#include "absl/container/node_hash_map.h"
#include "analyzer/shapes/shape_binding.h"
#include "onnx/onnx_pb.h"
#include "rules/rule.h"
#include "rules/tensor_info.h"

namespace onnx_flops {

// Node-based: a TensorInfo is about 150 bytes, and a flat table's slots
// (capacity up to 2.3x the entries) held 740 MB at a million values.
// Pointers to entries stay valid as the table grows.
using ValueTable = absl::node_hash_map<std::string, TensorInfo>;

// Inputs, value_info, outputs, initializers, Constant outputs and propagated
// shape data of `graph`, later sources refining earlier ones.
ValueTable BuildValueTable(const onnx::GraphProto& graph, const ShapeDataMap& shape_data);

}  // namespace onnx_flops

#endif  // ONNX_FLOPS_ANALYZER_SHAPES_VALUE_TABLE_H_
