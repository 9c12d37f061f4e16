// Unit tests of the command-line parser: ParseCliArgs, ParseCount, ParseDims.
#include "tools/cli_args.h"

#include <fstream>
#include <iterator>
#include <regex>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace onnx_flops {
namespace {

// argv[0] is the program name, as main() passes it.
absl::StatusOr<CliArgs> Parse(std::vector<std::string> args) {
  args.insert(args.begin(), "onnx-flops");
  return ParseCliArgs(args);
}

// The usage error for `args`, or "" (with a test failure) if it parsed.
std::string UsageError(std::vector<std::string> args) {
  absl::StatusOr<CliArgs> parsed = Parse(std::move(args));
  if (parsed.ok()) {
    ADD_FAILURE() << "expected a usage error";
    return "";
  }
  EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
  std::string msg(parsed.status().message());
  EXPECT_EQ(msg.find('\n'), std::string::npos) << "not one line: " << msg;
  EXPECT_NE(msg.find("--help"), std::string::npos) << msg;
  return msg;
}


using DimList = std::vector<std::pair<std::string, int64_t>>;

// ---- ParseCount ----------------------------------------------------------

TEST(ParseCount, PlainIntegers) {
  auto v = ParseCount("1281167");
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(*v, 1281167.0);
  v = ParseCount("60000");
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(*v, 60000.0);
}

TEST(ParseCount, Exponents) {
  auto v = ParseCount("1e6");
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(*v, 1e6);
  v = ParseCount("1.2e6");
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_DOUBLE_EQ(*v, 1.2e6);
}

TEST(ParseCount, SiSuffixes) {
  auto v = ParseCount("1.28M");
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_DOUBLE_EQ(*v, 1.28e6);
  v = ParseCount("4.1G");
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_DOUBLE_EQ(*v, 4.1e9);
  v = ParseCount("300B");   // billions of tokens
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_DOUBLE_EQ(*v, 3e11);
  v = ParseCount("2k");
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(*v, 2000.0);
  v = ParseCount("2K");
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(*v, 2000.0);
  v = ParseCount("1T");
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(*v, 1e12);
}

TEST(ParseCount, RejectsNonNumbers) {
  for (const char* bad : {"", "M", "abc", "1.2.3", "12x", "nan", "inf", "1e400"}) {
    auto v = ParseCount(bad);
    EXPECT_FALSE(v.ok()) << "'" << bad << "' parsed as " << (v.ok() ? *v : 0.0);
    if (!v.ok()) {
      EXPECT_TRUE(absl::StrContains(std::string(v.status().message()), "not a number")) << v.status();
    }
  }
}

// ---- ParseDims -----------------------------------------------------------

TEST(ParseDuration, UnitsAndErrors) {
  EXPECT_DOUBLE_EQ(*ParseDuration("2ms"), 2e-3);
  EXPECT_DOUBLE_EQ(*ParseDuration("150us"), 150e-6);
  EXPECT_DOUBLE_EQ(*ParseDuration("20ns"), 20e-9);
  EXPECT_DOUBLE_EQ(*ParseDuration("0.5s"), 0.5);
  EXPECT_DOUBLE_EQ(*ParseDuration("1.5"), 1.5);
  for (const char* bad : {"", "ms", "-1ms", "2 ms", "fast", "inf"}) {
    EXPECT_FALSE(ParseDuration(bad).ok()) << bad;
  }
}

TEST(ParseDims, ImageShape) {
  auto d = ParseDims("1x3x224x224");
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(*d, (Dims{1, 3, 224, 224}));
}

TEST(ParseDims, SingleDim) {
  auto d = ParseDims("7");
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(*d, (Dims{7}));
}

TEST(ParseDims, RejectsBadShapes) {
  for (const char* bad : {"", "1x0", "0", "1x-3", "1xx3", "1x3x", "x3", "1,3", "a", "1x3.5",
                          "1x2000000000000"}) {
    auto d = ParseDims(bad);
    EXPECT_FALSE(d.ok()) << "'" << bad << "' parsed";
    if (!d.ok()) {
      std::string msg(d.status().message());
      EXPECT_TRUE(absl::StrContains(msg, "1x3x224x224")) << msg;
      EXPECT_TRUE(absl::StrContains(msg, std::string("'") + bad + "'")) << msg;
    }
  }
}

// ---- ParseCliArgs: accepted forms ------------------------------------------

TEST(ParseCliArgs, PathOnlyGivesDefaults) {
  auto a = Parse({"model.onnx"});
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->paths, std::vector<std::string>{"model.onnx"});
  EXPECT_EQ(a->format, "text");
  EXPECT_FALSE(a->per_node);
  EXPECT_FALSE(a->analyze.per_node);
  EXPECT_FALSE(a->list_rules);
  EXPECT_FALSE(a->help);
  EXPECT_FALSE(a->version);
  EXPECT_FALSE(a->analyze.bindings.strict);
  EXPECT_TRUE(a->analyze.bindings.dims.empty());
  EXPECT_TRUE(a->analyze.bindings.inputs.empty());
  EXPECT_FALSE(a->analyze.training.examples.has_value());
  EXPECT_FALSE(a->analyze.training.epochs.has_value());
  EXPECT_EQ(a->analyze.training.backward_ratio, 2.0);
}

