#include "analyzer/shapes/shape_binding.h"

#include <algorithm>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace onnx_flops {
namespace {

onnx::TensorShapeProto* MutableShape(onnx::ValueInfoProto& vi) {
  if (!vi.has_type() || !vi.type().has_tensor_type() ||
      !vi.type().tensor_type().has_shape()) {
    return nullptr;
  }
  return vi.mutable_type()->mutable_tensor_type()->mutable_shape();
}

void Substitute(onnx::ValueInfoProto& vi,
                const std::unordered_map<std::string, int64_t>& bound) {
  onnx::TensorShapeProto* shape = MutableShape(vi);
  if (shape == nullptr) return;
  for (auto& d : *shape->mutable_dim()) {
    if (d.has_dim_param()) {
      auto it = bound.find(d.dim_param());
      if (it != bound.end()) d.set_dim_value(it->second);
    }
  }
}

int64_t IntAttr(const onnx::NodeProto& n, const char* name, int64_t fallback) {
  for (const auto& a : n.attribute()) {
    if (a.name() == name) return a.i();
  }
  return fallback;
}

// What a weight says about axis `axis` of input `name` (of rank `rank`), from
// the nodes that read the input directly: the inner dim of a MatMul or Gemm
// whose other operand is an initializer, Conv's input channels (W [C_out,
// C_in/group, k...]), ConvTranspose's (W [C_in, ...]), a recurrent op's input
// size (W [dirs, gates*H, I]). 0 when no weight fixes it; `why` names the node.
// `weights` also holds the graph inputs whose every dim is fixed (training
// graphs take their parameters as inputs), named in `static_inputs`.
int64_t DimFromWeights(const onnx::GraphProto& graph,
                       const absl::flat_hash_map<std::string, Dims>& weights,
                       const absl::flat_hash_set<std::string>& static_inputs,
                       const std::string& name, int rank, int axis, std::string* why) {
  auto weight = [&](const onnx::NodeProto& n, int slot) -> const Dims* {
    if (slot >= n.input_size()) return nullptr;
    auto it = weights.find(n.input(slot));
    return it == weights.end() ? nullptr : &it->second;
  };
  for (const auto& n : graph.node()) {
    if (!n.domain().empty() && n.domain() != "ai.onnx") continue;
    for (int slot = 0; slot < n.input_size() && slot < 2; ++slot) {
      if (n.input(slot) != name) continue;
      const std::string& op = n.op_type();
      int64_t value = 0;
      const Dims* w = nullptr;
      if (op == "MatMul" && slot == 0 && axis == rank - 1 && (w = weight(n, 1)) != nullptr &&
          w->size() >= 2) {
        value = (*w)[w->size() - 2];
      } else if (op == "MatMul" && slot == 1 && rank >= 2 && axis == rank - 2 &&
                 (w = weight(n, 0)) != nullptr && !w->empty()) {
        value = w->back();
      } else if (op == "Gemm" && slot == 0 && rank == 2 &&
                 axis == (IntAttr(n, "transA", 0) != 0 ? 0 : 1) &&
                 (w = weight(n, 1)) != nullptr && w->size() == 2) {
        value = IntAttr(n, "transB", 0) != 0 ? (*w)[1] : (*w)[0];
      } else if (op == "Conv" && slot == 0 && axis == 1 && (w = weight(n, 1)) != nullptr &&
                 w->size() >= 3) {
        value = (*w)[1] * std::max<int64_t>(IntAttr(n, "group", 1), 1);
      } else if (op == "ConvTranspose" && slot == 0 && axis == 1 &&
                 (w = weight(n, 1)) != nullptr && w->size() >= 3) {
        value = (*w)[0];
      } else if ((op == "LSTM" || op == "GRU" || op == "RNN") && slot == 0 && rank == 3 &&
                 axis == 2 && (w = weight(n, 1)) != nullptr && w->size() == 3) {
        value = (*w)[2];
      }
      if (value > 0 && value <= kMaxDim) {
        const std::string& other = n.input(slot == 0 ? 1 : 0);
        *why = absl::StrCat(op, " ", n.name().empty() ? "" : absl::StrCat("'", n.name(), "' "),
                            "reads it against the ",
                            static_inputs.contains(other) ? "fixed-shape input" : "weight", " '",
                            other, "' ", DimsToString(*w));
        return value;
      }
    }
  }
  return 0;
}

// The initializer holding `values` for input `vi` (scalar or 1-D), or an
// error naming what does not fit.
absl::StatusOr<onnx::TensorProto> ValueTensor(const onnx::ValueInfoProto& vi,
                                              const std::vector<double>& values) {
  const std::string& name = vi.name();
  const int32_t type = vi.type().tensor_type().elem_type();
  const onnx::TensorShapeProto& shape = vi.type().tensor_type().shape();
  const bool has_shape = vi.type().tensor_type().has_shape();
  if (has_shape && shape.dim_size() > 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--value ", name, ": the input has rank ", shape.dim_size(),
        "; values can be given for scalar and 1-D inputs"));
  }
  if (has_shape && shape.dim_size() == 0 && values.size() != 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("--value ", name, ": the input is a scalar, ", values.size(), " values given"));
  }
  if (has_shape && shape.dim_size() == 1 && shape.dim(0).has_dim_value() &&
      shape.dim(0).dim_value() != static_cast<int64_t>(values.size())) {
    return absl::InvalidArgumentError(absl::StrCat("--value ", name, ": the input holds ",
                                                   shape.dim(0).dim_value(), " values, ",
                                                   values.size(), " given"));
  }
  onnx::TensorProto t;
  t.set_name(name);
  t.set_data_type(type);
  if (!has_shape || shape.dim_size() == 1) t.add_dims(static_cast<int64_t>(values.size()));
  for (double v : values) {
    switch (type) {
      case onnx::TensorProto::FLOAT:
        t.add_float_data(static_cast<float>(v));
        break;
      case onnx::TensorProto::DOUBLE:
        t.add_double_data(v);
        break;
      case onnx::TensorProto::INT64:
        t.add_int64_data(SaturatingInt(v));
        break;
      case onnx::TensorProto::INT32:
      case onnx::TensorProto::INT16:
      case onnx::TensorProto::INT8:
      case onnx::TensorProto::UINT8:
      case onnx::TensorProto::BOOL:
        t.add_int32_data(static_cast<int32_t>(std::clamp<int64_t>(SaturatingInt(v), INT32_MIN, INT32_MAX)));
        break;
      default:
        return absl::InvalidArgumentError(absl::StrCat(
            "--value ", name, ": inputs of element type ", type,
            " cannot be given values (float, double, int8 to int64 and bool can)"));
    }
  }
  return t;
}

}  // namespace

