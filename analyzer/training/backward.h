// The per-op backward model (--backward per-op): the FLOPs of one backward
// pass, node by node, from the forward walk, instead of the flat 2:1 ratio.
//
// Which values need a gradient
// ----------------------------
// A value "needs grad" iff it depends, through differentiable inputs, on a
// trainable parameter. Graph inputs (the data) need none. Propagation follows
// the graph in topological order: a node's outputs need grad iff one of its
// DIFFERENTIABLE inputs does (the ONNX schema's differentiation category:
// Reshape's shape, Resize's scales, Gather's indices, Where's condition carry
// no gradient; overrides: BatchNormalization's running mean/var (inputs 3, 4)
// and the scales/zero points of quantization ops are not differentiable; ops
// without a schema, e.g. com.microsoft, take every input as differentiable),
// and an output the schema marks non-differentiable (Dropout's mask,
// BatchNormalization's running statistics) never does.
//
// A trainable parameter is an initializer (of the main graph or a subgraph)
//   - of a floating type, or an integer weight read at the weight slot of a
//     quantized op (DequantizeLinear x, MatMulInteger/ConvInteger B,
//     QLinearMatMul/QLinearConv b, MatMulNBits, DynamicQuantizeMatMul,
//     MatMulIntegerToFloat, QAttention weights): a quantized weight stands for
//     the float weight it was trained as;
//   - with more than 1 element: scalars are the constants of the arithmetic
//     (1/sqrt(d), GELU's 0.5, a /255 preprocessing), not parameters;
//   - not frozen: no --frozen pattern matches its name, nor the name (or walk
//     path, e.g. "loop/body/mm") of a node that reads it, directly or through
//     Transpose/Cast/Identity/Reshape/Squeeze/Unsqueeze/Flatten/
//     DequantizeLinear/QuantizeLinear (freezing a node freezes its weights,
//     everywhere they are used);
//   - read at a differentiable slot somewhere (this is what the optimizer
//     updates; Resize scales or BatchNormalization statistics are not).
// Constant-node tensors are never parameters. A float buffer stored as an
// initializer (a precomputed mask, a preprocessing mean) cannot be told from a
// parameter: freeze it with --frozen.
// Subgraphs: a Loop/Scan body's state input needs grad iff the node's initial
// value or the body's updated state does (a fixed point: a state that needs
// grad in some iteration is taken to need it in all); If outputs need grad
// iff either branch's does; outer-scope values are looked up by scope.
//
// Backward FLOPs per node (the forward costs are the walk's, subgraph nodes
// already x their trips)
// -----------------------------------------------------------------------
// ng(v) is 1 when operand v needs grad, else 0.
//   matmul class, one product A x B (MatMul, Gemm, Conv, ConvTranspose,
//     ConvInteger, QLinearConv, MatMulInteger, QLinearMatMul, FusedMatMul,
//     TransposeMatMul, MatMulNBits, DynamicQuantizeMatMul, MatMulIntegerToFloat;
//     a matmul-class op not listed: inputs 0 and 1):
//       backward = forward_matmul x (ng(A) + ng(B))
//     dA = dY x B^T costs one forward product and dB = A^T x dY another. With a
//     weight operand W: ng(W) = "W is trainable" (the weight gradient) and ng
//     of the data operand is the input gradient, which the first layer fed by
//     graph data does not need: 1x; a frozen weight on top of data: 0.
//   Einsum with n operands: forward_matmul x sum_i ng(operand_i) (exact for
//     two operands, an approximation for three or more).
//   LSTM/GRU/RNN: the gate products split as X*W^T (share I/(I+H)) and
//     H*R^T (share H/(I+H)), I and H from W's and R's shapes:
//       backward = fwd_mm x I/(I+H) x (ng(X) + ng(W))
//                + fwd_mm x H/(I+H) x (ng(R) + ng(H)),
//     ng(H) = 1 when any input needs grad (back-propagation through time
//     needs dH at every step).
//   Attention core (the score product Q x K^T and value product P x V:
//     MatMul/Einsum of two activations reaching / reading a Softmax, as in
//     attention_view.cc, or the core of the fused ops Attention,
//     MultiHeadAttention, GroupQueryAttention):
//       score product: fwd x (ng(Q) + ng(K) + r), r = 1 (recompute Q x K^T)
//       value product: fwd x (ng(P) + ng(V)), ng(P) = ng(Q) or ng(K)
//     i.e. 5 batched products (dQ, dK, dV, dP and the recomputed scores):
//     2.5x the core when everything needs grad, the DESIGN's figure. It is
//     what memory-efficient kernels (FlashAttention, torch's SDPA) do in
//     training: they keep no score matrix and recompute it in the backward.
//     BackwardOptions::attention_recompute = false gives r = 0: 2.0x, the
//     backward of an eager implementation that stores the probabilities.
//     A fused op's core is split half and half between the two products
//     (d_k = d_v assumed); com.microsoft Attention/QAttention's input
//     projection 2*B*S*hidden*(q+k+v) is a weight product as above.
//   vector class (everything else, and the vector part of the ops above:
//     biases, activations, softmax, normalization, pooling):
//       backward = forward_vector x 1 when any differentiable input needs
//       grad, else 0. The factor 1 is a documented round figure: Relu's
//       backward is 1 select per element (forward 1), an Add passes its
//       gradient on (0) but a broadcast bias sums it (1), a Mul needs 2
//       products, softmax ~4 per element against its forward 5.
//   data movement: 0 (gradients are moved, not computed). Uncounted nodes: 0
//     (they have no forward count either; the notes say how many).
//
// Optimizer, per trainable parameter per step (elementwise, per Kingma & Ba's
// Algorithm 1 and the torch.optim update rules; per-step scalars such as
// 1 - beta^t are not per parameter):
//   sgd       2: w -= lr*g (mul, sub)
//   momentum  4: v = mu*v + g (mul, add); w -= lr*v (mul, sub)
//   adam     14: m = b1*m + (1-b1)*g (3); v = b2*v + (1-b2)*g*g (4);
//                m^ = m/(1-b1^t) (1); v^ = v/(1-b2^t) (1);
//                w -= lr*m^/(sqrt(v^) + eps) (sqrt, add, div, mul, sub: 5)
//   adamw    16: adam + decoupled weight decay w -= lr*lambda*w (mul, sub)
// optimizer_flops_per_step = factor x trainable parameters;
// per example = per step / batch_size (the training batch, examples per step).
//
// effective_ratio = backward_flops / forward_flops (optimizer excluded: one
// training example costs forward x (1 + effective_ratio) + optimizer per
// example).
#ifndef ONNX_FLOPS_ANALYZER_TRAINING_BACKWARD_H_
#define ONNX_FLOPS_ANALYZER_TRAINING_BACKWARD_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "analyzer/shapes/value_table.h"
#include "analyzer/count/walker.h"
#include "onnx/onnx_pb.h"