TEST(ParseCliArgs, RepeatedDim) {
  auto a = Parse({"m.onnx", "--dim", "a=3", "--dim", "seq=128"});
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->analyze.bindings.dims, (DimList{{"a", 3}, {"seq", 128}}));
  // The same dim twice is ambiguous: a usage error, not last-one-wins.
  auto twice = Parse({"m.onnx", "--dim", "a=3", "--dim", "a=5"});
  ASSERT_FALSE(twice.ok());
  EXPECT_NE(twice.status().message().find("--dim a is given twice"), std::string::npos)
      << twice.status();
  EXPECT_FALSE(Parse({"m.onnx", "--input", "x=1x3", "--input", "x=1x4"}).ok());
  // A flag where a value belongs is not taken as the value.
  EXPECT_FALSE(Parse({"m.onnx", "--batch-dim", "--per-node"}).ok());
}

TEST(ParseCliArgs, DimWithEqualsForm) {
  auto a = Parse({"--dim=x=4", "m.onnx", "--dim", "batch=8"});
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->paths, std::vector<std::string>{"m.onnx"});
  EXPECT_EQ(a->analyze.bindings.dims, (DimList{{"x", 4}, {"batch", 8}}));
}

TEST(ParseCliArgs, DimUpperLimit) {
  auto a = Parse({"m.onnx", "--dim", "n=1099511627776"});   // 2^40
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->analyze.bindings.dims, (DimList{{"n", int64_t{1} << 40}}));
  std::string msg = UsageError({"m.onnx", "--dim", "n=1099511627777"});
  EXPECT_TRUE(absl::StrContains(msg, "n=1099511627777")) << msg;
}

TEST(ParseCliArgs, Value) {
  auto a = Parse({"m.onnx", "--value", "sr=16000", "--value=ids=1,2,3.5"});
  ASSERT_TRUE(a.ok()) << a.status();
  ASSERT_EQ(a->analyze.bindings.values.size(), 2u);
  EXPECT_EQ(a->analyze.bindings.values[0].first, "sr");
  EXPECT_EQ(a->analyze.bindings.values[0].second, (std::vector<double>{16000}));
  EXPECT_EQ(a->analyze.bindings.values[1].second, (std::vector<double>{1, 2, 3.5}));
  EXPECT_TRUE(absl::StrContains(UsageError({"m.onnx", "--value", "sr"}), "NAME=V[,V...]"));
  EXPECT_TRUE(absl::StrContains(UsageError({"m.onnx", "--value", "sr=1,x"}), "'x' is not a number"));
  EXPECT_TRUE(absl::StrContains(UsageError({"m.onnx", "--value", "sr=1", "--value", "sr=2"}),
                                "given twice"));
}

