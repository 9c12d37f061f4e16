// Numbers as people and programs read them: one place for every layer (the
// rules' detail strings, training's messages, the renderers).
#ifndef ONNX_FLOPS_ANALYZER_UTIL_NUMBER_FORMAT_H_
#define ONNX_FLOPS_ANALYZER_UTIL_NUMBER_FORMAT_H_

#include <string>

namespace onnx_flops {

// Exact below 2^53 ("8206317544"), else 17 significant digits: a double
// that reads back as itself (CSV, Markdown).
std::string ExactNumber(double x);
// A CSV field, quoted when it holds a comma, quote or line break.
std::string CsvField(const std::string& s);
// "8,206,317,544"; one decimal for a fraction ("203.5"); %.4g past 1e15.
std::string Grouped(double x);
// "8.21 G", "407 K", "12 ": three significant digits and an SI prefix. The
// space after a number without a prefix keeps table columns aligned; in
// running text (within parentheses) pass pad = false: "12".
std::string Si(double x, bool pad = true);
// "2.84e+18": %.3g.
std::string Scientific(double x);
// A duration at three significant digits: "520 us", "1.23 ms", "4.5 s".
std::string Duration(double seconds);
// For the rules' detail strings: exact integers below 2^53, otherwise %.6g.
std::string FormatCount(double x);

}  // namespace onnx_flops

#endif  // ONNX_FLOPS_ANALYZER_UTIL_NUMBER_FORMAT_H_
