#include "analyzer/training/training_config.h"

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "analyzer/load/model_loader.h"
#include "gtest/gtest.h"

namespace onnx_flops {
namespace {

// Whether `text` contains `part` (gtest without gmock).
#define EXPECT_HAS(text, part) \
  EXPECT_NE(std::string(text).find(part), std::string::npos) << (text)

const std::string kDir = std::string(ONNX_FLOPS_TESTDATA) + "/training";

std::string WriteTemp(const std::string& name, const std::string& text) {
  const std::string path = ::testing::TempDir() + name;  // TempDir ends with /
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

// The message of a failed parse of `json`, or "" when it parsed.
std::string ParseError(const std::string& json) {
  auto c = ParseTrainingConfig(json, "cfg.json", "");
  return c.ok() ? "" : std::string(c.status().message());
}

void ExpectOneLine(const absl::Status& s) {
  EXPECT_EQ(std::string(s.message()).find('\n'), std::string::npos) << s.message();
}

// ---- the files in testdata/training ----

TEST(TrainingConfig, SinglePhaseFile) {
  auto c = LoadTrainingConfig(kDir + "/single_phase.json");
  ASSERT_TRUE(c.ok()) << c.status();
  ASSERT_EQ(c->phases_size(), 1);
  EXPECT_FALSE(c->has_examples());  // moved into phases[0]
  const Phase& p = c->phases(0);
  EXPECT_EQ(p.name(), "imagenet");
  EXPECT_EQ(p.examples(), 1281167);
  EXPECT_EQ(p.epochs(), 90);
  EXPECT_EQ(p.batch_size(), 256);
  EXPECT_EQ(p.steps(), 450411);
  EXPECT_EQ(p.optimizer(), "sgd");
  EXPECT_EQ(p.hardware(), "V100");
  EXPECT_EQ(p.precision(), "fp16");
  EXPECT_DOUBLE_EQ(p.utilization(), 0.4);
  EXPECT_FALSE(p.has_tokens());
  EXPECT_FALSE(p.has_hours());
  EXPECT_FALSE(p.has_model());
  EXPECT_TRUE(p.has_comment());
  // 1,281,167 x 90 = 115,305,030 vs 256 x 450,411 = 115,305,216: within 1%.
  auto examples = ExamplesOf(p);
  ASSERT_TRUE(examples.ok()) << examples.status();
  EXPECT_EQ(*examples, 1281167);
  auto chip_hours = ChipHoursOf(p);
  ASSERT_TRUE(chip_hours.ok()) << chip_hours.status();
  EXPECT_DOUBLE_EQ(*chip_hours, 8 * 2.5 * 24);  // 480
}

TEST(TrainingConfig, TwoPhaseFileWithItsOwnModel) {
  auto c = LoadTrainingConfig(kDir + "/two_phase.json");
  ASSERT_TRUE(c.ok()) << c.status();
  ASSERT_EQ(c->phases_size(), 2);
  EXPECT_TRUE(c->has_comment());
  const Phase& pre = c->phases(0);
  const Phase& fine = c->phases(1);
  EXPECT_EQ(pre.name(), "pre-training");
  EXPECT_EQ(pre.tokens(), 3e8);
  EXPECT_FALSE(pre.has_model());  // the model on the command line
  EXPECT_EQ(pre.hardware(), "A100");
  EXPECT_DOUBLE_EQ(*ChipHoursOf(pre), 96);
  // Tokens: the caller converts them with the sequence length.
  EXPECT_EQ(ExamplesOf(pre).status().code(), absl::StatusCode::kNotFound);

  EXPECT_EQ(fine.name(), "fine-tuning");
  // "../tiny_mlp.onnx" relative to testdata/training/, lexically normalized.
  EXPECT_EQ(fine.model(),
            std::filesystem::path(std::string(ONNX_FLOPS_TESTDATA) + "/tiny_mlp.onnx")
                .lexically_normal()
                .string());
  EXPECT_TRUE(LoadModel(fine.model()).ok());
  EXPECT_EQ(*ExamplesOf(fine), 60000);
  EXPECT_EQ(fine.epochs(), 3);
  EXPECT_EQ(fine.backward(), "per-op");
  ASSERT_EQ(fine.frozen_size(), 1);
  EXPECT_EQ(fine.frozen(0), "fc1.*");
  EXPECT_EQ(fine.optimizer(), "adam");
  EXPECT_FALSE(fine.has_backward_ratio());
  EXPECT_EQ(ChipHoursOf(fine).status().code(), absl::StatusCode::kNotFound);
}

TEST(TrainingConfig, UnknownFieldIsNamedWithItsPlace) {
  const std::string path = kDir + "/bad_unknown_field.json";
  auto c = LoadTrainingConfig(path);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(c.status().message(),
            path + ": unknown field 'phases[1].epocs' (did you mean 'epochs'?)");
}

TEST(TrainingConfig, UnknownTopLevelFieldListsTheKnownOnes) {
  const std::string m = ParseError(R"({"examples": 10, "learning_rate": 0.1})");
  EXPECT_HAS(m, "cfg.json: unknown field 'learning_rate' (known fields: ");
  EXPECT_HAS(m, "batch_size");
  EXPECT_HAS(m, "phases");
  EXPECT_HAS(ParseError(R"({"exampels": 10})"),
              "unknown field 'exampels' (did you mean 'examples'?)");
}

// ---- parse errors: one line, naming the file ----

TEST(TrainingConfig, FileErrorsNameTheFile) {
  auto missing = LoadTrainingConfig(kDir + "/no_such_config.json");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(missing.status().message(),
            kDir + "/no_such_config.json: cannot read the training config (no such file)");

  auto dir = LoadTrainingConfig(kDir);
  ASSERT_FALSE(dir.ok());
  EXPECT_HAS(std::string(dir.status().message()), kDir + ": is a directory");

  const std::string empty = WriteTemp("empty.json", "  \n");
  auto e = LoadTrainingConfig(empty);
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.status().message(), empty + ": empty file; a training config is a JSON object {...}");
}

TEST(TrainingConfig, JsonErrorsAreOneLineNamingTheFile) {
  const std::string truncated = WriteTemp("truncated.json", "{\"examples\": 5,");
  auto t = LoadTrainingConfig(truncated);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_HAS(std::string(t.status().message()), truncated + ": ");
  ExpectOneLine(t.status());

  EXPECT_EQ(ParseError(R"({"examples": "many"})"),
            R"(cfg.json: examples: invalid value "many" (expected a number))");
  EXPECT_EQ(ParseError(R"({"phases": [{"epochs": "x"}]})"),
            R"(cfg.json: phases[0].epochs: invalid value "x" (expected a number))");
  EXPECT_EQ(ParseError(R"({"examples": 1, "examples": 2})"),
            "cfg.json: field 'examples' given twice");
  EXPECT_EQ(ParseError("[1, 2]"), "cfg.json: expected a JSON object {...}");
  EXPECT_EQ(ParseError(R"({"phases": [1]})"),
            "cfg.json: phases[0]: invalid value 1 (expected a JSON object {...})");
  // Syntax errors say where.
  EXPECT_EQ(ParseError("{\n  \"examples\": 5,\n  \"epochs\": x\n}"),
            "cfg.json: Unexpected token at line 3, column 13");
  EXPECT_EQ(ParseError(R"({"phases": [{"examples": 5}, {"examples": 5 "epochs": 2}]})"),
            "cfg.json: Expected , or } after key:value pair at line 1, column 45");
  for (const char* bad : {"{", "{\"examples\": }", "not json", "{\"phases\": [1]}"}) {
    auto c = ParseTrainingConfig(bad, "cfg.json", "");
    ASSERT_FALSE(c.ok()) << bad;
    EXPECT_HAS(std::string(c.status().message()), "cfg.json: ") << bad;
    ExpectOneLine(c.status());
  }
}

// ---- presence and validation ----

TEST(TrainingConfig, NotGivenDiffersFromZero) {
  auto c = ParseTrainingConfig(R"({"examples": 100, "backward_ratio": 0})", "cfg.json", "");
  ASSERT_TRUE(c.ok()) << c.status();
  const Phase& p = c->phases(0);
  EXPECT_TRUE(p.has_backward_ratio());
  EXPECT_EQ(p.backward_ratio(), 0);
  EXPECT_FALSE(p.has_epochs());
  EXPECT_FALSE(p.has_price_per_chip_hour());
  // An empty object is one empty phase.
  auto empty = ParseTrainingConfig("{}", "cfg.json", "");
  ASSERT_TRUE(empty.ok());
  ASSERT_EQ(empty->phases_size(), 1);
  EXPECT_EQ(empty->phases(0).ByteSizeLong(), 0u);
}

TEST(TrainingConfig, BadValuesNameTheField) {
  EXPECT_EQ(ParseError(R"({"epochs": -3})"),
            "cfg.json: epochs must be a positive number (got -3)");
  EXPECT_EQ(ParseError(R"({"examples": 0})"),
            "cfg.json: examples must be a positive number (got 0)");
  EXPECT_EQ(ParseError(R"({"backward_ratio": -1})"),
            "cfg.json: backward_ratio must not be negative (got -1)");
  EXPECT_EQ(ParseError(R"({"tokens": "NaN"})"),
            "cfg.json: tokens must be a finite number (got nan)");
  EXPECT_EQ(ParseError(R"({"chips": "Infinity"})"),
            "cfg.json: chips must be a finite number (got inf)");
  EXPECT_EQ(ParseError(R"({"utilization": 40})"),
            "cfg.json: utilization must be in (0, 1], a fraction of peak (got 40)");
  EXPECT_EQ(ParseError(R"({"precision": "fp64"})"),
            "cfg.json: precision must be one of fp32, tf32, fp16, bf16, fp8, int8 (got 'fp64')");
  EXPECT_EQ(ParseError(R"({"backward": "exact"})"),
            "cfg.json: backward must be one of ratio, per-op (got 'exact')");
  EXPECT_EQ(ParseError(R"({"optimizer": "lion"})"),
            "cfg.json: optimizer must be one of none, sgd, momentum, adam, adamw (got 'lion')");
  EXPECT_EQ(ParseError(R"({"frozen": ["fc1.*", ""]})"),
            "cfg.json: frozen has an empty pattern");
  EXPECT_EQ(ParseError(R"({"phases": [{"examples": 5}, {"name": "ft", "epochs": -1}]})"),
            "cfg.json: phases[1] ('ft'): epochs must be a positive number (got -1)");
  EXPECT_EQ(ParseError(R"({"phases": [{"examples": 5}, {"price_per_chip_hour": -2}]})"),
            "cfg.json: phases[1]: price_per_chip_hour must not be negative (got -2)");
}

TEST(TrainingConfig, PhasesOrTopLevelNotBoth) {
  EXPECT_EQ(ParseError(R"({"epochs": 2, "hardware": "V100", "phases": [{"examples": 5}]})"),
            "cfg.json: give either \"phases\" or the fields of one phase at the top level, "
            "not both (top level: epochs, hardware)");
  // A comment is not a phase field.
  EXPECT_EQ(ParseError(R"({"comment": "x", "phases": [{"examples": 5}]})"), "");
}

TEST(TrainingConfig, DisagreementInsideTheFileIsAnError) {
  EXPECT_EQ(ParseError(R"({"examples": 1000, "epochs": 2, "batch_size": 10, "steps": 100})"),
            "cfg.json: examples x epochs = 1,000 x 2 = 2,000 disagrees with batch_size x steps "
            "= 10 x 100 = 1,000 (50% apart); give one of them, or figures that agree");
  EXPECT_HAS(ParseError(R"({"hours": 10, "days": 1})"),
              "cfg.json: hours = 10 disagrees with days x 24 = 24");
  EXPECT_HAS(ParseError(R"({"phases": [{"chips": 8, "hours": 10, "chip_hours": 100}]})"),
              "cfg.json: phases[0]: chip_hours = 100 disagrees with chips x hours");
}

TEST(TrainingConfig, ModelPathsAreRelativeToTheConfigAndMustExist) {
  auto c = ParseTrainingConfig(R"({"phases": [{"model": "../small_cnn.onnx"}]})", "x.json",
                               kDir);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->phases(0).model(),
            std::filesystem::path(std::string(ONNX_FLOPS_TESTDATA) + "/small_cnn.onnx")
                .lexically_normal()
                .string());
  auto missing = LoadTrainingConfig(
      WriteTemp("missing_model.json", R"({"phases": [{"examples": 1, "model": "nope.onnx"}]})"));
  ASSERT_FALSE(missing.ok());
  EXPECT_HAS(std::string(missing.status().message()),
              "phases[0]: model 'nope.onnx' (" + ::testing::TempDir());
  EXPECT_HAS(std::string(missing.status().message()),
              "nope.onnx): no such file; a relative path is relative to the config file");
  // An absolute path is kept as it is.
  const std::string abs = std::string(ONNX_FLOPS_TESTDATA) + "/small_cnn.onnx";
  auto a = ParseTrainingConfig(absl::StrCat(R"({"model": ")", abs, R"("})"), "x.json", "/nowhere");
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->phases(0).model(), std::filesystem::path(abs).lexically_normal().string());
}

