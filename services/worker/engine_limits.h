// EngineLimits: the memory bounds every online migration of a worker process runs under
// (migrationd's --max-command-mb, --max-transaction-mb and --worker-memory-mb).
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
};

}  // namespace rms::worker
