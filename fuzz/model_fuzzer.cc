// libFuzzer target: arbitrary bytes through the whole pipeline the CLI runs
// (load, analyze, render). Any crash, hang, leak or sanitizer report is a bug;
// a non-OK status is the expected answer to most inputs.
//
// The options are fixed so that a crashing input replays the same way: one
// pass with the per-node table and the ratio training estimate, one with the
// per-op backward model and Adam, which walk different code.
//
// Mutations are structure-aware (fuzz/model_mutator.h): an input that parses
// as a ModelProto gets 1-3 model-level changes (nodes, attributes, dims,
// initializers, opsets, subgraph bodies); one mutation in four, and every
// input that does not parse, gets libFuzzer's own byte-level mutations (with
// the dictionary), so damage to the protobuf framing is still explored.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "analyzer/analyze.h"
#include "analyzer/load/model_loader.h"
#include "analyzer/shapes/onnx_isolation.h"
#include "analyzer/report/render.h"
#include "fuzz/model_mutator.h"

namespace {

// Loads afresh for each analysis (AnalyzeBytes: the Python module's path).
void AnalyzeAndRender(absl::string_view bytes, const onnx_flops::AnalyzeOptions& options) {
  absl::StatusOr<onnx_flops::Report> report = onnx_flops::AnalyzeBytes(bytes, "fuzz.onnx", options);
  if (!report.ok()) return;
  (void)onnx_flops::RenderJson(*report);
  (void)onnx_flops::RenderJson(*report, /*pretty=*/false);
  onnx_flops::TextOptions text;
  text.per_node = true;
  (void)onnx_flops::RenderText(*report, text);
  (void)onnx_flops::RenderMarkdown(*report);
  (void)onnx_flops::RenderCsv(*report, /*per_node=*/true);
  (void)onnx_flops::RenderHtml(*report);
  (void)onnx_flops::RenderStatement(*report, onnx_flops::StatementStyle::kMarkdown);
  (void)onnx_flops::RenderStatement(*report, onnx_flops::StatementStyle::kLatex);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  onnx_flops::InitializeAnalyzer();
  // Our code only: ONNX's inference runs in a helper process, whose crashes
  // are not ours to find and whose start would cost the fuzzer most of its
  // speed. Off on every machine alike (not "whichever onnx-flops is
  // installed"), so a crashing input replays the same way; the paths that
  // follow ONNX's shapes are exercised by tools/mutation_campaign, which runs
  // the binary with its helper.
  onnx_flops::OnnxHelperOptions onnx;
  onnx.enabled = false;
  onnx_flops::ConfigureOnnxHelper(onnx);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view bytes(reinterpret_cast<const char*>(data), size);
  // Most mutants are not models: one cheap load decides whether the two
  // analyses below are worth running.
  if (!onnx_flops::LoadModelFromBytes(bytes, "fuzz.onnx").ok()) return 0;

  onnx_flops::AnalyzeOptions ratio;
  ratio.per_node = true;
  ratio.sha256 = true;
  ratio.training.examples = 1000;
  ratio.training.epochs = 2;
  AnalyzeAndRender(bytes, ratio);

  onnx_flops::AnalyzeOptions per_op;
  per_op.causal_half = true;
  per_op.training.examples = 1000;
  per_op.training.epochs = 2;
  per_op.training.backward_model = "per-op";
  per_op.training.optimizer = "adam";
  per_op.hardware.hardware = "h100-sxm";
  per_op.hardware.chips = 8;
  per_op.hardware.seconds = 3600;
  AnalyzeAndRender(bytes, per_op);
  return 0;
}

// libFuzzer's byte-level mutator (with -dict), for the fallback.
extern "C" size_t LLVMFuzzerMutate(uint8_t* data, size_t size, size_t max_size);

namespace {

// The seed libFuzzer hands over is its own Rand(): mixed once more so that
// the byte-or-structure choice does not track the mutator's first draws.
uint64_t Mix(unsigned int seed) {
  onnx_flops::fuzz::Rng rng(static_cast<uint64_t>(seed) * 0x2545f4914f6cdd1dULL + 1);
  return rng.Next();
}

}  // namespace

extern "C" size_t LLVMFuzzerCustomMutator(uint8_t* data, size_t size, size_t max_size,
                                          unsigned int seed) {
  if (Mix(seed) % 4 == 0) return LLVMFuzzerMutate(data, size, max_size);
  std::string mutant;
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  if (!onnx_flops::fuzz::MutateModelProto(bytes, seed, max_size, &mutant)) {
    return LLVMFuzzerMutate(data, size, max_size);
  }
  std::memcpy(data, mutant.data(), mutant.size());
  return mutant.size();
}

// Crossover splices a run of nodes (with their initializers) or a whole graph
// of one model into another. 0 when either is not a model: libFuzzer then
// draws another mutation.
extern "C" size_t LLVMFuzzerCustomCrossOver(const uint8_t* data1, size_t size1,
                                            const uint8_t* data2, size_t size2, uint8_t* out,
                                            size_t max_out_size, unsigned int seed) {
  std::string child;
  if (!onnx_flops::fuzz::CrossOverModels(
          std::string(reinterpret_cast<const char*>(data1), size1),
          std::string(reinterpret_cast<const char*>(data2), size2), seed, max_out_size, &child)) {
    return 0;
  }
  std::memcpy(out, child.data(), child.size());
  return child.size();
}
