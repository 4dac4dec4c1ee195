// SnapshotSource: the RDB payload of a full resync, framed by "$<len>" or "$EOF:<mark>".
#include "services/engine/replication/snapshot_source.h"

#include <algorithm>
#include <cstring>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "services/common/status_macros.h"

namespace rms::engine::replication {
namespace {

constexpr size_t kMaxHeaderLine = 1024;

bool IsDecimal(absl::string_view text) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

SnapshotSource::SnapshotSource(ReplicationLink& link, absl::Duration idle_timeout)
    : link_(link), idle_timeout_(idle_timeout) {}

absl::StatusOr<size_t> SnapshotSource::Read(char* out, size_t max) {
  if (!error_.ok()) return error_;
  if (state_ == State::kHeader) {
    error_ = ReadHeader();
    if (!error_.ok()) return error_;
  }
  absl::StatusOr<size_t> n = 0;
  if (state_ == State::kSized) n = ReadSized(out, max);
  if (state_ == State::kMarked) n = ReadMarked(out, max);
  if (!n.ok()) error_ = n.status();
  return n;
}

absl::Status SnapshotSource::ReadHeader() {
  const std::string peer = link_.peer();
  while (true) {
    absl::StatusOr<std::string> read = link_.ReadLine(idle_timeout_, kMaxHeaderLine);
    if (!read.ok()) return read.status();
    const std::string& line = *read;
    if (line.empty()) continue;  // keep-alive
    if (line[0] == '-') {
      return absl::UnavailableError(
          absl::StrCat("source ", peer, " aborted the snapshot: ", line.substr(1)));
    }
    if (absl::StartsWith(line, "$EOF:")) {
      // The source knows no size in advance: the payload ends with the announced mark.
      if (line.size() != 5 + kMarkBytes) {
        return absl::DataLossError(absl::StrCat("source ", peer, " sent a bad EOF mark"));
      }
      mark_ = line.substr(5);
      state_ = State::kMarked;
      return absl::OkStatus();
    }
    return StartSized(line);
  }
}

absl::Status SnapshotSource::StartSized(absl::string_view line) {
  int64_t size = 0;
  if (line[0] != '$' || !IsDecimal(line.substr(1)) || !absl::SimpleAtoi(line.substr(1), &size)) {
    return absl::DataLossError(absl::StrCat("source ", link_.peer(),
                                            " sent a bad snapshot header: ", line.substr(0, 100)));
  }
  size_.store(size, std::memory_order_relaxed);
  remaining_ = static_cast<uint64_t>(size);
  state_ = remaining_ == 0 ? State::kEnded : State::kSized;
  return absl::OkStatus();
}

size_t SnapshotSource::Deliver(char* out, size_t n) {
  std::memcpy(out, link_.data().data(), n);
  link_.Consume(n);
  payload_bytes_.fetch_add(n, std::memory_order_relaxed);
  return n;
}

absl::StatusOr<size_t> SnapshotSource::ReadSized(char* out, size_t max) {
  if (link_.data().empty()) RETURN_IF_ERROR(link_.FillWithin(idle_timeout_));
  const size_t n = Deliver(out, std::min<uint64_t>({max, remaining_, link_.data().size()}));
  remaining_ -= n;
  if (remaining_ == 0) state_ = State::kEnded;
  return n;
}

absl::StatusOr<size_t> SnapshotSource::ReadMarked(char* out, size_t max) {
  while (known_payload_ == 0) {
    const absl::string_view pending = link_.data();
    if (mark_located_) {  // the mark is at the front: the payload is over
      if (pending.size() < kMarkBytes) {
        RETURN_IF_ERROR(link_.FillWithin(idle_timeout_));
        continue;
      }
      link_.Consume(kMarkBytes);
      state_ = State::kEnded;
      return 0;
    }
    const size_t at = pending.find(mark_);
    if (at != absl::string_view::npos) {
      known_payload_ = at;
      mark_located_ = true;
    } else if (pending.size() >= kMarkBytes) {
      // A mark starting in the last 39 bytes would still be incomplete: hold them back.
      known_payload_ = pending.size() - (kMarkBytes - 1);
    } else {
      RETURN_IF_ERROR(link_.FillWithin(idle_timeout_));
    }
  }
  const size_t n = Deliver(out, std::min(max, known_payload_));
  known_payload_ -= n;
  return n;
}

}  // namespace rms::engine::replication
