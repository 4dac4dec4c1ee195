// SignatureLedger: the AK/SK signatures already accepted, remembered for replay refusal.
#pragma once

#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace rms::storage {

// Shared by every API process of a deployment, so a signature accepted by one is refused by all.
// Thread-safe.
class SignatureLedger {
 public:
  virtual ~SignatureLedger() = default;
  // Records `signature` (lower-case hex) until `forget_after`. True when it was not recorded
  // yet, false when it was (a replay). Storage errors pass through.
  virtual absl::StatusOr<bool> Remember(absl::string_view signature, absl::Time forget_after) = 0;
  // Drops the signatures whose forget_after is before `now`; returns how many went.
  virtual absl::StatusOr<int64_t> ForgetBefore(absl::Time now) = 0;
};

}  // namespace rms::storage
