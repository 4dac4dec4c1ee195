// ReplayGuard: refuses an AK/SK signature that was already accepted within the clock-skew window.
#pragma once

#include <array>
#include <cstddef>
#include <map>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "storage/signature_ledger.h"

namespace rms::auth {

// A process-local cache of accepted signatures in front of an optional shared ledger (the
// database table seen_signatures, so that every API process refuses a signature any of them
// accepted). The local cache holds at most `max_entries` signatures (32 bytes of key and a time
// each, about 150 bytes with both indexes, so 15 MB at the default cap); when full, the signature
// that leaves the skew window first is dropped. Without a ledger, a signature dropped that way
// could be replayed once more in this process: the cap bounds memory, the ledger keeps the
// guarantee. Thread-safe.
class ReplayGuard {
 public:
  static constexpr size_t kDefaultMaxEntries = 100000;
  // How often the ledger's expired rows are purged (by whichever request comes next).
  static constexpr absl::Duration kPurgeInterval = absl::Minutes(1);

  // `ledger` may be null (process-local refusal only); it must outlive the guard.
  explicit ReplayGuard(storage::SignatureLedger* ledger, size_t max_entries = kDefaultMaxEntries);

  // OK when `signature` (the hex signature of a request whose signature verified) was not seen
  // before: it is then remembered until `forget_after` (its X-Sdk-Date plus the allowed skew).
  // UNAUTHENTICATED (DCS.4010, "replayed") when it was. Ledger errors pass through unchanged.
  absl::Status CheckAndRemember(absl::string_view signature, absl::Time forget_after,
                                absl::Time now);

  size_t LocalSizeForTest() const;

 private:
  using Key = std::array<char, 32>;
  // True when `key` is in the local cache and still within its window.
  bool SeenLocally(const Key& key, absl::Time now) ABSL_LOCKS_EXCLUDED(mu_);
  // Drops entries past their window (and the earliest ones while full), then adds `key`; false
  // when `key` was already there.
  bool RememberLocally(const Key& key, absl::Time forget_after, absl::Time now)
      ABSL_LOCKS_EXCLUDED(mu_);
  void PurgeLedgerIfDue(absl::Time now) ABSL_LOCKS_EXCLUDED(mu_);

  storage::SignatureLedger* const ledger_;
  const size_t max_entries_;
  mutable absl::Mutex mu_;
  absl::flat_hash_map<Key, absl::Time> seen_ ABSL_GUARDED_BY(mu_);
  std::multimap<absl::Time, Key> by_expiry_ ABSL_GUARDED_BY(mu_);
  absl::Time last_purge_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
};

}  // namespace rms::auth
