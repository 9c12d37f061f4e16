// mutation_campaign: structure-aware mutants of seed models through the
// onnx-flops binary, one process per mutant, every outcome classified.
//
//   mutation_campaign --binary build/onnx-flops --seed 1 --count 1000 --out /tmp/campaign
//       [--timeout 20] [--keep] [--max-size BYTES] MODEL_OR_DIR...
//
// Mutant i is fuzz/model_mutator.h's MutateModel of seed model i mod M (the
// models sorted by path) with seed S+i, written to OUT/mutant-<i>.onnx and
// run as `onnx-flops OUT/mutant-<i>.onnx --format json`, every second mutant
// with other formats and flags instead. Outcomes:
//   ok           exit 0 or 1 (a report; 1 is a failed check)
//   bad input    exit 2 with one line on stderr
//   crash        killed by a signal, a sanitizer report, or onnx-flops's own
//                "internal error" line (its handler turns a crash of the
//                analysis into exit 2 with that line)
//   hang         still running after --timeout seconds (killed)
//   unexpected   any other exit, or exit 2 without exactly one stderr line
// Crashing, hanging and unexpected mutants are kept with a .txt beside them
// (seed model, seed, command, mutations, stderr); the others are deleted
// unless --keep. A report that says ONNX's shape inference crashed, hung or
// ran out of memory in its isolated helper process is a success of the
// isolation, not a finding: those mutants are counted apart and kept as
// helper-<i>.onnx (with a .txt), for the list of libonnx's bugs.
// Exit status: 0 when there were no findings, 1 when there were, 2 on a
// usage error.
//
//   mutation_campaign --self-test [--seed S] [--count N] MODEL_OR_DIR...
// checks the mutator without running anything: each mutant comes out the
// same twice from its seed, differs from its model, and (for a model that
// parses) is a model that parses.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "fuzz/model_mutator.h"
#include "onnx/onnx_pb.h"

extern char** environ;

