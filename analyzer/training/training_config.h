// Training figures from three sources, merged field by field: command-line
// flags over a training config file (--training-config FILE, JSON of
// proto/training_config.proto) over the model's own metadata_props.
//
// The config file: the fields of proto/training_config.proto's Phase, either
// at the top level (one phase) or as a list in "phases" (each counted, then
// summed: pre-training + fine-tuning). Unknown fields are errors.
//
// Model metadata_props keys (values are strings; numbers may carry an
// exponent or an SI suffix: "1281167", "1.28e6", "1.28M"):
//
//   training.examples        examples per epoch
//   training.tokens          tokens per epoch (examples = tokens / sequence length)
//   training.epochs          passes over the data
//   training.batch_size      examples per optimizer step
//   training.steps           optimizer steps (batch_size x steps = examples x epochs)
//   training.backward_ratio  backward/forward FLOP ratio
//   training.backward        "ratio" or "per-op"
//   training.frozen          comma-separated initializer name patterns
//   training.optimizer       none | sgd | momentum | adam | adamw
//   training.hardware        a hardware table name, e.g. "V100"
//   training.chips           accelerators used
//   training.hours           wall-clock hours (or training.days, training.chip_hours)
//   training.precision       fp32 | tf32 | fp16 | bf16 | fp8 | int8
//   training.utilization     achieved / peak, in (0, 1]
//   training.peak_flops      FLOP/s per chip
//   training.price_per_chip_hour
//   training.name, training.comment
//
// i.e. "training." + any Phase field but `model`. Other keys are ignored; an
// unknown "training.*" key is a warning.
#ifndef ONNX_FLOPS_ANALYZER_TRAINING_TRAINING_CONFIG_H_
#define ONNX_FLOPS_ANALYZER_TRAINING_TRAINING_CONFIG_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "onnx/onnx_pb.h"
#include "proto/training_config.pb.h"

namespace onnx_flops {

// The accepted values of Phase's backward mode, ending with nullptr. (The
// optimizers are backward.h's Optimizers(), the precisions hardware.h's
// PrecisionNames(): each list is written once.)
extern const char* const kBackwardModes[];   // "ratio", "per-op"

// How a field is named in error messages: as in the config file
// ("batch_size", prefixed by e.g. "phases[1]."), as a metadata key
// ("training.batch_size"), or as the flag that sets it ("--batch-size").
enum class FieldNaming { kConfig, kMetadata, kFlag };
std::string FieldName(absl::string_view field, FieldNaming naming);

// Reads and parses a config file. Errors are one-line InvalidArgument
// messages that start with the path: unreadable file, malformed JSON, an
// unknown field (named, with its place, e.g. "phases[1].bogus", and the
// closest known field), a value of the wrong type, a field given twice, both
// "phases" and top-level phase fields, and anything ValidatePhase rejects.
//
// The result is normalized: `phases` holds at least one phase (the top-level
// fields, when the file has no "phases"; an empty file object gives one empty
// phase) and the top-level phase fields are cleared. Each phase's `model`, if
// given, is resolved against the config file's directory (lexically
// normalized: "testdata/training/../tiny_mlp.onnx" -> "testdata/tiny_mlp.onnx")
// and must name an existing file.
// A count with an optional exponent or SI suffix, as flags and metadata
// take them: "1281167", "1.28e6", "1.28M" (K, M, G or B, T, P, E). False for
// anything else, and for values that overflow a double.
bool ParseSiCount(absl::string_view text, double* out);

absl::StatusOr<TrainingConfig> LoadTrainingConfig(const std::string& path);
// The same from JSON text; `name` stands for the file in messages and
// `base_dir` resolves relative model paths ("" = the current directory).
absl::StatusOr<TrainingConfig> ParseTrainingConfig(absl::string_view json,
                                                   const std::string& name,
                                                   const std::string& base_dir);

// The training.* metadata_props of a model as a Phase (see the key list at
// the top). A value that is not a number where one is needed, a key given
// twice, or a value ValidatePhase rejects is InvalidArgument naming the key.
// Unknown training.* keys are appended to `warnings` (when not null).
absl::StatusOr<Phase> PhaseFromMetadata(const onnx::ModelProto& model,
                                        std::vector<std::string>* warnings = nullptr);

// Merges the three sources: flags over file over model, field by field,
// taking only fields that are set (a repeated field, `frozen`, counts as set
// when non-empty and then replaces the lower sources' list whole). Two groups
// are alternatives rather than independent fields, and a source that sets
// any field of a group replaces the whole group from the sources below it:
//   data:     examples, tokens, steps   (batch_size stays a field of its own)
//   duration: hours, days, chip_hours   (chips stays a field of its own)
// so `--tokens` over a file's "examples", or `--chip-hours` over a file's
// "hours", is an override and not a disagreement.
Phase Merge(const Phase& flags, const Phase& file, const Phase& model);

// Checks every field that is set: numbers finite and not negative;
// examples, tokens, epochs, batch_size, steps, chips, hours, days,
// chip_hours and peak_flops positive; utilization in (0, 1]; backward,
// optimizer and precision one of the accepted values; frozen patterns
// non-empty. The message names the field as `naming` says, after `prefix`
// (e.g. "phases[1] ('fine-tuning'): " or "model metadata ").
absl::Status ValidatePhase(const Phase& phase, FieldNaming naming = FieldNaming::kConfig,
                           absl::string_view prefix = "");

// Examples per epoch: `examples`, or batch_size x steps / epochs (epochs
// default 1), since batch_size x steps counts every example the phase
// processed. When both are given they must agree within 1%
// (examples x epochs vs batch_size x steps): InvalidArgument naming the
// figures otherwise, and also for `steps` without `batch_size` and no
// `examples`. NotFound when the phase gives neither (the caller, who knows
// the sequence length, then uses `tokens`). When `how` is not null it
// receives a short account, e.g. "256 batch x 450,410 steps / 90 epochs".
absl::StatusOr<double> ExamplesOf(const Phase& phase, std::string* how = nullptr);

// Chip-hours for method 2: `chip_hours`, or chips x hours (hours, or days x
// 24). hours and days, or chip_hours and chips x hours, must agree within
// 1%. NotFound when the phase gives neither chip_hours nor chips with a
// duration; InvalidArgument on disagreement.
absl::StatusOr<double> ChipHoursOf(const Phase& phase);

}  // namespace onnx_flops

#endif  // ONNX_FLOPS_ANALYZER_TRAINING_TRAINING_CONFIG_H_
