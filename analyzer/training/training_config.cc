#include "analyzer/training/training_config.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "analyzer/training/backward.h"
#include "analyzer/training/hardware.h"
#include "analyzer/util/number_format.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/reflection.h"
#include "google/protobuf/util/json_util.h"

namespace onnx_flops {

const char* const kBackwardModes[] = {"ratio", "per-op", nullptr};

namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

// Two figures that should be equal (examples x epochs vs batch_size x steps,
// hours vs days x 24) agree when within this relative distance: rounded step
// counts and "1.28M"-style figures must not count as disagreement.
constexpr double kAgreement = 0.01;

bool Agree(double a, double b) {
  return std::fabs(a - b) <= kAgreement * std::max(std::fabs(a), std::fabs(b));
}

std::string Percent(double a, double b) {
  const double d = std::fabs(a - b) / std::max(std::fabs(a), std::fabs(b));
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g%%", 100 * d);
  return buf;
}

std::vector<std::string> Names(const char* const* list) {
  std::vector<std::string> names;
  for (; *list != nullptr; ++list) names.push_back(*list);
  return names;
}

std::vector<std::string> OptimizerNames() {
  std::vector<std::string> names;
  for (const OptimizerCost& o : Optimizers()) names.push_back(o.name);
  return names;
}

std::string Choices(const std::vector<std::string>& names) { return absl::StrJoin(names, ", "); }

bool OneOf(const std::string& value, const std::vector<std::string>& names) {
  return std::find(names.begin(), names.end(), value) != names.end();
}

// Sets in `to` every field of `from` that is set, matching fields by name
// (the two messages may be of different types with the same field names).
// Repeated fields replace `to`'s list.
void CopySetFields(const Message& from, Message* to) {
  const Reflection* fr = from.GetReflection();
  const Reflection* tr = to->GetReflection();
  std::vector<const FieldDescriptor*> fields;
  fr->ListFields(from, &fields);
  for (const FieldDescriptor* f : fields) {
    const FieldDescriptor* t = to->GetDescriptor()->FindFieldByName(f->name());
    if (t == nullptr || t->cpp_type() != f->cpp_type() || t->is_repeated() != f->is_repeated()) {
      continue;
    }
    if (f->is_repeated()) {
      tr->ClearField(to, t);
      for (int i = 0; i < fr->FieldSize(from, f); ++i) {
        if (f->cpp_type() == FieldDescriptor::CPPTYPE_STRING) {
          tr->AddString(to, t, fr->GetRepeatedString(from, f, i));
        }
      }
    } else if (f->cpp_type() == FieldDescriptor::CPPTYPE_DOUBLE) {
      tr->SetDouble(to, t, fr->GetDouble(from, f));
    } else if (f->cpp_type() == FieldDescriptor::CPPTYPE_STRING) {
      tr->SetString(to, t, fr->GetString(from, f));
    }
  }
}

// Levenshtein distance, for "did you mean".
size_t EditDistance(absl::string_view a, absl::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t up = row[j];
      const bool same = absl::ascii_tolower(a[i - 1]) == absl::ascii_tolower(b[j - 1]);
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (same ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

std::vector<std::string> FieldNames(const Descriptor* d) {
  std::vector<std::string> names;
  for (int i = 0; i < d->field_count(); ++i) names.push_back(d->field(i)->name());
  return names;
}

// "(phases[1]) bogus: Cannot find field." -> "unknown field 'phases[1].bogus'
// (did you mean ...)".
std::string UnknownFieldMessage(absl::string_view where) {
  std::string place;
  std::string field(where);
  if (absl::StartsWith(where, "(")) {
    const size_t close = where.find(") ");
    if (close != absl::string_view::npos) {
      place = std::string(where.substr(1, close - 1));
      field = std::string(where.substr(close + 2));
    }
  }
  const Descriptor* d =
      place.empty() ? TrainingConfig::descriptor() : Phase::descriptor();
  const std::vector<std::string> known = FieldNames(d);
  std::string best;
  size_t best_distance = std::string::npos;
  for (const std::string& k : known) {
    const size_t dist = EditDistance(field, k);
    if (dist < best_distance) {
      best_distance = dist;
      best = k;
    }
  }
  std::string out =
      absl::StrCat("unknown field '", place.empty() ? "" : place + ".", field, "'");
  if (best_distance <= std::max<size_t>(2, field.size() / 3)) {
    absl::StrAppend(&out, " (did you mean '", best, "'?)");
  } else {
    std::vector<std::string> sorted = known;
    std::sort(sorted.begin(), sorted.end());
    absl::StrAppend(&out, " (known fields: ", absl::StrJoin(sorted, ", "), ")");
  }
  return out;
}

// Protobuf's JSON syntax errors end with a context line (up to 20 characters
// either side of the error, cut at the end of the input) and a caret line:
// "Unexpected token.\n{\"a\": x}\n      ^". Finds the caret's place in `json`
// as "line L, column C", or "" when the context is ambiguous.
std::string ErrorPlace(absl::string_view json, absl::string_view context,
                       size_t caret) {
  size_t offset = std::string::npos;
  if (context.size() < caret + 20 && absl::EndsWith(json, context)) {
    offset = json.size() - context.size() + caret;  // the context reaches the end
  } else {
    const size_t first = json.find(context);
    if (first != absl::string_view::npos &&
        json.find(context, first + 1) == absl::string_view::npos) {
      offset = first + caret;
    }
  }
  if (offset == std::string::npos || offset >= json.size()) return "";
  size_t line = 1;
  size_t line_start = 0;
  for (size_t i = 0; i < offset; ++i) {
    if (json[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  }
  return absl::StrCat("line ", line, ", column ", offset - line_start + 1);
}

// Protobuf's JSON parser messages, made one line and readable.
std::string JsonErrorMessage(std::string message, absl::string_view json) {
  const size_t nl = message.find('\n');
  if (nl != std::string::npos) {
    const size_t last = message.rfind('\n');
    std::string place;
    if (last > nl) {
      const absl::string_view context =
          absl::string_view(message).substr(nl + 1, last - nl - 1);
      const absl::string_view caret_line = absl::string_view(message).substr(last + 1);
      const size_t caret = caret_line.find('^');
      if (caret != absl::string_view::npos) place = ErrorPlace(json, context, caret);
    }
    message.resize(nl);
    message = std::string(absl::StripAsciiWhitespace(message));
    if (!place.empty()) {
      if (absl::EndsWith(message, ".")) message.pop_back();
      absl::StrAppend(&message, " at ", place);
    }
    return message;
  }
  message = std::string(absl::StripAsciiWhitespace(message));
  constexpr absl::string_view kNoField = ": Cannot find field.";
  if (absl::EndsWith(message, kNoField)) {
    return UnknownFieldMessage(
        absl::string_view(message).substr(0, message.size() - kNoField.size()));
  }
  constexpr absl::string_view kTwice = "oneof field '_";
  const size_t twice = absl::string_view(message).find(kTwice);
  if (twice != std::string::npos) {
    const size_t start = twice + kTwice.size();
    const size_t end = message.find('\'', start);
    return absl::StrCat("field '", message.substr(start, end - start), "' given twice");
  }
  if (absl::StartsWith(message, ": ")) message.erase(0, 2);
  if (absl::StartsWith(message, "(")) {  // "(phases[0].examples): invalid value"
    const size_t close = message.find("): ");
    if (close != std::string::npos) {
      message = absl::StrCat(message.substr(1, close - 1), ": ", message.substr(close + 3));
    }
  }
  const size_t type_url = message.find("for type type.googleapis.com/");
  if (type_url != std::string::npos) {  // an array or number where a phase belongs
    message = absl::StrCat(message.substr(0, type_url), "(expected a JSON object {...})");
  }
  return absl::StrReplaceAll(message, {{"for type TYPE_DOUBLE", "(expected a number)"},
                                       {"for type TYPE_STRING", "(expected a string)"},
                                       {"Root element must be a message.",
                                        "expected a JSON object {...}"}});
}

bool IsPositiveField(absl::string_view name) {
  static const char* const kPositive[] = {"examples", "tokens",     "epochs", "batch_size",
                                          "steps",    "chips",      "hours",  "days",
                                          "chip_hours", "peak_flops", nullptr};
  for (const char* const* p = kPositive; *p != nullptr; ++p) {
    if (name == *p) return true;
  }
  return false;
}

std::string Number(double x) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.6g", x);
  return buf;
}

// Disagreements inside one phase: examples x epochs vs batch_size x steps
// (CheckData), hours vs days x 24 and chip_hours vs chips x hours
// (CheckDuration). Missing figures are not checked here.
absl::Status CheckData(const Phase& p) {
  if (p.has_examples() && p.has_batch_size() && p.has_steps()) {
    const double epochs = p.has_epochs() ? p.epochs() : 1;
    const double seen = p.examples() * epochs;
    const double steps = p.batch_size() * p.steps();
    if (!Agree(seen, steps)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "examples x epochs = ", Grouped(p.examples()), " x ", Grouped(epochs), " = ",
          Grouped(seen), " disagrees with batch_size x steps = ", Grouped(p.batch_size()),
          " x ", Grouped(p.steps()), " = ", Grouped(steps), " (", Percent(seen, steps),
          " apart); give one of them, or figures that agree"));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckDuration(const Phase& p) {
  if (p.has_hours() && p.has_days() && !Agree(p.hours(), p.days() * 24)) {
    return absl::InvalidArgumentError(
        absl::StrCat("hours = ", Grouped(p.hours()), " disagrees with days x 24 = ",
                     Grouped(p.days() * 24), "; give one of them"));
  }
  if (p.has_chip_hours() && p.has_chips() && (p.has_hours() || p.has_days())) {
    const double hours = p.has_hours() ? p.hours() : p.days() * 24;
    if (!Agree(p.chip_hours(), p.chips() * hours)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "chip_hours = ", Grouped(p.chip_hours()), " disagrees with chips x hours = ",
          Grouped(p.chips()), " x ", Grouped(hours), " = ", Grouped(p.chips() * hours),
          " (", Percent(p.chip_hours(), p.chips() * hours),
          " apart); give one of them, or figures that agree"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": is a directory, not a training config"));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": cannot read the training config (",
                     std::filesystem::exists(path, ec) ? "permission denied" : "no such file",
                     ")"));
  }
  std::ostringstream s;
  s << in.rdbuf();
  if (in.bad()) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": cannot read the training config"));
  }
  return s.str();
}

}  // namespace

