// Failure codes as a payload of the status that ends a job.
#include "services/worker/failure_code.h"

#include "absl/strings/cord.h"

namespace rms::worker {

absl::Status WithFailureCode(absl::Status status, absl::string_view code) {
  if (!status.ok()) status.SetPayload(kFailureCodePayload, absl::Cord(code));
  return status;
}

std::string FailureCodeOf(const absl::Status& status) {
  absl::optional<absl::Cord> code = status.GetPayload(kFailureCodePayload);
  return code.has_value() ? std::string(*code) : std::string(kDefaultFailureCode);
}

}  // namespace rms::worker
