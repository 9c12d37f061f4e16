// Escaping for the HTML report (render_html.cc): names, op types, paths and
// warnings from a model file are arbitrary bytes.
#ifndef ONNX_FLOPS_ANALYZER_REPORT_HTML_ESCAPE_H_
#define ONNX_FLOPS_ANALYZER_REPORT_HTML_ESCAPE_H_

#include <string>

#include "absl/strings/string_view.h"

namespace onnx_flops {
namespace html {

// Text and attribute values: & < > " ' escaped; bytes that are not UTF-8
// and control characters (which HTML forbids) become U+FFFD.
std::string Html(absl::string_view s);
// A JSON string literal that is also safe inside <script>.
std::string JsonString(absl::string_view s);
// A JSON number, exact (ExactNumber), or null when not finite.
std::string JsonNumber(double x);

}  // namespace html
}  // namespace onnx_flops

#endif  // ONNX_FLOPS_ANALYZER_REPORT_HTML_ESCAPE_H_
