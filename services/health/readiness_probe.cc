// ReadinessProbe: can this process serve requests now (database reachable, schema current)?
#include "services/health/readiness_probe.h"

#include "absl/strings/str_cat.h"
#include "services/common/errors.h"

namespace rms::health {

absl::Status ReadinessProbe::Check() {
  absl::StatusOr<int> version = reader_();
  absl::Status result;
  if (!version.ok()) {
    result = errors::NotReady("the database is unreachable");
  } else if (*version < required_version_) {
    result = errors::NotReady(absl::StrCat("the database schema is at version ", *version,
                                           ", this binary needs ", required_version_));
  }
  last_ready_.store(result.ok());
  return result;
}

}  // namespace rms::health
