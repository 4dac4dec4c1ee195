// PgPool: a small thread-safe pool of libpqxx connections; a connection serves one thread at a
// time.
#include "storage/pg_pool.h"

#include "services/common/errors.h"
#include "services/common/redact.h"

namespace rms::storage {

absl::StatusOr<std::unique_ptr<PgPool>> PgPool::Create(std::string url, int size,
                                                       PgBounds bounds) {
  if (size < 1) return absl::InvalidArgumentError("database pool size must be at least 1");
  std::unique_ptr<PgPool> pool(new PgPool(std::move(url), size, bounds));
  absl::StatusOr<std::unique_ptr<pqxx::connection>> first = pool->Connect();
  if (!first.ok()) return first.status();
  {
    absl::MutexLock lock(&pool->mu_);
    pool->open_ = 1;
  }
  pool->Release(std::move(first).value(), /*broken=*/false);
  return pool;
}

PgPool::PgPool(std::string url, int size, PgBounds bounds)
    : url_(BoundedUrl(url, bounds)), redacted_url_(RedactUrl(url)), size_(size),
      call_timeout_(bounds.call_timeout) {
  if (call_timeout_ != absl::InfiniteDuration()) deadlines_ = std::make_unique<PgCallDeadlines>();
}

PgPool::~PgPool() {
  absl::MutexLock lock(&mu_);
  idle_.clear();
}

absl::StatusOr<std::unique_ptr<pqxx::connection>> PgPool::Connect() {
  try {
    return std::make_unique<pqxx::connection>(url_);
  } catch (...) {
    return ConnectStatusFromCurrentException(redacted_url_);
  }
}

absl::StatusOr<std::unique_ptr<pqxx::connection>> PgPool::Acquire() {
  {
    absl::MutexLock lock(&mu_);
    auto available = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return !idle_.empty() || open_ < size_;
    };
    if (!mu_.AwaitWithTimeout(absl::Condition(&available), acquire_timeout_)) {
      return errors::Make("DCS.5030", "all database connections are busy; retry later");
    }
    if (!idle_.empty()) {
      std::unique_ptr<pqxx::connection> connection = std::move(idle_.back());
      idle_.pop_back();
      return connection;
    }
    ++open_;  // reserve a slot, connect outside the lock
  }
  absl::StatusOr<std::unique_ptr<pqxx::connection>> connection = Connect();
  if (!connection.ok()) {
    absl::MutexLock lock(&mu_);
    --open_;
  }
  return connection;
}

void PgPool::Release(std::unique_ptr<pqxx::connection> connection, bool broken) {
  std::vector<std::unique_ptr<pqxx::connection>> dropped;  // closed after the lock is released
  {
    absl::MutexLock lock(&mu_);
    if (!broken) {
      idle_.push_back(std::move(connection));
      return;
    }
    dropped.swap(idle_);
    open_ -= static_cast<int>(dropped.size()) + 1;
  }
}

int PgPool::OpenConnectionsForTest() {
  absl::MutexLock lock(&mu_);
  return open_;
}

}  // namespace rms::storage
