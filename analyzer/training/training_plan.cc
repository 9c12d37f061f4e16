#include "analyzer/training/training_plan.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "analyzer/training/backward.h"
#include "analyzer/training/hardware.h"
#include "analyzer/training/method2.h"
#include "analyzer/util/number_format.h"
#include "analyzer/training/training_config.h"
#include "analyzer/training/training_inputs.h"
#include "analyzer/training/training_memory.h"

namespace onnx_flops {
namespace {

Phase FlagsPhase(const TrainingOptions& t, const HardwareOptions& h) {
  if (t.phase) return *t.phase;
  Phase p;
  if (t.examples) p.set_examples(*t.examples);
  if (t.tokens) p.set_tokens(*t.tokens);
  if (t.epochs) p.set_epochs(*t.epochs);
  if (t.batch_size) p.set_batch_size(*t.batch_size);
  if (t.steps) p.set_steps(*t.steps);
  if (t.backward_ratio_given) p.set_backward_ratio(t.backward_ratio);
  if (!t.backward_model.empty()) p.set_backward(t.backward_model);
  for (const auto& f : t.frozen) p.add_frozen(f);
  if (!t.optimizer.empty()) p.set_optimizer(t.optimizer);
  if (!h.hardware.empty()) p.set_hardware(h.hardware);
  if (h.chips) p.set_chips(*h.chips);
  if (h.seconds && h.seconds_in_days) {
    p.set_days(*h.seconds / 86400);
  } else if (h.seconds) {
    p.set_hours(*h.seconds / 3600);
  }
  if (h.chip_hours) p.set_chip_hours(*h.chip_hours);
  if (!h.precision.empty()) p.set_precision(h.precision);
  if (h.utilization) p.set_utilization(*h.utilization);
  if (h.peak_flops) p.set_peak_flops(*h.peak_flops);
  if (h.price_per_chip_hour) p.set_price_per_chip_hour(*h.price_per_chip_hour);
  return p;
}

bool HasData(const Phase& p) {
  return p.has_examples() || p.has_tokens() || p.has_steps() || p.has_batch_size();
}

bool HasHardware(const Phase& p) {
  return p.has_hardware() || p.has_peak_flops() || p.has_chips() || p.has_chip_hours() ||
         p.has_hours() || p.has_days();
}

struct PhaseResult {
  double flops = 0;
  double forward_per_example = 0;
  double effective_ratio = 0;
  double optimizer_per_example = 0;
  double examples = 0;
  double epochs = 1;
  std::string examples_source;
  std::string formula;
};

absl::StatusOr<PhaseResult> CountPhase(const Phase& phase, const TrainingContext& ctx, const Report& report,
                                       std::vector<std::string>* warnings) {
  PhaseResult r;
  const std::string label = phase.has_name() ? absl::StrCat("phase '", phase.name(), "': ") : "";
  if (phase.has_model() && !phase.model().empty() && phase.model() != report.model().path()) {
    // A phase on another model file: analyze it with this phase's data and
    // backward fields alone (no hardware, no name).
    Phase only = phase;
    for (const char* f : {"name", "model", "hardware", "chips", "hours", "days", "chip_hours",
                          "precision", "utilization", "peak_flops", "price_per_chip_hour",
                          "comment"}) {
      only.GetReflection()->ClearField(&only, only.GetDescriptor()->FindFieldByName(f));
    }
    TrainingOptions sub;
    sub.phase = only;
    if (!ctx.analyze_other) {
      return absl::InternalError(absl::StrCat(label, "no way to analyze ", phase.model()));
    }
    absl::StatusOr<Report> other = ctx.analyze_other(phase.model(), sub);
    if (!other.ok()) return other.status();
    r.flops = other->training().flops();
    r.forward_per_example = other->training().forward_flops_per_example();
    r.effective_ratio = other->training().effective_backward_ratio();
    r.examples = other->training().examples();
    r.epochs = other->training().epochs();
    r.examples_source = other->training().examples_source();
    r.formula = other->training().formula();
    return r;
  }
  if (phase.has_tokens() && (phase.has_examples() || phase.has_steps())) {
    return absl::InvalidArgumentError(
        absl::StrCat(label, "give examples, tokens or batch size x steps, not several"));
  }
  const Forward& f = report.forward();
  r.forward_per_example = f.flops_per_example();
  r.epochs = phase.has_epochs() ? phase.epochs() : 1;
  std::string how;
  absl::StatusOr<double> examples = ExamplesOf(phase, &how);
  if (examples.ok()) {
    r.examples = *examples;
    r.examples_source = how.empty() || phase.has_examples() ? "as given" : how;
  } else if (absl::IsNotFound(examples.status()) && phase.has_tokens()) {
    if (ctx.tokens_per_example <= 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          label, "tokens need the sequence length, and the model has no recognizable time "
                 "axis: name it with --seq-dim NAME (or INPUT:AXIS)"));
    }
    r.examples = phase.tokens() / ctx.tokens_per_example;
    r.examples_source = absl::StrCat(Grouped(phase.tokens()), " tokens / ",
                                     Grouped(ctx.tokens_per_example), " tokens per sequence");
  } else {
    return absl::Status(examples.status().code(),
                        absl::StrCat(label, examples.status().message()));
  }
  const std::string backward = phase.has_backward() ? phase.backward() : "ratio";
  if (backward == "per-op") {
    BackwardOptions b;
    b.frozen_patterns.assign(phase.frozen().begin(), phase.frozen().end());
    b.optimizer = phase.has_optimizer() ? phase.optimizer() : "";
    b.batch_size = phase.has_batch_size() ? phase.batch_size()
                                          : static_cast<double>(f.batch_size());
    if (!b.optimizer.empty() && !phase.has_batch_size()) {
      warnings->push_back(absl::StrCat(
          "the optimizer's updates per example assume the model's batch of ", f.batch_size(),
          " examples per step: set --batch-size"));
    }
    absl::StatusOr<BackwardResult> per_op =
        PerOpBackward(ctx.model->graph(), *ctx.values, *ctx.nodes, b);
    if (!per_op.ok()) return per_op.status();
    r.effective_ratio = per_op->effective_ratio;
    r.optimizer_per_example = per_op->optimizer_flops_per_example;
    for (const std::string& n : per_op->notes) warnings->push_back(n);
  } else {
    r.effective_ratio = phase.has_backward_ratio() ? phase.backward_ratio() : 2.0;
    if (phase.has_optimizer() || phase.frozen_size() > 0) {
      warnings->push_back("--optimizer and --frozen apply to --backward per-op; ignored");
    }
  }
  r.flops = (r.forward_per_example * (1 + r.effective_ratio) + r.optimizer_per_example) *
            r.examples * r.epochs;
  if (!std::isfinite(r.flops)) {
    return absl::InvalidArgumentError("training compute overflows a double (> 1.8e308)");
  }
  const bool plain = phase.has_examples() || !(phase.has_tokens() || phase.has_steps());
  r.formula = absl::StrCat(
      plain ? "" : absl::StrCat(r.examples_source, " = ", Grouped(r.examples), " examples; "),
      "(", Grouped(r.forward_per_example), " FLOP/example x (1 + ",
      absl::StrFormat("%.4g", r.effective_ratio), ")",
      r.optimizer_per_example > 0
          ? absl::StrCat(" + ", Grouped(r.optimizer_per_example), " optimizer")
          : "",
      ") x ", Grouped(r.examples), " examples x ", Grouped(r.epochs), " epochs = ",
      Scientific(r.flops), " FLOP");
  return r;
}

