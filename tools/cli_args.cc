#include "tools/cli_args.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <cstring>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/ascii.h"
#include "absl/strings/strip.h"
#include "analyzer/training/backward.h"
#include "analyzer/training/hardware.h"
#include "analyzer/training/training_config.h"
#include "analyzer/util/status_macros.h"
#include "audit/model_files.h"
#include "tools/formats.h"

namespace onnx_flops {

const char kUsage[] = R"(usage: onnx-flops MODEL.onnx [options]
       onnx-flops DIR|MODEL.onnx... [options]      (batch mode: one row per model)

Counts the FLOPs of one forward pass of an ONNX model, per op type and per
node, and estimates training compute both ways of Sevilla et al. 2022:
method 1 from the model and the data, method 2 from the hardware and the time.

shapes
  --dim NAME=VALUE        bind a symbolic dim (repeatable), e.g. --dim batch=8
  --input NAME=DIMS       set a whole input shape (repeatable), e.g. --input x=1x3x224x224
  --value NAME=V[,V...]   the contents of a scalar or 1-D input (repeatable), e.g. --value
                          sr=16000: conditions, trip counts and shapes fold from it
  --strict                an unbound symbolic dim is an error (default: taken as 1, with a warning)
  --batch-dim NAME        the dim that counts examples: a symbolic dim or INPUT:AXIS
  --seq-dim NAME          the time axis of sequence models (per-token figures, --tokens)
  --loop-trips NODE=N     trip count of a Loop whose count is not a constant (repeatable)
  --detections N          NonMaxSuppression selects at most N boxes in all (default: the
                          graph's own limits bound data-dependent sizes)
  --max-length N          max_length of BeamSearch/GreedySearch/Sampling when the graph
                          does not fix it (the decoding steps counted)
  --routing MODE          mixtures of experts: balanced (default: each of E experts gets
                          tokens x k / E rows, exact in total for equal experts) or worst
                          (every routed expert gets every token: the upper bound)
  --steps-per-example K   the model is one step (a decoder step, a cell): an example is K passes
  --causal-half           count causal attention ops (is_causal, unidirectional) at their causal
                          score count (off by default: the kernels most frameworks run do it all)

training, method 1 (forward per example x (1 + backward ratio) x examples x epochs)
  --examples N            training examples per epoch (1281167, 1.28e6 and 1.28M all work)
  --tokens T              training tokens per epoch instead: examples = T / sequence length
  --batch-size B --steps S  examples = B x S instead
  --epochs E              passes over the data (default 1)
  --backward-ratio R      backward/forward FLOP ratio (default 2)
  --backward MODEL        ratio (default: backward = ratio x forward) or per-op
  --frozen PATTERN        per-op: parameters (glob on initializer names) that get no gradient
  --optimizer NAME        per-op: add the weight updates of none, sgd, momentum, adam or adamw
  --training-config FILE  the same (and phases, hardware) as JSON; flags win over it

training, method 2 (GPU time x chips x peak FLOP/s x utilization)
  --hardware NAME         a chip of --list-hardware (or --peak-flops X per chip)
  --chips N --hours H     the run (or --days D, or --chip-hours CH)
  --precision P           fp32, tf32, fp16, bf16, fp8, int8 (default: fp16 where the chip has it)
  --utilization U         fraction of peak (default 0.3 for language models, 0.4 otherwise)
  --price-per-chip-hour P cost estimate

gates (exit 1 when one fails; the report is still printed)
  --max-flops X           forward FLOPs per example at most X (4.1G, 4.1e9)
  --max-training-flops X  method-1 training FLOPs at most X (1e26)
  --max-params X          parameters at most X (25M)
  --fail-on-uncounted     fail when any node could not be counted
  --max-peak-memory B     weights + peak activations of the forward pass at most B (512M, 8G)
  --max-latency T         roofline time of the forward pass on --hardware at most T (2ms, 0.5s)
  --baseline FILE         compare with an earlier JSON report (or JSON Lines of a batch run)
  --max-increase P%       tolerance of --baseline: total FLOPs, matmul FLOPs, parameters and
                          training FLOPs may grow by P percent (default 0%)

batch mode (directories are searched recursively for *.onnx; also with --batch)
  --jobs N, -j N          worker processes (default: one per core)
  --batch                 batch mode (one row) even for a single file
  --shard I/N             only the files whose path hash is I modulo N (0 <= I < N)
  --files-from FILE       more paths, one per line (- for stdin), e.g. from find
  --no-progress           no progress bar (it is drawn only when stderr is a terminal)
  rows come in path order; --format text (a table), jsonl (each line the JSON report),
  csv or markdown; a summary goes to stderr. Each model is analyzed in a worker
  process: one that crashes, hangs or runs out of memory gets its own row (status
  crashed, timeout, out of memory) and the run goes on.

limits (per model, in batch mode and for one model)
  --timeout S             stop the analysis of a model after S seconds (default 60; 0: none)
  --max-memory SIZE       stop it past SIZE of memory, e.g. 4G (default: none for one model;
                          in batch mode the machine's memory divided by --jobs, at least 1G)
  --onnx-inference MODE   isolated (default): ONNX's own shape inference, which the analysis
                          falls back on where its propagation stops, runs in a helper process
                          (half the --timeout), so its crashes cost its shapes, not the run;
                          off: never run it

output
  --format FMT            text (default), json, jsonl, csv, markdown, html (one self-contained
                          page: charts, sortable node table), statement (a paragraph and table
                          for a paper or model card)
  --statement-style S     markdown (default) or latex
  --sha256                put the model file's SHA-256 in the report (reads the whole file;
                          --format statement always does)
  --per-node              add the per-node table (text, json; csv: one row per node)
  --list-rules            print every registered op rule with its formula
  --list-hardware         print the hardware table with the source of every figure
  --version, --help, -h

exit status: 0 ok; 1 a gate or the baseline failed; 2 bad input or usage (one
line on stderr). In batch mode 2 if any file failed to load, after all were
processed, else 1 if any model failed a check.
)";

namespace {

absl::Status Usage(absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(what, " (see onnx-flops --help)"));
}

}  // namespace