namespace {

namespace fs = std::filesystem;

constexpr uint64_t kDefaultSeed = 1;
constexpr int kSanitizerExit = 99;

struct Options {
  std::string binary;
  uint64_t seed = kDefaultSeed;
  uint64_t count = 1000;
  std::string out;
  double timeout = 20;
  bool keep = false;
  bool self_test = false;
  size_t max_size = 8u << 20;
  std::vector<std::string> models;
};

constexpr char kUsage[] =
    "usage: mutation_campaign --binary PATH --out DIR [--seed S] [--count N] [--timeout SECONDS]\n"
    "                         [--keep] [--max-size BYTES] MODEL_OR_DIR...\n"
    "       mutation_campaign --self-test [--seed S] [--count N] MODEL_OR_DIR...\n"
    "Runs N structure-aware mutants of the models (directories are searched for *.onnx)\n"
    "through the onnx-flops binary at PATH; exit 1 when any crashed, hung or exited oddly.\n";

int UsageError(const std::string& message) {
  std::cerr << "mutation_campaign: " << message << "\n" << kUsage;
  return 2;
}

bool ParseNumber(const std::string& text, double* value) {
  char* end = nullptr;
  errno = 0;
  *value = std::strtod(text.c_str(), &end);
  return errno == 0 && end != text.c_str() && *end == '\0' && *value >= 0;
}

enum class Outcome { kOk, kBadInput, kCrash, kHang, kUnexpected };

struct RunResult {
  Outcome outcome = Outcome::kOk;
  std::string detail;       // "SIGSEGV", "exit 3", "timeout after 20 s"
  std::string last_line;    // the telling stderr line
  std::string stderr_text;  // all of it, for the .txt
  std::string helper_line;  // the report's sentence when ONNX's inference failed in its helper
};

// The sentences the analyzer writes (a warning in every format) when ONNX's
// inference failed in its helper process.
const char* const kHelperFailures[] = {"ONNX shape inference crashed",
                                       "ONNX shape inference did not finish",
                                       "ONNX shape inference ran out of memory"};

std::string HelperFailure(const std::string& text) {
  for (const char* sentence : kHelperFailures) {
    const size_t at = text.find(sentence);
    if (at == std::string::npos) continue;
    size_t end = text.find_first_of(";\"\n<", at);
    if (end == std::string::npos) end = text.size();
    return text.substr(at, std::min<size_t>(end - at, 200));
  }
  return "";
}

std::string SignalName(int sig) {
  switch (sig) {
    case SIGSEGV:
      return "SIGSEGV";
    case SIGABRT:
      return "SIGABRT";
    case SIGBUS:
      return "SIGBUS";
    case SIGFPE:
      return "SIGFPE";
    case SIGILL:
      return "SIGILL";
    case SIGKILL:
      return "SIGKILL";
    case SIGTRAP:
      return "SIGTRAP";
    default:
      return "signal " + std::to_string(sig);
  }
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

// The line that says what went wrong: a sanitizer's SUMMARY, else the last.
std::string TellingLine(const std::vector<std::string>& lines) {
  for (const std::string& line : lines) {
    if (line.rfind("SUMMARY: ", 0) == 0) return line;
  }
  return lines.empty() ? "" : lines.back();
}

bool HasSanitizerReport(const std::string& text) {
  return text.find("ERROR: AddressSanitizer") != std::string::npos ||
         text.find("ERROR: LeakSanitizer") != std::string::npos ||
         text.find("runtime error: ") != std::string::npos ||
         text.find("SUMMARY: UndefinedBehaviorSanitizer") != std::string::npos;
}

// Runs argv with stdin on /dev/null, stdout to `out_path` and stderr to
// `err_path`, in a process group of its own (so a helper it starts dies with
// it on timeout). SIGCHLD is blocked in this process: sigtimedwait is the
// timer.
RunResult Run(const std::vector<std::string>& args, const std::string& out_path,
              const std::string& err_path, double timeout_seconds) {
  RunResult result;
  std::vector<char*> argv;
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0644);
  posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0644);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setpgroup(&attr, 0);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETPGROUP);

  pid_t pid = -1;
  const int spawn_error = posix_spawn(&pid, argv[0], &actions, &attr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (spawn_error != 0) {
    result.outcome = Outcome::kUnexpected;
    result.detail = std::string("posix_spawn: ") + std::strerror(spawn_error);
    return result;
  }

  sigset_t chld;
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  const auto deadline = std::chrono::steady_clock::now() +
                        std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                            std::chrono::duration<double>(timeout_seconds));
  int status = 0;
  bool timed_out = false;
  for (;;) {
    const pid_t done = waitpid(pid, &status, WNOHANG);
    if (done == pid) break;
    if (done < 0 && errno != EINTR) {
      result.outcome = Outcome::kUnexpected;
      result.detail = std::string("waitpid: ") + std::strerror(errno);
      return result;
    }
    const auto left = deadline - std::chrono::steady_clock::now();
    if (left <= std::chrono::steady_clock::duration::zero()) {
      timed_out = true;
      kill(-pid, SIGKILL);
      kill(pid, SIGKILL);
      while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
      }
      break;
    }
    const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(left).count();
    timespec wait{};
    wait.tv_sec = static_cast<time_t>(ns / 1000000000);
    wait.tv_nsec = static_cast<long>(ns % 1000000000);
    sigtimedwait(&chld, nullptr, &wait);  // SIGCHLD, the timeout or EINTR: look again
  }
  // Whatever the child's children left behind in its group goes too.
  kill(-pid, SIGKILL);

  result.stderr_text = ReadFile(err_path);
  const std::vector<std::string> lines = Lines(result.stderr_text);
  result.last_line = TellingLine(lines);
  if (timed_out) {
    result.outcome = Outcome::kHang;
    std::ostringstream detail;
    detail << "timeout after " << timeout_seconds << " s";
    result.detail = detail.str();
  } else if (WIFSIGNALED(status)) {
    result.outcome = Outcome::kCrash;
    result.detail = SignalName(WTERMSIG(status));
  } else if (WEXITSTATUS(status) == kSanitizerExit || HasSanitizerReport(result.stderr_text)) {
    result.outcome = Outcome::kCrash;
    result.detail = "sanitizer report, exit " + std::to_string(WEXITSTATUS(status));
  } else if (result.stderr_text.find(": internal error: ") != std::string::npos) {
    result.outcome = Outcome::kCrash;
    result.detail = "internal error, exit " + std::to_string(WEXITSTATUS(status));
  } else if (WEXITSTATUS(status) == 0 || WEXITSTATUS(status) == 1) {
    result.outcome = Outcome::kOk;
    result.helper_line = HelperFailure(ReadFile(out_path));
    if (result.helper_line.empty()) result.helper_line = HelperFailure(result.stderr_text);
  } else if (WEXITSTATUS(status) == 2 && lines.size() == 1) {
    result.outcome = Outcome::kBadInput;
  } else {
    result.outcome = Outcome::kUnexpected;
    result.detail = "exit " + std::to_string(WEXITSTATUS(status)) + " with " +
                    std::to_string(lines.size()) + " stderr lines";
  }
  return result;
}

