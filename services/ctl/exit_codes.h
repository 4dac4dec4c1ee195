// migrationctl's exit codes and the statuses that carry them from a command back to main().
#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace rms::ctl {

// The documented exit codes (migrationctl --help, docs/cli.md).
enum class ExitCode {
  kOk = 0,
  kFailed = 1,    // the task failed, or a verification found differences
  kUsage = 2,     // bad command line (or an unreadable --body file, an unset *-env variable)
  kConnect = 3,   // no HTTP reply from the endpoint
  kApiError = 4,  // the API answered an error (or a reply migrationctl cannot read)
};

// Statuses that name their exit code (a payload; the message is what stderr shows).
absl::Status UsageError(absl::string_view message);
absl::Status ConnectError(absl::string_view message);
// `dcs_code` and `message` come from the DCS error body; the status message is "code: message"
// ("HTTP <status>: message" without a code; just the message for a 2xx reply it cannot use).
absl::Status ApiError(int http_status, absl::string_view dcs_code, absl::string_view message);
absl::Status FailedError(absl::string_view message);

// The exit code of `status`: 0 for OK, its payload's code when it has one; otherwise
// INVALID_ARGUMENT -> 2, UNAVAILABLE and DEADLINE_EXCEEDED -> 3, anything else -> 4.
int ExitCodeOf(const absl::Status& status);

}  // namespace rms::ctl
