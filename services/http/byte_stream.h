// ByteStream: the transport under one HTTP connection (a plain socket or TLS), with deadlines.
#pragma once

#include <cstddef>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace rms::http {

// Used by one thread at a time.
class ByteStream {
 public:
  virtual ~ByteStream() = default;
  // Reads between 1 and `n` bytes into `buf`; 0 means the peer closed its side.
  // DEADLINE_EXCEEDED when nothing arrived by `deadline`; UNAVAILABLE on a transport error.
  virtual absl::StatusOr<size_t> Read(char* buf, size_t n, absl::Time deadline) = 0;
  // Writes all of `data`. Errors as for Read.
  virtual absl::Status Write(absl::string_view data, absl::Time deadline) = 0;
  // Tells the peer no more bytes follow (TCP FIN after a TLS close_notify); reads still work.
  virtual void ShutdownWrite() = 0;
};

}  // namespace rms::http
