// Test helper: a listening TCP socket on 127.0.0.1 at a free port, for fake peers and proxies.
#pragma once

#include "absl/status/statusor.h"

namespace rms::test_support {

struct LoopbackListener {
  int fd = -1;  // the caller closes it
  int port = 0;
};

// socket + bind(127.0.0.1:0) + listen(backlog); INTERNAL with errno when any step fails.
absl::StatusOr<LoopbackListener> ListenOnLoopback(int backlog);

}  // namespace rms::test_support
