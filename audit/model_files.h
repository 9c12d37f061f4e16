// Batch mode's list of work: the paths given (files or directories, searched
// recursively for *.onnx), each with the keys that fix its output order and
// its shard.
#ifndef ONNX_FLOPS_AUDIT_MODEL_FILES_H_
#define ONNX_FLOPS_AUDIT_MODEL_FILES_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace onnx_flops {

struct ModelFile {
  std::string path;       // as reported: the root joined with the path below it
  std::string shard_key;  // the path relative to its root (a file given directly: as given)
  // The JSON-escaped path followed by '"': sorting by it is sorting the JSON
  // Lines rows by their bytes, as each begins {"model":{"path":"<escaped>".
  std::string order_key;
  // Non-empty: a path given that does not exist, or a directory that holds
  // no *.onnx file (an error row).
  std::string missing;
};

struct FindResult {
  std::vector<ModelFile> files;       // sorted by order_key, no duplicate paths
  std::vector<std::string> warnings;  // unreadable directories, ...
};

// Directories are walked recursively for files named *.onnx (any case);
// symbolic links to files are followed, to directories not (a link cycle
// cannot trap the walk). A file given directly is taken whatever its name.
FindResult FindModelFiles(const std::vector<std::string>& roots);

// --shard i/n
struct Shard {
  uint64_t index = 0;
  uint64_t count = 1;
};
absl::StatusOr<Shard> ParseShard(const std::string& text);

// FNV-1a, 64 bit: the same on every machine, compiler and run, unlike std::hash.
uint64_t StableHash(const std::string& key);
// StableHash then MurmurHash3's fmix64 finalizer: what --shard takes modulo N.
uint64_t ShardHash(const std::string& key);
// ShardHash(shard_key) % count == index
bool InShard(const ModelFile& file, const Shard& shard);

}  // namespace onnx_flops

#endif  // ONNX_FLOPS_AUDIT_MODEL_FILES_H_
