// SocketStream: a ByteStream over a non-blocking TCP socket, waiting with poll() until deadlines.
#pragma once

#include "services/http/byte_stream.h"

namespace rms::http {

// Waits until `fd` is ready for `events` (POLLIN, POLLOUT). DEADLINE_EXCEEDED past `deadline`;
// UNAVAILABLE if poll fails. Readiness includes errors and hang-ups (the next call reports them).
absl::Status WaitForFd(int fd, short events, absl::Time deadline);

// Does not own the descriptor: the server closes it.
class SocketStream : public ByteStream {
 public:
  explicit SocketStream(int fd) : fd_(fd) {}
  absl::StatusOr<size_t> Read(char* buf, size_t n, absl::Time deadline) override;
  absl::Status Write(absl::string_view data, absl::Time deadline) override;
  void ShutdownWrite() override;

 private:
  int fd_;
};

}  // namespace rms::http
