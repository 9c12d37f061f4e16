// The classical-ML ops of the ai.onnx.ml domain (sklearn-onnx, onnxmltools).
// X is [N, F] (a 1-D X is one example); per example:
//
//   Scaler 2F ((x - offset) * scale); Imputer F (compare, then a select);
//   Binarizer F (compare); Normalizer MAX 2F-1 (F-1 compares, F divides),
//   L1 3F-1 (|x|, F-1 adds, F divides), L2 3F (squares, F-1 adds, sqrt, F
//   divides).
//   LinearClassifier / LinearRegressor: the scores X * W^T are a matrix
//     product, 2*F*C matmul class (C classes or targets = len(coefficients)/F),
//     + C intercept adds + post_transform per score + (classifier) C-1
//     comparisons for the label.
//   SVMClassifier / SVMRegressor with S support vectors: the kernel's S dot
//     products with X, 2*S*F matmul class (RBF: S*F subtractions and squares
//     and S*(F-1) adds instead, 3*S*F - S vector class), + per support vector
//     LINEAR 0, POLY 3 (gamma*, +coef0, pow), RBF 2 (gamma*, exp), SIGMOID 3
//     (gamma*, +coef0, tanh); then the decision: 2*S (coefficient
//     multiply-adds) + C rho adds (a one-vs-one classifier: 2*S*(C-1), each
//     vector takes part in C-1 pairs, + a rho add and a vote per pair), + the
//     post_transform, + (classifier) C-1 comparisons. An SVM without support
//     vectors is linear: as LinearClassifier/LinearRegressor.
//   TreeEnsembleClassifier / TreeEnsembleRegressor: per tree, one comparison
//     per branch level visited, bounded by the tree's depth (the longest
//     root-to-leaf path, read from the nodes_* attributes), + the leaf's
//     weights added (weights per leaf averaged over the ensemble), + one
//     base value add per output, the post_transform, (classifier) C-1
//     comparisons.
//   post_transform per score: NONE 0, LOGISTIC 4 (as Sigmoid), SOFTMAX and
//     SOFTMAX_ZERO 5 (as Softmax), PROBIT 2 (an inverse erf, a multiply).
//
// Lookups and reshaping (ArrayFeatureExtractor, CastMap, CategoryMapper,
// DictVectorizer, FeatureVectorizer, LabelEncoder, OneHotEncoder, ZipMap)
// compute nothing: data movement.
//
// TfIdfVectorizer, the text featurizer of the ai.onnx domain that these
// pipelines end in, lives here too. Per row of C tokens it examines every
// n-gram that fits: for each length n in [min_gram_length, max_gram_length]
// and skip s in [0, max_skip_count] (unigrams once, their skip is moot), an
// n-gram starting at position i takes tokens i, i+(s+1), ..., i+(n-1)(s+1),
// so C - (n-1)(s+1) start positions when positive. Each examined n-gram is 1
// (its pool lookup; the count of a hit is incremented with it). IDF and
// TFIDF then weight every output element: + numel(Y).
#include <algorithm>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "rules/elementwise.h"
#include "rules/families.h"
#include "rules/propagate.h"

