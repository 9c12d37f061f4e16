#include "analyzer/load/wire_filter.h"

#include <algorithm>
#include <limits>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace onnx_flops {
namespace {

// The ONNX messages on the path from ModelProto to a TensorProto payload.
enum class Msg { kModel, kGraph, kNode, kAttribute, kTensor, kSparseTensor, kFunction,
                 kTrainingInfo, kOther };

// Which sub-message a length-delimited field holds, for the fields the walk
// must descend into (field numbers from onnx.proto). kOther: copy as bytes.
Msg ChildOf(Msg parent, uint32_t field) {
  switch (parent) {
    case Msg::kModel:
      if (field == 7) return Msg::kGraph;          // graph
      if (field == 20) return Msg::kTrainingInfo;  // training_info
      if (field == 25) return Msg::kFunction;      // functions
      return Msg::kOther;
    case Msg::kGraph:
      if (field == 1) return Msg::kNode;           // node
      if (field == 5) return Msg::kTensor;         // initializer
      if (field == 15) return Msg::kSparseTensor;  // sparse_initializer
      return Msg::kOther;
    case Msg::kNode:
      return field == 5 ? Msg::kAttribute : Msg::kOther;  // attribute
    case Msg::kAttribute:
      if (field == 5 || field == 10) return Msg::kTensor;         // t, tensors
      if (field == 6 || field == 11) return Msg::kGraph;          // g, graphs
      if (field == 22 || field == 23) return Msg::kSparseTensor;  // sparse_tensor(s)
      return Msg::kOther;
    case Msg::kSparseTensor:
      return field == 1 || field == 2 ? Msg::kTensor : Msg::kOther;  // values, indices
    case Msg::kFunction:
      return field == 7 ? Msg::kNode : Msg::kOther;  // node
    case Msg::kTrainingInfo:
      return field == 1 || field == 2 ? Msg::kGraph : Msg::kOther;
    case Msg::kTensor:
    case Msg::kOther:
      return Msg::kOther;
  }
  return Msg::kOther;
}

// float_data, int32_data, string_data, int64_data, raw_data, double_data, uint64_data.
bool IsTensorPayload(uint32_t field) {
  return field == 4 || field == 5 || field == 6 || field == 7 || field == 9 ||
         field == 10 || field == 11;
}

// Where the walk reads its bytes: the whole model in memory, or a file read
// window by window. Positions are file offsets throughout.
class Source {
 public:
  Source(const uint8_t* data, size_t size) : win_(data), win_begin_(0), win_end_(size), size_(size) {}
  Source(const ReadAt* read, size_t size, size_t window)
      : read_(read), size_(size), window_(window) {}

  size_t size() const { return size_; }

  // The byte at pos (< size()). The window is refilled from pos onwards when
  // pos falls outside it: walks move forward, so each byte of structure is
  // read about once, and skipped payloads are never read.
  absl::Status Byte(size_t pos, uint8_t* out) {
    if (pos < win_begin_ || pos >= win_end_) {
      if (read_ == nullptr) return absl::OutOfRangeError("read past the end");
      const size_t n = std::min(window_, size_ - pos);
      buffer_.resize(n);
      absl::Status st = (*read_)(pos, n, buffer_.data());
      if (!st.ok()) return st;
      win_ = buffer_.data();
      win_begin_ = pos;
      win_end_ = pos + n;
    }
    *out = win_[pos - win_begin_];
    return absl::OkStatus();
  }

  // Appends [begin, end) to out.
  absl::Status Append(size_t begin, size_t end, std::string* out) {
    if (begin >= win_begin_ && end <= win_end_) {
      out->append(reinterpret_cast<const char*>(win_ + (begin - win_begin_)), end - begin);
      return absl::OkStatus();
    }
    const size_t old = out->size();
    out->resize(old + (end - begin));
    return (*read_)(begin, end - begin, reinterpret_cast<uint8_t*>(&(*out)[old]));
  }

 private:
  const ReadAt* read_ = nullptr;
  const uint8_t* win_ = nullptr;
  size_t win_begin_ = 0, win_end_ = 0;
  size_t size_ = 0;
  size_t window_ = 0;
  std::vector<uint8_t> buffer_;
};

class Walker {
 public:
  Walker(Source* source, size_t keep, int max_depth, WireFilterStats* stats)
      : src_(source), keep_(keep), max_depth_(max_depth), stats_(stats) {}

  absl::Status Filter(Msg kind, size_t begin, size_t end, int depth, std::string* out) {
    if (depth > max_depth_) {
      // Each If/Loop/Scan body is three messages down (node, attribute,
      // graph), and a tensor attribute inside it one more: a limit of 64
      // admits bodies nested 20 deep.
      return absl::ResourceExhaustedError(absl::StrCat(
          "messages nested deeper than ", max_depth_, " levels (If/Loop/Scan bodies more than ",
          (max_depth_ - 4) / 3, " deep): refused, a guard against stack exhaustion"));
    }
    bool strip = false;
    if (kind == Msg::kTensor) {
      size_t payload = 0;
      auto st = Scan(begin, end, [&](uint32_t field, int wire, size_t fbegin, size_t fend,
                                     size_t, size_t) {
        if (IsTensorPayload(field)) payload += fend - fbegin;
        (void)wire;
        return absl::OkStatus();
      });
      if (!st.ok()) return st;
      if (payload > keep_) {
        strip = true;
        stats_->stripped_tensors++;
        stats_->stripped_bytes += static_cast<int64_t>(payload);
      }
    }
    return Scan(begin, end, [&](uint32_t field, int wire, size_t fbegin, size_t fend,
                                size_t value_begin, size_t value_end) -> absl::Status {
      if (kind == Msg::kTensor && strip && IsTensorPayload(field)) return absl::OkStatus();
      const Msg child = wire == 2 ? ChildOf(kind, field) : Msg::kOther;
      if (child == Msg::kOther) return src_->Append(fbegin, fend, out);
      std::string sub;
      absl::Status st = Filter(child, value_begin, value_end, depth + 1, &sub);
      if (!st.ok()) return st;
      PutVarint(out, (static_cast<uint64_t>(field) << 3) | 2);
      PutVarint(out, sub.size());
      out->append(sub);
      return absl::OkStatus();
    });
  }