TEST(TrainingConfig, FieldsAreInStepWithPhase) {
  // TrainingConfig repeats Phase's fields for the implicit single phase.
  const auto* phase = Phase::descriptor();
  const auto* config = TrainingConfig::descriptor();
  EXPECT_EQ(config->field_count(), phase->field_count() + 1);
  for (int i = 0; i < phase->field_count(); ++i) {
    const auto* f = phase->field(i);
    const auto* g = config->FindFieldByName(f->name());
    ASSERT_NE(g, nullptr) << f->name();
    EXPECT_EQ(g->number(), f->number()) << f->name();
    EXPECT_EQ(g->type(), f->type()) << f->name();
    EXPECT_EQ(g->is_repeated(), f->is_repeated()) << f->name();
    EXPECT_EQ(g->has_presence(), f->has_presence()) << f->name();
  }
  ASSERT_NE(config->FindFieldByName("phases"), nullptr);
}

TEST(TrainingConfig, FieldNames) {
  EXPECT_EQ(FieldName("batch_size", FieldNaming::kConfig), "batch_size");
  EXPECT_EQ(FieldName("batch_size", FieldNaming::kMetadata), "training.batch_size");
  EXPECT_EQ(FieldName("price_per_chip_hour", FieldNaming::kFlag), "--price-per-chip-hour");
  Phase p;
  p.set_chips(-1);
  EXPECT_EQ(ValidatePhase(p, FieldNaming::kFlag).message(),
            "--chips must be a positive number (got -1)");
}