TEST(ParseCliArgs, Input) {
  auto a = Parse({"m.onnx", "--input", "x=1x3x224x224", "--input=mask=1x128"});
  ASSERT_TRUE(a.ok()) << a.status();
  ASSERT_EQ(a->analyze.bindings.inputs.size(), 2u);
  EXPECT_EQ(a->analyze.bindings.inputs[0].first, "x");
  EXPECT_EQ(a->analyze.bindings.inputs[0].second, (Dims{1, 3, 224, 224}));
  EXPECT_EQ(a->analyze.bindings.inputs[1].first, "mask");
  EXPECT_EQ(a->analyze.bindings.inputs[1].second, (Dims{1, 128}));
}

TEST(ParseCliArgs, InputNameMayContainColonsAndDots) {
  auto a = Parse({"m.onnx", "--input", "input_ids:0=2x16"});
  ASSERT_TRUE(a.ok()) << a.status();
  ASSERT_EQ(a->analyze.bindings.inputs.size(), 1u);
  EXPECT_EQ(a->analyze.bindings.inputs[0].first, "input_ids:0");
  EXPECT_EQ(a->analyze.bindings.inputs[0].second, (Dims{2, 16}));
}

TEST(ParseCliArgs, ExamplesForms) {
  struct Case {
    const char* text;
    double value;
  };
  for (const Case& c : {Case{"1.28M", 1.28e6}, Case{"1e6", 1e6}, Case{"1281167", 1281167}}) {
    auto a = Parse({"m.onnx", "--examples", c.text});
    ASSERT_TRUE(a.ok()) << c.text << ": " << a.status();
    ASSERT_TRUE(a->analyze.training.examples.has_value()) << c.text;
    EXPECT_DOUBLE_EQ(*a->analyze.training.examples, c.value) << c.text;
    EXPECT_FALSE(a->analyze.training.epochs.has_value()) << c.text;
  }
  auto b = Parse({"m.onnx", "--examples=1281167"});
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_EQ(*b->analyze.training.examples, 1281167.0);
}

TEST(ParseCliArgs, Epochs) {
  auto a = Parse({"m.onnx", "--examples", "60000", "--epochs", "90"});
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(*a->analyze.training.examples, 60000.0);
  ASSERT_TRUE(a->analyze.training.epochs.has_value());
  EXPECT_EQ(*a->analyze.training.epochs, 90.0);
  // Order does not matter: --epochs may come before --examples.
  auto b = Parse({"--epochs=0.5", "m.onnx", "--examples", "1e6"});
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_EQ(*b->analyze.training.epochs, 0.5);
}

TEST(ParseCliArgs, BackwardRatio) {
  auto a = Parse({"m.onnx", "--backward-ratio", "0"});
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->analyze.training.backward_ratio, 0.0);
  auto b = Parse({"m.onnx", "--backward-ratio=1.5"});
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_EQ(b->analyze.training.backward_ratio, 1.5);
  std::string msg = UsageError({"m.onnx", "--backward-ratio", "-1"});
  EXPECT_TRUE(absl::StrContains(msg, "--backward-ratio")) << msg;
}

TEST(ParseCliArgs, FormatsAndFlags) {
  for (const char* fmt : {"text", "json", "csv"}) {
    auto a = Parse({"m.onnx", "--format", fmt});
    ASSERT_TRUE(a.ok()) << fmt << ": " << a.status();
    EXPECT_EQ(a->format, fmt);
  }
  auto a = Parse({"m.onnx", "--format=json", "--per-node", "--strict", "--batch-dim", "x:0"});
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->format, "json");
  EXPECT_TRUE(a->per_node);
  EXPECT_TRUE(a->analyze.per_node);
  EXPECT_TRUE(a->analyze.bindings.strict);
  EXPECT_EQ(a->analyze.batch_dim, "x:0");
}

