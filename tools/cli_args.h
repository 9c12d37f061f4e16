// Command-line parsing for onnx-flops, kept apart from main() so it can be
// tested. Hand-written because the flags repeat (--dim, --input) and usage
// errors must exit 2, which absl's flags library does not allow.
#ifndef ONNX_FLOPS_TOOLS_CLI_ARGS_H_
#define ONNX_FLOPS_TOOLS_CLI_ARGS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "analyzer/analyze.h"
#include "audit/baseline.h"
#include "audit/gates.h"
#include "audit/checks.h"

namespace onnx_flops {

struct CliArgs {
  std::vector<std::string> paths;   // model files or directories
  AnalyzeOptions analyze;
  GateOptions gates;
  std::string baseline;             // --baseline FILE
  double max_increase = 0;          // --max-increase P%, as a fraction
  int jobs = 0;                     // --jobs N; 0: one per core
  std::string shard;                // --shard I/N
  bool batch = false;               // --batch: one row per model even for a single file
  std::string files_from;           // --files-from FILE ('-': stdin): more paths, one per line
  bool progress = true;             // --no-progress turns the terminal progress bar off
  double timeout_seconds = 60;      // --timeout S per model (0: none)
  int64_t max_memory_bytes = 0;     // --max-memory SIZE per model (0: the default)
  bool onnx_inference = true;       // --onnx-inference isolated (default) | off
  std::string format = "text";      // text | json | jsonl | csv | markdown | html | statement
  std::string statement_style = "markdown";  // --statement-style markdown | latex
  bool per_node = false;
  bool list_rules = false;
  bool list_hardware = false;
  bool help = false;
  bool version = false;
};

// InvalidArgument with a one-line message for any usage error.
absl::StatusOr<CliArgs> ParseCliArgs(const std::vector<std::string>& argv);

// A count with an optional SI suffix or exponent: "1281167", "1.2e6", "4.1G".
absl::StatusOr<double> ParseCount(const std::string& text);
// "1x3x224x224" -> {1, 3, 224, 224}
absl::StatusOr<Dims> ParseDims(const std::string& text);
// A memory size in bytes: "512M", "8G", "1.5T", "4096K" (binary units: K =
// 2^10 ... T = 2^40; an optional trailing "iB" or "B"), or plain bytes.
absl::StatusOr<int64_t> ParseBytes(const std::string& text);
// "2ms", "150us", "20ns", "0.5s" or "0.5": seconds; a usage error otherwise.
absl::StatusOr<double> ParseDuration(const std::string& text);

// The gates and the baseline the flags ask for, as ApplyChecks takes them.
// `baseline` receives the file --baseline names and must outlive `checks`.
absl::Status ChecksFromArgs(const CliArgs& args, Baseline* baseline, CheckOptions* checks);

// The invocation as a shell takes it back (report.command_line): arguments
// with anything but [A-Za-z0-9_./=:,+%@-] single-quoted, argv[0] replaced
// by the installed name.
std::string CommandLineOf(const std::vector<std::string>& argv);

extern const char kUsage[];

}  // namespace onnx_flops

#endif  // ONNX_FLOPS_TOOLS_CLI_ARGS_H_