// ---- precedence ----

TEST(Merge, FlagsOverFileOverModelFieldByField) {
  Phase flags, file, model;
  model.set_examples(100);
  model.set_epochs(1);
  model.set_hardware("T4");
  model.set_backward_ratio(1);
  model.set_utilization(0.3);
  file.set_epochs(5);
  file.set_hardware("V100");
  file.add_frozen("a.*");
  file.add_frozen("b.*");
  flags.set_epochs(7);
  flags.add_frozen("c.*");
  flags.set_backward_ratio(0);  // a zero flag still overrides

  const Phase m = Merge(flags, file, model);
  EXPECT_EQ(m.examples(), 100);       // only the model gives it
  EXPECT_EQ(m.epochs(), 7);           // flags > file > model
  EXPECT_EQ(m.hardware(), "V100");    // file > model
  EXPECT_TRUE(m.has_backward_ratio());
  EXPECT_EQ(m.backward_ratio(), 0);   // flags, even when 0
  EXPECT_DOUBLE_EQ(m.utilization(), 0.3);
  ASSERT_EQ(m.frozen_size(), 1);      // a list is replaced, not appended to
  EXPECT_EQ(m.frozen(0), "c.*");
  EXPECT_FALSE(m.has_tokens());

  // Nothing set anywhere: nothing set.
  EXPECT_EQ(Merge(Phase(), Phase(), Phase()).ByteSizeLong(), 0u);
  // File over model when there are no flags.
  EXPECT_EQ(Merge(Phase(), file, model).frozen_size(), 2);
}

