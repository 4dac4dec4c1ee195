// Test helper: what a sanitizer build (RMS_SANITIZE) changes on purpose. ASan keeps shadow memory
// and a quarantine of freed blocks, so resident memory is no measure of our own bounds there, and
// everything runs a few times slower, so deadlines that wait for real work stretch.
#pragma once

#include "absl/time/time.h"

namespace rms::test_support {

#ifdef RMS_SANITIZED_BUILD
inline constexpr bool kSanitizedBuild = true;
#else
inline constexpr bool kSanitizedBuild = false;
#endif

// `deadline` as given, or three times it in a sanitizer build.
inline absl::Duration SanitizerScaled(absl::Duration deadline) {
  return kSanitizedBuild ? deadline * 3 : deadline;
}

}  // namespace rms::test_support