TEST(ParseCliArgs, HelpVersionListRulesNeedNoPath) {
  auto h = Parse({"--help"});
  ASSERT_TRUE(h.ok()) << h.status();
  EXPECT_TRUE(h->help);
  auto h2 = Parse({"-h"});
  ASSERT_TRUE(h2.ok()) << h2.status();
  EXPECT_TRUE(h2->help);
  auto v = Parse({"--version"});
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_TRUE(v->version);
  auto l = Parse({"--list-rules", "--format", "markdown"});
  ASSERT_TRUE(l.ok()) << l.status();
  EXPECT_TRUE(l->list_rules);
  EXPECT_EQ(l->format, "markdown");
}

TEST(ParseCliArgs, DoubleDashEndsFlags) {
  auto a = Parse({"--per-node", "--", "--odd-name.onnx"});
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->paths, std::vector<std::string>{"--odd-name.onnx"});
  EXPECT_TRUE(a->per_node);
  auto b = Parse({"-"});   // a lone dash is a path, not a flag
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_EQ(b->paths, std::vector<std::string>{"-"});
}

// ---- ParseCliArgs: usage errors --------------------------------------------

TEST(ParseCliArgsErrors, UnknownFlag) {
  std::string msg = UsageError({"m.onnx", "--frobnicate"});
  EXPECT_TRUE(absl::StrContains(msg, "unknown flag '--frobnicate'")) << msg;
  msg = UsageError({"m.onnx", "--frobnicate=3"});
  EXPECT_TRUE(absl::StrContains(msg, "'--frobnicate'")) << msg;
  msg = UsageError({"m.onnx", "-x"});
  EXPECT_TRUE(absl::StrContains(msg, "'-x'")) << msg;
}

TEST(ParseCliArgsErrors, DimWithoutEquals) {
  std::string msg = UsageError({"m.onnx", "--dim", "batch"});
  EXPECT_TRUE(absl::StrContains(msg, "--dim batch")) << msg;
  EXPECT_TRUE(absl::StrContains(msg, "NAME=VALUE")) << msg;
  msg = UsageError({"m.onnx", "--dim", "=4"});   // no name
  EXPECT_TRUE(absl::StrContains(msg, "NAME=VALUE")) << msg;
}

TEST(ParseCliArgsErrors, DimZeroNegativeOrNotANumber) {
  for (const char* bad : {"a=0", "a=-1", "a=", "a=3.5", "a=two", "a=3x4"}) {
    std::string msg = UsageError({"m.onnx", "--dim", bad});
    EXPECT_TRUE(absl::StrContains(msg, std::string("--dim ") + bad)) << msg;
    EXPECT_TRUE(absl::StrContains(msg, "integer from 1 to 2^40")) << msg;
  }
}

TEST(ParseCliArgsErrors, InputWithZeroOrBadDims) {
  std::string msg = UsageError({"m.onnx", "--input", "x=1x0"});
  EXPECT_TRUE(absl::StrContains(msg, "'1x0'")) << msg;
  msg = UsageError({"m.onnx", "--input", "x=1x-2"});
  EXPECT_TRUE(absl::StrContains(msg, "'1x-2'")) << msg;
  msg = UsageError({"m.onnx", "--input", "x"});
  EXPECT_TRUE(absl::StrContains(msg, "NAME=DIMS")) << msg;
  msg = UsageError({"m.onnx", "--input", "x="});
  EXPECT_TRUE(absl::StrContains(msg, "1x3x224x224")) << msg;
}

TEST(ParseCliArgsErrors, UnknownFormat) {
  std::string msg = UsageError({"m.onnx", "--format", "nope"});
  EXPECT_TRUE(absl::StrContains(msg, "unknown --format 'nope'")) << msg;
}