// What training memory reads from the merged first phase (flags > config >
// metadata).
TrainingMemoryOptions MemoryOptions(const Phase& p) {
  TrainingMemoryOptions o;
  o.precision = p.has_precision() ? p.precision() : "";
  o.optimizer = p.has_optimizer() ? p.optimizer() : "";
  o.frozen.assign(p.frozen().begin(), p.frozen().end());
  o.batch = p.has_batch_size() ? p.batch_size() : 0;
  o.hardware = p.has_hardware() ? p.hardware() : "";
  return o;
}

bool LooksLikeLanguageModel(const Report& report) {
  return report.forward().has_attention() && report.forward().sequence_length() > 0;
}

absl::Status FillMethod2(const Phase& hw, const Report& report, Training* t,
                         std::vector<std::string>* warnings) {
  Method2* m = t->mutable_method2();
  double peak = 0;
  const Hardware* chip = nullptr;
  if (hw.has_hardware()) {
    absl::StatusOr<const Hardware*> found = FindHardware(hw.hardware());
    if (!found.ok()) return found.status();
    chip = *found;
    m->set_hardware(chip->name);
  }
  std::string precision = hw.has_precision() ? hw.precision() : "";
  if (hw.has_peak_flops()) {
    peak = hw.peak_flops();
    m->set_peak_source("--peak-flops");
    if (!chip) m->set_hardware("(--peak-flops)");
    if (precision.empty()) precision = "as given";
  } else if (chip != nullptr) {
    if (precision.empty()) {
      for (const char* p : {"fp16", "bf16", "fp32"}) {
        if (PeakFlops(*chip, p).ok()) {
          precision = p;
          break;
        }
      }
      warnings->push_back(absl::StrCat("--precision not given: ", precision,
                                       " peak used (mixed-precision training)"));
    }
    absl::StatusOr<double> p = PeakFlops(*chip, precision);
    if (!p.ok()) return p.status();
    peak = *p;
    m->set_peak_source(chip->source);
  } else {
    return absl::InvalidArgumentError("method 2 needs --hardware NAME or --peak-flops X");
  }
  m->set_precision(precision);
  m->set_peak_flops(peak);
  if (hw.has_utilization()) {
    m->set_utilization(hw.utilization());
    m->set_utilization_source("as given");
  } else {
    const DefaultUtilizationChoice d = DefaultUtilization(LooksLikeLanguageModel(report));
    m->set_utilization(d.value);
    m->set_utilization_source(d.reason);
  }
  absl::StatusOr<double> chip_hours = ChipHoursOf(hw);
  if (absl::IsNotFound(chip_hours.status())) {
    // Hardware without a duration: how long method 1's compute would take.
    if (t->flops() > 0) {
      const double chips = hw.has_chips() ? hw.chips() : 1;
      absl::StatusOr<double> seconds = TimeToTrain(t->flops(), chips, peak, m->utilization());
      if (!seconds.ok()) return seconds.status();
      Projection* p = t->mutable_projection();
      p->set_seconds(*seconds);
      if (chip != nullptr && chip->tdp_w.has_value()) {
        absl::StatusOr<EnergyEstimate> e = TrainingEnergy(*chip->tdp_w, chips, *seconds);
        if (e.ok()) p->set_energy_kwh(e->kwh);
      }
      if (hw.has_price_per_chip_hour()) {
        absl::StatusOr<double> cost = TrainingCost(hw.price_per_chip_hour(), chips, *seconds);
        if (cost.ok()) p->set_cost(*cost);
      }
    }
    t->clear_method2();
    return absl::OkStatus();
  }
  if (!chip_hours.ok()) return chip_hours.status();
  const double chips = hw.has_chips() ? hw.chips() : 1;
  const double seconds = *chip_hours * 3600 / chips;
  m->set_chips(chips);
  m->set_seconds(seconds);
  absl::StatusOr<double> flops = Method2Flops(peak, chips, seconds, m->utilization());
  if (!flops.ok()) return flops.status();
  m->set_flops(*flops);
  m->set_formula(Method2Formula(peak, chips, seconds, m->utilization(), *flops));
  if (!hw.has_utilization()) {
    // An assumed utilization is the weakest input of method 2.
    m->mutable_range()->set_low(*flops / m->utilization() * kTypicalUtilizationLow);
    m->mutable_range()->set_high(*flops / m->utilization() * kTypicalUtilizationHigh);
    m->mutable_range()->set_basis(absl::StrCat(
        "utilization from ", kTypicalUtilizationLow, " to ", kTypicalUtilizationHigh,
        " in place of the assumed ", m->utilization(),
        " (the span onnx-flops takes as typical of large training runs, around Sevilla et "
        "al. 2022's defaults of 0.3 for language models and 0.4 otherwise)"));
  }
  if (t->flops() > 0) {
    t->set_method1_over_method2(t->flops() / *flops);
    absl::StatusOr<double> implied = ImpliedUtilization(t->flops(), chips, seconds, peak);
    if (implied.ok()) {
      t->set_implied_utilization(*implied);
      const std::string w = ImpliedUtilizationWarning(*implied);
      if (!w.empty()) warnings->push_back(w);
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status FillTraining(const TrainingOptions& training, const HardwareOptions& hardware,
                          const TrainingContext& ctx, Report* report,
                          std::vector<std::string>* warnings) {
  const Phase flags = FlagsPhase(training, hardware);
  if (auto st = ValidatePhase(flags, FieldNaming::kFlag); !st.ok()) return st;
  std::vector<Phase> file_phases;
  if (!training.config_path.empty()) {
    absl::StatusOr<TrainingConfig> config = LoadTrainingConfig(training.config_path);
    if (!config.ok()) return config.status();
    // LoadTrainingConfig gives a single top-level phase as phases[0].
    file_phases.assign(config->phases().begin(), config->phases().end());
  }
  if (file_phases.empty()) file_phases.push_back(Phase());
  absl::StatusOr<Phase> meta = PhaseFromMetadata(*ctx.model, warnings);
  if (!meta.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("metadata_props: ", meta.status().message()));
  }
  const bool several = file_phases.size() > 1;
  if (several && (flags.has_examples() || flags.has_tokens() || flags.has_steps())) {
    return absl::InvalidArgumentError(
        "--examples/--tokens/--steps would apply to every phase of the config: set them per phase");
  }
  std::vector<Phase> phases;
  for (const Phase& p : file_phases) phases.push_back(Merge(flags, p, *meta));

  Training t;
  t.set_method("method 1 (Sevilla et al. 2022): forward x (1 + backward ratio) x examples x epochs");
  bool any_data = false;
  for (const Phase& p : phases) any_data = any_data || HasData(p);
  for (size_t i = 0; i < phases.size(); ++i) {
    PhaseSources sources;
    sources.flags = &flags;
    sources.file = &file_phases[i];
    sources.metadata = &*meta;
    sources.merged = &phases[i];
    sources.config_path = training.config_path;
    if (several) {
      sources.phase = phases[i].has_name() ? phases[i].name() : absl::StrCat("phase ", i + 1);
    }
    AddPhaseInputs(sources, HasData(phases[i]), &t);
  }
  if (any_data) {
    double total = 0;
    double low = 0, high = 0;
    for (size_t i = 0; i < phases.size(); ++i) {
      absl::StatusOr<PhaseResult> r = CountPhase(phases[i], ctx, *report, warnings);
      if (!r.ok()) return r.status();
      total += r->flops;
      // The backward pass at kBackwardRatioLow..High x forward instead of
      // the ratio used (the estimate stays inside when a per-op ratio falls
      // outside).
      const double forward_passes = r->forward_per_example * r->examples * r->epochs;
      const double base = r->flops - forward_passes * r->effective_ratio;
      low += std::min(r->flops, base + forward_passes * kBackwardRatioLow);
      high += std::max(r->flops, base + forward_passes * kBackwardRatioHigh);
      if (several) {
        TrainingPhase* tp = t.add_phases();
        tp->set_name(phases[i].has_name() ? phases[i].name() : absl::StrCat("phase ", i + 1));
        if (phases[i].has_model()) tp->set_model(phases[i].model());
        tp->set_examples(r->examples);
        tp->set_epochs(r->epochs);
        tp->set_forward_flops_per_example(r->forward_per_example);
        tp->set_backward_ratio(r->effective_ratio);
        tp->set_flops(r->flops);
        tp->set_formula(r->formula);
      } else {
        t.set_examples(r->examples);
        t.set_epochs(r->epochs);
        t.set_forward_flops_per_example(r->forward_per_example);
        t.set_backward_ratio(r->effective_ratio);
        t.set_effective_backward_ratio(r->effective_ratio);
        t.set_flops_per_example(r->forward_per_example * (1 + r->effective_ratio) +
                                r->optimizer_per_example);
        t.set_optimizer_flops_per_example(r->optimizer_per_example);
        t.set_examples_source(r->examples_source);
        t.set_formula(r->formula);
        t.set_backward_model(phases[i].has_backward() ? phases[i].backward() : "ratio");
        if (phases[i].has_tokens() && !phases[i].has_examples()) {
          t.set_tokens(phases[i].tokens());
          t.set_sequence_length(SaturatingInt(ctx.tokens_per_example));
        }
      }
    }
    t.set_flops(total);
    Range* range = t.mutable_range();
    range->set_low(low);
    range->set_high(high);
    range->set_basis(absl::StrCat(
        "backward:forward FLOP ratios from ", kBackwardRatioLow, ":1 to ", kBackwardRatioHigh,
        ":1 (the range Epoch AI observed across architectures, Sevilla et al. 2022) in place "
        "of the ratio used, widened to include the estimate when its ratio falls outside"));
    AddGraphInputs(*report, &t);
    if (several) {
      t.set_formula(absl::StrCat("sum of ", phases.size(), " phases = ", Scientific(total), " FLOP"));
    }
    t.set_pf_days(ToPetaflopDays(total));
    if (!several && ctx.tokens_per_example > 0 && report->model().active_parameters() > 0) {
      ParameterRule* rule = t.mutable_parameter_rule();
      const double n = report->model().active_parameters();
      const double d = t.examples() * t.epochs() * ctx.tokens_per_example;
      rule->set_parameters(n);
      rule->set_tokens(d);
      rule->set_flops(6 * n * d);
      rule->set_ratio(rule->flops() > 0 ? total / rule->flops() : 0);
      const bool moe = n < report->model().parameters();
      rule->set_formula(absl::StrCat(
          "6 x ", Grouped(n), moe ? " active" : "", " parameters x ", Grouped(d), " tokens (",
          Grouped(t.examples()), " x ", Grouped(t.epochs()), " x ",
          Grouped(ctx.tokens_per_example), ") = ", Scientific(rule->flops()), " FLOP"));
    }
    for (const ThresholdComparison& c : CompareWithThresholds(total)) {
      Threshold* th = t.add_thresholds();
      th->set_name(absl::StrCat(c.name, ": ", c.what));
      th->set_flops(c.threshold);
      th->set_above(c.above);
      th->set_ratio(c.ratio);
    }
  }
  if (HasHardware(phases[0])) {
    if (auto st = FillMethod2(phases[0], *report, &t, warnings); !st.ok()) return st;
    AddHardwareInputs(phases[0], &t);
  }
  if (any_data || t.has_method2() || t.has_projection()) {
    absl::StatusOr<TrainingMemory> memory = ComputeTrainingMemory(
        ctx.model->graph(), *ctx.values, *ctx.nodes, report->model().parameters(),
        report->forward().batch_size(), MemoryOptions(phases[0]));
    if (!memory.ok()) return memory.status();
    *t.mutable_memory() = *std::move(memory);
    *report->mutable_training() = t;
  }
  return absl::OkStatus();
}

}  // namespace onnx_flops
