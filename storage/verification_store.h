// VerificationStore: verifications as the API creates and reads them and as workers run them.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "storage/records.h"

namespace rms::storage {

// The channel CreateVerification notifies (payload: the verification id).
inline constexpr char kVerificationChannel[] = "rms_verifications";

// Every call is thread-safe. "Fenced" calls succeed only while `epoch` is still the
// verification's lease epoch and it is still RUNNING; otherwise ABORTED (another worker took it
// over, or it was deleted with its task).
class VerificationStore {
 public:
  virtual ~VerificationStore() = default;

  // Inserts a RUNNING verification (created_at = now when unset) and notifies
  // kVerificationChannel. NOT_FOUND when its task does not exist; ALREADY_EXISTS on an id clash.
  virtual absl::Status CreateVerification(const VerificationRecord& verification) = 0;
  // NOT_FOUND (no DCS payload) unless verification `id` belongs to task `task_id` of `project_id`.
  virtual absl::StatusOr<VerificationRecord> GetVerification(absl::string_view project_id,
                                                             absl::string_view task_id,
                                                             absl::string_view id) = 0;

  // Takes the lease of the oldest RUNNING verification no live lease holds: lease_owner =
  // `owner`, lease_epoch + 1, expiry now + `ttl`, counters and examples reset (a verification
  // taken over starts again). Skips rows locked by other claimers. nullopt if none.
  virtual absl::StatusOr<std::optional<VerificationRecord>> ClaimVerification(
      absl::string_view owner, absl::Duration ttl) = 0;
  // Stores the counters and examples found so far and extends the lease to now + `ttl`. Fenced.
  virtual absl::Status WriteVerificationProgress(absl::string_view id, int64_t epoch,
                                                 const VerificationCounts& counts,
                                                 const std::vector<VerificationExample>& examples,
                                                 absl::Duration ttl) = 0;
  // Ends the verification: `status` DONE or FAILED (with `error`), the final counters and
  // examples, finished_at = now, lease cleared. Fenced.
  virtual absl::Status FinishVerification(absl::string_view id, int64_t epoch,
                                          absl::string_view status,
                                          const VerificationCounts& counts,
                                          const std::vector<VerificationExample>& examples,
                                          absl::string_view error) = 0;
  // Gives the lease up (a stopping worker): the verification stays RUNNING and another worker
  // starts it again. Fenced.
  virtual absl::Status ReleaseVerification(absl::string_view id, int64_t epoch) = 0;

  // The number of verifications per status (metrics).
  virtual absl::StatusOr<std::map<std::string, int64_t>> CountVerificationsByStatus() = 0;
};

}  // namespace rms::storage
