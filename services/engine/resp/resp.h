// RESP2 encoder and incremental decoder with size limits (no sockets here).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace rms::engine::resp {

// One RESP2 value. `str` holds simple strings, errors and bulk strings; `elements` arrays.
struct RespValue {
  enum class Type { kSimpleString, kError, kInteger, kBulkString, kNullBulk, kArray, kNullArray };
  Type type = Type::kNullBulk;
  std::string str;
  int64_t integer = 0;
  std::vector<RespValue> elements;

  static RespValue BulkString(std::string text);
  static RespValue Integer(int64_t value);
  static RespValue Array(std::vector<RespValue> elements);

  bool IsError() const { return type == Type::kError; }
  bool IsOk() const { return type == Type::kSimpleString && str == "OK"; }
  // A short printable description for error messages (truncated, never a whole payload).
  std::string Describe() const;
};

// Appends "$<len>\r\n<arg>\r\n": one argument of a command whose "*<n>" header is written apart.
void AppendBulkString(std::string& out, absl::string_view arg);
// Appends "*<n>\r\n" + "$<len>\r\n<arg>\r\n" per argument.
void AppendCommand(std::string& out, absl::Span<const absl::string_view> args);
void AppendCommand(std::string& out, std::initializer_list<absl::string_view> args);
void AppendCommandStrings(std::string& out, absl::Span<const std::string> args);
// The encoding of one command.
std::string EncodeCommand(std::initializer_list<absl::string_view> args);
std::string EncodeCommand(absl::Span<const std::string> args);

struct DecoderLimits {
  size_t max_bulk_bytes = 512u << 20;  // proto-max-bulk-len default
  size_t max_array_elements = 1u << 24;
  size_t max_line_bytes = 64u << 10;  // simple strings, errors, integers, headers
  int max_depth = 8;
};

// Incremental decoder: Feed() bytes as they arrive, Next() returns complete values in order.
// Not thread-safe. Resumable: a value split across many Feed() calls is parsed once (the parts
// already parsed are kept, their bytes dropped), so memory is the partial value plus the
// unconsumed bytes, and the work is linear in the input however it is split.
class RespDecoder {
 public:
  explicit RespDecoder(DecoderLimits limits = {}) : limits_(limits) {}

  void Feed(absl::string_view bytes);
  // The next complete value; std::nullopt when more bytes are needed. INVALID_ARGUMENT (protocol
  // violation) or RESOURCE_EXHAUSTED (a limit) are permanent: the stream cannot be resumed and
  // every later call returns the same error.
  absl::StatusOr<std::optional<RespValue>> Next();
  // Encoded size of the value returned by the last successful Next() (replication offsets).
  size_t last_value_bytes() const { return last_value_bytes_; }
  // Bytes fed but not yet returned as values (including those of a partially parsed value).
  size_t buffered() const { return partial_bytes_ + buffer_.size() - pos_; }

 private:
  // An array being filled: the elements parsed so far and how many are still missing.
  struct Frame {
    RespValue array;
    int64_t missing = 0;
  };
  enum class Item { kIncomplete, kValue, kArrayOpened };
  // Parses one item at pos_: a scalar, a whole bulk string or an array header. kIncomplete leaves
  // pos_ unchanged; otherwise pos_ advances and either *value is complete (kValue) or a
  // non-empty array's frame was pushed (kArrayOpened).
  absl::StatusOr<Item> ParseItem(RespValue* value);
  // The bulk string whose payload starts at `cursor` (length -1 = null bulk).
  absl::StatusOr<Item> TakeBulk(size_t cursor, int64_t length, RespValue* value);
  // An array whose elements start at `cursor`: complete when empty or null, else a new frame.
  absl::StatusOr<Item> OpenArray(size_t cursor, int64_t count, RespValue* value);
  absl::StatusOr<bool> ParseLine(size_t* pos, absl::string_view* line);
  absl::Status Fail(absl::Status status);
  void Compact();

  DecoderLimits limits_;
  std::string buffer_;
  size_t pos_ = 0;
  size_t need_ = 0;           // buffer size below which parsing cannot make progress
  std::vector<Frame> stack_;  // arrays under construction, outermost first
  size_t partial_bytes_ = 0;  // bytes of the current value consumed into stack_
  size_t last_value_bytes_ = 0;
  absl::Status error_;  // sticky
};

}  // namespace rms::engine::resp