// The flags mutant i runs with: JSON for half of them, and in turn the
// per-op backward model, HTML, the statement and the text table with a
// hardware estimate for the others (each walks renderers and options the
// JSON run does not).
std::vector<std::string> FlagsFor(uint64_t i) {
  switch (i % 8) {
    case 1:
      return {"--format", "json", "--backward", "per-op", "--examples", "10"};
    case 3:
      return {"--format", "html", "--per-node"};
    case 5:
      return {"--format", "statement", "--examples", "1000", "--epochs", "2", "--sha256"};
    case 7:
      return {"--format",   "text",     "--per-node", "--causal-half", "--backward",
              "per-op",     "--optimizer", "adam",    "--examples",    "1000",
              "--hardware", "h100-sxm", "--chips",    "8",             "--hours",
              "1"};
    default:
      return {"--format", "json"};
  }
}

bool CollectModels(const std::string& arg, std::vector<std::string>* models) {
  std::error_code ec;
  if (fs::is_directory(arg, ec)) {
    for (auto it = fs::recursive_directory_iterator(arg, ec); !ec && it != fs::end(it);
         it.increment(ec)) {
      if (it->is_regular_file(ec) && it->path().extension() == ".onnx") {
        models->push_back(it->path().string());
      }
    }
    return !ec;
  }
  if (fs::is_regular_file(arg, ec)) {
    models->push_back(arg);
    return true;
  }
  return false;
}

std::string Shell(const std::vector<std::string>& args) {
  std::string line;
  for (const std::string& a : args) {
    if (!line.empty()) line += ' ';
    line += a;
  }
  return line;
}

struct Finding {
  std::string kind;
  std::string file;
  RunResult result;
};

// The models named by the arguments, sorted; false after a message.
bool SortedModels(const Options& options, std::vector<std::string>* models) {
  for (const std::string& arg : options.models) {
    if (!CollectModels(arg, models)) {
      std::cerr << "mutation_campaign: " << arg << ": no such file or directory\n";
      return false;
    }
  }
  std::sort(models->begin(), models->end());
  models->erase(std::unique(models->begin(), models->end()), models->end());
  if (models->empty()) {
    UsageError("no .onnx model among the arguments");
    return false;
  }
  return true;
}

int SelfTest(const Options& options) {
  std::vector<std::string> models;
  if (!SortedModels(options, &models)) return 2;
  uint64_t structural = 0;
  uint64_t bytes_only = 0;
  int failures = 0;
  auto fail = [&](uint64_t i, const std::string& model, const std::string& what) {
    if (++failures <= 20) {
      std::cerr << "mutation_campaign: self-test: seed " << options.seed + i << " of " << model
                << ": " << what << "\n";
    }
  };
  std::vector<std::string> seeds;
  for (const std::string& m : models) seeds.push_back(ReadFile(m));
  for (uint64_t i = 0; i < options.count; ++i) {
    const size_t which = static_cast<size_t>(i % models.size());
    const std::string& input = seeds[which];
    std::string first;
    std::string second;
    const bool ok =
        onnx_flops::fuzz::MutateModelProto(input, options.seed + i, options.max_size, &first);
    const bool again =
        onnx_flops::fuzz::MutateModelProto(input, options.seed + i, options.max_size, &second);
    if (ok != again || first != second) fail(i, models[which], "not deterministic");
    onnx::ModelProto parsed;
    const bool is_model = parsed.ParseFromString(input);
    if (ok) {
      ++structural;
      if (first == input) fail(i, models[which], "mutant equals its model");
      if (!parsed.ParseFromString(first)) fail(i, models[which], "mutant does not parse");
    } else {
      ++bytes_only;
      if (is_model && input.size() <= options.max_size) {
        fail(i, models[which], "a model that parses got no structural mutant");
      }
      const std::string b1 = onnx_flops::fuzz::MutateBytes(input, options.seed + i, options.max_size);
      const std::string b2 = onnx_flops::fuzz::MutateBytes(input, options.seed + i, options.max_size);
      if (b1 != b2) fail(i, models[which], "byte mutation not deterministic");
    }
  }
  std::printf("mutator self-test: %llu mutants of %zu models (seed %llu): %llu structural, %llu "
              "byte-level, %d failures\n",
              static_cast<unsigned long long>(options.count), models.size(),
              static_cast<unsigned long long>(options.seed),
              static_cast<unsigned long long>(structural),
              static_cast<unsigned long long>(bytes_only), failures);
  return failures == 0 ? 0 : 1;
}

