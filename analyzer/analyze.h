// The library entry point: file -> Report. The CLI is a thin shell over this.
#ifndef ONNX_FLOPS_ANALYZER_ANALYZE_H_
#define ONNX_FLOPS_ANALYZER_ANALYZE_H_

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "analyzer/load/model_loader.h"
#include "analyzer/shapes/shape_binding.h"
#include "analyzer/training/training_options.h"
#include "proto/report.pb.h"

namespace onnx_flops {

struct AnalyzeOptions {
  DimBindings bindings;
  std::string batch_dim;            // --batch-dim NAME or INPUT:AXIS
  std::string seq_dim;              // --seq-dim NAME or INPUT:AXIS
  double steps_per_example = 1;     // --steps-per-example K (a single-step export)
  bool causal_half = false;         // --causal-half: causal attention ops at half their score work
  // --loop-trips NODE=N: trip counts for Loops whose count is not a constant.
  std::vector<std::pair<std::string, int64_t>> loop_trips;
  // --detections N: NonMaxSuppression selects at most N boxes in all (0: the
  // graph's own limit sets the upper bound).
  int64_t max_detections = 0;
  // --max-length N: max_length of BeamSearch/GreedySearch/Sampling when the
  // graph does not fix it.
  int64_t max_length = 0;
  // --routing worst: a mixture of experts' routed experts each get every
  // token (default: balanced, tokens x k / E rows each).
  bool routing_worst = false;
  bool per_node = false;            // fill forward.nodes
  bool sha256 = false;              // fill model.sha256 (reads every byte of the file)
  TrainingOptions training;
  HardwareOptions hardware;
  LoadOptions load;
};

// Runs the lazy one-time setup of the libraries the analysis uses: ONNX 1.12
// fills its op-schema registry on first use without a lock, and protobuf
// assigns descriptors on first reflection. Both are guarded by call_once
// where the analysis reaches them, so this is optional; batch mode calls it
// once before its threads start so that no worker waits on another's setup.
void InitializeAnalyzer();

// Loads, binds shapes, counts every node and builds the report. Errors (file
// unreadable, not a model, malformed graph, bad bindings) are one line that
// names the file.
absl::StatusOr<Report> AnalyzeFile(const std::string& path, const AnalyzeOptions& options);
absl::StatusOr<Report> AnalyzeLoaded(LoadedModel loaded, const AnalyzeOptions& options);
// A model held in memory (the Python module's bytes); `name` stands for the
// file in messages and in model.path.
absl::StatusOr<Report> AnalyzeBytes(absl::string_view bytes, const std::string& name,
                                    const AnalyzeOptions& options);

}  // namespace onnx_flops

#endif  // ONNX_FLOPS_ANALYZER_ANALYZE_H_
