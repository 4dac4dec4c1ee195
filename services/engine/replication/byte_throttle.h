// ByteThrottle: the bandwidth limit a replication session pays into for every byte it receives.
#pragma once

#include <cstddef>

#include "absl/status/status.h"

namespace rms::engine::replication {

// A rate limiter (e.g. a token bucket of bandwidth_limit_mb). The session calls Acquire() on its
// reading thread before each socket read, with the number of bytes the previous read returned
// (pay as you go: a trickle of small commands is charged what it is, and the burst is at most one
// read buffer). Acquire blocks until the bytes may pass; an error (e.g. CANCELLED when the task
// stops) is returned unchanged by the read that called it. The session never cancels it: its
// owner wakes it when stopping.
class ByteThrottle {
 public:
  virtual ~ByteThrottle() = default;
  virtual absl::Status Acquire(size_t bytes) = 0;
};

}  // namespace rms::engine::replication
