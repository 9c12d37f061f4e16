#include "analyzer/load/model_loader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <limits>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "analyzer/load/wire_filter.h"

namespace onnx_flops {
namespace {

absl::Status Invalid(const std::string& name, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(name, ": ", what));
}

struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) close(fd);
  }
};

// The kept structure -> ModelProto, with the checks that tell a model from
// other protobuf.
absl::StatusOr<LoadedModel> ParseKept(absl::StatusOr<std::string> kept, const std::string& name,
                                      int64_t file_bytes, const WireFilterStats& stats) {
  if (!kept.ok()) {
    if (kept.status().code() != absl::StatusCode::kInvalidArgument) {
      // Read errors, the nesting limit: not a sign of a truncated file.
      return absl::Status(kept.status().code(), absl::StrCat(name, ": ", kept.status().message()));
    }
    return Invalid(name, absl::StrCat("not a valid ONNX model (", kept.status().message(),
                                      "; truncated or not protobuf)"));
  }
  if (kept->size() > static_cast<size_t>(std::numeric_limits<int>::max())) {
    return Invalid(name, absl::StrCat("the graph structure alone (without tensor payloads) is ",
                                      kept->size(), " bytes, past protobuf's 2 GB limit"));
  }
  LoadedModel out;
  google::protobuf::ArenaOptions arena_options;
  arena_options.start_block_size = 64 * 1024;
  arena_options.max_block_size = 4 * 1024 * 1024;
  out.arena = std::make_unique<google::protobuf::Arena>(arena_options);
  out.model = google::protobuf::Arena::CreateMessage<onnx::ModelProto>(out.arena.get());
  out.path = name;
  out.file_bytes = file_bytes;
  out.stripped_tensors = stats.stripped_tensors;
  out.stripped_bytes = stats.stripped_bytes;
  if (!out.model->ParseFromString(*kept)) {
    return Invalid(name, "not a valid ONNX model (protobuf fields do not match the ONNX schema)");
  }
  if (!out.model->has_graph()) {
    return Invalid(name, "not an ONNX model (valid protobuf, but it has no graph)");
  }
  if (out.model->ir_version() <= 0 && out.model->opset_import_size() == 0) {
    return Invalid(name, "not an ONNX model (no ir_version and no opset_import)");
  }
  return out;
}

}  // namespace

absl::StatusOr<LoadedModel> LoadModelFromBytes(absl::string_view bytes,
                                               const std::string& name,
                                               const LoadOptions& options) {
  if (bytes.empty()) return Invalid(name, "file is empty, not an ONNX model");
  WireFilterStats stats;
  absl::StatusOr<std::string> kept = FilterModelBytes(
      reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(),
      options.keep_payload_bytes, options.max_depth, &stats);
  return ParseKept(std::move(kept), name, static_cast<int64_t>(bytes.size()), stats);
}

absl::StatusOr<LoadedModel> LoadModel(const std::string& path,
                                      const LoadOptions& options) {
  Fd file;
  file.fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (file.fd < 0) {
    const int err = errno;
    if (err == ENOENT) return absl::NotFoundError(absl::StrCat(path, ": no such file"));
    return absl::InvalidArgumentError(absl::StrCat(path, ": cannot open: ", std::strerror(err)));
  }
  struct stat st;
  if (fstat(file.fd, &st) != 0) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": cannot stat: ", std::strerror(errno)));
  }
  if (S_ISDIR(st.st_mode)) return Invalid(path, "is a directory, not an ONNX file");
  if (!S_ISREG(st.st_mode)) return Invalid(path, "is not a regular file");
  if (st.st_size == 0) return Invalid(path, "file is empty, not an ONNX model");

  // pread, not mmap: a mapping would put every page the walk touches (and
  // the kernel's fault-around neighbours, whole large folios) into this
  // process's RSS; copying the few header bytes keeps memory bounded by the
  // structure whatever the weights weigh. Readahead would only fetch payload
  // the walk skips.
  posix_fadvise(file.fd, 0, 0, POSIX_FADV_RANDOM);
  const int fd = file.fd;
  ReadAt read = [fd](uint64_t offset, size_t n, uint8_t* out) -> absl::Status {
    size_t done = 0;
    while (done < n) {
      const ssize_t got = pread(fd, out + done, n - done, static_cast<off_t>(offset + done));
      if (got < 0 && errno == EINTR) continue;
      if (got < 0) {
        return absl::DataLossError(absl::StrCat("read error at byte ", offset + done, ": ",
                                                std::strerror(errno)));
      }
      if (got == 0) {
        return absl::DataLossError(
            absl::StrCat("the file ended at byte ", offset + done, " while being read"));
      }
      done += static_cast<size_t>(got);
    }
    return absl::OkStatus();
  };
  WireFilterStats stats;
  absl::StatusOr<std::string> kept =
      FilterModelFile(read, static_cast<uint64_t>(st.st_size), options.keep_payload_bytes,
                      options.max_depth, &stats);
  return ParseKept(std::move(kept), path, static_cast<int64_t>(st.st_size), stats);
}

}  // namespace onnx_flops
