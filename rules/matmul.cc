// MatMul and Gemm: the matrix products that dominate most models; Det; and
// com.microsoft SparseToDenseMatMul, a sparse A times a dense B.
#include <string>

#include "absl/strings/str_cat.h"
#include "rules/families.h"
#include "rules/propagate.h"

namespace onnx_flops {
namespace {

// MatMul A[..., M, K] x B[..., K, N] (numpy semantics): a 1-D A is [1, K]
// with M dropped, a 1-D B is [K, 1] with N dropped; batch dims broadcast.
constexpr char kMatMulFormula[] =
    "2*batch*M*K*N (matmul class); A[...,M,K] x B[...,K,N], batch = product of "
    "the broadcast leading dims; a 1-D operand counts as M=1 or N=1";

absl::StatusOr<Cost> CountMatMul(const NodeView& v) {
  OF_ASSIGN_OR_RETURN(Dims a, InputDims(v, 0));
  OF_ASSIGN_OR_RETURN(Dims b, InputDims(v, 1));
  if (a.empty() || b.empty()) {
    return absl::InvalidArgumentError("MatMul operands must have rank >= 1");
  }
  if (a.size() == 1) a.insert(a.begin(), 1);
  if (b.size() == 1) b.push_back(1);
  const int64_t m = a[a.size() - 2], k = a.back();
  const int64_t kb = b[b.size() - 2], n = b.back();
  if (k != kb) {
    return absl::InvalidArgumentError(absl::StrCat(
        "inner dims differ: A has K=", k, ", B has K=", kb));
  }
  OF_ASSIGN_OR_RETURN(Dims batch, BroadcastDims(Dims(a.begin(), a.end() - 2),
                                                Dims(b.begin(), b.end() - 2)));
  const double batches = NumElements(batch);
  Cost c;
  c.macs = batches * static_cast<double>(m) * static_cast<double>(k) *
           static_cast<double>(n);
  c.matmul_flops = 2 * c.macs;
  c.detail = absl::StrCat("2*batch*M*K*N, batch=", FormatCount(batches), " M=", m,
                          " K=", k, " N=", n);
  return c;
}

// Gemm Y = alpha*A'*B' + beta*C with A' = transA ? A^T : A (M x K).
constexpr char kGemmFormula[] =
    "2*M*K*N (matmul class) + M*N if alpha != 1 + M*N if C is added + M*N if "
    "C is scaled by beta != 1 (vector class)";

absl::StatusOr<Cost> CountGemm(const NodeView& v) {
  OF_ASSIGN_OR_RETURN(Dims a, InputDims(v, 0));
  OF_ASSIGN_OR_RETURN(Dims b, InputDims(v, 1));
  if (a.size() != 2 || b.size() != 2) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Gemm needs 2-D operands, got ", DimsToString(a), " and ", DimsToString(b)));
  }
  const bool trans_a = AttrInt(v, "transA", 0) != 0;
  const bool trans_b = AttrInt(v, "transB", 0) != 0;
  const int64_t m = trans_a ? a[1] : a[0];
  const int64_t k = trans_a ? a[0] : a[1];
  const int64_t kb = trans_b ? b[1] : b[0];
  const int64_t n = trans_b ? b[0] : b[1];
  if (k != kb) {
    return absl::InvalidArgumentError(absl::StrCat(
        "inner dims differ: A' has K=", k, ", B' has K=", kb));
  }
  const float alpha = AttrFloat(v, "alpha", 1.0f);
  const float beta = AttrFloat(v, "beta", 1.0f);
  const bool adds_c = HasInput(v, 2) && beta != 0.0f;
  const double mn = static_cast<double>(m) * static_cast<double>(n);