 private:
  // Calls fn(field, wire_type, field_begin, field_end, value_begin, value_end)
  // for every field in [begin, end); value_* bound the payload of
  // length-delimited fields.
  template <typename Fn>
  absl::Status Scan(size_t begin, size_t end, Fn fn) {
    size_t pos = begin;
    while (pos < end) {
      const size_t field_begin = pos;
      uint64_t tag = 0;
      if (!ReadVarint(&pos, end, &tag)) return Malformed(field_begin, "truncated field tag");
      const uint32_t field = static_cast<uint32_t>(tag >> 3);
      const int wire = static_cast<int>(tag & 7);
      if (field == 0) return Malformed(field_begin, "field number 0");
      size_t value_begin = pos, value_end = pos;
      switch (wire) {
        case 0: {
          uint64_t ignored;
          if (!ReadVarint(&pos, end, &ignored)) return Malformed(field_begin, "truncated varint");
          break;
        }
        case 1:
          if (end - pos < 8) return Malformed(field_begin, "truncated fixed64");
          pos += 8;
          break;
        case 5:
          if (end - pos < 4) return Malformed(field_begin, "truncated fixed32");
          pos += 4;
          break;
        case 2: {
          uint64_t len = 0;
          if (!ReadVarint(&pos, end, &len)) return Malformed(field_begin, "truncated length");
          if (len > end - pos) {
            return Malformed(field_begin, absl::StrCat("field ", field, " claims ", len,
                                                       " bytes, only ", end - pos, " remain"));
          }
          value_begin = pos;
          pos += static_cast<size_t>(len);
          value_end = pos;
          break;
        }
        default:
          return Malformed(field_begin, absl::StrCat("unsupported wire type ", wire));
      }
      absl::Status st = fn(field, wire, field_begin, pos, value_begin, value_end);
      if (!st.ok()) return st;
    }
    return absl::OkStatus();
  }

  // False on truncation and on a read error (io_error_ keeps the latter).
  bool ReadVarint(size_t* pos, size_t end, uint64_t* value) {
    uint64_t result = 0;
    for (int shift = 0; shift < 64 && *pos < end; shift += 7) {
      uint8_t byte = 0;
      if (absl::Status st = src_->Byte((*pos)++, &byte); !st.ok()) {
        io_error_ = st;
        return false;
      }
      result |= static_cast<uint64_t>(byte & 0x7f) << shift;
      if ((byte & 0x80) == 0) {
        *value = result;
        return true;
      }
    }
    return false;
  }

  static void PutVarint(std::string* out, uint64_t v) {
    while (v >= 0x80) {
      out->push_back(static_cast<char>((v & 0x7f) | 0x80));
      v >>= 7;
    }
    out->push_back(static_cast<char>(v));
  }

  absl::Status Malformed(size_t offset, absl::string_view what) const {
    if (!io_error_.ok()) return io_error_;
    return absl::InvalidArgumentError(
        absl::StrCat("protobuf parse failed at byte ", offset, ": ", what));
  }

  Source* src_;
  size_t keep_;
  int max_depth_;
  WireFilterStats* stats_;
  absl::Status io_error_;
};

}  // namespace

absl::StatusOr<std::string> FilterModelBytes(const uint8_t* data, size_t size,
                                             size_t keep_payload_bytes, int max_depth,
                                             WireFilterStats* stats) {
  WireFilterStats local;
  Source source(data, size);
  std::string out;
  Walker walker(&source, keep_payload_bytes, max_depth, stats != nullptr ? stats : &local);
  absl::Status st = walker.Filter(Msg::kModel, 0, size, 0, &out);
  if (!st.ok()) return st;
  return out;
}

absl::StatusOr<std::string> FilterModelFile(const ReadAt& read, uint64_t size,
                                            size_t keep_payload_bytes, int max_depth,
                                            WireFilterStats* stats, size_t window) {
  if (size > std::numeric_limits<size_t>::max()) {
    return absl::InvalidArgumentError("the file is larger than this platform can address");
  }
  WireFilterStats local;
  Source source(&read, static_cast<size_t>(size), std::max<size_t>(window, 16));
  std::string out;
  Walker walker(&source, keep_payload_bytes, max_depth, stats != nullptr ? stats : &local);
  absl::Status st = walker.Filter(Msg::kModel, 0, static_cast<size_t>(size), 0, &out);
  if (!st.ok()) return st;
  return out;
}

}  // namespace onnx_flops
