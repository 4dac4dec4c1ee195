// BufferedReader: one buffer between a ByteSource and a parser, with byte accounting.
#include "services/engine/io/buffered_reader.h"

#include <algorithm>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "services/common/status_macros.h"

namespace rms::engine::io {

ConsumedBytesObserver::~ConsumedBytesObserver() = default;

BufferedReader::BufferedReader(ByteSource& source, size_t buffer_size)
    : source_(source), buf_(std::max<size_t>(buffer_size, 16)) {}

absl::Status BufferedReader::Truncated(size_t missing) const {
  return absl::DataLossError(absl::StrCat("unexpected end of stream at offset ", offset(), " (",
                                          missing, " more bytes needed)"));
}

void BufferedReader::Publish(const char* data, size_t n) {
  if (n == 0) return;
  if (observer_ != nullptr) observer_->OnConsumed(absl::string_view(data, n));
  if (tee_ != nullptr && !tee_overflow_) {
    if (tee_->size() + n > tee_limit_) {
      tee_overflow_ = true;
      std::string().swap(*tee_);
    } else {
      tee_->append(data, n);
    }
  }
}

void BufferedReader::Flush() {
  Publish(buf_.data() + published_, pos_ - published_);
  published_ = pos_;
}

absl::StatusOr<bool> BufferedReader::Fill() {
  if (pos_ < end_) return true;
  Flush();
  base_offset_ += end_;
  pos_ = end_ = published_ = 0;
  ASSIGN_OR_RETURN(size_t n, source_.Read(buf_.data(), buf_.size()));
  end_ = std::min(n, buf_.size());
  return end_ > 0;
}

absl::StatusOr<uint8_t> BufferedReader::ReadByteSlow() {
  ASSIGN_OR_RETURN(bool more, Fill());
  if (!more) return Truncated(1);
  return static_cast<uint8_t>(buf_[pos_++]);
}

absl::Status BufferedReader::ReadExact(size_t n, char* out) {
  size_t have = std::min(n, end_ - pos_);
  std::memcpy(out, buf_.data() + pos_, have);
  pos_ += have;
  size_t done = have;
  if (done == n) return absl::OkStatus();
  // The buffer is drained: small remainders refill it, big ones bypass it.
  Flush();
  while (done < n) {
    size_t want = n - done;
    if (want < buf_.size()) {
      ASSIGN_OR_RETURN(bool more, Fill());
      if (!more) return Truncated(want);
      size_t take = std::min(want, end_ - pos_);
      std::memcpy(out + done, buf_.data() + pos_, take);
      pos_ += take;
      done += take;
      continue;
    }
    base_offset_ += end_;
    pos_ = end_ = published_ = 0;
    ASSIGN_OR_RETURN(size_t got, source_.Read(out + done, want));
    if (got == 0) return Truncated(want);
    got = std::min(got, want);
    Publish(out + done, got);
    base_offset_ += got;
    done += got;
  }
  return absl::OkStatus();
}

absl::Status BufferedReader::ReadExact(size_t n, std::string* out) {
  // Big strings grow as their bytes arrive, so a length prefix that lies costs address space only
  // (reserve), not memory that is touched.
  constexpr size_t kStep = 1 << 20;
  out->clear();
  if (n <= kStep) {
    out->resize(n);
    return ReadExact(n, out->data());
  }
  out->reserve(n);
  while (out->size() < n) {
    size_t old = out->size();
    size_t step = std::min(kStep, n - old);
    out->resize(old + step);
    RETURN_IF_ERROR(ReadExact(step, out->data() + old));
  }
  return absl::OkStatus();
}

absl::Status BufferedReader::Skip(size_t n) {
  while (n > 0) {
    ASSIGN_OR_RETURN(bool more, Fill());
    if (!more) return Truncated(n);
    size_t take = std::min(n, end_ - pos_);
    pos_ += take;
    n -= take;
  }
  return absl::OkStatus();
}

void BufferedReader::StartTee(std::string* capture, size_t limit) {
  Flush();
  capture->clear();
  tee_ = capture;
  tee_limit_ = limit;
  tee_overflow_ = false;
}

bool BufferedReader::StopTee() {
  Flush();
  bool complete = tee_ != nullptr && !tee_overflow_;
  tee_ = nullptr;
  return complete;
}

void BufferedReader::SetObserver(ConsumedBytesObserver* observer) {
  Flush();
  observer_ = observer;
}

}  // namespace rms::engine::io
