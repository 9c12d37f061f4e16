#include "analyzer/training/training_inputs.h"

#include <cmath>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "analyzer/util/number_format.h"
#include "analyzer/training/training_config.h"

namespace onnx_flops {
namespace {

using google::protobuf::FieldDescriptor;

TrainingInput* Add(Training* t, const std::string& phase, absl::string_view name,
                   std::string value, std::string source, bool assumed,
                   std::string note = "") {
  TrainingInput* in = t->add_inputs();
  in->set_phase(phase);
  in->set_name(std::string(name));
  in->set_value(std::move(value));
  in->set_source(std::move(source));
  in->set_assumed(assumed);
  in->set_note(std::move(note));
  return in;
}

bool Has(const Phase& p, const FieldDescriptor* f) {
  const auto* r = p.GetReflection();
  return f->is_repeated() ? r->FieldSize(p, f) > 0 : r->HasField(p, f);
}

std::string ValueOf(const Phase& p, const FieldDescriptor* f) {
  const auto* r = p.GetReflection();
  if (f->is_repeated()) {
    std::vector<std::string> items;
    for (int i = 0; i < r->FieldSize(p, f); ++i) items.push_back(r->GetRepeatedString(p, f, i));
    return absl::StrJoin(items, ", ");
  }
  if (f->cpp_type() == FieldDescriptor::CPPTYPE_DOUBLE) return InputValue(r->GetDouble(p, f));
  return r->GetString(p, f);
}

}  // namespace

std::string InputValue(double x) {
  if (std::isfinite(x) && x == std::floor(x) && std::fabs(x) < 1e15) return Grouped(x);
  return absl::StrFormat("%.4g", x);
}

void AddPhaseInputs(const PhaseSources& s, bool method1, Training* t) {
  const auto* d = Phase::descriptor();
  for (int i = 0; i < d->field_count(); ++i) {
    const FieldDescriptor* f = d->field(i);
    // The name labels the phase; the comment is free text.
    if (f->name() == "name" || f->name() == "comment" || !Has(*s.merged, f)) continue;
    std::string source;
    if (Has(*s.flags, f)) {
      source = FieldName(f->name(), FieldNaming::kFlag);
    } else if (Has(*s.file, f)) {
      source = absl::StrCat("training config ", s.config_path);
    } else {
      source = absl::StrCat("model metadata ", FieldName(f->name(), FieldNaming::kMetadata));
    }
    Add(t, s.phase, f->name(), ValueOf(*s.merged, f), std::move(source), false);
  }
  if (!method1) return;
  const Phase& m = *s.merged;
  if (!m.has_epochs()) {
    Add(t, s.phase, "epochs", "1", "default", true, "no epochs given: one pass over the data");
  }
  if ((!m.has_backward() || m.backward() == "ratio") && !m.has_backward_ratio()) {
    Add(t, s.phase, "backward_ratio", "2", "default", true,
        "Epoch AI's typical backward:forward FLOP ratio of 2:1 (Sevilla et al. 2022)");
  }
}

void AddGraphInputs(const Report& report, Training* t) {
  const Forward& f = report.forward();
  std::string how =
      absl::StrCat("forward FLOPs of one pass (", Grouped(f.flops()), ") / batch of ", f.batch_size());
  if (!f.batch_dim().name().empty()) {
    absl::StrAppend(&how, " (dim '", f.batch_dim().name(), "': ", f.batch_dim().reason(), ")");
  }
  if (f.steps_per_example() > 1) {
    absl::StrAppend(&how, " x ", InputValue(f.steps_per_example()), " steps per example");
  }
  Add(t, "", "forward_flops_per_example", InputValue(f.flops_per_example()), "graph", false,
      std::move(how));
  if (t->sequence_length() > 0) {
    Add(t, "", "sequence_length", InputValue(static_cast<double>(t->sequence_length())), "graph",
        false,
        f.sequence_dim().name().empty()
            ? f.sequence_dim().reason()
            : absl::StrCat("dim '", f.sequence_dim().name(), "': ", f.sequence_dim().reason()));
  }
  for (const AssumedDim& a : report.assumed_dims()) {
    const bool assumed = absl::StartsWith(a.source(), "assumed");
    Add(t, "", absl::StrCat("dim ", a.name()), absl::StrCat(a.value()),
        assumed ? "default" : a.source(), assumed,
        assumed ? "symbolic dim not bound (--dim): taken as 1" : "");
  }
}

void AddHardwareInputs(const Phase& m, Training* t) {
  if (t->has_method2()) {
    const Method2& m2 = t->method2();
    Add(t, "", "peak_flops", InputValue(m2.peak_flops()),
        m.has_peak_flops() ? "--peak-flops" : "hardware table", false,
        m.has_peak_flops() ? "" : absl::StrCat(m2.hardware(), " at ", m2.precision(), ": ", m2.peak_source()));
    if (!m.has_precision() && !m.has_peak_flops()) {
      Add(t, "", "precision", m2.precision(), "default", true,
          "no precision given: mixed-precision training assumed");
    }
    if (!m.has_utilization()) {
      Add(t, "", "utilization", InputValue(m2.utilization()), "default", true,
          m2.utilization_source());
    }
  }
}

}  // namespace onnx_flops
