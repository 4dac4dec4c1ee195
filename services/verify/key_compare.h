// The comparison rules: what one key's source and target states say about it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "absl/time/time.h"
#include "services/verify/report.h"

namespace rms::verify {

// One key as read from one side. The replies came in one pipeline sent at `sent` and fully
// received at `received`, so the server ran the commands somewhere in between: an expiry read
// as PTTL lies in [sent + pttl, received + pttl] of the local clock.
struct KeyState {
  bool exists = false;
  std::string type;      // the TYPE reply: string, list, set, zset, hash, stream or a module's
  int64_t pttl_ms = -1;  // -1: no expiry
  std::string digest;    // of the value, independent of the encoding and of the expiry
  absl::Time sent;
  absl::Time received;

  bool expires() const { return exists && pttl_ms >= 0; }
  absl::Time earliest_expiry() const { return sent + absl::Milliseconds(pttl_ms); }
  absl::Time latest_expiry() const { return received + absl::Milliseconds(pttl_ms); }
};

// The problem of a key, nullopt when both sides agree. In order of precedence:
// - absent on one side only: missing / extra, unless the present side's key may have expired
//   (within `tolerance`) by the time the other side was read;
// - different types: type;
// - different digests: value;
// - one side expires and the other not, or the expiry windows are more than `tolerance` apart:
//   ttl (so a tolerance of 0 never reports the time between the two reads).
std::optional<Problem> CompareKey(const KeyState& source, const KeyState& target,
                                  absl::Duration tolerance);

// How far apart two expiry windows are at least (zero when they overlap). Both must expire.
absl::Duration ExpiryGap(const KeyState& a, const KeyState& b);

}  // namespace rms::verify
