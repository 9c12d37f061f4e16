// onnx-flops: a thin shell over the analyzer library. Everything it prints
// comes from the Report; errors are one line on stderr and exit status 2.
#include <sys/resource.h>
#include <sys/time.h>
#include <unistd.h>

#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <new>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/match.h"
#include "absl/strings/strip.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "analyzer/analyze.h"
#include "analyzer/training/backward.h"
#include "audit/baseline.h"
#include "analyzer/util/child_process.h"
#include "analyzer/util/one_line.h"
#include "analyzer/training/hardware.h"
#include "analyzer/shapes/onnx_isolation.h"
#include "analyzer/report/render.h"
#include "audit/batch_rows.h"
#include "audit/batch_worker.h"
#include "audit/checks.h"
#include "audit/run_batch.h"
#include "rules/rule.h"
#include "tools/cli_args.h"
#include "tools/formats.h"
#include "tools/run_model.h"

namespace onnx_flops {
namespace {

constexpr int kExitOk = 0;
constexpr int kExitCheckFailed = 1;
constexpr int kExitBadInput = 2;


int Fail(const absl::Status& status) {
  std::cerr << "onnx-flops: " << OneLine(status.message()) << "\n";
  return kExitBadInput;
}

// One line per failed check on stderr: what CI logs show above the report.
void ReportFailedChecks(const Report& report) {
  for (const GateResult& g : report.gates()) {
    if (!g.passed()) std::cerr << "onnx-flops: " << OneLine(g.message()) << "\n";
  }
  if (report.has_baseline() && !report.baseline().passed()) {
    for (const MetricChange& m : report.baseline().metrics()) {
      if (m.over_limit()) {
        std::cerr << "onnx-flops: baseline " << report.baseline().path() << ": "
                  << OneLine(m.message()) << "\n";
      }
    }
  }
}

bool IsBatch(const CliArgs& args) {
  std::error_code ec;
  return args.batch || !args.files_from.empty() || args.paths.size() != 1 ||
         !args.shard.empty() || FindFormat(args.format)->render == nullptr ||
         std::filesystem::is_directory(args.paths[0], ec);
}

// --files-from: one path per line; blank lines are skipped.
absl::Status ReadPathList(const std::string& file, std::vector<std::string>* paths) {
  std::ifstream in;
  std::istream* stream = &std::cin;
  if (file != "-") {
    in.open(file);
    if (!in) return absl::NotFoundError(absl::StrCat("--files-from ", file, ": cannot open"));
    stream = &in;
  }
  std::string line;
  while (std::getline(*stream, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!line.empty()) paths->push_back(line);
  }
  return absl::OkStatus();
}

// This binary, to start as a worker or helper; argv[0] if /proc is not there.
std::string SelfExe(const std::vector<std::string>& argv) {
  const std::string self = SelfExecutable();
  return self.empty() ? argv[0] : self;
}

// ONNX's inference runs in this same binary, in its helper mode, with half
// the model's time (so that a hang there is a fallback, not a timeout).
void ConfigureOnnx(const CliArgs& args, const std::string& self) {
  OnnxHelperOptions onnx;
  onnx.enabled = args.onnx_inference;
  onnx.program = self;
  onnx.limits.timeout_seconds = args.timeout_seconds / 2;
  onnx.limits.max_memory_bytes = args.max_memory_bytes;
  ConfigureOnnxHelper(onnx);
}

int Jobs(const CliArgs& args) {
  return args.jobs > 0 ? args.jobs
                       : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

BatchOptions BatchOptionsOf(const CliArgs& args, const CheckOptions& checks) {
  BatchOptions options;
  options.analyze = args.analyze;
  options.checks = checks;
  options.rows = FindFormat(args.format)->batch_rows;
  options.jobs = Jobs(args);
  if (!args.shard.empty()) options.shard = *ParseShard(args.shard);
  options.progress = args.progress && isatty(fileno(stderr));
  options.limits.timeout_seconds = args.timeout_seconds;
  // By default the workers together cannot take more than the machine has,
  // but none gets less than 1 GiB however many jobs there are.
  options.limits.max_memory_bytes =
      args.max_memory_bytes > 0
          ? args.max_memory_bytes
          : std::max<int64_t>(PhysicalMemoryBytes() / options.jobs, int64_t{1} << 30);
  return options;
}

// One model in this process: the limits hold the process itself. The
// messages are made before, since a signal handler may only write them.
std::string* limit_message = nullptr;

extern "C" void OnLimit(int) {
  const ssize_t ignored = write(2, limit_message->data(), limit_message->size());
  (void)ignored;
  _exit(kExitBadInput);
}

std::string* crash_message = nullptr;

extern "C" void OnCrash(int) {
  const ssize_t ignored = write(2, crash_message->data(), crash_message->size());
  (void)ignored;
  _exit(kExitBadInput);
}

void LimitThisProcess(const CliArgs& args, const std::string& path) {
  static std::string time_message, memory_message, crash_text;
  // A crash of our own is a bug, but a CI log should still get one line
  // that names the model, not a bare "Segmentation fault". (Not under the
  // sanitizers, whose own report says more.)
  if (MemoryLimitsSupported()) {
    crash_text = absl::StrCat("onnx-flops: ", OneLine(path),
                              ": internal error: the analysis crashed (a bug in onnx-flops: "
                              "please report it with this model)\n");
    crash_message = &crash_text;
    for (int sig : {SIGSEGV, SIGBUS, SIGFPE, SIGILL}) std::signal(sig, OnCrash);
  }
  if (args.timeout_seconds > 0) {
    time_message = absl::StrCat("onnx-flops: ", OneLine(path), ": analysis did not finish in ",
                                args.timeout_seconds, " s (--timeout)\n");
    limit_message = &time_message;
    std::signal(SIGALRM, OnLimit);
    itimerval timer{};
    timer.it_value.tv_sec = static_cast<time_t>(args.timeout_seconds);
    timer.it_value.tv_usec = static_cast<suseconds_t>(
        (args.timeout_seconds - std::floor(args.timeout_seconds)) * 1e6);
    setitimer(ITIMER_REAL, &timer, nullptr);
  }
  if (args.max_memory_bytes > 0 && MemoryLimitsSupported()) {
    memory_message = absl::StrCat("onnx-flops: ", OneLine(path), ": analysis needed more than ",
                                  args.max_memory_bytes >> 20, " MiB of memory (--max-memory)\n");
    rlimit limit{static_cast<rlim_t>(args.max_memory_bytes),
                 static_cast<rlim_t>(args.max_memory_bytes)};
    setrlimit(RLIMIT_DATA, &limit);
    std::set_new_handler([] {
      const ssize_t ignored = write(2, memory_message.data(), memory_message.size());
      (void)ignored;
      _exit(kExitBadInput);
    });
  }
}

#ifdef ONNX_FLOPS_FAULT_INJECTION
// Test builds only (the onnx-flops-faults binary): ONNX_FLOPS_INJECT_FAULT=
// "crash=NAME,hang=NAME,oom=NAME" makes the batch worker that is handed a
// path containing NAME die, hang or allocate without end; "onnx-crash=NAME"
// (and onnx-hang, onnx-oom) does the same to the ONNX inference helper when
// it is sent a model whose graph is called NAME, and "single-crash=NAME" to
// a single-model run. Tests check what the batch
// run and the analysis make of it.
void InjectFault(absl::string_view where, const std::string& key) {
  const char* spec = std::getenv("ONNX_FLOPS_INJECT_FAULT");
  if (spec == nullptr) return;
  for (absl::string_view item : absl::StrSplit(spec, ',', absl::SkipEmpty())) {
    std::pair<std::string, std::string> kv = absl::StrSplit(item, absl::MaxSplits('=', 1));
    absl::string_view kind = kv.first;
    if (kv.second.empty() || !absl::ConsumePrefix(&kind, where) ||
        !absl::StrContains(key, kv.second)) {
      continue;
    }
    if (kind == "crash") {
      // A worker or helper dies plainly, not through a sanitizer's report; a
      // single run meets its own crash handler.
      if (where != "single-") std::signal(SIGSEGV, SIG_DFL);
      std::raise(SIGSEGV);
    } else if (kind == "hang") {
      for (;;) pause();
    } else if (kind == "oom") {
      std::vector<std::unique_ptr<char[]>> hog;
      for (;;) {
        hog.emplace_back(new char[64 << 20]);
        std::memset(hog.back().get(), 1, 64 << 20);
      }
    }
  }
}
#endif

int RunBatchMode(const CliArgs& args, CheckOptions checks, const std::vector<std::string>& argv) {
  if (FindFormat(args.format)->batch_rows == nullptr) {
    std::vector<std::string> rows;
    for (const Format& f : Formats()) {
      if (f.batch_rows != nullptr) rows.push_back(f.name);
    }
    return Fail(absl::InvalidArgumentError(absl::StrCat(
        "--format ", args.format, " describes one model; batch mode writes one row per model: ",
        "--format ", absl::StrJoin(rows, ", "))));
  }
  if (args.per_node && args.format != "jsonl") {
    return Fail(absl::InvalidArgumentError("in batch mode --per-node needs --format jsonl"));
  }
  BatchOptions options = BatchOptionsOf(args, checks);
  // Each worker is this binary again, with this command's arguments.
  options.worker_argv = {SelfExe(argv), kBatchWorkerFlag};
  options.worker_argv.insert(options.worker_argv.end(), argv.begin() + 1, argv.end());
  BatchSummary summary = RunBatch(args.paths, options, std::cout, std::cerr);
  if (summary.errors > 0) return kExitBadInput;
  return summary.checks_failed > 0 ? kExitCheckFailed : kExitOk;
}

void ListRules(const std::string& format) {
  const auto rules = SortedRules(DefaultRules());
  if (format == "markdown") {
    std::cout << "# Rules\n\nEvery op onnx-flops counts and the formula it uses. Generated by\n"
                 "`onnx-flops --list-rules --format markdown`; a test fails when it is stale.\n"
                 "numel(Y) is the element count of the output, matmul class = 2 x MACs of\n"
                 "matrix products, every other FLOP is vector class (see docs/conventions.md).\n\n"
              << "shapes: who gives the output shapes (onnx-flops's own propagator, else ONNX's\n"
                 "inference); backward: how --backward per-op treats the op's products.\n\n"
              << "| op | domain | family | shapes | backward | formula |\n"
                 "|---|---|---|---|---|---|\n";
    auto escape = [](const std::string& text) {
      return absl::StrReplaceAll(text, {{"|", "\\|"}, {"*", "\\*"}});
    };
    for (const Rule* r : rules) {
      std::cout << "| " << r->op_type << " | " << (r->domain.empty() ? "ai.onnx" : r->domain)
                << " | " << r->family << " | " << (r->propagate != nullptr ? "onnx-flops" : "ONNX")
                << " | " << escape(BackwardSummary(r->backward)) << " | " << escape(r->formula)
                << " |\n";
    }
    std::cout << "\n## Backward pass (--backward per-op)\n\n"
                 "ng(X) = 1 when X needs a gradient, else 0.\n\n";
    for (const std::string& f : BackwardRuleFormulas()) {
      std::cout << "- " << absl::StrReplaceAll(f, {{"*", "\\*"}}) << "\n";
    }
    return;
  }
  for (const Rule* r : rules) {
    std::string op = r->domain.empty() ? r->op_type : absl::StrCat(r->domain, "::", r->op_type);
    std::cout << op << std::string(op.size() < 28 ? 28 - op.size() : 1, ' ') << "["
              << r->family << "] " << r->formula << "\n";
  }
  std::cout << "\nbackward pass (--backward per-op; ng(X) = 1 when X needs a gradient):\n";
  for (const std::string& f : BackwardRuleFormulas()) std::cout << "  " << f << "\n";
}

int Run(const std::vector<std::string>& argv) {
  absl::StatusOr<CliArgs> args = ParseCliArgs(argv);
  if (!args.ok()) return Fail(args.status());
  if (args->help) {
    std::cout << kUsage;
    return kExitOk;
  }
  if (args->version) {
    std::cout << "onnx-flops " << ONNX_FLOPS_VERSION << "\n";
    return kExitOk;
  }
  if (args->list_rules) {
    ListRules(args->format);
    return kExitOk;
  }
  if (args->list_hardware) {
    absl::StatusOr<const std::vector<Hardware>*> table = HardwareTable();
    if (!table.ok()) return Fail(table.status());
    absl::StatusOr<std::string> text =
        RenderHardwareTable(**table, args->format == "markdown" ? "markdown" : "text");
    if (!text.ok()) return Fail(text.status());
    std::cout << *text;
    return kExitOk;
  }
  if (!args->files_from.empty()) {
    if (absl::Status s = ReadPathList(args->files_from, &args->paths); !s.ok()) return Fail(s);
  }
  ConfigureOnnx(*args, SelfExe(argv));
  if (IsBatch(*args)) {
    CheckOptions checks;
    Baseline baseline;
    if (absl::Status s = ChecksFromArgs(*args, &baseline, &checks); !s.ok()) return Fail(s);
    baseline.single_report_fallback = false;
    return RunBatchMode(*args, checks, argv);
  }
  LimitThisProcess(*args, args->paths[0]);
#ifdef ONNX_FLOPS_FAULT_INJECTION
  InjectFault("single-", args->paths[0]);
#endif

  absl::StatusOr<OneModel> one = RunOneModel(*args, argv);
  if (!one.ok()) return Fail(one.status());
  std::cout << one->output;
  std::cout.flush();
  if (!one->checks_passed) {
    ReportFailedChecks(one->report);
    return kExitCheckFailed;
  }
  return kExitOk;
}

// onnx-flops --internal-batch-worker ARGS...: a batch run's worker, which
// parses the batch's own arguments and analyzes the paths it is sent.
int RunBatchWorker(std::vector<std::string> argv) {
  argv.erase(argv.begin() + 1);
  absl::StatusOr<CliArgs> args = ParseCliArgs(argv);
  if (!args.ok()) return Fail(args.status());
  CheckOptions checks;
  Baseline baseline;
  if (absl::Status s = ChecksFromArgs(*args, &baseline, &checks); !s.ok()) return Fail(s);
  baseline.single_report_fallback = false;
  ConfigureOnnx(*args, SelfExe(argv));
  std::function<void(const std::string&)> before_each;
#ifdef ONNX_FLOPS_FAULT_INJECTION
  before_each = [](const std::string& path) { InjectFault("", path); };
#endif
  return BatchWorkerMain(BatchOptionsOf(*args, checks), before_each);
}

}  // namespace
}  // namespace onnx_flops

int main(int argc, char** argv) {
  std::vector<std::string> args(argv, argv + argc);
  if (args.size() >= 2 && args[1] == onnx_flops::kOnnxHelperFlag) {
#ifdef ONNX_FLOPS_FAULT_INJECTION
    return onnx_flops::OnnxHelperMain([](const onnx::ModelProto& model) {
      onnx_flops::InjectFault("onnx-", model.graph().name());
    });
#else
    return onnx_flops::OnnxHelperMain();
#endif
  }
  if (args.size() >= 2 && args[1] == onnx_flops::kBatchWorkerFlag) {
    return onnx_flops::RunBatchWorker(std::move(args));
  }
  return onnx_flops::Run(args);
}
