#include <string>

#include "gtest/gtest.h"
#include "rules/rule_testing.h"

namespace onnx_flops {
namespace {

TEST(MatMulRule, TwoDimensional) {
  // BERT-base FFN up-projection on 128 tokens: 2*128*768*3072.
  auto c = NodeBuilder("MatMul").Input({128, 768}).Input({768, 3072}).Output({128, 3072}).Count();
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->matmul_flops, 603979776.0);
  EXPECT_EQ(c->macs, 301989888.0);
  EXPECT_EQ(c->vector_flops, 0.0);
}

TEST(MatMulRule, BatchedWithBroadcast) {
  // A [8,12,128,64] x B [64,128] broadcast over 96 batches: 2*96*128*64*128.
  auto c = NodeBuilder("MatMul").Input({8, 12, 128, 64}).Input({64, 128}).Output({8, 12, 128, 128}).Count();
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->matmul_flops, 201326592.0);
  // Broadcast of [2,1,5,3] with [4,3,6] gives batch 2x4 = 8: 2*8*5*3*6 = 1440.
  auto d = NodeBuilder("MatMul").Input({2, 1, 5, 3}).Input({4, 3, 6}).Count();
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->matmul_flops, 1440.0);
}

TEST(MatMulRule, OneDimensionalOperands) {
  // [K] x [K,N]: M=1 -> 2*1*512*10 = 10240.
  auto a = NodeBuilder("MatMul").Input({512}).Input({512, 10}).Count();
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->matmul_flops, 10240.0);
  // [B,M,K] x [K]: N=1 -> 2*4*7*512 = 28672.
  auto b = NodeBuilder("MatMul").Input({4, 7, 512}).Input({512}).Count();
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->matmul_flops, 28672.0);
  // Dot product [K] x [K] -> 2*K.
  auto d = NodeBuilder("MatMul").Input({300}).Input({300}).Count();
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->matmul_flops, 600.0);
}

TEST(MatMulRule, MismatchAndUnknownAreReasons) {
  EXPECT_FALSE(NodeBuilder("MatMul").Input({3, 4}).Input({5, 6}).Count().ok());
  auto u = NodeBuilder("MatMul").SymbolicInput({-1, 768}, {"seq", ""}).Input({768, 768}).Count();
  ASSERT_FALSE(u.ok());
  EXPECT_NE(u.status().message().find("seq"), std::string::npos) << u.status();
}

TEST(GemmRule, ResNetClassifierWithBias) {
  // torchvision fc: x[1,2048] * W[1000,2048]^T + b[1000], transB=1.
  auto c = NodeBuilder("Gemm").Input({1, 2048}).Input({1000, 2048}).Input({1000})
               .Attr("transB", 1).Count();
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->matmul_flops, 2.0 * 2048 * 1000);  // 4096000
  EXPECT_EQ(c->vector_flops, 1000.0);             // bias add, M*N
  EXPECT_EQ(c->macs, 2048000.0);
}

TEST(GemmRule, TransposesAlphaBeta) {
  // transA: A is [K=6, M=4]; B [6, N=5]. alpha=0.5 and beta=2 with C: 3*M*N extra.
  auto c = NodeBuilder("Gemm").Input({6, 4}).Input({6, 5}).Input({4, 5})
               .Attr("transA", 1).Attr("alpha", 0.5f).Attr("beta", 2.0f).Count();
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->matmul_flops, 2.0 * 4 * 6 * 5);
  EXPECT_EQ(c->vector_flops, 3.0 * 4 * 5);
  // No C, alpha 1: the product only.
  auto p = NodeBuilder("Gemm").Input({4, 6}).Input({6, 5}).Count();
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->flops(), 240.0);
  // beta=0 means C is not added.
  auto z = NodeBuilder("Gemm").Input({4, 6}).Input({6, 5}).Input({4, 5}).Attr("beta", 0.0f).Count();
  ASSERT_TRUE(z.ok());
  EXPECT_EQ(z->vector_flops, 0.0);
}

TEST(GemmRule, RejectsWrongRank) {
  EXPECT_FALSE(NodeBuilder("Gemm").Input({2, 3, 4}).Input({4, 5}).Count().ok());
}

