#include "analyzer/util/number_format.h"

#include <cmath>
#include <cstdint>
#include <cstdio>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace onnx_flops {

std::string ExactNumber(double x) {
  if (std::isfinite(x) && std::fabs(x) < 9007199254740992.0 && x == std::floor(x)) {
    return absl::StrCat(static_cast<int64_t>(x));
  }
  return absl::StrFormat("%.17g", x);
}

std::string CsvField(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

std::string Grouped(double x) {
  if (!std::isfinite(x) || std::fabs(x) >= 1e15) return absl::StrFormat("%.4g", x);
  if (x != std::floor(x)) {
    // A share of a whole (per example, per token): one decimal is enough to
    // redo the division by hand.
    const double tenths = std::round(std::fabs(x) * 10);
    std::string whole = Grouped(std::floor(tenths / 10));
    return absl::StrCat(x < 0 ? "-" : "", whole, ".", static_cast<int>(std::fmod(tenths, 10)));
  }
  std::string digits = absl::StrCat(static_cast<int64_t>(std::fabs(x)));
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return x < 0 ? "-" + out : out;
}

std::string Scientific(double x) { return absl::StrFormat("%.3g", x); }

std::string Si(double x, bool pad) {
  static const char* const kUnits[] = {"", "K", "M", "G", "T", "P", "E", "Z", "Y"};
  int u = 0;
  double v = x;
  while (std::fabs(v) >= 1000 && u < 8) {
    v /= 1000;
    ++u;
  }
  if (u == 0) return pad ? absl::StrFormat("%.0f ", v) : absl::StrFormat("%.0f", v);
  return absl::StrFormat("%.3g %s", v, kUnits[u]);
}

std::string Duration(double seconds) {
  if (!(seconds > 0)) return "0 s";
  if (seconds >= 1) return absl::StrFormat("%.3g s", seconds);
  if (seconds >= 1e-3) return absl::StrFormat("%.3g ms", seconds * 1e3);
  if (seconds >= 1e-6) return absl::StrFormat("%.3g us", seconds * 1e6);
  return absl::StrFormat("%.3g ns", seconds * 1e9);
}

std::string FormatCount(double x) {
  if (std::isfinite(x) && std::fabs(x) < 9007199254740992.0 && x == std::floor(x)) {
    return absl::StrCat(static_cast<int64_t>(x));
  }
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6g", x);
  return buf;
}

}  // namespace onnx_flops
