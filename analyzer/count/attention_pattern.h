// How an unfused attention core shows in a graph: a product of two
// activations whose result reaches a Softmax (Q·K^T), or that reads one
// (scores·V), with only scaling, masking, casts and reshapes between. The
// attention view and the backward model both look for it.
#ifndef ONNX_FLOPS_ANALYZER_COUNT_ATTENTION_PATTERN_H_
#define ONNX_FLOPS_ANALYZER_COUNT_ATTENTION_PATTERN_H_

#include <string>
#include <vector>

#include "analyzer/load/graph_order.h"
#include "onnx/onnx_pb.h"

namespace onnx_flops {

// Does `value` reach a Softmax within `hops` steps of score-passing ops?
bool ReachesSoftmax(const ConsumerMap& consumers, const std::string& value, int hops);
// Does `value` come from a Softmax within `hops` steps back?
bool ComesFromSoftmax(const ProducerMap& producer, const std::string& value, int hops);

}  // namespace onnx_flops

#endif  // ONNX_FLOPS_ANALYZER_COUNT_ATTENTION_PATTERN_H_
