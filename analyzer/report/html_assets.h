// The style sheet and the script of the HTML report (RenderHtml): real files,
// analyzer/report/html_report.css and html_report.js, that CMake compiles in
// (of_embed in CMakeLists.txt), so they read and lint as what they are and
// the binary reads no file at run time.
#ifndef ONNX_FLOPS_ANALYZER_REPORT_HTML_ASSETS_H_
#define ONNX_FLOPS_ANALYZER_REPORT_HTML_ASSETS_H_

namespace onnx_flops {

// Inlined into <style>: the page must not fetch anything. System fonts only
// (nothing to download); one accent for the matmul/conv class and one for
// the vector class, used the same way in every chart.
extern const char kHtmlReportCss[];

// Inlined at the end of <body>. Plain ES5, no libraries; row cells are set
// with textContent, never innerHTML, so a node named <script> stays text. Reads the JSON in
// <script id="node-data" type="application/json"> ({"total": forward FLOPs,
// "nodes": [[name, op, status 0 counted / 1 data movement / 2 uncounted,
// flops, matmul flops, macs, output shape, detail], ...]}), fills the node
// table a page at a time, sorts and filters it, and sets
// <body data-rendered="ok"> when it ran without an error (the browser test
// looks for that).
extern const char kHtmlReportJs[];

}  // namespace onnx_flops

#endif  // ONNX_FLOPS_ANALYZER_REPORT_HTML_ASSETS_H_