bool ParseSiCount(absl::string_view text, double* out) {
  std::string s(absl::StripAsciiWhitespace(text));
  int exponent = 0;
  if (!s.empty()) {
    switch (s.back()) {
      case 'K': case 'k': exponent = 3; break;
      case 'M': exponent = 6; break;
      case 'G': case 'B': exponent = 9; break;
      case 'T': exponent = 12; break;
      case 'P': exponent = 15; break;
      case 'E': exponent = 18; break;
      default: break;
    }
    if (exponent != 0) s.pop_back();
  }
  if (s.empty() || s.find_first_of("eE") != std::string::npos) {
    if (exponent != 0) return false;  // "1e3K": one way of scaling at a time
  } else if (exponent != 0) {
    // "4.1G" is read as "4.1e9", so that it equals the literal 4.1e9 exactly
    // (4.1 x 1e9 rounds twice and misses it by an ulp).
    absl::StrAppend(&s, "e", exponent);
  }
  double v = 0;
  if (s.empty() || !absl::SimpleAtod(s, &v) || !std::isfinite(v)) return false;
  *out = v;
  return true;
}

std::string FieldName(absl::string_view field, FieldNaming naming) {
  switch (naming) {
    case FieldNaming::kConfig:
      return std::string(field);
    case FieldNaming::kMetadata:
      return absl::StrCat("training.", field);
    case FieldNaming::kFlag:
      return absl::StrCat("--", absl::StrReplaceAll(field, {{"_", "-"}}));
  }
  return std::string(field);
}

