// The HTML report: one file that opens anywhere, offline. Everything a reader
// needs first (summary, charts, memory and the roofline, op types, layers,
// training) is static HTML and SVG, drawn here, so
// it shows without JavaScript; only the per-node table is drawn by the inline
// script, from a JSON array, a page of rows at a time, so that a graph of
// thousands of nodes stays a file of a few hundred kilobytes and a page that
// scrolls. Every string from the model is escaped: names, op types, paths and
// warnings are arbitrary bytes.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "analyzer/report/html_assets.h"
#include "analyzer/report/html_escape.h"
#include "analyzer/report/html_layers.h"
#include "analyzer/report/render.h"

namespace onnx_flops {
namespace {

using html::CapLayers;
using html::GroupLayers;
using html::Html;
using html::JsonNumber;
using html::JsonString;
using html::kMaxBars;
using html::Layer;

// ---- formatting ----

std::string Percent(double fraction) { return absl::StrFormat("%.1f%%", 100 * fraction); }

std::string SiUnit(double x, const std::string& unit) {
  std::string s = Si(x);
  if (!s.empty() && s.back() == ' ' && unit.empty()) s.pop_back();
  return s + unit;
}

std::string Flop(double x) { return SiUnit(x, "FLOP"); }

std::string Share(double part, double whole) { return whole > 0 ? Percent(part / whole) : "—"; }

bool DefaultDomain(const std::string& domain) { return domain.empty() || domain == "ai.onnx"; }

std::string OpName(const std::string& op_type, const std::string& domain) {
  return DefaultDomain(domain) ? op_type : absl::StrCat(domain, "::", op_type);
}

// The last `keep` bytes of `s` (on a UTF-8 boundary) after an ellipsis: the
// tail of a path names the block.
std::string ShortLabel(const std::string& s, size_t keep) {
  if (s.size() <= keep + 1) return s;
  size_t start = s.size() - keep;
  while (start < s.size() && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80) ++start;
  return absl::StrCat("\xE2\x80\xA6", s.substr(start));  // U+2026
}

std::string Duration(double seconds) {
  if (seconds >= 2 * 86400) return absl::StrFormat("%.3g days", seconds / 86400);
  if (seconds >= 2 * 3600) return absl::StrFormat("%.3g hours", seconds / 3600);
  return absl::StrFormat("%.3g s", seconds);
}

// ---- SVG ----

struct Bar {
  std::string label;    // raw bytes, escaped when written
  std::string tooltip;  // raw
  double matmul = 0;
  double vector = 0;
  bool alert = false;  // holds uncounted nodes
  std::string attrs;   // extra attributes of the row, already escaped
};

constexpr int kChartWidth = 1000;
constexpr int kLabelRight = 222;
constexpr int kBarLeft = 232;
constexpr int kBarWidth = 600;
constexpr int kRow = 22;

// Horizontal bars, matmul/conv class then vector class, the longest filling
// the width; each row's <title> is its tooltip with the exact figures.
std::string BarChart(const std::vector<Bar>& bars, double total, const std::string& css,
                     const std::string& aria) {
  double longest = 0;
  for (const Bar& b : bars) longest = std::max(longest, b.matmul + b.vector);
  const int height = static_cast<int>(bars.size()) * kRow + 4;
  std::string out = absl::StrCat("<svg class=\"chart ", css, "\" viewBox=\"0 0 ", kChartWidth, " ",
                                 height, "\" role=\"img\" aria-label=\"", Html(aria), "\">\n");
  for (size_t i = 0; i < bars.size(); ++i) {
    const Bar& b = bars[i];
    const int y = static_cast<int>(i) * kRow + 2;
    const double sum = b.matmul + b.vector;
    const double wm = longest > 0 ? kBarWidth * b.matmul / longest : 0;
    const double wv = longest > 0 ? kBarWidth * b.vector / longest : 0;
    absl::StrAppend(&out, "<g class=\"row bar\"", b.attrs, "><title>", Html(b.tooltip), "</title>",
                    "<rect class=\"hit\" x=\"0\" y=\"", y - 2, "\" width=\"", kChartWidth,
                    "\" height=\"", kRow, "\"/>", "<rect class=\"track\" x=\"", kBarLeft, "\" y=\"",
                    y + 2, "\" width=\"", kBarWidth, "\" height=\"14\" rx=\"2\"/>");
    if (wm > 0) {
      absl::StrAppend(&out, "<rect class=\"mm\" x=\"", kBarLeft, "\" y=\"", y + 2, "\" width=\"",
                      absl::StrFormat("%.2f", std::max(wm, 0.5)), "\" height=\"14\" rx=\"2\"/>");
    }
    if (wv > 0) {
      absl::StrAppend(&out, "<rect class=\"vec\" x=\"", absl::StrFormat("%.2f", kBarLeft + wm),
                      "\" y=\"", y + 2, "\" width=\"", absl::StrFormat("%.2f", std::max(wv, 0.5)),
                      "\" height=\"14\" rx=\"2\"/>");
    }
    absl::StrAppend(&out, "<text x=\"", kLabelRight, "\" y=\"", y + 13, "\" text-anchor=\"end\"",
                    b.alert ? " class=\"alert\"" : "", ">", Html(ShortLabel(b.label, 34)),
                    b.alert ? " \xE2\x9A\xA0" : "", "</text>", "<text class=\"v\" x=\"",
                    absl::StrFormat("%.0f", kBarLeft + wm + wv + 6), "\" y=\"", y + 13, "\">", Flop(sum),
                    total > 0 ? absl::StrCat(" \xC2\xB7 ", Percent(sum / total)) : "", "</text></g>\n");
  }
  absl::StrAppend(&out, "</svg>\n");
  return out;
}

struct Segment {
  double value;
  std::string css;
  std::string title;
};

// One bar split into parts of a whole (matmul/vector FLOPs, node coverage).
std::string StackedBar(const std::vector<Segment>& parts, const std::string& aria) {
  double whole = 0;
  for (const Segment& s : parts) whole += s.value;
  std::string out = absl::StrCat(
      "<svg class=\"chart\" viewBox=\"0 0 1000 14\" "
      "preserveAspectRatio=\"none\" style=\"height:14px\" role=\"img\" aria-label=\"",
      Html(aria), "\"><rect class=\"track\" width=\"1000\" height=\"14\" rx=\"3\"/>");
  double x = 0;
  for (const Segment& s : parts) {
    if (whole <= 0 || s.value <= 0) continue;
    const double w = std::max(1000 * s.value / whole, 1.0);
    absl::StrAppend(&out, "<rect class=\"", s.css, "\" x=\"", absl::StrFormat("%.2f", x), "\" width=\"",
                    absl::StrFormat("%.2f", w), "\" height=\"14\"><title>", Html(s.title),
                    "</title></rect>");
    x += w;
  }
  absl::StrAppend(&out, "</svg>\n");
  return out;
}

// ---- sections ----

void Row(std::string* out, const std::string& key, const std::string& value_html) {
  absl::StrAppend(out, "<tr><th>", key, "</th><td>", value_html, "</td></tr>\n");
}

// "8.21 GFLOP" for a card: the number large, the unit smaller.
std::string BigSi(double x, const std::string& unit) {
  std::string s = Si(x);
  const size_t space = s.find(' ');
  if (space == std::string::npos) return s;
  return absl::StrCat(s.substr(0, space), " <span class=\"unit\">", s.substr(space + 1), unit,
                      "</span>");
}

std::string BigScientific(double x) {
  return absl::StrCat(Scientific(x), " <span class=\"unit\">FLOP</span>");
}

void Card(std::string* out, const std::string& css, const std::string& label, const std::string& big,
          const std::string& exact_html) {
  absl::StrAppend(out, "<div class=\"card", css.empty() ? "" : " " + css, "\"><div class=\"label\">",
                  label, "</div><div class=\"big\">", big, "</div><div class=\"exact\">", exact_html,
                  "</div></div>\n");
}

void Header(const Report& r, std::string* out) {
  const ModelInfo& m = r.model();
  std::string base = m.path();
  if (const size_t slash = base.find_last_of('/');
      slash != std::string::npos && slash + 1 < base.size()) {
    base = base.substr(slash + 1);
  }
  absl::StrAppend(
      out, "<header class=\"top\"><div class=\"wrap head\"><div class=\"ident\">\n<div class=\"tool\">",
      Html(r.tool().empty() ? "onnx-flops" : r.tool()), " \xC2\xB7 FLOP report</div>\n<h1>", Html(base),
      "</h1>\n<dl class=\"meta\">\n");
  auto item = [&](const std::string& key, const std::string& value_html) {
    absl::StrAppend(out, "<dt>", key, "</dt><dd>", value_html, "</dd>\n");
  };
  item("path", absl::StrCat("<code>", Html(m.path()), "</code>"));
  if (m.file_bytes() > 0) {
    const double bytes = static_cast<double>(m.file_bytes());
    item("file size", absl::StrCat(Grouped(bytes), " bytes (", SiUnit(bytes, "B"), ")",
                                   m.external_data() ? ", weights in external data (not read)" : ""));
  }
  std::string model = absl::StrCat("opset ", m.opset(), ", IR ", m.ir_version());
  if (!m.producer().empty()) absl::StrAppend(&model, ", ", Html(m.producer()));
  if (!m.graph_name().empty()) absl::StrAppend(&model, ", graph ", Html(m.graph_name()));
  absl::StrAppend(&model, ", ", Grouped(m.nodes()), " nodes");
  if (m.subgraph_nodes() > 0)
    absl::StrAppend(&model, " (+", Grouped(m.subgraph_nodes()), " in subgraphs)");
  item("model", model);
  std::vector<std::string> imports;
  for (const OpsetImport& o : m.opset_imports()) {
    if (!DefaultDomain(o.domain())) imports.push_back(absl::StrCat(Html(o.domain()), " ", o.version()));
  }
  if (!imports.empty()) item("other opsets", absl::StrJoin(imports, ", "));
  item("tool",
       absl::StrCat(Html(r.tool().empty() ? "onnx-flops" : r.tool()), " ", Html(r.tool_version())));
  if (!m.sha256().empty()) item("SHA-256", absl::StrCat("<code>", Html(m.sha256()), "</code>"));
  if (!r.command_line().empty()) {
    item("command", absl::StrCat("<code>", Html(r.command_line()), "</code>"));
  }
  absl::StrAppend(out, "</dl>\n</div>\n");
  // The two figures most readers came for, where the eye lands first.
  const Forward& f = r.forward();
  absl::StrAppend(out,
                  "<div class=\"headline\"><div><div class=\"hl-label\">forward pass, per example</div>"
                  "<div class=\"hl-big\">",
                  BigSi(f.flops_per_example(), "FLOP"), "</div></div>\n");
  if (r.has_training() && r.training().flops() > 0) {
    absl::StrAppend(out, "<div><div class=\"hl-label\">training compute</div><div class=\"hl-big\">",
                    BigScientific(r.training().flops()), "</div><div class=\"hl-sub\">",
                    absl::StrFormat("%.3g PF/s-days", r.training().pf_days()), "</div></div>\n");
  }
  absl::StrAppend(out, "</div>\n</div></header>\n");
}

// Failed gates, warnings and uncounted nodes, above everything else: they say
// how far to trust the figures below.
void Warnings(const Report& r, std::string* out) {
  const Forward& f = r.forward();
  int failed = 0;
  for (const GateResult& g : r.gates()) failed += !g.passed();
  if (r.warnings_size() == 0 && f.uncounted_size() == 0 && failed == 0) return;
  absl::StrAppend(
      out, "<section class=\"warnbox\" id=\"warnings\"><h2>\xE2\x9A\xA0 Check these first</h2>\n");
  if (failed > 0) {
    absl::StrAppend(out, "<h3>Failed gates (", failed, ")</h3><ul>\n");
    for (const GateResult& g : r.gates()) {
      if (!g.passed()) absl::StrAppend(out, "<li>", Html(g.message()), "</li>\n");
    }
    absl::StrAppend(out, "</ul>\n");
  }
  if (f.uncounted_size() > 0) {
    absl::StrAppend(out, "<h3>Uncounted nodes (", Grouped(f.uncounted_size()),
                    "): their FLOPs are not in any total</h3><ul>\n");
    constexpr int kListed = 50;
    for (int i = 0; i < std::min(kListed, f.uncounted_size()); ++i) {
      const UncountedNode& u = f.uncounted(i);
      absl::StrAppend(out, "<li><code>", Html(u.node()), "</code> (",
                      Html(OpName(u.op_type(), u.domain())), "): ", Html(u.reason()), "</li>\n");
    }
    if (f.uncounted_size() > kListed) {
      absl::StrAppend(out, "<li>and ", Grouped(f.uncounted_size() - kListed),
                      " more: tick \xE2\x80\x9Cuncounted only\xE2\x80\x9D in the node table</li>\n");
    }
    absl::StrAppend(out, "</ul>\n");
  }
  if (r.warnings_size() > 0) {
    absl::StrAppend(out, "<h3>Warnings (", r.warnings_size(), ")</h3><ul>\n");
    for (const std::string& w : r.warnings()) absl::StrAppend(out, "<li>", Html(w), "</li>\n");
    absl::StrAppend(out, "</ul>\n");
  }
  absl::StrAppend(out, "</section>\n");
}

void Summary(const Report& r, std::string* out) {
  const ModelInfo& m = r.model();
  const Forward& f = r.forward();
  const Coverage& c = f.coverage();
  absl::StrAppend(out, "<section id=\"summary\"><h2>Forward pass <span class=\"muted\">batch ",
                  f.batch_size(), "</span></h2>\n<div class=\"cards\">\n");
  Card(out, "", "forward FLOPs", BigSi(f.flops(), "FLOP"), absl::StrCat(Grouped(f.flops()), " FLOP"));
  Card(out, "", "per example", BigSi(f.flops_per_example(), "FLOP"),
       absl::StrCat(Grouped(f.flops_per_example()), " FLOP"));
  if (f.sequence_length() > 0) {
    Card(out, "", "per token", BigSi(f.flops_per_token(), "FLOP"),
         absl::StrCat(Grouped(f.flops_per_token()), " FLOP \xC2\xB7 ", f.sequence_length(), " steps"));
  }
  Card(out, "", "MACs", BigSi(f.macs(), ""), Grouped(f.macs()));
  Card(out, "", "parameters", BigSi(m.parameters(), ""),
       absl::StrCat(Grouped(m.parameters()), " in ", m.initializers(), " initializers"));
  if (f.has_routing()) {
    Card(out, "", "active parameters", BigSi(m.active_parameters(), ""),
         absl::StrCat(Grouped(m.active_parameters()), " per token"));
  }
  Card(out, c.uncounted() > 0 ? "bad" : "", "coverage",
       c.uncounted() > 0
           ? absl::StrCat(Grouped(c.uncounted()), " uncounted")
           : absl::StrCat(Grouped(c.counted() + c.data_movement()), " / ", Grouped(c.nodes())),
       absl::StrCat(Grouped(c.counted()), " counted \xC2\xB7 ", Grouped(c.data_movement()),
                    " data movement \xC2\xB7 ", Grouped(c.uncounted()), " uncounted"));
  absl::StrAppend(out, "</div>\n");

  absl::StrAppend(out, StackedBar({{f.matmul_flops(), "mm",
                                    absl::StrCat("matmul/conv class: ", Grouped(f.matmul_flops()),
                                                 " FLOP (", Share(f.matmul_flops(), f.flops()), ")")},
                                   {f.vector_flops(), "vec",
                                    absl::StrCat("vector class: ", Grouped(f.vector_flops()), " FLOP (",
                                                 Share(f.vector_flops(), f.flops()), ")")}},
                                  "matmul/conv class against vector class"));
  absl::StrAppend(out, "<div class=\"split\"><span><i class=\"key mm\"></i>matmul/conv class ",
                  Share(f.matmul_flops(), f.flops()),
                  "</span><span><i class=\"key vec\"></i>vector class ",
                  Share(f.vector_flops(), f.flops()), "</span></div>\n");

  const double batch = static_cast<double>(std::max<int64_t>(f.batch_size(), 1));
  absl::StrAppend(
      out, "<h3>Exact counts</h3><table class=\"counts\"><thead><tr><th></th>",
      "<th class=\"n\">FLOP, whole pass</th><th class=\"n\">per example</th><th class=\"n\">share</th>",
      "</tr></thead><tbody>\n");
  auto count_row = [&](const std::string& label, double total, double per, const std::string& share) {
    absl::StrAppend(out, "<tr><td>", label, "</td><td class=\"n\">", Grouped(total),
                    "</td><td class=\"n\">", Grouped(per), "</td><td class=\"n\">", share,
                    "</td></tr>\n");
  };
  count_row("total", f.flops(), f.flops_per_example(), f.flops() > 0 ? "100.0%" : "");
  count_row("<i class=\"key mm\"></i>matmul/conv class", f.matmul_flops(), f.matmul_flops_per_example(),
            Share(f.matmul_flops(), f.flops()));
  count_row("<i class=\"key vec\"></i>vector class", f.vector_flops(), f.vector_flops() / batch,
            Share(f.vector_flops(), f.flops()));
  count_row("MACs (matmul/conv)", f.macs(), f.macs_per_example(), "");
  if (f.sequence_length() > 0) {
    absl::StrAppend(out, "<tr><td>per token (per example / ", f.sequence_length(),
                    " steps)</td><td class=\"n\"></td><td class=\"n\">", Grouped(f.flops_per_token()),
                    "</td><td class=\"n\">matmul ", Grouped(f.matmul_flops_per_token()), "</td></tr>\n");
  }
  if (f.has_attention() && f.attention().layers() > 0) {
    const Attention& a = f.attention();
    count_row(absl::StrCat("attention core (", a.layers(), " layers",
                           a.causal_half() ? ", causal at half" : "", ")"),
              a.core_flops(), a.core_flops() / batch, Percent(a.share()));
  }
  absl::StrAppend(out, "</tbody></table>\n");
  if (f.has_attention() && f.attention().kaplan_flops_per_token() > 0) {
    const Attention& a = f.attention();
    absl::StrAppend(
        out,
        "<p class=\"muted\">Kaplan et al. closed form 2N + 2\xC2\xB7n_layer\xC2\xB7n_ctx\xC2\xB7"
        "d_attn: ",
        Grouped(a.kaplan_flops_per_token()),
        " FLOP per token (N = ", Grouped(a.non_embedding_parameters()),
        " non-embedding parameters); the count is ", absl::StrFormat("%.2f", a.ratio()),
        "\xC3\x97 that.</p>\n");
  }
  if (f.has_routing()) {
    absl::StrAppend(out, "<p class=\"muted\">Mixture of experts: ", Html(f.routing().note()),
                    ". Active parameters: ", Html(ActiveParametersWhy(f)), ".</p>\n<ul>\n");
    for (const Router& router : f.routing().routers()) {
      absl::StrAppend(out, "<li>", Html(router.detail()), "</li>\n");
    }
    absl::StrAppend(out, "</ul>\n");
  }
  std::string batch_line = absl::StrCat("batch ", f.batch_size());
  if (!f.batch_dim().name().empty())
    absl::StrAppend(&batch_line, " (dim \xE2\x80\x98", Html(f.batch_dim().name()), "\xE2\x80\x99)");
  if (!f.batch_dim().reason().empty()) absl::StrAppend(&batch_line, ": ", Html(f.batch_dim().reason()));
  absl::StrAppend(out, "<p class=\"muted\">", batch_line);
  if (f.sequence_length() > 0) {
    absl::StrAppend(
        out, "<br>sequence ", f.sequence_length(), " steps",
        f.sequence_dim().name().empty()
            ? ""
            : absl::StrCat(" (dim \xE2\x80\x98", Html(f.sequence_dim().name()), "\xE2\x80\x99)"),
        f.sequence_dim().reason().empty() ? "" : absl::StrCat(": ", Html(f.sequence_dim().reason())));
  }
  if (f.steps_per_example() > 1) {
    absl::StrAppend(out, "<br>one pass is one step; an example is ", Grouped(f.steps_per_example()),
                    " passes (--steps-per-example)");
  }
  absl::StrAppend(out, "</p>\n</section>\n");
}

std::string RangeText(const Range& range) {
  return absl::StrCat(Scientific(range.low()), " \xE2\x80\x93 ", Scientific(range.high()), " FLOP");
}

void TrainingSection(const Training& t, std::string* out) {
  absl::StrAppend(out, "<section id=\"training\"><h2>Training compute</h2>\n<div class=\"cards\">\n");
  if (t.flops() > 0) {
    Card(out, "train", "method 1", BigScientific(t.flops()),
         absl::StrFormat("%.3g PF/s-days", t.pf_days()));
  }
  if (t.has_range() && t.range().high() > 0) {
    Card(out, "wide", "plausible range",
         absl::StrCat(Scientific(t.range().low()), " \xE2\x80\x93 ", BigScientific(t.range().high())),
         "backward:forward from 1:1 to 3:1");
  }
  if (t.has_method2() && t.method2().flops() > 0) {
    Card(out, "", "method 2", BigScientific(t.method2().flops()),
         t.flops() > 0 ? absl::StrFormat("method 1 implies %.3g utilization", t.implied_utilization())
                       : "");
  }
  absl::StrAppend(out, "</div>\n");

  if (t.examples() > 0 || t.phases_size() > 0) {
    absl::StrAppend(out, "<h3>", Html(t.method()), "</h3>\n<div class=\"formula\">", Html(t.formula()),
                    "</div>\n");
    if (t.phases_size() > 1) {
      absl::StrAppend(out,
                      "<table><thead><tr><th>phase</th><th>model</th><th class=\"n\">examples</th>"
                      "<th class=\"n\">epochs</th><th class=\"n\">forward per example</th>"
                      "<th class=\"n\">backward ratio</th><th class=\"n\">FLOP</th><th>formula</th>"
                      "</tr></thead><tbody>\n");
      for (const TrainingPhase& p : t.phases()) {
        absl::StrAppend(out, "<tr><td>", Html(p.name()), "</td><td>", Html(p.model()),
                        "</td><td class=\"n\">", Grouped(p.examples()), "</td><td class=\"n\">",
                        Grouped(p.epochs()), "</td><td class=\"n\">",
                        Grouped(p.forward_flops_per_example()), "</td><td class=\"n\">",
                        absl::StrFormat("%.3g", p.backward_ratio()), "</td><td class=\"n\">",
                        Scientific(p.flops()), "</td><td>", Html(p.formula()), "</td></tr>\n");
      }
      absl::StrAppend(out, "</tbody></table>\n");
    } else {
      absl::StrAppend(out, "<table class=\"kv\"><tbody>\n");
      Row(out, "forward per example", absl::StrCat(Grouped(t.forward_flops_per_example()), " FLOP"));
      if (t.backward_model() == "per-op") {
        Row(out, "backward",
            absl::StrFormat("per-op model: effective ratio %.3f (the default ratio is 2)",
                            t.effective_backward_ratio()));
      } else {
        Row(out, "backward ratio",
            absl::StrFormat("%g (a training step is %g \xC3\x97 forward)", t.backward_ratio(),
                            1 + t.backward_ratio()));
      }
      if (t.optimizer_flops_per_example() > 0) {
        Row(out, "optimizer",
            absl::StrCat(Grouped(t.optimizer_flops_per_example()),
                         " FLOP per example for the weight updates"));
      }
      if (t.tokens() > 0) {
        Row(out, "tokens",
            absl::StrCat(Grouped(t.tokens()), " / ", t.sequence_length(),
                         " per sequence = ", Grouped(t.examples()), " sequences"));
      }
      Row(out, "examples \xC3\x97 epochs",
          absl::StrCat(
              Grouped(t.examples()), " \xC3\x97 ", Grouped(t.epochs()),
              t.examples_source().empty() ? "" : absl::StrCat(" (", Html(t.examples_source()), ")")));
      Row(out, "training compute", absl::StrCat("<b>", Scientific(t.flops()), " FLOP</b>"));
      Row(out, "PF/s-days", absl::StrFormat("%.3g", t.pf_days()));
      absl::StrAppend(out, "</tbody></table>\n");
    }
    if (t.has_range() && t.range().high() > 0) {
      absl::StrAppend(out, "<p class=\"muted\">Range ", RangeText(t.range()), ": ",
                      Html(t.range().basis()), "</p>\n");
    }
  }

  if (t.has_method2()) {
    const Method2& m = t.method2();
    absl::StrAppend(out,
                    "<h3>Method 2: GPU time \xC3\x97 chips \xC3\x97 peak \xC3\x97 utilization</h3>\n"
                    "<div class=\"formula\">",
                    Html(m.formula()), "</div>\n<table class=\"kv\"><tbody>\n");
    Row(out, "hardware", absl::StrCat(Html(m.hardware()), ", ", Html(m.precision())));
    Row(out, "peak per chip",
        absl::StrCat(SiUnit(m.peak_flops(), "FLOP/s"), " (", Html(m.peak_source()), ")"));
    Row(out, "chips", Grouped(m.chips()));
    if (m.seconds() > 0)
      Row(out, "training time", absl::StrCat(Grouped(m.seconds()), " s (", Duration(m.seconds()), ")"));
    Row(out, "utilization",
        absl::StrCat(absl::StrFormat("%.3g", m.utilization()),
                     m.utilization_source().empty()
                         ? ""
                         : absl::StrCat(" (", Html(m.utilization_source()), ")")));
    Row(out, "training compute", absl::StrCat("<b>", Scientific(m.flops()), " FLOP</b>"));
    if (m.has_range() && m.range().high() > 0) {
      Row(out, "range", absl::StrCat(RangeText(m.range()), ": ", Html(m.range().basis())));
    }
    if (t.flops() > 0 && m.flops() > 0) {
      Row(out, "method 1 / method 2", absl::StrFormat("%.3g", t.method1_over_method2()));
      Row(out, "utilization implied by method 1", absl::StrFormat("%.3g", t.implied_utilization()));
    }
    absl::StrAppend(out, "</tbody></table>\n");
  }
  if (t.has_projection()) {
    const Projection& p = t.projection();
    absl::StrAppend(out, "<h3>Projection at that utilization</h3><table class=\"kv\"><tbody>\n");
    Row(out, "time to train", Duration(p.seconds()));
    Row(out, "energy at TDP", absl::StrFormat("%.4g kWh", p.energy_kwh()));
    if (p.cost() > 0) Row(out, "cost", absl::StrFormat("%.4g", p.cost()));
    absl::StrAppend(out, "</tbody></table>\n");
  }

  if (t.inputs_size() > 0) {
    bool phases = false;
    for (const TrainingInput& in : t.inputs()) phases |= !in.phase().empty();
    absl::StrAppend(out, "<h3>Inputs of the estimate</h3><table><thead><tr><th>input</th>",
                    phases ? "<th>phase</th>" : "",
                    "<th>value</th><th>source</th><th>note</th></tr></thead><tbody>\n");
    for (const TrainingInput& in : t.inputs()) {
      absl::StrAppend(out, "<tr><td>", Html(in.name()), "</td>",
                      phases ? absl::StrCat("<td>", Html(in.phase()), "</td>") : "",
                      "<td class=\"mono\">", Html(in.value()), "</td><td>", Html(in.source()),
                      in.assumed() ? " <span class=\"pill assumed\">assumed</span>" : "", "</td><td>",
                      Html(in.note()), "</td></tr>\n");
    }
    absl::StrAppend(out, "</tbody></table>\n");
  }

  if (t.thresholds_size() > 0) {
    absl::StrAppend(
        out,
        "<h3>Compute thresholds</h3><table><thead><tr><th class=\"n\">threshold</th>"
        "<th></th><th class=\"n\">estimate / threshold</th><th>rule</th></tr></thead><tbody>\n");
    for (const Threshold& th : t.thresholds()) {
      absl::StrAppend(
          out, "<tr><td class=\"n\">", Scientific(th.flops()), " FLOP</td><td>",
          th.above() ? "<span class=\"pill u\">ABOVE</span>" : "<span class=\"pill ok\">below</span>",
          "</td><td class=\"n\">\xC3\x97", Scientific(th.ratio()), "</td><td>", Html(th.name()),
          "</td></tr>\n");
    }
    absl::StrAppend(out, "</tbody></table>\n");
  }
  absl::StrAppend(out, "</section>\n");
}

void Charts(const Report& r, const std::vector<Layer>& layers, int grouped_layers, int chunk,
            std::string* out) {
  const Forward& f = r.forward();
  constexpr int kMaxOpBars = 24;
  std::vector<Bar> ops;
  int rest = 0;
  Bar other;
  for (const OpTypeCost& op : f.by_op_type()) {
    if (op.flops() <= 0 && op.uncounted() == 0) continue;
    if (static_cast<int>(ops.size()) == kMaxOpBars) {
      ++rest;
      other.matmul += op.matmul_flops();
      other.vector += op.flops() - op.matmul_flops();
      other.alert |= op.uncounted() > 0;
      continue;
    }
    Bar b;
    b.label = OpName(op.op_type(), op.domain());
    b.matmul = op.matmul_flops();
    b.vector = op.flops() - op.matmul_flops();
    b.alert = op.uncounted() > 0;
    b.tooltip = absl::StrCat(b.label, ": ", Grouped(op.flops()), " FLOP (", Percent(op.share()), ") in ",
                             op.nodes(), op.nodes() == 1 ? " node" : " nodes", "\nmatmul/conv class ",
                             Grouped(op.matmul_flops()), ", vector class ", Grouped(op.vector_flops()),
                             "\nMACs ", Grouped(op.macs()));
    if (op.uncounted() > 0)
      absl::StrAppend(&b.tooltip, "\n", op.uncounted(), " uncounted (not in the figures)");
    b.attrs = absl::StrCat(" data-op=\"", Html(b.label), "\"");
    ops.push_back(std::move(b));
  }
  if (rest > 0) {
    other.label = absl::StrCat("other (", rest, " op types)");
    other.tooltip = absl::StrCat(other.label, ": ", Grouped(other.matmul + other.vector), " FLOP");
    ops.push_back(std::move(other));
  }

  absl::StrAppend(out, "<section id=\"chart-ops\"><h2>FLOPs by op type</h2>\n");
  if (ops.empty()) {
    absl::StrAppend(out, "<p class=\"muted\">No FLOPs were counted.</p>\n");
  } else {
    absl::StrAppend(out, BarChart(ops, f.flops(), "ops", "forward FLOPs by op type"));
  }
  absl::StrAppend(
      out,
      "<div class=\"split\"><span><i class=\"key mm\"></i>matmul/conv class</span>"
      "<span><i class=\"key vec\"></i>vector class</span><span>\xE2\x9A\xA0 has uncounted nodes</span>"
      "</div></section>\n");

  absl::StrAppend(out, "<section id=\"chart-layers\"><h2>FLOPs by layer, in graph order</h2>\n");
  if (layers.empty()) {
    absl::StrAppend(
        out, "<p class=\"muted\">No per-node figures in this report (analyze with per_node).</p>\n");
  } else {
    std::vector<Bar> bars;
    bars.reserve(layers.size());
    for (const Layer& l : layers) {
      Bar b;
      b.label = l.label;
      b.matmul = l.matmul;
      b.vector = l.flops - l.matmul;
      b.alert = l.uncounted > 0;
      const int count = l.last - l.first + 1;
      b.tooltip =
          absl::StrCat(l.label, "\nnodes ", Grouped(l.first + 1), "\xE2\x80\x93", Grouped(l.last + 1),
                       " (", Grouped(count), count == 1 ? " node" : " nodes",
                       l.merged > 1 ? absl::StrCat(", ", l.merged, " layers merged") : "", ")\n",
                       Grouped(l.flops), " FLOP (", Share(l.flops, f.flops()), ")\nmatmul/conv class ",
                       Grouped(l.matmul), ", vector class ", Grouped(l.flops - l.matmul));
      if (l.uncounted > 0)
        absl::StrAppend(&b.tooltip, "\n", l.uncounted, " uncounted (not in the figures)");
      b.attrs = absl::StrCat(" data-from=\"", l.first, "\" data-to=\"", l.last, "\" data-label=\"",
                             Html(l.label), "\"");
      bars.push_back(std::move(b));
    }
    std::string caption =
        chunk > 0 ? absl::StrCat("The node names carry no scopes: runs of ", Grouped(chunk),
                                 chunk == 1 ? " node" : " nodes", " in graph order")
                  : absl::StrCat(Grouped(grouped_layers), grouped_layers == 1 ? " layer" : " layers",
                                 " from the scopes in the node names");
    if (static_cast<int>(layers.size()) < grouped_layers) {
      absl::StrAppend(&caption, ", drawn as ", layers.size(), " bars of adjacent layers");
    }
    absl::StrAppend(out, "<p class=\"muted\">", caption,
                    "; click a bar to list its nodes.</p>\n<div class=\"chart-scroll\">\n",
                    BarChart(bars, f.flops(), "layers", "forward FLOPs by layer in graph order"),
                    "</div>\n");
  }
  absl::StrAppend(out, "</section>\n");
}

// ---- memory and time (forward.memory, forward.roofline, forward.layers) ----

// "208 µs": the text report's durations, with the micro sign.
std::string Time(double seconds) {
  std::string s = onnx_flops::Duration(seconds);
  if (absl::EndsWith(s, " us")) s.replace(s.size() - 2, 2, "\xC2\xB5s");
  return s;
}

std::string BigTime(double seconds) {
  const std::string s = Time(seconds);
  const size_t space = s.find(' ');
  if (space == std::string::npos) return s;
  return absl::StrCat(s.substr(0, space), " <span class=\"unit\">", s.substr(space + 1), "</span>");
}

std::string Bytes(double x) { return SiUnit(x, "B"); }  // "6.42 MB", "512 B"

std::string Px(double v) { return absl::StrFormat("%.2f", v); }

std::string Intensity(double x) { return absl::StrFormat("%.3g FLOP/byte", x); }

// 1, 2 or 5 times a power of ten, at least `x`.
double NiceStep(double x) {
  if (!(x > 0)) return 1;
  const double p = std::pow(10.0, std::floor(std::log10(x)));
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    if (m * p >= x * (1 - 1e-9)) return m * p;
  }
  return 10 * p;
}

// forward.nodes holds the main graph's nodes and, after each If, Loop or
// Scan, the nodes of its bodies, named "<parent>/<attribute>/<node>". The
// liveness walk (live_bytes) steps over the main graph's only; a body's
// nodes run within their parent's step. `step_of[i]` is node i's step.
std::vector<int> MainGraphSteps(const Report& r, std::vector<int>* step_of) {
  const Forward& f = r.forward();
  const bool nested = r.model().subgraph_nodes() > 0;
  std::vector<int> main;
  main.reserve(f.nodes_size());
  step_of->assign(f.nodes_size(), 0);
  std::string parent;
  for (int i = 0; i < f.nodes_size(); ++i) {
    const std::string& name = f.nodes(i).node();
    if (!(nested && !parent.empty() && absl::StartsWith(name, parent))) {
      main.push_back(i);
      parent = absl::StrCat(name, "/");
    }
    (*step_of)[i] = static_cast<int>(main.size()) - 1;
  }
  return main;
}

// Live activation bytes over the main graph's nodes: a step chart, the
// peak marked, one hover band per layer of the layer chart.
void MemoryTimeline(const Report& r, const std::vector<Layer>& layers, std::string* out) {
  const Forward& f = r.forward();
  const Memory& mem = f.memory();
  if (f.nodes_size() == 0) {
    absl::StrAppend(out,
                    "<p class=\"muted\">No activation timeline: it needs the per-node figures "
                    "(analyze with per_node).</p>\n");
    return;
  }
  std::vector<int> step_of;
  const std::vector<int> main = MainGraphSteps(r, &step_of);
  const int n = static_cast<int>(main.size());
  std::vector<double> live(n);
  double top = 0;
  for (int k = 0; k < n; ++k) {
    const double v = f.nodes(main[k]).live_bytes();
    live[k] = std::isfinite(v) && v > 0 ? v : 0;
    top = std::max(top, live[k]);
  }
  if (!(top > 0)) {
    absl::StrAppend(out, "<p class=\"muted\">No activation timeline: no tensor of known size.</p>\n");
    return;
  }
  // The peak: the node the liveness walk named, else the first maximum.
  int peak = -1;
  for (int k = 0; k < n && !mem.peak_node().empty(); ++k) {
    if (live[k] == top && f.nodes(main[k]).node() == mem.peak_node()) {
      peak = k;
      break;
    }
  }
  if (peak < 0) peak = static_cast<int>(std::max_element(live.begin(), live.end()) - live.begin());
  const std::string peak_name = f.nodes(main[peak]).node();

  constexpr double kW = 1000, kL = 74, kR = 988, kT = 24, kB = 206, kH = 252;
  const double step = NiceStep(top / 4);
  const double ymax = step * std::ceil(top * 1.15 / step);
  auto x = [&](double k) { return kL + (kR - kL) * k / n; };
  auto y = [&](double v) { return kB - (kB - kT) * v / ymax; };

  absl::StrAppend(out, "<svg class=\"chart timeline\" id=\"memory-timeline\" viewBox=\"0 0 ", kW, " ",
                  kH, "\" role=\"img\" aria-label=\"live activation memory over the forward pass\" "
                  "data-steps=\"", n, "\">\n");
  // Grid and axes.
  for (double v = 0; v <= ymax * (1 + 1e-9); v += step) {
    absl::StrAppend(out, "<line class=\"grid\" data-y=\"", JsonNumber(v), "\" x1=\"", Px(kL),
                    "\" y1=\"", Px(y(v)), "\" x2=\"", Px(kR), "\" y2=\"", Px(y(v)),
                    "\"/><text class=\"v\" x=\"", Px(kL - 6), "\" y=\"", Px(y(v) + 4),
                    "\" text-anchor=\"end\">", Bytes(v), "</text>\n");
  }
  // Node numbers from 1, as in the node table; a tick at each node's middle.
  const double xstep = std::max(1.0, NiceStep(n / 8.0));
  for (double at = 1; at <= n; at = at == 1 && xstep > 1 ? xstep : at + xstep) {
    const double tx = x(at - 0.5);
    absl::StrAppend(out, "<line class=\"axis\" data-node=\"", static_cast<int64_t>(at), "\" x1=\"",
                    Px(tx), "\" y1=\"", Px(kB), "\" x2=\"", Px(tx), "\" y2=\"", Px(kB + 4),
                    "\"/><text class=\"v\" x=\"", Px(tx), "\" y=\"", Px(kB + 17),
                    "\" text-anchor=\"", tx > kR - 24 ? "end" : "middle", "\">", Grouped(at),
                    "</text>\n");
  }
  absl::StrAppend(out, "<line class=\"axis\" x1=\"", Px(kL), "\" y1=\"", Px(kB), "\" x2=\"", Px(kR),
                  "\" y2=\"", Px(kB), "\"/>\n<text class=\"v\" x=\"", Px((kL + kR) / 2), "\" y=\"",
                  Px(kH - 6), "\" text-anchor=\"middle\">main-graph node, in graph order</text>\n");
  // Hover bands: the layers of the layer chart, in main-graph steps.
  for (const Layer& l : layers) {
    if (l.first < 0 || l.last >= f.nodes_size() || l.first > l.last) continue;
    const int a = step_of[l.first], b = step_of[l.last];
    double most = 0;
    for (int k = a; k <= b; ++k) most = std::max(most, live[k]);
    absl::StrAppend(out, "<g class=\"row band\" data-from=\"", l.first, "\" data-to=\"", l.last,
                    "\" data-label=\"", Html(l.label), "\"><title>",
                    Html(absl::StrCat(l.label, "\nnodes ", Grouped(l.first + 1), "\xE2\x80\x93",
                                      Grouped(l.last + 1), "\nlive activations up to ", Bytes(most),
                                      " (", Grouped(most), " bytes)")),
                    "</title><rect class=\"hit\" x=\"", Px(x(a)), "\" y=\"", Px(kT), "\" width=\"",
                    Px(std::max(x(b + 1) - x(a), 0.5)), "\" height=\"", Px(kB - kT), "\"/></g>\n");
  }
  // The curve: one step per node, or past the plot's width in pixels the
  // largest of each column's nodes (the peak survives).
  const int columns = std::min(n, static_cast<int>(kR - kL));
  std::string line, area = absl::StrCat("M", Px(kL), ",", Px(kB));
  for (int c = 0; c < columns; ++c) {
    const int s = static_cast<int>(static_cast<int64_t>(c) * n / columns);
    const int e = static_cast<int>(static_cast<int64_t>(c + 1) * n / columns);
    double v = 0;
    for (int k = s; k < e; ++k) v = std::max(v, live[k]);
    if (c == 0) {
      absl::StrAppend(&line, "M", Px(x(s)), ",", Px(y(v)));
    } else {
      absl::StrAppend(&line, "V", Px(y(v)));
    }
    absl::StrAppend(&line, "H", Px(x(e)));
    absl::StrAppend(&area, "V", Px(y(v)), "H", Px(x(e)));
  }
  absl::StrAppend(&area, "V", Px(kB), "Z");
  absl::StrAppend(out, "<path class=\"live\" d=\"", area, "\"/>\n<path class=\"live-line\" d=\"", line,
                  "\"/>\n");
  // The peak.
  const double px = x(peak + 0.5), py = y(top);
  const bool left = px > (kL + kR) / 2;
  const std::string label =
      absl::StrCat("peak ", Bytes(top), " at ", ShortLabel(peak_name, 48), " (node ",
                   Grouped(main[peak] + 1), ")");
  absl::StrAppend(
      out, "<line class=\"peak-line\" x1=\"", Px(px), "\" y1=\"", Px(py), "\" x2=\"", Px(px),
      "\" y2=\"", Px(kB), "\"/><circle class=\"peak\" id=\"memory-peak\" cx=\"", Px(px), "\" cy=\"",
      Px(py), "\" r=\"4.5\" data-step=\"", peak, "\"><title>",
      Html(absl::StrCat("peak of live activations: ", Grouped(top), " bytes (", Bytes(top),
                        ")\nat node ", Grouped(main[peak] + 1), " ", peak_name, " (",
                        OpName(f.nodes(main[peak]).op_type(), f.nodes(main[peak]).domain()), ")")),
      "</title></circle><text class=\"peak-label\" id=\"memory-peak-label\" x=\"",
      Px(left ? px - 8 : px + 8), "\" y=\"", Px(py - 7), "\" text-anchor=\"", left ? "end" : "start",
      "\">", Html(label), "</text>\n</svg>\n");

  std::string caption = absl::StrCat(
      "Activation bytes live at each of the main graph\xE2\x80\x99s ", Grouped(n),
      n == 1 ? " node" : " nodes",
      " (forward.nodes[].live_bytes): a tensor lives from the node that writes it to the last "
      "node that reads it, views share their input\xE2\x80\x99s buffer.");
  if (columns < n) {
    absl::StrAppend(&caption, " Drawn as ", Grouped(columns),
                    " columns, each the largest of its nodes.");
  }
  if (n < f.nodes_size()) {
    absl::StrAppend(&caption, " The ", Grouped(f.nodes_size() - n),
                    " nodes of If/Loop/Scan bodies run within their parent\xE2\x80\x99s step.");
  }
  if (mem.weight_bytes() > 0) {
    absl::StrAppend(&caption, " The weights, ", Bytes(mem.weight_bytes()),
                    ", are held throughout and are not in the curve",
                    absl::StrFormat(" (%.3g\xC3\x97 the activation peak)", mem.weight_bytes() / top),
                    ".");
  }
  absl::StrAppend(&caption, " Hover for a layer\xE2\x80\x99s figures; click to list its nodes.");
  absl::StrAppend(out, "<p class=\"muted caption\">", Html(caption), "</p>\n");
}

void MemorySection(const Report& r, const std::vector<Layer>& layers, std::string* out) {
  const Forward& f = r.forward();
  if (!f.has_memory()) return;
  const Memory& m = f.memory();
  const double traffic = m.bytes_read() + m.weight_bytes_read() + m.bytes_written();
  absl::StrAppend(out,
                  "<section id=\"memory\"><h2>Memory <span class=\"muted\">one forward pass, batch ",
                  f.batch_size(), "</span></h2>\n<div class=\"cards\">\n");
  Card(out, "", "weights", BigSi(m.weight_bytes(), "B"),
       absl::StrCat(Grouped(m.weight_bytes()), " bytes, held throughout"));
  Card(out, "", "peak activations", BigSi(m.peak_activation_bytes(), "B"),
       m.peak_node().empty() ? absl::StrCat(Grouped(m.peak_activation_bytes()), " bytes")
                             : absl::StrCat("at <code>", Html(ShortLabel(m.peak_node(), 30)),
                                            "</code>"));
  Card(out, "", "traffic", BigSi(traffic, "B"),
       absl::StrCat("read ", Bytes(m.bytes_read()), " \xC2\xB7 weights ", Bytes(m.weight_bytes_read()),
                    " \xC2\xB7 written ", Bytes(m.bytes_written())));
  Card(out, "", "intensity",
       absl::StrCat(absl::StrFormat("%.3g", m.intensity()), " <span class=\"unit\">FLOP/B</span>"),
       "forward FLOPs per byte moved");
  absl::StrAppend(out, "</div>\n");
  MemoryTimeline(r, layers, out);
  if (!m.note().empty()) absl::StrAppend(out, "<p class=\"muted\">", Html(m.note()), ".</p>\n");
  absl::StrAppend(out, "</section>\n");
}

constexpr int kMaxRooflineNodes = 2000;  // past this many nodes with work, points per layer only
constexpr int kMaxRooflineLayers = 2000;
constexpr int kOpColours = 6;  // op types with a colour of their own; the rest are "other"

struct RoofPoint {
  double x = 0, y = 0, r = 0;
  int colour = kOpColours;  // kOpColours: other, -1: no op type known
  std::string tooltip;
};

// log10 axis over whole decades [lo, hi], mapped onto pixels [p0, p1].
struct LogAxis {
  int lo = 0, hi = 1;
  double p0 = 0, p1 = 1;
  double At(double v) const {
    const double d = std::clamp(std::log10(v), static_cast<double>(lo), static_cast<double>(hi));
    return p0 + (p1 - p0) * (d - lo) / (hi - lo);
  }
};

LogAxis Decades(double min, double max, int most, double p0, double p1) {
  LogAxis a;
  a.hi = static_cast<int>(std::ceil(std::log10(max) - 1e-9));
  a.lo = static_cast<int>(std::floor(std::log10(min) + 1e-9));
  if (a.hi <= a.lo) a.hi = a.lo + 1;
  a.lo = std::max(a.lo, a.hi - most);
  a.p0 = p0;
  a.p1 = p1;
  return a;
}

// A point a log-log chart can place.
bool Plottable(double x, double y) { return std::isfinite(x) && std::isfinite(y) && x > 0 && y > 0; }

std::string Decade(int k) { return absl::StrFormat("%g", std::pow(10.0, k)); }

void RooflineChart(const Report& r, std::string* out) {
  const Forward& f = r.forward();
  const Roofline& rf = f.roofline();
  const double peak = rf.peak_flops(), bw = rf.bandwidth();
  const double ridge = rf.ridge() > 0 && std::isfinite(rf.ridge()) ? rf.ridge() : peak / bw;

  // Op types by the time of the nodes drawn: the first few get a colour.
  std::vector<int> work;
  int no_intensity = 0;
  double no_intensity_seconds = 0;
  std::vector<std::pair<std::string, double>> op_time;
  auto add_time = [](std::vector<std::pair<std::string, double>>* v, const std::string& k, double t) {
    for (auto& e : *v) {
      if (e.first == k) {
        e.second += t;
        return;
      }
    }
    v->emplace_back(k, t);
  };
  for (int i = 0; i < f.nodes_size(); ++i) {
    const NodeCost& n = f.nodes(i);
    if (!(n.seconds() > 0)) continue;
    if (n.intensity() > 0 && n.flops() > 0 && Plottable(n.intensity(), n.flops() / n.seconds())) {
      work.push_back(i);
      add_time(&op_time, OpName(n.op_type(), n.domain()), n.seconds());
    } else {
      ++no_intensity;
      no_intensity_seconds += n.seconds();
    }
  }
  std::stable_sort(op_time.begin(), op_time.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  auto colour_of = [&](const std::string& op) {
    for (int c = 0; c < std::min<int>(kOpColours, static_cast<int>(op_time.size())); ++c) {
      if (op_time[c].first == op) return c;
    }
    return kOpColours;
  };
  const bool per_node = !work.empty() && static_cast<int>(work.size()) <= kMaxRooflineNodes;

  double longest = 0;
  for (int i : work) longest = std::max(longest, f.nodes(i).seconds());
  std::vector<RoofPoint> nodes;
  if (per_node) {
    for (int i : work) {
      const NodeCost& n = f.nodes(i);
      const std::string op = OpName(n.op_type(), n.domain());
      const double bytes = n.bytes_read() + n.weight_bytes() + n.bytes_written();
      RoofPoint p;
      p.x = n.intensity();
      p.y = n.flops() / n.seconds();
      p.r = std::max(2.5, 11 * std::sqrt(n.seconds() / longest));
      p.colour = colour_of(op);
      p.tooltip = absl::StrCat(n.node(), "\n", op, ", ", n.limited_by(), "-bound\n", Grouped(n.flops()),
                               " FLOP, ", Bytes(bytes), " moved (", Grouped(bytes), " bytes)\n",
                               Intensity(n.intensity()), ", ", Time(n.seconds()), " at ",
                               SiUnit(p.y, "FLOP/s"));
      nodes.push_back(std::move(p));
    }
  }

  // Layers: their FLOPs over their summed time, below the roof where they
  // mix memory- and compute-bound nodes; coloured by the op type that takes
  // most of their time.
  std::vector<std::pair<std::string, std::vector<std::pair<std::string, double>>>> layer_ops;
  for (int i : work) {
    const NodeCost& n = f.nodes(i);
    auto it = std::find_if(layer_ops.begin(), layer_ops.end(),
                           [&](const auto& e) { return e.first == n.layer(); });
    if (it == layer_ops.end()) {
      layer_ops.emplace_back(n.layer(), std::vector<std::pair<std::string, double>>());
      it = layer_ops.end() - 1;
    }
    add_time(&it->second, OpName(n.op_type(), n.domain()), n.seconds());
  }
  std::vector<int> timed_layers;
  for (int i = 0; i < f.layers_size(); ++i) {
    const LayerCost& l = f.layers(i);
    if (l.flops() > 0 && l.bytes() > 0 && l.seconds() > 0 &&
        Plottable(l.flops() / l.bytes(), l.flops() / l.seconds())) {
      timed_layers.push_back(i);
    }
  }
  const int all_layers = static_cast<int>(timed_layers.size());
  if (all_layers > kMaxRooflineLayers) {
    std::stable_sort(timed_layers.begin(), timed_layers.end(),
                     [&](int a, int b) { return f.layers(a).seconds() > f.layers(b).seconds(); });
    timed_layers.resize(kMaxRooflineLayers);
    std::sort(timed_layers.begin(), timed_layers.end());
  }
  std::vector<RoofPoint> layer_points;
  for (int i : timed_layers) {
    const LayerCost& l = f.layers(i);
    RoofPoint p;
    p.x = l.flops() / l.bytes();
    p.y = l.flops() / l.seconds();
    p.r = 5;
    p.colour = -1;
    std::string most;
    for (const auto& e : layer_ops) {
      if (e.first != l.name()) continue;
      double t = 0;
      for (const auto& o : e.second) {
        if (o.second > t) {
          t = o.second;
          most = o.first;
        }
      }
    }
    if (!most.empty()) p.colour = colour_of(most);
    const double roof = std::min(peak, bw * p.x);
    p.tooltip = absl::StrCat(
        l.name(), " (layer)\n", Grouped(l.nodes()), l.nodes() == 1 ? " node, " : " nodes, ",
        Grouped(l.flops()), " FLOP, ", Bytes(l.bytes()), " moved\n", Intensity(p.x), ", ",
        Time(l.seconds()), " at ", SiUnit(p.y, "FLOP/s"), ": ", Percent(p.y / roof),
        " of the roof there", most.empty() ? "" : absl::StrCat("\nmost of its time in ", most));
    layer_points.push_back(std::move(p));
  }
  RoofPoint pass;
  const bool has_pass = f.memory().intensity() > 0 && rf.seconds() > 0 && f.flops() > 0 &&
                        Plottable(f.memory().intensity(), f.flops() / rf.seconds());
  if (has_pass) {
    pass.x = f.memory().intensity();
    pass.y = f.flops() / rf.seconds();
    pass.tooltip = absl::StrCat("whole forward pass\n", Grouped(f.flops()), " FLOP, ",
                                Bytes(f.flops() / pass.x), " moved\n", Intensity(pass.x), ", ",
                                Time(rf.seconds()), " at ", SiUnit(pass.y, "FLOP/s"), ": ",
                                Percent(rf.utilization_ceiling()),
                                " of the peak (the utilization ceiling)");
  }

  // Axes: whole decades around every point and the ridge.
  constexpr double kW = 1000, kL = 86, kR = 984, kT = 14, kB = 398, kH = 446;
  double xmin = ridge / 4, xmax = ridge * 4, ymin = peak;
  auto extend = [&](const RoofPoint& p) {
    xmin = std::min(xmin, p.x);
    xmax = std::max(xmax, p.x);
    ymin = std::min(ymin, p.y);
  };
  for (const RoofPoint& p : nodes) extend(p);
  for (const RoofPoint& p : layer_points) extend(p);
  if (has_pass) extend(pass);
  const LogAxis ax = Decades(xmin, xmax, 9, kL, kR);
  const double roof_left = bw * std::pow(10.0, ax.lo);
  const LogAxis ay = Decades(std::min(ymin, roof_left), peak * 1.6, 9, kB, kT);

  absl::StrAppend(out, "<svg class=\"chart roofline\" id=\"roofline-chart\" viewBox=\"0 0 ", kW, " ", kH,
                  "\" role=\"img\" aria-label=\"roofline: attainable FLOP/s against arithmetic "
                  "intensity on ",
                  Html(rf.hardware()), "\" data-points=\"", nodes.size(), "\" data-layers=\"",
                  layer_points.size(), "\">\n");
  const int xlabel_every = ax.hi - ax.lo > 6 ? 2 : 1;
  for (int k = ax.lo; k <= ax.hi; ++k) {
    const double gx = ax.At(std::pow(10.0, k));
    absl::StrAppend(out, "<line class=\"grid\" data-x=\"", Decade(k), "\" x1=\"", Px(gx), "\" y1=\"",
                    Px(kT), "\" x2=\"", Px(gx), "\" y2=\"", Px(kB), "\"/>");
    if ((k - ax.lo) % xlabel_every == 0) {
      absl::StrAppend(out, "<text class=\"v\" x=\"", Px(gx), "\" y=\"", Px(kB + 16),
                      "\" text-anchor=\"middle\">", Decade(k), "</text>");
    }
    absl::StrAppend(out, "\n");
  }
  const int ylabel_every = ay.hi - ay.lo > 6 ? 2 : 1;
  for (int k = ay.lo; k <= ay.hi; ++k) {
    const double gy = ay.At(std::pow(10.0, k));
    absl::StrAppend(out, "<line class=\"grid\" data-y=\"", Decade(k), "\" x1=\"", Px(kL), "\" y1=\"",
                    Px(gy), "\" x2=\"", Px(kR), "\" y2=\"", Px(gy), "\"/>");
    if ((ay.hi - k) % ylabel_every == 0) {
      absl::StrAppend(out, "<text class=\"v\" x=\"", Px(kL - 6), "\" y=\"", Px(gy + 4),
                      "\" text-anchor=\"end\">", SiUnit(std::pow(10.0, k), "FLOP/s"), "</text>");
    }
    absl::StrAppend(out, "\n");
  }
  absl::StrAppend(out, "<rect class=\"frame\" x=\"", Px(kL), "\" y=\"", Px(kT), "\" width=\"",
                  Px(kR - kL), "\" height=\"", Px(kB - kT), "\"/>\n<text class=\"v\" x=\"",
                  Px((kL + kR) / 2), "\" y=\"", Px(kH - 8),
                  "\" text-anchor=\"middle\">arithmetic intensity, FLOP per byte moved (log)</text>"
                  "<text class=\"v\" transform=\"translate(14 ",
                  Px((kT + kB) / 2), ") rotate(-90)\" text-anchor=\"middle\">FLOP/s (log)</text>\n");

  // The roof: bandwidth x intensity up to the ridge, then the peak. It
  // enters the plot at its left edge, or at its floor when that is higher.
  double x0 = std::pow(10.0, ax.lo);
  if (bw * x0 < std::pow(10.0, ay.lo)) x0 = std::pow(10.0, ay.lo) / bw;
  const double rx = ax.At(ridge), ry = ay.At(peak);
  const double lx = ax.At(x0), ly = ay.At(bw * x0);
  absl::StrAppend(
      out, "<line class=\"ridge\" id=\"roofline-ridge\" x1=\"", Px(rx), "\" y1=\"", Px(ry), "\" x2=\"",
      Px(rx), "\" y2=\"", Px(kB), "\"/>\n<polyline class=\"roof\" id=\"roofline-roof\" points=\"",
      Px(lx), ",", Px(ly), " ", Px(rx), ",", Px(ry), " ", Px(kR), ",", Px(ry), "\"><title>",
      Html(absl::StrCat("roof on ", rf.hardware(), " (", rf.precision(), "): min(",
                        SiUnit(peak, "FLOP/s"), ", ", SiUnit(bw, "B/s"),
                        " \xC3\x97 intensity)")),
      "</title></polyline>\n");
  const double angle = std::atan2(ry - ly, rx - lx) * 180 / 3.14159265358979323846;
  absl::StrAppend(
      out, "<text class=\"roof-label\" x=\"", Px(kR - 4), "\" y=\"", Px(ry - 16),
      "\" text-anchor=\"end\">peak ", Html(SiUnit(peak, "FLOP/s")), " (", Html(rf.precision()),
      ")</text>\n<text class=\"roof-label\" transform=\"translate(", Px((lx + rx) / 2), " ",
      Px((ly + ry) / 2 - 10), ") rotate(", absl::StrFormat("%.1f", angle),
      ")\" text-anchor=\"middle\">", Html(SiUnit(bw, "B/s")), " \xC3\x97 intensity</text>\n",
      "<text class=\"roof-label\" id=\"roofline-ridge-label\" x=\"", Px(rx + 5), "\" y=\"",
      Px(kB - 8), "\">ridge ", Html(Intensity(ridge)), "</text>\n<text class=\"v\" x=\"", Px(rx - 8),
      "\" y=\"", Px(kB - 24), "\" text-anchor=\"end\">\xE2\x86\x90 memory-bound</text><text class=\"v\" "
      "x=\"", Px(rx + 8), "\" y=\"", Px(kB - 24), "\">compute-bound \xE2\x86\x92</text>\n");

  // Points: nodes first (largest at the back), then layers, then the pass.
  std::vector<size_t> order(nodes.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return nodes[a].r > nodes[b].r; });
  for (size_t i : order) {
    const RoofPoint& p = nodes[i];
    absl::StrAppend(out, "<circle class=\"pt k", p.colour, "\" cx=\"", Px(ax.At(p.x)), "\" cy=\"",
                    Px(ay.At(p.y)), "\" r=\"", absl::StrFormat("%.1f", p.r), "\"><title>",
                    Html(p.tooltip), "</title></circle>\n");
  }
  for (const RoofPoint& p : layer_points) {
    const double cx = ax.At(p.x), cy = ay.At(p.y);
    absl::StrAppend(out, "<path class=\"lyr ", p.colour < 0 ? "kn" : absl::StrCat("k", p.colour),
                    "\" d=\"M", Px(cx), ",", Px(cy - p.r), "l", Px(p.r), ",", Px(p.r), "l", Px(-p.r),
                    ",", Px(p.r), "l", Px(-p.r), ",", Px(-p.r), "z\"><title>", Html(p.tooltip),
                    "</title></path>\n");
  }
  if (has_pass) {
    const double cx = ax.At(pass.x), cy = ay.At(pass.y);
    absl::StrAppend(out, "<g id=\"roofline-pass\"><circle class=\"pass\" cx=\"", Px(cx), "\" cy=\"",
                    Px(cy), "\" r=\"8\"><title>", Html(pass.tooltip),
                    "</title></circle><text class=\"pass-label\" x=\"", Px(cx + 11), "\" y=\"",
                    Px(cy + 16), "\">whole pass</text></g>\n");
  }
  absl::StrAppend(out, "</svg>\n");

  // Legend and caption.
  absl::StrAppend(out, "<div class=\"split legend\">");
  const int coloured = std::min<int>(kOpColours, static_cast<int>(op_time.size()));
  for (int c = 0; c < coloured; ++c) {
    absl::StrAppend(out, "<span><i class=\"key k", c, "\"></i>", Html(op_time[c].first), "</span>");
  }
  if (static_cast<int>(op_time.size()) > kOpColours) {
    absl::StrAppend(out, "<span><i class=\"key k", kOpColours, "\"></i>other (",
                    op_time.size() - kOpColours, " op types)</span>");
  }
  if (!layer_points.empty()) absl::StrAppend(out, "<span><i class=\"key lyr\"></i>layer</span>");
  if (has_pass) absl::StrAppend(out, "<span><i class=\"key pass\"></i>whole pass</span>");
  absl::StrAppend(out, "</div>\n");

  std::string caption;
  if (per_node) {
    absl::StrAppend(
        &caption, "Dots: the ", Grouped(nodes.size()), nodes.size() == 1 ? " node" : " nodes",
        " with arithmetic, each at its intensity, its area in proportion to its time. The roofline "
        "model gives "
        "each node max(FLOPs / peak, bytes / bandwidth), so a node\xE2\x80\x99s rate lies on the roof "
        "by construction: the dots show on which side of the ridge the work and the time sit. ");
  } else if (!work.empty()) {
    absl::StrAppend(&caption, "The ", Grouped(work.size()),
                    " nodes with arithmetic are too many to draw one by one (more than ",
                    Grouped(kMaxRooflineNodes), "); each point is a layer. ");
  } else {
    absl::StrAppend(&caption, "No per-node figures (analyze with per_node): each point is a layer. ");
  }
  if (!layer_points.empty()) {
    absl::StrAppend(
        &caption, "Diamonds: the ", Grouped(layer_points.size()),
        layer_points.size() == 1 ? " layer" : " layers",
        all_layers > kMaxRooflineLayers ? absl::StrCat(" that take the most time, of ", all_layers) : "",
        " (forward.layers), their FLOPs over their summed time against their FLOPs per byte: a "
        "layer that mixes memory-bound and compute-bound nodes falls below the roof, by as much as "
        "its memory-bound nodes cost it; coloured by the op type that takes most of its time. ");
  }
  if (has_pass) {
    absl::StrAppend(&caption, "The ring is the whole pass: ", Percent(rf.utilization_ceiling()),
                    " of the peak at best. ");
  }
  if (no_intensity > 0) {
    absl::StrAppend(&caption, Grouped(no_intensity),
                    no_intensity == 1 ? " node moves" : " nodes move",
                    " data without arithmetic (intensity 0, off the log scale) and take ",
                    Percent(rf.seconds() > 0 ? no_intensity_seconds / rf.seconds() : 0),
                    " of the time. ");
  }
  absl::StrAppend(&caption, "Hover over a point for its figures.");
  absl::StrAppend(out, "<p class=\"muted caption\">", Html(caption), "</p>\n");
}

void RooflineSection(const Report& r, std::string* out) {
  const Forward& f = r.forward();
  if (!f.has_roofline()) return;
  const Roofline& rf = f.roofline();
  absl::StrAppend(out, "<section id=\"roofline\"><h2>Time on ", Html(rf.hardware()),
                  " <span class=\"muted\">roofline at ", Html(rf.precision()), ": ",
                  Html(SiUnit(rf.peak_flops(), "FLOP/s")), ", ", Html(SiUnit(rf.bandwidth(), "B/s")),
                  ", ridge ", Html(Intensity(rf.ridge())), "</span></h2>\n<div class=\"cards\">\n");
  Card(out, "", "time per pass", BigTime(rf.seconds()),
       f.batch_size() > 1
           ? absl::StrCat(Time(rf.seconds() / static_cast<double>(f.batch_size())), " per example")
           : "sum of the node times");
  Card(out, "", "compute-only time", BigTime(rf.compute_seconds()), "forward FLOPs / peak");
  int with_work = 0;
  for (const NodeCost& n : f.nodes()) with_work += n.seconds() > 0;
  Card(out, "", "memory-bound nodes", Percent(rf.memory_bound_node_share()),
       absl::StrCat(Grouped(rf.memory_bound_nodes()),
                    with_work > 0 ? absl::StrCat(" of ", Grouped(with_work)) : "",
                    " nodes with work"));
  Card(out, "", "memory-bound time", Percent(rf.memory_bound_time_share()),
       absl::StrCat(Time(rf.memory_bound_time_share() * rf.seconds()), " of ", Time(rf.seconds())));
  Card(out, "", "utilization ceiling", Percent(rf.utilization_ceiling()),
       "compute-only time / time: the most of the peak this pass can use");
  absl::StrAppend(out, "</div>\n");
  if (Plottable(rf.peak_flops(), rf.bandwidth())) RooflineChart(r, out);
  if (!rf.note().empty()) absl::StrAppend(out, "<p class=\"muted\">", Html(rf.note()), ".</p>\n");
  absl::StrAppend(out, "</section>\n");
}

void LayerTable(const Forward& f, std::string* out) {
  if (f.layers_size() < 2) return;
  constexpr int kMaxRows = 500;
  const bool timed = f.has_roofline();
  absl::StrAppend(
      out, "<section id=\"layers\"><h2>Layers <span class=\"muted\">(", Grouped(f.layers_size()),
      ", in graph order, from the module paths in the node names)</span></h2>\n"
      "<div class=\"table-wrap\"><table class=\"sortable static\" id=\"layer-table\"><thead><tr>"
      "<th class=\"n\" data-type=\"num\">#</th><th>layer</th><th class=\"n\" data-type=\"num\">nodes"
      "</th><th class=\"n\" data-type=\"num\">FLOP</th><th class=\"n\" data-type=\"num\">share</th>"
      "<th class=\"n\" data-type=\"num\">bytes</th><th class=\"n\" data-type=\"num\">weights</th>"
      "<th class=\"n\" data-type=\"num\">FLOP/byte</th>",
      timed ? "<th class=\"n\" data-type=\"num\">time</th><th class=\"n\" data-type=\"num\">"
              "share of time</th>"
            : "",
      "</tr></thead><tbody>\n");
  const double seconds = f.has_roofline() ? f.roofline().seconds() : 0;
  for (int i = 0; i < std::min(kMaxRows, f.layers_size()); ++i) {
    const LayerCost& l = f.layers(i);
    const double intensity = l.bytes() > 0 ? l.flops() / l.bytes() : 0;
    absl::StrAppend(out, "<tr><td class=\"n\">", i + 1, "</td><td class=\"mono\">", Html(l.name()),
                    "</td><td class=\"n\">", Grouped(l.nodes()), "</td><td class=\"n\" data-v=\"",
                    JsonNumber(l.flops()), "\">", Grouped(l.flops()), "</td><td class=\"n\" data-v=\"",
                    JsonNumber(f.flops() > 0 ? l.flops() / f.flops() : 0), "\">",
                    Share(l.flops(), f.flops()), "</td><td class=\"n\" data-v=\"",
                    JsonNumber(l.bytes()), "\" title=\"", Grouped(l.bytes()), " bytes\">",
                    Bytes(l.bytes()), "</td><td class=\"n\" data-v=\"", JsonNumber(l.weight_bytes()),
                    "\" title=\"", Grouped(l.weight_bytes()), " bytes\">", Bytes(l.weight_bytes()),
                    "</td><td class=\"n\" data-v=\"", JsonNumber(intensity), "\">",
                    l.bytes() > 0 ? absl::StrFormat("%.3g", intensity) : "\xE2\x80\x94", "</td>");
    if (timed) {
      absl::StrAppend(out, "<td class=\"n\" data-v=\"", JsonNumber(l.seconds()), "\">",
                      Time(l.seconds()), "</td><td class=\"n\" data-v=\"",
                      JsonNumber(seconds > 0 ? l.seconds() / seconds : 0), "\">",
                      Share(l.seconds(), seconds), "</td>");
    }
    absl::StrAppend(out, "</tr>\n");
  }
  absl::StrAppend(out, "</tbody></table></div>\n");
  if (f.layers_size() > kMaxRows) {
    absl::StrAppend(out, "<p class=\"muted\">and ", Grouped(f.layers_size() - kMaxRows),
                    " more layers (forward.layers in <code>--format json</code>).</p>\n");
  }
  absl::StrAppend(out, "</section>\n");
}

void OpTypeTable(const Forward& f, std::string* out) {
  absl::StrAppend(
      out, "<section id=\"op-types\"><h2>Op types <span class=\"muted\">(", f.by_op_type_size(),
      ")</span></h2>\n<div class=\"table-wrap\"><table class=\"sortable static\"><thead><tr>"
      "<th>op type</th><th class=\"n\" data-type=\"num\">nodes</th><th class=\"n\" "
      "data-type=\"num\">FLOP</th>"
      "<th class=\"n\" data-type=\"num\">share</th><th class=\"n\" data-type=\"num\">matmul FLOP</th>"
      "<th class=\"n\" data-type=\"num\">vector FLOP</th><th class=\"n\" data-type=\"num\">MACs</th>"
      "<th class=\"n\" data-type=\"num\">uncounted</th></tr></thead><tbody>\n");
  for (const OpTypeCost& op : f.by_op_type()) {
    absl::StrAppend(out, "<tr", op.uncounted() > 0 ? " class=\"uncounted\"" : "", "><td>",
                    Html(OpName(op.op_type(), op.domain())), "</td><td class=\"n\">",
                    Grouped(op.nodes()), "</td><td class=\"n\" data-v=\"", JsonNumber(op.flops()), "\">",
                    Grouped(op.flops()), "</td><td class=\"n\" data-v=\"", JsonNumber(op.share()), "\">",
                    Percent(op.share()), "<span class=\"share\" style=\"width:",
                    absl::StrFormat("%.0f", 60 * std::clamp(op.share(), 0.0, 1.0)),
                    "px\"></span></td><td class=\"n\" data-v=\"", JsonNumber(op.matmul_flops()), "\">",
                    Grouped(op.matmul_flops()), "</td><td class=\"n\" data-v=\"",
                    JsonNumber(op.vector_flops()), "\">", Grouped(op.vector_flops()),
                    "</td><td class=\"n\" data-v=\"", JsonNumber(op.macs()), "\">", Grouped(op.macs()),
                    "</td><td class=\"n\">", op.uncounted(), "</td></tr>\n");
  }
  absl::StrAppend(out, "</tbody></table></div>\n</section>\n");
}

int StatusCode(const std::string& status) {
  if (status == "uncounted") return 2;
  if (status == "data_movement") return 1;
  return 0;
}

void NodeTable(const Forward& f, std::string* out) {
  absl::StrAppend(out, "<section id=\"nodes\"><h2>Nodes <span class=\"muted\">(",
                  Grouped(f.nodes_size()), ", in graph order)</span></h2>\n");
  if (f.nodes_size() == 0) {
    absl::StrAppend(out,
                    "<p class=\"muted\">No per-node figures in this report (analyze with "
                    "per_node).</p></section>\n");
    return;
  }
  absl::StrAppend(
      out,
      "<div class=\"needs-js\"><div class=\"controls\"><input type=\"search\" id=\"node-filter\" "
      "placeholder=\"Filter by node name or op type\" aria-label=\"filter nodes\">"
      "<label><input type=\"checkbox\" id=\"node-uncounted\"> uncounted only</label>"
      "<span class=\"chip\" id=\"node-scope\" hidden><span id=\"node-scope-text\"></span>"
      "<button type=\"button\" id=\"node-scope-clear\" aria-label=\"clear\">\xC3\x97</button></span>"
      "<span class=\"muted\" id=\"node-count\"></span></div>\n"
      "</div><noscript><p>The node table is drawn by the page's script, which is off. The figures above "
      "do not need it; every node is in the report's JSON (<code>--format json "
      "--per-node</code>).</p></noscript>\n"
      "<div class=\"needs-js\"><div class=\"table-wrap\"><table class=\"nodes sortable\" "
      "id=\"node-table\"><thead><tr>"
      "<th class=\"n\" data-k=\"0\" data-type=\"num\">#</th><th data-k=\"1\">node</th>"
      "<th data-k=\"2\">op type</th><th data-k=\"3\" data-type=\"num\">status</th>"
      "<th class=\"n\" data-k=\"4\" data-type=\"num\">FLOP</th><th class=\"n\" data-k=\"4\" "
      "data-type=\"num\">share</th>"
      "<th class=\"n\" data-k=\"5\" data-type=\"num\">matmul FLOP</th><th class=\"n\" data-k=\"6\" "
      "data-type=\"num\">MACs</th>"
      "<th data-k=\"7\">output shape</th><th data-k=\"8\">formula or reason</th>"
      "</tr></thead><tbody id=\"node-rows\"></tbody></table></div>\n"
      "<div class=\"more\"><button type=\"button\" id=\"node-more\" hidden>Show more</button>"
      "<button type=\"button\" id=\"node-all\" hidden>Show all</button></div></div>\n</section>\n");
}

// The node rows for the script: arrays rather than objects, since the keys
// would repeat once per node.
void NodeData(const Forward& f, std::string* out) {
  absl::StrAppend(out, "<script type=\"application/json\" id=\"node-data\">{\"total\":",
                  JsonNumber(f.flops()), ",\"nodes\":[");
  for (int i = 0; i < f.nodes_size(); ++i) {
    const NodeCost& n = f.nodes(i);
    absl::StrAppend(out, i == 0 ? "\n[" : ",\n[", JsonString(n.node()), ",",
                    JsonString(OpName(n.op_type(), n.domain())), ",", StatusCode(n.status()), ",",
                    JsonNumber(n.flops()), ",", JsonNumber(n.matmul_flops()), ",", JsonNumber(n.macs()),
                    ",", JsonString(n.output_shape()), ",", JsonString(n.detail()), "]");
  }
  absl::StrAppend(out, "]}</script>\n");
}

void ModelDetails(const Report& r, std::string* out) {
  const ModelInfo& m = r.model();
  if (m.inputs_size() + m.outputs_size() + r.assumed_dims_size() == 0) return;
  absl::StrAppend(out,
                  "<section id=\"model\"><h2>Inputs, outputs and dims</h2><table><thead><tr>"
                  "<th></th><th>name</th><th>type</th><th>shape</th></tr></thead><tbody>\n");
  auto value = [&](const char* kind, const ValueShape& v) {
    absl::StrAppend(out, "<tr><td class=\"muted\">", kind, "</td><td class=\"mono\">", Html(v.name()),
                    "</td><td>", Html(v.elem_type()), "</td><td class=\"mono\">", Html(v.shape()),
                    "</td></tr>\n");
  };
  for (const ValueShape& v : m.inputs()) value("input", v);
  for (const ValueShape& v : m.outputs()) value("output", v);
  for (const AssumedDim& a : r.assumed_dims()) {
    absl::StrAppend(out, "<tr><td class=\"muted\">dim</td><td class=\"mono\">", Html(a.name()),
                    "</td><td>", Grouped(static_cast<double>(a.value())), "</td><td>", Html(a.source()),
                    "</td></tr>\n");
  }
  absl::StrAppend(out, "</tbody></table></section>\n");
}

void Checks(const Report& r, std::string* out) {
  if (r.gates_size() == 0 && !r.has_baseline()) return;
  absl::StrAppend(out, "<section id=\"checks\"><h2>Gates and baseline</h2>\n");
  if (r.gates_size() > 0) {
    absl::StrAppend(out,
                    "<table><thead><tr><th>gate</th><th>limits</th><th class=\"n\">limit</th>"
                    "<th class=\"n\">value</th><th>result</th></tr></thead><tbody>\n");
    for (const GateResult& g : r.gates()) {
      absl::StrAppend(
          out, "<tr", g.passed() ? "" : " class=\"uncounted\"", "><td class=\"mono\">", Html(g.gate()),
          "</td><td>", Html(g.quantity()), "</td><td class=\"n\">", Scientific(g.limit()),
          "</td><td class=\"n\">", Scientific(g.value()), "</td><td>",
          g.passed() ? "<span class=\"pill ok\">pass</span>" : "<span class=\"pill u\">FAIL</span>",
          "</td></tr>\n");
    }
    absl::StrAppend(out, "</tbody></table>\n");
  }
  if (r.has_baseline()) {
    const BaselineComparison& b = r.baseline();
    absl::StrAppend(
        out, "<h3>Baseline <code>", Html(b.path()), "</code>: ",
        b.passed() ? "<span class=\"pill ok\">within</span>" : "<span class=\"pill u\">OVER</span>",
        " the tolerance of ", absl::StrFormat("%g%%", 100 * b.max_increase()),
        " growth</h3>\n"
        "<table><thead><tr><th>metric</th><th class=\"n\">baseline</th><th class=\"n\">now</th>"
        "<th class=\"n\">change</th><th>status</th></tr></thead><tbody>\n");
    auto change = [&](const MetricChange& c) {
      absl::StrAppend(out, "<tr", c.over_limit() ? " class=\"uncounted\"" : "", "><td>", Html(c.name()),
                      "</td><td class=\"n\">", Grouped(c.before()), "</td><td class=\"n\">",
                      Grouped(c.after()), "</td><td class=\"n\">", c.change() > 0 ? "+" : "",
                      Grouped(c.change()), "</td><td>", Html(c.status()),
                      c.status() == "grown" || c.status() == "shrunk"
                          ? absl::StrFormat(" (%+.1f%%)", 100 * c.relative())
                          : "",
                      "</td></tr>\n");
    };
    for (const MetricChange& c : b.metrics()) change(c);
    for (const MetricChange& c : b.op_types()) {
      if (c.status() != "same") change(c);
    }
    absl::StrAppend(out, "</tbody></table>\n");
    for (const std::string& n : b.notes())
      absl::StrAppend(out, "<p class=\"muted\">Note: ", Html(n), "</p>\n");
  }
  absl::StrAppend(out, "</section>\n");
}

}  // namespace

