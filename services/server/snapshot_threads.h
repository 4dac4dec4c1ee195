// How many threads copy a snapshot (migrationd --snapshot-threads), from the CPUs the process may
// use.
#pragma once

namespace rms::server {

// CPUs this process may run on (its affinity mask; taskset limits it), at least 1.
int CpusAvailable();

// `configured` 1 or 2 as given; 0 (auto): 2 when at least 4 CPUs are available, else 1. On fewer
// cores the source, the target and migrationd share them, and a second thread costs more in
// hand-offs than it gains (bench/README.md).
int SnapshotThreads(int configured);

}  // namespace rms::server
