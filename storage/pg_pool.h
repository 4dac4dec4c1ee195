// PgPool: a small thread-safe pool of libpqxx connections; a connection serves one thread at a
// time.
#pragma once

#include <atomic>
#include <memory>
#include <pqxx/connection>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "storage/pg_bounds.h"
#include "storage/pg_errors.h"

namespace rms::storage {

class PgPool {
 public:
  // Connects once to check `url` (a libpq URL or key/value string), then keeps up to `size`
  // connections, opened on demand. UNAVAILABLE (DCS.5030, message with the redacted URL) when the
  // server cannot be reached; INVALID_ARGUMENT when size < 1. Every connection gets the
  // parameters of `bounds` (BoundedUrl) and every Run() its call_timeout.
  static absl::StatusOr<std::unique_ptr<PgPool>> Create(std::string url, int size,
                                                        PgBounds bounds = {});

  PgPool(const PgPool&) = delete;
  PgPool& operator=(const PgPool&) = delete;
  ~PgPool();

  // Runs `fn(pqxx::connection&)` on a connection that no other thread uses meanwhile and returns
  // its result (`fn` returns absl::Status or absl::StatusOr<T>). A libpqxx exception escaping `fn`
  // is converted by StatusFromCurrentException(operation); a broken connection is dropped (with
  // the idle ones, which likely broke too) and reopened by a later call. Blocks while every
  // connection is busy; UNAVAILABLE (DCS.5030) after `acquire_timeout`. Any thread.
  template <typename Fn>
  std::invoke_result_t<Fn, pqxx::connection&> Run(absl::string_view operation, Fn&& fn);
  // Run() for an `fn` that may run twice: once more, on a new connection, when the first
  // attempt found the database unreachable (e.g. the pooled connections broke in a restart).
  template <typename Fn>
  std::invoke_result_t<Fn, pqxx::connection&> RunIdempotent(absl::string_view operation, Fn&& fn);

  // The URL with secrets masked, for messages.
  const std::string& redacted_url() const { return redacted_url_; }
  // The URL itself, for components that need a dedicated connection (LISTEN). Never log it.
  const std::string& url() const { return url_; }

  // Calls that failed (no connection, or an exception from `fn`) since the pool was created; for
  // the rms_database_errors_total metric. Any thread.
  int64_t ErrorCount() const { return errors_.load(std::memory_order_relaxed); }

  // Connections currently open (idle or in use); for tests.
  int OpenConnectionsForTest();

 private:
  PgPool(std::string url, int size, PgBounds bounds);

  absl::StatusOr<std::unique_ptr<pqxx::connection>> Acquire();
  // Returns `connection` to the pool; drops it (and every idle one) when `broken`.
  void Release(std::unique_ptr<pqxx::connection> connection, bool broken);
  absl::StatusOr<std::unique_ptr<pqxx::connection>> Connect();

  const std::string url_;
  const std::string redacted_url_;
  const int size_;
  const absl::Duration acquire_timeout_ = absl::Seconds(30);
  const absl::Duration call_timeout_;
  std::unique_ptr<PgCallDeadlines> deadlines_;  // only with a finite call_timeout

  std::atomic<int64_t> errors_{0};

  absl::Mutex mu_;
  std::vector<std::unique_ptr<pqxx::connection>> idle_ ABSL_GUARDED_BY(mu_);
  int open_ ABSL_GUARDED_BY(mu_) = 0;  // idle + in use + being opened
};

inline const absl::Status& StatusOfResult(const absl::Status& status) { return status; }
template <typename T>
const absl::Status& StatusOfResult(const absl::StatusOr<T>& result) {
  return result.status();
}

template <typename Fn>
std::invoke_result_t<Fn, pqxx::connection&> PgPool::Run(absl::string_view operation, Fn&& fn) {
  absl::StatusOr<std::unique_ptr<pqxx::connection>> acquired = Acquire();
  if (!acquired.ok()) {
    errors_.fetch_add(1, std::memory_order_relaxed);
    return acquired.status();
  }
  std::unique_ptr<pqxx::connection> connection = std::move(acquired).value();
  const int call =
      deadlines_ ? deadlines_->Begin(connection->sock(), absl::Now() + call_timeout_) : -1;
  try {
    auto result = std::forward<Fn>(fn)(*connection);
    if (deadlines_) deadlines_->End(call);
    Release(std::move(connection), /*broken=*/false);
    return result;
  } catch (...) {
    if (deadlines_) deadlines_->End(call);
    absl::Status status = StatusFromCurrentException(operation);
    if (status.code() != absl::StatusCode::kAlreadyExists &&
        status.code() != absl::StatusCode::kAborted) {
      errors_.fetch_add(1, std::memory_order_relaxed);  // not a conflict the caller expects
    }
    bool broken = status.code() == absl::StatusCode::kUnavailable || !connection->is_open();
    Release(std::move(connection), broken);
    return status;
  }
}

template <typename Fn>
std::invoke_result_t<Fn, pqxx::connection&> PgPool::RunIdempotent(absl::string_view operation,
                                                                  Fn&& fn) {
  auto result = Run(operation, fn);
  if (!absl::IsUnavailable(StatusOfResult(result))) return result;
  return Run(operation, fn);
}

}  // namespace rms::storage
