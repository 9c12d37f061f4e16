// The compute statement: a paragraph, a table of every input with its
// source, and a reproducibility line, in Markdown or LaTeX. It states only
// what the report holds; each sentence is assembled from fields, so a figure
// the analysis did not produce is never printed.
#include <cctype>
#include <cmath>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "analyzer/report/render.h"

namespace onnx_flops {
namespace {

struct Writer {
  bool latex = false;

  // Text from the model or the user, made safe for the target.
  std::string Text(const std::string& s) const {
    if (!latex) return absl::StrReplaceAll(s, {{"|", "\\|"}, {"\n", " "}, {"\r", " "}});
    std::string out;
    int run = 0;  // alphanumerics since the last other character
    for (size_t i = 0; i < s.size(); ++i) {
      const char c = s[i];
      // "--flag" would typeset as an en dash.
      if (c == '-' && i + 1 < s.size() && s[i + 1] == '-') {
        out += "-{}";
        continue;
      }
      switch (c) {
        case '\\': out += "\\textbackslash{}"; break;
        case '~': out += "\\textasciitilde{}"; break;
        case '^': out += "\\textasciicircum{}"; break;
        case '&': case '%': case '$': case '#': case '_': case '{': case '}':
          out.push_back('\\');
          out.push_back(c);
          break;
        case '\n': case '\r': out.push_back(' '); break;
        default: out.push_back(c);
      }
      // Paths, URLs, hashes and command lines have no spaces to break at.
      const bool long_run = std::isalnum(static_cast<unsigned char>(c)) && ++run % 16 == 0;
      if (c == '/' || c == '=' || long_run) out += "\\allowbreak{}";
      if (!std::isalnum(static_cast<unsigned char>(c))) run = 0;
    }
    return out;
  }
  std::string Code(const std::string& s) const {
    if (!latex) {
      // A backtick inside would end the span: use a longer fence.
      return s.find('`') == std::string::npos ? absl::StrCat("`", s, "`")
                                              : absl::StrCat("`` ", s, " ``");
    }
    return absl::StrCat("\\texttt{", Text(s), "}");
  }
  std::string Bold(const std::string& s) const {
    return latex ? absl::StrCat("\\textbf{", s, "}") : absl::StrCat("**", s, "**");
  }
  // 3 significant digits: 2.84 x 10^18.
  std::string Sci(double x) const {
    if (x == 0 || !std::isfinite(x)) return absl::StrFormat("%.3g", x);
    int e = static_cast<int>(std::floor(std::log10(std::fabs(x))));
    double m = x / std::pow(10.0, e);
    if (std::fabs(std::round(m * 100) / 100) >= 10) {  // 9.995 rounds up to 10.0
      m /= 10;
      ++e;
    }
    if (e >= -2 && e <= 3) return absl::StrFormat("%.3g", x);
    // A threshold is a power of ten: 10^25, not 1.00 x 10^25.
    const bool power = m == 1.0;
    if (latex) {
      return power ? absl::StrFormat("$10^{%d}$", e) : absl::StrFormat("$%.2f \\times 10^{%d}$", m, e);
    }
    if (power) return absl::StrCat("10", Superscript(e));
    return absl::StrCat(absl::StrFormat("%.2f", m), " × 10", Superscript(e));
  }
  static std::string Superscript(int e) {
    static const char* const kDigits[] = {"⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"};
    std::string digits = absl::StrCat(e < 0 ? -e : e);
    std::string out = e < 0 ? "⁻" : "";
    for (char c : digits) out += kDigits[c - '0'];
    return out;
  }
  std::string Percent(double fraction) const {
    const std::string p = absl::StrFormat("%.3g", 100 * fraction);
    return latex ? absl::StrCat(p, "\\%") : absl::StrCat(p, "%");
  }
  std::string Times() const { return latex ? "$\\times$" : "×"; }
  std::string Dash() const { return latex ? "--" : "–"; }
};

std::string InputLabel(const std::string& name) {
  static const std::pair<const char*, const char*> kLabels[] = {
      {"forward_flops_per_example", "Forward FLOP per example"},
      {"examples", "Examples per epoch"},
      {"tokens", "Tokens per epoch"},
      {"epochs", "Epochs"},
      {"batch_size", "Batch size"},
      {"steps", "Optimizer steps"},
      {"sequence_length", "Sequence length (tokens per example)"},
      {"backward_ratio", "Backward:forward FLOP ratio"},
      {"backward", "Backward model"},
      {"frozen", "Frozen parameters"},
      {"optimizer", "Optimizer"},
      {"model", "Model file"},
      {"hardware", "Hardware"},
      {"chips", "Chips"},
      {"hours", "Training time (hours)"},
      {"days", "Training time (days)"},
      {"chip_hours", "Chip-hours"},
      {"precision", "Precision"},
      {"utilization", "Utilization of peak"},
      {"peak_flops", "Peak FLOP/s per chip"},
      {"price_per_chip_hour", "Price per chip-hour"},
  };
  for (const auto& [key, label] : kLabels) {
    if (name == key) return label;
  }
  return name;  // "dim batch", ...
}

std::string Source(const Writer& w, const TrainingInput& in) {
  std::string s = in.assumed() ? w.Bold("assumed") : w.Text(in.source());
  if (in.assumed() && in.source() != "default") absl::StrAppend(&s, " (", w.Text(in.source()), ")");
  if (!in.note().empty()) absl::StrAppend(&s, ": ", w.Text(in.note()));
  return s;
}

const TrainingInput* FindInput(const Training& t, const std::string& name) {
  for (const TrainingInput& in : t.inputs()) {
    if (in.name() == name && in.phase().empty()) return &in;
  }
  return nullptr;
}

// "a backward:forward ratio of 2 (assumed)"
std::string RatioPhrase(const Writer& w, const Training& t) {
  if (t.backward_model() == "per-op") {
    return absl::StrCat("the cost counted op by op (an effective backward:forward ratio of ",
                        absl::StrFormat("%.3g", t.effective_backward_ratio()), ")");
  }
  const TrainingInput* in = FindInput(t, "backward_ratio");
  return absl::StrCat("a backward:forward FLOP ratio of ",
                      absl::StrFormat("%g", t.effective_backward_ratio()),
                      in != nullptr && in->assumed() ? " (assumed)" : "");
}

std::string MethodOneSentence(const Writer& w, const Report& r) {
  const Training& t = r.training();
  const std::string x = absl::StrCat(" ", w.Times(), " ");
  if (t.phases_size() > 0) {
    std::vector<std::string> parts;
    for (const TrainingPhase& p : t.phases()) {
      parts.push_back(absl::StrCat(w.Text(p.name()), ", ", w.Sci(p.flops()), " FLOP (",
                                   w.Sci(p.forward_flops_per_example()), " FLOP per example",
                                   x, "(1 + ", absl::StrFormat("%.3g", p.backward_ratio()), ")", x,
                                   Grouped(p.examples()), " examples", x, Grouped(p.epochs()),
                                   p.epochs() == 1 ? " epoch)" : " epochs)"));
    }
    return absl::StrCat("It sums ", t.phases_size(), " phases: ", absl::StrJoin(parts, "; "), ".");
  }
  std::string data = absl::StrCat(Grouped(t.examples()), " examples");
  if (t.tokens() > 0) {
    data = absl::StrCat(Grouped(t.examples()), " sequences (", Grouped(t.tokens()), " tokens / ",
                        Grouped(static_cast<double>(t.sequence_length())), " tokens each)");
  }
  const TrainingInput* epochs = FindInput(t, "epochs");
  std::string sentence = absl::StrCat(
      "The forward pass costs ", w.Sci(t.forward_flops_per_example()), " FLOP per example");
  if (r.forward().flops_per_token() > 0) {
    absl::StrAppend(&sentence, " (", w.Sci(r.forward().flops_per_token()), " per token)");
  }
  absl::StrAppend(&sentence, "; training adds the backward pass at ", RatioPhrase(w, t));
  if (t.optimizer_flops_per_example() > 0) {
    absl::StrAppend(&sentence, " and ", w.Sci(t.optimizer_flops_per_example()),
                    " FLOP of optimizer updates per example");
  }
  absl::StrAppend(&sentence, ", over ", data, x, Grouped(t.epochs()), " epoch",
                  t.epochs() == 1 ? "" : "s",
                  epochs != nullptr && epochs->assumed() ? " (assumed)" : "", ".");
  return sentence;
}

std::string MethodTwoSentence(const Writer& w, const Training& t) {
  if (!t.has_method2()) return "";
  const Method2& m = t.method2();
  const TrainingInput* precision = FindInput(t, "precision");
  const TrainingInput* utilization = FindInput(t, "utilization");
  std::string s = absl::StrCat(
      "As a cross-check from the hardware (method 2), ", Grouped(m.chips()), " ",
      w.Text(m.hardware()), m.chips() == 1 ? "" : " chips", " for ",
      absl::StrFormat("%.4g", m.seconds() / 3600), " hours at a peak of ",
      w.Sci(m.peak_flops()), " FLOP/s per chip (", w.Text(m.precision()),
      precision != nullptr && precision->assumed() ? ", assumed" : "", ") and ",
      w.Percent(m.utilization()), " utilization",
      utilization != nullptr && utilization->assumed() ? " (assumed)" : "", " give ",
      w.Sci(m.flops()), " FLOP");
  if (m.has_range()) {
    absl::StrAppend(&s, " (", w.Sci(m.range().low()), w.Dash(), w.Sci(m.range().high()),
                    " FLOP for utilization ", absl::StrFormat("%g", m.range().low() / m.flops() * m.utilization()),
                    w.Dash(), absl::StrFormat("%g", m.range().high() / m.flops() * m.utilization()), ")");
  }
  absl::StrAppend(&s, ".");
  if (t.implied_utilization() > 0) {
    absl::StrAppend(&s, " Method 1's count over that hardware time implies a utilization of ",
                    w.Percent(t.implied_utilization()), " (method 1 / method 2 = ",
                    w.Sci(t.method1_over_method2()), ")",
                    t.implied_utilization() > 1
                        ? ": above 100%, so the hardware figures or the data figures are off"
                        : "",
                    ".");
  }
  return s;
}

std::string ThresholdSentence(const Writer& w, const Training& t) {
  if (t.thresholds_size() == 0) return "";
  std::vector<std::string> parts;
  for (const Threshold& th : t.thresholds()) {
    // "EU AI Act: what it means": the table gives the meaning.
    parts.push_back(absl::StrCat(th.above() ? "above" : "below", " the ", w.Sci(th.flops()),
                                 " FLOP threshold of the ",
                                 w.Text(th.name().substr(0, th.name().find(": ")))));
  }
  return absl::StrCat("The estimate is ", absl::StrJoin(parts, ", and "), ".");
}

void Row(const Writer& w, std::string* out, const std::string& a, const std::string& b,
         const std::string& c) {
  if (w.latex) {
    absl::StrAppend(out, a, " & ", b, " & ", c, " \\\\\n");
  } else {
    absl::StrAppend(out, "| ", a, " | ", b, " | ", c, " |\n");
  }
}

void Table(const Writer& w, const Report& r, std::string* out) {
  const Training& t = r.training();
  if (w.latex) {
    // Wrapping columns: sources are sentences.
    absl::StrAppend(out,
                    "\\begin{tabular}{p{0.22\\linewidth}p{0.22\\linewidth}p{0.42\\linewidth}}\n"
                    "\\hline\nQuantity & Value & Source \\\\\n\\hline\n");
  } else {
    absl::StrAppend(out, "| Quantity | Value | Source |\n|---|---|---|\n");
  }
  if (r.has_training() && t.flops() > 0) {
    Row(w, out, w.Bold("Training compute (method 1)"), w.Bold(absl::StrCat(w.Sci(t.flops()), " FLOP")),
        w.Text(t.formula()));
    if (t.has_range()) {
      Row(w, out, "Plausible range",
          absl::StrCat(w.Sci(t.range().low()), " ", w.Dash(), " ", w.Sci(t.range().high()), " FLOP"),
          w.Text(t.range().basis()));
    }
  }
  if (r.has_training() && t.has_method2()) {
    Row(w, out, "Training compute (method 2)", absl::StrCat(w.Sci(t.method2().flops()), " FLOP"),
        w.Text(t.method2().formula()));
    if (t.method2().has_range()) {
      Row(w, out, "Method 2 range",
          absl::StrCat(w.Sci(t.method2().range().low()), " ", w.Dash(), " ",
                       w.Sci(t.method2().range().high()), " FLOP"),
          w.Text(t.method2().range().basis()));
    }
    if (t.implied_utilization() > 0) {
      Row(w, out, "Utilization implied by method 1", w.Percent(t.implied_utilization()),
          absl::StrCat("method 1 / (chips ", w.Times(), " seconds ", w.Times(), " peak)"));
    }
  }
  if (!r.has_training()) {
    Row(w, out, "Forward FLOP per example", w.Sci(r.forward().flops_per_example()),
        "graph (onnx-flops)");
    // training.inputs lists these when there is a training estimate.
    for (const AssumedDim& a : r.assumed_dims()) {
      const bool assumed = a.source().rfind("assumed", 0) == 0;
      Row(w, out, w.Text(absl::StrCat("dim ", a.name())), absl::StrCat(a.value()),
          assumed ? absl::StrCat(w.Bold("assumed"), ": symbolic dim not bound (--dim): taken as 1")
                  : w.Text(a.source()));
    }
  }
  for (const TrainingInput& in : t.inputs()) {
    std::string label = InputLabel(in.name());
    if (!in.phase().empty()) label = absl::StrCat(w.Text(in.phase()), ": ", label);
    Row(w, out, w.Text(label), w.Text(in.value()), Source(w, in));
  }
  for (const Threshold& th : t.thresholds()) {
    const size_t colon = th.name().find(": ");
    Row(w, out, w.Text(absl::StrCat("Threshold: ", th.name().substr(0, colon))),
        absl::StrCat(w.Sci(th.flops()), " FLOP: ", th.above() ? "above" : "below", " (",
                     w.Times(), " ", w.Sci(th.ratio()), ")"),
        colon == std::string::npos ? "" : w.Text(th.name().substr(colon + 2)));
  }
  Row(w, out, "Parameters", Grouped(r.model().parameters()),
      "elements of the floating-point initializers");
  if (r.forward().has_routing()) {
    Row(w, out, "Active parameters", Grouped(r.model().active_parameters()),
        w.Text(absl::StrCat("per token: ", ActiveParametersWhy(r.forward()))));
  }
  if (w.latex) absl::StrAppend(out, "\\hline\n\\end{tabular}\n");
}

std::string OpsetText(const ModelInfo& m) {
  std::vector<std::string> parts;
  for (const OpsetImport& o : m.opset_imports()) {
    parts.push_back(absl::StrCat(o.domain(), " ", o.version()));
  }
  return absl::StrJoin(parts, ", ");
}

}  // namespace

std::string RenderStatement(const Report& r, StatementStyle style) {
  Writer w;
  w.latex = style == StatementStyle::kLatex;
  const ModelInfo& m = r.model();
  const Training& t = r.training();
  const bool method1 = r.has_training() && t.flops() > 0;
  std::string out = w.latex ? "\\paragraph{Training compute.}\n" : "### Training compute\n\n";

  std::vector<std::string> sentences;
  if (method1) {
    std::string lead = absl::StrCat(
        "We estimate the training compute of ", w.Code(m.path()), " at ",
        w.Bold(absl::StrCat(w.Sci(t.flops()), " FLOP")), " (", w.Sci(t.pf_days()),
        " petaFLOP/s-days)");
    if (t.has_range()) {
      absl::StrAppend(&lead, ", with a plausible range of ", w.Sci(t.range().low()), " to ",
                      w.Sci(t.range().high()), " FLOP");
    }
    absl::StrAppend(&lead, ", by counting the operations of its ONNX graph with onnx-flops ",
                    w.Text(r.tool_version()),
                    " (method 1 of Sevilla et al. 2022: forward FLOP per example ", w.Times(),
                    " (1 + backward:forward ratio) ", w.Times(), " examples ", w.Times(),
                    " epochs).");
    sentences.push_back(lead);
    sentences.push_back(MethodOneSentence(w, r));
    if (t.has_range()) {
      sentences.push_back(absl::StrCat("The range takes ", w.Text(t.range().basis()), "."));
    }
  } else {
    sentences.push_back(absl::StrCat(
        "One forward pass of ", w.Code(m.path()), " costs ",
        w.Bold(absl::StrCat(w.Sci(r.forward().flops_per_example()), " FLOP")),
        " per example, counted from its ONNX graph with onnx-flops ", w.Text(r.tool_version()),
        ". Training compute is not estimated: no examples, tokens or steps were given."));
  }
  const std::string m2 = MethodTwoSentence(w, t);
  if (!m2.empty()) sentences.push_back(m2);
  const std::string th = ThresholdSentence(w, t);
  if (!th.empty()) sentences.push_back(th);
  const Coverage& c = r.forward().coverage();
  if (c.uncounted() > 0) {
    sentences.push_back(absl::StrCat(
        w.Bold(absl::StrCat(c.uncounted(), " of ", c.nodes(), " nodes could not be counted")),
        " and are left out: the figures are a lower bound (see the tool's report)."));
  }
  int assumed = 0;
  for (const TrainingInput& in : t.inputs()) assumed += in.assumed();
  for (const AssumedDim& a : r.assumed_dims()) {
    // Without training inputs, an unbound dim is stated here instead.
    if (!r.has_training() && a.source().rfind("assumed", 0) == 0) ++assumed;
  }
  if (assumed > 0) {
    sentences.push_back(absl::StrCat(
        "Inputs marked assumed in the table were not given and take onnx-flops' defaults."));
  }
  absl::StrAppend(&out, absl::StrJoin(sentences, " "), "\n\n");

  Table(w, r, &out);

  std::vector<std::string> repro;
  repro.push_back(absl::StrCat("onnx-flops ", w.Text(r.tool_version())));
  std::string file = absl::StrCat("model ", w.Code(m.path()), " (", Grouped(static_cast<double>(m.file_bytes())), " bytes");
  if (!m.sha256().empty()) absl::StrAppend(&file, ", SHA-256 ", w.Code(m.sha256()));
  absl::StrAppend(&file, ")");
  repro.push_back(file);
  repro.push_back(absl::StrCat("opset ", w.Text(OpsetText(m))));
  if (!r.command_line().empty()) repro.push_back(absl::StrCat("command ", w.Code(r.command_line())));
  // \sloppy: the hash and the command are long unbreakable words.
  absl::StrAppend(&out, w.latex ? "\n{\\sloppy\\noindent " : "\n", w.Bold("Reproduce:"), " ",
                  absl::StrJoin(repro, "; "), w.latex ? ".\\par}\n" : ".\n");
  return out;
}

}  // namespace onnx_flops
