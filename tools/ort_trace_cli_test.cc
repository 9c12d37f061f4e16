// Replays testdata/ort_traces/traces.json: for every model there, the
// matmul-class FLOPs of the nodes onnxruntime actually ran (computed by
// tools/validate_ort_trace.js from the shapes its profile recorded, our
// conventions) must equal the binary's forward.matmul_flops with the same
// flags, in total and per op type. Needs neither node nor onnxruntime: the
// runtime figures are in the file. Models of the onnxruntime corpus
// (../shared/data/ort-testdata) are skipped when the corpus is absent.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "tools/run_binary_testing.h"

namespace onnx_flops {
namespace {

namespace fs = std::filesystem;

const std::string kTestdata = ONNX_FLOPS_TESTDATA;

google::protobuf::Struct ReadJson(const std::string& path) {
  google::protobuf::Struct s;
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  const auto status = google::protobuf::util::JsonStringToMessage(text.str(), &s);
  EXPECT_TRUE(status.ok()) << path << ": " << status.ToString();
  return s;
}

// A JSON number, or an int64 written as a string (the report's proto3 JSON).
double Number(const google::protobuf::Value& v) {
  if (v.kind_case() == google::protobuf::Value::kStringValue) return std::stod(v.string_value());
  return v.number_value();
}

TEST(OrtTraces, MatmulFlopsEqualWhatOnnxruntimeRan) {
  const google::protobuf::Struct traces = ReadJson(kTestdata + "/ort_traces/traces.json");
  const auto& models = traces.fields().at("models").list_value().values();
  ASSERT_GT(models.size(), 40);
  int checked_in_repo = 0;
  int skipped = 0;
  for (const auto& entry : models) {
    const auto& m = entry.struct_value().fields();
    const std::string model = m.at("model").string_value();
    // Paths are relative to the repository (the corpus is beside it: ../shared/...).
    const fs::path file = fs::path(kTestdata).parent_path() / model;
    if (!fs::exists(file)) {
      ASSERT_EQ(model.rfind("../", 0), 0u) << model << " is missing from the repository";
      ++skipped;
      continue;
    }
    std::vector<std::string> args = {file.string(), "--format", "json"};
    for (const auto& flag : m.at("flags").list_value().values()) {
      args.push_back(flag.string_value());
    }
    SCOPED_TRACE(absl::StrCat(model, " ", args.size() > 3 ? args[3] : "", " ..."));
    const RunResult r = RunBinary(args);
    ASSERT_EQ(r.exit_code, 0) << Describe(args, r);
    google::protobuf::Struct report;
    google::protobuf::util::JsonParseOptions options;
    options.ignore_unknown_fields = true;
    ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(r.out, &report, options).ok());
    const auto& forward = report.fields().at("forward").struct_value().fields();
    EXPECT_EQ(Number(forward.at("matmul_flops")), Number(m.at("runtime_matmul_flops")))
        << Describe(args, r).substr(0, 400);

    // Per op type (domain-qualified outside ai.onnx), zero rows left out on both sides.
    std::map<std::string, double> ours;
    for (const auto& row : forward.at("by_op_type").list_value().values()) {
      const auto& f = row.struct_value().fields();
      const double mm = Number(f.at("matmul_flops"));
      if (mm == 0) continue;
      const std::string domain = f.count("domain") ? f.at("domain").string_value() : "";
      const std::string op = f.at("op_type").string_value();
      ours[domain.empty() || domain == "ai.onnx" ? op : absl::StrCat(domain, ":", op)] += mm;
    }
    std::map<std::string, double> runtime;
    for (const auto& [op, v] : m.at("runtime_matmul_flops_by_op_type").struct_value().fields()) {
      runtime[op] = Number(v);
    }
    EXPECT_EQ(ours, runtime);
    if (model.rfind("../", 0) != 0) ++checked_in_repo;
  }
  EXPECT_GT(checked_in_repo, 30);
  if (skipped > 0) std::cout << skipped << " corpus models skipped (corpus absent)\n";
}

}  // namespace
}  // namespace onnx_flops
