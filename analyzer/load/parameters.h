// What counts as a model's parameters: every stored weight, wherever the
// exporter put it.
//
//   - floating-point initializers (and sparse initializers' stored values) of
//     the main graph and of every subgraph (Loop/Scan bodies, If branches);
//   - integer initializers read at the weight slot of a quantized op
//     (DequantizeLinear x, MatMulInteger/ConvInteger B, QLinear* weights,
//     MatMulNBits, QMoE...: the slots the op's BackwardSpec names): a
//     quantized weight stands for the float weight it was trained as, and a
//     byte that packs 8/bits of them (MatMulNBits, 4-bit QMoE) counts as
//     that many;
//   - floating-point tensors of Constant nodes with more than one element
//     (paddle2onnx and spox store weights so); a one-element Constant is an
//     arithmetic constant (a scale, an epsilon), not a weight.
// Each tensor counts once, however many nodes read it.
#ifndef ONNX_FLOPS_ANALYZER_LOAD_PARAMETERS_H_
#define ONNX_FLOPS_ANALYZER_LOAD_PARAMETERS_H_

#include <cstdint>

#include "absl/container/flat_hash_set.h"
#include "onnx/onnx_pb.h"

namespace onnx_flops {

struct ParameterCount {
  double parameters = 0;      // elements, as above
  double bytes = 0;           // every initializer and counted Constant, at its element type
  int initializers = 0;       // initializers of all graphs (`skip` excluded)
  int subgraph_initializers = 0;
  int constant_nodes = 0;     // Constant nodes whose tensor is counted
  int quantized = 0;          // integer initializers counted as quantized weights
  int nonsense = 0;           // tensors with negative dims, dims past 2^40 or past 1e30 elements
};

// Weights per stored byte of a uint8 weight that `n` reads at a quantized
// slot: 8/bits for ops with a `bits` (MatMulNBits, GatherBlockQuantized) or
// `expert_weight_bits` (QMoE) attribute below 8, else 1.
double WeightsPerByte(const onnx::NodeProto& n);

// `skip`: main-graph initializer names that are not weights (--value inputs).
ParameterCount CountParameters(const onnx::GraphProto& graph,
                               const absl::flat_hash_set<std::string>& skip);

}  // namespace onnx_flops

#endif  // ONNX_FLOPS_ANALYZER_LOAD_PARAMETERS_H_
