// ONNX 1.12's shape inference runs in a helper process, never in ours.
//
// libonnx segfaults, divides by zero and loops for 2^61 rounds on graphs its
// checker would reject (a custom-domain op feeding Shape, a Conv without
// strides...), and a list of such graphs to keep from it is never complete.
// So the library sends the (weightless) model to a child - the onnx-flops
// binary in its hidden helper mode - under a time and memory limit: a crash,
// hang or runaway allocation there costs ONNX's shapes for that model (our
// own propagation still gives most), with a warning, and nothing else.
#ifndef ONNX_FLOPS_ANALYZER_SHAPES_ONNX_ISOLATION_H_
#define ONNX_FLOPS_ANALYZER_SHAPES_ONNX_ISOLATION_H_

#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

#include "analyzer/util/child_process.h"
#include "onnx/onnx_pb.h"

namespace onnx_flops {

// The hidden argument that makes onnx-flops serve inference requests.
constexpr char kOnnxHelperFlag[] = "--internal-onnx-helper";

struct OnnxHelperOptions {
  bool enabled = true;            // --onnx-inference off: our propagation only
  std::string program;            // the onnx-flops binary; empty: FindOnnxHelper()
  ChildLimits limits{30, 0};      // 0 bytes: half the machine's memory
};

// Sets how every later analysis in this process runs ONNX's inference.
// Call before analyses start (the CLI does, from its flags).
void ConfigureOnnxHelper(const OnnxHelperOptions& options);

// The onnx-flops binary to run as the helper: $ONNX_FLOPS_HELPER; else an
// onnx-flops beside the running executable (the CLI itself, or a test in the
// build tree); else the installed one; else one on PATH. Empty if none.
std::string FindOnnxHelper();

// Values that data propagation computed (shape tensors), by value name.
using ShapeDataMap = std::unordered_map<std::string, onnx::TensorShapeProto>;

// ONNX shape inference with data propagation, in the helper. On success the
// inferred types are in `model` (each graph's inputs, outputs and value_info),
// `shape_data` is filled and true is returned; node errors that stopped it
// early are warnings. When the helper crashed, timed out, ran out of memory
// or could not start, `model` is untouched, `failure` says which in one
// sentence, and false is returned.
bool RunShapeInference(onnx::ModelProto& model, ShapeDataMap* shape_data,
                       std::vector<std::string>* warnings, std::string* failure);

// The same, in this process: what the helper runs. Exposed for the helper
// mode and for tests; never call it on a model you did not make.
void RunShapeInferenceInProcess(onnx::ModelProto& model, ShapeDataMap* shape_data,
                                std::vector<std::string>* warnings);

// The helper mode's main loop (onnx-flops --internal-onnx-helper).
// `before_each` (test builds: fault injection) sees each model first.
int OnnxHelperMain(
    const std::function<void(const onnx::ModelProto&)>& before_each = nullptr);

}  // namespace onnx_flops

#endif  // ONNX_FLOPS_ANALYZER_SHAPES_ONNX_ISOLATION_H_
