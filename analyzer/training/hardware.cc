#include "analyzer/training/hardware.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace onnx_flops {
namespace {

constexpr absl::string_view kPrecisionNames[kNumPrecisions] = {"fp32", "tf32", "fp16",
                                                               "bf16", "fp8",  "int8"};
// Optional column, in GB/s (10^9 bytes/s); Hardware::memory_bandwidth is in bytes/s.
constexpr absl::string_view kMemoryBandwidthColumn = "memory_bandwidth_gbs";
constexpr double kBytesPerGB = 1e9;

// One CSV record with the line it starts on.
struct Record {
  int line = 0;
  std::vector<std::string> fields;
};

// Splits CSV text into records: RFC 4180 quoting ("" inside quotes is a
// quote), '#' lines and blank lines skipped, CR ignored.
absl::StatusOr<std::vector<Record>> SplitCsv(absl::string_view text) {
  std::vector<Record> records;
  int line = 1;
  size_t i = 0;
  while (i < text.size()) {
    // Start of a line: skip comments and blank lines.
    size_t eol = text.find('\n', i);
    if (eol == absl::string_view::npos) eol = text.size();
    absl::string_view raw = absl::StripAsciiWhitespace(text.substr(i, eol - i));
    if (raw.empty() || raw[0] == '#') {
      i = eol + 1;
      ++line;
      continue;
    }
    Record rec;
    rec.line = line;
    std::string field;
    bool quoted = false;
    bool done = false;
    while (!done) {
      if (i >= text.size()) {
        if (quoted) {
          return absl::InvalidArgumentError(
              absl::StrCat("line ", rec.line, ": unterminated quoted field"));
        }
        rec.fields.push_back(std::move(field));
        done = true;
        break;
      }
      const char c = text[i++];
      if (quoted) {
        if (c == '"') {
          if (i < text.size() && text[i] == '"') {
            field.push_back('"');
            ++i;
          } else {
            quoted = false;
          }
        } else {
          if (c == '\n') ++line;
          if (c != '\r') field.push_back(c);
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        rec.fields.push_back(std::move(field));
        field.clear();
      } else if (c == '\n') {
        ++line;
        rec.fields.push_back(std::move(field));
        done = true;
      } else if (c != '\r') {
        field.push_back(c);
      }
    }
    for (std::string& f : rec.fields) f = std::string(absl::StripAsciiWhitespace(f));
    records.push_back(std::move(rec));
  }
  return records;
}

absl::StatusOr<std::optional<double>> ParseFigure(absl::string_view text, absl::string_view column,
                                                  int line) {
  if (text.empty()) return std::optional<double>();
  double v = 0;
  if (!absl::SimpleAtod(text, &v) || !std::isfinite(v) || v <= 0) {
    return absl::InvalidArgumentError(absl::StrCat("line ", line, ": column ", column, " is '",
                                                   text, "', not a positive number"));
  }
  return std::optional<double>(v);
}

bool IsDate(absl::string_view s) {
  // YYYY-MM-DD
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  return true;
}

// The keys a chip answers to: its name and aliases.
std::vector<std::string> ChipKeys(const Hardware& h) {
  std::vector<std::string> keys = {HardwareKey(h.name)};
  for (const std::string& a : h.aliases) keys.push_back(HardwareKey(a));
  return keys;
}

// "8.73", "989.5", "2250": TFLOP/s with no trailing zeros; "-" when unset.
std::string Tera(const std::optional<double>& v) {
  if (!v.has_value()) return "-";
  return absl::StrFormat("%.6g", *v / 1e12);
}

std::string Plain(const std::optional<double>& v, absl::string_view unit) {
  if (!v.has_value()) return "-";
  return absl::StrFormat("%g%s", *v, unit);
}

// Bytes/s to GB/s for display.
std::optional<double> GigabytesPerSecond(const std::optional<double>& bytes_per_second) {
  if (!bytes_per_second.has_value()) return std::nullopt;
  return *bytes_per_second / kBytesPerGB;
}

std::string MarkdownCell(absl::string_view s) {
  return absl::StrReplaceAll(s, {{"|", "\\|"}, {"*", "\\*"}, {"_", "\\_"}});
}

}  // namespace

absl::string_view PrecisionName(Precision p) { return kPrecisionNames[static_cast<int>(p)]; }

std::vector<Precision> AllPrecisions() {
  std::vector<Precision> all;
  for (int i = 0; i < kNumPrecisions; ++i) all.push_back(static_cast<Precision>(i));
  return all;
}

std::vector<std::string> PrecisionNames() {
  return std::vector<std::string>(std::begin(kPrecisionNames), std::end(kPrecisionNames));
}

absl::StatusOr<Precision> ParsePrecision(absl::string_view name) {
  const std::string lower = absl::AsciiStrToLower(absl::StripAsciiWhitespace(name));
  for (int i = 0; i < kNumPrecisions; ++i) {
    if (lower == kPrecisionNames[i]) return static_cast<Precision>(i);
  }
  return absl::InvalidArgumentError(absl::StrCat("unknown precision '", name, "': use one of ",
                                                 absl::StrJoin(kPrecisionNames, "|")));
}

std::vector<Precision> Hardware::Precisions() const {
  std::vector<Precision> out;
  for (Precision p : AllPrecisions()) {
    if (Has(p)) out.push_back(p);
  }
  return out;
}

std::string HardwareKey(absl::string_view name) {
  std::string key;
  for (char c : name) {
    if (absl::ascii_isalnum(static_cast<unsigned char>(c))) {
      key.push_back(absl::ascii_tolower(static_cast<unsigned char>(c)));
    }
  }
  return key;
}

absl::StatusOr<std::vector<Hardware>> ParseHardwareCsv(absl::string_view csv) {
  auto records = SplitCsv(csv);
  if (!records.ok()) return records.status();
  if (records->empty()) return absl::InvalidArgumentError("hardware table is empty");

  // Header: column name -> index.
  const Record& header = records->front();
  absl::flat_hash_map<std::string, size_t> col;
  for (size_t i = 0; i < header.fields.size(); ++i) col[header.fields[i]] = i;
  std::vector<std::string> required = {"name", "aliases", "vendor", "released", "memory_gb",
                                       "tdp_w", "source", "notes"};
  for (absl::string_view p : kPrecisionNames) required.emplace_back(p);
  for (const std::string& c : required) {
    if (!col.contains(c)) {
      return absl::InvalidArgumentError(
          absl::StrCat("line ", header.line, ": header has no column '", c, "'"));
    }
  }

  std::vector<Hardware> table;
  absl::flat_hash_map<std::string, std::string> owner;  // key -> chip name
  for (size_t r = 1; r < records->size(); ++r) {
    const Record& rec = (*records)[r];
    if (rec.fields.size() != header.fields.size()) {
      return absl::InvalidArgumentError(absl::StrCat("line ", rec.line, ": ", rec.fields.size(),
                                                     " fields, the header has ",
                                                     header.fields.size()));
    }
    auto field = [&](absl::string_view c) -> const std::string& {
      return rec.fields[col.at(std::string(c))];
    };
    Hardware h;
    h.name = field("name");
    h.vendor = field("vendor");
    h.released = field("released");
    h.source = field("source");
    h.notes = field("notes");
    for (absl::string_view a : absl::StrSplit(field("aliases"), ';', absl::SkipWhitespace())) {
      h.aliases.emplace_back(absl::StripAsciiWhitespace(a));
    }
    if (h.name.empty() || h.vendor.empty() || h.source.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("line ", rec.line, ": name, vendor and source are required"));
    }
    if (!IsDate(h.released)) {
      return absl::InvalidArgumentError(absl::StrCat("line ", rec.line, ": released '",
                                                     h.released, "' is not YYYY-MM-DD"));
    }
    auto mem = ParseFigure(field("memory_gb"), "memory_gb", rec.line);
    if (!mem.ok()) return mem.status();
    h.memory_gb = *mem;
    if (auto it = col.find(kMemoryBandwidthColumn); it != col.end()) {
      auto bw = ParseFigure(rec.fields[it->second], kMemoryBandwidthColumn, rec.line);
      if (!bw.ok()) return bw.status();
      if (bw->has_value()) h.memory_bandwidth = **bw * kBytesPerGB;
    }
    auto tdp = ParseFigure(field("tdp_w"), "tdp_w", rec.line);
    if (!tdp.ok()) return tdp.status();
    h.tdp_w = *tdp;
    for (int i = 0; i < kNumPrecisions; ++i) {
      auto v = ParseFigure(field(kPrecisionNames[i]), kPrecisionNames[i], rec.line);
      if (!v.ok()) return v.status();
      h.peak[i] = *v;
    }
    if (h.Precisions().empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("line ", rec.line, ": ", h.name, " has no peak figure"));
    }
    for (const std::string& key : ChipKeys(h)) {
      if (key.empty()) {
        return absl::InvalidArgumentError(
            absl::StrCat("line ", rec.line, ": ", h.name, " has an empty alias"));
      }
      auto [it, inserted] = owner.emplace(key, h.name);
      if (!inserted && it->second != h.name) {
        return absl::InvalidArgumentError(absl::StrCat("line ", rec.line, ": '", key,
                                                       "' names both ", it->second, " and ",
                                                       h.name));
      }
    }
    table.push_back(std::move(h));
  }
  return table;
}

