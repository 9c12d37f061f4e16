// The HTML report: one file that opens anywhere, offline. Everything a reader
// needs first (summary, charts, op types, training) is static HTML and SVG, so
// it shows without JavaScript; only the per-node table is drawn by the inline
// script, from a JSON array, a page of rows at a time, so that a graph of
// thousands of nodes stays a file of a few hundred kilobytes and a page that
// scrolls. Every string from the model is escaped: names, op types, paths and
// warnings are arbitrary bytes.
#include <algorithm>
#include <cmath>
#include <string>
#include <string_view>
#include <vector>

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