absl::StatusOr<double> ParseCount(const std::string& text) {
  double v = 0;
  if (text != absl::StripAsciiWhitespace(text) || !ParseSiCount(text, &v)) {
    return Usage(absl::StrCat("'", text, "' is not a number"));
  }
  return v;
}

absl::StatusOr<Dims> ParseDims(const std::string& text) {
  Dims dims;
  for (absl::string_view part : absl::StrSplit(text, 'x')) {
    int64_t d = 0;
    if (!absl::SimpleAtoi(part, &d) || d <= 0 || d > kMaxDim) {
      return Usage(absl::StrCat("'", text, "' is not a shape like 1x3x224x224 (dims 1..2^40)"));
    }
    dims.push_back(d);
  }
  return dims;
}

absl::StatusOr<int64_t> ParseBytes(const std::string& text) {
  absl::string_view t = text;
  if (!absl::ConsumeSuffix(&t, "iB")) absl::ConsumeSuffix(&t, "B");
  int shift = 0;
  if (!t.empty()) {
    switch (absl::ascii_toupper(static_cast<unsigned char>(t.back()))) {
      case 'K': shift = 10; break;
      case 'M': shift = 20; break;
      case 'G': shift = 30; break;
      case 'T': shift = 40; break;
      default: break;
    }
    if (shift > 0) t.remove_suffix(1);
  }
  double v = 0;
  if (t.empty() || !absl::SimpleAtod(t, &v) || !(v >= 0) || t != absl::StripAsciiWhitespace(t)) {
    return Usage(absl::StrCat("'", text, "' is not a memory size like 512M or 8G"));
  }
  const double bytes = std::ldexp(v, shift);
  if (bytes > std::ldexp(1.0, 50)) {
    return Usage(absl::StrCat("'", text, "' is more than 1024T"));
  }
  return static_cast<int64_t>(bytes);
}

absl::StatusOr<double> ParseDuration(const std::string& text) {
  absl::string_view t = text;
  double scale = 1;
  if (absl::ConsumeSuffix(&t, "ms")) {
    scale = 1e-3;
  } else if (absl::ConsumeSuffix(&t, "us")) {
    scale = 1e-6;
  } else if (absl::ConsumeSuffix(&t, "ns")) {
    scale = 1e-9;
  } else {
    absl::ConsumeSuffix(&t, "s");
  }
  double v = 0;
  if (t.empty() || !absl::SimpleAtod(t, &v) || !(v >= 0) || !std::isfinite(v) ||
      t != absl::StripAsciiWhitespace(t)) {
    return Usage(absl::StrCat("'", text, "' is not a duration like 2ms, 150us or 0.5s"));
  }
  return v * scale;
}

