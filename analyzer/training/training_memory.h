// Memory for training, per chip: report.training.memory.
//
//   total = weights + gradients + optimizer state + fp32 master weights
//           + activations saved for the backward pass x batch
//
// The model state (Rajbhandari et al. 2020, ZeRO, section 3.1)
// ------------------------------------------------------------
// P the training precision's bytes per value: --precision (fp32/tf32 4,
// fp16/bf16 2, fp8/int8 1), else the type most of the weights' bytes have
// (analyzer/training/roofline.h ModelPrecision: fp32 for an fp32 export).
// N = model.parameters (every weight, frozen ones included: they are still
// read), T = the trainable parameters of the per-op backward model
// (analyzer/training/backward.h: not --frozen, read at a differentiable slot).
//   weights    N x P
//   gradients  T x P                        (one per trainable weight)
//   optimizer  T x 4 x k, k fp32 values per trainable weight:
//              none/sgd 0, momentum 1 (the velocity), adam/adamw 2 (m and v);
//              adam when --optimizer is not given (the note says it is assumed)
//   master     T x 4 when P < 4 (mixed precision: fp16, bf16, fp8, int8
//              training keeps an fp32 copy that the optimizer updates), else 0
// Mixed-precision Adam: 2 + 2 + 4 + 8 = 16 bytes per parameter; fp32 Adam:
// 4 + 4 + 8 = 16 (ZeRO's "2 + 2 + 12").
//
// Activations saved for the backward pass
// ---------------------------------------
// Which values carry a gradient follows backward.h: a value needs grad iff it
// depends, through differentiable inputs (the op's BackwardSpec, else the ONNX
// schema's differentiation category), on a trainable initializer (floating or
// a quantized weight, more than one element, not --frozen). A node is on the
// gradient path when one of its differentiable inputs needs grad; only those
// nodes keep anything. What a node keeps is what its own backward reads, as
// PyTorch's autograd saves it (convention: an elementwise op whose derivative
// is a function of its output keeps the output, otherwise the input):
//   - a product (MatMul, Gemm, Conv, ConvTranspose, the quantized products;
//     BackwardSpec slots a, b): A when B needs grad (dB = A^T dY), B when A
//     needs grad (dA = dY B^T); Einsum: every operand whose partners need
//     grad. A weight is not an activation, so a layer on weights keeps its
//     input X for dW and nothing else;
//   - output kept: Relu, Sigmoid, Tanh, Exp, Sqrt, Reciprocal, Elu, Selu,
//     Celu, Softmax, LogSoftmax;
//   - input kept: Gelu (and com.microsoft Gelu, FastGelu, BiasGelu,
//     QuickGelu), Erf, Log, the trigonometric ops, Abs, Clip, LeakyRelu,
//     PRelu, ThresholdedRelu, HardSigmoid, HardSwish, Softplus, Softsign,
//     Mish, Shrink;
//   - input and output: ReduceMax, ReduceMin, ReduceProd, ReduceL2,
//     ReduceLogSumExp, LpPool, GlobalMaxPool, LRN;
//   - Mul keeps the other operand of each factor that needs grad; Div(a, b)
//     keeps b when a needs grad, a and b when b does; Pow keeps its base (and
//     its output when the exponent needs grad); Max, Min keep their inputs;
//     Where keeps its condition; Gather*, Scatter* keep their indices;
//     MaxPool keeps its input and indices; TopK its indices; Dropout its mask;
//   - normalization (BatchNormalization, LayerNormalization,
//     InstanceNormalization, GroupNormalization, LpNormalization,
//     MeanVarianceNormalization, com.microsoft (Skip)(Simplified)
//     LayerNormalization): its input (the per-row statistics are left out);
//   - fused attention cores: Q, K, V (or the input) and the output, as
//     memory-efficient kernels do (FlashAttention keeps no score matrix);
//   - LSTM, GRU, RNN: X and the output sequence Y (the per-step gates are
//     not counted: a lower bound);
//   - linear ops keep nothing: Add, Sub, Neg, Sum, Mean, ReduceSum,
//     ReduceMean, AveragePool, GlobalAveragePool, Resize, Upsample, Pad,
//     CumSum, Trilu, Cast, (De)QuantizeLinear, and every data-movement op
//     (Reshape, Transpose, Concat, Slice, Split, Squeeze, Expand...);
//   - any other op keeps its activation inputs (and the note names it);
//   - a control-flow node (If, Loop, Scan) keeps its activation inputs; the
//     tensors its bodies create are not walked (the note says how many nodes).
// Each tensor is counted once however many nodes keep it. Weights
// (initializers, Constant tensors, and those handed on by Transpose, Cast,
// DequantizeLinear... from them) are not activations. Floating activations
// count at the training precision (P bytes: mixed precision runs them in 16
// bits, as Korthikanti et al. 2022 count them); integer and bool tensors at
// their element type. A tensor of unknown size adds nothing (the note says
// how many: a lower bound).
//   per example = saved bytes at the graph's bound batch / forward.batch_size
//   activations = per example x batch; batch = --batch-size, else the graph's
//
// Per chip: with --hardware, the chip's memory (memory_gb x 10^9 bytes) and
//   max_batch = floor((chip memory - weights - gradients - optimizer - master)
//                     / activation bytes per example),
// 0 when the fixed part alone does not fit. Data parallel: every chip holds
// the whole model state and its own batch.
//
// Not included: the framework's workspace and CUDA context, allocator
// fragmentation, recomputation (activation checkpointing would lower the
// activations), the optimizer's temporary buffers, activation gradients
// alive during the backward pass, KV caches, the data loader's batches.
#ifndef ONNX_FLOPS_ANALYZER_TRAINING_TRAINING_MEMORY_H_
#define ONNX_FLOPS_ANALYZER_TRAINING_TRAINING_MEMORY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "analyzer/count/walker.h"
#include "analyzer/shapes/value_table.h"
#include "onnx/onnx_pb.h"
#include "proto/report.pb.h"