  Cost c;
  c.macs = mn * static_cast<double>(k);
  c.matmul_flops = 2 * c.macs;
  std::string extra;
  if (alpha != 1.0f) {
    c.vector_flops += mn;
    absl::StrAppend(&extra, " +M*N (alpha)");
  }
  if (adds_c) {
    c.vector_flops += mn;
    absl::StrAppend(&extra, " +M*N (add C)");
    if (beta != 1.0f) {
      c.vector_flops += mn;
      absl::StrAppend(&extra, " +M*N (beta)");
    }
  }
  c.detail = absl::StrCat("2*M*K*N", extra, ", M=", m, " K=", k, " N=", n);
  return c;
}

// ---- Shape propagation ----

// numpy matmul of shapes `a` and `b` (1-D operands promoted and dropped).
absl::StatusOr<Dims> MatMulDims(Dims a, Dims b) {
  if (a.empty() || b.empty()) return absl::InvalidArgumentError("MatMul of a scalar");
  const bool a_vec = a.size() == 1, b_vec = b.size() == 1;
  if (a_vec) a.insert(a.begin(), 1);
  if (b_vec) b.push_back(1);
  const int64_t k_a = a.back(), k_b = b[b.size() - 2];
  if (k_a >= 0 && k_b >= 0 && k_a != k_b) {
    return absl::InvalidArgumentError(absl::StrCat("MatMul of ", DimsToString(a), " and ",
                                                   DimsToString(b), ": inner dims differ"));
  }
  const Dims batch_a(a.begin(), a.end() - 2), batch_b(b.begin(), b.end() - 2);
  OF_ASSIGN_OR_RETURN(Dims out, BroadcastAll({&batch_a, &batch_b}));
  if (!a_vec) out.push_back(a[a.size() - 2]);
  if (!b_vec) out.push_back(b.back());
  return out;
}

void SwapLast(Dims& d) {
  if (d.size() >= 2) std::swap(d[d.size() - 1], d[d.size() - 2]);
}

// Det (opset 11) of X [*, M, M]: Gaussian elimination, per matrix: at step j
// (j = M-1 .. 1 rows left below the pivot) j divides for the multipliers and
// j^2 multiply-subtract updates (2 each), then M-1 multiplies of the
// diagonal. Summed: M(M-1)/2 + M(M-1)(2M-1)/3 + M - 1. Vector class: it is
// not a product of two matrices. Pivoting comparisons are not counted.
constexpr char kDetFormula[] =
    "batch*(M(M-1)/2 + M(M-1)(2M-1)/3 + M-1) (vector class: Gaussian elimination, j divides "
    "and 2*j^2 multiply-subtracts at the step with j rows below the pivot, then the "
    "diagonal's product), X [*, M, M], batch = prod(*)";

absl::StatusOr<Cost> CountDet(const NodeView& v) {
  OF_ASSIGN_OR_RETURN(Dims x, InputDims(v, 0));
  if (x.size() < 2 || x[x.size() - 1] != x[x.size() - 2]) {
    return absl::InvalidArgumentError(
        absl::StrCat("Det needs square matrices [*, M, M], got ", DimsToString(x)));
  }
  const double m = static_cast<double>(x.back());
  const double batch = NumElements(Dims(x.begin(), x.end() - 2));
  const double per = m * (m - 1) / 2 + m * (m - 1) * (2 * m - 1) / 3 + (m > 0 ? m - 1 : 0);
  Cost c;
  c.vector_flops = batch * per;
  c.detail = absl::StrCat("batch*(M(M-1)/2 + M(M-1)(2M-1)/3 + M-1), batch=", FormatCount(batch),
                          " M=", FormatCount(m), ": ", FormatCount(per), " per matrix");
  return c;
}

// com.microsoft SparseToDenseMatMul: Y = alpha * A' * B' with A a sparse
// tensor (COO or CSR) [M, K] and B dense [K, N] (A' = transA ? A^T : A, B'
// likewise). Each stored non-zero of A meets one row of B': nnz(A)*N MACs.
// nnz is in the data, not in the file: the count takes it at its bound, M*K
// (A dense), and names the bound; the low end of the range takes nnz = 0.
// ONNX 1.12 reads no sparse_tensor_type, so A's shape usually comes from the
// output: M = dim 0 of Y, K = the inner dim of B'.
constexpr char kSparseToDenseMatMulFormula[] =
    "2*nnz(A)*N (matmul class) + M*N if alpha != 1 (vector class); A sparse [M, K] (transA: "
    "[K, M]), B dense [K, N] (transB: [N, K]); nnz(A) is data-dependent: at most M*K (A "
    "dense), an upper bound the report names, 0 at the low end of the range; M from A's "
    "shape when known, else from Y [M, N]";

absl::StatusOr<Cost> CountSparseToDenseMatMul(const NodeView& v) {
  OF_ASSIGN_OR_RETURN(Dims b, InputDims(v, 1));
  if (b.size() != 2) {
    return absl::InvalidArgumentError(
        absl::StrCat("SparseToDenseMatMul needs a 2-D dense B, got ", DimsToString(b)));
  }
  const bool trans_a = AttrInt(v, "transA", 0) != 0;
  const bool trans_b = AttrInt(v, "transB", 0) != 0;
  const int64_t k = trans_b ? b[1] : b[0];
  const int64_t n = trans_b ? b[0] : b[1];
  int64_t m = -1;
  std::string m_from;
  if (absl::StatusOr<Dims> a = InputDims(v, 0); a.ok()) {
    if (a->size() != 2) {
      return absl::InvalidArgumentError(
          absl::StrCat("SparseToDenseMatMul needs a 2-D sparse A, got ", DimsToString(*a)));
    }
    const int64_t ka = trans_a ? (*a)[0] : (*a)[1];
    if (ka != k) {
      return absl::InvalidArgumentError(
          absl::StrCat("inner dims differ: A' has K=", ka, ", B' has K=", k));
    }
    m = trans_a ? (*a)[1] : (*a)[0];
    m_from = "A";
  } else if (absl::StatusOr<Dims> y = OutputDims(v, 0); y.ok() && y->size() == 2) {
    if ((*y)[1] != n) {
      return absl::InvalidArgumentError(
          absl::StrCat("output ", DimsToString(*y), " does not end in B's N=", n));
    }
    m = (*y)[0];
    m_from = "Y";
  } else {
    return absl::FailedPreconditionError(absl::StrCat(
        "the rows M of sparse input '", v.node->input(0),
        "' are unknown: neither its shape nor the output's is known"));
  }
  const bool low = v.options != nullptr && v.options->data_dependent_low;
  const double dense = static_cast<double>(m) * static_cast<double>(k);
  const double nnz = low ? 0 : dense;
  const double mn = static_cast<double>(m) * static_cast<double>(n);
  Cost c;
  c.macs = nnz * static_cast<double>(n);
  c.matmul_flops = 2 * c.macs;
  const bool alpha = AttrFloat(v, "alpha", 1.0f) != 1.0f;
  if (alpha) c.vector_flops = mn;
  c.detail = absl::StrCat("2*nnz*N", alpha ? " +M*N (alpha)" : "", ", nnz=",
                          low ? "0 (low end)" : "M*K", "=", FormatCount(nnz), " M=", m, " (from ",
                          m_from, ") K=", k, " N=", n);
  if (!low) {
    c.bound = absl::StrCat("at most ", FormatCount(dense), " non-zeros of sparse A '",
                           v.node->input(0), "': M*K = ", m, "x", k, " (A dense)");
  }
  return c;
}

// Y [M, N]: M from A when its shape is known, N from B'.
absl::StatusOr<Outputs> ShapeOfSparseToDenseMatMul(const NodeView& v) {
  const TensorInfo* a = In(v, 0);
  const TensorInfo* b = In(v, 1);
  const int32_t elem = ElemOf(b);
  int64_t m = -1, n = -1;
  if (Ranked(a) && a->dims.size() == 2) m = AttrInt(v, "transA", 0) != 0 ? a->dims[1] : a->dims[0];
  if (Ranked(b) && b->dims.size() == 2) n = AttrInt(v, "transB", 0) != 0 ? b->dims[0] : b->dims[1];
  return Outputs{Shaped(elem, {m, n})};
}

}  // namespace

