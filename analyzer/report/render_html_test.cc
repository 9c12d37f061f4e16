// The HTML report: self-contained, every model string escaped, the figures
// formatted as the other renderers format them, one bar per layer up to the
// cap, and a 5,000-node graph in a file of bounded size with every node in
// the embedded JSON.
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "analyzer/analyze.h"
#include "analyzer/report/render.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"

namespace onnx_flops {
namespace {

constexpr char kDataOpen[] = "<script type=\"application/json\" id=\"node-data\">";

size_t Count(const std::string& haystack, const std::string& needle) {
  size_t n = 0;
  for (size_t at = haystack.find(needle); at != std::string::npos; at = haystack.find(needle, at + 1))
    ++n;
  return n;
}

// The text of the node-data script element.
std::string NodeDataText(const std::string& html) {
  const size_t open = html.find(kDataOpen);
  if (open == std::string::npos) return "";
  const size_t start = open + sizeof(kDataOpen) - 1;
  const size_t end = html.find("</script>", start);
  return end == std::string::npos ? "" : html.substr(start, end - start);
}

// Parsed by protobuf's JSON parser, independent of the renderer.
google::protobuf::Struct ParseNodeData(const std::string& html) {
  google::protobuf::Struct data;
  const auto status = google::protobuf::util::JsonStringToMessage(NodeDataText(html), &data);
  EXPECT_TRUE(status.ok()) << status.ToString();
  return data;
}

// The node rows of the data, by value (a reference into a temporary Struct
// would dangle).
google::protobuf::ListValue NodeRows(const std::string& html) {
  const google::protobuf::Struct data = ParseNodeData(html);
  const auto it = data.fields().find("nodes");
  return it == data.fields().end() ? google::protobuf::ListValue() : it->second.list_value();
}

// The text of the element with id `id` through its closing `close` tag.
std::string Element(const std::string& html, const std::string& id, const std::string& close) {
  const size_t at = html.find(absl::StrCat("id=\"", id, "\""));
  if (at == std::string::npos) return "";
  const size_t start = html.rfind('<', at);
  const size_t end = html.find(close, at);
  return end == std::string::npos ? "" : html.substr(start, end + close.size() - start);
}

// The data-label attributes of the layer chart, in order (the memory
// timeline's hover bands carry them too).
std::vector<std::string> LayerLabels(const std::string& html) {
  const std::string chart = Element(html, "chart-layers", "</section>");
  std::vector<std::string> labels;
  const std::string key = "data-label=\"";
  for (size_t at = chart.find(key); at != std::string::npos; at = chart.find(key, at + 1)) {
    const size_t start = at + key.size();
    labels.push_back(chart.substr(start, chart.find('"', start) - start));
  }
  return labels;
}

// The value of attribute `attr` in the first tag that holds `marker`.
std::string Attr(const std::string& html, const std::string& marker, const std::string& attr) {
  const size_t at = html.find(marker);
  if (at == std::string::npos) return "";
  const size_t open = html.rfind('<', at);
  const size_t close = html.find('>', at);
  const std::string tag = html.substr(open, close - open);
  const std::string key = absl::StrCat(" ", attr, "=\"");
  const size_t k = tag.find(key);
  if (k == std::string::npos) return "";
  const size_t start = k + key.size();
  return tag.substr(start, tag.find('"', start) - start);
}

double AttrNumber(const std::string& html, const std::string& marker, const std::string& attr) {
  const std::string v = Attr(html, marker, attr);
  EXPECT_FALSE(v.empty()) << marker << " " << attr;
  return v.empty() ? -1 : std::stod(v);
}

NodeCost* AddNode(Report* r, const std::string& name, const std::string& op, double flops,
                  double matmul) {
  NodeCost* n = r->mutable_forward()->add_nodes();
  n->set_node(name);
  n->set_op_type(op);
  n->set_domain("ai.onnx");
  n->set_status("counted");
  n->set_flops(flops);
  n->set_matmul_flops(matmul);
  n->set_vector_flops(flops - matmul);
  n->set_macs(matmul / 2);
  return n;
}

// ResNet-50's figures (README), set by hand.
Report HandReport() {
  Report r;
  r.set_tool("onnx-flops");
  r.set_tool_version("9.8.7");
  r.set_command_line("onnx-flops models/r50.onnx --examples 1281167 --epochs 90 --format html");
  ModelInfo* m = r.mutable_model();
  m->set_path("models/r50.onnx");
  m->set_file_bytes(102540000);
  m->set_opset(17);
  m->set_ir_version(8);
  m->set_producer("pytorch 2.1.0");
  m->set_sha256("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
  m->set_parameters(25530472);
  m->set_initializers(108);
  Forward* f = r.mutable_forward();
  f->set_flops(8206317544);
  f->set_matmul_flops(8178368512);
  f->set_vector_flops(27949032);
  f->set_macs(4089184256);
  f->set_batch_size(4);
  f->set_flops_per_example(2051579386);
  f->set_matmul_flops_per_example(2044592128);
  f->set_macs_per_example(1022296064);
  f->mutable_coverage()->set_nodes(122);
  f->mutable_coverage()->set_counted(121);
  f->mutable_coverage()->set_data_movement(1);
  OpTypeCost* conv = f->add_by_op_type();
  conv->set_op_type("Conv");
  conv->set_domain("ai.onnx");
  conv->set_nodes(53);
  conv->set_flops(8185386496);
  conv->set_matmul_flops(8174272512);
  conv->set_vector_flops(11114004);
  conv->set_macs(4087136256);
  conv->set_share(8185386496.0 / 8206317544.0);
  Training* t = r.mutable_training();
  t->set_method("method 1: forward x (1 + backward) x examples x epochs");
  t->set_examples(1281167);
  t->set_epochs(90);
  t->set_backward_ratio(2);
  t->set_forward_flops_per_example(2051579386);
  t->set_flops(2051579386.0 * 3 * 1281167 * 90);                  // 7.0966e17
  t->set_pf_days(t->flops() / 8.64e19);                           // 0.0082137
  t->mutable_range()->set_low(2051579386.0 * 2 * 1281167 * 90);   // 4.73e17
  t->mutable_range()->set_high(2051579386.0 * 4 * 1281167 * 90);  // 9.46e17
  t->mutable_range()->set_basis("backward:forward from 1:1 to 3:1");
  Method2* m2 = t->mutable_method2();
  m2->set_hardware("NVIDIA V100 SXM2");
  m2->set_chips(8);
  m2->set_seconds(86400);
  m2->set_peak_flops(125e12);
  m2->set_utilization(0.4);
  m2->set_flops(8 * 86400 * 125e12 * 0.4);                        // 3.456e19
  t->set_implied_utilization(t->flops() / (8 * 86400 * 125e12));  // 0.00821
  t->set_method1_over_method2(t->flops() / m2->flops());
  Threshold* th = t->add_thresholds();
  th->set_name("EU AI Act");
  th->set_flops(1e25);
  th->set_ratio(t->flops() / 1e25);
  TrainingInput* in = t->add_inputs();
  in->set_name("backward_ratio");
  in->set_value("2");
  in->set_source("default");
  in->set_assumed(true);
  return r;
}

TEST(RenderHtml, HeaderSummaryAndTrainingFiguresFormatted) {
  const std::string html = RenderHtml(HandReport());
  EXPECT_TRUE(absl::StartsWith(html, "<!doctype html>"));
  // Header.
  EXPECT_TRUE(absl::StrContains(html, "models/r50.onnx"));
  EXPECT_TRUE(absl::StrContains(html, "102,540,000 bytes (103 MB)"));
  EXPECT_TRUE(absl::StrContains(html, "opset 17, IR 8, pytorch 2.1.0"));
  EXPECT_TRUE(absl::StrContains(html, "9.8.7"));
  EXPECT_TRUE(
      absl::StrContains(html, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"));
  EXPECT_TRUE(absl::StrContains(
      html, "onnx-flops models/r50.onnx --examples 1281167 --epochs 90 --format html"));
  // Exact counts with separators, SI in the cards and charts.
  EXPECT_TRUE(absl::StrContains(html, "8,206,317,544"));
  EXPECT_TRUE(absl::StrContains(html, "8.21 <span class=\"unit\">GFLOP</span>"));  // the card
  EXPECT_TRUE(absl::StrContains(html, "8,178,368,512"));
  EXPECT_TRUE(absl::StrContains(html, "27,949,032"));
  EXPECT_TRUE(absl::StrContains(html, "4,089,184,256"));
  EXPECT_TRUE(absl::StrContains(html, "2,051,579,386"));  // per example at batch 4
  EXPECT_TRUE(absl::StrContains(html, "25,530,472"));
  EXPECT_TRUE(absl::StrContains(html, "99.7%"));  // 8178368512 / 8206317544 = 0.99659
  EXPECT_TRUE(absl::StrContains(html, "121 counted"));
  // Op type: 8185386496 / 8206317544 = 99.74%; MACs exact.
  EXPECT_TRUE(absl::StrContains(html, "8,185,386,496"));
  EXPECT_TRUE(absl::StrContains(html, "4,087,136,256"));
  EXPECT_TRUE(absl::StrContains(html, "8.19 GFLOP \xC2\xB7 99.7%"));  // the op-type bar's label
  // Training, scientific: 2051579386 x 3 x 1281167 x 90 = 7.0966e17 FLOP,
  // / 8.64e19 = 0.00821 PF/s-days; range x2/3 and x4/3.
  EXPECT_TRUE(absl::StrContains(html, "7.1e+17 FLOP"));
  EXPECT_TRUE(absl::StrContains(html, "0.00821 PF/s-days"));
  EXPECT_TRUE(absl::StrContains(html, "4.73e+17 \xE2\x80\x93 9.46e+17 FLOP"));
  EXPECT_TRUE(absl::StrContains(html, "3.46e+19 FLOP"));  // method 2: 8 x 86400 x 125e12 x 0.4
  EXPECT_TRUE(absl::StrContains(html, "method 1 implies 0.00821 utilization"));
  EXPECT_TRUE(absl::StrContains(html, "125 TFLOP/s"));
  EXPECT_TRUE(absl::StrContains(html, "1e+25 FLOP"));
  EXPECT_TRUE(absl::StrContains(html,
                                "\xC3\x97"
                                "7.1e-08"));  // 7.0966e17 / 1e25
  EXPECT_TRUE(absl::StrContains(html, "pill assumed"));
}

TEST(RenderHtml, NoTrainingSectionWithoutTraining) {
  Report r = HandReport();
  r.clear_training();
  const std::string html = RenderHtml(r);
  EXPECT_FALSE(absl::StrContains(html, "id=\"training\""));
  EXPECT_FALSE(absl::StrContains(html, "PF/s-days"));
}

TEST(RenderHtml, SelfContainedForARealModel) {
  AnalyzeOptions o;
  o.per_node = true;
  absl::StatusOr<Report> r =
      AnalyzeFile(std::string(ONNX_FLOPS_TESTDATA) + "/torchvision/resnet18.onnx", o);
  ASSERT_TRUE(r.ok()) << r.status();
  const std::string html = RenderHtml(*r);
  // Nothing to fetch: no URLs, no external resources, no script or style
  // from elsewhere.
  for (const char* s : {"http://", "https://", "//cdn", "src=", "href=", "<link", "@import", "url(",
                        "<iframe", "<img"}) {
    EXPECT_FALSE(absl::StrContains(html, s)) << s;
  }
  EXPECT_EQ(Count(html, "<script"), 2u);  // the node data and the inline script
  EXPECT_EQ(Count(html, "<style>"), 1u);
  // torchvision's reference (testdata/torchvision/reference.json): the
  // profiler's matmul FLOPs and half of them as MACs.
  EXPECT_TRUE(absl::StrContains(html, "3,628,146,688"));
  EXPECT_TRUE(absl::StrContains(html, "1,814,073,344"));
  // ResNet-18's modules in graph order: the stem, two BasicBlocks per stage,
  // the pool, torch.flatten (a top-level node) and the classifier.
  EXPECT_EQ(LayerLabels(html),
            (std::vector<std::string>{"/conv1", "/relu", "/maxpool", "/layer1/layer1.0",
                                      "/layer1/layer1.1", "/layer2/layer2.0", "/layer2/layer2.1",
                                      "/layer3/layer3.0", "/layer3/layer3.1", "/layer4/layer4.0",
                                      "/layer4/layer4.1", "/avgpool", "(top level)", "/fc"}));
  EXPECT_EQ(NodeRows(html).values_size(), r->forward().nodes_size());
}

TEST(RenderHtml, EscapesEveryModelString) {
  const std::string xss = "<script>alert(1)</script>";
  Report r = HandReport();
  r.mutable_model()->set_path("evil\"><script>alert(2)</script>.onnx");
  r.mutable_model()->set_producer(xss);
  r.mutable_model()->set_graph_name("</title><script>alert(3)</script>");
  r.set_command_line("onnx-flops '" + xss + "'");
  r.add_warnings("</script><script>alert(4)</script>");
  AddNode(&r, xss, "<img src=x onerror=alert(5)>", 10, 0)->set_detail("</script><!--");
  NodeCost* bad = AddNode(&r, "/a/</script>/b/X", "Custom", 0, 0);
  bad->set_status("uncounted");
  bad->set_output_shape("'\"&");
  UncountedNode* u = r.mutable_forward()->add_uncounted();
  u->set_node(xss);
  u->set_op_type("Custom");
  u->set_reason("<b>no rule</b>");
  OpTypeCost* op = r.mutable_forward()->add_by_op_type();
  op->set_op_type("<svg onload=alert(6)>");
  op->set_domain("ai.onnx");
  op->set_flops(10);
  const std::string html = RenderHtml(r);

  EXPECT_FALSE(absl::StrContains(html, "<script>alert"));
  EXPECT_FALSE(absl::StrContains(html, "alert(1)</script>"));
  EXPECT_FALSE(absl::StrContains(html, "<img"));
  EXPECT_FALSE(absl::StrContains(html, "<svg onload"));
  EXPECT_FALSE(absl::StrContains(html, "<b>no rule"));
  EXPECT_EQ(Count(html, "<script"), 2u);
  EXPECT_EQ(Count(html, "</script>"), 2u);
  EXPECT_TRUE(absl::StrContains(html, "&lt;/title&gt;&lt;script&gt;alert(3)"));
  // Escaped as text where HTML shows them.
  EXPECT_TRUE(absl::StrContains(html, "&lt;script&gt;alert(1)&lt;/script&gt;"));
  EXPECT_TRUE(absl::StrContains(html, "&lt;/script&gt;&lt;script&gt;alert(4)&lt;/script&gt;"));
  EXPECT_TRUE(absl::StrContains(html, "evil&quot;&gt;&lt;script&gt;"));
  EXPECT_TRUE(absl::StrContains(html, "&lt;svg onload=alert(6)&gt;"));
  EXPECT_TRUE(absl::StrContains(html, "&lt;b&gt;no rule&lt;/b&gt;"));
  // In the script's JSON, no "</" or "<!--" at all; the parser gets the
  // strings back unchanged.
  const std::string data = NodeDataText(html);
  EXPECT_FALSE(absl::StrContains(data, "</"));
  EXPECT_FALSE(absl::StrContains(data, "<!--"));
  const google::protobuf::ListValue nodes = NodeRows(html);
  ASSERT_EQ(nodes.values_size(), 2);
  EXPECT_EQ(nodes.values(0).list_value().values(0).string_value(), xss);
  EXPECT_EQ(nodes.values(0).list_value().values(1).string_value(), "<img src=x onerror=alert(5)>");
  EXPECT_EQ(nodes.values(0).list_value().values(7).string_value(), "</script><!--");
  EXPECT_EQ(nodes.values(1).list_value().values(2).number_value(), 2);  // uncounted
  EXPECT_EQ(nodes.values(1).list_value().values(6).string_value(), "'\"&");
}

TEST(RenderHtml, BytesThatAreNotUtf8BecomeReplacementCharacters) {
  Report r = HandReport();
  r.add_warnings(std::string("bad \xff\xfe byte, NUL ") + '\0' + " and a bell \x07.");
  AddNode(&r, std::string("n\xc3\x28\0x", 5), "Relu", 1, 0);  // a broken 2-byte sequence
  AddNode(&r, "caf\xc3\xa9 \xe2\x80\xa8", "Relu", 1, 0);      // valid: é, U+2028
  // A surrogate and an overlong '/' are not UTF-8; an emoji is.
  AddNode(&r, "\xed\xa0\x80|\xe0\x80\xaf|\xf0\x9f\x98\x80", "Relu", 1, 0);
  const std::string html = RenderHtml(r);
  EXPECT_TRUE(absl::StrContains(
      html, "bad \xEF\xBF\xBD\xEF\xBF\xBD byte, NUL \xEF\xBF\xBD and a bell \xEF\xBF\xBD."));
  EXPECT_EQ(html.find('\0'), std::string::npos);
  EXPECT_EQ(html.find('\x07'), std::string::npos);
  EXPECT_EQ(html.find('\xff'), std::string::npos);
  const google::protobuf::ListValue nodes = NodeRows(html);
  ASSERT_EQ(nodes.values_size(), 3);
  EXPECT_EQ(nodes.values(0).list_value().values(0).string_value(), std::string("n\xEF\xBF\xBD(\0x", 7));
  EXPECT_EQ(nodes.values(1).list_value().values(0).string_value(), "caf\xc3\xa9 \xe2\x80\xa8");
  EXPECT_TRUE(absl::StrContains(NodeDataText(html), "\\u2028"));
  const std::string fffd3 = "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD";
  EXPECT_EQ(nodes.values(2).list_value().values(0).string_value(),
            fffd3 + "|" + fffd3 + "|\xf0\x9f\x98\x80");
}

// 30 blocks of 3 nodes, "/encoder/block7/attn/MatMul": the first scope is one
// run, two scopes make 30 layers.
TEST(RenderHtml, OneBarPerLayerInGraphOrder) {
  Report r = HandReport();
  for (int b = 0; b < 30; ++b) {
    for (int k = 0; k < 3; ++k) {
      AddNode(&r, absl::StrCat("/encoder/block", b, "/op", k, "/MatMul"), "MatMul", 1000 * (b + 1),
              600 * (b + 1));
    }
  }
  const std::string html = RenderHtml(r);
  const std::vector<std::string> labels = LayerLabels(html);
  ASSERT_EQ(labels.size(), 30u);
  for (int b = 0; b < 30; ++b) EXPECT_EQ(labels[b], absl::StrCat("/encoder/block", b));
  // Block 7 is nodes 22-24 (1-based), 3 x 8,000 FLOP.
  EXPECT_TRUE(absl::StrContains(html, "data-from=\"21\" data-to=\"23\" data-label=\"/encoder/block7\""));
  EXPECT_TRUE(absl::StrContains(html,
                                "/encoder/block7\nnodes 22\xE2\x80\x93"
                                "24 (3 nodes)\n24,000 FLOP"));
  EXPECT_TRUE(absl::StrContains(html, "30 layers from the scopes in the node names;"));
}

TEST(RenderHtml, AdjacentLayersMergePastTwoHundredBars) {
  Report r = HandReport();
  for (int i = 0; i < 1000; ++i) AddNode(&r, absl::StrCat("/model/layers.", i, "/Add"), "Add", 1, 0);
  std::string html = RenderHtml(r);
  // 1,000 layers, 5 per bar.
  std::vector<std::string> labels = LayerLabels(html);
  ASSERT_EQ(labels.size(), 200u);
  EXPECT_EQ(labels[0], "/model/layers.0 \xE2\x80\xA6 /model/layers.4");
  EXPECT_TRUE(absl::StrContains(html, "data-from=\"995\" data-to=\"999\""));
  EXPECT_TRUE(
      absl::StrContains(html, "1,000 layers from the scopes in the node names, drawn as 200 bars"));

  r.mutable_forward()->clear_nodes();
  for (int i = 0; i < 450; ++i) AddNode(&r, absl::StrCat("/model/layers.", i, "/Add"), "Add", 1, 0);
  html = RenderHtml(r);
  EXPECT_EQ(LayerLabels(html).size(), 150u);  // ceil(450 / 3)

  r.mutable_forward()->clear_nodes();
  for (int i = 0; i < 200; ++i) AddNode(&r, absl::StrCat("/model/layers.", i, "/Add"), "Add", 1, 0);
  EXPECT_EQ(LayerLabels(RenderHtml(r)).size(), 200u);  // at the cap: one bar each
}

TEST(RenderHtml, NamesWithoutScopesAreCutIntoEqualRuns) {
  Report r = HandReport();
  for (int i = 0; i < 120; ++i) AddNode(&r, absl::StrCat("Conv_", i), "Conv", 2, 2);
  const std::string html = RenderHtml(r);
  const std::vector<std::string> labels = LayerLabels(html);
  ASSERT_EQ(labels.size(), 40u);  // runs of ceil(120 / 50) = 3
  EXPECT_EQ(labels[0],
            "nodes 1\xE2\x80\x93"
            "3");
  EXPECT_EQ(labels[39],
            "nodes 118\xE2\x80\x93"
            "120");
  EXPECT_TRUE(absl::StrContains(html, "The node names carry no scopes: runs of 3 nodes in graph order"));
}

// A 5,000-node graph (a 48-layer decoder has about that many): the file holds
// the fixed page, at most 200 bars and one JSON row per node, and no HTML row
// per node. The bound: 64 KB for the page (style, script, summary, tables),
// 1 KB per bar (a <g> with its <title> is ~600 bytes), and per node its
// strings plus 100 bytes (three numbers of up to 17 digits, quotes, commas).
TEST(RenderHtml, FiveThousandNodesStayCompactAndComplete) {
  Report r = HandReport();
  size_t strings = 0;
  for (int i = 0; i < 5000; ++i) {
    NodeCost* n = AddNode(&r, absl::StrCat("/model/layers.", i / 100, "/mlp/fc", i % 100, "/MatMul"),
                          "MatMul", 2.0 * 4096 * 4096 * 2048 + i, 2.0 * 4096 * 4096 * 2048);
    n->set_output_shape("1x2048x4096");
    n->set_detail("2*M*K*N, M=2048 K=4096 N=4096");
    strings += n->node().size() + n->op_type().size() + n->output_shape().size() + n->detail().size();
  }
  const std::string html = RenderHtml(r);
  EXPECT_LT(html.size(), 64 * 1024 + 200 * 1024 + strings + 100 * 5000);
  EXPECT_LT(html.size(), 1024u * 1024);      // under a megabyte here
  EXPECT_LT(Count(html, "<tr"), 50u);        // summary and op-type rows only
  EXPECT_EQ(LayerLabels(html).size(), 50u);  // /model/layers.0 ... 49
  const google::protobuf::ListValue nodes = NodeRows(html);
  ASSERT_EQ(nodes.values_size(), 5000);
  for (int i = 0; i < 5000; i += 499) {
    EXPECT_EQ(nodes.values(i).list_value().values(0).string_value(),
              absl::StrCat("/model/layers.", i / 100, "/mlp/fc", i % 100, "/MatMul"));
    EXPECT_EQ(nodes.values(i).list_value().values(3).number_value(), 2.0 * 4096 * 4096 * 2048 + i);
  }
}

TEST(RenderHtml, WarningsAndUncountedNodesAreHighlighted) {
  Report r = HandReport();
  r.add_warnings("shape of /x unknown");
  r.mutable_forward()->mutable_coverage()->set_uncounted(1);
  UncountedNode* u = r.mutable_forward()->add_uncounted();
  u->set_node("/custom/Op");
  u->set_op_type("MyOp");
  u->set_domain("com.example");
  u->set_reason("no rule for com.example::MyOp");
  const std::string html = RenderHtml(r);
  EXPECT_TRUE(absl::StrContains(html, "class=\"warnbox\""));
  EXPECT_TRUE(absl::StrContains(html, "shape of /x unknown"));
  EXPECT_TRUE(absl::StrContains(
      html, "<code>/custom/Op</code> (com.example::MyOp): no rule for com.example::MyOp"));
  EXPECT_TRUE(absl::StrContains(html, "card bad"));
  EXPECT_TRUE(absl::StrContains(html, "1 uncounted"));
  r.clear_warnings();
  r.mutable_forward()->clear_uncounted();
  EXPECT_FALSE(absl::StrContains(RenderHtml(r), "class=\"warnbox\""));
}

TEST(RenderHtml, FailedGatesAndTheBaselineAreShown) {
  Report r = HandReport();
  GateResult* g = r.add_gates();
  g->set_gate("--max-flops");
  g->set_quantity("forward FLOPs per example");
  g->set_limit(1e9);
  g->set_value(2051579386);
  g->set_message("gate --max-flops failed: 2.05e+09 > 1e+09 (+105.2%)");
  BaselineComparison* b = r.mutable_baseline();
  b->set_path("base.json");
  b->set_max_increase(0.05);
  MetricChange* c = b->add_metrics();
  c->set_name("flops");
  c->set_before(8000000000);
  c->set_after(8206317544);
  c->set_change(206317544);
  c->set_relative(206317544.0 / 8000000000);
  c->set_status("grown");
  const std::string html = RenderHtml(r);
  EXPECT_TRUE(absl::StrContains(
      html, "<h3>Failed gates (1)</h3><ul>\n<li>gate --max-flops failed: 2.05e+09 &gt; 1e+09"));
  EXPECT_TRUE(absl::StrContains(html, "<span class=\"pill u\">FAIL</span>"));
  EXPECT_TRUE(absl::StrContains(html, "+206,317,544"));
  EXPECT_TRUE(absl::StrContains(html, "grown (+2.6%)"));  // 206317544 / 8e9 = 2.58%
  EXPECT_TRUE(absl::StrContains(html, "tolerance of 5% growth"));
}

// Thirty op types with FLOPs: 24 bars, then one for the rest.
TEST(RenderHtml, OpTypeChartFoldsTheTail) {
  Report r = HandReport();
  r.mutable_forward()->clear_by_op_type();
  for (int i = 0; i < 30; ++i) {
    OpTypeCost* op = r.mutable_forward()->add_by_op_type();
    op->set_op_type(absl::StrCat("Op", i));
    op->set_domain(i == 0 ? "com.microsoft" : "ai.onnx");
    op->set_nodes(1);
    op->set_flops(1000 - i);
  }
  const std::string html = RenderHtml(r);
  EXPECT_EQ(Count(html, "data-op=\""), 24u);
  EXPECT_TRUE(absl::StrContains(html, "data-op=\"com.microsoft::Op0\""));
  // Op24 ... Op29: 976 + 975 + ... + 971 = 5,841 FLOP.
  EXPECT_TRUE(absl::StrContains(html, "other (6 op types): 5,841 FLOP"));
}

TEST(RenderHtml, WithoutPerNodeDataSaysSo) {
  const std::string html = RenderHtml(HandReport());
  EXPECT_TRUE(absl::StrContains(html, "No per-node figures"));
  EXPECT_TRUE(LayerLabels(html).empty());
  EXPECT_EQ(NodeRows(html).values_size(), 0);
}


// ---- memory and the roofline ----

constexpr double kPeak = 19.5e12;     // A100 at fp32
constexpr double kBandwidth = 1.555e12;

// A node with its traffic and its roofline time on kPeak / kBandwidth.
NodeCost* AddTimed(Report* r, const std::string& name, const std::string& op, double flops,
                   double read, double weights, double written, const std::string& layer) {
  NodeCost* n = AddNode(r, name, op, flops, op == "Conv" || op == "Gemm" ? flops : 0);
  n->set_bytes_read(read);
  n->set_weight_bytes(weights);
  n->set_bytes_written(written);
  const double bytes = read + weights + written;
  n->set_intensity(bytes > 0 ? flops / bytes : 0);
  n->set_seconds(std::max(flops / kPeak, bytes / kBandwidth));
  n->set_limited_by(bytes / kBandwidth > flops / kPeak ? "memory" : "compute");
  n->set_layer(layer);
  if (flops == 0) n->set_status("data_movement");
  return n;
}

// Layers, memory and roofline totals from the nodes, as the analysis sums them.
void FillTotals(Report* r) {
  Forward* f = r->mutable_forward();
  f->clear_layers();
  Memory* m = f->mutable_memory();
  double flops = 0, seconds = 0, memory_seconds = 0, traffic = 0;
  int work = 0, memory_bound = 0;
  for (const NodeCost& n : f->nodes()) {
    const double bytes = n.bytes_read() + n.weight_bytes() + n.bytes_written();
    flops += n.flops();
    traffic += bytes;
    m->set_bytes_read(m->bytes_read() + n.bytes_read());
    m->set_weight_bytes_read(m->weight_bytes_read() + n.weight_bytes());
    m->set_bytes_written(m->bytes_written() + n.bytes_written());
    m->set_weight_bytes(m->weight_bytes() + n.weight_bytes());
    if (n.seconds() > 0) {
      ++work;
      seconds += n.seconds();
      if (n.limited_by() == "memory") {
        ++memory_bound;
        memory_seconds += n.seconds();
      }
    }
    LayerCost* l = f->layers_size() > 0 && f->layers(f->layers_size() - 1).name() == n.layer()
                       ? f->mutable_layers(f->layers_size() - 1)
                       : f->add_layers();
    l->set_name(n.layer());
    l->set_nodes(l->nodes() + 1);
    l->set_flops(l->flops() + n.flops());
    l->set_bytes(l->bytes() + bytes);
    l->set_weight_bytes(l->weight_bytes() + n.weight_bytes());
    l->set_seconds(l->seconds() + n.seconds());
  }
  f->set_flops(flops);
  m->set_intensity(traffic > 0 ? flops / traffic : 0);
  Roofline* rf = f->mutable_roofline();
  rf->set_hardware("A100 SXM 40GB");
  rf->set_precision("fp32");
  rf->set_peak_flops(kPeak);
  rf->set_bandwidth(kBandwidth);
  rf->set_ridge(kPeak / kBandwidth);  // 12.54 FLOP/byte
  rf->set_seconds(seconds);
  rf->set_compute_seconds(flops / kPeak);
  rf->set_memory_bound_nodes(memory_bound);
  rf->set_memory_bound_node_share(static_cast<double>(memory_bound) / work);
  rf->set_memory_bound_time_share(memory_seconds / seconds);
  rf->set_utilization_ceiling(rf->compute_seconds() / seconds);
}

// A convolution (compute-bound), a ReLU with a hostile name and a Gemm
// (memory-bound), and a Transpose that moves data without arithmetic.
Report RooflineReport() {
  Report r = HandReport();
  r.clear_training();
  AddTimed(&r, "/stem/conv/Conv", "Conv", 2.4e8, 6e5, 4e4, 3.2e6, "/stem");        // 62.5 FLOP/B
  AddTimed(&r, "/stem/<b>relu</b>&\"x", "Relu", 8e5, 3.2e6, 0, 3.2e6, "/stem");     // 0.125
  AddTimed(&r, "/head/Transpose", "Transpose", 0, 1e6, 0, 1e6, "/head");            // 0
  AddTimed(&r, "/head/fc/Gemm", "Gemm", 1e6, 4e3, 2e6, 4e3, "/head");               // 0.498
  FillTotals(&r);
  return r;
}

// The start of the tag `name` that holds `marker` (e.g. a <title>'s text).
std::string TagAround(const std::string& html, const std::string& marker, const std::string& name) {
  const size_t at = html.find(marker);
  if (at == std::string::npos) return "";
  const size_t open = html.rfind("<" + name, at);
  return open == std::string::npos ? "" : html.substr(open, html.find('>', open) - open + 1);
}

std::vector<double> Numbers(const std::string& s) {
  std::vector<double> v;
  std::string cur;
  for (char c : s + " ") {
    if ((c >= '0' && c <= '9') || c == '.' || (c == '-' && cur.empty())) {
      cur.push_back(c);
    } else if (!cur.empty()) {
      v.push_back(std::stod(cur));
      cur.clear();
    }
  }
  return v;
}

TEST(RenderHtml, RooflineChartPlacesTheRoofRidgeAndPointsWhereTheNumbersSay) {
  const Report r = RooflineReport();
  const std::string html = RenderHtml(r);
  const std::string chart = Element(html, "roofline-chart", "</svg>");
  ASSERT_FALSE(chart.empty());
  // One dot per node with arithmetic; the Transpose has no intensity.
  EXPECT_EQ(Attr(chart, "id=\"roofline-chart\"", "data-points"), "3");
  EXPECT_EQ(Count(chart, "<circle class=\"pt "), 3u);
  EXPECT_EQ(Attr(chart, "id=\"roofline-chart\"", "data-layers"), "2");
  EXPECT_EQ(Count(chart, "<path class=\"lyr "), 2u);

  // The axes: decades, x 0.1 .. 100 FLOP/byte at least, y up past the peak.
  const double x10 = AttrNumber(chart, "data-x=\"10\"", "x1");
  const double x100 = AttrNumber(chart, "data-x=\"100\"", "x1");
  const double y13 = AttrNumber(chart, "data-y=\"1e+13\"", "y1");
  const double y14 = AttrNumber(chart, "data-y=\"1e+14\"", "y1");
  ASSERT_GT(x100, x10);
  ASSERT_LT(y14, y13);  // SVG y grows downward
  auto at_x = [&](double v) { return x10 + std::log10(v / 10) * (x100 - x10); };
  auto at_y = [&](double v) { return y13 + std::log10(v / 1e13) * (y14 - y13); };
  // The ridge at peak / bandwidth = 12.54 FLOP/byte, the flat roof at 19.5 TFLOP/s.
  EXPECT_NEAR(AttrNumber(chart, "id=\"roofline-ridge\"", "x1"), at_x(kPeak / kBandwidth), 0.02);
  EXPECT_NEAR(AttrNumber(chart, "id=\"roofline-ridge\"", "y1"), at_y(kPeak), 0.02);
  const std::vector<double> roof = Numbers(Attr(chart, "id=\"roofline-roof\"", "points"));
  ASSERT_EQ(roof.size(), 6u);
  EXPECT_NEAR(roof[2], at_x(kPeak / kBandwidth), 0.02);
  EXPECT_NEAR(roof[3], at_y(kPeak), 0.02);
  EXPECT_NEAR(roof[5], roof[3], 1e-9);
  // The sloped part is bandwidth x intensity: at its left end too.
  const double left = std::pow(10.0, std::log10(10) + (roof[0] - x10) / (x100 - x10));
  EXPECT_NEAR(roof[1], at_y(kBandwidth * left), 0.05);
  EXPECT_TRUE(absl::StrContains(chart, "ridge 12.5 FLOP/byte"));
  EXPECT_TRUE(absl::StrContains(chart, "peak 19.5 TFLOP/s (fp32)"));

  // Nodes lie on the roof: the Conv on the flat part, the ReLU on the slope.
  const std::string conv = TagAround(chart, "/stem/conv/Conv\n", "circle");
  EXPECT_NEAR(AttrNumber(conv, "cx", "cx"), at_x(62.5), 0.02);
  EXPECT_NEAR(AttrNumber(conv, "cx", "cy"), roof[3], 0.02);
  const std::string relu = TagAround(chart, "relu&lt;/b&gt;", "circle");
  const double rx = AttrNumber(relu, "cx", "cx"), ry = AttrNumber(relu, "cx", "cy");
  EXPECT_NEAR(rx, at_x(0.125), 0.02);
  EXPECT_NEAR(ry, at_y(kBandwidth * 0.125), 0.02);
  EXPECT_NEAR(ry, roof[1] + (rx - roof[0]) * (roof[3] - roof[1]) / (roof[2] - roof[0]), 0.05);
  EXPECT_TRUE(absl::StrContains(chart, "Relu, memory-bound\n800,000 FLOP, 6.4 MB moved"));
  // The /stem layer, 240.8 MFLOP over 10.24 MB = 23.5 FLOP/byte (right of
  // the ridge) in 16.4 µs, is below the roof: 14.7 TFLOP/s.
  const double stem_x = (2.4e8 + 8e5) / (3.84e6 + 6.4e6);
  const double stem_y = (2.4e8 + 8e5) / (2.4e8 / kPeak + 6.4e6 / kBandwidth);
  const std::string stem = TagAround(chart, "/stem (layer)", "path");
  const std::vector<double> diamond = Numbers(Attr(stem, "d=", "d"));
  ASSERT_GE(diamond.size(), 2u);
  EXPECT_NEAR(diamond[0], at_x(stem_x), 0.02);
  EXPECT_NEAR(diamond[1] + 5, at_y(stem_y), 0.02);  // the top vertex, 5 px above the middle
  EXPECT_GT(diamond[1] + 5, roof[3] + 5);
  EXPECT_TRUE(
      absl::StrContains(chart, absl::StrFormat("%.1f%% of the roof there", 100 * stem_y / kPeak)));
  EXPECT_TRUE(absl::StrContains(chart, "most of its time in Conv"));
  // The pass: at the utilization ceiling.
  EXPECT_TRUE(absl::StrContains(chart, "id=\"roofline-pass\""));
  const std::string pass = TagAround(chart, "whole forward pass", "circle");
  EXPECT_NEAR(AttrNumber(pass, "cy", "cy"),
              at_y(r.forward().flops() / r.forward().roofline().seconds()), 0.02);

  // Legend, caption, cards.
  for (const char* op : {"Conv", "Relu", "Gemm"}) {
    EXPECT_TRUE(absl::StrContains(html, absl::StrCat("</i>", op, "</span>"))) << op;
  }
  EXPECT_TRUE(absl::StrContains(html, "1 node moves data without arithmetic"));
  EXPECT_TRUE(absl::StrContains(html, "lies on the roof by construction"));
  EXPECT_TRUE(absl::StrContains(html, "Time on A100 SXM 40GB"));
  const Roofline& rf = r.forward().roofline();
  EXPECT_TRUE(absl::StrContains(html, "utilization ceiling"));
  EXPECT_TRUE(absl::StrContains(html, absl::StrFormat("%.1f%%", 100 * rf.utilization_ceiling())));
  EXPECT_TRUE(absl::StrContains(html, "3 of 4 nodes with work"));  // memory-bound nodes
  EXPECT_TRUE(absl::StrContains(html, "compute-only time"));
  // The hostile name is text everywhere.
  EXPECT_FALSE(absl::StrContains(html, "<b>relu"));
  EXPECT_TRUE(absl::StrContains(chart, "/stem/&lt;b&gt;relu&lt;/b&gt;&amp;&quot;x"));
}

TEST(RenderHtml, NoRooflineChartWithoutHardware) {
  Report r = RooflineReport();
  r.mutable_forward()->clear_roofline();
  std::string html = RenderHtml(r);
  EXPECT_FALSE(absl::StrContains(html, "roofline-chart"));
  EXPECT_FALSE(absl::StrContains(html, "id=\"roofline\""));
  EXPECT_TRUE(absl::StrContains(html, "id=\"memory\""));
  EXPECT_TRUE(absl::StrContains(html, "id=\"layer-table\""));
  EXPECT_FALSE(absl::StrContains(html, "share of time"));  // the layer table has no time
  // Neither section without memory figures.
  html = RenderHtml(HandReport());
  EXPECT_FALSE(absl::StrContains(html, "id=\"memory\""));
  EXPECT_FALSE(absl::StrContains(html, "memory-timeline"));
  EXPECT_FALSE(absl::StrContains(html, "roofline-chart"));
}

TEST(RenderHtml, MemoryTimelineMarksThePeakWhereTheNumbersSay) {
  Report r = HandReport();
  const double live[] = {1e6, 4e6, 2e6, 3e6};
  const char* names[] = {"/a/Conv", "/b/<i>peak</i>", "/c/Relu", "/d/Add"};
  for (int i = 0; i < 4; ++i) AddNode(&r, names[i], "Relu", 10, 0)->set_live_bytes(live[i]);
  Memory* m = r.mutable_forward()->mutable_memory();
  m->set_weight_bytes(8e6);
  m->set_peak_activation_bytes(4e6);
  m->set_peak_node(names[1]);
  const std::string html = RenderHtml(r);
  const std::string chart = Element(html, "memory-timeline", "</svg>");
  ASSERT_FALSE(chart.empty());
  EXPECT_EQ(Attr(chart, "id=\"memory-timeline\"", "data-steps"), "4");
  EXPECT_EQ(Attr(chart, "id=\"memory-peak\"", "data-step"), "1");
  // At node 2's tick and the 4 MB grid line.
  EXPECT_NEAR(AttrNumber(chart, "id=\"memory-peak\"", "cx"),
              AttrNumber(chart, "data-node=\"2\"", "x1"), 1e-9);
  EXPECT_NEAR(AttrNumber(chart, "id=\"memory-peak\"", "cy"),
              AttrNumber(chart, "data-y=\"4000000\"", "y1"), 1e-9);
  // The step line: one level per node, at the grid lines of its bytes.
  const std::vector<double> line = Numbers(Attr(chart, "class=\"live-line\"", "d"));
  ASSERT_EQ(line.size(), 9u);  // M x,y H x (V y H x) x 3
  EXPECT_NEAR(line[1], AttrNumber(chart, "data-y=\"1000000\"", "y1"), 1e-9);
  EXPECT_NEAR(line[3], AttrNumber(chart, "data-y=\"4000000\"", "y1"), 1e-9);
  EXPECT_NEAR(line[7], AttrNumber(chart, "data-y=\"3000000\"", "y1"), 1e-9);
  EXPECT_NEAR(line[8], AttrNumber(chart, "data-node=\"4\"", "x1") * 2 - line[6], 0.02);
  EXPECT_TRUE(absl::StrContains(chart, "peak 4 MB at /b/&lt;i&gt;peak&lt;/i&gt; (node 2)"));
  EXPECT_FALSE(absl::StrContains(html, "<i>peak"));
  EXPECT_TRUE(absl::StrContains(html, "The weights, 8 MB, are held throughout and are not in the curve "
                                      "(2\xC3\x97 the activation peak)"));
  // Without the name, the first maximum.
  m->set_peak_node("");
  EXPECT_EQ(Attr(RenderHtml(r), "id=\"memory-peak\"", "data-step"), "1");
}

// An If's branch nodes follow it in forward.nodes; the timeline steps over
// the main graph's nodes only.
TEST(RenderHtml, MemoryTimelineStepsOverTheMainGraph) {
  Report r = HandReport();
  r.mutable_model()->set_subgraph_nodes(2);
  AddNode(&r, "/a/Relu", "Relu", 1, 0)->set_live_bytes(100);
  AddNode(&r, "/cond/If", "If", 0, 0)->set_live_bytes(300);
  AddNode(&r, "/cond/If/then_branch/Add", "Add", 1, 0);
  AddNode(&r, "/cond/If/then_branch/Mul", "Mul", 1, 0);
  AddNode(&r, "/b/Relu", "Relu", 1, 0)->set_live_bytes(200);
  r.mutable_forward()->mutable_memory()->set_peak_node("/cond/If");
  r.mutable_forward()->mutable_memory()->set_peak_activation_bytes(300);
  const std::string html = RenderHtml(r);
  EXPECT_EQ(Attr(html, "id=\"memory-timeline\"", "data-steps"), "3");
  EXPECT_TRUE(absl::StrContains(html, "peak 300 B at /cond/If (node 2)"));
  EXPECT_TRUE(absl::StrContains(html, "The 2 nodes of If/Loop/Scan bodies run within their parent"));
}

// 3,000 nodes with work: one point per layer, the timeline one column per
// pixel, the file still compact.
TEST(RenderHtml, PastTwoThousandNodesTheRooflineIsPerLayer) {
  Report r = HandReport();
  r.clear_training();
  for (int i = 0; i < 3000; ++i) {
    const std::string layer = absl::StrCat("/model/layers.", i / 100);
    NodeCost* n = i % 3 == 0 ? AddTimed(&r, absl::StrCat(layer, "/fc", i, "/MatMul"), "MatMul", 6.4e10,
                                        1.6e7, 3.2e7, 1.6e7, layer)
                             : AddTimed(&r, absl::StrCat(layer, "/add", i, "/Add"), "Add", 4e6, 3.2e7,
                                        0, 1.6e7, layer);
    n->set_live_bytes(1e7 + (i % 100) * 1e5 + (i == 1234 ? 5e7 : 0));
  }
  FillTotals(&r);
  const std::string html = RenderHtml(r);
  EXPECT_EQ(Attr(html, "id=\"roofline-chart\"", "data-points"), "0");
  EXPECT_EQ(Count(html, "<circle class=\"pt "), 0u);
  EXPECT_EQ(Attr(html, "id=\"roofline-chart\"", "data-layers"), "30");
  EXPECT_TRUE(absl::StrContains(html, "too many to draw one by one"));
  EXPECT_TRUE(absl::StrContains(html, "Drawn as 914 columns, each the largest of its nodes."));
  const std::string line = Attr(html, "class=\"live-line\"", "d");
  EXPECT_EQ(Count(line, "H"), 914u);
  EXPECT_EQ(Attr(html, "id=\"memory-peak\"", "data-step"), "1234");
  EXPECT_TRUE(absl::StrContains(html, "peak 63.4 MB at /model/layers.12/add1234/Add (node 1,235)"));
  EXPECT_LT(html.size(), 1024u * 1024);
}

TEST(RenderHtml, LayerTableListsForwardLayersWithTheirTime) {
  Report r = RooflineReport();
  r.mutable_forward()->mutable_layers(1)->set_name("/head<script>");
  const std::string html = RenderHtml(r);
  const std::string table = Element(html, "layer-table", "</table>");
  ASSERT_FALSE(table.empty());
  EXPECT_EQ(Count(table, "<tr>"), 3u);  // the header and two layers
  EXPECT_TRUE(absl::StrContains(table, "share of time"));
  EXPECT_TRUE(absl::StrContains(table, "/head&lt;script&gt;"));
  // /stem: 240,800,000 FLOP, 10.24 MB, 23.5 FLOP/byte.
  EXPECT_TRUE(absl::StrContains(table, "240,800,000"));
  EXPECT_TRUE(absl::StrContains(table, "10.2 MB"));
  EXPECT_TRUE(absl::StrContains(table, ">23.5<"));
}

// Figures a broken model can produce (NaN, infinity, zero time) leave points
// out rather than writing "nan" into the SVG.
TEST(RenderHtml, NonFiniteFiguresAreLeftOut) {
  Report r = RooflineReport();
  r.mutable_forward()->mutable_nodes(0)->set_intensity(std::nan(""));
  r.mutable_forward()->mutable_nodes(1)->set_seconds(1e-320);  // rate overflows to infinity
  r.mutable_forward()->mutable_nodes(1)->set_live_bytes(std::nan(""));
  r.mutable_forward()->mutable_nodes(2)->set_live_bytes(1e6);
  r.mutable_forward()->mutable_layers(0)->set_seconds(std::numeric_limits<double>::infinity());
  r.mutable_forward()->mutable_memory()->set_intensity(std::nan(""));
  const std::string html = RenderHtml(r);
  EXPECT_EQ(Attr(html, "id=\"roofline-chart\"", "data-points"), "1");  // the Gemm
  EXPECT_EQ(Attr(html, "id=\"roofline-chart\"", "data-layers"), "1");   // /head
  EXPECT_FALSE(absl::StrContains(html, "roofline-pass"));
  EXPECT_EQ(Attr(html, "id=\"memory-timeline\"", "data-steps"), "4");
  EXPECT_EQ(Attr(html, "id=\"memory-peak\"", "data-step"), "2");
  const std::string svg = Element(html, "roofline-chart", "</svg>") +
                          Element(html, "memory-timeline", "</svg>");
  for (const char* bad : {"nan", "inf", "NaN", "Infinity"}) {
    EXPECT_FALSE(absl::StrContains(svg, absl::StrCat("\"", bad))) << bad;
    EXPECT_FALSE(absl::StrContains(svg, absl::StrCat(",", bad))) << bad;
  }
}

TEST(RenderHtml, ResNet18OnA100) {
  AnalyzeOptions o;
  o.per_node = true;
  o.hardware.hardware = "A100";
  absl::StatusOr<Report> r =
      AnalyzeFile(std::string(ONNX_FLOPS_TESTDATA) + "/torchvision/resnet18.onnx", o);
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_TRUE(r->forward().has_roofline());
  const std::string html = RenderHtml(*r);
  // 48 nodes with arithmetic (the Flatten moves nothing); 13 layers with
  // FLOPs (torch.flatten's top level has none).
  EXPECT_EQ(Attr(html, "id=\"roofline-chart\"", "data-points"), "48");
  EXPECT_EQ(Attr(html, "id=\"roofline-chart\"", "data-layers"), "13");
  EXPECT_EQ(Attr(html, "id=\"memory-timeline\"", "data-steps"), "49");
  const Memory& m = r->forward().memory();
  EXPECT_EQ(m.peak_node(), "/relu/Relu");
  EXPECT_TRUE(absl::StrContains(
      html, absl::StrCat("peak ", Si(m.peak_activation_bytes()), "B at /relu/Relu (node 2)")));
  EXPECT_EQ(LayerLabels(html).size(), 14u);
  EXPECT_EQ(Count(Element(html, "layer-table", "</table>"), "<tr>"), 15u);
  for (const char* s : {"http://", "https://", "src=", "href=", "<link", "url("}) {
    EXPECT_FALSE(absl::StrContains(html, s)) << s;
  }
}

}  // namespace
}  // namespace onnx_flops
