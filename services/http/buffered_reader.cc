// BufferedReader: reads a connection in 16 KiB chunks and cuts heads, lines and bodies from them.
#include "services/http/buffered_reader.h"

#include <algorithm>

#include "services/common/errors.h"

namespace rms::http {
namespace {

constexpr size_t kChunk = 16 << 10;

}  // namespace

absl::Status BufferedReader::Fill(absl::Time deadline) {
  if (pos_ > 0 && pos_ >= buffer_.size() / 2) {
    buffer_.erase(0, pos_);
    pos_ = 0;
  }
  const size_t old_size = buffer_.size();
  buffer_.resize(old_size + kChunk);
  absl::StatusOr<size_t> got = stream_.Read(&buffer_[old_size], kChunk, deadline);
  buffer_.resize(old_size + (got.ok() ? *got : 0));
  if (!got.ok()) return got.status();
  if (*got == 0) return errors::MalformedHttp("the connection closed in the middle of a request");
  return absl::OkStatus();
}

absl::StatusOr<std::string> BufferedReader::ReadHead(const Limits& limits,
                                                     absl::Time first_byte_deadline) {
  absl::Time deadline = first_byte_deadline;
  bool started = false;
  while (true) {
    while (buffered() >= 2 && buffer_[pos_] == '\r' && buffer_[pos_ + 1] == '\n') pos_ += 2;
    if (!started && buffered() > 0) {
      started = true;
      deadline = absl::Now() + limits.header_timeout;
    }
    const size_t end = buffer_.find("\r\n\r\n", pos_);
    const size_t line_end = buffer_.find("\r\n", pos_);
    const size_t line_length = (line_end == std::string::npos ? buffer_.size() : line_end) - pos_;
    if (line_length > limits.max_request_line) return errors::UriTooLong();
    if (end != std::string::npos) {
      std::string head = buffer_.substr(pos_, end - pos_);
      pos_ = end + 4;
      if (head.size() - line_length > limits.max_header_bytes) {
        return errors::HeadersTooLarge("the header section exceeds 16 KiB");
      }
      return head;
    }
    if (buffered() > limits.max_request_line + limits.max_header_bytes + 4) {
      return errors::HeadersTooLarge("the header section exceeds 16 KiB");
    }
    absl::Status filled = Fill(deadline);
    if (!filled.ok() && !started && buffered() == 0 &&
        (errors::DcsCodeOf(filled) || absl::IsDeadlineExceeded(filled))) {
      return absl::CancelledError("the peer closed or sent nothing before the deadline");
    }
    if (!filled.ok()) return filled;
  }
}

absl::StatusOr<std::string> BufferedReader::ReadLine(size_t max, absl::Time deadline) {
  while (true) {
    const size_t end = buffer_.find("\r\n", pos_);
    if (end != std::string::npos && end - pos_ <= max) {
      std::string line = buffer_.substr(pos_, end - pos_);
      pos_ = end + 2;
      return line;
    }
    if (end != std::string::npos || buffered() > max + 1) {
      return absl::OutOfRangeError("line too long");
    }
    if (absl::Status s = Fill(deadline); !s.ok()) return s;
  }
}

absl::Status BufferedReader::ReadExact(size_t n, absl::Time deadline, std::string* out) {
  while (true) {
    const size_t take = std::min(n, buffered());
    out->append(buffer_, pos_, take);
    pos_ += take;
    n -= take;
    if (n == 0) return absl::OkStatus();
    if (absl::Status s = Fill(deadline); !s.ok()) return s;
  }
}

}  // namespace rms::http