TEST(Merge, DataFiguresAreOneGroup) {
  Phase file;
  file.set_examples(1000);
  file.set_epochs(2);
  file.set_batch_size(10);
  file.set_steps(200);
  ASSERT_TRUE(ValidatePhase(file).ok());

  // --tokens over the file's examples: an override, not both.
  Phase tokens;
  tokens.set_tokens(5e6);
  Phase m = Merge(tokens, file, Phase());
  EXPECT_EQ(m.tokens(), 5e6);
  EXPECT_FALSE(m.has_examples());
  EXPECT_FALSE(m.has_steps());
  EXPECT_EQ(m.batch_size(), 10);  // batch_size is a field of its own

  // --steps over the file: examples come from the file's batch x the new steps.
  Phase steps;
  steps.set_steps(500);
  m = Merge(steps, file, Phase());
  EXPECT_FALSE(m.has_examples());
  EXPECT_EQ(*ExamplesOf(m), 10 * 500 / 2.0);

  // --epochs over a file whose steps only cross-checked its examples x epochs.
  Phase epochs;
  epochs.set_epochs(10);
  m = Merge(epochs, file, Phase());
  EXPECT_FALSE(m.has_steps());
  EXPECT_EQ(*ExamplesOf(m), 1000);
  EXPECT_EQ(m.epochs(), 10);

  // A model that gives batch x steps only: --epochs re-divides the same run.
  Phase model;
  model.set_batch_size(10);
  model.set_steps(200);
  m = Merge(epochs, Phase(), model);
  EXPECT_EQ(*ExamplesOf(m), 200);  // 10 x 200 / 10 epochs

  // --batch-size alone against examples + steps that then disagree: an error.
  Phase batch;
  batch.set_batch_size(20);
  Phase file2;
  file2.set_examples(2000);
  file2.set_batch_size(10);
  file2.set_steps(200);
  m = Merge(batch, file2, Phase());
  EXPECT_FALSE(m.has_steps());  // dropped: it only cross-checked the file's examples
  EXPECT_EQ(*ExamplesOf(m), 2000);
}

