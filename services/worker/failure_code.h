// The stable log_code of a task failure (TARGET_REJECTED, FULL_RESYNC_REFUSED, ...), carried on
// the absl::Status that ends the job instead of in a field beside it.
#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace rms::worker {

inline constexpr char kFailureCodePayload[] = "rms.worker.failure_code";
// What a failure without a code is logged as.
inline constexpr char kDefaultFailureCode[] = "MIGRATION_FAILED";

// `status` with `code` as its failure code (replacing an earlier one); an OK status stays OK.
absl::Status WithFailureCode(absl::Status status, absl::string_view code);

// The failure code carried by `status`; kDefaultFailureCode when it has none.
std::string FailureCodeOf(const absl::Status& status);

}  // namespace rms::worker
