// CommandFramer: command boundaries and argument positions of RESP arrays of bulk strings.
#include "services/engine/resp/command_framer.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace rms::engine::resp {
namespace {

constexpr int64_t kIncomplete = -1;

}  // namespace

absl::Status CommandFramer::Fail(absl::Status status) {
  error_ = status;
  return status;
}

absl::StatusOr<int64_t> CommandFramer::Header(absl::string_view data, char kind,
                                              size_t* pos) const {
  const size_t start = *pos;
  if (start >= data.size()) return kIncomplete;
  if (data[start] != kind) {
    return absl::InvalidArgumentError(absl::StrCat("expected '", std::string(1, kind), "' at byte ",
                                                   start, " of a command, got 0x",
                                                   absl::Hex(static_cast<uint8_t>(data[start]))));
  }
  const size_t cr = data.find('\r', start);
  if (cr == absl::string_view::npos || cr + 1 >= data.size()) {
    if (data.size() - start > limits_.max_line_bytes) {
      return absl::ResourceExhaustedError(
          absl::StrCat("a header line is longer than ", limits_.max_line_bytes, " bytes"));
    }
    return kIncomplete;
  }
  int64_t value = 0;
  if (data[cr + 1] != '\n' || !absl::SimpleAtoi(data.substr(start + 1, cr - start - 1), &value) ||
      value < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("malformed '", std::string(1, kind), "' header at byte ", start));
  }
  *pos = cr + 2;
  return value;
}

absl::StatusOr<size_t> CommandFramer::Frame(absl::string_view data) {
  if (!error_.ok()) return error_;
  if (count_ < 0) {
    size_t pos = 0;
    absl::StatusOr<int64_t> count = Header(data, '*', &pos);
    if (!count.ok()) return Fail(count.status());
    if (*count == kIncomplete) return 0;
    if (static_cast<uint64_t>(*count) > limits_.max_array_elements) {
      return Fail(absl::ResourceExhaustedError(absl::StrCat(
          "a command of ", *count, " arguments (limit ", limits_.max_array_elements, ")")));
    }
    count_ = *count;
    pos_ = pos;
    spans_.clear();
  }
  while (static_cast<int64_t>(spans_.size()) < count_) {
    size_t pos = pos_;
    absl::StatusOr<int64_t> length = Header(data, '$', &pos);
    if (!length.ok()) return Fail(length.status());
    if (*length == kIncomplete) return 0;
    if (static_cast<uint64_t>(*length) > limits_.max_bulk_bytes) {
      return Fail(absl::ResourceExhaustedError(
          absl::StrCat("an argument of ", *length, " bytes (limit ", limits_.max_bulk_bytes, ")")));
    }
    const size_t end = pos + static_cast<size_t>(*length);
    if (data.size() < end + 2) return 0;  // the header is parsed again next time: a few bytes
    if (data[end] != '\r' || data[end + 1] != '\n') {
      return Fail(absl::InvalidArgumentError(
          absl::StrCat("argument without its \\r\\n terminator at byte ", end)));
    }
    spans_.push_back({pos, static_cast<size_t>(*length)});
    pos_ = end + 2;
  }
  args_.clear();
  for (const Span& span : spans_) args_.push_back(data.substr(span.offset, span.size));
  const size_t size = pos_;
  count_ = -1;
  pos_ = 0;
  return size;
}

}  // namespace rms::engine::resp
