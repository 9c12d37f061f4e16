// Runs the onnx-flops binary as a child process for the end-to-end tests:
// stdout and stderr are kept apart, and the exit status is returned as is.
#ifndef ONNX_FLOPS_TOOLS_RUN_BINARY_TESTING_H_
#define ONNX_FLOPS_TOOLS_RUN_BINARY_TESTING_H_

#include <string>
#include <vector>

namespace onnx_flops {

struct RunResult {
  int exit_code = -1;   // exit status, or 128 + signal
  std::string out;
  std::string err;
};

// Runs ONNX_FLOPS_BINARY with `args` (stdin from /dev/null).
RunResult RunBinary(const std::vector<std::string>& args);
// Runs `binary` with `args` and, added to the environment, `env` ("NAME=value").
RunResult RunProgram(const std::string& binary, const std::vector<std::string>& args,
                     const std::vector<std::string>& env = {});

// "onnx-flops ARGS / exit N / stdout ... / stderr ...", for failure messages.
std::string Describe(const std::vector<std::string>& args, const RunResult& r);

}  // namespace onnx_flops

#endif  // ONNX_FLOPS_TOOLS_RUN_BINARY_TESTING_H_
