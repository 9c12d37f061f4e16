#include "analyzer/report/html_escape.h"

#include <cmath>

#include "absl/strings/str_format.h"
#include "analyzer/util/number_format.h"
#include "analyzer/util/valid_utf8.h"

namespace onnx_flops {
namespace html {

constexpr char kReplacement[] = "\xEF\xBF\xBD";  // U+FFFD

// Text and attribute values. Bytes that are not UTF-8 and control characters
// (which HTML forbids) become U+FFFD, so the page decodes the same everywhere.
std::string Html(absl::string_view s) {
  std::string out;
  out.reserve(s.size() + 8);
  for (size_t i = 0; i < s.size();) {
    const size_t n = Utf8SequenceLength(s, i);
    if (n == 0) {
      out += kReplacement;
      ++i;
      continue;
    }
    const char c = s[i];
    if (n == 1) {
      switch (c) {
        case '&':
          out += "&amp;";
          break;
        case '<':
          out += "&lt;";
          break;
        case '>':
          out += "&gt;";
          break;
        case '"':
          out += "&quot;";
          break;
        case '\'':
          out += "&#39;";
          break;
        default:
          if ((static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t') || c == 0x7F) {
            out += kReplacement;
          } else {
            out.push_back(c);
          }
      }
    } else {
      out.append(s.data() + i, n);
    }
    i += n;
  }
  return out;
}

// A JSON string literal that is also safe inside <script>: '<', '>' and '&'
// are \u escapes, so neither "</script>" nor "<!--" can end or change the
// script element (stricter than escaping "</" as "<\/").
std::string JsonString(absl::string_view s) {
  std::string out = "\"";
  out.reserve(s.size() + 8);
  for (size_t i = 0; i < s.size();) {
    const size_t n = Utf8SequenceLength(s, i);
    if (n == 0) {
      out += "\\ufffd";
      ++i;
      continue;
    }
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (n == 1) {
      if (c == '"') {
        out += "\\\"";
      } else if (c == '\\') {
        out += "\\\\";
      } else if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == 0x7F) {
        out += absl::StrFormat("\\u%04x", c);
      } else {
        out.push_back(static_cast<char>(c));
      }
    } else if (n == 3 && c == 0xE2 && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
               (static_cast<unsigned char>(s[i + 2]) & 0xFE) == 0xA8) {
      // U+2028 and U+2029 end a line in older JavaScript.
      out += absl::StrFormat("\\u%04x", 0x2028 + (static_cast<unsigned char>(s[i + 2]) - 0xA8));
    } else {
      out.append(s.data() + i, n);
    }
    i += n;
  }
  out += "\"";
  return out;
}

std::string JsonNumber(double x) { return std::isfinite(x) ? ExactNumber(x) : "null"; }

}  // namespace html
}  // namespace onnx_flops