namespace onnx_flops {
namespace {

constexpr char kMl[] = "ai.onnx.ml";

// N examples of F features from X (input 0).
struct Examples {
  double n = 1;
  int64_t f = 0;
};

absl::StatusOr<Examples> ExamplesOf(const NodeView& v) {
  OF_ASSIGN_OR_RETURN(Dims x, InputDims(v, 0));
  Examples e;
  if (x.empty()) {
    e.f = 1;
  } else {
    e.f = x.back();
    e.n = NumElements(Dims(x.begin(), x.end() - 1));
  }
  return e;
}

absl::StatusOr<double> PostTransform(const NodeView& v) {
  const std::string t = AttrString(v, "post_transform", "NONE");
  if (t == "NONE") return 0.0;
  if (t == "LOGISTIC") return 4.0;
  if (t == "SOFTMAX" || t == "SOFTMAX_ZERO") return 5.0;
  if (t == "PROBIT") return 2.0;
  return absl::UnimplementedError(absl::StrCat("post_transform '", t, "'"));
}

size_t FloatsLen(const NodeView& v, absl::string_view name) {
  const onnx::AttributeProto* a = FindAttr(v, name);
  if (a == nullptr) return 0;
  if (a->floats_size() > 0) return static_cast<size_t>(a->floats_size());
  if (a->has_t()) return static_cast<size_t>(NumElements(Dims(a->t().dims().begin(), a->t().dims().end())));
  return 0;
}

bool IsClassifier(const NodeView& v) {
  return absl::EndsWith(v.node->op_type(), "Classifier");
}

// ---- Elementwise preprocessing ----

constexpr char kScalerFormula[] = "2*numel(X) ((x - offset) * scale)";
absl::StatusOr<Cost> CountScaler(const NodeView& v) {
  return PerElementCost(v, 2, /*first_input_only=*/true);
}

constexpr char kCompareFormula[] = "1*numel(X) (a comparison per element)";
absl::StatusOr<Cost> CountCompare(const NodeView& v) {
  return PerElementCost(v, 1, /*first_input_only=*/true);
}

constexpr char kNormalizerFormula[] =
    "per row of F: MAX 2F-1 (compares, divides), L1 3F-1 (abs, adds, divides), L2 3F "
    "(squares, adds, sqrt, divides)";
absl::StatusOr<Cost> CountNormalizer(const NodeView& v) {
  OF_ASSIGN_OR_RETURN(Examples e, ExamplesOf(v));
  const std::string norm = AttrString(v, "norm", "MAX");
  const double f = static_cast<double>(e.f);
  double per_row = 0;
  if (norm == "MAX") {
    per_row = 2 * f - 1;
  } else if (norm == "L1") {
    per_row = 3 * f - 1;
  } else if (norm == "L2") {
    per_row = 3 * f;
  } else {
    return absl::UnimplementedError(absl::StrCat("norm '", norm, "'"));
  }
  Cost c;
  c.vector_flops = e.n * per_row;
  c.detail = absl::StrCat(norm, ": N*", FormatCount(per_row), ", N=", FormatCount(e.n),
                          " F=", e.f);
  return c;
}

// ---- Linear models ----

// Scores of C outputs per example from coefficients [C, F].
Cost LinearScores(const Examples& e, double classes, double post, bool classifier) {
  Cost c;
  const double f = static_cast<double>(e.f);
  c.macs = e.n * classes * f;
  c.matmul_flops = 2 * c.macs;
  const double per_example = classes + post * classes + (classifier ? classes - 1 : 0);
  c.vector_flops = e.n * per_example;
  c.detail = absl::StrCat("2*N*F*C, N=", FormatCount(e.n), " F=", e.f, " C=",
                          FormatCount(classes), "; intercepts + post_transform ",
                          FormatCount(post), "/score", classifier ? " + argmax C-1" : "");
  return c;
}

constexpr char kLinearFormula[] =
    "2*N*F*C (matmul class; C = len(coefficients)/F) + N*(C intercepts + C*post_transform "
    "+ (classifier) C-1 comparisons)";
absl::StatusOr<Cost> CountLinear(const NodeView& v) {
  OF_ASSIGN_OR_RETURN(Examples e, ExamplesOf(v));
  OF_ASSIGN_OR_RETURN(const double post, PostTransform(v));
  const size_t coefficients = FloatsLen(v, "coefficients");
  if (e.f <= 0 || coefficients == 0 || coefficients % static_cast<size_t>(e.f) != 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        coefficients, " coefficients are not a whole number of rows of F=", e.f));
  }
  return LinearScores(e, static_cast<double>(coefficients / static_cast<size_t>(e.f)), post,
                      IsClassifier(v));
}

// ---- SVMs ----

constexpr char kSvmFormula[] =
    "kernel: 2*N*S*F matmul class (RBF: 3*N*S*F - N*S vector) + N*S*(LINEAR 0, POLY 3, RBF 2, "
    "SIGMOID 3); decision: regressor N*(2*S + 1 rho), one-vs-one classifier N*(2*S*(C-1) + "
    "C(C-1): a rho add and a vote per pair); + post_transform per score + (classifier) C-1 "
    "comparisons; no support vectors: as LinearClassifier/LinearRegressor";
