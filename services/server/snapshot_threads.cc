// Snapshot copy threads from the process's CPU affinity.
#include "services/server/snapshot_threads.h"

#include <sched.h>

namespace rms::server {

int CpusAvailable() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) != 0) return 1;
  const int count = CPU_COUNT(&set);
  return count > 0 ? count : 1;
}

int SnapshotThreads(int configured) {
  if (configured == 1 || configured == 2) return configured;
  return CpusAvailable() >= 4 ? 2 : 1;
}

}  // namespace rms::server
