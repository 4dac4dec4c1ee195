// The comparison rules of one key (source state against target state).
#include "services/verify/key_compare.h"

#include <algorithm>

namespace rms::verify {
namespace {

// True when `present`'s key may have expired, within `tolerance`, before `other_read` (the time
// the side that lacks it was read), so its absence there is no difference.
bool MayHaveExpired(const KeyState& present, absl::Time other_read, absl::Duration tolerance) {
  return present.expires() && present.earliest_expiry() <= other_read + tolerance;
}

}  // namespace

absl::Duration ExpiryGap(const KeyState& a, const KeyState& b) {
  const absl::Time latest_start = std::max(a.earliest_expiry(), b.earliest_expiry());
  const absl::Time earliest_end = std::min(a.latest_expiry(), b.latest_expiry());
  return std::max(absl::ZeroDuration(), latest_start - earliest_end);
}

std::optional<Problem> CompareKey(const KeyState& source, const KeyState& target,
                                  absl::Duration tolerance) {
  if (!source.exists && !target.exists) return std::nullopt;
  if (!target.exists) {
    if (MayHaveExpired(source, target.received, tolerance)) return std::nullopt;
    return Problem::kMissing;
  }
  if (!source.exists) {
    if (MayHaveExpired(target, source.received, tolerance)) return std::nullopt;
    return Problem::kExtra;
  }
  if (source.type != target.type) return Problem::kType;
  if (source.digest != target.digest) return Problem::kValue;
  if (source.expires() != target.expires()) return Problem::kTtl;
  if (source.expires() && ExpiryGap(source, target) > tolerance) return Problem::kTtl;
  return std::nullopt;
}

}  // namespace rms::verify