absl::StatusOr<BindResult> BindInputShapes(onnx::ModelProto& model,
                                           const DimBindings& bindings) {
  BindResult result;
  onnx::GraphProto& graph = *model.mutable_graph();
  absl::flat_hash_set<std::string> initializers;
  absl::flat_hash_map<std::string, Dims> weights;  // initializer dims, for DimFromWeights
  for (const auto& t : graph.initializer()) {
    initializers.insert(t.name());
    weights.emplace(t.name(), Dims(t.dims().begin(), t.dims().end()));
  }
  // Inputs with every dim fixed fix the dims they meet as a weight would
  // (ONNX's rules make the two operands agree): a training graph's parameters
  // are inputs, e.g. onnxruntime's training_api/training_model.onnx, whose
  // Gemm reads x [N, K] against the input fc1.weight [500, 784].
  absl::flat_hash_set<std::string> static_inputs;
  for (const auto& input : graph.input()) {
    if (initializers.contains(input.name()) || !input.type().has_tensor_type() ||
        !input.type().tensor_type().has_shape()) {
      continue;
    }
    const auto& shape = input.type().tensor_type().shape();
    Dims dims;
    for (const auto& d : shape.dim()) {
      if (!d.has_dim_value() || d.dim_value() <= 0) break;
      dims.push_back(d.dim_value());
    }
    if (dims.empty() || static_cast<int>(dims.size()) != shape.dim_size()) continue;
    weights.emplace(input.name(), std::move(dims));
    static_inputs.insert(input.name());
  }

  std::unordered_map<std::string, int64_t> user_dims;
  for (const auto& [name, value] : bindings.dims) {
    if (value <= 0 || value > kMaxDim) {
      return absl::InvalidArgumentError(
          absl::StrCat("--dim ", name, "=", value, ": a dim must be between 1 and 2^40"));
    }
    user_dims[name] = value;
  }
  absl::flat_hash_set<std::string> used_dims, used_inputs;

  // --value first: the input's shape is then concrete, nothing to assume.
  for (const auto& [name, values] : bindings.values) {
    onnx::ValueInfoProto* vi = nullptr;
    for (auto& input : *graph.mutable_input()) {
      if (input.name() == name && !initializers.contains(name)) vi = &input;
    }
    if (vi == nullptr || !vi->type().has_tensor_type()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--value ", name, ": the model has no data tensor input of that name"));
    }
    OF_ASSIGN_OR_RETURN(onnx::TensorProto t, ValueTensor(*vi, values));
    // The declared shape becomes the concrete one (a 1-D input's length).
    onnx::TensorShapeProto* shape = vi->mutable_type()->mutable_tensor_type()->mutable_shape();
    shape->clear_dim();
    for (int64_t d : t.dims()) shape->add_dim()->set_dim_value(d);
    BoundValue b;
    b.set_name(name);
    std::vector<std::string> texts;
    for (double v : values) texts.push_back(FormatCount(v));
    b.set_values(absl::StrJoin(texts, ","));
    b.set_shape(t.dims_size() == 0 ? "scalar" : absl::StrCat(t.dims(0)));
    b.set_source("--value");
    result.values.push_back(b);
    *graph.add_initializer() = std::move(t);
  }
  for (auto& input : *graph.mutable_input()) {
    if (initializers.contains(input.name())) continue;  // a weight, not data
    onnx::TensorShapeProto* shape = MutableShape(input);
    const Dims* whole = nullptr;
    for (const auto& [name, dims] : bindings.inputs) {
      if (name == input.name()) whole = &dims;
    }
    if (whole != nullptr) {
      used_inputs.insert(input.name());
      if (shape == nullptr) {
        if (!input.type().has_tensor_type()) {
          return absl::InvalidArgumentError(
              absl::StrCat("--input ", input.name(), ": the input is not a tensor"));
        }
        shape = input.mutable_type()->mutable_tensor_type()->mutable_shape();
        for (size_t i = 0; i < whole->size(); ++i) shape->add_dim();
      }
      if (static_cast<size_t>(shape->dim_size()) != whole->size()) {
        return absl::InvalidArgumentError(absl::StrCat(
            "--input ", input.name(), "=", DimsToString(*whole), ": the model declares rank ",
            shape->dim_size(), ", the flag gives rank ", whole->size()));
      }
      for (int i = 0; i < shape->dim_size(); ++i) {
        auto& d = *shape->mutable_dim(i);
        const int64_t v = (*whole)[static_cast<size_t>(i)];
        if (v <= 0 || v > kMaxDim) {
          return absl::InvalidArgumentError(absl::StrCat(
              "--input ", input.name(), ": dim ", v, " must be between 1 and 2^40"));
        }
        if (d.has_dim_value() && d.dim_value() != v) {
          result.warnings.push_back(absl::StrCat("--input ", input.name(), " overrides fixed dim ",
                                                 i, " (", d.dim_value(), " -> ", v, ")"));
        }
        if (d.has_dim_param()) {
          auto user = user_dims.find(d.dim_param());
          if (user != user_dims.end()) {
            if (user->second != v) {
              return absl::InvalidArgumentError(absl::StrCat(
                  "--dim ", d.dim_param(), "=", user->second, " conflicts with --input ",
                  input.name(), "=", DimsToString(*whole), ", which sets it to ", v));
            }
            used_dims.insert(d.dim_param());
          }
          auto prior = result.bound.find(d.dim_param());
          if (prior != result.bound.end() && prior->second != v) {
            return absl::InvalidArgumentError(absl::StrCat(
                "--input ", input.name(), "=", DimsToString(*whole), " sets dim '",
                d.dim_param(), "' to ", v, ", another input already set it to ", prior->second));
          }
        }
        if (d.has_dim_param() && !result.bound.count(d.dim_param())) {
          result.bound[d.dim_param()] = v;
          AssumedDim a;
          a.set_name(d.dim_param());
          a.set_value(v);
          a.set_source("--input");
          result.assumed.push_back(a);
        }
        d.set_dim_value(v);
      }
      continue;
    }
    if (shape == nullptr) {
      if (input.type().has_tensor_type()) {
        result.warnings.push_back(absl::StrCat(
            "input '", input.name(), "' has no declared shape: set it with --input ",
            input.name(), "=DIMS"));
      }
      continue;
    }
    for (int i = 0; i < shape->dim_size(); ++i) {
      auto& d = *shape->mutable_dim(i);
      if (d.has_dim_value() && d.dim_value() == -1) {
        // Some exporters write -1 for "any size" (onnxruntime loads such
        // models): an unknown dim, bound like an unnamed symbolic one.
        result.warnings.push_back(absl::StrCat("input '", input.name(), "' declares dim -1 at axis ",
                                               i, ": read as an unknown dim"));
        d.clear_dim_value();
      }
      if (d.has_dim_value()) {
        if (d.dim_value() < 0 || d.dim_value() > kMaxDim) {
          return absl::InvalidArgumentError(absl::StrCat(
              "input '", input.name(), "' declares dim ", d.dim_value(), " at axis ", i,
              ": dims must be between 0 and 2^40"));
        }
        continue;
      }
      const std::string name = d.has_dim_param() && !d.dim_param().empty()
                                   ? d.dim_param()
                                   : absl::StrCat(input.name(), ":", i);
      int64_t value = 1;
      if (auto it = user_dims.find(name); it != user_dims.end()) {
        value = it->second;
        used_dims.insert(name);
        if (auto prior = result.bound.find(name);
            prior != result.bound.end() && prior->second != value) {
          return absl::InvalidArgumentError(absl::StrCat(
              "--dim ", name, "=", value, " conflicts with --input, which sets it to ",
              prior->second));
        }
        if (!result.bound.count(name)) {
          AssumedDim a;
          a.set_name(name);
          a.set_value(value);
          a.set_source("--dim");
          result.assumed.push_back(a);
        }
      } else if (auto b = result.bound.find(name); b != result.bound.end()) {
        value = b->second;
      } else {
        if (bindings.strict) {
          return absl::InvalidArgumentError(absl::StrCat(
              "symbolic dim '", name, "' of input '", input.name(),
              "' is not bound (--strict): set it with --dim ", name, "=N"));
        }
        std::string why;
        const int64_t from_weight =
            DimFromWeights(graph, weights, static_inputs, input.name(), shape->dim_size(), i, &why);
        AssumedDim a;
        a.set_name(name);
        if (from_weight > 0) {
          value = from_weight;
          a.set_value(value);
          a.set_source(absl::StrCat("from a weight: ", why));
          result.warnings.push_back(absl::StrCat(
              "symbolic dim '", name, "' of input '", input.name(), "' is unbound: taken as ",
              value, " because ", why, " (set it with --dim ", name, "=N)"));
        } else {
          a.set_value(1);
          a.set_source("assumed: unbound");
          result.warnings.push_back(absl::StrCat("symbolic dim '", name, "' of input '",
                                                 input.name(), "' is unbound: taken as 1 (set it with --dim ",
                                                 name, "=N)"));
        }
        result.assumed.push_back(a);
      }
      result.bound[name] = value;
      d.set_dim_value(value);
    }
  }
  for (const auto& [name, value] : bindings.dims) {
    if (!used_dims.contains(name)) {
      result.warnings.push_back(
          absl::StrCat("--dim ", name, " matches no symbolic dim of the model's inputs"));
    }
  }
  for (const auto& [name, dims] : bindings.inputs) {
    if (!used_inputs.contains(name)) {
      return absl::InvalidArgumentError(
          absl::StrCat("--input ", name, ": the model has no data input of that name"));
    }
  }
  // Other declarations of the same symbolic dims must agree with the binding,
  // or inference would merge a concrete value with a stale symbol.
  for (auto& vi : *graph.mutable_value_info()) Substitute(vi, result.bound);
  for (auto& vi : *graph.mutable_output()) Substitute(vi, result.bound);
  return result;
}

}  // namespace onnx_flops