int Campaign(const Options& options) {
  std::vector<std::string> models;
  if (!SortedModels(options, &models)) return 2;
  std::vector<std::string> seeds;
  for (const std::string& m : models) seeds.push_back(ReadFile(m));

  std::error_code ec;
  fs::create_directories(options.out, ec);
  if (ec) {
    std::cerr << "mutation_campaign: " << options.out << ": " << ec.message() << "\n";
    return 2;
  }
  // Sanitizer reports end the run with an exit status of their own (ASan's
  // and UBSan's default, 1, would read as a failed check). Options already
  // in the environment come later and win.
  const char* asan = std::getenv("ASAN_OPTIONS");
  const char* ubsan = std::getenv("UBSAN_OPTIONS");
  const std::string exit_code = "exitcode=" + std::to_string(kSanitizerExit);
  setenv("ASAN_OPTIONS", (exit_code + (asan ? ":" + std::string(asan) : "")).c_str(), 1);
  setenv("UBSAN_OPTIONS",
         (exit_code + ":halt_on_error=1:print_stacktrace=1" + (ubsan ? ":" + std::string(ubsan) : ""))
             .c_str(),
         1);

  sigset_t chld;
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  sigprocmask(SIG_BLOCK, &chld, nullptr);

  const std::string err_path = (fs::path(options.out) / "stderr.txt").string();
  const std::string out_path = (fs::path(options.out) / "stdout.txt").string();
  uint64_t counts[5] = {0, 0, 0, 0, 0};
  std::vector<Finding> findings;
  std::vector<Finding> helper_failures;
  const auto start = std::chrono::steady_clock::now();
  for (uint64_t i = 0; i < options.count; ++i) {
    const size_t which = static_cast<size_t>(i % models.size());
    std::vector<std::string> log;
    const std::string mutant =
        onnx_flops::fuzz::MutateModel(seeds[which], options.seed + i, options.max_size, &log);
    const std::string file =
        (fs::path(options.out) / ("mutant-" + std::to_string(i) + ".onnx")).string();
    {
      std::ofstream out(file, std::ios::binary | std::ios::trunc);
      out.write(mutant.data(), static_cast<std::streamsize>(mutant.size()));
      if (!out) {
        std::cerr << "mutation_campaign: cannot write " << file << "\n";
        return 2;
      }
    }
    std::vector<std::string> args = {options.binary, file};
    for (std::string& flag : FlagsFor(i)) args.push_back(std::move(flag));
    RunResult r = Run(args, out_path, err_path, options.timeout);
    ++counts[static_cast<int>(r.outcome)];
    if (!r.helper_line.empty()) {
      const std::string kept =
          (fs::path(options.out) / ("helper-" + std::to_string(i) + ".onnx")).string();
      fs::rename(file, kept, ec);
      std::ofstream note(kept.substr(0, kept.size() - 5) + ".txt");
      note << r.helper_line << "\nseed model: " << models[which] << "\nseed: " << options.seed + i
           << "\ncommand: " << Shell(args) << "\nmutations:\n";
      for (const std::string& line : log) note << "  " << line << "\n";
      helper_failures.push_back({"helper", kept, r});
      helper_failures.back().result.stderr_text.clear();
    } else if (r.outcome == Outcome::kOk || r.outcome == Outcome::kBadInput) {
      if (!options.keep) fs::remove(file, ec);
    } else {
      const std::string kind = r.outcome == Outcome::kCrash  ? "crash"
                               : r.outcome == Outcome::kHang ? "hang"
                                                             : "unexpected";
      std::ofstream note(file.substr(0, file.size() - 5) + ".txt");
      note << kind << " (" << r.detail << ")\n"
           << "seed model: " << models[which] << "\nseed: " << options.seed + i
           << "\ncommand: " << Shell(args) << "\nmutations:\n";
      for (const std::string& line : log) note << "  " << line << "\n";
      note << "stderr:\n" << r.stderr_text;
      findings.push_back({kind, file, std::move(r)});
      findings.back().result.stderr_text.clear();
      findings.back().result.detail += "; from " + models[which] + "; " +
                                       (log.empty() ? std::string("no mutation") : log.front());
    }
    if ((i + 1) % 1000 == 0 && i + 1 < options.count) {
      const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      std::fprintf(stderr, "mutation campaign: %llu/%llu mutants, %zu findings, %.1f s\n",
                   static_cast<unsigned long long>(i + 1),
                   static_cast<unsigned long long>(options.count), findings.size(), s);
    }
  }
  fs::remove(err_path, ec);
  fs::remove(out_path, ec);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  std::printf("mutation campaign: %llu mutants (seed %llu) of %zu models: %llu ok, %llu bad input, "
              "%llu crashes, %llu hangs",
              static_cast<unsigned long long>(options.count),
              static_cast<unsigned long long>(options.seed), models.size(),
              static_cast<unsigned long long>(counts[0]), static_cast<unsigned long long>(counts[1]),
              static_cast<unsigned long long>(counts[2]), static_cast<unsigned long long>(counts[3]));
  if (counts[4] > 0) {
    std::printf(", %llu unexpected exits", static_cast<unsigned long long>(counts[4]));
  }
  std::printf(" in %.1f s\n", seconds);
  for (const Finding& f : findings) {
    std::printf("  %s: %s (%s)\n    %s\n", f.kind.c_str(), f.file.c_str(), f.result.detail.c_str(),
                f.result.last_line.empty() ? "(no stderr)" : f.result.last_line.c_str());
  }
  if (!helper_failures.empty()) {
    // Not findings: the isolation did its job. Counted by what happened.
    std::vector<std::pair<std::string, int>> kinds;
    for (const Finding& f : helper_failures) {
      auto it = std::find_if(kinds.begin(), kinds.end(),
                             [&](const auto& k) { return k.first == f.result.helper_line; });
      if (it == kinds.end()) {
        kinds.push_back({f.result.helper_line, 1});
      } else {
        ++it->second;
      }
    }
    std::printf("ONNX's shape inference failed in its isolated helper (reported in the output, "
                "not a crash) on %zu mutants, kept as helper-<i>.onnx:\n",
                helper_failures.size());
    for (const auto& [line, n] : kinds) std::printf("  %d x %s\n", n, line.c_str());
    for (size_t k = 0; k < helper_failures.size() && k < 5; ++k) {
      std::printf("  e.g. %s\n", helper_failures[k].file.c_str());
    }
  }
  std::fflush(stdout);
  return findings.empty() ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  std::vector<std::string> args(argv + 1, argv + argc);
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&](std::string* v) {
      if (i + 1 >= args.size()) return false;
      *v = args[++i];
      return true;
    };
    std::string v;
    double x = 0;
    if (a == "--help" || a == "-h") {
      std::cout << kUsage;
      return 0;
    } else if (a == "--keep") {
      options.keep = true;
    } else if (a == "--self-test") {
      options.self_test = true;
    } else if (a == "--binary") {
      if (!value(&options.binary)) return UsageError("--binary needs a path");
    } else if (a == "--out") {
      if (!value(&options.out)) return UsageError("--out needs a directory");
    } else if (a == "--seed" || a == "--count" || a == "--timeout" || a == "--max-size") {
      if (!value(&v) || !ParseNumber(v, &x)) return UsageError(a + " needs a number >= 0");
      if (a == "--seed") options.seed = static_cast<uint64_t>(std::strtoull(v.c_str(), nullptr, 10));
      if (a == "--count") options.count = static_cast<uint64_t>(x);
      if (a == "--timeout") options.timeout = x;
      if (a == "--max-size") options.max_size = static_cast<size_t>(x);
    } else if (a.rfind("--", 0) == 0) {
      return UsageError("unknown flag " + a);
    } else {
      options.models.push_back(a);
    }
  }
  if (options.models.empty()) return UsageError("no model given");
  if (options.self_test) return SelfTest(options);
  if (options.binary.empty()) return UsageError("--binary is required");
  if (options.out.empty()) return UsageError("--out is required");
  if (options.models.empty()) return UsageError("no model given");
  if (access(options.binary.c_str(), X_OK) != 0) {
    return UsageError(options.binary + ": not an executable");
  }
  if (options.timeout <= 0) return UsageError("--timeout must be > 0");
  return Campaign(options);
}
