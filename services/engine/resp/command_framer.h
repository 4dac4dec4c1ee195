// CommandFramer: finds where one RESP command (an array of bulk strings) ends in a byte buffer and
// where its arguments are, without copying them; resumable as more bytes arrive.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "services/engine/resp/resp.h"

namespace rms::engine::resp {

// For streams that carry only commands, as a replication stream does:
//   *<n>\r\n  then n times  $<len>\r\n<len bytes>\r\n
// Frame() is called with the unconsumed bytes, which start with the command; when they do not
// hold all of it, it returns 0 and remembers the arguments already found, so calling again with
// the same bytes plus more costs only the new part (a command split into many reads stays
// linear). Not thread-safe.
class CommandFramer {
 public:
  // Uses max_bulk_bytes, max_array_elements and max_line_bytes (headers) of `limits`.
  explicit CommandFramer(DecoderLimits limits = {}) : limits_(limits) {}

  // The size of the command at the start of `data` when it is complete (then args() describes
  // it, until the next call), or 0 when more bytes are needed. Errors are permanent:
  // INVALID_ARGUMENT for bytes that are not a RESP array of bulk strings (with the byte offset in
  // the command), RESOURCE_EXHAUSTED past a limit.
  absl::StatusOr<size_t> Frame(absl::string_view data);
  // The arguments of the last complete command, as views into the `data` Frame() was given.
  absl::Span<const absl::string_view> args() const { return args_; }

 private:
  struct Span {
    size_t offset;
    size_t size;
  };
  // The integer of the header line at `pos` ("*3\r\n", "$5\r\n") with prefix `kind`, advancing
  // *pos past the line; -1 when the line is not complete yet.
  absl::StatusOr<int64_t> Header(absl::string_view data, char kind, size_t* pos) const;
  absl::Status Fail(absl::Status status);

  DecoderLimits limits_;
  int64_t count_ = -1;       // arguments of the command being framed; -1 before its header
  size_t pos_ = 0;           // bytes of it framed so far (headers and arguments found)
  std::vector<Span> spans_;  // arguments found so far
  std::vector<absl::string_view> args_;
  absl::Status error_;
};

}  // namespace rms::engine::resp