namespace onnx_flops {

struct TrainingMemoryOptions {
  std::string precision;             // --precision; "" = the weights' type
  std::string optimizer;             // --optimizer; "" = adam, assumed
  std::vector<std::string> frozen;   // --frozen patterns
  double batch = 0;                  // --batch-size; 0 = the graph's bound batch
  std::string hardware;              // --hardware; "" = none
  // The chip's memory in bytes, instead of the hardware table's (tests).
  std::optional<double> chip_memory_bytes;
};

// One tensor the backward pass reads.
struct SavedTensor {
  std::string name;
  double bytes = 0;     // at the graph's bound batch
  std::string kept_by;  // the first node that keeps it (walk path)
  std::string why;      // e.g. "MatMul input 0 (weight grad)"
};

struct SavedActivations {
  double bytes = 0;                  // sum of `tensors`
  std::vector<SavedTensor> tensors;  // in the order first kept
  int unknown = 0;                   // kept tensors of unknown size, left out
  int nodes_on_path = 0;             // main-graph nodes a gradient reaches
  std::vector<std::string> unruled;  // op types kept by the default rule
  int subgraph_nodes = 0;            // nodes in bodies of control-flow nodes on the path
  int recurrent = 0;                 // LSTM/GRU/RNN nodes on the path (a lower bound)
};

// The activations the backward pass of `nodes` (the walk over `graph`,
// `values` its value table) reads, floating ones at `float_bytes` per element
// (0: at their element type), with the --frozen `frozen` patterns.
SavedActivations SavedForBackward(const onnx::GraphProto& graph, const ValueTable& values,
                                  const std::vector<NodeResult>& nodes,
                                  const std::vector<std::string>& frozen, double float_bytes);

// Bytes per value of a training precision ("fp32" 4, "bf16" 2, ...), or
// InvalidArgument.
absl::StatusOr<double> PrecisionBytes(const std::string& precision);

// Optimizer state values per trainable weight (fp32 each): "none"/"sgd" 0,
// "momentum" 1, "adam"/"adamw" 2; InvalidArgument for another name.
absl::StatusOr<int> OptimizerStates(const std::string& optimizer);

// report.training.memory for the model: `parameters` is model.parameters,
// `graph_batch` forward.batch_size. InvalidArgument for an unknown precision,
// optimizer or chip.
absl::StatusOr<TrainingMemory> ComputeTrainingMemory(const onnx::GraphProto& graph,
                                                     const ValueTable& values,
                                                     const std::vector<NodeResult>& nodes,
                                                     double parameters, int64_t graph_batch,
                                                     const TrainingMemoryOptions& options);

}  // namespace onnx_flops

#endif  // ONNX_FLOPS_ANALYZER_TRAINING_TRAINING_MEMORY_H_
