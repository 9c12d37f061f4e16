// Einsum: the equation is evaluated pairwise, left to right, and each step is
// costed as a matrix product (when it sums a letter away) or as an elementwise
// / outer product (when it does not).
#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "rules/families.h"
#include "rules/propagate.h"

namespace onnx_flops {
namespace {

// Labels: a letter is its char code; the j-th ellipsis dim (right-aligned
// across operands) is kEllipsisBase + j.
constexpr int kEllipsisBase = 1000;
using Labels = std::vector<int>;          // in first-appearance order, unique
using LabelSizes = std::map<int, int64_t>;

std::string LabelName(int label) {
  if (label >= kEllipsisBase) return absl::StrCat("...", label - kEllipsisBase);
  return std::string(1, static_cast<char>(label));
}

std::string LabelsToString(const Labels& labels) {
  std::string s;
  for (int l : labels) {
    if (l >= kEllipsisBase) {
      if (s.size() < 3 || s.compare(s.size() - 3, 3, "...") != 0) s += "...";
    } else {
      s += static_cast<char>(l);
    }
  }
  return s;
}

// One term of the equation: letters with at most one "..." among them.
struct Term {
  std::vector<int> letters_before, letters_after;  // around the ellipsis
  bool has_ellipsis = false;
};

absl::StatusOr<Term> ParseTerm(const std::string& text) {
  Term t;
  for (size_t i = 0; i < text.size(); ++i) {
    const char ch = text[i];
    if (ch == '.') {
      if (t.has_ellipsis || text.compare(i, 3, "...") != 0) {
        return absl::InvalidArgumentError(
            absl::StrCat("bad ellipsis in einsum term '", text, "'"));
      }
      t.has_ellipsis = true;
      i += 2;
    } else if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z')) {
      (t.has_ellipsis ? t.letters_after : t.letters_before).push_back(ch);
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat("bad character '", std::string(1, ch), "' in einsum term '", text,
                       "'"));
    }
  }
  return t;
}

// The operand's labels (unique) with their sizes; repeated letters (diagonals)
// must have equal sizes.
struct Operand {
  Labels labels;
  LabelSizes sizes;
  bool has_repeats = false;
};

absl::Status AddLabel(Operand& op, int label, int64_t size) {
  auto [it, inserted] = op.sizes.emplace(label, size);
  if (inserted) {
    op.labels.push_back(label);
  } else {
    op.has_repeats = true;
    if (it->second != size) {
      return absl::InvalidArgumentError(absl::StrCat(
          "einsum letter '", LabelName(label), "' repeated with sizes ", it->second,
          " and ", size));
    }
  }
  return absl::OkStatus();
}

double Product(const Labels& labels, const LabelSizes& sizes) {
  double p = 1;
  for (int l : labels) p *= static_cast<double>(sizes.at(l));
  return p;
}

std::string SizesString(const Labels& labels, const LabelSizes& sizes) {
  std::vector<std::string> parts;
  for (int l : labels) parts.push_back(absl::StrCat(sizes.at(l)));
  return parts.empty() ? "1" : absl::StrJoin(parts, "*");
}

constexpr char kEinsumFormula[] =
    "operands contracted pairwise left to right; the intermediate keeps the letters "
    "that appear in the output or in later operands. A step that sums a letter away "
    "is a matrix product: 2*prod(sizes of every letter of the pair) (matmul class, "
    "MACs = half); a step that sums nothing (outer/elementwise product) costs "
    "prod(sizes of every letter of the pair) multiplies (vector class). A single "
    "operand (transpose, diagonal, trace, sum) costs prod(its letters) - prod(kept "
    "letters) adds (vector class); 0 and data movement when nothing is summed. "
    "Repeated letters are diagonals (free); '...' dims broadcast like numpy; "
    "implicit output = '...' then the letters used once, sorted";