TEST(MatMulRule, DetIsGaussianElimination) {
  // M = 3: step with 2 rows below the pivot 2 + 2*4 = 10, with 1 row 1 + 2 = 3, then
  // 2 diagonal multiplies: 15 per matrix; a batch of [2, 5] matrices: 150.
  auto c = NodeBuilder("Det").Opset(11).Input({2, 5, 3, 3}).UnknownOutput().Count();
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->vector_flops, 150.0);
  EXPECT_EQ(c->matmul_flops, 0.0);
  // M = 2: 1 + 2 + 1 = 4.
  auto two = NodeBuilder("Det").Opset(11).Input({2, 2}).UnknownOutput().Count();
  ASSERT_TRUE(two.ok()) << two.status();
  EXPECT_EQ(two->vector_flops, 4.0);
  EXPECT_FALSE(NodeBuilder("Det").Opset(11).Input({3, 4}).UnknownOutput().Count().ok());
}

TEST(SparseToDenseMatMulRule, DenseBoundOfTheNonZeros) {
  // A sparse [64,128] x B [128,32]: nnz at most 64*128 = 8,192, each meeting
  // a row of 32: 262,144 MACs, 524,288 FLOPs, an upper bound it names.
  auto c = NodeBuilder("SparseToDenseMatMul", "com.microsoft")
               .Input({64, 128}).Input({128, 32}).Count();
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->macs, 262144.0);
  EXPECT_EQ(c->matmul_flops, 524288.0);
  EXPECT_EQ(c->vector_flops, 0.0);
  EXPECT_NE(c->bound.find("at most 8192 non-zeros"), std::string::npos) << c->bound;
  // transA, transB and alpha: A [128,64]^T x B [32,128]^T, + 64*32 = 2,048 scalings.
  auto t = NodeBuilder("SparseToDenseMatMul", "com.microsoft")
               .Input({128, 64}).Input({32, 128}).Attr("transA", 1).Attr("transB", 1)
               .Attr("alpha", 0.5f).Count();
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->matmul_flops, 524288.0);
  EXPECT_EQ(t->vector_flops, 2048.0);
  // The low end of the range: no non-zeros, no bound text.
  RuleOptions low;
  low.data_dependent_low = true;
  auto l = NodeBuilder("SparseToDenseMatMul", "com.microsoft").Options(low)
               .Input({64, 128}).Input({128, 32}).Count();
  ASSERT_TRUE(l.ok()) << l.status();
  EXPECT_EQ(l->matmul_flops, 0.0);
  EXPECT_TRUE(l->bound.empty());
}

TEST(SparseToDenseMatMulRule, RowsFromTheOutputWhenTheSparseShapeIsUnread) {
  // onnxruntime's sparse_to_dense_matmul.onnx: A is a sparse_tensor_type
  // input (no shape read), B [9,9], Y [9,9]: M = 9 from Y, 81*9 = 729 MACs.
  auto c = NodeBuilder("SparseToDenseMatMul", "com.microsoft")
               .UnknownInput().Input({9, 9}).Output({9, 9}).Count();
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->matmul_flops, 1458.0);
  // Neither A's nor Y's shape: a reason naming the rows.
  auto u = NodeBuilder("SparseToDenseMatMul", "com.microsoft")
               .UnknownInput().Input({9, 9}).UnknownOutput().Count();
  ASSERT_FALSE(u.ok());
  EXPECT_NE(std::string(u.status().message()).find("rows M"), std::string::npos) << u.status();
  // Inner dims that differ are an error.
  EXPECT_FALSE(NodeBuilder("SparseToDenseMatMul", "com.microsoft")
                   .Input({64, 100}).Input({128, 32}).Count().ok());
  // Y [M, N]: M from A when known, else unknown.
  auto y = NodeBuilder("SparseToDenseMatMul", "com.microsoft")
               .Input({64, 128}).Input({128, 32}).Propagate();
  ASSERT_TRUE(y.ok()) << y.status();
  EXPECT_EQ((*y)[0].dims, (Dims{64, 32}));
  auto y2 = NodeBuilder("SparseToDenseMatMul", "com.microsoft")
                .UnknownInput().Input({128, 32}).Propagate();
  ASSERT_TRUE(y2.ok()) << y2.status();
  EXPECT_EQ((*y2)[0].dims, (Dims{-1, 32}));
}

}  // namespace
}  // namespace onnx_flops
