#include "audit/model_files.h"

#include <algorithm>
#include <filesystem>
#include <system_error>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/util/json_util.h"
#include "proto/report.pb.h"

namespace onnx_flops {
namespace {

namespace fs = std::filesystem;

// Escaped exactly as the JSON printer escapes model.path in a report row.
std::string OrderKey(const std::string& path) {
  ModelPath p;
  p.set_path(path);
  std::string json;
  if (!google::protobuf::util::MessageToJsonString(p, &json).ok()) return path + "\"";
  // {"path":"<escaped>"}  ->  <escaped>"
  const std::string prefix = "{\"path\":\"";
  if (json.rfind(prefix, 0) != 0 || json.size() < prefix.size() + 2) return path + "\"";
  return json.substr(prefix.size(), json.size() - prefix.size() - 1);
}

bool IsOnnxName(const fs::path& p) {
  return absl::AsciiStrToLower(p.extension().string()) == ".onnx";
}

void Add(const std::string& path, const std::string& shard_key, std::vector<ModelFile>* out) {
  ModelFile f;
  f.path = path;
  f.shard_key = shard_key;
  f.order_key = OrderKey(path);
  out->push_back(std::move(f));
}

void Walk(const std::string& root, FindResult* result) {
  std::error_code ec;
  const fs::path base(root);
  fs::recursive_directory_iterator it(base, fs::directory_options::skip_permission_denied, ec);
  size_t found = 0;
  if (ec) {
    result->warnings.push_back(absl::StrCat(root, ": cannot read the directory: ", ec.message()));
    return;
  }
  for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) {
      result->warnings.push_back(absl::StrCat(root, ": stopped walking: ", ec.message()));
      break;
    }
    const fs::directory_entry& entry = *it;
    std::error_code file_ec;
    if (!IsOnnxName(entry.path()) || !entry.is_regular_file(file_ec)) continue;
    const std::string rel = entry.path().lexically_relative(base).generic_string();
    Add((base / rel).generic_string(), rel, &result->files);
    ++found;
  }
  if (found == 0) {
    // A CI job pointed at the wrong directory must not pass on zero rows.
    Add(root, fs::path(root).lexically_normal().generic_string(), &result->files);
    result->files.back().missing = absl::StrCat(root, ": no *.onnx files under ", root);
  }
}

}  // namespace

FindResult FindModelFiles(const std::vector<std::string>& roots) {
  FindResult result;
  for (const std::string& root : roots) {
    std::error_code ec;
    const fs::file_status status = fs::status(root, ec);
    if (fs::is_directory(status)) {
      Walk(root, &result);
    } else if (fs::exists(status)) {
      Add(root, fs::path(root).lexically_normal().generic_string(), &result.files);
    } else {
      Add(root, fs::path(root).lexically_normal().generic_string(), &result.files);
      result.files.back().missing =
          absl::StrCat(root, ": ", ec ? ec.message() : "no such file or directory");
    }
  }
  std::sort(result.files.begin(), result.files.end(),
            [](const ModelFile& a, const ModelFile& b) { return a.order_key < b.order_key; });
  result.files.erase(std::unique(result.files.begin(), result.files.end(),
                                 [](const ModelFile& a, const ModelFile& b) {
                                   return a.path == b.path;
                                 }),
                     result.files.end());
  return result;
}

absl::StatusOr<Shard> ParseShard(const std::string& text) {
  const size_t slash = text.find('/');
  Shard s;
  if (slash == std::string::npos || !absl::SimpleAtoi(text.substr(0, slash), &s.index) ||
      !absl::SimpleAtoi(text.substr(slash + 1), &s.count) || s.count == 0 ||
      s.index >= s.count) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--shard ", text, ": expected I/N with 0 <= I < N, e.g. 0/3 (see onnx-flops --help)"));
  }
  return s;
}

uint64_t StableHash(const std::string& key) {
  uint64_t h = 14695981039346656037ull;
  for (unsigned char c : key) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

uint64_t ShardHash(const std::string& key) {
  // FNV-1a's low bits follow the last bytes of similar keys (m1.onnx,
  // m2.onnx, ...), which unbalances shards; MurmurHash3's 64-bit finalizer
  // spreads every input bit over the word first.
  uint64_t h = StableHash(key);
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ull;
  h ^= h >> 33;
  return h;
}

bool InShard(const ModelFile& file, const Shard& shard) {
  return ShardHash(file.shard_key) % shard.count == shard.index;
}

}  // namespace onnx_flops
