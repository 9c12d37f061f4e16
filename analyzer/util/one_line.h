// Errors and warnings are one line: a message that quotes a name from a model
// (which may hold line breaks) must not break a log, a CSV field or a row.
#ifndef ONNX_FLOPS_ANALYZER_UTIL_ONE_LINE_H_
#define ONNX_FLOPS_ANALYZER_UTIL_ONE_LINE_H_

#include <string>

#include "absl/strings/string_view.h"

namespace onnx_flops {

// `text` with every '\n' and '\r' replaced by a space.
std::string OneLine(absl::string_view text);

}  // namespace onnx_flops

#endif  // ONNX_FLOPS_ANALYZER_UTIL_ONE_LINE_H_
