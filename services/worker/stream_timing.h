// The timings of the incremental phase, the same into a standalone and into a cluster target.
#pragma once

#include "absl/time/time.h"

namespace rms::worker {

// The applied position is stored at least every second (the contract) and when the stream stops;
// 200 ms keeps what a crashed worker's successor applies twice small, at 5 small commits a second
// per streaming task, off the apply path.
inline constexpr absl::Duration kCheckpointInterval = absl::Milliseconds(200);
// After a lost lease, the replies still owed are read for at most this long before the target
// connections are cut (the forwarder itself waits 2 s; this bounds a send blocked on the target).
inline constexpr absl::Duration kLostLeaseCutAfter = absl::Seconds(3);
// How long a handover stays on the target for the next owner, who can claim the task a third of
// a lease after this worker stopped (5 s by default) plus its claim poll.
inline constexpr absl::Duration kHandoverHold = absl::Seconds(30);

}  // namespace rms::worker