std::string RenderHtml(const Report& r) {
  const Forward& f = r.forward();
  int chunk = 0;
  const std::vector<Layer> all_layers = GroupLayers(f, &chunk);
  const int grouped_layers = static_cast<int>(all_layers.size());
  const std::vector<Layer> layers = CapLayers(all_layers);

  std::string out;
  out.reserve(32768 + static_cast<size_t>(f.nodes_size()) * 160);
  absl::StrAppend(&out,
                  "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                  "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                  "<meta name=\"generator\" content=\"",
                  Html(r.tool().empty() ? "onnx-flops" : r.tool()), " ", Html(r.tool_version()),
                  "\">\n<title>", Html(r.model().path()), " \xE2\x80\x94 onnx-flops</title>\n<style>",
                  kHtmlReportCss, "</style>\n</head>\n<body>\n");
  Header(r, &out);
  absl::StrAppend(&out, "<main class=\"wrap\">\n");
  Warnings(r, &out);
  Summary(r, &out);
  Checks(r, &out);
  Charts(r, layers, grouped_layers, chunk, &out);
  if (r.has_training()) TrainingSection(r.training(), &out);
  MemorySection(r, layers, &out);
  RooflineSection(r, &out);
  LayerTable(f, &out);
  OpTypeTable(f, &out);
  NodeTable(f, &out);
  ModelDetails(r, &out);
  absl::StrAppend(&out, "</main>\n<footer>", Html(r.tool().empty() ? "onnx-flops" : r.tool()), " ",
                  Html(r.tool_version()),
                  " \xC2\xB7 counting conventions and per-op formulas: docs/rules.md</footer>\n");
  NodeData(f, &out);
  absl::StrAppend(&out, "<script>", kHtmlReportJs, "</script>\n</body>\n</html>\n");
  return out;
}

}  // namespace onnx_flops