TEST(ParseCliArgsErrors, NoPath) {
  std::string msg = UsageError({});
  EXPECT_TRUE(absl::StrContains(msg, "no model file")) << msg;
  msg = UsageError({"--per-node", "--dim", "a=1"});
  EXPECT_TRUE(absl::StrContains(msg, "no model file")) << msg;
}

TEST(ParseCliArgs, SeveralPathsAreABatch) {
  auto args = ParseCliArgs({"onnx-flops", "a.onnx", "zoo/", "--jobs", "3", "--shard", "1/4"});
  ASSERT_TRUE(args.ok()) << args.status();
  EXPECT_EQ(args->paths, (std::vector<std::string>{"a.onnx", "zoo/"}));
  EXPECT_EQ(args->jobs, 3);
  EXPECT_EQ(args->shard, "1/4");
}

TEST(ParseCliArgs, Gates) {
  auto args = ParseCliArgs({"onnx-flops", "m.onnx", "--max-flops", "4.1G", "--max-params=25M",
                            "--examples", "1e6", "--max-training-flops", "1e26",
                            "--fail-on-uncounted"});
  ASSERT_TRUE(args.ok()) << args.status();
  EXPECT_EQ(*args->gates.max_flops, 4.1e9);
  EXPECT_EQ(*args->gates.max_params, 25e6);
  EXPECT_EQ(*args->gates.max_training_flops, 1e26);
  EXPECT_TRUE(args->gates.fail_on_uncounted);
}

TEST(ParseCliArgs, BaselineTolerance) {
  auto args = ParseCliArgs({"onnx-flops", "m.onnx", "--baseline", "old.json", "--max-increase",
                            "5%"});
  ASSERT_TRUE(args.ok()) << args.status();
  EXPECT_EQ(args->baseline, "old.json");
  EXPECT_DOUBLE_EQ(args->max_increase, 0.05);
  args = ParseCliArgs({"onnx-flops", "m.onnx", "--baseline", "old.json"});
  ASSERT_TRUE(args.ok()) << args.status();
  EXPECT_EQ(args->max_increase, 0);  // any growth fails
}

TEST(ParseCliArgsErrors, ChecksAndBatch) {
  EXPECT_TRUE(absl::StrContains(UsageError({"m.onnx", "--max-increase", "5%"}), "needs --baseline"));
  for (const char* bad : {"5", "0.05", "-1%", "%", "x%"}) {
    const std::string msg = UsageError({"m.onnx", "--baseline", "b.json", "--max-increase", bad});
    EXPECT_TRUE(absl::StrContains(msg, "a percentage like 5%")) << bad << ": " << msg;
  }
  EXPECT_TRUE(absl::StrContains(UsageError({"m.onnx", "--max-training-flops", "1e26"}),
                       "--max-training-flops needs --examples"));
  EXPECT_TRUE(absl::StrContains(UsageError({"m.onnx", "--max-flops", "lots"}), "'lots' is not a number"));
  EXPECT_TRUE(absl::StrContains(UsageError({"m.onnx", "--max-params", "-3"}), "must not be negative"));
  for (const char* bad : {"0", "-2", "1025", "two"}) {
    EXPECT_TRUE(absl::StrContains(UsageError({"m.onnx", "--jobs", bad}), "--jobs")) << bad;
  }
  for (const char* bad : {"3/3", "1", "a/b", "0/0", "-1/3", "1/"}) {
    EXPECT_TRUE(absl::StrContains(UsageError({"m.onnx", "--shard", bad}), "expected I/N")) << bad;
  }
  EXPECT_TRUE(absl::StrContains(UsageError({"m.onnx", "--fail-on-uncounted=yes"}), "takes no value"));
}

TEST(ParseCliArgsErrors, EpochsWithoutExamples) {
  std::string msg = UsageError({"m.onnx", "--epochs", "10"});
  EXPECT_TRUE(absl::StrContains(msg, "--epochs needs --examples")) << msg;
}