absl::Status ValidatePhase(const Phase& phase, FieldNaming naming, absl::string_view prefix) {
  auto error = [&](absl::string_view field, absl::string_view what) {
    return absl::InvalidArgumentError(
        absl::StrCat(prefix, FieldName(field, naming), " ", what));
  };
  const Reflection* r = phase.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  r->ListFields(phase, &fields);
  for (const FieldDescriptor* f : fields) {
    if (f->cpp_type() != FieldDescriptor::CPPTYPE_DOUBLE) continue;
    const double v = r->GetDouble(phase, f);
    const std::string got = absl::StrCat("(got ", Number(v), ")");
    if (!std::isfinite(v)) return error(f->name(), absl::StrCat("must be a finite number ", got));
    if (IsPositiveField(f->name())) {
      if (v <= 0) return error(f->name(), absl::StrCat("must be a positive number ", got));
    } else if (f->name() == "utilization") {
      if (v <= 0 || v > 1) {
        return error(f->name(), absl::StrCat("must be in (0, 1], a fraction of peak ", got));
      }
    } else if (v < 0) {
      return error(f->name(), absl::StrCat("must not be negative ", got));
    }
  }
  if (phase.has_backward() && !OneOf(phase.backward(), Names(kBackwardModes))) {
    return error("backward", absl::StrCat("must be one of ", Choices(Names(kBackwardModes)), " (got '",
                                          phase.backward(), "')"));
  }
  if (phase.has_optimizer() && !OneOf(phase.optimizer(), OptimizerNames())) {
    return error("optimizer", absl::StrCat("must be one of ", Choices(OptimizerNames()), " (got '",
                                           phase.optimizer(), "')"));
  }
  if (phase.has_precision() && !OneOf(phase.precision(), PrecisionNames())) {
    return error("precision", absl::StrCat("must be one of ", Choices(PrecisionNames()), " (got '",
                                           phase.precision(), "')"));
  }
  if (phase.has_hardware() && absl::StripAsciiWhitespace(phase.hardware()).empty()) {
    return error("hardware", "is empty");
  }
  if (phase.has_model() && phase.model().empty()) return error("model", "is empty");
  for (const std::string& pattern : phase.frozen()) {
    if (absl::StripAsciiWhitespace(pattern).empty()) {
      return error("frozen", "has an empty pattern");
    }
  }
  for (const absl::Status& agreement : {CheckData(phase), CheckDuration(phase)}) {
    if (!agreement.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(prefix, agreement.message()));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<TrainingConfig> ParseTrainingConfig(absl::string_view json,
                                                   const std::string& name,
                                                   const std::string& base_dir) {
  auto fail = [&](absl::string_view what) {
    return absl::InvalidArgumentError(absl::StrCat(name, ": ", what));
  };
  if (absl::StripAsciiWhitespace(json).empty()) {
    return fail("empty file; a training config is a JSON object {...}");
  }
  TrainingConfig config;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  const auto status = google::protobuf::util::JsonStringToMessage(
      google::protobuf::StringPiece(json.data(), json.size()), &config, options);
  if (!status.ok()) {
    const auto m = status.message();
    return fail(JsonErrorMessage(std::string(m.data(), m.size()), json));
  }

  // Either "phases" or top-level phase fields.
  std::vector<const FieldDescriptor*> set;
  config.GetReflection()->ListFields(config, &set);
  std::vector<std::string> top_level;
  for (const FieldDescriptor* f : set) {
    if (f->name() != "phases" && f->name() != "comment") top_level.push_back(f->name());
  }
  const bool explicit_phases = config.phases_size() > 0;
  if (explicit_phases && !top_level.empty()) {
    return fail(absl::StrCat("give either \"phases\" or the fields of one phase at the top "
                             "level, not both (top level: ",
                             absl::StrJoin(top_level, ", "), ")"));
  }
  if (!explicit_phases) {
    Phase single;
    CopySetFields(config, &single);
    config.Clear();
    *config.add_phases() = std::move(single);
  } else {
    const std::string comment = config.comment();
    const bool has_comment = config.has_comment();
    auto phases = std::move(*config.mutable_phases());
    config.Clear();
    *config.mutable_phases() = std::move(phases);
    if (has_comment) config.set_comment(comment);
  }

  for (int i = 0; i < config.phases_size(); ++i) {
    Phase* phase = config.mutable_phases(i);
    std::string prefix;
    if (explicit_phases) {
      prefix = absl::StrCat("phases[", i, "]");
      if (phase->has_name()) absl::StrAppend(&prefix, " ('", phase->name(), "')");
      absl::StrAppend(&prefix, ": ");
    }
    absl::Status valid = ValidatePhase(*phase, FieldNaming::kConfig, prefix);
    if (!valid.ok()) return fail(valid.message());
    if (phase->has_model()) {
      std::filesystem::path model(phase->model());
      if (model.is_relative() && !base_dir.empty()) model = std::filesystem::path(base_dir) / model;
      const std::string resolved = model.lexically_normal().string();
      std::error_code ec;
      if (!std::filesystem::is_regular_file(resolved, ec)) {
        return fail(absl::StrCat(prefix, "model '", phase->model(), "' (", resolved,
                                 std::filesystem::exists(resolved, ec) ? "): not a file"
                                                                       : "): no such file",
                                 "; a relative path is relative to the config file"));
      }
      phase->set_model(resolved);
    }
  }
  return config;
}

absl::StatusOr<TrainingConfig> LoadTrainingConfig(const std::string& path) {
  absl::StatusOr<std::string> text = ReadFile(path);
  if (!text.ok()) return text.status();
  return ParseTrainingConfig(*text, path, std::filesystem::path(path).parent_path().string());
}

absl::StatusOr<Phase> PhaseFromMetadata(const onnx::ModelProto& model,
                                        std::vector<std::string>* warnings) {
  Phase phase;
  const Descriptor* d = Phase::descriptor();
  const Reflection* r = phase.GetReflection();
  std::vector<std::string> seen;
  constexpr absl::string_view kPrefix = "training.";
  for (const onnx::StringStringEntryProto& prop : model.metadata_props()) {
    const std::string& key = prop.key();
    if (!absl::StartsWith(key, kPrefix)) continue;
    const std::string field_name = key.substr(kPrefix.size());
    const FieldDescriptor* f = d->FindFieldByName(field_name);
    if (f == nullptr || field_name == "model") {
      if (warnings != nullptr) {
        warnings->push_back(absl::StrCat("model metadata key '", key,
                                         "' is not a training figure onnx-flops reads; ignored"));
      }
      continue;
    }
    if (std::find(seen.begin(), seen.end(), key) != seen.end()) {
      return absl::InvalidArgumentError(
          absl::StrCat("model metadata ", key, " is given twice"));
    }
    seen.push_back(key);
    const std::string value(absl::StripAsciiWhitespace(prop.value()));
    if (f->is_repeated()) {  // frozen: comma-separated patterns
      for (absl::string_view part : absl::StrSplit(value, ',')) {
        part = absl::StripAsciiWhitespace(part);
        if (!part.empty()) r->AddString(&phase, f, std::string(part));
      }
    } else if (f->cpp_type() == FieldDescriptor::CPPTYPE_DOUBLE) {
      double v = 0;
      if (!ParseSiCount(value, &v)) {
        return absl::InvalidArgumentError(absl::StrCat(
            "model metadata ", key, " = '", prop.value(),
            "' is not a number (e.g. 1281167, 1.28e6 or 1.28M)"));
      }
      r->SetDouble(&phase, f, v);
    } else {
      r->SetString(&phase, f, value);
    }
  }
  absl::Status valid = ValidatePhase(phase, FieldNaming::kMetadata, "model metadata ");
  if (!valid.ok()) return valid;
  return phase;
}

namespace {

// Lays `src` over `dst` (src wins), with the group rules of Merge.
void Overlay(const Phase& src, Phase* dst) {
  const bool sets_data = src.has_examples() || src.has_tokens() || src.has_steps();
  if (sets_data) {
    dst->clear_examples();
    dst->clear_tokens();
    dst->clear_steps();
  } else if ((src.has_epochs() || src.has_batch_size()) && dst->has_examples()) {
    // The lower source's steps only cross-checked its examples x epochs.
    dst->clear_steps();
  }
  const bool sets_duration = src.has_hours() || src.has_days() || src.has_chip_hours();
  if (sets_duration) {
    dst->clear_hours();
    dst->clear_days();
    dst->clear_chip_hours();
  } else if (src.has_chips() && (dst->has_hours() || dst->has_days())) {
    // The lower source's chip_hours only cross-checked its chips x hours.
    dst->clear_chip_hours();
  }
  CopySetFields(src, dst);
}

}  // namespace

Phase Merge(const Phase& flags, const Phase& file, const Phase& model) {
  Phase merged = model;
  Overlay(file, &merged);
  Overlay(flags, &merged);
  return merged;
}

absl::StatusOr<double> ExamplesOf(const Phase& phase, std::string* how) {
  absl::Status agreement = CheckData(phase);
  if (!agreement.ok()) return agreement;
  const double epochs = phase.has_epochs() ? phase.epochs() : 1;
  if (phase.has_examples()) {
    if (how != nullptr) *how = absl::StrCat(Grouped(phase.examples()), " examples");
    return phase.examples();
  }
  if (phase.has_batch_size() && phase.has_steps()) {
    const double examples = phase.batch_size() * phase.steps() / epochs;
    if (how != nullptr) {
      *how = absl::StrCat(Grouped(phase.batch_size()), " batch x ", Grouped(phase.steps()),
                          " steps");
      if (phase.has_epochs()) absl::StrAppend(how, " / ", Grouped(epochs), " epochs");
      absl::StrAppend(how, " = ", Grouped(examples), " examples");
    }
    return examples;
  }
  if (phase.has_tokens()) {
    return absl::NotFoundError("no examples given: the tokens need the sequence length");
  }
  if (phase.has_steps()) {
    return absl::InvalidArgumentError(
        "steps given without batch_size (examples x epochs = batch_size x steps)");
  }
  return absl::NotFoundError(
      "no training data given: examples, tokens, or batch_size and steps");
}

absl::StatusOr<double> ChipHoursOf(const Phase& phase) {
  absl::Status agreement = CheckDuration(phase);
  if (!agreement.ok()) return agreement;
  if (phase.has_chip_hours()) return phase.chip_hours();
  const bool has_duration = phase.has_hours() || phase.has_days();
  if (phase.has_chips() && has_duration) {
    return phase.chips() * (phase.has_hours() ? phase.hours() : phase.days() * 24);
  }
  return absl::NotFoundError(
      "method 2 needs chip_hours, or chips and hours (or days)");
}

}  // namespace onnx_flops