absl::StatusOr<Cost> CountSvm(const NodeView& v) {
  OF_ASSIGN_OR_RETURN(Examples e, ExamplesOf(v));
  OF_ASSIGN_OR_RETURN(const double post, PostTransform(v));
  const bool classifier = IsClassifier(v);
  const size_t sv_floats = FloatsLen(v, "support_vectors");
  const double f = static_cast<double>(e.f);
  if (sv_floats == 0) {  // a linear SVM: coefficients [C, F]
    return CountLinear(v);
  }
  if (e.f <= 0 || sv_floats % static_cast<size_t>(e.f) != 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        sv_floats, " support-vector values are not a whole number of rows of F=", e.f));
  }
  const double s = static_cast<double>(sv_floats / static_cast<size_t>(e.f));
  const std::string kernel = AttrString(v, "kernel_type", "LINEAR");
  double per_vector = 0;
  if (kernel == "POLY" || kernel == "SIGMOID") {
    per_vector = 3;
  } else if (kernel == "RBF") {
    per_vector = 2;
  } else if (kernel != "LINEAR") {
    return absl::UnimplementedError(absl::StrCat("kernel_type '", kernel, "'"));
  }
  Cost c;
  if (kernel == "RBF") {
    c.vector_flops = e.n * (3 * s * f - s);
  } else {
    c.macs = e.n * s * f;
    c.matmul_flops = 2 * c.macs;
  }
  double classes = 1;
  double decision = 2 * s + 1;  // regressor: coefficient multiply-adds + rho
  if (classifier) {
    const onnx::AttributeProto* per_class = FindAttr(v, "vectors_per_class");
    classes = per_class == nullptr ? 2 : std::max(2, per_class->ints_size());
    decision = 2 * s * (classes - 1) + classes * (classes - 1) / 2 * 2;
  }
  c.vector_flops += e.n * (s * per_vector + decision + post * classes +
                           (classifier ? classes - 1 : 0));
  c.detail = absl::StrCat(kernel, " kernel, N=", FormatCount(e.n), " S=", FormatCount(s),
                          " F=", e.f, classifier ? absl::StrCat(" C=", FormatCount(classes)) : "",
                          "; post_transform ", FormatCount(post), "/score");
  return c;
}

// ---- Tree ensembles ----

// The longest root-to-leaf path (branch nodes on it) of each tree, the
// number of leaves, from the nodes_* attributes.
struct Forest {
  std::vector<int64_t> depths;
  double leaves = 0;
};

absl::StatusOr<Forest> ReadForest(const NodeView& v) {
  const std::vector<int64_t> tree = AttrInts(v, "nodes_treeids");
  const std::vector<int64_t> id = AttrInts(v, "nodes_nodeids");
  const std::vector<int64_t> yes = AttrInts(v, "nodes_truenodeids");
  const std::vector<int64_t> no = AttrInts(v, "nodes_falsenodeids");
  const onnx::AttributeProto* modes = FindAttr(v, "nodes_modes");
  const size_t n = tree.size();
  if (n == 0 || id.size() != n || yes.size() != n || no.size() != n || modes == nullptr ||
      static_cast<size_t>(modes->strings_size()) != n) {
    return absl::InvalidArgumentError(
        "nodes_treeids/nodeids/truenodeids/falsenodeids/modes missing or of different lengths");
  }
  // (tree, node) -> index; roots are the nodes no other node of the tree points at.
  absl::flat_hash_map<std::pair<int64_t, int64_t>, size_t> index;
  absl::flat_hash_set<std::pair<int64_t, int64_t>> children;
  for (size_t i = 0; i < n; ++i) {
    index.emplace(std::make_pair(tree[i], id[i]), i);
    if (modes->strings(static_cast<int>(i)) != "LEAF") {
      children.insert({tree[i], yes[i]});
      children.insert({tree[i], no[i]});
    }
  }
  Forest forest;
  absl::flat_hash_map<int64_t, int64_t> depth_of_tree;
  for (size_t i = 0; i < n; ++i) {
    const bool leaf = modes->strings(static_cast<int>(i)) == "LEAF";
    forest.leaves += leaf ? 1 : 0;
    if (children.contains({tree[i], id[i]})) continue;
    // Depth-first from the root, with the path length; a path longer than the
    // node count is a cycle in a malformed file: bounded by it.
    int64_t deepest = 0;
    std::vector<std::pair<size_t, int64_t>> stack{{i, 0}};
    while (!stack.empty()) {
      const auto [k, d] = stack.back();
      stack.pop_back();
      if (modes->strings(static_cast<int>(k)) == "LEAF" || d >= static_cast<int64_t>(n)) {
        deepest = std::max(deepest, d);
        continue;
      }
      for (int64_t child : {yes[k], no[k]}) {
        auto it = index.find({tree[k], child});
        if (it == index.end()) {
          return absl::InvalidArgumentError(absl::StrCat("tree ", tree[k], " node ", id[k],
                                                         " points at a missing node ", child));
        }
        stack.push_back({it->second, d + 1});
      }
    }
    depth_of_tree[tree[i]] = std::max(depth_of_tree[tree[i]], deepest);
  }
  for (const auto& [t, d] : depth_of_tree) forest.depths.push_back(d);
  return forest;
}

constexpr char kTreeFormula[] =
    "per example: sum over trees of depth (one comparison per branch level, bounded by each "
    "tree's longest path) + trees*w (w = leaf weights per leaf, averaged) + outputs (base "
    "values) + post_transform per output + (classifier) C-1 comparisons";
