// _onnx_flops: the extension under the Python package onnx_flops. The package
// turns keywords into a command line and this parses it with the CLI's own
// ParseCliArgs, so every option means and checks exactly what the flag does.
// The report leaves as the CLI's JSON text; the package json.loads it.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "analyzer/util/one_line.h"
#include "tools/cli_args.h"
#include "tools/run_model.h"

namespace onnx_flops {
namespace {

namespace py = pybind11;


// The package builds argv from keywords; options that shape the CLI's output
// rather than the report are refused there by name. This catches whatever
// slips through (a keyword "" becomes a bare "--" and turns the rest into paths).
absl::Status CheckOneReport(const CliArgs& args) {
  if (args.paths.size() != 1 || !args.files_from.empty() || args.batch || !args.shard.empty()) {
    return absl::InvalidArgumentError("onnx_flops.analyze takes one model");
  }
  if (args.help || args.version || args.list_rules || args.list_hardware) {
    return absl::InvalidArgumentError(
        "onnx_flops.analyze returns a report: --help, --version, --list-rules and "
        "--list-hardware are for the command line");
  }
  return absl::OkStatus();
}

// What main() does for one model (tools/run_model.h) with --format json
// unless the package asked for html or statement, minus the exit status (the
// gates are in the report).
absl::StatusOr<std::string> Run(const std::vector<std::string>& argv,
                                std::optional<absl::string_view> bytes, bool pretty) {
  absl::StatusOr<CliArgs> args = ParseCliArgs(argv);
  if (!args.ok()) return args.status();
  if (absl::Status s = CheckOneReport(*args); !s.ok()) return s;
  if (args->format != "statement" && args->format != "html") args->format = "json";
  absl::StatusOr<OneModel> one = RunOneModel(*args, argv, bytes, pretty);
  if (!one.ok()) return one.status();
  return std::move(one->output);
}

// Called with the GIL held. The exception types are the ones a Python caller
// expects for the same trouble: a missing file, a bad value or model, a bug.
[[noreturn]] void Raise(const absl::Status& status) {
  PyObject* type = PyExc_RuntimeError;
  switch (status.code()) {
    case absl::StatusCode::kNotFound:
      type = PyExc_FileNotFoundError;
      break;
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kDataLoss:
    case absl::StatusCode::kOutOfRange:
      type = PyExc_ValueError;
      break;
    default:
      break;
  }
  PyErr_SetString(type, OneLine(status.message()).c_str());
  throw py::error_already_set();
}

// argv: "onnx-flops", the options, "--", then the model's path, or the name
// it goes by when `data` (bytes) holds the model itself.
std::string AnalyzeJson(const std::vector<std::string>& argv, const py::object& data,
                        bool pretty) {
  std::optional<absl::string_view> bytes;
  if (!data.is_none()) {
    // bytes only: immutable, so no other thread can change it while the GIL is
    // released (the package copies a bytearray or memoryview into bytes).
    if (!PyBytes_Check(data.ptr())) throw py::type_error("data must be bytes or None");
    char* buffer = nullptr;
    Py_ssize_t size = 0;
    if (PyBytes_AsStringAndSize(data.ptr(), &buffer, &size) != 0) throw py::error_already_set();
    bytes = absl::string_view(buffer, static_cast<size_t>(size));
  }
  absl::StatusOr<std::string> json;
  {
    py::gil_scoped_release release;
    json = Run(argv, bytes, pretty);
  }
  if (!json.ok()) Raise(json.status());
  return *std::move(json);
}

}  // namespace
}  // namespace onnx_flops

PYBIND11_MODULE(_onnx_flops, m) {
  m.doc() = "onnx-flops over pybind11; use the package onnx_flops, not this module";
  m.attr("__version__") = ONNX_FLOPS_VERSION;
  m.def("analyze_json", &onnx_flops::AnalyzeJson, pybind11::arg("argv"), pybind11::arg("data"),
        pybind11::arg("pretty") = true,
        "Parses argv with the CLI's parser, analyzes the model (file or bytes), applies the "
        "gates and returns the report as the CLI's JSON.");
}
