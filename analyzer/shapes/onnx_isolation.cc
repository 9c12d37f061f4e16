#include "analyzer/shapes/onnx_isolation.h"

#include <unistd.h>

#include <cstdlib>
#include <exception>
#include <memory>
#include <mutex>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "analyzer/shapes/onnx_guard.h"
#include "analyzer/util/one_line.h"
#include "onnx/shape_inference/implementation.h"
#include "proto/child_messages.pb.h"

namespace onnx_flops {
namespace {

std::string Hello() { return absl::StrCat("onnx-flops ", ONNX_FLOPS_VERSION, " onnx-helper 1"); }

bool Executable(const std::string& path) { return !path.empty() && access(path.c_str(), X_OK) == 0; }


struct HelperState {
  std::mutex mu;
  OnnxHelperOptions options;
  std::unique_ptr<ChildPool> pool;  // started on first use
  std::string unavailable;          // why no helper could be found
};

// Never destroyed: children see their socket close when this process exits,
// and no static destructor races a thread still analyzing.
HelperState& State() {
  static HelperState* const state = new HelperState;
  return *state;
}

ChildPool* Pool(std::string* unavailable) {
  HelperState& s = State();
  std::lock_guard<std::mutex> lock(s.mu);
  if (s.pool != nullptr) return s.pool.get();
  if (!s.unavailable.empty()) {
    *unavailable = s.unavailable;
    return nullptr;
  }
  std::string program = s.options.program.empty() ? FindOnnxHelper() : s.options.program;
  if (program.empty()) {
    s.unavailable =
        "no onnx-flops binary to run it in was found (set ONNX_FLOPS_HELPER to its path)";
    *unavailable = s.unavailable;
    return nullptr;
  }
  ChildLimits limits = s.options.limits;
  if (limits.max_memory_bytes <= 0) limits.max_memory_bytes = PhysicalMemoryBytes() / 2;
  s.pool = std::make_unique<ChildPool>(std::vector<std::string>{program, kOnnxHelperFlag},
                                       Hello(), limits);
  return s.pool.get();
}

// Copies what inference wrote (each graph's inputs, outputs and value_info)
// from `from` into `to`, graph by graph: the two have the same nodes and
// subgraphs, and `to`'s nodes keep their addresses.
void CopyInferredTypes(onnx::GraphProto* from, onnx::GraphProto* to) {
  to->mutable_input()->Swap(from->mutable_input());
  to->mutable_output()->Swap(from->mutable_output());
  to->mutable_value_info()->Swap(from->mutable_value_info());
  const int nodes = std::min(from->node_size(), to->node_size());
  for (int i = 0; i < nodes; ++i) {
    onnx::NodeProto* fn = from->mutable_node(i);
    onnx::NodeProto* tn = to->mutable_node(i);
    const int attrs = std::min(fn->attribute_size(), tn->attribute_size());
    for (int j = 0; j < attrs; ++j) {
      onnx::AttributeProto* fa = fn->mutable_attribute(j);
      onnx::AttributeProto* ta = tn->mutable_attribute(j);
      if (fa->has_g() && ta->has_g()) CopyInferredTypes(fa->mutable_g(), ta->mutable_g());
      const int graphs = std::min(fa->graphs_size(), ta->graphs_size());
      for (int k = 0; k < graphs; ++k) {
        CopyInferredTypes(fa->mutable_graphs(k), ta->mutable_graphs(k));
      }
    }
  }
}

std::string FailureSentence(const ChildResult& r) {
  switch (r.failure) {
    case ChildFailure::kCrashed:
      return absl::StrCat("ONNX shape inference crashed on this model (", r.detail,
                          "); shapes from onnx-flops's own propagation only");
    case ChildFailure::kTimedOut:
      return absl::StrCat("ONNX shape inference did not finish in ", r.detail,
                          "; shapes from onnx-flops's own propagation only");
    case ChildFailure::kOutOfMemory:
      return absl::StrCat("ONNX shape inference ran out of memory (limit ", r.detail,
                          "); shapes from onnx-flops's own propagation only");
    case ChildFailure::kUnavailable:
      return absl::StrCat("ONNX shape inference was not run: ", r.detail,
                          "; shapes from onnx-flops's own propagation only");
    case ChildFailure::kNone:
      break;
  }
  return "";
}

}  // namespace

void ConfigureOnnxHelper(const OnnxHelperOptions& options) {
  HelperState& s = State();
  std::lock_guard<std::mutex> lock(s.mu);
  s.options = options;
  s.pool.reset();
  s.unavailable.clear();
}

std::string FindOnnxHelper() {
  if (const char* env = std::getenv("ONNX_FLOPS_HELPER"); env != nullptr && *env != '\0') {
    return Executable(env) ? std::string(env) : std::string();
  }
  const std::string self = SelfExecutable();
  if (const size_t slash = self.rfind('/'); slash != std::string::npos) {
    const std::string beside = self.substr(0, slash + 1) + "onnx-flops";
    if (Executable(beside)) return beside;
  }
#ifdef ONNX_FLOPS_INSTALLED_BINARY
  if (Executable(ONNX_FLOPS_INSTALLED_BINARY)) return ONNX_FLOPS_INSTALLED_BINARY;
#endif
  if (const char* path = std::getenv("PATH"); path != nullptr) {
    for (absl::string_view dir : absl::StrSplit(path, ':', absl::SkipEmpty())) {
      const std::string candidate = absl::StrCat(dir, "/onnx-flops");
      if (Executable(candidate)) return candidate;
    }
  }
  return "";
}

void RunShapeInferenceInProcess(onnx::ModelProto& model, ShapeDataMap* shape_data,
                                std::vector<std::string>* warnings) {
  onnx::ShapeInferenceOptions options(/*check_type_val=*/false, /*strict_mode_val=*/0,
                                      /*data_prop_val=*/true);
  // Only the graphs that would make it spin for minutes are hidden: a crash
  // costs the helper, a hang costs the time limit.
  OnnxInferenceGuard guard(&model);
  try {
    onnx::shape_inference::InferShapes(model, OnnxSchemas(), options, shape_data);
  } catch (const std::exception& e) {
    warnings->push_back(absl::StrCat("ONNX shape inference stopped early: ", OneLine(e.what())));
  }
}

bool RunShapeInference(onnx::ModelProto& model, ShapeDataMap* shape_data,
                       std::vector<std::string>* warnings, std::string* failure) {
  {
    HelperState& s = State();
    std::lock_guard<std::mutex> lock(s.mu);
    if (!s.options.enabled) {
      *failure = "ONNX shape inference is off (--onnx-inference off); shapes from onnx-flops's "
                 "own propagation only";
      return false;
    }
  }
  std::string unavailable;
  ChildPool* pool = Pool(&unavailable);
  if (pool == nullptr) {
    ChildResult r;
    r.failure = ChildFailure::kUnavailable;
    r.detail = unavailable;
    *failure = FailureSentence(r);
    return false;
  }
  OnnxInferenceRequest request;
  if (!model.SerializeToString(request.mutable_model())) {
    *failure = "ONNX shape inference was not run: the model could not be serialized";
    return false;
  }
  const ChildResult r = pool->Call(request.SerializeAsString());
  OnnxInferenceResponse response;
  if (r.failure == ChildFailure::kNone && !response.ParseFromString(r.response)) {
    ChildResult bad;
    bad.failure = ChildFailure::kUnavailable;
    bad.detail = "its answer could not be read";
    *failure = FailureSentence(bad);
    return false;
  }
  if (r.failure != ChildFailure::kNone) {
    *failure = FailureSentence(r);
    return false;
  }
  onnx::ModelProto inferred;
  if (!inferred.ParseFromString(response.model()) || !inferred.has_graph() ||
      !model.has_graph()) {
    *failure = "ONNX shape inference was not run: its answer could not be read";
    return false;
  }
  CopyInferredTypes(inferred.mutable_graph(), model.mutable_graph());
  for (const auto& [name, bytes] : response.shape_data()) {
    onnx::TensorShapeProto shape;
    if (shape.ParseFromString(bytes)) (*shape_data)[name] = std::move(shape);
  }
  for (const std::string& w : response.warnings()) warnings->push_back(w);
  return true;
}

int OnnxHelperMain(const std::function<void(const onnx::ModelProto&)>& before_each) {
  (void)OnnxSchemas();  // once per helper, not per request
  return ServeChildRequests(Hello(), [&](const std::string& bytes) {
    OnnxInferenceRequest request;
    OnnxInferenceResponse response;
    onnx::ModelProto model;
    if (!request.ParseFromString(bytes) || !model.ParseFromString(request.model())) {
      response.add_warnings("ONNX shape inference stopped early: the request could not be read");
      return response.SerializeAsString();
    }
    if (before_each) before_each(model);
    ShapeDataMap shape_data;
    std::vector<std::string> warnings;
    RunShapeInferenceInProcess(model, &shape_data, &warnings);
    // The parent has the weights' dims already: send back the types only.
    model.mutable_graph()->clear_initializer();
    model.mutable_graph()->clear_sparse_initializer();
    model.SerializeToString(response.mutable_model());
    for (auto& [name, shape] : shape_data) {
      shape.SerializeToString(&(*response.mutable_shape_data())[name]);
    }
    for (std::string& w : warnings) response.add_warnings(std::move(w));
    return response.SerializeAsString();
  });
}

}  // namespace onnx_flops
