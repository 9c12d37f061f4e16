#include "tools/formats.h"

#include <string>

#include "absl/strings/match.h"
#include "analyzer/analyze.h"
#include "audit/batch_rows.h"
#include "gtest/gtest.h"

namespace onnx_flops {
namespace {

TEST(Formats, TheTableNamesEachFormatOnceWithWhatItNeeds) {
  EXPECT_EQ(FormatNames(), "text, json, jsonl, csv, markdown, html or statement");
  EXPECT_EQ(FindFormat("yaml"), nullptr);
  EXPECT_EQ(FindFormat("jsonl")->render, nullptr);  // rows only: makes a run a batch
  EXPECT_TRUE(FindFormat("html")->needs_per_node);
  EXPECT_TRUE(FindFormat("statement")->needs_sha256);
  EXPECT_EQ(FindFormat("json")->batch_rows, nullptr);
  EXPECT_EQ(FindFormat("csv")->batch_rows, &kCsvRows);
}

TEST(Formats, EveryRendererAndEveryBatchFormatWorksOnARealReport) {
  absl::StatusOr<Report> report =
      AnalyzeFile(std::string(ONNX_FLOPS_TESTDATA) + "/tiny_mlp.onnx", AnalyzeOptions());
  ASSERT_TRUE(report.ok()) << report.status();
  for (const Format& f : Formats()) {
    if (f.render != nullptr) {
      absl::StatusOr<std::string> out = f.render(*report, OutputOptions());
      ASSERT_TRUE(out.ok()) << f.name << ": " << out.status();
      // tiny_mlp's forward FLOPs, 407,100, in each format's own spelling; CSV
      // has a row per op type: the two Gemms, 2x784x256 + 256 and
      // 2x256x10 + 10, are 406,794.
      EXPECT_TRUE(absl::StrContains(*out, "407100") || absl::StrContains(*out, "407,100") ||
                  absl::StrContains(*out, "407 K") || absl::StrContains(*out, "4.07") ||
                  (std::string(f.name) == "csv" && absl::StrContains(*out, ",406794,")))
          << f.name << ":\n" << *out;
    }
    if (f.batch_rows != nullptr) {
      EXPECT_STREQ(f.batch_rows->name, f.name);
      absl::StatusOr<std::string> row = f.batch_rows->row(*report);
      ASSERT_TRUE(row.ok()) << f.name << ": " << row.status();
      EXPECT_TRUE(absl::StrContains(*row, "tiny_mlp.onnx")) << f.name << ": " << *row;
    }
  }
}

}  // namespace
}  // namespace onnx_flops
