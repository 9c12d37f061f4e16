// The curated accelerator table behind method 2 (GPU time): peak dense
// throughput per chip for each number format, with memory, TDP, release date
// and the document every figure comes from. The data lives in
// analyzer/training/hardware.csv, which CMake compiles into the library, so the binary
// reads no data file at run time.
#ifndef ONNX_FLOPS_ANALYZER_TRAINING_HARDWARE_H_
#define ONNX_FLOPS_ANALYZER_TRAINING_HARDWARE_H_

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace onnx_flops {

// The number formats the table has a column for, in column order.
enum class Precision { kFp32 = 0, kTf32, kFp16, kBf16, kFp8, kInt8 };
inline constexpr int kNumPrecisions = 6;

// "fp32", "tf32", "fp16", "bf16", "fp8", "int8".
absl::string_view PrecisionName(Precision p);
// The inverse, case-insensitive; InvalidArgument listing the valid names.
// Every precision name, in the table's column order: the one list of them.
std::vector<std::string> PrecisionNames();
absl::StatusOr<Precision> ParsePrecision(absl::string_view name);
// All precisions in column order.
std::vector<Precision> AllPrecisions();

// One row of the table: one chip (one GPU package, one TPU chip).
struct Hardware {
  std::string name;                  // canonical, e.g. "H100 SXM"
  std::vector<std::string> aliases;  // e.g. "h100", "H100-SXM5-80GB"
  std::string vendor;                // "NVIDIA", "AMD", "Google"
  std::string released;              // YYYY-MM-DD: announcement or launch
  std::optional<double> memory_gb;   // per chip, 10^9 bytes
  // Peak DRAM/HBM bandwidth per chip in bytes/s (the CSV column
  // memory_bandwidth_gbs is in GB/s, 10^9 bytes/s); unset when unpublished or
  // when the CSV has no such column.
  std::optional<double> memory_bandwidth;
  std::optional<double> tdp_w;       // vendor maximum power; unset when unpublished
  // Dense peak FLOP/s (OP/s for int8) indexed by Precision; unset where the
  // datasheet gives none.
  std::array<std::optional<double>, kNumPrecisions> peak;
  std::string source;  // the document the row's figures come from
  std::string notes;   // where a figure departs from it, or from Epoch's tables

  bool Has(Precision p) const { return peak[static_cast<int>(p)].has_value(); }
  // The precisions with a figure, in column order.
  std::vector<Precision> Precisions() const;
};

// Parses the CSV format of analyzer/training/hardware.csv: '#' comment lines, a header
// naming the columns (any order), RFC 4180 quoting. The memory_bandwidth_gbs
// column is optional (older tables lack it). InvalidArgument naming the line
// for a bad number, a missing name/vendor/source, a row with no peak, or two
// chips sharing a name or alias.
absl::StatusOr<std::vector<Hardware>> ParseHardwareCsv(absl::string_view csv);

// analyzer/training/hardware.csv, compiled in (of_embed in CMakeLists.txt).
extern const char kHardwareCsv[];
absl::string_view EmbeddedHardwareCsv();

// The compiled-in table, parsed once. Internal error if it does not parse
// (a test guards against that).
absl::StatusOr<const std::vector<Hardware>*> HardwareTable();

// The key names are matched by: lower case, letters and digits only
// ("H100-SXM5 80GB" -> "h100sxm580gb").
std::string HardwareKey(absl::string_view name);

// The chip whose name or alias matches `name` (case, spaces, '-' and '_'
// ignored; a leading vendor name such as "NVIDIA " is allowed). Otherwise
// InvalidArgument naming the 3 closest chips by edit distance.
absl::StatusOr<const Hardware*> FindHardware(absl::string_view name);
// Same over a caller's table (tests).
absl::StatusOr<const Hardware*> FindHardwareIn(const std::vector<Hardware>& table,
                                               absl::string_view name);
// Canonical names of the `n` chips closest to `name` (edit distance between
// keys, the best of each chip's name and aliases), closest first.
std::vector<std::string> ClosestHardwareNames(const std::vector<Hardware>& table,
                                              absl::string_view name, int n = 3);

// Dense peak FLOP/s of `chip` at `precision`, or InvalidArgument saying which
// precisions the chip has.
absl::StatusOr<double> PeakFlops(const Hardware& chip, Precision precision);
absl::StatusOr<double> PeakFlops(const Hardware& chip, absl::string_view precision);

// The table for --list-hardware: "text" (aligned columns, then each chip's
// aliases, source and notes) or "markdown" (one table with a source column,
// then the notes). Figures in TFLOP/s (int8: TOP/s), memory bandwidth in GB/s.
// InvalidArgument for another format.
absl::StatusOr<std::string> RenderHardwareTable(const std::vector<Hardware>& table,
                                                absl::string_view format);

// Levenshtein distance (exposed for tests).
int EditDistance(absl::string_view a, absl::string_view b);

}  // namespace onnx_flops

#endif  // ONNX_FLOPS_ANALYZER_TRAINING_HARDWARE_H_
