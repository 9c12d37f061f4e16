#include "analyzer/util/one_line.h"

namespace onnx_flops {

std::string OneLine(absl::string_view text) {
  std::string line(text);
  for (char& c : line) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return line;
}

}  // namespace onnx_flops
