// The replay cache: a bounded map of signatures in front of the shared SignatureLedger.
#include "services/auth/replay_guard.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "services/common/errors.h"
#include "services/common/log.h"
#include "services/crypto/digest.h"

namespace rms::auth {
namespace {

constexpr absl::string_view kReplayed =
    "invalid access key or signature: the request was replayed (the same signature was already "
    "used; sign every request anew)";

}  // namespace

ReplayGuard::ReplayGuard(storage::SignatureLedger* ledger, size_t max_entries)
    : ledger_(ledger), max_entries_(std::max<size_t>(1, max_entries)) {}

absl::Status ReplayGuard::CheckAndRemember(absl::string_view signature, absl::Time forget_after,
                                           absl::Time now) {
  // The key: 128 bits (32 hex digits) of a digest of the signature, whatever its spelling.
  const std::string digest = crypto::Sha256Hex(signature);
  Key key;
  std::copy_n(digest.data(), key.size(), key.begin());
  if (ledger_ == nullptr) {
    if (!RememberLocally(key, forget_after, now)) return errors::Unauthenticated(kReplayed);
    return absl::OkStatus();
  }
  if (SeenLocally(key, now)) return errors::Unauthenticated(kReplayed);
  absl::StatusOr<bool> first = ledger_->Remember(signature, forget_after);
  if (!first.ok()) return first.status();
  RememberLocally(key, forget_after, now);
  if (!*first) return errors::Unauthenticated(kReplayed);
  PurgeLedgerIfDue(now);
  return absl::OkStatus();
}

bool ReplayGuard::SeenLocally(const Key& key, absl::Time now) {
  absl::MutexLock lock(&mu_);
  auto it = seen_.find(key);
  return it != seen_.end() && it->second >= now;
}

bool ReplayGuard::RememberLocally(const Key& key, absl::Time forget_after, absl::Time now) {
  absl::MutexLock lock(&mu_);
  while (!by_expiry_.empty() && (by_expiry_.begin()->first < now || seen_.size() >= max_entries_)) {
    seen_.erase(by_expiry_.begin()->second);
    by_expiry_.erase(by_expiry_.begin());
  }
  if (!seen_.emplace(key, forget_after).second) return false;
  by_expiry_.emplace(forget_after, key);
  return true;
}

void ReplayGuard::PurgeLedgerIfDue(absl::Time now) {
  {
    absl::MutexLock lock(&mu_);
    if (now - last_purge_ < kPurgeInterval) return;
    last_purge_ = now;
  }
  absl::StatusOr<int64_t> purged = ledger_->ForgetBefore(now);
  if (!purged.ok()) {
    LogWarning(absl::StrCat("purging seen signatures failed: ", purged.status().message()));
  }
}

size_t ReplayGuard::LocalSizeForTest() const {
  absl::MutexLock lock(&mu_);
  return seen_.size();
}

}  // namespace rms::auth
