// In-memory and file ByteSource implementations.
#include "services/engine/io/byte_source.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace rms::engine::io {

ByteSource::~ByteSource() = default;

StringByteSource::StringByteSource(std::string data, size_t max_chunk)
    : data_(std::move(data)), max_chunk_(max_chunk) {}

absl::StatusOr<size_t> StringByteSource::Read(char* out, size_t max) {
  size_t n = std::min(max, data_.size() - pos_);
  if (max_chunk_ > 0) n = std::min(n, max_chunk_);
  std::memcpy(out, data_.data() + pos_, n);
  pos_ += n;
  return n;
}

absl::StatusOr<std::unique_ptr<FileByteSource>> FileByteSource::Open(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int err = errno;
    std::string msg = absl::StrCat("cannot open ", path, ": ", std::strerror(err));
    if (err == ENOENT) return absl::NotFoundError(msg);
    if (err == EACCES) return absl::PermissionDeniedError(msg);
    return absl::UnavailableError(msg);
  }
  return std::make_unique<FileByteSource>(fd, /*owns_fd=*/true);
}

FileByteSource::FileByteSource(int fd, bool owns_fd) : fd_(fd), owns_fd_(owns_fd) {}

FileByteSource::~FileByteSource() {
  if (owns_fd_ && fd_ >= 0) ::close(fd_);
}

absl::StatusOr<size_t> FileByteSource::Read(char* out, size_t max) {
  for (;;) {
    ssize_t n = ::read(fd_, out, max);
    if (n >= 0) return static_cast<size_t>(n);
    if (errno == EINTR) continue;
    return absl::UnavailableError(absl::StrCat("read failed: ", std::strerror(errno)));
  }
}

}  // namespace rms::engine::io
