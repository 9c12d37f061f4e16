// One registration function per rules/ file. Each lives in its own file,
// right under the formulas it registers; DefaultRules() calls them all.
#ifndef ONNX_FLOPS_RULES_FAMILIES_H_
#define ONNX_FLOPS_RULES_FAMILIES_H_

#include "rules/rule.h"

namespace onnx_flops {

void RegisterMatMulRules(RuleRegistry& r);        // rules/matmul.cc: MatMul, Gemm
void RegisterEinsumRules(RuleRegistry& r);        // rules/einsum.cc
void RegisterConvRules(RuleRegistry& r);          // rules/conv.cc: Conv, ConvTranspose
void RegisterPoolRules(RuleRegistry& r);          // rules/pool.cc
void RegisterNormalizationRules(RuleRegistry& r); // rules/normalization.cc
void RegisterSoftmaxRules(RuleRegistry& r);       // rules/softmax.cc
void RegisterElementwiseRules(RuleRegistry& r);   // rules/elementwise.cc: arithmetic, comparison, logic
void RegisterActivationRules(RuleRegistry& r);    // rules/activation.cc
void RegisterReduceRules(RuleRegistry& r);        // rules/reduce.cc
void RegisterResizeRules(RuleRegistry& r);        // rules/resize.cc: Resize, Upsample
void RegisterControlFlowRules(RuleRegistry& r);   // rules/control_flow.cc: Loop, Scan, If
void RegisterDataMovementRules(RuleRegistry& r);  // rules/data_movement.cc: 0 FLOP by convention
void RegisterRnnRules(RuleRegistry& r);  // rules/rnn.cc: LSTM, GRU, RNN
void RegisterAttentionRules(RuleRegistry& r);  // rules/attention.cc: Attention, GQA, MHA, RotaryEmbedding
void RegisterContribRules(RuleRegistry& r);    // rules/contrib.cc: com.microsoft norm/gelu/matmul fusions
void RegisterQuantizedRules(RuleRegistry& r);  // rules/quantized.cc: integer and N-bit matmuls
void RegisterMoeRules(RuleRegistry& r);        // rules/moe.cc: com.microsoft MoE, QMoE
void RegisterTrainingOpRules(RuleRegistry& r); // rules/training_ops.cc: losses, optimizers
void RegisterGenerationRules(RuleRegistry& r);  // rules/generation.cc: BeamSearch, GreedySearch, Sampling
void RegisterDataDependentRules(RuleRegistry& r);  // rules/data_dependent.cc: NonZero, NMS... at a bound
void RegisterMlRules(RuleRegistry& r);         // rules/ml.cc: the ai.onnx.ml domain
void RegisterSignalRules(RuleRegistry& r);     // rules/signal.cc: DFT, STFT, windows, MelWeightMatrix

}  // namespace onnx_flops

#endif  // ONNX_FLOPS_RULES_FAMILIES_H_
