// Every model of Debian's libonnx-testdata (ONNX 1.12's backend test models,
// about a thousand) through the analyzer in-process, with default options.
// Each must give either a one-line error that names the file, or a report that
// accounts for every node and holds only finite, non-negative numbers.
//
// The summary printed at the end (load errors, uncounted op types and why) is
// how the team tracks rule coverage; read it with
//   build/tools_test --gtest_filter='LibonnxTestdataSweep.*'
#include <glob.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "analyzer/analyze.h"
#include "analyzer/report/render.h"
#include "gtest/gtest.h"
#include "proto/report.pb.h"

namespace onnx_flops {
namespace {

// Debian package libonnx-testdata (apt-get install libonnx-testdata).
constexpr char kTestdataRoot[] = "/usr/share/libonnx-testdata/data";
constexpr char kModelGlob[] = "/usr/share/libonnx-testdata/data/*/*/model.onnx";

std::vector<std::string> Glob(const char* pattern) {
  std::vector<std::string> paths;
  glob_t g{};
  if (glob(pattern, 0, nullptr, &g) == 0) {
    for (size_t i = 0; i < g.gl_pathc; ++i) paths.emplace_back(g.gl_pathv[i]);
  }
  globfree(&g);
  std::sort(paths.begin(), paths.end());
  return paths;
}

// ".../data/node/test_abs/model.onnx" -> "node/test_abs"
std::string ShortName(const std::string& path) {
  absl::string_view p = path;
  const absl::string_view root = kTestdataRoot;
  if (p.substr(0, root.size()) == root) p.remove_prefix(root.size() + 1);
  const absl::string_view suffix = "/model.onnx";
  if (p.size() > suffix.size() && p.substr(p.size() - suffix.size()) == suffix) {
    p.remove_suffix(suffix.size());
  }
  return std::string(p);
}

bool Finite(double x) { return std::isfinite(x) && x >= 0; }

// a == b up to summation rounding.
bool Close(double a, double b) {
  return std::fabs(a - b) <= 1e-9 * std::max({1.0, std::fabs(a), std::fabs(b)});
}

struct UncountedStats {
  int64_t nodes = 0;
  std::map<std::string, int64_t> models;   // model -> nodes of this type uncounted
  std::string first_reason;
  std::string first_model;
};

// Checks one report's invariants; returns the problems found ("" if none).
std::string CheckReport(const Report& r) {
  std::vector<std::string> problems;
  auto check = [&](bool ok, absl::string_view what) {
    if (!ok) problems.emplace_back(what);
  };
  const Forward& f = r.forward();
  const Coverage& c = f.coverage();
  // Coverage spans the main graph and the Loop/Scan/If bodies walked.
  check(c.nodes() == r.model().nodes() + r.model().subgraph_nodes(),
        absl::StrCat("coverage.nodes ", c.nodes(), " != model.nodes ", r.model().nodes(),
                     " + subgraph_nodes ", r.model().subgraph_nodes()));
  check(c.nodes() == c.counted() + c.data_movement() + c.uncounted(),
        absl::StrCat("coverage.nodes ", c.nodes(), " != counted ", c.counted(),
                     " + data_movement ", c.data_movement(), " + uncounted ", c.uncounted()));
  check(f.uncounted_size() == c.uncounted(),
        absl::StrCat("forward.uncounted lists ", f.uncounted_size(), " nodes, coverage says ",
                     c.uncounted()));
  for (const UncountedNode& u : f.uncounted()) {
    check(!u.reason().empty(),
          absl::StrCat("uncounted node '", u.node(), "' (", u.op_type(), ") has no reason"));
  }
  auto number = [&](absl::string_view name, double x) {
    check(Finite(x), absl::StrCat(name, " = ", x, " is not finite and >= 0"));
  };
  number("forward.flops", f.flops());
  number("forward.matmul_flops", f.matmul_flops());
  number("forward.vector_flops", f.vector_flops());
  number("forward.macs", f.macs());
  number("forward.flops_per_example", f.flops_per_example());
  number("forward.matmul_flops_per_example", f.matmul_flops_per_example());
  number("forward.macs_per_example", f.macs_per_example());
  check(f.matmul_flops() <= f.flops(),
        absl::StrCat("matmul_flops ", f.matmul_flops(), " > flops ", f.flops()));
  check(Close(f.flops(), f.matmul_flops() + f.vector_flops()),
        absl::StrCat("flops ", f.flops(), " != matmul ", f.matmul_flops(), " + vector ",
                     f.vector_flops()));
  check(f.batch_size() >= 1, absl::StrCat("batch_size ", f.batch_size()));
  double sum = 0;
  int64_t op_nodes = 0;
  for (const OpTypeCost& op : f.by_op_type()) {
    const std::string name = absl::StrCat("by_op_type[", op.op_type(), "]");
    number(name + ".flops", op.flops());
    number(name + ".matmul_flops", op.matmul_flops());
    number(name + ".vector_flops", op.vector_flops());
    number(name + ".macs", op.macs());
    number(name + ".share", op.share());
    check(op.matmul_flops() <= op.flops(), name + ": matmul_flops > flops");
    sum += op.flops();
    op_nodes += op.nodes();
  }
  check(Close(sum, f.flops()),
        absl::StrCat("by_op_type flops sum to ", sum, ", forward.flops is ", f.flops()));
  check(op_nodes == c.nodes(),
        absl::StrCat("by_op_type nodes sum to ", op_nodes, ", coverage.nodes is ", c.nodes()));
  number("model.parameters", r.model().parameters());
  number("model.parameter_bytes", r.model().parameter_bytes());

  absl::StatusOr<std::string> json = RenderJson(r);
  check(json.ok(), absl::StrCat("RenderJson: ", json.status().ToString()));
  check(!RenderText(r, TextOptions{}).empty(), "RenderText is empty");
  check(!RenderCsv(r, false).empty(), "RenderCsv is empty");

  std::string out;
  for (const std::string& p : problems) absl::StrAppend(&out, "\n    ", p);
  return out;
}

std::string Truncate(std::string s, size_t n) {
  if (s.size() > n) {
    s.resize(n - 3);
    s += "...";
  }
  return s;
}

TEST(LibonnxTestdataSweep, EveryModelCountedOrCleanlyRefused) {
  ASSERT_TRUE(std::filesystem::is_directory(kTestdataRoot))
      << kTestdataRoot << " is missing: apt-get install libonnx-testdata";
  const auto start = std::chrono::steady_clock::now();
  const std::vector<std::string> models = Glob(kModelGlob);
  ASSERT_GT(models.size(), 500u) << "expected ~1000 models under " << kTestdataRoot;

  int64_t load_errors = 0, reports = 0, nodes = 0, uncounted = 0, data_movement = 0;
  int64_t models_fully_counted = 0;
  int64_t control_models = 0;  // LSTM/GRU/RNN/Loop/Scan/If test models seen
  std::vector<std::pair<std::string, std::string>> errors;   // model, message
  std::map<std::string, UncountedStats> by_op;               // "domain::op" or "op"

  for (const std::string& path : models) {
    const std::string name = ShortName(path);
    absl::StatusOr<Report> report = AnalyzeFile(path, AnalyzeOptions{});
    if (!report.ok()) {
      ++load_errors;
      const std::string msg(report.status().message());
      if (msg.empty() || msg.find('\n') != std::string::npos ||
          msg.find(path) == std::string::npos) {
        ADD_FAILURE() << name << ": the error is not one non-empty line naming the file: '"
                      << msg << "'";
      }
      errors.emplace_back(name, msg);
      continue;
    }
    ++reports;
    const std::string problems = CheckReport(*report);
    if (!problems.empty()) ADD_FAILURE() << name << ":" << problems;

    const Coverage& c = report->forward().coverage();
    // Recurrence and control flow must be counted in full, not listed.
    for (const char* family : {"test_lstm", "test_gru", "test_rnn", "test_simple_rnn",
                               "test_loop", "test_scan", "test_if"}) {
      if (name.find(std::string("/") + family) == std::string::npos) continue;
      ++control_models;
      if (c.uncounted() != 0) {
        ADD_FAILURE() << name << ": " << c.uncounted() << " uncounted node(s), first: "
                      << report->forward().uncounted(0).reason();
      }
    }
    nodes += c.nodes();
    uncounted += c.uncounted();
    data_movement += c.data_movement();
    if (c.uncounted() == 0) ++models_fully_counted;
    for (const UncountedNode& u : report->forward().uncounted()) {
      const std::string key =
          u.domain().empty() || u.domain() == "ai.onnx" ? u.op_type()
                                                        : absl::StrCat(u.domain(), "::", u.op_type());
      UncountedStats& s = by_op[key];
      if (s.nodes++ == 0) {
        s.first_reason = u.reason();
        s.first_model = name;
      }
      ++s.models[name];
    }
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  // ---- the summary ----
  std::ostringstream out;
  out << "\n==== libonnx-testdata sweep (" << kTestdataRoot << ") ====\n";
  out << "models          " << models.size() << "  (" << reports << " analyzed, " << load_errors
      << " refused with an error)\n";
  out << "nodes           " << nodes << "  (" << (nodes - uncounted - data_movement)
      << " counted, " << data_movement << " data movement, " << uncounted << " uncounted)\n";
  out << "fully counted   " << models_fully_counted << " of " << reports << " analyzed models\n";
  out << std::fixed << std::setprecision(1) << "coverage        "
      << (nodes ? 100.0 * static_cast<double>(nodes - uncounted) / static_cast<double>(nodes) : 0)
      << "% of nodes counted or data movement\n";
  out << "time            " << std::setprecision(2) << seconds << " s\n";
  out << "control/recurrent models  " << control_models
      << " (LSTM/GRU/RNN/Loop/Scan/If tests, each required fully counted)\n";
  EXPECT_GE(control_models, 20) << "the LSTM/GRU/RNN/Loop/Scan/If test models were not found";

  if (!errors.empty()) {
    out << "\nload errors (" << errors.size() << "), first " << std::min<size_t>(errors.size(), 10)
        << ":\n";
    for (size_t i = 0; i < errors.size() && i < 10; ++i) {
      out << "  " << errors[i].first << "\n      " << Truncate(errors[i].second, 220) << "\n";
    }
  }

  if (!by_op.empty()) {
    std::vector<std::pair<std::string, const UncountedStats*>> ranked;
    for (const auto& [op, s] : by_op) ranked.emplace_back(op, &s);
    std::stable_sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) {
      return a.second->nodes > b.second->nodes;
    });
    out << "\nuncounted op types: " << ranked.size() << "; top "
        << std::min<size_t>(ranked.size(), 30) << " by nodes (nodes in models: first reason)\n";
    for (size_t i = 0; i < ranked.size() && i < 30; ++i) {
      const UncountedStats& s = *ranked[i].second;
      std::string op = ranked[i].first;
      out << "  " << std::left << std::setw(26) << op << std::right << std::setw(4) << s.nodes
          << " in " << std::setw(3) << s.models.size() << ": " << Truncate(s.first_reason, 150)
          << "  [" << s.first_model << "]\n";
    }
    if (ranked.size() > 30) {
      out << "  ... and " << ranked.size() - 30 << " more:";
      for (size_t i = 30; i < ranked.size(); ++i) {
        out << " " << ranked[i].first << "(" << ranked[i].second->nodes << ")";
      }
      out << "\n";
    }
  }
  out << "====\n";
  std::cout << out.str() << std::flush;

  EXPECT_LT(seconds, 45) << "the sweep must stay well under a minute";
}

}  // namespace
}  // namespace onnx_flops
