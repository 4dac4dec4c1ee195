// RESP2 encoder and incremental decoder with size limits.
#include "services/engine/resp/resp.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace rms::engine::resp {
namespace {

using Type = RespValue::Type;

void AppendBulk(std::string& out, absl::string_view arg) {
  absl::StrAppend(&out, "$", arg.size(), "\r\n");
  out.append(arg.data(), arg.size());
  out.append("\r\n");
}

absl::Status Violation(absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("RESP protocol error: ", what));
}

}  // namespace

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
  for (absl::string_view arg : args) AppendBulk(out, arg);
}

void AppendCommand(std::string& out, std::initializer_list<absl::string_view> args) {
  AppendCommand(out, absl::Span<const absl::string_view>(args.begin(), args.size()));
}

std::string EncodeCommand(std::initializer_list<absl::string_view> args) {
  std::string out;
  AppendCommand(out, args);
  return out;
}

std::string EncodeCommand(absl::Span<const std::string> args) {
  std::string out;
  absl::StrAppend(&out, "*", args.size(), "\r\n");
  for (const std::string& arg : args) AppendBulk(out, arg);
  return out;
}

void RespDecoder::Feed(absl::string_view bytes) { buffer_.append(bytes.data(), bytes.size()); }

void RespDecoder::Compact() {
  if (pos_ > (64u << 10) && pos_ * 2 > buffer_.size()) {
    buffer_.erase(0, pos_);
    if (need_ >= pos_) need_ -= pos_;
    pos_ = 0;
  } else if (pos_ == buffer_.size()) {
    buffer_.clear();
    pos_ = 0;
    need_ = 0;
  }
}

absl::StatusOr<std::optional<RespValue>> RespDecoder::Next() {
  if (buffer_.size() <= pos_ || buffer_.size() < need_) return std::nullopt;
  size_t pos = pos_;
  RespValue value;
  absl::StatusOr<bool> complete = Parse(&pos, 0, &value);
  if (!complete.ok()) return complete.status();
  if (!*complete) return std::nullopt;
  last_value_bytes_ = pos - pos_;
  pos_ = pos;
  need_ = 0;
  Compact();
  return value;
}

absl::StatusOr<bool> RespDecoder::ParseLine(size_t* pos, absl::string_view* line) {
  size_t end = buffer_.find("\r\n", *pos);
  if (end == std::string::npos) {
    if (buffer_.size() - *pos > limits_.max_line_bytes) {
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

absl::StatusOr<bool> RespDecoder::Parse(size_t* pos, int depth, RespValue* out) {
  if (*pos >= buffer_.size()) return false;
  const char marker = buffer_[*pos];
  size_t cursor = *pos + 1;
  absl::string_view line;
  absl::StatusOr<bool> has_line = ParseLine(&cursor, &line);
  if (!has_line.ok() || !*has_line) return has_line;
  int64_t number = 0;
  switch (marker) {
    case '+':
    case '-':
      out->type = marker == '+' ? Type::kSimpleString : Type::kError;
      out->str = std::string(line);
      *pos = cursor;
      return true;
    case ':':
      if (!absl::SimpleAtoi(line, &number)) return Violation("bad integer");
      out->type = Type::kInteger;
      out->integer = number;
      *pos = cursor;
      return true;
    case '$':
      if (!absl::SimpleAtoi(line, &number) || number < -1) return Violation("bad bulk length");
      *pos = cursor;
      return ParseBulk(pos, number, out);
    case '*':
      if (!absl::SimpleAtoi(line, &number) || number < -1) return Violation("bad array length");
      if (depth >= limits_.max_depth) return absl::ResourceExhaustedError("RESP nesting too deep");
      *pos = cursor;
      return ParseArray(pos, number, depth, out);
    default:
      return Violation(
          absl::StrCat("unexpected type byte 0x", absl::Hex(static_cast<unsigned char>(marker))));
  }
}

absl::StatusOr<bool> RespDecoder::ParseBulk(size_t* pos, int64_t length, RespValue* out) {
  if (length == -1) {
    out->type = Type::kNullBulk;
    return true;
  }
  if (static_cast<uint64_t>(length) > limits_.max_bulk_bytes) {
    return absl::ResourceExhaustedError(
        absl::StrCat("RESP bulk string of ", length, " bytes exceeds the limit"));
  }
  const size_t end = *pos + static_cast<size_t>(length) + 2;
  if (buffer_.size() < end) {
    need_ = std::max(need_, end);
    return false;
  }
  if (buffer_[end - 2] != '\r' || buffer_[end - 1] != '\n') {
    return Violation("bulk string not terminated by CRLF");
  }
  out->type = Type::kBulkString;
  out->str.assign(buffer_, *pos, static_cast<size_t>(length));
  *pos = end;
  return true;
}

absl::StatusOr<bool> RespDecoder::ParseArray(size_t* pos, int64_t count, int depth,
                                             RespValue* out) {
  if (count == -1) {
    out->type = Type::kNullArray;
    return true;
  }
  if (static_cast<uint64_t>(count) > limits_.max_array_elements) {
    return absl::ResourceExhaustedError(
        absl::StrCat("RESP array of ", count, " elements exceeds the limit"));
  }
  out->type = Type::kArray;
  out->elements.clear();
  out->elements.reserve(std::min<int64_t>(count, 1024));
  for (int64_t i = 0; i < count; ++i) {
    RespValue element;
    absl::StatusOr<bool> complete = Parse(pos, depth + 1, &element);
    if (!complete.ok() || !*complete) return complete;
    out->elements.push_back(std::move(element));
  }
  return true;
}

}  // namespace rms::engine::resp
