// The ai.onnx.ml rules against counts worked out by hand from the formulas
// in rules/ml.cc.
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "rules/rule_testing.h"

namespace onnx_flops {
namespace {

constexpr char kMl[] = "ai.onnx.ml";

std::vector<float> Floats(size_t n) { return std::vector<float>(n, 0.5f); }

TEST(MlRule, Preprocessing) {
  auto scaler = NodeBuilder("Scaler", kMl).Opset(1).Input({10, 4}).UnknownOutput().Count();
  ASSERT_TRUE(scaler.ok()) << scaler.status();
  EXPECT_EQ(scaler->vector_flops, 80.0);  // 2 per element
  auto bin = NodeBuilder("Binarizer", kMl).Opset(1).Input({10, 4}).UnknownOutput().Count();
  ASSERT_TRUE(bin.ok()) << bin.status();
  EXPECT_EQ(bin->vector_flops, 40.0);
  // Rows of F = 4: L2 3F = 12, MAX 2F-1 = 7, L1 3F-1 = 11; three rows.
  for (auto [norm, expected] : {std::pair<const char*, double>{"L2", 36}, {"MAX", 21}, {"L1", 33}}) {
    auto c = NodeBuilder("Normalizer", kMl).Opset(1).Attr("norm", norm).Input({3, 4})
                 .UnknownOutput().Count();
    ASSERT_TRUE(c.ok()) << c.status();
    EXPECT_EQ(c->vector_flops, expected) << norm;
  }
}

TEST(MlRule, LinearModels) {
  // X [5, 4], coefficients [3, 4]: 2*5*4*3 = 120 matmul; per example 3 intercepts +
  // softmax 5*3 + argmax 2 = 20, x 5 = 100.
  auto cls = NodeBuilder("LinearClassifier", kMl).Opset(1).Input({5, 4})
                 .Attr("coefficients", Floats(12)).Attr("post_transform", "SOFTMAX")
                 .UnknownOutput().Count();
  ASSERT_TRUE(cls.ok()) << cls.status();
  EXPECT_EQ(cls->matmul_flops, 120.0);
  EXPECT_EQ(cls->vector_flops, 100.0);
  // One target: 2*5*4 = 40 matmul, 5 intercepts.
  auto reg = NodeBuilder("LinearRegressor", kMl).Opset(1).Input({5, 4})
                 .Attr("coefficients", Floats(4)).UnknownOutput().Count();
  ASSERT_TRUE(reg.ok()) << reg.status();
  EXPECT_EQ(reg->matmul_flops, 40.0);
  EXPECT_EQ(reg->vector_flops, 5.0);
  EXPECT_FALSE(NodeBuilder("LinearRegressor", kMl).Opset(1).Input({5, 4})
                   .Attr("coefficients", Floats(6)).UnknownOutput().Count().ok());
}

TEST(MlRule, SupportVectorMachines) {
  // RBF regressor, X [2, 3], S = 4: kernel 3*4*3 - 4 = 32 per example; gamma and exp
  // 2*4 = 8; decision 2*4 + 1 = 9: 2*(32 + 8 + 9) = 98, all vector class.
  auto rbf = NodeBuilder("SVMRegressor", kMl).Opset(1).Input({2, 3})
                 .Attr("support_vectors", Floats(12)).Attr("coefficients", Floats(4))
                 .Attr("kernel_type", "RBF").UnknownOutput().Count();
  ASSERT_TRUE(rbf.ok()) << rbf.status();
  EXPECT_EQ(rbf->matmul_flops, 0.0);
  EXPECT_EQ(rbf->vector_flops, 98.0);
  // Linear-kernel classifier, 2 classes of 2 vectors each: dots 2*2*4*3 = 48 matmul;
  // per example 2*4*1 + 2 (rho, vote) + 1 (argmax) = 11, x 2 = 22.
  auto cls = NodeBuilder("SVMClassifier", kMl).Opset(1).Input({2, 3})
                 .Attr("support_vectors", Floats(12)).Attr("coefficients", Floats(4))
                 .Attr("vectors_per_class", std::vector<int64_t>{2, 2})
                 .UnknownOutput().Count();
  ASSERT_TRUE(cls.ok()) << cls.status();
  EXPECT_EQ(cls->matmul_flops, 48.0);
  EXPECT_EQ(cls->vector_flops, 22.0);
}

TEST(MlRule, TreeEnsembleComparesUpToEachTreesDepth) {
  // Tree 0: 0 -> (1 leaf, 2), 2 -> (3 leaf, 4 leaf): depth 2. Tree 1: 0 -> (1, 2 leaves):
  // depth 1. 5 leaves, 5 weights: 1 add per tree. Per example 3 compares + 2 adds +
  // 1 base value = 6; X [10, 3]: 60.
  auto c = NodeBuilder("TreeEnsembleRegressor", kMl).Opset(1).Input({10, 3})
               .Attr("nodes_treeids", std::vector<int64_t>{0, 0, 0, 0, 0, 1, 1, 1})
               .Attr("nodes_nodeids", std::vector<int64_t>{0, 1, 2, 3, 4, 0, 1, 2})
               .Attr("nodes_truenodeids", std::vector<int64_t>{1, 0, 3, 0, 0, 1, 0, 0})
               .Attr("nodes_falsenodeids", std::vector<int64_t>{2, 0, 4, 0, 0, 2, 0, 0})
               .Attr("nodes_modes", std::vector<std::string>{"BRANCH_LEQ", "LEAF", "BRANCH_LEQ",
                                                             "LEAF", "LEAF", "BRANCH_LT", "LEAF",
                                                             "LEAF"})
               .Attr("target_weights", Floats(5)).UnknownOutput().Count();
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->vector_flops, 60.0);
  // A branch pointing at a node that does not exist is an error, not a guess.
  auto broken = NodeBuilder("TreeEnsembleRegressor", kMl).Opset(1).Input({10, 3})
                    .Attr("nodes_treeids", std::vector<int64_t>{0})
                    .Attr("nodes_nodeids", std::vector<int64_t>{0})
                    .Attr("nodes_truenodeids", std::vector<int64_t>{7})
                    .Attr("nodes_falsenodeids", std::vector<int64_t>{8})
                    .Attr("nodes_modes", std::vector<std::string>{"BRANCH_LEQ"})
                    .UnknownOutput().Count();
  EXPECT_FALSE(broken.ok());
}

TEST(MlRule, LookupsAreDataMovement) {
  for (const char* op : {"ZipMap", "LabelEncoder", "ArrayFeatureExtractor", "DictVectorizer"}) {
    auto c = NodeBuilder(op, kMl).Opset(1).UnknownInput().UnknownOutput().Count();
    ASSERT_TRUE(c.ok()) << op << ": " << c.status();
    EXPECT_TRUE(c->data_movement) << op;
  }
}

TEST(MlRule, PreprocessingKeepsTheShape) {
  // Scaler and Normalizer output float whatever X is; Imputer keeps X's type.
  NodeBuilder scaler("Scaler", kMl);
  scaler.Opset(1).Input({7, 3}, onnx::TensorProto::INT64);
  auto s = scaler.Propagate();
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ((*s)[0].dims, (Dims{7, 3}));
  EXPECT_EQ((*s)[0].elem_type, onnx::TensorProto::FLOAT);
  NodeBuilder imputer("Imputer", kMl);
  imputer.Opset(1).Input({7, 3}, onnx::TensorProto::DOUBLE);
  auto i = imputer.Propagate();
  ASSERT_TRUE(i.ok()) << i.status();
  EXPECT_EQ((*i)[0].dims, (Dims{7, 3}));
  EXPECT_EQ((*i)[0].elem_type, onnx::TensorProto::DOUBLE);
}

TEST(TfIdfVectorizerRule, NgramsExaminedPerRow) {
  // ONNX's test_tfidfvectorizer_tf_batch_uniandbigrams_skip5: X [2,6], 1- and
  // 2-grams, skips 0..5. Per row: unigrams 6; bigrams at skip s start at
  // 6-(s+1) positions: 5+4+3+2+1+0 = 15; 21 per row, 42 in all (TF: no weighting).
  auto tf = NodeBuilder("TfIdfVectorizer").Opset(9).Input({2, 6}, onnx::TensorProto::INT32)
                .Attr("min_gram_length", 1).Attr("max_gram_length", 2)
                .Attr("max_skip_count", 5).Attr("mode", "TF")
                .Attr("ngram_counts", std::vector<int64_t>{0, 4})
                .Attr("ngram_indexes", std::vector<int64_t>{0, 1, 2, 3, 4, 5, 6}).Count();
  ASSERT_TRUE(tf.ok()) << tf.status();
  EXPECT_EQ(tf->vector_flops, 42.0);
  EXPECT_EQ(tf->matmul_flops, 0.0);
  // X [1,10], 1- to 3-grams, skips 0..2, IDF over Y [1,5]: unigrams 10;
  // bigrams 9+8+7 = 24; trigrams span 2(s+1)+1: 8+6+4 = 18; 52 + 5 = 57.
  auto idf = NodeBuilder("TfIdfVectorizer").Opset(9).Input({1, 10})
                 .Attr("min_gram_length", 1).Attr("max_gram_length", 3)
                 .Attr("max_skip_count", 2).Attr("mode", "IDF")
                 .Attr("ngram_counts", std::vector<int64_t>{0, 2, 4})
                 .Attr("ngram_indexes", std::vector<int64_t>{0, 4, 1, 2, 3}).Count();
  ASSERT_TRUE(idf.ok()) << idf.status();
  EXPECT_EQ(idf->vector_flops, 57.0);
  // 1-D X [12], bigrams only, no skips: 11.
  auto one = NodeBuilder("TfIdfVectorizer").Opset(9).Input({12})
                 .Attr("min_gram_length", 2).Attr("max_gram_length", 2)
                 .Attr("max_skip_count", 0).Attr("mode", "TFIDF")
                 .Attr("ngram_counts", std::vector<int64_t>{0, 0})
                 .Attr("ngram_indexes", std::vector<int64_t>{0, 1, 2, 3, 4, 5, 6}).Count();
  ASSERT_TRUE(one.ok()) << one.status();
  EXPECT_EQ(one->vector_flops, 11.0 + 7.0);
}

TEST(TfIdfVectorizerRule, ShapeAndBadAttributes) {
  auto y = NodeBuilder("TfIdfVectorizer").Opset(9).Input({2, 6})
               .Attr("ngram_indexes", std::vector<int64_t>{0, 1, 6, 3}).Propagate();
  ASSERT_TRUE(y.ok()) << y.status();
  EXPECT_EQ((*y)[0].dims, (Dims{2, 7}));
  auto y1 = NodeBuilder("TfIdfVectorizer").Opset(9).Input({12})
                .Attr("ngram_indexes", std::vector<int64_t>{2}).Propagate();
  ASSERT_TRUE(y1.ok()) << y1.status();
  EXPECT_EQ((*y1)[0].dims, (Dims{3}));
  // max below min, an unknown mode, no ngram_indexes: reasons, not zeros.
  EXPECT_FALSE(NodeBuilder("TfIdfVectorizer").Opset(9).Input({2, 6})
                   .Attr("min_gram_length", 3).Attr("max_gram_length", 2)
                   .Attr("max_skip_count", 0).Attr("mode", "TF")
                   .Attr("ngram_indexes", std::vector<int64_t>{0}).Count().ok());
  EXPECT_FALSE(NodeBuilder("TfIdfVectorizer").Opset(9).Input({2, 6})
                   .Attr("min_gram_length", 1).Attr("max_gram_length", 2)
                   .Attr("max_skip_count", 0).Attr("mode", "BM25")
                   .Attr("ngram_indexes", std::vector<int64_t>{0}).Count().ok());
  EXPECT_FALSE(NodeBuilder("TfIdfVectorizer").Opset(9).Input({2, 6})
                   .Attr("min_gram_length", 1).Attr("max_gram_length", 2)
                   .Attr("max_skip_count", 0).Attr("mode", "TF").Count().ok());
}

}  // namespace
}  // namespace onnx_flops
