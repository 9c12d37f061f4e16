#include "analyzer/training/hardware.h"

#include <set>
#include <string>

#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace onnx_flops {
namespace {

const std::vector<Hardware>& Table() {
  auto t = HardwareTable();
  EXPECT_TRUE(t.ok()) << t.status();
  static const std::vector<Hardware> kEmpty;
  return t.ok() ? **t : kEmpty;
}

const Hardware& Chip(absl::string_view name) {
  auto h = FindHardware(name);
  EXPECT_TRUE(h.ok()) << h.status();
  static const Hardware kNone;
  return h.ok() ? **h : kNone;
}

double Peak(absl::string_view chip, Precision p) {
  auto v = PeakFlops(Chip(chip), p);
  EXPECT_TRUE(v.ok()) << v.status();
  return v.ok() ? *v : -1;
}

TEST(HardwareTable, EmbeddedCsvParsesAndHoldsTheRequiredChips) {
  ASSERT_TRUE(HardwareTable().ok()) << HardwareTable().status();
  std::set<std::string> names;
  for (const Hardware& h : Table()) names.insert(h.name);
  for (const char* required :
       {"K80", "P100 SXM2", "P100 PCIe", "V100 SXM2", "V100 PCIe", "T4", "A100 SXM 40GB",
        "A100 SXM 80GB", "A100 PCIe 40GB", "A10", "A10G", "L4", "L40S", "H100 SXM", "H100 PCIe",
        "H200", "B200", "MI250X", "MI300X", "TPU v2", "TPU v3", "TPU v4", "TPU v5e", "TPU v5p"}) {
    EXPECT_TRUE(names.count(required)) << required;
  }
}

TEST(HardwareTable, EveryRowHasSourceDateAndPlausibleFigures) {
  for (const Hardware& h : Table()) {
    SCOPED_TRACE(h.name);
    EXPECT_FALSE(h.source.empty());
    EXPECT_EQ(h.released.size(), 10u);
    ASSERT_TRUE(h.memory_gb.has_value());
    // Every chip has a peak memory bandwidth, in bytes/s: between the K80 GK210's
    // 240 GB/s and the B200's 8 TB/s.
    ASSERT_TRUE(h.memory_bandwidth.has_value());
    EXPECT_GE(*h.memory_bandwidth, 100e9);
    EXPECT_LE(*h.memory_bandwidth, 10e12);
    for (Precision p : h.Precisions()) {
      const double v = *PeakFlops(h, p);
      EXPECT_GE(v, 1e12) << PrecisionName(p);   // every chip here does > 1 TFLOP/s
      EXPECT_LE(v, 1e16) << PrecisionName(p);   // and < 10 PFLOP/s dense
    }
    // Narrower formats are never slower than wider ones on the same chip.
    if (h.Has(Precision::kFp32) && h.Has(Precision::kFp16)) {
      EXPECT_GE(*PeakFlops(h, Precision::kFp16), *PeakFlops(h, Precision::kFp32));
    }
    if (h.Has(Precision::kBf16) && h.Has(Precision::kFp8)) {
      EXPECT_GE(*PeakFlops(h, Precision::kFp8), *PeakFlops(h, Precision::kBf16));
    }
  }
}

TEST(HardwareTable, DatasheetFiguresAreDensePerChip) {
  // V100: 125 TFLOP/s fp16 on tensor cores (not the 31 TFLOP/s vector rate).
  EXPECT_EQ(Peak("V100 SXM2", Precision::kFp16), 125e12);
  EXPECT_EQ(Peak("V100 PCIe", Precision::kFp16), 112e12);
  // A100: 312 dense, not the datasheet's 624* with sparsity.
  EXPECT_EQ(Peak("A100 SXM 80GB", Precision::kBf16), 312e12);
  EXPECT_EQ(Peak("A100 SXM 40GB", Precision::kTf32), 156e12);
  // H100 SXM: 1979* / 2 and 3958* / 2.
  EXPECT_EQ(Peak("H100 SXM", Precision::kBf16), 989.5e12);
  EXPECT_EQ(Peak("H100 SXM", Precision::kFp8), 1979e12);
  EXPECT_EQ(Peak("H100 PCIe", Precision::kFp16), 756.5e12);
  EXPECT_EQ(Peak("L4", Precision::kFp16), 121e12);
  // TPUs per chip, not per 4-chip board (180 and 420 TFLOP/s).
  EXPECT_EQ(Peak("TPU v2", Precision::kBf16), 45e12);
  EXPECT_EQ(Peak("TPU v3", Precision::kBf16), 123e12);
  EXPECT_EQ(Peak("TPU v4", Precision::kBf16), 275e12);
  EXPECT_EQ(Peak("TPU v5e", Precision::kBf16), 197e12);
  EXPECT_EQ(Peak("TPU v5p", Precision::kBf16), 459e12);
  EXPECT_EQ(Peak("MI300X", Precision::kBf16), 1307.4e12);
  EXPECT_EQ(Chip("H100 SXM").tdp_w.value_or(0), 700);
  EXPECT_EQ(Chip("H200").memory_gb.value_or(0), 141);
  EXPECT_FALSE(Chip("TPU v5e").tdp_w.has_value());  // unpublished: unset, not 0
}

// Peak memory bandwidth in bytes/s as each datasheet writes it (GB/s = 10^9 bytes/s).
double Bandwidth(absl::string_view chip) { return Chip(chip).memory_bandwidth.value_or(-1); }

TEST(HardwareTable, DatasheetMemoryBandwidthPerChip) {
  EXPECT_EQ(Bandwidth("V100 SXM2"), 900e9);      // "900 GB/s" HBM2
  EXPECT_EQ(Bandwidth("A100 SXM 40GB"), 1555e9);  // "1,555GB/s" HBM2
  EXPECT_EQ(Bandwidth("A100 SXM 80GB"), 2039e9);  // "2,039GB/s" HBM2e: not the 40 GB's
  EXPECT_EQ(Bandwidth("A100 PCIe 80GB"), 1935e9);
  EXPECT_EQ(Bandwidth("H100 SXM"), 3350e9);   // "3.35TB/s"
  EXPECT_EQ(Bandwidth("H100 PCIe"), 2000e9);  // "2TB/s"
  EXPECT_EQ(Bandwidth("H200"), 4800e9);
  EXPECT_EQ(Bandwidth("TPU v4"), 1200e9);  // "32 GiB, 1200 GBps"
  EXPECT_EQ(Bandwidth("TPU v5e"), 819e9);
  EXPECT_EQ(Bandwidth("MI300X"), 5300e9);  // "5.3 TB/s"
  EXPECT_EQ(Bandwidth("MI250X"), 3200e9);
  // The K80 board's 480 GB/s is two GK210s' 240 GB/s each.
  EXPECT_EQ(Bandwidth("K80"), 480e9);
  EXPECT_EQ(Bandwidth("K80 GK210"), 240e9);
}

TEST(FindHardware, ByNameAndAliasIgnoringCaseAndPunctuation) {
  EXPECT_EQ(Chip("h100").name, "H100 SXM");
  EXPECT_EQ(Chip("H100-SXM5-80GB").name, "H100 SXM");
  EXPECT_EQ(Chip("h100_sxm").name, "H100 SXM");
  EXPECT_EQ(Chip("H100 SXM").name, "H100 SXM");
  EXPECT_EQ(Chip("h100-pcie").name, "H100 PCIe");
  EXPECT_EQ(Chip("v100").name, "V100 SXM2");
  EXPECT_EQ(Chip("A100-SXM4-80GB").name, "A100 SXM 80GB");
  EXPECT_EQ(Chip("a100").name, "A100 SXM 40GB");
  EXPECT_EQ(Chip("a10g").name, "A10G");
  EXPECT_EQ(Chip("A10").name, "A10");
  EXPECT_EQ(Chip("tpu-v4").name, "TPU v4");
  EXPECT_EQ(Chip("TPUv5p").name, "TPU v5p");
  EXPECT_EQ(Chip("mi300x").name, "MI300X");
  // A leading vendor name, as nvidia-smi and papers write them.
  EXPECT_EQ(Chip("NVIDIA H100 80GB HBM3").name, "H100 SXM");
  EXPECT_EQ(Chip("NVIDIA A100-SXM4-40GB").name, "A100 SXM 40GB");
  EXPECT_EQ(Chip("Tesla V100-SXM2-16GB").name, "V100 SXM2");
  EXPECT_EQ(Chip("Google TPU v3").name, "TPU v3");
  EXPECT_EQ(Chip("AMD Instinct MI250X").name, "MI250X");
}

TEST(FindHardware, UnknownNameListsTheThreeClosest) {
  auto h = FindHardware("H1000");
  ASSERT_FALSE(h.ok());
  EXPECT_EQ(h.status().code(), absl::StatusCode::kInvalidArgument);
  const std::string msg(h.status().message());
  EXPECT_TRUE(absl::StrContains(msg, "unknown hardware 'H1000'")) << msg;
  EXPECT_TRUE(absl::StrContains(msg, "closest: 'H100 SXM', 'H200', ")) << msg;
  EXPECT_TRUE(absl::StrContains(msg, "--list-hardware")) << msg;

  const auto closest = ClosestHardwareNames(Table(), "tpu v6", 3);
  ASSERT_EQ(closest.size(), 3u);
  // "tpuv6" is one edit from tpuv2..v5 keys and v6e; all closest are TPUs.
  for (const std::string& c : closest) EXPECT_TRUE(absl::StartsWith(c, "TPU")) << c;

  const auto mi = ClosestHardwareNames(Table(), "MI300", 3);
  ASSERT_FALSE(mi.empty());
  EXPECT_EQ(mi, (std::vector<std::string>{"MI300X", "MI250X", "P100 SXM2"}));
  EXPECT_FALSE(FindHardware("").ok());
  EXPECT_FALSE(FindHardware("---").ok());
}

TEST(PeakFlops, MissingPrecisionSaysWhichTheChipHas) {
  auto v = PeakFlops(Chip("V100 SXM2"), Precision::kBf16);
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(v.status().message(), "V100 SXM2 has no bf16")) << v.status();
  EXPECT_TRUE(absl::StrContains(v.status().message(), "it has fp32, fp16")) << v.status();