absl::StatusOr<Cost> CountTreeEnsemble(const NodeView& v) {
  OF_ASSIGN_OR_RETURN(Examples e, ExamplesOf(v));
  OF_ASSIGN_OR_RETURN(const double post, PostTransform(v));
  OF_ASSIGN_OR_RETURN(Forest forest, ReadForest(v));
  const bool classifier = IsClassifier(v);
  const std::string weight_attr = classifier ? "class_weights" : "target_weights";
  // ai.onnx.ml 3 may give the weights as a tensor (double precision) instead.
  const size_t weights = std::max(FloatsLen(v, weight_attr),
                                  FloatsLen(v, weight_attr + "_as_tensor"));
  double outputs = 1;
  if (classifier) {
    const onnx::AttributeProto* ints = FindAttr(v, "classlabels_int64s");
    const onnx::AttributeProto* strings = FindAttr(v, "classlabels_strings");
    outputs = std::max<double>(ints != nullptr ? ints->ints_size() : 0,
                               strings != nullptr ? strings->strings_size() : 0);
    outputs = std::max(outputs, 1.0);
  } else {
    outputs = static_cast<double>(std::max<int64_t>(AttrInt(v, "n_targets", 1), 1));
  }
  double compares = 0;
  for (int64_t d : forest.depths) compares += static_cast<double>(d);
  const double trees = static_cast<double>(forest.depths.size());
  const double per_leaf = forest.leaves > 0 ? static_cast<double>(weights) / forest.leaves : 0;
  const double per_example = compares + trees * per_leaf + outputs + post * outputs +
                             (classifier ? outputs - 1 : 0);
  Cost c;
  c.vector_flops = e.n * per_example;
  c.detail = absl::StrCat("N*(", FormatCount(compares), " compares over ", FormatCount(trees),
                          " trees + ", FormatCount(trees * per_leaf), " leaf adds + ",
                          FormatCount(outputs), " outputs), N=", FormatCount(e.n),
                          "; post_transform ", FormatCount(post), "/output");
  return c;
}

// ---- TfIdfVectorizer (ai.onnx) ----

constexpr char kTfIdfFormula[] =
    "rows * sum over n in [min_gram_length, max_gram_length] and skip s in [0, "
    "max_skip_count] (s = 0 only for n = 1) of max(C - (n-1)(s+1), 0): one pool lookup per "
    "n-gram examined (vector class), X [C] or [rows, C]; + numel(Y) when mode is IDF or "
    "TFIDF (the weighting); Y [rows, max(ngram_indexes)+1]";

// The n-grams of one row of c tokens examined at length n with skips
// 0..max_skip: t = s+1 runs 1..T while (n-1)*t < c, each giving c - (n-1)*t
// starts, i.e. T*c - (n-1)*T*(T+1)/2 (closed form: c and the skip count
// can be large).
double NgramsOfLength(int64_t c, int64_t n, int64_t max_skip) {
  if (n == 1) return static_cast<double>(c);
  const int64_t a = n - 1;
  if (c <= a) return 0;
  const double t = static_cast<double>(std::min<int64_t>(max_skip + 1, (c - 1) / a));
  return t * static_cast<double>(c) - static_cast<double>(a) * t * (t + 1) / 2;
}

absl::StatusOr<Cost> CountTfIdfVectorizer(const NodeView& v) {
  OF_ASSIGN_OR_RETURN(Dims x, InputDims(v, 0));
  if (x.empty() || x.size() > 2) {
    return absl::InvalidArgumentError(
        absl::StrCat("TfIdfVectorizer input must be [C] or [N, C], got ", DimsToString(x)));
  }
  const int64_t lo = AttrInt(v, "min_gram_length", -1);
  const int64_t hi = AttrInt(v, "max_gram_length", -1);
  const int64_t skip = AttrInt(v, "max_skip_count", -1);
  OF_RETURN_IF_ERROR(CheckAttrRange("min_gram_length", {lo}, 1, kMaxDim));
  // Each length is one term below: a bound keeps the loop short.
  OF_RETURN_IF_ERROR(CheckAttrRange("max_gram_length", {hi}, lo, lo + 65535));
  OF_RETURN_IF_ERROR(CheckAttrRange("max_skip_count", {skip}, 0, kMaxDim));
  const std::vector<int64_t> indexes = AttrInts(v, "ngram_indexes");
  if (indexes.empty()) return absl::FailedPreconditionError("missing attribute 'ngram_indexes'");
  OF_RETURN_IF_ERROR(CheckAttrRange("ngram_indexes", indexes, 0, kMaxDim - 1));
  const int64_t width = *std::max_element(indexes.begin(), indexes.end()) + 1;
  const double rows = x.size() == 2 ? static_cast<double>(x[0]) : 1;
  const int64_t c = x.back();
  double per_row = 0;
  for (int64_t n = lo; n <= hi && n - 1 < c; ++n) per_row += NgramsOfLength(c, n, skip);
  const std::string mode = AttrString(v, "mode", "");
  const bool weighted = mode == "IDF" || mode == "TFIDF";
  if (!weighted && mode != "TF") {
    return absl::InvalidArgumentError(
        absl::StrCat("mode '", mode, "' is not TF, IDF or TFIDF"));
  }
  const double out = rows * static_cast<double>(width);
  Cost c_out;
  c_out.vector_flops = rows * per_row + (weighted ? out : 0);
  c_out.detail = absl::StrCat("rows*lookups", weighted ? " + numel(Y)" : "", ", rows=",
                              FormatCount(rows), " C=", c, " n=", lo, "..", hi, " skips 0..",
                              skip, ": ", FormatCount(per_row), " lookups per row",
                              weighted ? absl::StrCat("; ", mode, " weighting ", FormatCount(out))
                                       : std::string("; TF: counts only"));
  return c_out;
}