absl::StatusOr<const std::vector<Hardware>*> HardwareTable() {
  static const absl::StatusOr<std::vector<Hardware>>* const parsed =
      new absl::StatusOr<std::vector<Hardware>>(ParseHardwareCsv(EmbeddedHardwareCsv()));
  if (!parsed->ok()) {
    return absl::InternalError(
        absl::StrCat("built-in hardware table: ", parsed->status().message()));
  }
  return &**parsed;
}

int EditDistance(absl::string_view a, absl::string_view b) {
  std::vector<int> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = static_cast<int>(j);
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = static_cast<int>(i);
    for (size_t j = 1; j <= b.size(); ++j) {
      const int sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::vector<std::string> ClosestHardwareNames(const std::vector<Hardware>& table,
                                              absl::string_view name, int n) {
  const std::string query = HardwareKey(name);
  // Per chip: the smallest edit distance over its keys, then (for ties) the
  // longest shared prefix, so "h1000" ranks H200 before P100.
  struct Score {
    int distance = -1;
    int prefix = 0;
    size_t index = 0;
  };
  std::vector<Score> scored;
  for (size_t i = 0; i < table.size(); ++i) {
    absl::string_view stripped = query;
    absl::ConsumePrefix(&stripped, HardwareKey(table[i].vendor));
    Score best;
    best.index = i;
    for (const std::string& key : ChipKeys(table[i])) {
      for (absl::string_view q : {absl::string_view(query), stripped}) {
        const int d = EditDistance(q, key);
        const int prefix = static_cast<int>(
            std::mismatch(q.begin(), q.end(), key.begin(), key.end()).first - q.begin());
        if (best.distance < 0 || d < best.distance ||
            (d == best.distance && prefix > best.prefix)) {
          best.distance = d;
          best.prefix = prefix;
        }
      }
    }
    scored.push_back(best);
  }
  std::stable_sort(scored.begin(), scored.end(), [](const Score& x, const Score& y) {
    return x.distance != y.distance ? x.distance < y.distance : x.prefix > y.prefix;
  });
  std::vector<std::string> out;
  for (size_t i = 0; i < scored.size() && static_cast<int>(out.size()) < n; ++i) {
    out.push_back(table[scored[i].index].name);
  }
  return out;
}

absl::StatusOr<const Hardware*> FindHardwareIn(const std::vector<Hardware>& table,
                                               absl::string_view name) {
  const std::string query = HardwareKey(name);
  if (query.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("hardware name '", name, "' is empty (--list-hardware prints the table)"));
  }
  for (const Hardware& h : table) {
    absl::string_view stripped = query;
    const bool had_vendor = absl::ConsumePrefix(&stripped, HardwareKey(h.vendor));
    for (const std::string& key : ChipKeys(h)) {
      if (key == query || (had_vendor && key == stripped)) return &h;
    }
  }
  std::vector<std::string> quoted;
  for (const std::string& c : ClosestHardwareNames(table, name, 3)) {
    quoted.push_back(absl::StrCat("'", c, "'"));
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "unknown hardware '", name, "'; closest: ", absl::StrJoin(quoted, ", "),
      " (--list-hardware prints the table; --peak-flops sets the peak of hardware not in it)"));
}