  auto tpu = PeakFlops(Chip("TPU v4"), "fp16");
  ASSERT_FALSE(tpu.ok());
  EXPECT_TRUE(absl::StrContains(tpu.status().message(), "it has bf16, int8")) << tpu.status();

  auto by_name = PeakFlops(Chip("h100"), "BF16");
  ASSERT_TRUE(by_name.ok());
  EXPECT_EQ(*by_name, 989.5e12);
  auto bad = PeakFlops(Chip("h100"), "fp64");
  ASSERT_FALSE(bad.ok());
  EXPECT_TRUE(absl::StrContains(bad.status().message(), "fp32|tf32|fp16|bf16|fp8|int8"));
}

TEST(ParseHardwareCsv, QuotingCommentsAndErrors) {
  const char* csv =
      "# comment\n"
      "name,aliases,vendor,released,memory_gb,tdp_w,fp32,tf32,fp16,bf16,fp8,int8,source,notes\r\n"
      "\n"
      "Chip A,ca; chip-a ,Acme,2020-01-02,16,,1e12,,2e12,,,,\"doc, v1\",\"says \"\"hi\"\"\"\n"
      "Chip B,,Acme,2021-03-04,8,100,3e12,,,,,,doc2,\n";
  auto t = ParseHardwareCsv(csv);
  ASSERT_TRUE(t.ok()) << t.status();
  ASSERT_EQ(t->size(), 2u);
  const Hardware& a = (*t)[0];
  EXPECT_EQ(a.name, "Chip A");
  EXPECT_EQ(a.aliases, (std::vector<std::string>{"ca", "chip-a"}));
  EXPECT_EQ(a.source, "doc, v1");
  EXPECT_EQ(a.notes, "says \"hi\"");
  EXPECT_FALSE(a.tdp_w.has_value());
  EXPECT_EQ(a.peak[static_cast<int>(Precision::kFp16)], 2e12);
  EXPECT_EQ((*t)[1].tdp_w.value_or(0), 100);
  auto found = FindHardwareIn(*t, "CHIP_A");
  ASSERT_TRUE(found.ok());
  EXPECT_EQ((*found)->name, "Chip A");
  EXPECT_EQ((*FindHardwareIn(*t, "Acme Chip B"))->name, "Chip B");

  const std::string header =
      "name,aliases,vendor,released,memory_gb,tdp_w,fp32,tf32,fp16,bf16,fp8,int8,source,notes\n";
  // A bad number names the line and column.
  auto bad = ParseHardwareCsv(header + "X,,V,2020-01-01,1,1,fast,,,,,,s,\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_TRUE(absl::StrContains(bad.status().message(), "line 2: column fp32")) << bad.status();
  // Two chips answering to the same key.
  EXPECT_FALSE(ParseHardwareCsv(header + "X,y,V,2020-01-01,1,1,1e12,,,,,,s,\n"
                                         "Y,,V,2020-01-01,1,1,1e12,,,,,,s,\n")
                   .ok());
  // No peak, no source, a bad date, a short row, a missing column.
  EXPECT_FALSE(ParseHardwareCsv(header + "X,,V,2020-01-01,1,1,,,,,,,s,\n").ok());
  EXPECT_FALSE(ParseHardwareCsv(header + "X,,V,2020-01-01,1,1,1e12,,,,,,,\n").ok());
  EXPECT_FALSE(ParseHardwareCsv(header + "X,,V,2020,1,1,1e12,,,,,,s,\n").ok());
  EXPECT_FALSE(ParseHardwareCsv(header + "X,,V,2020-01-01,1,1,1e12\n").ok());
  EXPECT_FALSE(ParseHardwareCsv("name,vendor\nX,V\n").ok());
  EXPECT_FALSE(ParseHardwareCsv(header + "X,,V,2020-01-01,1,1,-5,,,,,,s,\n").ok());
  EXPECT_FALSE(ParseHardwareCsv(header + "\"X,,V\n").ok());  // unterminated quote
  // A table without the memory_bandwidth_gbs column (as above) leaves it unset.
  EXPECT_FALSE(a.memory_bandwidth.has_value());
  EXPECT_FALSE((*t)[1].memory_bandwidth.has_value());
}

TEST(ParseHardwareCsv, MemoryBandwidthColumnInGBPerSecond) {
  // Any column order; GB/s in the file, bytes/s in the struct; empty = unset.
  const std::string header =
      "name,aliases,vendor,released,memory_bandwidth_gbs,memory_gb,tdp_w,fp32,tf32,fp16,bf16,"
      "fp8,int8,source,notes\n";
  auto t = ParseHardwareCsv(header +
                            "X,,V,2020-01-01,900,16,300,1e12,,,,,,s,\n"
                            "Y,,V,2020-01-01,864.5,48,,1e12,,,,,,s,\n"
                            "Z,,V,2020-01-01,,8,,1e12,,,,,,s,\n");
  ASSERT_TRUE(t.ok()) << t.status();
  ASSERT_EQ(t->size(), 3u);
  EXPECT_EQ((*t)[0].memory_bandwidth.value_or(0), 900e9);
  EXPECT_EQ((*t)[0].memory_gb.value_or(0), 16);
  EXPECT_EQ((*t)[1].memory_bandwidth.value_or(0), 864.5e9);
  EXPECT_FALSE((*t)[2].memory_bandwidth.has_value());

  // A bad value is an InvalidArgument naming the line and the column.
  for (const char* bad : {"fast", "-900", "0", "inf", "900GB/s"}) {
    auto r = ParseHardwareCsv(header + "X,,V,2020-01-01,1,1,1,1e12,,,,,,s,\n" + "Y,,V,2020-01-01," +
                              bad + ",1,1,1e12,,,,,,s,\n");
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_TRUE(absl::StrContains(r.status().message(), "line 3: column memory_bandwidth_gbs"))
        << r.status();
  }
}

TEST(RenderHardwareTable, TextAndMarkdownShowEveryFigureAndSource) {
  for (const char* format : {"text", "markdown"}) {
    auto out = RenderHardwareTable(Table(), format);
    ASSERT_TRUE(out.ok()) << out.status();
    for (const Hardware& h : Table()) {
      if (std::string(format) == "text") {
        EXPECT_TRUE(absl::StrContains(*out, h.source)) << format << " " << h.name;
      }
      EXPECT_TRUE(absl::StrContains(*out, h.name)) << format << " " << h.name;
    }
    EXPECT_TRUE(absl::StrContains(*out, "989.5")) << format;    // H100 bf16 dense
    EXPECT_TRUE(absl::StrContains(*out, "1307.4")) << format;   // MI300X
    EXPECT_TRUE(absl::StrContains(*out, "4.365")) << format;    // one K80 GK210
    EXPECT_TRUE(absl::StrContains(*out, "362.05")) << format;   // L40S, no rounding
    EXPECT_TRUE(absl::StrContains(*out, "2039")) << format;     // A100 80GB memory bandwidth
    EXPECT_TRUE(absl::StrContains(*out, "1638")) << format;     // TPU v6e, no rounding
  }
  auto text = RenderHardwareTable(Table(), "text");
  ASSERT_TRUE(text.ok());
  EXPECT_TRUE(absl::StrContains(*text, "mem BW")) << *text;
  EXPECT_TRUE(absl::StrContains(*text, "3350 GB/s")) << *text;  // H100 SXM
  auto md = RenderHardwareTable(Table(), "markdown");
  ASSERT_TRUE(md.ok());
  EXPECT_TRUE(absl::StrContains(*md, "| Chip | Aliases |"));
  EXPECT_TRUE(absl::StrContains(*md, "| Memory (GB) | Memory BW (GB/s) | TDP (W) |")) << *md;
  // The L40S note's "183 | 366*" must not split the markdown table or italicize.
  EXPECT_TRUE(absl::StrContains(*md, "183 \\| 366\\*")) << *md;
  EXPECT_FALSE(RenderHardwareTable(Table(), "json").ok());
}

TEST(EditDistance, Levenshtein) {
  EXPECT_EQ(EditDistance("", ""), 0);
  EXPECT_EQ(EditDistance("abc", ""), 3);
  EXPECT_EQ(EditDistance("kitten", "sitting"), 3);
  EXPECT_EQ(EditDistance("h100", "h200"), 1);
}

TEST(Precision, NamesRoundTrip) {
  for (Precision p : AllPrecisions()) {
    auto back = ParsePrecision(PrecisionName(p));
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, p);
  }
  EXPECT_EQ(*ParsePrecision(" TF32 "), Precision::kTf32);
  EXPECT_FALSE(ParsePrecision("fp64").ok());
}

}  // namespace
}  // namespace onnx_flops