TEST(Merge, DurationFiguresAreOneGroup) {
  Phase file;
  file.set_chips(8);
  file.set_hours(10);
  file.set_chip_hours(80);
  Phase days;
  days.set_days(2);
  Phase m = Merge(days, file, Phase());
  EXPECT_FALSE(m.has_hours());
  EXPECT_FALSE(m.has_chip_hours());
  EXPECT_EQ(*ChipHoursOf(m), 8 * 48);

  Phase chips;
  chips.set_chips(16);
  m = Merge(chips, file, Phase());
  EXPECT_FALSE(m.has_chip_hours());
  EXPECT_EQ(*ChipHoursOf(m), 160);

  Phase chip_hours;
  chip_hours.set_chip_hours(1000);
  m = Merge(chip_hours, file, Phase());
  EXPECT_EQ(m.chips(), 8);
  EXPECT_EQ(*ChipHoursOf(m), 1000);
}

// ---- examples and chip-hours ----

TEST(ExamplesOf, BatchSizeTimesSteps) {
  Phase p;
  p.set_batch_size(256);
  p.set_steps(5000);
  std::string how;
  auto e = ExamplesOf(p, &how);
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(*e, 1280000);
  EXPECT_EQ(how, "256 batch x 5,000 steps = 1,280,000 examples");
  // With epochs, batch x steps counts every pass: examples per epoch divide.
  p.set_epochs(4);
  e = ExamplesOf(p, &how);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(*e, 320000);
  EXPECT_EQ(how, "256 batch x 5,000 steps / 4 epochs = 320,000 examples");
  // Given examples that agree (within 1%) win.
  p.set_examples(321000);
  e = ExamplesOf(p, &how);
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(*e, 321000);
  EXPECT_EQ(how, "321,000 examples");
}

