// The single-model flow of the command line, for main() and the Python module
// alike: analyze, apply the gates and the baseline, render.
#ifndef ONNX_FLOPS_TOOLS_RUN_MODEL_H_
#define ONNX_FLOPS_TOOLS_RUN_MODEL_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "proto/report.pb.h"
#include "tools/cli_args.h"

namespace onnx_flops {

struct OneModel {
  Report report;
  std::string output;          // the report in args.format
  bool checks_passed = true;   // every gate and the baseline
};

// Analyzes args.paths[0], or `bytes` (which that path then only names), as
// `argv` (report.command_line, for a file) asked. A failed gate is a result,
// not an error; errors are one line that names the file.
absl::StatusOr<OneModel> RunOneModel(const CliArgs& args, const std::vector<std::string>& argv,
                                     std::optional<absl::string_view> bytes = std::nullopt,
                                     bool pretty_json = true);

}  // namespace onnx_flops

#endif  // ONNX_FLOPS_TOOLS_RUN_MODEL_H_
