// RETURN_IF_ERROR / ASSIGN_OR_RETURN, which Debian's Abseil 20220623 does not ship.
#pragma once

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define RMS_CONCAT_INNER_(a, b) a##b
#define RMS_CONCAT_(a, b) RMS_CONCAT_INNER_(a, b)

// Evaluates `expr` (an absl::Status); returns it from the enclosing function if not OK.
#define RETURN_IF_ERROR(expr)                  \
  do {                                         \
    ::absl::Status rms_status_ = (expr);       \
    if (!rms_status_.ok()) return rms_status_; \
  } while (0)

// `ASSIGN_OR_RETURN(auto x, StatusOrExpr());` declares/assigns `x` or returns the error.
#define ASSIGN_OR_RETURN(lhs, expr) \
  RMS_ASSIGN_OR_RETURN_IMPL_(RMS_CONCAT_(rms_statusor_, __LINE__), lhs, expr)
#define RMS_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                               \
  if (!tmp.ok()) return tmp.status();              \
  lhs = std::move(tmp).value()
