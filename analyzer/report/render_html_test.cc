// The HTML report: self-contained, every model string escaped, the figures
// formatted as the other renderers format them, one bar per layer up to the
// cap, and a 5,000-node graph in a file of bounded size with every node in
// the embedded JSON.
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
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

// The data-label attributes of the layer chart, in order.
std::vector<std::string> LayerLabels(const std::string& html) {
  std::vector<std::string> labels;
  const std::string key = "data-label=\"";
  for (size_t at = html.find(key); at != std::string::npos; at = html.find(key, at + 1)) {
    const size_t start = at + key.size();
    labels.push_back(html.substr(start, html.find('"', start) - start));
  }
  return labels;
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

}  // namespace
}  // namespace onnx_flops
