// ReplicationLink: socket reads through the throttle into one growable buffer.
#include "services/engine/replication/replication_link.h"

#include <algorithm>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "services/common/status_macros.h"

namespace rms::engine::replication {

ReplicationLink::ReplicationLink(ByteThrottle* throttle, size_t read_chunk_bytes,
                                 io::MemoryBudget* budget)
    : throttle_(throttle),
      read_chunk_bytes_(std::max<size_t>(read_chunk_bytes, 1)),
      claim_(budget) {}

absl::Status ReplicationLink::Attach(std::unique_ptr<redis::RedisClient> client) {
  if (client->decoder().buffered() != 0) {
    return absl::DataLossError(
        absl::StrCat("source ", client->endpoint().Describe(), " sent unexpected bytes"));
  }
  client_ = std::move(client);
  return absl::OkStatus();
}

std::string ReplicationLink::peer() const {
  return client_ == nullptr ? "source" : client_->endpoint().Describe();
}

absl::Status ReplicationLink::Fill(absl::Time deadline) {
  if (throttle_ != nullptr && unpaid_ > 0) {
    RETURN_IF_ERROR(throttle_->Acquire(unpaid_));
    unpaid_ = 0;
  }
  RETURN_IF_ERROR(MakeRoom());
  ASSIGN_OR_RETURN(
      size_t n, client_->connection().ReadSome(buffer_.data() + end_, read_chunk_bytes_, deadline));
  if (n == 0) {
    return absl::UnavailableError(absl::StrCat("source ", peer(), " closed the connection"));
  }
  end_ += n;
  unpaid_ = n;
  bytes_received_.fetch_add(n, std::memory_order_relaxed);
  return absl::OkStatus();
}

absl::Status ReplicationLink::MakeRoom() {
  if (begin_ == end_) begin_ = end_ = 0;
  if (buffer_.size() - end_ >= read_chunk_bytes_) return absl::OkStatus();
  if (begin_ > 0) {  // move the unconsumed tail to the front before growing
    std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  if (buffer_.size() - end_ >= read_chunk_bytes_) return absl::OkStatus();
  // Grow by half (amortised copies) and reserve exactly, so the claim is what is allocated.
  const size_t size = std::max(end_ + read_chunk_bytes_, buffer_.size() + buffer_.size() / 2);
  RETURN_IF_ERROR(claim_.Resize(size, absl::StrCat("the replication stream from ", peer())));
  std::vector<char> grown;
  grown.reserve(size);
  grown.assign(buffer_.begin(), buffer_.begin() + end_);
  grown.resize(size);
  buffer_.swap(grown);
  return absl::OkStatus();
}

absl::Status ReplicationLink::FillWithin(absl::Duration idle_timeout) {
  absl::Status status = Fill(absl::Now() + idle_timeout);
  if (absl::IsDeadlineExceeded(status)) {
    return absl::UnavailableError(
        absl::StrCat("source ", peer(), " sent nothing for ", absl::FormatDuration(idle_timeout)));
  }
  return status;
}

absl::StatusOr<std::string> ReplicationLink::ReadLine(absl::Duration idle_timeout,
                                                      size_t max_bytes) {
  size_t scanned = 0;
  while (true) {
    const absl::string_view pending = data();
    const size_t newline = pending.find('\n', scanned);
    if (newline != absl::string_view::npos) {
      absl::string_view line = pending.substr(0, newline);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      std::string out(line);
      Consume(newline + 1);
      return out;
    }
    if (pending.size() > max_bytes) {
      return absl::DataLossError(
          absl::StrCat("source ", peer(), " sent a line longer than ", max_bytes, " bytes"));
    }
    scanned = pending.size();
    RETURN_IF_ERROR(FillWithin(idle_timeout));
  }
}

absl::Status ReplicationLink::Write(absl::string_view bytes, absl::Time deadline) {
  return client_->connection().WriteAll(bytes, deadline);
}

}  // namespace rms::engine::replication
