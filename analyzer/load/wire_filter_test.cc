// The file walk (pread in windows) must keep exactly what the in-memory walk
// keeps, whatever the window size, and must never read a skipped payload.
#include "analyzer/load/wire_filter.h"

#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "onnx/onnx_pb.h"

namespace onnx_flops {
namespace {

namespace fs = std::filesystem;

std::string ReadAll(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// A reader over a string that records which bytes were read.
struct RecordingReader {
  const std::string* bytes;
  std::vector<bool> touched;
  size_t reads = 0;
  ReadAt Fn() {
    touched.assign(bytes->size(), false);
    return [this](uint64_t offset, size_t n, uint8_t* out) -> absl::Status {
      ++reads;
      if (offset + n > bytes->size()) return absl::DataLossError("past the end");
      for (size_t i = 0; i < n; ++i) {
        out[i] = static_cast<uint8_t>((*bytes)[offset + i]);
        touched[offset + i] = true;
      }
      return absl::OkStatus();
    };
  }
};

TEST(WireFilter, FileWalkEqualsMemoryWalkForEveryWindow) {
  int models = 0;
  for (const auto& e : fs::recursive_directory_iterator(ONNX_FLOPS_TESTDATA)) {
    if (e.path().extension() != ".onnx" || e.path().string().find("/bad/") != std::string::npos) {
      continue;
    }
    const std::string bytes = ReadAll(e.path());
    if (bytes.empty()) continue;
    WireFilterStats mem_stats;
    auto mem = FilterModelBytes(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), 512,
                                64, &mem_stats);
    for (size_t window : {16u, 17u, 100u, 4096u, 1u << 20}) {
      RecordingReader reader{&bytes, {}, 0};
      WireFilterStats file_stats;
      auto file = FilterModelFile(reader.Fn(), bytes.size(), 512, 64, &file_stats, window);
      ASSERT_EQ(mem.ok(), file.ok()) << e.path() << " window " << window;
      if (!mem.ok()) {
        EXPECT_EQ(mem.status().message(), file.status().message());
        continue;
      }
      EXPECT_TRUE(*mem == *file) << e.path() << " window " << window;
      EXPECT_EQ(mem_stats.stripped_bytes, file_stats.stripped_bytes);
    }
    ++models;
  }
  EXPECT_GT(models, 40);
}

TEST(WireFilter, SkippedPayloadsAreNeverRead) {
  onnx::ModelProto m;
  m.set_ir_version(8);
  m.add_opset_import()->set_version(13);
  auto* w = m.mutable_graph()->add_initializer();
  w->set_name("w");
  w->set_data_type(onnx::TensorProto::FLOAT);
  w->add_dims(1 << 18);
  w->set_raw_data(std::string(4 << 18, '\x7f'));  // 1 MiB
  m.mutable_graph()->add_node()->set_op_type("Relu");
  const std::string bytes = m.SerializeAsString();
  RecordingReader reader{&bytes, {}, 0};
  WireFilterStats stats;
  auto kept = FilterModelFile(reader.Fn(), bytes.size(), 512, 64, &stats, 256);
  ASSERT_TRUE(kept.ok()) << kept.status();
  EXPECT_EQ(stats.stripped_tensors, 1);
  size_t touched = 0;
  for (bool t : reader.touched) touched += t;
  // Headers and windows around them: a few windows, not the megabyte.
  EXPECT_LT(touched, 4u * 256) << touched;
  EXPECT_LT(reader.reads, 10u);
}

void PutVarint(std::string* out, uint64_t v) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

// A 6 GB model file that exists only as a reader: a graph whose one
// initializer claims 6e9 bytes of raw_data, then a Relu node. Protobuf's own
// parser refuses anything past 2 GB; the walk must load it reading only the
// headers.
TEST(WireFilter, FilesPastTwoGigabytesLoad) {
  const uint64_t payload = 6000000000ull;
  onnx::TensorProto header;
  header.set_name("w");
  header.set_data_type(onnx::TensorProto::FLOAT);
  header.add_dims(1500000000);
  std::string tensor_head = header.SerializeAsString();
  tensor_head.push_back(static_cast<char>((9 << 3) | 2));  // raw_data
  PutVarint(&tensor_head, payload);
  onnx::GraphProto tail_graph;
  auto* relu = tail_graph.add_node();
  relu->set_op_type("Relu");
  relu->add_input("w");
  relu->add_output("y");
  const std::string node_bytes = tail_graph.SerializeAsString();

  std::string graph_head;
  graph_head.push_back(static_cast<char>((5 << 3) | 2));  // initializer
  PutVarint(&graph_head, tensor_head.size() + payload);
  graph_head += tensor_head;
  onnx::ModelProto model_head;
  model_head.set_ir_version(8);
  model_head.add_opset_import()->set_version(13);
  std::string prefix = model_head.SerializeAsString();
  prefix.push_back(static_cast<char>((7 << 3) | 2));  // graph
  PutVarint(&prefix, graph_head.size() + payload + node_bytes.size());
  prefix += graph_head;
  const uint64_t size = prefix.size() + payload + node_bytes.size();

  uint64_t payload_bytes_read = 0;
  ReadAt read = [&](uint64_t offset, size_t n, uint8_t* out) -> absl::Status {
    if (offset + n > size) return absl::DataLossError("past the end");
    for (size_t i = 0; i < n; ++i) {
      const uint64_t at = offset + i;
      if (at < prefix.size()) {
        out[i] = static_cast<uint8_t>(prefix[at]);
      } else if (at < prefix.size() + payload) {
        out[i] = 0;
        ++payload_bytes_read;
      } else {
        out[i] = static_cast<uint8_t>(node_bytes[at - prefix.size() - payload]);
      }
    }
    return absl::OkStatus();
  };
  WireFilterStats stats;
  auto kept = FilterModelFile(read, size, 512, 64, &stats, 4096);
  ASSERT_TRUE(kept.ok()) << kept.status();
  EXPECT_EQ(stats.stripped_bytes, static_cast<int64_t>(1 + 5 + payload));  // tag, varint, bytes
  EXPECT_LT(payload_bytes_read, 8192u);  // the windows after two headers, no more
  onnx::ModelProto m;
  ASSERT_TRUE(m.ParseFromString(*kept));
  ASSERT_EQ(m.graph().initializer_size(), 1);
  EXPECT_EQ(m.graph().initializer(0).dims(0), 1500000000);
  EXPECT_TRUE(m.graph().initializer(0).raw_data().empty());
  ASSERT_EQ(m.graph().node_size(), 1);
  EXPECT_EQ(m.graph().node(0).op_type(), "Relu");
}

TEST(WireFilter, ReadErrorsAreReportedAsSuch) {
  const std::string bytes = std::string("\x08\x08", 2);  // ir_version = 8
  ReadAt failing = [](uint64_t, size_t, uint8_t*) -> absl::Status {
    return absl::DataLossError("read error at byte 0: Input/output error");
  };
  auto kept = FilterModelFile(failing, bytes.size(), 512, 64, nullptr);
  ASSERT_FALSE(kept.ok());
  EXPECT_EQ(kept.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(kept.status().message().find("Input/output error"), absl::string_view::npos);
}

}  // namespace
}  // namespace onnx_flops
