#include "analyzer/shapes/value_table.h"

#include <utility>


namespace onnx_flops {
namespace {

void Refine(TensorInfo& into, TensorInfo from) {
  if (from.elem_type != 0) into.elem_type = from.elem_type;
  // A fully known shape beats a partial one; a partial one beats none.
  auto known = [](const TensorInfo& t) {
    int n = t.has_shape ? 1 : 0;
    for (int64_t d : t.dims) n += d >= 0 ? 1 : 0;
    return n;
  };
  if (from.has_shape && known(from) >= known(into)) {
    into.has_shape = true;
    into.dims = std::move(from.dims);
    into.dim_names = std::move(from.dim_names);
  }
  if (from.has_values && !into.has_values) {
    into.has_values = true;
    into.values = std::move(from.values);
    into.int_values = std::move(from.int_values);
  }
  into.is_initializer = into.is_initializer || from.is_initializer;
}

void Put(ValueTable& table, TensorInfo info) {
  auto it = table.find(info.name);
  if (it == table.end()) {
    std::string name = info.name;
    table.emplace(std::move(name), std::move(info));
  } else {
    Refine(it->second, std::move(info));
  }
}

}  // namespace

ValueTable BuildValueTable(const onnx::GraphProto& graph, const ShapeDataMap& shape_data) {
  ValueTable table;
  size_t entries = static_cast<size_t>(graph.input_size() + graph.initializer_size());
  for (const auto& node : graph.node()) entries += static_cast<size_t>(node.output_size());
  table.reserve(entries);
  for (const auto& vi : graph.input()) Put(table, InfoFromValueInfo(vi));
  for (const auto& vi : graph.value_info()) Put(table, InfoFromValueInfo(vi));
  for (const auto& vi : graph.output()) Put(table, InfoFromValueInfo(vi));
  for (const auto& init : graph.initializer()) Put(table, InfoFromTensor(init));
  for (const auto& node : graph.node()) {
    if (node.op_type() != "Constant" || node.output_size() != 1) continue;
    if (!node.domain().empty() && node.domain() != "ai.onnx") continue;
    for (const auto& a : node.attribute()) {
      TensorInfo t;
      if (a.name() == "value" && a.has_t()) {
        t = InfoFromTensor(a.t());
        t.is_initializer = false;
      } else if (a.name() == "value_int") {
        t.elem_type = onnx::TensorProto::INT64;
        t.has_shape = true;
        t.has_values = true;
        t.values = {static_cast<double>(a.i())};
      } else if (a.name() == "value_ints") {
        t.elem_type = onnx::TensorProto::INT64;
        t.has_shape = true;
        t.dims = {a.ints_size()};
        t.dim_names = {""};
        t.has_values = true;
        for (int64_t v : a.ints()) t.values.push_back(static_cast<double>(v));
      } else if (a.name() == "value_float") {
        t.elem_type = onnx::TensorProto::FLOAT;
        t.has_shape = true;
        t.has_values = true;
        t.values = {a.f()};
      } else if (a.name() == "value_floats") {
        t.elem_type = onnx::TensorProto::FLOAT;
        t.has_shape = true;
        t.dims = {a.floats_size()};
        t.dim_names = {""};
        t.has_values = true;
        for (float v : a.floats()) t.values.push_back(v);
      } else {
        continue;
      }
      FillIntValues(t);
      t.name = node.output(0);
      Put(table, std::move(t));
    }
  }
  // Shape tensors that ONNX's data propagation computed.
  for (const auto& [name, shape] : shape_data) {
    auto it = table.find(name);
    if (it == table.end() || it->second.has_values) continue;
    std::vector<double> values;
    bool complete = true;
    for (const auto& d : shape.dim()) {
      if (!d.has_dim_value()) {
        complete = false;
        break;
      }
      values.push_back(static_cast<double>(d.dim_value()));
    }
    if (!complete) continue;
    it->second.has_values = true;
    it->second.values = std::move(values);
    FillIntValues(it->second);
  }
  return table;
}

}  // namespace onnx_flops
