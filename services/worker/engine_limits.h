// EngineLimits: the memory bounds and threads every online migration of a worker process runs
// under (migrationd's --max-command-mb, --max-transaction-mb, --worker-memory-mb and
// --snapshot-threads).
#pragma once

#include <cstddef>

#include "services/engine/io/memory_budget.h"

namespace rms::worker {

struct EngineLimits {
  // Bytes one replicated command may take while buffered (Redis: client-query-buffer-limit).
  size_t max_command_bytes = size_t{1} << 30;
  // Bytes of one open transaction (MULTI ... EXEC) held until its EXEC arrives.
  size_t max_transaction_bytes = size_t{1} << 30;
  // Shared by every task slot of the process (not owned); null = unlimited.
  engine::io::MemoryBudget* budget = nullptr;
  // A snapshot is parsed on the task's thread and written to the target on a second one
  // (SnapshotCopyOptions::writer_thread); false: one thread does both.
  bool snapshot_writer_thread = true;
};

}  // namespace rms::worker
