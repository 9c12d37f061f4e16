#include "rules/tensor_info.h"

#include <cstring>
#include <exception>
#include <type_traits>
#include <utility>

#include "onnx/defs/tensor_proto_util.h"

namespace onnx_flops {
namespace {

bool HasPayload(const onnx::TensorProto& t) {
  if (t.data_location() == onnx::TensorProto::EXTERNAL) return false;
  return !t.raw_data().empty() || t.float_data_size() > 0 || t.int32_data_size() > 0 ||
         t.int64_data_size() > 0 || t.double_data_size() > 0 || t.uint64_data_size() > 0;
}

template <typename T>
bool Decode(const onnx::TensorProto& t, std::vector<double>* out) {
  try {
    const std::vector<T> data = onnx::ParseData<T>(&t);
    out->assign(data.begin(), data.end());
    return true;
  } catch (const std::exception&) {
    return false;  // inconsistent payload: treat the value as unknown
  }
}

// The small integer types ParseData has no instantiation for: raw_data is
// little-endian, else int32_data (8/16-bit types, bool) or uint64_data.
template <typename T>
bool DecodeSmall(const onnx::TensorProto& t, std::vector<double>* out) {
  out->clear();
  if (!t.raw_data().empty()) {
    const std::string& raw = t.raw_data();
    if (raw.size() % sizeof(T) != 0) return false;
    for (size_t i = 0; i < raw.size(); i += sizeof(T)) {
      T v;
      std::memcpy(&v, raw.data() + i, sizeof(T));
      out->push_back(static_cast<double>(v));
    }
    return true;
  }
  if (sizeof(T) >= 4 && !std::is_signed<T>::value) {
    for (uint64_t v : t.uint64_data()) out->push_back(static_cast<double>(v));
  } else {
    for (int32_t v : t.int32_data()) out->push_back(static_cast<double>(v));
  }
  return true;
}

bool DecodeValues(const onnx::TensorProto& t, std::vector<double>* out) {
  switch (t.data_type()) {
    case onnx::TensorProto::BOOL:
    case onnx::TensorProto::UINT8:
      return DecodeSmall<uint8_t>(t, out);
    case onnx::TensorProto::INT8:
      return DecodeSmall<int8_t>(t, out);
    case onnx::TensorProto::INT16:
      return DecodeSmall<int16_t>(t, out);
    case onnx::TensorProto::UINT16:
      return DecodeSmall<uint16_t>(t, out);
    case onnx::TensorProto::UINT32:
      return DecodeSmall<uint32_t>(t, out);
    case onnx::TensorProto::UINT64:
      return DecodeSmall<uint64_t>(t, out);
    case onnx::TensorProto::FLOAT:
      return Decode<float>(t, out);
    case onnx::TensorProto::DOUBLE:
      return Decode<double>(t, out);
    case onnx::TensorProto::INT32:
      return Decode<int32_t>(t, out);
    case onnx::TensorProto::INT64:
      return Decode<int64_t>(t, out);
    default:
      return false;
  }
}

}  // namespace

void FillIntValues(TensorInfo& t) {
  t.int_values.clear();
  for (double v : t.values) t.int_values.push_back(SaturatingInt(v));
}

TensorInfo InfoFromValueInfo(const onnx::ValueInfoProto& vi) {
  TensorInfo t;
  t.name = vi.name();
  if (!vi.has_type() || !vi.type().has_tensor_type()) return t;
  const auto& tt = vi.type().tensor_type();
  t.elem_type = tt.elem_type();
  if (!tt.has_shape()) return t;
  t.has_shape = true;
  t.dims.reserve(static_cast<size_t>(tt.shape().dim_size()));
  t.dim_names.reserve(static_cast<size_t>(tt.shape().dim_size()));
  for (const auto& d : tt.shape().dim()) {
    if (d.has_dim_value()) {
      t.dims.push_back(d.dim_value());
      t.dim_names.emplace_back();
    } else {
      t.dims.push_back(-1);
      t.dim_names.push_back(d.has_dim_param() ? d.dim_param() : std::string());
    }
  }
  return t;
}

TensorInfo InfoFromTensor(const onnx::TensorProto& tensor) {
  TensorInfo t;
  t.name = tensor.name();
  t.elem_type = tensor.data_type();
  t.has_shape = true;
  t.dims.assign(tensor.dims().begin(), tensor.dims().end());
  t.dim_names.assign(t.dims.size(), "");
  t.is_initializer = true;
  if (NumElements(t.dims) <= static_cast<double>(kMaxConstantElements) && HasPayload(tensor) &&
      DecodeValues(tensor, &t.values) &&
      static_cast<double>(t.values.size()) == NumElements(t.dims)) {
    t.has_values = true;
    FillIntValues(t);
    if (tensor.data_type() == onnx::TensorProto::INT64) {
      // Exact, past the 2^53 a double holds (INT64_MAX trip counts).
      try {
        const std::vector<int64_t> exact = onnx::ParseData<int64_t>(&tensor);
        t.int_values.assign(exact.begin(), exact.end());
      } catch (const std::exception&) {
      }
    }
  } else {
    t.values.clear();
  }
  return t;
}

}  // namespace onnx_flops