absl::StatusOr<const Hardware*> FindHardware(absl::string_view name) {
  auto table = HardwareTable();
  if (!table.ok()) return table.status();
  return FindHardwareIn(**table, name);
}

absl::StatusOr<double> PeakFlops(const Hardware& chip, Precision precision) {
  const std::optional<double>& v = chip.peak[static_cast<int>(precision)];
  if (v.has_value()) return *v;
  std::vector<std::string> has;
  for (Precision p : chip.Precisions()) has.emplace_back(PrecisionName(p));
  return absl::InvalidArgumentError(absl::StrCat(
      chip.name, " has no ", PrecisionName(precision), " peak in the hardware table; it has ",
      absl::StrJoin(has, ", "), " (choose one with --precision, or give --peak-flops)"));
}

absl::StatusOr<double> PeakFlops(const Hardware& chip, absl::string_view precision) {
  auto p = ParsePrecision(precision);
  if (!p.ok()) return p.status();
  return PeakFlops(chip, *p);
}

absl::StatusOr<std::string> RenderHardwareTable(const std::vector<Hardware>& table,
                                                absl::string_view format) {
  std::string out;
  if (format == "text") {
    absl::StrAppend(&out,
                    "hardware: dense peak per chip (no sparsity), TFLOP/s (int8: TOP/s); "
                    "mem BW = peak DRAM/HBM bandwidth; '-' = no datasheet figure\n\n");
    absl::StrAppendFormat(&out, "%-16s %-7s %-10s %7s %10s %7s", "chip", "vendor", "released",
                          "memory", "mem BW", "TDP");
    for (absl::string_view p : kPrecisionNames) absl::StrAppendFormat(&out, " %8s", p);
    out += "\n";
    for (const Hardware& h : table) {
      absl::StrAppendFormat(&out, "%-16s %-7s %-10s %7s %10s %7s", h.name, h.vendor, h.released,
                            Plain(h.memory_gb, " GB"),
                            Plain(GigabytesPerSecond(h.memory_bandwidth), " GB/s"),
                            Plain(h.tdp_w, " W"));
      for (const auto& v : h.peak) absl::StrAppendFormat(&out, " %8s", Tera(v));
      out += "\n";
      if (!h.aliases.empty()) {
        absl::StrAppend(&out, "    aliases  ", absl::StrJoin(h.aliases, ", "), "\n");
      }
      absl::StrAppend(&out, "    source   ", h.source, "\n");
      if (!h.notes.empty()) absl::StrAppend(&out, "    notes    ", h.notes, "\n");
    }
    return out;
  }
  if (format == "markdown") {
    absl::StrAppend(&out,
                    "| Chip | Aliases | Vendor | Released | Memory (GB) | Memory BW (GB/s) | "
                    "TDP (W) | FP32 | TF32 | FP16 | BF16 | FP8 | INT8 | Source |\n"
                    "|---|---|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|\n");
    for (const Hardware& h : table) {
      std::vector<std::string> cells = {MarkdownCell(h.name),
                                        MarkdownCell(absl::StrJoin(h.aliases, ", ")),
                                        MarkdownCell(h.vendor),
                                        h.released,
                                        Plain(h.memory_gb, ""),
                                        Plain(GigabytesPerSecond(h.memory_bandwidth), ""),
                                        Plain(h.tdp_w, "")};
      for (const auto& v : h.peak) cells.push_back(Tera(v));
      cells.push_back(MarkdownCell(h.source));
      absl::StrAppend(&out, "| ", absl::StrJoin(cells, " | "), " |\n");
    }
    absl::StrAppend(&out,
                    "\nPeaks are dense (no 2:4 sparsity), per chip, in TFLOP/s (INT8 in TOP/s); "
                    "memory bandwidth is the peak DRAM/HBM bandwidth per chip in GB/s "
                    "(10^9 bytes/s); '-' means the datasheet gives no figure.\n\nNotes:\n\n");
    for (const Hardware& h : table) {
      if (h.notes.empty()) continue;
      absl::StrAppend(&out, "- **", MarkdownCell(h.name), "**: ", MarkdownCell(h.notes), "\n");
    }
    return out;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("--list-hardware prints text or markdown, not '", format, "'"));
}

absl::string_view EmbeddedHardwareCsv() { return kHardwareCsv; }

}  // namespace onnx_flops
