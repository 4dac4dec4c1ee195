// MemoryBudget: a process-wide cap on the bytes engine tasks buffer, shared by every worker slot,
// and MemoryClaim, one holder's share of it; plus the limit codes tasks fail with.
#pragma once

#include <atomic>
#include <cstddef>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace rms::engine::io {

// Thread-safe. A budget of 0 bytes is unlimited.
class MemoryBudget {
 public:
  explicit MemoryBudget(size_t capacity) : capacity_(capacity) {}
  // Takes `bytes` if they fit; false otherwise (nothing taken).
  bool TryReserve(size_t bytes);
  void Release(size_t bytes) { used_.fetch_sub(bytes, std::memory_order_relaxed); }
  size_t capacity() const { return capacity_; }
  size_t used() const { return used_.load(std::memory_order_relaxed); }

 private:
  const size_t capacity_;
  std::atomic<size_t> used_{0};
};

// The limit codes a task fails with (status payload kLimitPayload; see LimitError).
inline constexpr char kLimitPayload[] = "rms.limit";
inline constexpr char kCommandTooLarge[] = "COMMAND_TOO_LARGE";          // --max-command-mb
inline constexpr char kTransactionTooLarge[] = "TRANSACTION_TOO_LARGE";  // --max-transaction-mb
inline constexpr char kWorkerMemoryBudget[] = "WORKER_MEMORY_BUDGET";    // --worker-memory-mb
// RdbLimits::max_whole_value_bytes
inline constexpr char kRdbValueTooLarge[] = "RDB_VALUE_TOO_LARGE";

// RESOURCE_EXHAUSTED carrying `code` as its kLimitPayload.
absl::Status LimitError(absl::string_view code, absl::string_view message);
// The limit code of a status made by LimitError; "" for any other status.
std::string LimitCode(const absl::Status& status);

// One holder's bytes of a budget (the budget may be null: unlimited). Moves in 1 MiB steps so
// that the shared counter is touched rarely. Not thread-safe; releases its bytes when destroyed.
class MemoryClaim {
 public:
  explicit MemoryClaim(MemoryBudget* budget) : budget_(budget) {}
  ~MemoryClaim() { Resize(0, "").IgnoreError(); }
  MemoryClaim(const MemoryClaim&) = delete;
  MemoryClaim& operator=(const MemoryClaim&) = delete;

  // Holds at least `bytes` from now on; RESOURCE_EXHAUSTED with code kWorkerMemoryBudget when the
  // budget cannot give them (then the claim is unchanged). `what` names the holder in the error.
  absl::Status Resize(size_t bytes, absl::string_view what);
  size_t held() const { return held_; }

 private:
  MemoryBudget* budget_;
  size_t held_ = 0;
};

}  // namespace rms::engine::io