// Y: [N, max(ngram_indexes)+1] for X [N, C], [max(ngram_indexes)+1] for X [C]; float.
absl::StatusOr<Outputs> ShapeOfTfIdfVectorizer(const NodeView& v) {
  const TensorInfo* x = In(v, 0);
  const std::vector<int64_t> indexes = AttrInts(v, "ngram_indexes");
  int64_t width = -1;
  if (!indexes.empty()) {
    const int64_t top = *std::max_element(indexes.begin(), indexes.end());
    width = top >= 0 && top < kMaxDim ? top + 1 : -1;
  }
  if (!Ranked(x)) return Outputs{TypeOnly(kFloat)};
  if (x->dims.size() == 1) return Outputs{Shaped(kFloat, {width})};
  if (x->dims.size() == 2) return Outputs{Shaped(kFloat, {x->dims[0], width})};
  return absl::InvalidArgumentError("TfIdfVectorizer input must be [C] or [N, C]");
}

// ---- Shapes ----

// Scaler and Normalizer: X's shape, always float.
absl::StatusOr<Outputs> ShapeOfFloatFeatures(const NodeView& v) {
  const TensorInfo* x = In(v, 0);
  return Outputs{Ranked(x) ? Shaped(kFloat, x->dims) : TypeOnly(kFloat)};
}

// ---- Lookups and reshaping ----

constexpr char kMoveFormula[] =
    "0 FLOP: data movement (lookups, maps and reshaping of features)";
absl::StatusOr<Cost> CountMove(const NodeView& v) {
  Cost c;
  c.data_movement = true;
  c.detail = absl::StrCat("0 FLOP: ", v.node->op_type(), " moves data");
  return c;
}

}  // namespace

void RegisterMlRules(RuleRegistry& r) {
  Register(r, {kMl, "Scaler", "ml", kScalerFormula, CountScaler, ShapeOfFloatFeatures});
  Register(r, {kMl, "Imputer", "ml", kCompareFormula, CountCompare, ShapeOfUnary});
  Register(r, {kMl, "Binarizer", "ml", kCompareFormula, CountCompare, ShapeOfUnary});
  Register(r, {kMl, "Normalizer", "ml", kNormalizerFormula, CountNormalizer,
               ShapeOfFloatFeatures});
  Register(r, {kMl, "LinearClassifier", "ml", kLinearFormula, CountLinear});
  Register(r, {kMl, "LinearRegressor", "ml", kLinearFormula, CountLinear});
  Register(r, {kMl, "SVMClassifier", "ml", kSvmFormula, CountSvm});
  Register(r, {kMl, "SVMRegressor", "ml", kSvmFormula, CountSvm});
  Register(r, {kMl, "TreeEnsembleClassifier", "ml", kTreeFormula, CountTreeEnsemble});
  Register(r, {kMl, "TreeEnsembleRegressor", "ml", kTreeFormula, CountTreeEnsemble});
  Register(r, {"", "TfIdfVectorizer", "ml", kTfIdfFormula, CountTfIdfVectorizer,
               ShapeOfTfIdfVectorizer});
  for (const char* op : {"ArrayFeatureExtractor", "CastMap", "CategoryMapper", "DictVectorizer",
                         "FeatureVectorizer", "LabelEncoder", "OneHotEncoder", "ZipMap"}) {
    Register(r, {kMl, op, "ml", kMoveFormula, CountMove});
  }
}

}  // namespace onnx_flops