TEST(ExamplesOf, DisagreementIsAnError) {
  Phase p;
  p.set_examples(1281167);
  p.set_batch_size(256);
  p.set_steps(1000);
  auto e = ExamplesOf(p);
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(e.status().message(),
            "examples x epochs = 1,281,167 x 1 = 1,281,167 disagrees with batch_size x steps = "
            "256 x 1,000 = 256,000 (80% apart); give one of them, or figures that agree");
  EXPECT_FALSE(ValidatePhase(p).ok());
  // 1.5% apart is still a disagreement.
  p.set_steps(1281167 / 256.0 * 1.015);
  EXPECT_FALSE(ExamplesOf(p).ok());
  p.set_steps(1281167 / 256.0 * 1.005);
  EXPECT_TRUE(ExamplesOf(p).ok());
}

TEST(ExamplesOf, MissingFigures) {
  Phase none;
  EXPECT_EQ(ExamplesOf(none).status().code(), absl::StatusCode::kNotFound);
  Phase batch_only;
  batch_only.set_batch_size(32);
  EXPECT_EQ(ExamplesOf(batch_only).status().code(), absl::StatusCode::kNotFound);
  Phase steps_only;
  steps_only.set_steps(100);
  auto s = ExamplesOf(steps_only);
  EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.status().message(),
            "steps given without batch_size (examples x epochs = batch_size x steps)");
  Phase tokens;
  tokens.set_tokens(1e9);
  tokens.set_steps(100);  // tokens win: the caller converts them
  EXPECT_EQ(ExamplesOf(tokens).status().code(), absl::StatusCode::kNotFound);
}

TEST(ChipHoursOf, FromTheFigures) {
  Phase p;
  EXPECT_EQ(ChipHoursOf(p).status().code(), absl::StatusCode::kNotFound);
  p.set_chips(2500);  // iGPT: 2500 V100-days
  EXPECT_EQ(ChipHoursOf(p).status().code(), absl::StatusCode::kNotFound);
  p.set_days(1);
  EXPECT_EQ(*ChipHoursOf(p), 60000);
  p.set_hours(24.1);  // within 1% of days x 24
  EXPECT_EQ(*ChipHoursOf(p), 2500 * 24.1);
  p.set_hours(30);
  EXPECT_EQ(ChipHoursOf(p).status().code(), absl::StatusCode::kInvalidArgument);
  Phase q;
  q.set_chip_hours(1234);
  EXPECT_EQ(*ChipHoursOf(q), 1234);
}

// ---- model metadata ----

onnx::ModelProto WithMetadata(
    const std::vector<std::pair<std::string, std::string>>& props) {
  onnx::ModelProto m;
  for (const auto& [k, v] : props) {
    auto* e = m.add_metadata_props();
    e->set_key(k);
    e->set_value(v);
  }
  return m;
}

TEST(PhaseFromMetadata, TheTestdataModel) {
  auto loaded = LoadModel(kDir + "/mlp_with_metadata.onnx");
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  std::vector<std::string> warnings;
  auto p = PhaseFromMetadata(*loaded->model, &warnings);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_TRUE(warnings.empty());  // "source" is not a training.* key
  EXPECT_EQ(p->examples(), 60000);
  EXPECT_EQ(p->epochs(), 10);
  EXPECT_EQ(p->batch_size(), 100);
  EXPECT_EQ(p->steps(), 6000);
  EXPECT_EQ(p->backward_ratio(), 2);
  EXPECT_EQ(p->hardware(), "V100");
  EXPECT_EQ(p->chips(), 1);
  EXPECT_EQ(p->hours(), 0.25);
  EXPECT_EQ(p->precision(), "fp32");
  EXPECT_DOUBLE_EQ(p->utilization(), 0.4);
  EXPECT_FALSE(p->has_tokens());
  EXPECT_EQ(*ExamplesOf(*p), 60000);  // = 100 x 6000 / 10
  EXPECT_EQ(*ChipHoursOf(*p), 0.25);
}

