// migrationctl's exit codes, carried as a status payload.
#include "services/ctl/exit_codes.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace rms::ctl {
namespace {

constexpr absl::string_view kExitPayload = "type.rms/ctl.exit_code";

absl::Status WithExitCode(absl::StatusCode code, absl::string_view message, ExitCode exit) {
  absl::Status status(code, message);
  status.SetPayload(kExitPayload, absl::Cord(absl::StrCat(static_cast<int>(exit))));
  return status;
}

absl::StatusCode CodeOfHttp(int http_status) {
  switch (http_status) {
    case 400:
      return absl::StatusCode::kInvalidArgument;
    case 401:
      return absl::StatusCode::kUnauthenticated;
    case 403:
      return absl::StatusCode::kPermissionDenied;
    case 404:
      return absl::StatusCode::kNotFound;
    case 409:
      return absl::StatusCode::kFailedPrecondition;
    case 503:
      return absl::StatusCode::kUnavailable;
    default:
      return absl::StatusCode::kUnknown;
  }
}

}  // namespace

absl::Status UsageError(absl::string_view message) {
  return WithExitCode(absl::StatusCode::kInvalidArgument, message, ExitCode::kUsage);
}

absl::Status ConnectError(absl::string_view message) {
  return WithExitCode(absl::StatusCode::kUnavailable, message, ExitCode::kConnect);
}

absl::Status ApiError(int http_status, absl::string_view dcs_code, absl::string_view message) {
  std::string text = absl::StrCat(dcs_code, ": ", message);
  if (dcs_code.empty()) {
    const bool success = http_status >= 200 && http_status < 300;
    text = success ? std::string(message) : absl::StrCat("HTTP ", http_status, ": ", message);
  }
  return WithExitCode(CodeOfHttp(http_status), text, ExitCode::kApiError);
}

absl::Status FailedError(absl::string_view message) {
  return WithExitCode(absl::StatusCode::kAborted, message, ExitCode::kFailed);
}

int ExitCodeOf(const absl::Status& status) {
  if (status.ok()) return static_cast<int>(ExitCode::kOk);
  if (absl::optional<absl::Cord> payload = status.GetPayload(kExitPayload)) {
    int code = 0;
    if (absl::SimpleAtoi(std::string(*payload), &code)) return code;
  }
  switch (status.code()) {
    case absl::StatusCode::kInvalidArgument:
      return static_cast<int>(ExitCode::kUsage);
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kDeadlineExceeded:
      return static_cast<int>(ExitCode::kConnect);
    default:
      return static_cast<int>(ExitCode::kApiError);
  }
}

}  // namespace rms::ctl
