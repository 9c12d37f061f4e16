#include "tools/formats.h"


namespace onnx_flops {
namespace {

absl::StatusOr<std::string> Text(const Report& r, const OutputOptions& o) {
  TextOptions text;
  text.per_node = o.per_node;
  return RenderText(r, text);
}
absl::StatusOr<std::string> Json(const Report& r, const OutputOptions& o) {
  return RenderJson(r, o.pretty_json);
}
absl::StatusOr<std::string> Csv(const Report& r, const OutputOptions& o) {
  return RenderCsv(r, o.per_node);
}
absl::StatusOr<std::string> Markdown(const Report& r, const OutputOptions&) {
  return RenderMarkdown(r);
}
absl::StatusOr<std::string> Html(const Report& r, const OutputOptions&) { return RenderHtml(r); }
absl::StatusOr<std::string> Statement(const Report& r, const OutputOptions& o) {
  return RenderStatement(r, o.statement_style);
}

}  // namespace

const std::vector<Format>& Formats() {
  static const std::vector<Format>* const kFormats = new std::vector<Format>{
      // name        render     batch rows     per_node sha256
      {"text", Text, &kTextRows, false, false},
      {"json", Json, nullptr, false, false},
      {"jsonl", nullptr, &kJsonlRows, false, false},
      {"csv", Csv, &kCsvRows, false, false},
      {"markdown", Markdown, &kMarkdownRows, false, false},
      {"html", Html, nullptr, true, false},
      {"statement", Statement, nullptr, false, true},
  };
  return *kFormats;
}

const Format* FindFormat(absl::string_view name) {
  for (const Format& f : Formats()) {
    if (name == f.name) return &f;
  }
  return nullptr;
}

std::string FormatNames() {
  std::string out;
  const std::vector<Format>& all = Formats();
  for (size_t i = 0; i < all.size(); ++i) {
    out += i == 0 ? "" : i + 1 == all.size() ? " or " : ", ";
    out += all[i].name;
  }
  return out;
}

}  // namespace onnx_flops
