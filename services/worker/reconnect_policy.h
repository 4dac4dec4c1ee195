// When an online migration reconnects after a failure instead of failing, and how long it waits.
#pragma once

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace rms::worker {

// What decides whether a failure is retried by reconnecting.
struct ReconnectState {
  bool manual = false;       // resume_mode "manual": an operator restarts the task instead
  bool synced_once = false;  // the target holds a snapshot of this source
  bool incremental = false;  // migration_method "incremental_migration"
};

// True for a lost or damaged link (UNAVAILABLE, DEADLINE_EXCEEDED, DATA_LOSS) of an incremental
// task in resume_mode auto after its first sync; every other failure ends the job.
bool ShouldReconnect(const absl::Status& failure, const ReconnectState& state);

// Capped exponential back-off with jitter for reconnect attempt `attempt` (0-based): about
// 0.5 s, 1 s, 2 s ... up to 30 s, each +-20 %.
absl::Duration ReconnectDelay(int attempt);

}  // namespace rms::worker
