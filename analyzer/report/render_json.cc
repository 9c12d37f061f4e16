#include "absl/strings/str_cat.h"
#include "analyzer/report/render.h"
#include "google/protobuf/util/json_util.h"

namespace onnx_flops {

absl::StatusOr<std::string> RenderJson(const Report& report, bool pretty) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = pretty;
  options.preserve_proto_field_names = true;
  options.always_print_primitive_fields = true;
  std::string out;
  auto status = google::protobuf::util::MessageToJsonString(report, &out, options);
  if (!status.ok()) {
    return absl::InternalError(absl::StrCat("JSON rendering failed: ", status.ToString()));
  }
  if (!pretty || out.empty() || out.back() != '\n') out.push_back('\n');
  return out;
}

}  // namespace onnx_flops