namespace onnx_flops {

struct BackwardOptions {
  // --frozen PATTERN: a glob ('*' any run of characters, '/' included; '?' one
  // character) on initializer names, node names and node walk paths.
  std::vector<std::string> frozen_patterns;
  // A name of Optimizers(), or "" (none).
  std::string optimizer;
  // Examples per optimizer step; required (> 0) with an optimizer.
  double batch_size = 0;
  // The attention core's backward recomputes Q x K^T (2.5x, default) or reads
  // stored probabilities (2.0x).
  bool attention_recompute = true;
};

struct BackwardNode {
  std::string node;     // walk path, as NodeResult::name
  std::string op_type;
  double forward_flops = 0;
  double backward_flops = 0;
  double backward_matmul_flops = 0;  // the part from matmul-class products
  // "<rule>: <formula with the numbers>", e.g.
  // "matmul: 8388608 x (input grad 0: 'x' is graph data + weight grad 1: 'W1' trainable) = ..."
  std::string rule;
};

struct BackwardResult {
  double forward_flops = 0;          // the walk's total (uncounted nodes: 0)
  double backward_flops = 0;
  double effective_ratio = 0;        // backward / forward (0 when forward is 0)
  double forward_matmul_flops = 0;
  double backward_matmul_flops = 0;
  double trainable_parameters = 0;   // elements the optimizer updates
  double frozen_parameters = 0;      // parameters --frozen took out
  double optimizer_flops_per_parameter = 0;
  double optimizer_flops_per_step = 0;
  double optimizer_flops_per_example = 0;  // per step / batch_size
  std::string optimizer_formula;     // e.g. "adam 14 x 4239370 parameters = ..."
  std::vector<BackwardNode> nodes;   // one per NodeResult, same order
  std::vector<std::string> notes;
};

// The backward pass of the walk `nodes` over `graph` (the graph the walk ran
// on: NodeResult::node points into it) with `values` its value table.
// InvalidArgument for an unknown optimizer, or an optimizer without a
// positive batch size.
absl::StatusOr<BackwardResult> PerOpBackward(const onnx::GraphProto& graph,
                                             const ValueTable& values,
                                             const std::vector<NodeResult>& nodes,
                                             const BackwardOptions& options);

// The optimizers --optimizer and training.optimizer accept, with their
// weight-update FLOPs per parameter per step: the one list of them.
struct OptimizerCost {
  const char* name;
  double flops_per_parameter;
};
const std::vector<OptimizerCost>& Optimizers();
// "none, sgd, momentum, adam or adamw", for messages and help.
std::string OptimizerChoices();

// FLOPs per parameter per step of an optimizer name ("" and "none": 0);
// InvalidArgument naming the choices for an unknown one.
absl::StatusOr<double> OptimizerFlopsPerParameter(const std::string& optimizer);

// '*' and '?' glob, whole-string match.
bool GlobMatch(absl::string_view pattern, absl::string_view text);

// The rules above, one line each, for --list-rules and the docs.
std::vector<std::string> BackwardRuleFormulas();

}  // namespace onnx_flops

#endif  // ONNX_FLOPS_ANALYZER_TRAINING_BACKWARD_H_
