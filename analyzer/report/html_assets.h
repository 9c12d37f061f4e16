// The style sheet and the script of the HTML report (RenderHtml), kept apart
// from the C++ that writes the page so that each reads as what it is.
#ifndef ONNX_FLOPS_ANALYZER_REPORT_HTML_ASSETS_H_
#define ONNX_FLOPS_ANALYZER_REPORT_HTML_ASSETS_H_

namespace onnx_flops {

// Inlined into <style>: the page must not fetch anything.
extern const char kHtmlReportCss[];

// Inlined at the end of <body>. Reads the JSON in
// <script id="node-data" type="application/json"> ({"total": forward FLOPs,
// "nodes": [[name, op, status 0 counted / 1 data movement / 2 uncounted,
// flops, matmul flops, macs, output shape, detail], ...]}), fills the node
// table a page at a time, sorts and filters it, and sets
// <body data-rendered="ok"> when it ran without an error (the browser test
// looks for that).
extern const char kHtmlReportJs[];

}  // namespace onnx_flops

#endif  // ONNX_FLOPS_ANALYZER_REPORT_HTML_ASSETS_H_
