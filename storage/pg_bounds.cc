// BoundedUrl and PgCallDeadlines: connection parameters and per-call deadlines for libpq.
#include "storage/pg_bounds.h"

#include <sys/socket.h>

#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace rms::storage {
namespace {

int64_t Secs(absl::Duration d) { return std::max<int64_t>(1, absl::ToInt64Seconds(d)); }

bool IsUri(const std::string& url) {
  return absl::StartsWith(url, "postgresql://") || absl::StartsWith(url, "postgres://");
}

}  // namespace

std::string BoundedUrl(const std::string& url, const PgBounds& bounds) {
  std::vector<std::pair<std::string, std::string>> params = {
      {"connect_timeout", absl::StrCat(Secs(bounds.connect_timeout))},
      {"keepalives", "1"},
      {"keepalives_idle", absl::StrCat(Secs(bounds.keepalives_idle))},
      {"keepalives_interval", absl::StrCat(Secs(bounds.keepalives_interval))},
      {"keepalives_count", absl::StrCat(bounds.keepalives_count)},
      {"tcp_user_timeout", absl::StrCat(absl::ToInt64Milliseconds(bounds.tcp_user_timeout))},
  };
  const bool uri = IsUri(url);
  if (bounds.statement_timeout != absl::InfiniteDuration()) {
    const int64_t ms = absl::ToInt64Milliseconds(bounds.statement_timeout);
    params.push_back({"options", uri ? absl::StrCat("-c%20statement_timeout%3D", ms)
                                     : absl::StrCat("'-c statement_timeout=", ms, "'")});
  }
  std::string out = url;
  for (const auto& [key, value] : params) {
    if (absl::StrContains(url, absl::StrCat(key, "="))) continue;  // the operator's choice wins
    if (uri) {
      absl::StrAppend(&out, absl::StrContains(out, "?") ? "&" : "?", key, "=", value);
    } else {
      absl::StrAppend(&out, out.empty() ? "" : " ", key, "=", value);
    }
  }
  return out;
}

PgCallDeadlines::PgCallDeadlines() : thread_([this] { Loop(); }) {}

PgCallDeadlines::~PgCallDeadlines() {
  done_.Notify();
  thread_.join();
}

int PgCallDeadlines::Begin(int fd, absl::Time deadline) {
  absl::MutexLock lock(&mu_);
  calls_[next_] = {fd, deadline};
  return next_++;
}

void PgCallDeadlines::End(int handle) {
  absl::MutexLock lock(&mu_);
  calls_.erase(handle);
}

void PgCallDeadlines::Loop() {
  while (!done_.WaitForNotificationWithTimeout(absl::Milliseconds(50))) {
    absl::MutexLock lock(&mu_);  // End() waits, so the fd stays the call's while shut down
    const absl::Time now = absl::Now();
    for (auto it = calls_.begin(); it != calls_.end();) {
      if (now < it->second.second) {
        ++it;
        continue;
      }
      ::shutdown(it->second.first, SHUT_RDWR);  // the blocked libpq call sees a broken link
      it = calls_.erase(it);
    }
  }
}

}  // namespace rms::storage
