// RESP2 encoder and incremental decoder with size limits.
#include "services/engine/resp/resp.h"

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace rms::engine::resp {
namespace {

using Type = RespValue::Type;

// Redis-strict integers: an optional '-' then decimal digits, nothing else (no '+', no spaces).
bool ParseStrictInt(absl::string_view text, int64_t* out) {
  const size_t digits_from = !text.empty() && text[0] == '-' ? 1 : 0;
  if (text.size() == digits_from) return false;
  for (size_t i = digits_from; i < text.size(); ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
  }
  return absl::SimpleAtoi(text, out);  // rejects overflow
}

absl::Status Violation(absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("RESP protocol error: ", what));
}

}  // namespace

void AppendBulkString(std::string& out, absl::string_view arg) {
  // "$" + up to 20 digits + CRLF, formatted by hand: this runs once per argument sent.
  char head[24];
  char* end = head + sizeof(head);
  char* p = end;
  *--p = '\n';
  *--p = '\r';
  size_t n = arg.size();
  do {
    *--p = static_cast<char>('0' + n % 10);
    n /= 10;
  } while (n > 0);
  *--p = '$';
  out.append(p, static_cast<size_t>(end - p));
  out.append(arg.data(), arg.size());
  out.append("\r\n", 2);
}

RespValue RespValue::BulkString(std::string text) {
  RespValue value;
  value.type = Type::kBulkString;
  value.str = std::move(text);
  return value;
}

RespValue RespValue::Integer(int64_t integer) {
  RespValue value;
  value.type = Type::kInteger;
  value.integer = integer;
  return value;
}

RespValue RespValue::Array(std::vector<RespValue> elements) {
  RespValue value;
  value.type = Type::kArray;
  value.elements = std::move(elements);
  return value;
}

std::string RespValue::Describe() const {
  switch (type) {
    case Type::kSimpleString:
      return absl::StrCat("+", str.substr(0, 200));
    case Type::kError:
      return absl::StrCat("-", str.substr(0, 200));
    case Type::kInteger:
      return absl::StrCat(":", integer);
    case Type::kBulkString:
      return absl::StrCat("bulk string of ", str.size(), " bytes");
    case Type::kNullBulk:
      return "null bulk string";
    case Type::kArray:
      return absl::StrCat("array of ", elements.size(), " elements");
    case Type::kNullArray:
      return "null array";
  }
  return "unknown";
}

void AppendCommand(std::string& out, absl::Span<const absl::string_view> args) {
  absl::StrAppend(&out, "*", args.size(), "\r\n");
  for (absl::string_view arg : args) AppendBulkString(out, arg);
}

void AppendCommand(std::string& out, std::initializer_list<absl::string_view> args) {
  AppendCommand(out, absl::Span<const absl::string_view>(args.begin(), args.size()));
}

std::string EncodeCommand(std::initializer_list<absl::string_view> args) {
  std::string out;
  AppendCommand(out, args);
  return out;
}

void AppendCommandStrings(std::string& out, absl::Span<const std::string> args) {
  absl::StrAppend(&out, "*", args.size(), "\r\n");
  for (const std::string& arg : args) AppendBulkString(out, arg);
}

std::string EncodeCommand(absl::Span<const std::string> args) {
  std::string out;
  AppendCommandStrings(out, args);
  return out;
}

void RespDecoder::Feed(absl::string_view bytes) { buffer_.append(bytes.data(), bytes.size()); }

absl::Status RespDecoder::Fail(absl::Status status) {
  error_ = status;
  stack_.clear();
  return status;
}

void RespDecoder::Compact() {
  if (pos_ == buffer_.size()) {
    buffer_.clear();
    pos_ = 0;
    need_ = 0;
  } else if (pos_ > (64u << 10) && pos_ * 2 > buffer_.size()) {
    buffer_.erase(0, pos_);
    need_ = need_ > pos_ ? need_ - pos_ : 0;
    pos_ = 0;
  }
}

absl::StatusOr<std::optional<RespValue>> RespDecoder::Next() {
  if (!error_.ok()) return error_;
  while (pos_ < buffer_.size() && buffer_.size() >= need_) {
    const size_t start = pos_;
    RespValue value;
    absl::StatusOr<Item> item = ParseItem(&value);
    if (!item.ok()) return Fail(item.status());
    if (*item == Item::kIncomplete) break;
    need_ = 0;
    partial_bytes_ += pos_ - start;
    if (*item == Item::kArrayOpened) continue;
    // A finished value completes its enclosing arrays bottom-up, as far as it can.
    bool finished = true;
    while (!stack_.empty()) {
      Frame& top = stack_.back();
      top.array.elements.push_back(std::move(value));
      if (--top.missing > 0) {
        finished = false;
        break;
      }
      value = std::move(top.array);
      stack_.pop_back();
    }
    if (finished) {
      last_value_bytes_ = partial_bytes_;
      partial_bytes_ = 0;
      Compact();
      return value;
    }
  }
  Compact();
  return std::nullopt;
}