TEST(ParseCliArgsErrors, ZeroOrNegativeCounts) {
  for (const char* flag : {"--examples", "--epochs"}) {
    for (const char* bad : {"0", "-5", "0M"}) {
      std::string msg = UsageError({"m.onnx", "--examples", "1", flag, bad});
      EXPECT_TRUE(absl::StrContains(msg, std::string(flag) + " must be positive")) << msg;
    }
  }
  std::string msg = UsageError({"m.onnx", "--examples", "lots"});
  EXPECT_TRUE(absl::StrContains(msg, "'lots' is not a number")) << msg;
}

TEST(ParseCliArgsErrors, BooleanFlagsTakeNoValue) {
  for (const char* flag : {"--per-node", "--strict", "--list-rules"}) {
    std::string msg = UsageError({"m.onnx", std::string(flag) + "=1"});
    EXPECT_TRUE(absl::StrContains(msg, std::string(flag) + " takes no value")) << msg;
  }
}

TEST(ParseCliArgsErrors, MissingValueAtEnd) {
  for (const char* flag :
       {"--dim", "--input", "--examples", "--epochs", "--backward-ratio", "--format", "--batch-dim"}) {
    std::string msg = UsageError({"m.onnx", flag});
    EXPECT_TRUE(absl::StrContains(msg, std::string(flag) + " needs a value")) << msg;
  }
}

TEST(ParseCliArgsErrors, UsageTextMentionsEveryFlag) {
  // Every flag the parser takes (each `name == "--x"` in its source), so that
  // a flag added there without a line in --help fails here.
  std::ifstream source(std::string(ONNX_FLOPS_TESTDATA) + "/../tools/cli_args.cc");
  ASSERT_TRUE(source.good());
  const std::string text((std::istreambuf_iterator<char>(source)), std::istreambuf_iterator<char>());
  const std::regex flag_re("name == \"(-[-a-z0-9]+)\"");
  std::set<std::string> flags;
  for (std::sregex_iterator it(text.begin(), text.end(), flag_re), end; it != end; ++it) {
    flags.insert((*it)[1]);
  }
  EXPECT_GE(flags.size(), 45u);  // the regex still finds the parser's flags
  const std::string usage = kUsage;
  for (const std::string& flag : flags) {
    EXPECT_TRUE(absl::StrContains(usage, flag + " ") || absl::StrContains(usage, flag + ",") ||
                absl::StrContains(usage, flag + "\n"))
        << flag << " is parsed but not in the usage text";
  }
}

}  // namespace
}  // namespace onnx_flops

