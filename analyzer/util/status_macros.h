// absl::Status shorthands for every layer.
#ifndef ONNX_FLOPS_ANALYZER_UTIL_STATUS_MACROS_H_
#define ONNX_FLOPS_ANALYZER_UTIL_STATUS_MACROS_H_

#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

// Assign a StatusOr's value or return its status.
#define OF_CONCAT_INNER(a, b) a##b
#define OF_CONCAT(a, b) OF_CONCAT_INNER(a, b)
#define OF_ASSIGN_OR_RETURN(lhs, expr) \
  OF_ASSIGN_OR_RETURN_IMPL(OF_CONCAT(status_or_, __LINE__), lhs, expr)
#define OF_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                             \
  if (!tmp.ok()) return tmp.status();            \
  lhs = std::move(tmp).value()
// Return a non-OK absl::Status.
#define OF_RETURN_IF_ERROR(expr)                 \
  do {                                           \
    const absl::Status of_status_ = (expr);      \
    if (!of_status_.ok()) return of_status_;     \
  } while (0)

#endif  // ONNX_FLOPS_ANALYZER_UTIL_STATUS_MACROS_H_
