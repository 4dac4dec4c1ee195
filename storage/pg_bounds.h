// PgBounds: the limits that keep a libpq call from blocking forever (connection parameters and
// a client-side deadline per call that shuts the socket down when it passes).
#pragma once

#include <map>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"

namespace rms::storage {

struct PgBounds {
  absl::Duration connect_timeout = absl::Seconds(5);  // the whole connection setup
  // A sent byte not acknowledged this long breaks the connection (TCP_USER_TIMEOUT).
  absl::Duration tcp_user_timeout = absl::Seconds(10);
  // Keepalive probes on an idle link: after `idle`, every `interval`, `count` of them.
  absl::Duration keepalives_idle = absl::Seconds(5);
  absl::Duration keepalives_interval = absl::Seconds(2);
  int keepalives_count = 3;
  // Server side: a statement running longer is cancelled. InfiniteDuration: none.
  absl::Duration statement_timeout = absl::InfiniteDuration();
  // Client side: a call (query + reply) taking longer has its socket shut down, which breaks
  // the connection (UNAVAILABLE); it also covers a peer or proxy that stops forwarding but
  // keeps the socket open. InfiniteDuration: none.
  absl::Duration call_timeout = absl::InfiniteDuration();
};

// `url` (a libpq URI or a key=value string) with the parameters of `bounds` added, except
// those the URL already sets.
std::string BoundedUrl(const std::string& url, const PgBounds& bounds);

// Shuts the sockets of calls that overran their deadline down, from its own thread.
class PgCallDeadlines {
 public:
  PgCallDeadlines();
  ~PgCallDeadlines();
  // `fd` is in use by a call until End(handle); its socket is shut down after `deadline`.
  int Begin(int fd, absl::Time deadline);
  void End(int handle);

 private:
  void Loop();

  absl::Mutex mu_;
  int next_ ABSL_GUARDED_BY(mu_) = 0;
  std::map<int, std::pair<int, absl::Time>> calls_ ABSL_GUARDED_BY(mu_);
  absl::Notification done_;
  std::thread thread_;
};

}  // namespace rms::storage