absl::StatusOr<Outputs> ShapeOfMatMul(const NodeView& v) {
  const absl::string_view op = v.node->op_type();
  const bool qlinear = op == "QLinearMatMul";
  const TensorInfo* a = In(v, 0);
  const TensorInfo* b = In(v, qlinear ? 3 : 1);
  int32_t elem = ElemOf(a);
  if (op == "MatMulInteger") elem = kInt32;
  if (op == "MatMulIntegerToFloat" || op == "DynamicQuantizeMatMul") elem = kFloat;
  if (qlinear) elem = HasInput(v, 7) && ElemOf(In(v, 7)) != 0 ? ElemOf(In(v, 7)) : ElemOf(a);
  if (!Ranked(a) || !Ranked(b)) return Outputs{TypeOnly(elem)};
  Dims da = a->dims, db = b->dims;
  if (op == "FusedMatMul") {
    if (AttrInt(v, "transBatchA", 0) != 0 || AttrInt(v, "transBatchB", 0) != 0) {
      return Outputs{TypeOnly(elem)};
    }
    if (AttrInt(v, "transA", 0) != 0) SwapLast(da);
    if (AttrInt(v, "transB", 0) != 0) SwapLast(db);
  }
  OF_ASSIGN_OR_RETURN(Dims out, MatMulDims(da, db));
  return Outputs{Shaped(elem, out)};
}

absl::StatusOr<Outputs> ShapeOfGemm(const NodeView& v) {
  const TensorInfo* a = In(v, 0);
  const TensorInfo* b = In(v, 1);
  if (!Ranked(a) || !Ranked(b)) return Outputs{TypeOnly(ElemOf(a))};
  if (a->dims.size() != 2 || b->dims.size() != 2) {
    return absl::InvalidArgumentError(absl::StrCat("Gemm of ", DimsToString(a->dims), " and ",
                                                   DimsToString(b->dims)));
  }
  const int64_t m = AttrInt(v, "transA", 0) != 0 ? a->dims[1] : a->dims[0];
  const int64_t n = AttrInt(v, "transB", 0) != 0 ? b->dims[0] : b->dims[1];
  return Outputs{Shaped(a->elem_type, {m, n})};
}

void RegisterMatMulRules(RuleRegistry& r) {
  Register(r, {"", "MatMul", "matmul", kMatMulFormula, CountMatMul, ShapeOfMatMul,
               Backward(BackwardKind::kMatMul)});
  Register(r, {"", "Det", "matmul", kDetFormula, CountDet});
  Register(r, {"", "Gemm", "matmul", kGemmFormula, CountGemm, ShapeOfGemm,
               Backward(BackwardKind::kProduct), true});
  Register(r, {"com.microsoft", "SparseToDenseMatMul", "matmul", kSparseToDenseMatMulFormula,
               CountSparseToDenseMatMul, ShapeOfSparseToDenseMatMul,
               Backward(BackwardKind::kProduct)});
}

}  // namespace onnx_flops
