#include "analyzer/shapes/routing_tags.h"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "rules/propagate.h"
#include "rules/rule.h"

namespace onnx_flops {
namespace {

using Tag = std::optional<RoutingTag>;

const RoutingTag* TagOf(const NodeView& v, int i) {
  const TensorInfo* t = In(v, i);
  return t != nullptr && t->routing.has_value() ? &*t->routing : nullptr;
}

int Rank(const TensorInfo& t) { return static_cast<int>(t.dims.size()); }

// Where axis `a` of a tensor of dims `in` lands in `out` when only the
// shape changes (Reshape, Squeeze, Unsqueeze, Flatten): the axis of the
// same size after the same number of elements; -1 when it is split or merged.
int AxisAfterReshape(int a, const Dims& in, const Dims& out) {
  if (a < 0 || a >= static_cast<int>(in.size())) return -1;
  const int64_t before = Product(in, 0, static_cast<size_t>(a));
  if (before < 0) return -1;
  for (size_t j = 0; j < out.size(); ++j) {
    if (Product(out, 0, j) == before && out[j] == in[static_cast<size_t>(a)]) {
      return static_cast<int>(j);
    }
  }
  return -1;
}

// The axes of a tag after axis `removed` is dropped (Gather with a scalar index).
int AfterRemoving(int axis, int removed) {
  if (axis < 0 || axis == removed) return -1;
  return axis > removed ? axis - 1 : axis;
}

// The TopK/ArgMax over the last axis of router scores [..., E]. Routers
// pick among a handful to a few hundred experts; a TopK over a vector (a
// detector's scores) is not one.
Tag FromRouter(const NodeView& v, const std::vector<TensorInfo>& outs) {
  const std::string& op = v.node->op_type();
  const TensorInfo* x = In(v, 0);
  const size_t slot = op == "TopK" ? 1 : 0;
  if (!Known(x) || x->dims.size() < 2 || outs.size() <= slot || !outs[slot].has_shape ||
      !AllKnown(outs[slot].dims) || static_cast<int>(slot) >= v.node->output_size()) {
    return std::nullopt;
  }
  const int rank = Rank(*x);
  const int64_t axis = AttrInt(v, "axis", op == "TopK" ? -1 : 0);
  if (axis != -1 && axis != rank - 1) return std::nullopt;
  const TensorInfo& ids = outs[slot];
  RoutingTag tag;
  tag.router = v.node->output(static_cast<int>(slot));
  tag.experts = x->dims.back();
  if (op == "TopK") {
    if (Rank(ids) != rank) return std::nullopt;
    tag.top_k = ids.dims.back();
    tag.slot_axis = rank - 1;
  } else {
    tag.top_k = 1;
    const bool keep = AttrInt(v, "keepdims", 1) != 0;
    tag.slot_axis = keep ? rank - 1 : -1;
  }
  if (tag.experts < 2 || tag.top_k < 1 || tag.top_k >= tag.experts) return std::nullopt;
  const int64_t n = Product(ids.dims, 0, ids.dims.size());
  if (n <= 0 || n % tag.top_k != 0) return std::nullopt;
  tag.tokens = n / tag.top_k;
  tag.first = 0;
  tag.count = tag.experts;
  tag.slots = tag.top_k;
  return tag;
}

// Equal(ids, e) and the comparisons that keep a mask.
Tag FromComparison(const NodeView& v) {
  const std::string& op = v.node->op_type();
  for (int i = 0; i < 2; ++i) {
    const RoutingTag* tag = TagOf(v, i);
    const std::optional<double> c = ScalarDouble(v, 1 - i);
    if (tag == nullptr || !c.has_value()) continue;
    RoutingTag out = *tag;
    if (!tag->mask) {
      // Expert ids: only Equal to one expert is a mask of that expert.
      if (op != "Equal" || *c < 0 || *c >= static_cast<double>(tag->experts) ||
          *c != static_cast<double>(static_cast<int64_t>(*c))) {
        return std::nullopt;
      }
      out.mask = true;
      out.first = static_cast<int64_t>(*c);
      out.count = 1;
      return out;
    }
    // A mask: still true exactly where routed when compared with 0 the right way.
    const bool keeps = (op == "Equal" && *c != 0) || (op == "Greater" && i == 0 && *c == 0) ||
                       (op == "Less" && i == 1 && *c == 0);
    return keeps ? Tag(out) : std::nullopt;
  }
  return std::nullopt;
}

Tag FromOneHot(const NodeView& v, const TensorInfo& out) {
  const RoutingTag* tag = TagOf(v, 0);
  if (tag == nullptr || tag->mask) return std::nullopt;
  const int axis = static_cast<int>(AttrInt(v, "axis", -1));
  const int r = Rank(out);
  const int at = axis < 0 ? axis + r : axis;
  if (at < 0 || at >= r) return std::nullopt;
  RoutingTag t = *tag;
  t.mask = true;
  t.expert_axis = at;
  if (t.slot_axis >= at) ++t.slot_axis;
  return t;
}

// zeros.scatter(axis, ids, weights): the dense gate matrix, non-zero at each
// token's chosen experts.
Tag FromScatter(const NodeView& v, const TensorInfo& out) {
  const RoutingTag* ids = TagOf(v, 1);
  if (ids == nullptr || ids->mask || TagOf(v, 0) != nullptr) return std::nullopt;
  const int r = Rank(out);
  const int64_t axis = AttrInt(v, "axis", 0);
  const int at = static_cast<int>(axis < 0 ? axis + r : axis);
  if (at < 0 || at >= r || at != ids->slot_axis ||
      out.dims[static_cast<size_t>(at)] != ids->experts) {
    return std::nullopt;
  }
  RoutingTag t = *ids;
  t.mask = true;
  t.expert_axis = at;
  t.slot_axis = -1;
  return t;
}

Tag FromTranspose(const NodeView& v, const RoutingTag& tag, int rank) {
  std::vector<int64_t> perm = AttrInts(v, "perm");
  if (perm.empty()) {
    for (int i = rank - 1; i >= 0; --i) perm.push_back(i);
  }
  if (static_cast<int>(perm.size()) != rank) return std::nullopt;
  auto moved = [&](int a) {
    if (a < 0) return -1;
    for (size_t j = 0; j < perm.size(); ++j) {
      if (perm[j] == a) return static_cast<int>(j);
    }
    return -1;
  };
  RoutingTag t = tag;
  t.expert_axis = moved(tag.expert_axis);
  t.slot_axis = moved(tag.slot_axis);
  return t;
}

// Gather or Slice keeping `kept` consecutive entries of `axis`, the first at
// `start` (-1: unknown), the axis dropped when `drop`.
Tag Selected(const RoutingTag& tag, int axis, int64_t kept, int64_t start, bool drop) {
  RoutingTag t = tag;
  if (axis == tag.expert_axis) {
    t.count = kept;
    t.first = tag.first >= 0 && start >= 0 ? tag.first + start : -1;
  } else if (axis == tag.slot_axis) {
    t.slots = kept;
  } else {
    return std::nullopt;  // a selection of tokens
  }
  if (drop) {
    t.expert_axis = AfterRemoving(tag.expert_axis, axis);
    t.slot_axis = AfterRemoving(tag.slot_axis, axis);
  }
  return t;
}

Tag FromGather(const NodeView& v, const RoutingTag& tag, int rank) {
  const int64_t axis = AttrInt(v, "axis", 0);
  const int at = static_cast<int>(axis < 0 ? axis + rank : axis);
  const std::optional<std::vector<int64_t>> idx = IntsOf(v, 1);
  const TensorInfo* indices = In(v, 1);
  if (!idx.has_value() || idx->empty() || indices == nullptr || indices->dims.size() > 1) {
    return std::nullopt;
  }
  bool consecutive = true;
  for (size_t i = 1; i < idx->size(); ++i) consecutive &= (*idx)[i] == (*idx)[i - 1] + 1;
  return Selected(tag, at, static_cast<int64_t>(idx->size()), consecutive ? (*idx)[0] : -1,
                  indices->dims.empty());
}

Tag FromSlice(const NodeView& v, const RoutingTag& tag, const TensorInfo& in,
              const TensorInfo& out) {
  if (Rank(out) != Rank(in)) return std::nullopt;
  int changed = -1;
  for (int a = 0; a < Rank(in); ++a) {
    if (in.dims[static_cast<size_t>(a)] == out.dims[static_cast<size_t>(a)]) continue;
    if (changed >= 0) return std::nullopt;
    changed = a;
  }
  if (changed < 0) return tag;
  // The start, when the slice names one axis with a known start and step 1.
  int64_t start = -1;
  const std::optional<std::vector<int64_t>> starts = IntsOf(v, 1);
  const std::optional<std::vector<int64_t>> axes = IntsOf(v, 3);
  const std::optional<std::vector<int64_t>> steps = IntsOf(v, 4);
  if (starts.has_value() && starts->size() == 1 &&
      (!steps.has_value() || (steps->size() == 1 && (*steps)[0] == 1)) &&
      (!axes.has_value() || (axes->size() == 1 && ((*axes)[0] == changed ||
                                                   (*axes)[0] + Rank(in) == changed)))) {
    const int64_t dim = in.dims[static_cast<size_t>(changed)];
    start = (*starts)[0] < 0 ? (*starts)[0] + dim : (*starts)[0];
    if (start < 0 || start >= dim) start = -1;
  }
  return Selected(tag, changed, out.dims[static_cast<size_t>(changed)], start, false);
}

Tag FromReshape(const RoutingTag& tag, const TensorInfo& in, const TensorInfo& out) {
  RoutingTag t = tag;
  t.expert_axis = AxisAfterReshape(tag.expert_axis, in.dims, out.dims);
  t.slot_axis = AxisAfterReshape(tag.slot_axis, in.dims, out.dims);
  // An expert axis merged with another loses which element is which expert.
  if (tag.expert_axis >= 0 && t.expert_axis < 0 && tag.count > 1) return std::nullopt;
  return t;
}

// A mask broadcast to `out` (Expand, or a product with a larger operand):
// each routed pair now stands for numel(out) / numel(in) elements.
Tag Broadcast(const RoutingTag& tag, const TensorInfo& in, const TensorInfo& out) {
  const int shift = Rank(out) - Rank(in);
  const int64_t n_in = Product(in.dims, 0, in.dims.size());
  const int64_t n_out = Product(out.dims, 0, out.dims.size());
  if (shift < 0 || n_in <= 0 || n_out < n_in || n_out % n_in != 0) return std::nullopt;
  for (int a : {tag.expert_axis, tag.slot_axis}) {
    if (a >= 0 && in.dims[static_cast<size_t>(a)] != out.dims[static_cast<size_t>(a + shift)]) {
      return std::nullopt;  // the experts or choices themselves repeated
    }
  }
  RoutingTag t = tag;
  if (t.expert_axis >= 0) t.expert_axis += shift;
  if (t.slot_axis >= 0) t.slot_axis += shift;
  t.width = DimMul(tag.width, n_out / n_in);
  if (t.width <= 0) return std::nullopt;
  return t;
}

// Mul/And: non-zero only where the tagged mask is.
Tag FromProduct(const NodeView& v, const TensorInfo& out) {
  const RoutingTag* a = TagOf(v, 0);
  const RoutingTag* b = TagOf(v, 1);
  const RoutingTag* tag = a;
  int input = 0;
  if (a == nullptr || !a->mask || (b != nullptr && b->mask && b->count < a->count)) {
    tag = b;
    input = 1;
  }
  const TensorInfo* in = In(v, input);
  if (tag == nullptr || !tag->mask || !Known(in)) return std::nullopt;
  return Broadcast(*tag, *in, out);
}

Tag FromReduce(const NodeView& v, const RoutingTag& tag, const TensorInfo& in) {
  if (!tag.mask) return std::nullopt;
  const std::optional<std::vector<int64_t>> axes = AxesOf(v, "axes", 1);
  if (!axes.has_value() || axes->empty()) return std::nullopt;
  const bool keep = AttrInt(v, "keepdims", 1) != 0;
  RoutingTag t = tag;
  std::vector<int> removed;
  for (int64_t a : *axes) {
    const int at = static_cast<int>(a < 0 ? a + Rank(in) : a);
    // Over the choice axis, or an axis of 1; anything else merges tokens or experts.
    if (at != tag.slot_axis && !(at >= 0 && at < Rank(in) && in.dims[static_cast<size_t>(at)] == 1)) {
      return std::nullopt;
    }
    removed.push_back(at);
  }
  t.slot_axis = -1;
  if (!keep && t.expert_axis >= 0) {
    int shift = 0;
    for (int r : removed) shift += r < tag.expert_axis ? 1 : 0;
    t.expert_axis -= shift;
  }
  return t;
}

// A tag whose axes lie inside its tensor: one read from a file that
// reshaped a tensor behind our back (a rank that disagrees) is dropped.
bool Consistent(const NodeView& v) {
  for (size_t i = 0; i < v.inputs.size(); ++i) {
    const RoutingTag* tag = TagOf(v, static_cast<int>(i));
    if (tag == nullptr) continue;
    const TensorInfo* t = In(v, static_cast<int>(i));
    const int rank = Ranked(t) ? Rank(*t) : 0;
    if (tag->expert_axis >= rank || tag->slot_axis >= rank || tag->experts < 2 ||
        tag->tokens < 1 || tag->count < 0 || tag->count > tag->experts) {
      return false;
    }
  }
  return true;
}

Tag TagFor(const NodeView& v, const std::vector<TensorInfo>& outs) {
  const std::string& op = v.node->op_type();
  if (!v.domain.empty() || !Consistent(v)) return std::nullopt;
  if (op == "TopK" || op == "ArgMax") return FromRouter(v, outs);
  const TensorInfo& out = outs[0];
  if (op == "Equal" || op == "Greater" || op == "Less") return FromComparison(v);
  if (op == "OneHot") return FromOneHot(v, out);
  if (op == "ScatterElements") return FromScatter(v, out);
  if (op == "Mul" || op == "And") return FromProduct(v, out);
  const RoutingTag* tag = TagOf(v, 0);
  const TensorInfo* in = In(v, 0);
  if (tag == nullptr || !Known(in)) return std::nullopt;
  if (op == "Cast" || op == "Identity") return *tag;
  if (op == "Expand") return tag->mask ? Broadcast(*tag, *in, out) : std::nullopt;
  if (op == "Transpose") return FromTranspose(v, *tag, Rank(*in));
  if (op == "Gather") return FromGather(v, *tag, Rank(*in));
  if (op == "Slice") return FromSlice(v, *tag, *in, out);
  if (op == "Reshape" || op == "Squeeze" || op == "Unsqueeze" || op == "Flatten") {
    return FromReshape(*tag, *in, out);
  }
  if (op == "ReduceMax" || op == "ReduceSum") return FromReduce(v, *tag, *in);
  return std::nullopt;
}

}  // namespace

void AddRoutingTags(const NodeView& view, std::vector<TensorInfo>* outs) {
  if (outs->empty() || view.node == nullptr) return;
  const std::string& op = view.node->op_type();
  const bool source = op == "TopK" || op == "ArgMax";
  if (!source) {
    bool tagged = false;
    for (size_t i = 0; i < view.inputs.size(); ++i) tagged |= TagOf(view, static_cast<int>(i)) != nullptr;
    if (!tagged || !(*outs)[0].has_shape || !AllKnown((*outs)[0].dims)) return;
  }
  Tag tag = TagFor(view, *outs);
  if (!tag.has_value()) return;
  const size_t slot = op == "TopK" ? 1 : 0;
  if (slot < outs->size()) (*outs)[slot].routing = std::move(tag);
}

}  // namespace onnx_flops