absl::StatusOr<bool> RespDecoder::ParseLine(size_t* pos, absl::string_view* line) {
  const size_t end = buffer_.find("\r\n", *pos);
  if (end == std::string::npos) {
    // Without a CRLF among them, more than limit+1 pending bytes cannot end a short enough line.
    if (buffer_.size() - *pos > limits_.max_line_bytes + 1) {
      return absl::ResourceExhaustedError("RESP line longer than the limit");
    }
    return false;
  }
  if (end - *pos > limits_.max_line_bytes) {
    return absl::ResourceExhaustedError("RESP line longer than the limit");
  }
  *line = absl::string_view(buffer_).substr(*pos, end - *pos);
  *pos = end + 2;
  return true;
}

absl::StatusOr<RespDecoder::Item> RespDecoder::ParseItem(RespValue* value) {
  const char marker = buffer_[pos_];
  if (marker != '+' && marker != '-' && marker != ':' && marker != '$' && marker != '*') {
    return Violation(
        absl::StrCat("unexpected type byte 0x", absl::Hex(static_cast<unsigned char>(marker))));
  }
  size_t cursor = pos_ + 1;
  absl::string_view line;
  absl::StatusOr<bool> has_line = ParseLine(&cursor, &line);
  if (!has_line.ok()) return has_line.status();
  if (!*has_line) {
    need_ = buffer_.size() + 1;
    return Item::kIncomplete;
  }
  int64_t number = 0;
  if (marker == '+' || marker == '-') {
    value->type = marker == '+' ? Type::kSimpleString : Type::kError;
    value->str = std::string(line);
  } else if (marker == ':') {
    if (!ParseStrictInt(line, &number)) return Violation("bad integer");
    value->type = Type::kInteger;
    value->integer = number;
  } else if (marker == '$') {
    if (!ParseStrictInt(line, &number) || number < -1) return Violation("bad bulk length");
    return TakeBulk(cursor, number, value);
  } else {
    if (!ParseStrictInt(line, &number) || number < -1) return Violation("bad array length");
    return OpenArray(cursor, number, value);
  }
  pos_ = cursor;
  return Item::kValue;
}

absl::StatusOr<RespDecoder::Item> RespDecoder::TakeBulk(size_t cursor, int64_t length,
                                                        RespValue* value) {
  value->type = Type::kNullBulk;
  if (length >= 0) {
    if (static_cast<uint64_t>(length) > limits_.max_bulk_bytes) {
      return absl::ResourceExhaustedError(
          absl::StrCat("RESP bulk string of ", length, " bytes exceeds the limit"));
    }
    const size_t end = cursor + static_cast<size_t>(length) + 2;
    if (buffer_.size() < end) {
      need_ = end;
      return Item::kIncomplete;
    }
    if (buffer_[end - 2] != '\r' || buffer_[end - 1] != '\n') {
      return Violation("bulk string not terminated by CRLF");
    }
    value->type = Type::kBulkString;
    value->str.assign(buffer_, cursor, static_cast<size_t>(length));
    cursor = end;
  }
  pos_ = cursor;
  return Item::kValue;
}

absl::StatusOr<RespDecoder::Item> RespDecoder::OpenArray(size_t cursor, int64_t count,
                                                         RespValue* value) {
  if (static_cast<int>(stack_.size()) >= limits_.max_depth) {
    return absl::ResourceExhaustedError("RESP nesting too deep");
  }
  if (count > 0 && static_cast<uint64_t>(count) > limits_.max_array_elements) {
    return absl::ResourceExhaustedError(
        absl::StrCat("RESP array of ", count, " elements exceeds the limit"));
  }
  pos_ = cursor;
  value->type = count == -1 ? Type::kNullArray : Type::kArray;
  if (count <= 0) return Item::kValue;
  stack_.push_back(Frame{std::move(*value), count});
  stack_.back().array.elements.reserve(std::min<int64_t>(count, 1024));
  return Item::kArrayOpened;
}

}  // namespace rms::engine::resp