absl::StatusOr<Cost> CountEinsum(const NodeView& v) {
  if (FindAttr(v, "equation") == nullptr) {
    return absl::FailedPreconditionError("missing attribute 'equation'");
  }
  std::string eq;
  for (char ch : AttrString(v, "equation", "")) {
    if (ch != ' ' && ch != '\t') eq += ch;
  }
  const size_t arrow = eq.find("->");
  const std::string lhs = eq.substr(0, arrow);
  std::vector<std::string> terms_text = absl::StrSplit(lhs, ',');
  const int n = v.node == nullptr ? 0 : v.node->input_size();
  if (static_cast<int>(terms_text.size()) != n || n == 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "einsum equation '", eq, "' has ", terms_text.size(), " operand terms but the node has ",
        n, " inputs"));
  }

  // Parse the terms and bind their letters to the operand dims.
  std::vector<Term> terms;
  std::vector<Dims> dims;
  int64_t ellipsis_rank = 0;
  for (int i = 0; i < n; ++i) {
    OF_ASSIGN_OR_RETURN(Term t, ParseTerm(terms_text[static_cast<size_t>(i)]));
    OF_ASSIGN_OR_RETURN(Dims d, InputDims(v, i));
    const int64_t letters =
        static_cast<int64_t>(t.letters_before.size() + t.letters_after.size());
    const int64_t rank = static_cast<int64_t>(d.size());
    if (rank < letters || (!t.has_ellipsis && rank != letters)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "einsum term '", terms_text[static_cast<size_t>(i)], "' does not fit operand ", i,
          " of shape ", DimsToString(d)));
    }
    ellipsis_rank = std::max(ellipsis_rank, rank - letters);
    terms.push_back(std::move(t));
    dims.push_back(std::move(d));
  }
  std::vector<Operand> ops(static_cast<size_t>(n));
  LabelSizes global;  // broadcast size of every label
  std::map<int, int> letter_count;
  for (size_t i = 0; i < ops.size(); ++i) {
    const Term& t = terms[i];
    const Dims& d = dims[i];
    const size_t ell = d.size() - t.letters_before.size() - t.letters_after.size();
    size_t axis = 0;
    for (int l : t.letters_before) {
      if (absl::Status st = AddLabel(ops[i], l, d[axis++]); !st.ok()) return st;
      ++letter_count[l];
    }
    for (size_t j = 0; j < ell; ++j) {
      const int label = kEllipsisBase + static_cast<int>(ellipsis_rank - static_cast<int64_t>(ell) + static_cast<int64_t>(j));
      if (absl::Status st = AddLabel(ops[i], label, d[axis++]); !st.ok()) return st;
    }
    for (int l : t.letters_after) {
      if (absl::Status st = AddLabel(ops[i], l, d[axis++]); !st.ok()) return st;
      ++letter_count[l];
    }
    for (int l : ops[i].labels) {
      const int64_t size = ops[i].sizes[l];
      auto [it, inserted] = global.emplace(l, size);
      if (!inserted && it->second != size) {
        if (it->second != 1 && size != 1) {
          return absl::InvalidArgumentError(absl::StrCat(
              "einsum ", l >= kEllipsisBase ? "broadcast dim" : "letter", " '",
              LabelName(l), "' has sizes ", it->second, " and ", size));
        }
        it->second = std::max(it->second, size);
      }
    }
  }

  // Output labels.
  Labels out;
  if (arrow != std::string::npos) {
    OF_ASSIGN_OR_RETURN(Term t, ParseTerm(eq.substr(arrow + 2)));
    std::vector<int> seq = t.letters_before;
    if (t.has_ellipsis) {
      for (int64_t j = 0; j < ellipsis_rank; ++j) seq.push_back(kEllipsisBase + static_cast<int>(j));
    }
    seq.insert(seq.end(), t.letters_after.begin(), t.letters_after.end());
    for (int l : seq) {
      if (global.count(l) == 0 || std::count(out.begin(), out.end(), l) != 0) {
        return absl::InvalidArgumentError(absl::StrCat(
            "einsum output letter '", LabelName(l),
            "' is repeated or absent from the inputs in '", eq, "'"));
      }
      out.push_back(l);
    }
  } else {
    for (int64_t j = 0; j < ellipsis_rank; ++j) out.push_back(kEllipsisBase + static_cast<int>(j));
    for (const auto& [letter, count] : letter_count) {  // std::map: sorted
      if (count == 1) out.push_back(letter);
    }
  }
  // A known output shape must match.
  if (!v.outputs.empty() && v.outputs[0] != nullptr && v.outputs[0]->has_shape) {
    Dims expected;
    for (int l : out) expected.push_back(global[l]);
    const Dims& got = v.outputs[0]->dims;
    bool agree = got.size() == expected.size();
    for (size_t i = 0; agree && i < got.size(); ++i) {
      if (got[i] >= 0 && got[i] != expected[i]) agree = false;
    }
    if (!agree) {
      return absl::InvalidArgumentError(absl::StrCat(
          "einsum output shape ", DimsToString(got), " disagrees with the computed shape ",
          DimsToString(expected), " for '", eq, "'"));
    }
  }
  auto in_output = [&out](int l) { return std::count(out.begin(), out.end(), l) != 0; };

  Cost c;
  if (n == 1) {
    const Operand& op = ops[0];
    Labels kept;
    for (int l : op.labels) {
      if (in_output(l)) kept.push_back(l);
    }
    const double total = Product(op.labels, op.sizes);
    const double remain = Product(kept, op.sizes);
    c.vector_flops = total - remain;
    if (c.vector_flops == 0) {
      c.data_movement = true;
      c.detail = absl::StrCat(op.has_repeats ? "diagonal" : "transpose", " '", eq,
                              "': nothing summed, data movement");
    } else {
      c.detail = absl::StrCat("'", eq, "': prod(operand letters) - prod(kept) = ",
                              SizesString(op.labels, op.sizes), " - ",
                              SizesString(kept, op.sizes), " adds");
    }
    return c;
  }

  // Pairwise, left to right.
  Labels cur = ops[0].labels;
  LabelSizes cur_sizes = ops[0].sizes;
  std::vector<std::string> steps;
  for (size_t i = 1; i < ops.size(); ++i) {
    const Operand& op = ops[i];
    Labels uni = cur;
    LabelSizes uni_sizes = cur_sizes;
    for (int l : op.labels) {
      auto [it, inserted] = uni_sizes.emplace(l, op.sizes.at(l));
      if (inserted) {
        uni.push_back(l);
      } else {
        it->second = std::max(it->second, op.sizes.at(l));
      }
    }
    Labels kept, summed;
    for (int l : uni) {
      bool later = in_output(l);
      for (size_t j = i + 1; !later && j < ops.size(); ++j) later = ops[j].sizes.count(l) != 0;
      (later ? kept : summed).push_back(l);
    }
    const double p = Product(uni, uni_sizes);
    const std::string pair = absl::StrCat(LabelsToString(cur), ",", LabelsToString(op.labels),
                                          "->", LabelsToString(kept));
    if (!summed.empty()) {
      c.matmul_flops += 2 * p;
      steps.push_back(absl::StrCat(pair, " sums ", LabelsToString(summed), ": 2*",
                                   SizesString(uni, uni_sizes), " = ", FormatCount(2 * p),
                                   " (matmul)"));
    } else {
      c.vector_flops += p;
      steps.push_back(absl::StrCat(pair, " sums nothing: ", SizesString(uni, uni_sizes),
                                   " = ", FormatCount(p), " multiplies"));
    }
    LabelSizes next_sizes;
    for (int l : kept) next_sizes[l] = uni_sizes[l];
    cur = std::move(kept);
    cur_sizes = std::move(next_sizes);
  }
  c.macs = c.matmul_flops / 2;
  c.detail = absl::StrCat("'", eq, "': ", absl::StrJoin(steps, "; "));
  return c;
}