absl::StatusOr<CliArgs> ParseCliArgs(const std::vector<std::string>& argv) {
  CliArgs args;
  bool max_increase_given = false;
  for (size_t i = 1; i < argv.size(); ++i) {
    std::string arg = argv[i];
    if (arg.size() < 2 || arg[0] != '-' || arg == "-") {
      args.paths.push_back(arg);
      continue;
    }
    if (arg == "--") {
      for (++i; i < argv.size(); ++i) args.paths.push_back(argv[i]);
      break;
    }
    std::string name = arg, value;
    bool has_value = false;
    if (size_t eq = arg.find('='); eq != std::string::npos) {
      name = arg.substr(0, eq);
      value = arg.substr(eq + 1);
      has_value = true;
    }
    auto take = [&]() -> absl::StatusOr<std::string> {
      if (has_value) return value;
      if (i + 1 >= argv.size() || argv[i + 1].rfind("--", 0) == 0) {
        return Usage(absl::StrCat(name, " needs a value"));
      }
      return argv[++i];
    };
    auto flag_only = [&]() -> absl::Status {
      if (has_value) return Usage(absl::StrCat(name, " takes no value"));
      return absl::OkStatus();
    };
    if (name == "--help" || name == "-h") {
      args.help = true;
    } else if (name == "--version") {
      args.version = true;
    } else if (name == "--strict") {
      if (auto s = flag_only(); !s.ok()) return s;
      args.analyze.bindings.strict = true;
    } else if (name == "--per-node") {
      if (auto s = flag_only(); !s.ok()) return s;
      args.per_node = true;
      args.analyze.per_node = true;
    } else if (name == "--training-config") {
      OF_ASSIGN_OR_RETURN(args.analyze.training.config_path, take());
    } else if (name == "--backward") {
      OF_ASSIGN_OR_RETURN(std::string v, take());
      bool known = false;
      for (const char* const* m = kBackwardModes; *m != nullptr; ++m) known = known || v == *m;
      if (!known) return Usage(absl::StrCat("--backward ", v, ": 'ratio' or 'per-op'"));
      args.analyze.training.backward_model = v;
    } else if (name == "--frozen") {
      OF_ASSIGN_OR_RETURN(std::string v, take());
      args.analyze.training.frozen.push_back(v);
    } else if (name == "--optimizer") {
      OF_ASSIGN_OR_RETURN(std::string v, take());
      if (!OptimizerFlopsPerParameter(v).ok() || v.empty()) {
        return Usage(absl::StrCat("--optimizer ", v, ": ", OptimizerChoices()));
      }
      args.analyze.training.optimizer = v;
    } else if (name == "--hardware") {
      OF_ASSIGN_OR_RETURN(args.analyze.hardware.hardware, take());
    } else if (name == "--precision") {
      OF_ASSIGN_OR_RETURN(std::string v, take());
      const std::vector<std::string> precisions = PrecisionNames();
      if (std::find(precisions.begin(), precisions.end(), v) == precisions.end()) {
        return Usage(absl::StrCat("--precision ", v, ": ", absl::StrJoin(precisions, ", ")));
      }
      args.analyze.hardware.precision = v;
    } else if (name == "--chips" || name == "--hours" || name == "--days" ||
               name == "--chip-hours" || name == "--utilization" || name == "--peak-flops" ||
               name == "--price-per-chip-hour" || name == "--batch-size" || name == "--steps") {
      OF_ASSIGN_OR_RETURN(std::string v, take());
      OF_ASSIGN_OR_RETURN(double x, ParseCount(v));
      if (!(x > 0)) return Usage(absl::StrCat(name, " must be positive, got ", v));
      HardwareOptions& hw = args.analyze.hardware;
      if (name == "--chips") hw.chips = x;
      if (name == "--hours") {
        hw.seconds = x * 3600;
        hw.seconds_in_days = false;
      }
      if (name == "--days") {
        hw.seconds = x * 86400;
        hw.seconds_in_days = true;
      }
      if (name == "--chip-hours") hw.chip_hours = x;
      if (name == "--peak-flops") hw.peak_flops = x;
      if (name == "--price-per-chip-hour") hw.price_per_chip_hour = x;
      if (name == "--batch-size") args.analyze.training.batch_size = x;
      if (name == "--steps") args.analyze.training.steps = x;
      if (name == "--utilization") {
        if (x > 1) return Usage(absl::StrCat("--utilization is a fraction of peak (0..1], got ", v));
        hw.utilization = x;
      }
    } else if (name == "--max-flops" || name == "--max-training-flops" ||
               name == "--max-params") {
      OF_ASSIGN_OR_RETURN(std::string v, take());
      OF_ASSIGN_OR_RETURN(double x, ParseCount(v));
      if (x < 0) return Usage(absl::StrCat(name, " must not be negative, got ", v));
      if (name == "--max-flops") args.gates.max_flops = x;
      if (name == "--max-training-flops") args.gates.max_training_flops = x;
      if (name == "--max-params") args.gates.max_params = x;
    } else if (name == "--max-peak-memory") {
      OF_ASSIGN_OR_RETURN(std::string v, take());
      OF_ASSIGN_OR_RETURN(int64_t bytes, ParseBytes(v));
      args.gates.max_peak_memory = static_cast<double>(bytes);
    } else if (name == "--max-latency") {
      OF_ASSIGN_OR_RETURN(std::string v, take());
      OF_ASSIGN_OR_RETURN(double seconds, ParseDuration(v));
      args.gates.max_latency = seconds;
    } else if (name == "--fail-on-uncounted") {
      if (auto st = flag_only(); !st.ok()) return st;
      args.gates.fail_on_uncounted = true;
    } else if (name == "--baseline") {
      OF_ASSIGN_OR_RETURN(args.baseline, take());
    } else if (name == "--max-increase") {
      OF_ASSIGN_OR_RETURN(std::string v, take());
      double pct = 0;
      if (v.size() < 2 || v.back() != '%' || !absl::SimpleAtod(v.substr(0, v.size() - 1), &pct) ||
          !(pct >= 0) || pct > 1e6) {
        return Usage(absl::StrCat("--max-increase ", v, ": a percentage like 5%"));
      }
      args.max_increase = pct / 100;
      max_increase_given = true;
    } else if (name == "--jobs" || name == "-j") {
      OF_ASSIGN_OR_RETURN(std::string v, take());
      if (!absl::SimpleAtoi(v, &args.jobs) || args.jobs < 1 || args.jobs > 1024) {
        return Usage(absl::StrCat("--jobs ", v, ": a whole number from 1 to 1024"));
      }
    } else if (name == "--shard") {
      OF_ASSIGN_OR_RETURN(args.shard, take());
      if (auto shard = ParseShard(args.shard); !shard.ok()) return shard.status();
    } else if (name == "--batch") {
      if (auto st = flag_only(); !st.ok()) return st;
      args.batch = true;
    } else if (name == "--files-from") {
      OF_ASSIGN_OR_RETURN(args.files_from, take());
    } else if (name == "--no-progress") {
      if (auto st = flag_only(); !st.ok()) return st;
      args.progress = false;
    } else if (name == "--list-hardware") {
      if (auto st = flag_only(); !st.ok()) return st;
      args.list_hardware = true;
    } else if (name == "--causal-half") {
      if (auto st = flag_only(); !st.ok()) return st;
      args.analyze.causal_half = true;
    } else if (name == "--list-rules") {
      if (auto s = flag_only(); !s.ok()) return s;
      args.list_rules = true;
    } else if (name == "--dim" || name == "--input") {
      OF_ASSIGN_OR_RETURN(std::string v, take());
      const size_t eq = v.find('=');
      if (eq == std::string::npos || eq == 0) {
        return Usage(absl::StrCat(name, " ", v, ": expected NAME=",
                                  name == "--dim" ? "VALUE" : "DIMS"));
      }
      const std::string key = v.substr(0, eq);
      if (name == "--dim") {
        int64_t d = 0;
        if (!absl::SimpleAtoi(v.substr(eq + 1), &d) || d <= 0 || d > kMaxDim) {
          return Usage(absl::StrCat("--dim ", v, ": the value must be an integer from 1 to 2^40"));
        }
        for (const auto& [prior, unused] : args.analyze.bindings.dims) {
          if (prior == key) return Usage(absl::StrCat("--dim ", key, " is given twice"));
        }
        args.analyze.bindings.dims.emplace_back(key, d);
      } else {
        OF_ASSIGN_OR_RETURN(Dims dims, ParseDims(v.substr(eq + 1)));
        for (const auto& [prior, unused] : args.analyze.bindings.inputs) {
          if (prior == key) return Usage(absl::StrCat("--input ", key, " is given twice"));
        }
        args.analyze.bindings.inputs.emplace_back(key, std::move(dims));
      }
    } else if (name == "--value") {
      OF_ASSIGN_OR_RETURN(std::string v, take());
      const size_t eq = v.find('=');
      if (eq == std::string::npos || eq == 0 || eq + 1 == v.size()) {
        return Usage(absl::StrCat("--value ", v, ": expected NAME=V[,V...]"));
      }
      const std::string key = v.substr(0, eq);
      std::vector<double> values;
      for (absl::string_view part : absl::StrSplit(v.substr(eq + 1), ',')) {
        double d = 0;
        if (!absl::SimpleAtod(part, &d) || !std::isfinite(d)) {
          return Usage(absl::StrCat("--value ", v, ": '", part, "' is not a number"));
        }
        values.push_back(d);
      }
      for (const auto& [prior, unused] : args.analyze.bindings.values) {
        if (prior == key) return Usage(absl::StrCat("--value ", key, " is given twice"));
      }
      args.analyze.bindings.values.emplace_back(key, std::move(values));
    } else if (name == "--batch-dim") {
      OF_ASSIGN_OR_RETURN(args.analyze.batch_dim, take());
    } else if (name == "--seq-dim") {
      OF_ASSIGN_OR_RETURN(args.analyze.seq_dim, take());
    } else if (name == "--loop-trips") {
      OF_ASSIGN_OR_RETURN(std::string v, take());
      const size_t eq = v.rfind('=');
      int64_t trips = 0;
      if (eq == std::string::npos || eq == 0 || !absl::SimpleAtoi(v.substr(eq + 1), &trips) ||
          trips < 0 || trips > kMaxDim) {
        return Usage(absl::StrCat("--loop-trips ", v, ": expected NODE=N with N from 0 to 2^40"));
      }
      args.analyze.loop_trips.emplace_back(v.substr(0, eq), trips);
    } else if (name == "--routing") {
      OF_ASSIGN_OR_RETURN(std::string v, take());
      if (v != "balanced" && v != "worst") {
        return Usage(absl::StrCat("--routing ", v, ": expected balanced or worst"));
      }
      args.analyze.routing_worst = v == "worst";
    } else if (name == "--max-length" || name == "--detections") {
      OF_ASSIGN_OR_RETURN(std::string v, take());
      int64_t n = 0;
      if (!absl::SimpleAtoi(v, &n) || n < 1 || n > kMaxDim) {
        return Usage(absl::StrCat(name, " ", v, ": a whole number from 1 to 2^40"));
      }
      (name == "--max-length" ? args.analyze.max_length : args.analyze.max_detections) = n;
    } else if (name == "--examples" || name == "--epochs" || name == "--backward-ratio" ||
               name == "--tokens" || name == "--steps-per-example") {
      OF_ASSIGN_OR_RETURN(std::string v, take());
      OF_ASSIGN_OR_RETURN(double x, ParseCount(v));
      if (x < 0 || (x == 0 && name != "--backward-ratio")) {
        return Usage(absl::StrCat(name, " must be positive, got ", v));
      }
      if (name == "--examples") args.analyze.training.examples = x;
      if (name == "--epochs") args.analyze.training.epochs = x;
      if (name == "--backward-ratio") {
        args.analyze.training.backward_ratio = x;
        args.analyze.training.backward_ratio_given = true;
      }
      if (name == "--tokens") args.analyze.training.tokens = x;
      if (name == "--steps-per-example") {
        if (x < 1 || x > static_cast<double>(kMaxDim) || x != std::floor(x)) {
          return Usage(absl::StrCat("--steps-per-example must be a whole number >= 1, got ", v));
        }
        args.analyze.steps_per_example = x;
      }
    } else if (name == "--format") {
      OF_ASSIGN_OR_RETURN(args.format, take());
      if (FindFormat(args.format) == nullptr) {
        return Usage(absl::StrCat("unknown --format '", args.format, "': ", FormatNames()));
      }
    } else if (name == "--statement-style") {
      OF_ASSIGN_OR_RETURN(args.statement_style, take());
      if (args.statement_style != "markdown" && args.statement_style != "latex") {
        return Usage(absl::StrCat("--statement-style ", args.statement_style,
                                  ": 'markdown' or 'latex'"));
      }
    } else if (name == "--timeout") {
      OF_ASSIGN_OR_RETURN(std::string v, take());
      if (!absl::SimpleAtod(v, &args.timeout_seconds) || !(args.timeout_seconds >= 0) ||
          args.timeout_seconds > 1e7) {
        return Usage(absl::StrCat("--timeout ", v, ": seconds, from 0 (no limit) to 1e7"));
      }
    } else if (name == "--max-memory") {
      OF_ASSIGN_OR_RETURN(std::string v, take());
      OF_ASSIGN_OR_RETURN(args.max_memory_bytes, ParseBytes(v));
      if (args.max_memory_bytes < (int64_t{16} << 20)) {
        return Usage(absl::StrCat("--max-memory ", v, ": at least 16M"));
      }
    } else if (name == "--onnx-inference") {
      OF_ASSIGN_OR_RETURN(std::string v, take());
      if (v != "isolated" && v != "off") {
        return Usage(absl::StrCat("--onnx-inference ", v, ": 'isolated' or 'off'"));
      }
      args.onnx_inference = v == "isolated";
    } else if (name == "--sha256") {
      if (auto s = flag_only(); !s.ok()) return s;
      args.analyze.sha256 = true;
    } else {
      return Usage(absl::StrCat("unknown flag '", name, "'"));
    }
  }
  if (args.help || args.version || args.list_rules || args.list_hardware) return args;
  if (args.paths.empty() && args.files_from.empty()) return Usage("no model file given");
  const bool has_examples = args.analyze.training.examples.has_value();
  const bool has_tokens = args.analyze.training.tokens.has_value();
  const bool has_steps = args.analyze.training.steps.has_value();
  if (has_steps && !args.analyze.training.batch_size.has_value()) {
    return Usage("--steps needs --batch-size (examples = batch size x steps)");
  }
  if (args.analyze.training.epochs.has_value() && !has_examples && !has_tokens && !has_steps &&
      args.analyze.training.config_path.empty()) {
    return Usage("--epochs needs --examples, --tokens or --batch-size with --steps");
  }
  if (static_cast<int>(has_examples) + static_cast<int>(has_tokens) + static_cast<int>(has_steps) > 1) {
    return Usage("give one of --examples, --tokens, or --batch-size with --steps");
  }
  if (args.gates.max_training_flops && !has_examples && !has_tokens && !has_steps &&
      args.analyze.training.config_path.empty()) {
    return Usage("--max-training-flops needs --examples, --tokens, --batch-size with --steps, "
                 "or --training-config");
  }
  if (max_increase_given && args.baseline.empty()) return Usage("--max-increase needs --baseline");
  // The HTML report's node table and the statement's file hash.
  const Format* format = FindFormat(args.format);
  if (format->needs_per_node) args.analyze.per_node = true;
  if (format->needs_sha256) args.analyze.sha256 = true;
  return args;
}

absl::Status ChecksFromArgs(const CliArgs& args, Baseline* baseline, CheckOptions* checks) {
  checks->gates = args.gates;
  checks->max_increase = args.max_increase;
  if (args.baseline.empty()) return absl::OkStatus();
  absl::StatusOr<Baseline> read = ReadBaseline(args.baseline);
  if (!read.ok()) return read.status();
  *baseline = *std::move(read);
  checks->baseline = baseline;
  return absl::OkStatus();
}

std::string CommandLineOf(const std::vector<std::string>& argv) {
  std::string line = "onnx-flops";
  for (size_t i = 1; i < argv.size(); ++i) {
    const std::string& a = argv[i];
    bool plain = !a.empty();
    for (unsigned char c : a) {
      plain = plain && (std::isalnum(c) || std::strchr("_./=:,+%@-", c) != nullptr);
    }
    absl::StrAppend(&line, " ",
                    plain ? a : absl::StrCat("'", absl::StrReplaceAll(a, {{"'", "'\\''"}}), "'"));
  }
  return line;
}

}  // namespace onnx_flops
