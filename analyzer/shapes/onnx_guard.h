// Keeps from Debian's ONNX 1.12 the graphs on which its shape inference would
// give wrong shapes or spin, rather than crash.
//
// ONNX's shape inference runs in a helper process (analyzer/shapes/onnx_isolation.h),
// so a crash there (Scan without num_scan_inputs, a Conv stride of 0) costs
// only its shapes. Isolation does not help where it reads past the end of a
// shape (a Conv W of higher rank than X, no kernel_shape) or of a payload (a
// Reshape target whose data is shorter than its dims): those can return
// garbage instead of crashing. Nor where it spins for 2^62 iterations
// (auto_pad SAME with a stride > 1 on a huge dim), which would cost the
// helper's whole time limit. Found by the fuzzer and testdata/malformed/.
#ifndef ONNX_FLOPS_ANALYZER_SHAPES_ONNX_GUARD_H_
#define ONNX_FLOPS_ANALYZER_SHAPES_ONNX_GUARD_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "onnx/defs/schema.h"
#include "onnx/onnx_pb.h"

namespace onnx_flops {

// Fills ONNX 1.12's op-schema registry once, under a lock (ONNX fills it on
// first use without one), and returns it. About 20 ms: callers reach it only
// when they need ONNX's inference or schemas, so that small models that our
// propagators resolve alone never pay for it.
onnx::OpSchemaRegistry* OnnxSchemas();

// Clears every tensor payload that cannot be decoded (raw_data whose size is
// not a whole number of elements), in initializers, sparse initializers and
// tensor attributes of every graph, subgraphs included. Such a value is
// garbage; without its payload it is simply not a known constant. Returns how
// many payloads were cleared.
int DropUndecodablePayloads(onnx::ModelProto* model);

// Whether ONNX 1.12's shape inference for `node` may read past a shape or
// spin on its attributes, whatever the input shapes turn out to be.
bool UnsafeForOnnxInference(const onnx::NodeProto& node);

// While alive, the unsafe nodes of every graph (subgraphs included) carry an
// op type ONNX has no schema for, so its inference skips them; the destructor
// restores them. Unsafe: UnsafeForOnnxInference, or an op whose shape
// function reads input values (Range, Reshape, Slice...) fed a tensor
// (initializer, Constant) whose payload holds fewer or more elements than its
// dims say. Our own propagators give their shapes in the main graph.
class OnnxInferenceGuard {
 public:
  explicit OnnxInferenceGuard(onnx::ModelProto* model);
  ~OnnxInferenceGuard();
  OnnxInferenceGuard(const OnnxInferenceGuard&) = delete;
  OnnxInferenceGuard& operator=(const OnnxInferenceGuard&) = delete;

  int hidden() const { return static_cast<int>(hidden_.size()); }

 private:
  void HideIn(onnx::GraphProto* graph, absl::flat_hash_set<std::string> bad_values);

  // Pointers into the model's RepeatedPtrFields: stable while no node is
  // added or removed, which inference does not do.
  std::vector<std::pair<onnx::NodeProto*, std::string>> hidden_;
};

}  // namespace onnx_flops

#endif  // ONNX_FLOPS_ANALYZER_SHAPES_ONNX_GUARD_H_