// ---- Shape propagation ----

// Einsum: labels of the inputs give the output's dims; "..." broadcasts.
absl::StatusOr<Outputs> ShapeOfEinsum(const NodeView& v) {
  std::string eq = AttrString(v, "equation", "");
  eq.erase(std::remove(eq.begin(), eq.end(), ' '), eq.end());
  const int32_t elem = ElemOf(In(v, 0));
  const size_t arrow = eq.find("->");
  const std::string lhs = eq.substr(0, arrow);
  std::vector<std::string> terms;
  for (size_t start = 0;;) {
    const size_t comma = lhs.find(',', start);
    terms.push_back(lhs.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  if (static_cast<int>(terms.size()) != v.node->input_size()) {
    return absl::InvalidArgumentError("Einsum equation does not match the inputs");
  }
  std::map<char, int64_t> size;
  std::map<char, int> count;
  std::vector<const Dims*> ellipses;
  std::vector<Dims> ellipsis_store(terms.size());
  for (size_t i = 0; i < terms.size(); ++i) {
    const TensorInfo* t = In(v, static_cast<int>(i));
    if (!Ranked(t)) return Outputs{TypeOnly(elem)};
    std::string term = terms[i];
    const size_t dots = term.find("...");
    const size_t labels = term.size() - (dots == std::string::npos ? 0 : 3);
    if (labels > t->dims.size()) return absl::InvalidArgumentError("Einsum term longer than its input's rank");
    const size_t ell_rank = t->dims.size() - labels;
    if (dots == std::string::npos && ell_rank != 0) {
      return absl::InvalidArgumentError("Einsum term shorter than its input's rank");
    }
    size_t axis = 0;
    for (size_t c = 0; c < term.size(); ++c) {
      if (term.compare(c, 3, "...") == 0) {
        ellipsis_store[i].assign(t->dims.begin() + static_cast<int64_t>(axis),
                                 t->dims.begin() + static_cast<int64_t>(axis + ell_rank));
        ellipses.push_back(&ellipsis_store[i]);
        axis += ell_rank;
        c += 2;
        continue;
      }
      const char l = term[c];
      const int64_t d = t->dims[axis++];
      count[l]++;
      auto it = size.find(l);
      if (it == size.end() || it->second < 0 || it->second == 1) {
        // A 1 broadcasts; an unknown stays unknown unless a real size comes.
        size[l] = it != size.end() && it->second < 0 && d == 1 ? -1 : d;
      } else if (d >= 0 && d != 1 && d != it->second) {
        return absl::InvalidArgumentError(absl::StrCat("Einsum label '", std::string(1, l),
                                                       "' has sizes ", it->second, " and ", d));
      }
    }
  }
  OF_ASSIGN_OR_RETURN(Dims ell, BroadcastAll(ellipses));
  std::string rhs;
  if (arrow != std::string::npos) {
    rhs = eq.substr(arrow + 2);
  } else {
    rhs = ellipses.empty() ? "" : "...";
    for (const auto& [l, n] : count) {
      if (n == 1) rhs.push_back(l);
    }
  }
  Dims out;
  for (size_t c = 0; c < rhs.size(); ++c) {
    if (rhs.compare(c, 3, "...") == 0) {
      out.insert(out.end(), ell.begin(), ell.end());
      c += 2;
      continue;
    }
    auto it = size.find(rhs[c]);
    if (it == size.end()) return absl::InvalidArgumentError("Einsum output label not in the inputs");
    out.push_back(it->second);
  }
  return Outputs{Shaped(elem, out)};
}

}  // namespace

void RegisterEinsumRules(RuleRegistry& r) {
  Register(r, {"", "Einsum", "einsum", kEinsumFormula, CountEinsum, ShapeOfEinsum,
               Backward(BackwardKind::kEinsum)});
}

}  // namespace onnx_flops
