#include "analyzer/util/file_digest.h"

#include <cstdio>
#include <string>

#include "gtest/gtest.h"

namespace onnx_flops {
namespace {

// FIPS 180-2's test vectors.
TEST(Sha256, KnownVectors) {
  EXPECT_EQ(Sha256OfBytes("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256OfBytes(""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(Sha256, FileOfSeveralReadsEqualsTheBytes) {
  // 2.5 MiB: three 1 MiB reads, the last partial.
  std::string data(2621440, '\0');
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>(i * 131 % 251);
  const std::string path = ::testing::TempDir() + "/digest_test.bin";
  std::FILE* f = std::fopen(path.c_str(), "wb");
  ASSERT_NE(f, nullptr);
  ASSERT_EQ(std::fwrite(data.data(), 1, data.size(), f), data.size());
  std::fclose(f);
  absl::StatusOr<std::string> digest = Sha256OfFile(path);
  ASSERT_TRUE(digest.ok()) << digest.status();
  EXPECT_EQ(*digest, Sha256OfBytes(data));
  std::remove(path.c_str());
}

TEST(Sha256, MissingFileIsNotFound) {
  absl::StatusOr<std::string> digest = Sha256OfFile("/nonexistent/model.onnx");
  EXPECT_EQ(digest.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(digest.status().message().find("/nonexistent/model.onnx"), std::string::npos);
}

}  // namespace
}  // namespace onnx_flops
