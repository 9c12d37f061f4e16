#include "analyzer/shapes/shape_binding.h"

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"

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

}  // namespace

absl::StatusOr<BindResult> BindInputShapes(onnx::ModelProto& model,
                                           const DimBindings& bindings) {
  BindResult result;
  onnx::GraphProto& graph = *model.mutable_graph();
  absl::flat_hash_set<std::string> initializers;
  for (const auto& t : graph.initializer()) initializers.insert(t.name());

  std::unordered_map<std::string, int64_t> user_dims;
  for (const auto& [name, value] : bindings.dims) {
    if (value <= 0 || value > kMaxDim) {
      return absl::InvalidArgumentError(
          absl::StrCat("--dim ", name, "=", value, ": a dim must be between 1 and 2^40"));
    }
    user_dims[name] = value;
  }
  absl::flat_hash_set<std::string> used_dims, used_inputs;

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
        AssumedDim a;
        a.set_name(name);
        a.set_value(1);
        a.set_source("assumed: unbound");
        result.assumed.push_back(a);
        result.warnings.push_back(absl::StrCat("symbolic dim '", name, "' of input '",
                                               input.name(), "' is unbound: taken as 1 (set it with --dim ",
                                               name, "=N)"));
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
