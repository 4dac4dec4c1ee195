// ByteSource: the pull interface every engine parser reads bytes through, plus in-memory and file
// implementations.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace rms::engine::io {

// A stream of bytes read in order. Implementations: StringByteSource, FileByteSource, and the
// replication client's socket source. One thread reads a given source at a time.
class ByteSource {
 public:
  virtual ~ByteSource();

  // Reads up to `max` (> 0) bytes into `out` and returns how many were read; returns as soon as at
  // least one byte is available. 0 means end of stream. Errors (e.g. UNAVAILABLE for a broken
  // connection, CANCELLED for a stopped task) are passed through unchanged by every reader.
  virtual absl::StatusOr<size_t> Read(char* out, size_t max) = 0;
};

// Serves an in-memory byte string. `max_chunk` > 0 caps how much one Read returns, so tests can
// split input at every position; 0 means no cap.
class StringByteSource : public ByteSource {
 public:
  explicit StringByteSource(std::string data, size_t max_chunk = 0);

  absl::StatusOr<size_t> Read(char* out, size_t max) override;

  // Changes the cap for the following reads (tests use it to randomise split points).
  void set_max_chunk(size_t max_chunk) { max_chunk_ = max_chunk; }
  size_t position() const { return pos_; }

 private:
  std::string data_;
  size_t pos_ = 0;
  size_t max_chunk_;
};

// Reads a file (or any readable descriptor). Read errors map to UNAVAILABLE with the errno text.
class FileByteSource : public ByteSource {
 public:
  // Opens `path` for reading: NOT_FOUND if it does not exist, PERMISSION_DENIED, or UNAVAILABLE.
  static absl::StatusOr<std::unique_ptr<FileByteSource>> Open(const std::string& path);

  // Adopts `fd`; closes it in the destructor when `owns_fd`.
  FileByteSource(int fd, bool owns_fd);
  ~FileByteSource() override;
  FileByteSource(const FileByteSource&) = delete;
  FileByteSource& operator=(const FileByteSource&) = delete;

  absl::StatusOr<size_t> Read(char* out, size_t max) override;

 private:
  int fd_;
  bool owns_fd_;
};

}  // namespace rms::engine::io
