// Finding the models of a batch run, their order, and the shards.
#include "audit/model_files.h"

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "audit/batch_rows.h"
#include "gtest/gtest.h"

namespace onnx_flops {
namespace {

namespace fs = std::filesystem;

class ZooDir : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / absl::StrCat("onnx_flops_zoo_", getpid());
    fs::remove_all(root_);
    fs::create_directories(root_);
  }
  void TearDown() override { fs::remove_all(root_); }
  void Touch(const std::string& rel) {
    fs::create_directories((root_ / rel).parent_path());
    std::ofstream(root_ / rel) << "x";
  }
  std::vector<std::string> Paths(const FindResult& r) {
    std::vector<std::string> out;
    for (const ModelFile& f : r.files) out.push_back(f.path);
    return out;
  }
  fs::path root_;
};

TEST_F(ZooDir, WalksRecursivelyForOnnxFilesInPathOrder) {
  Touch("b/model.onnx");
  Touch("a.onnx");
  Touch("b/deeper/still/UPPER.ONNX");
  Touch("b/notes.txt");
  Touch("b/model.onnx.data");
  Touch("c/weights.bin");
  const std::string root = root_.string();
  FindResult r = FindModelFiles({root});
  EXPECT_TRUE(r.warnings.empty());
  EXPECT_EQ(Paths(r), (std::vector<std::string>{root + "/a.onnx",
                                                root + "/b/deeper/still/UPPER.ONNX",
                                                root + "/b/model.onnx"}));
  // The shard key is the path below the root: the same wherever the zoo is.
  EXPECT_EQ(r.files[0].shard_key, "a.onnx");
  EXPECT_EQ(r.files[1].shard_key, "b/deeper/still/UPPER.ONNX");
  // A trailing slash on the root gives the same paths.
  EXPECT_EQ(Paths(FindModelFiles({root + "/"})), Paths(r));
}

TEST_F(ZooDir, FilesGivenDirectlyAnyNameAndDuplicatesOnce) {
  Touch("m.onnx");
  Touch("weird.bin");
  const std::string m = (root_ / "m.onnx").string();
  const std::string w = (root_ / "weird.bin").string();
  FindResult r = FindModelFiles({w, root_.string(), m});
  EXPECT_EQ(Paths(r), (std::vector<std::string>{m, w}));
}

TEST_F(ZooDir, MissingPathIsAnErrorRowNotAFailureOfTheRun) {
  Touch("m.onnx");
  const std::string ghost = (root_ / "ghost.onnx").string();
  FindResult r = FindModelFiles({ghost, root_.string()});
  ASSERT_EQ(r.files.size(), 2u);
  EXPECT_EQ(r.files[0].path, ghost);
  EXPECT_NE(r.files[0].missing.find("such file"), std::string::npos) << r.files[0].missing;
  EXPECT_TRUE(r.files[1].missing.empty());
}

TEST_F(ZooDir, DirectoryWithoutModelsIsAnErrorRow) {
  Touch("models/notes.txt");
  Touch("other/m.onnx");
  const std::string empty = (root_ / "models").string();
  const std::string other = (root_ / "other").string();
  FindResult r = FindModelFiles({empty, other});
  ASSERT_EQ(r.files.size(), 2u);
  EXPECT_EQ(r.files[0].path, empty);
  EXPECT_EQ(r.files[0].missing, empty + ": no *.onnx files under " + empty);
  EXPECT_EQ(r.files[1].path, other + "/m.onnx");
  EXPECT_TRUE(r.files[1].missing.empty());
}

TEST_F(ZooDir, DirectorySymlinksAreNotFollowed) {
  Touch("real/m.onnx");
  fs::create_directory_symlink(root_, root_ / "real" / "loop");
  FindResult r = FindModelFiles({root_.string()});
  EXPECT_EQ(r.files.size(), 1u);
}

// The order is the byte order of the JSON Lines rows, which begin
// {"model":{"path":"<escaped path>" -- so `LC_ALL=C sort` of concatenated
// shards reproduces a single run. A space or '!' sorts before the closing
// quote, so "a b" comes before "a" here, as it does in the rows.
TEST(OrderKey, SortsLikeTheJsonLinesRows) {
  std::vector<std::string> paths = {"a", "a b", "a!", "a\"q", "a\\b", "A", "a/b", "é"};
  std::vector<ModelFile> files;
  for (const std::string& p : paths) {
    FindResult r = FindModelFiles({"/nonexistent/" + p});
    files.push_back(r.files[0]);
  }
  std::vector<std::string> rows;
  for (const ModelFile& f : files) rows.push_back(kJsonlRows.error_row(f.path, "x", "error"));
  std::sort(files.begin(), files.end(),
            [](const ModelFile& x, const ModelFile& y) { return x.order_key < y.order_key; });
  std::sort(rows.begin(), rows.end());
  for (size_t i = 0; i < files.size(); ++i) {
    EXPECT_EQ(rows[i], kJsonlRows.error_row(files[i].path, "x", "error")) << i;
  }
  EXPECT_EQ(files[0].path, "/nonexistent/A");
}

TEST(StableHash, IsFnv1a64) {
  // The published FNV-1a test vectors.
  EXPECT_EQ(StableHash(""), 0xcbf29ce484222325ull);
  EXPECT_EQ(StableHash("a"), 0xaf63dc4c8601ec8cull);
  EXPECT_EQ(StableHash("foobar"), 0x85944171f73967e8ull);
}

// Pinned: shards made by different versions or machines must agree. The
// values come from a few lines of Python doing FNV-1a then fmix64 by hand.
TEST(Shard, HashIsStableAcrossVersions) {
  EXPECT_EQ(ShardHash("a.onnx"), 0xdb7c2fd4bdd7658cull);
  EXPECT_EQ(ShardHash("resnet50/model.onnx"), 0x03861b846d82ae35ull);
  ModelFile f;
  f.shard_key = "a.onnx";
  EXPECT_TRUE(InShard(f, Shard{2, 3}));
  EXPECT_TRUE(InShard(f, Shard{4, 7}));
}

TEST(Shard, Parse) {
  auto s = ParseShard("2/7");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->index, 2u);
  EXPECT_EQ(s->count, 7u);
  for (const char* bad : {"7/7", "1", "/3", "1/", "a/3", "0/0", "-1/3", "1/3/5", "1.5/3"}) {
    EXPECT_FALSE(ParseShard(bad).ok()) << bad;
  }
}

TEST(Shard, EveryFileInExactlyOneShard) {
  std::vector<ModelFile> files(1000);
  for (size_t i = 0; i < files.size(); ++i) files[i].shard_key = absl::StrCat("zoo/m", i, ".onnx");
  for (uint64_t n : {1u, 2u, 3u, 7u}) {
    std::vector<int> seen(files.size(), 0);
    std::vector<size_t> sizes;
    for (uint64_t i = 0; i < n; ++i) {
      size_t size = 0;
      for (size_t f = 0; f < files.size(); ++f) {
        if (InShard(files[f], Shard{i, n})) {
          ++seen[f];
          ++size;
        }
      }
      sizes.push_back(size);
    }
    EXPECT_EQ(std::count(seen.begin(), seen.end(), 1), 1000) << n;
    // Balanced to within a few percent for a hash worth the name.
    for (size_t size : sizes) EXPECT_NEAR(size, 1000.0 / n, 0.2 * 1000 / n) << n;
  }
}

}  // namespace
}  // namespace onnx_flops