namespace onnx_flops {
namespace {

absl::StatusOr<CliArgs> ParseWith(std::vector<std::string> args) {
  args.insert(args.begin(), "onnx-flops");
  return ParseCliArgs(args);
}

TEST(ParseCliArgsTraining, HardwareAndBackwardFlags) {
  auto a = ParseWith({"m.onnx", "--examples", "1.28M", "--backward", "per-op", "--frozen", "fc1.*",
                      "--optimizer", "adam", "--batch-size", "256", "--hardware", "V100",
                      "--chips", "8", "--days", "2.5", "--precision", "fp16",
                      "--utilization", "0.3", "--price-per-chip-hour", "2.5"});
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->analyze.training.backward_model, "per-op");
  EXPECT_EQ(a->analyze.training.frozen, std::vector<std::string>{"fc1.*"});
  EXPECT_EQ(*a->analyze.training.batch_size, 256.0);
  EXPECT_EQ(a->analyze.hardware.hardware, "V100");
  EXPECT_EQ(*a->analyze.hardware.chips, 8.0);
  EXPECT_EQ(*a->analyze.hardware.seconds, 2.5 * 86400);
  EXPECT_EQ(*a->analyze.hardware.utilization, 0.3);
  auto h = ParseWith({"m.onnx", "--hours", "12", "--chip-hours", "96", "--peak-flops", "1.2e14"});
  ASSERT_TRUE(h.ok()) << h.status();
  EXPECT_EQ(*h->analyze.hardware.seconds, 12 * 3600.0);
  EXPECT_EQ(*h->analyze.hardware.chip_hours, 96.0);
  EXPECT_EQ(*h->analyze.hardware.peak_flops, 1.2e14);
  EXPECT_TRUE(ParseWith({"--list-hardware"}).ok());
}

TEST(ParseCliArgsTraining, Errors) {
  EXPECT_FALSE(ParseWith({"m.onnx", "--steps", "100"}).ok());          // needs --batch-size
  EXPECT_FALSE(ParseWith({"m.onnx", "--backward", "magic"}).ok());
  EXPECT_FALSE(ParseWith({"m.onnx", "--optimizer", "lion"}).ok());
  EXPECT_FALSE(ParseWith({"m.onnx", "--precision", "fp64"}).ok());
  EXPECT_FALSE(ParseWith({"m.onnx", "--utilization", "30"}).ok());     // a fraction, not percent
  EXPECT_FALSE(ParseWith({"m.onnx", "--chips", "0"}).ok());
  EXPECT_FALSE(ParseWith({"m.onnx", "--examples", "5", "--tokens", "9"}).ok());
}

}  // namespace
}  // namespace onnx_flops

namespace onnx_flops {
namespace {

TEST(ParseCliArgsLimits, TimeoutMemoryAndOnnxInference) {
  auto d = ParseCliArgs({"onnx-flops", "m.onnx"});
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->timeout_seconds, 60);
  EXPECT_EQ(d->max_memory_bytes, 0);
  EXPECT_TRUE(d->onnx_inference);
  auto a = ParseCliArgs({"onnx-flops", "m.onnx", "--timeout", "2.5", "--max-memory", "1.5G",
                         "--onnx-inference", "off"});
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->timeout_seconds, 2.5);
  EXPECT_EQ(a->max_memory_bytes, int64_t{3} << 29);  // 1.5 x 2^30
  EXPECT_FALSE(a->onnx_inference);
  EXPECT_EQ(ParseCliArgs({"onnx-flops", "m", "--timeout", "0"})->timeout_seconds, 0);
}

TEST(ParseCliArgsLimits, MemorySizesAreBinary) {
  EXPECT_EQ(*ParseBytes("512M"), int64_t{512} << 20);
  EXPECT_EQ(*ParseBytes("8GiB"), int64_t{8} << 30);
  EXPECT_EQ(*ParseBytes("4096K"), int64_t{4} << 20);
  EXPECT_EQ(*ParseBytes("2T"), int64_t{2} << 40);
  EXPECT_EQ(*ParseBytes("1000000"), 1000000);
  EXPECT_EQ(*ParseBytes("64MB"), int64_t{64} << 20);
  for (const char* bad : {"", "G", "-1G", "lots", "1Q", "2000T", " 8G"}) {
    EXPECT_FALSE(ParseBytes(bad).ok()) << bad;
  }
}

TEST(ParseCliArgsLimits, BadValuesAreUsageErrors) {
  for (const std::vector<std::string>& argv :
       std::vector<std::vector<std::string>>{{"onnx-flops", "m", "--timeout", "-1"},
                                             {"onnx-flops", "m", "--timeout", "soon"},
                                             {"onnx-flops", "m", "--max-memory", "1M"},
                                             {"onnx-flops", "m", "--onnx-inference", "inline"}}) {
    auto a = ParseCliArgs(argv);
    ASSERT_FALSE(a.ok()) << argv[2] << " " << argv[3];
    EXPECT_TRUE(absl::StrContains(std::string(a.status().message()), argv[2])) << a.status();
  }
}

}  // namespace
}  // namespace onnx_flops
