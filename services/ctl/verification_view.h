// The report of a data verification (GET .../verifications/{id}) and what it means for the exit
// code. Pure.
#pragma once

#include <string>

#include "absl/status/status.h"
#include "services/ctl/api.h"

namespace rms::ctl {

// True while the verification's status is RUNNING (or missing).
bool VerificationRunning(const Json& verification);

// "verification: ID", "status: ...", the counters (keys_checked, missing, extra, value_mismatch,
// ttl_mismatch, type_mismatch; 0 when absent), the examples ("  db 0  key  problem"), the error
// when there is one, and a closing "result: ..." line.
std::string RenderVerification(const Json& verification);

// OK when the status is DONE with zero differences; FailedError (exit 1) naming the differences
// or the error when differences were found or the status is FAILED; ApiError for a status this
// client does not know.
absl::Status VerificationOutcome(const Json& verification);

}  // namespace rms::ctl