TEST(PhaseFromMetadata, BadValueNamesTheKey) {
  auto loaded = LoadModel(kDir + "/bad_metadata.onnx");
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  auto p = PhaseFromMetadata(*loaded->model);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(p.status().message(),
            "model metadata training.epochs = 'ninety' is not a number "
            "(e.g. 1281167, 1.28e6 or 1.28M)");

  auto negative = PhaseFromMetadata(WithMetadata({{"training.chips", "-8"}}));
  ASSERT_FALSE(negative.ok());
  EXPECT_EQ(negative.status().message(),
            "model metadata training.chips must be a positive number (got -8)");
  auto nan = PhaseFromMetadata(WithMetadata({{"training.tokens", "nan"}}));
  ASSERT_FALSE(nan.ok());
  EXPECT_HAS(std::string(nan.status().message()), "training.tokens = 'nan' is not a number");
  auto twice = PhaseFromMetadata(
      WithMetadata({{"training.epochs", "1"}, {"training.epochs", "2"}}));
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.status().message(), "model metadata training.epochs is given twice");
  auto precision = PhaseFromMetadata(WithMetadata({{"training.precision", "fp64"}}));
  ASSERT_FALSE(precision.ok());
  EXPECT_HAS(std::string(precision.status().message()),
              "model metadata training.precision must be one of");
  auto disagree = PhaseFromMetadata(WithMetadata(
      {{"training.examples", "1000"}, {"training.batch_size", "10"}, {"training.steps", "5"}}));
  ASSERT_FALSE(disagree.ok());
  EXPECT_HAS(std::string(disagree.status().message()),
              "model metadata examples x epochs = 1,000 x 1");
}

TEST(PhaseFromMetadata, NumbersStringsListsAndUnknownKeys) {
  std::vector<std::string> warnings;
  auto p = PhaseFromMetadata(WithMetadata({
                                 {"training.tokens", " 3e11 "},
                                 {"training.examples", "1.28M"},
                                 {"training.peak_flops", "125T"},
                                 {"training.frozen", "embed.*, fc1.weight,,"},
                                 {"training.backward", "per-op"},
                                 {"training.optimizer", "adam"},
                                 {"training.framework", "pytorch"},
                                 {"training.model", "x.onnx"},
                                 {"author", "someone"},
                             }),
                             &warnings);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->tokens(), 3e11);
  EXPECT_EQ(p->examples(), 1.28e6);
  EXPECT_EQ(p->peak_flops(), 125e12);
  ASSERT_EQ(p->frozen_size(), 2);
  EXPECT_EQ(p->frozen(0), "embed.*");
  EXPECT_EQ(p->frozen(1), "fc1.weight");
  EXPECT_EQ(p->backward(), "per-op");
  EXPECT_EQ(p->optimizer(), "adam");
  EXPECT_FALSE(p->has_model());
  ASSERT_EQ(warnings.size(), 2u);
  EXPECT_HAS(warnings[0], "'training.framework'");
  EXPECT_HAS(warnings[1], "'training.model'");
  // No metadata: an empty phase.
  auto none = PhaseFromMetadata(onnx::ModelProto());
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->ByteSizeLong(), 0u);
}

TEST(PhaseFromMetadata, MetadataIsTheLowestSource) {
  auto loaded = LoadModel(kDir + "/mlp_with_metadata.onnx");
  ASSERT_TRUE(loaded.ok());
  auto model = PhaseFromMetadata(*loaded->model);
  ASSERT_TRUE(model.ok());
  auto file = LoadTrainingConfig(kDir + "/single_phase.json");
  ASSERT_TRUE(file.ok());
  Phase flags;
  flags.set_epochs(3);
  const Phase m = Merge(flags, file->phases(0), *model);
  EXPECT_EQ(m.examples(), 1281167);  // file over model
  EXPECT_EQ(m.epochs(), 3);          // flags over both
  EXPECT_FALSE(m.has_steps());       // the file's steps cross-checked its 90 epochs
  EXPECT_EQ(m.hardware(), "V100");
  EXPECT_EQ(m.precision(), "fp16");  // file over the model's fp32
  EXPECT_FALSE(m.has_hours());       // the file's days replace the model's hours
  EXPECT_EQ(m.days(), 2.5);
  EXPECT_EQ(*ExamplesOf(m), 1281167);
  EXPECT_EQ(*ChipHoursOf(m), 480);
}

}  // namespace
}  // namespace onnx_flops
