// RDB scalar encodings. Lengths: first byte 00xxxxxx (6 bits), 01xxxxxx xxxxxxxx (14 bits, big
// endian), 0x80 + 4 bytes / 0x81 + 8 bytes (big endian), 11xxxxxx (special string encoding).
#include "services/engine/rdb/rdb_primitives.h"

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>

#include "absl/strings/str_cat.h"
#include "services/common/status_macros.h"
#include "services/engine/rdb/lzf.h"
#include "services/engine/rdb/rdb_format.h"

namespace rms::engine::rdb {

absl::StatusOr<LengthOrEncoding> ReadLengthOrEncoding(io::BufferedReader& in) {
  const uint64_t start = in.offset();
  ASSIGN_OR_RETURN(uint8_t first, in.ReadByte());
  switch (first >> 6) {
    case kLen6Bit:
      return LengthOrEncoding{first & 0x3fu, false};
    case kLen14Bit: {
      ASSIGN_OR_RETURN(uint8_t second, in.ReadByte());
      return LengthOrEncoding{((first & 0x3fu) << 8) | second, false};
    }
    case 3:
      return LengthOrEncoding{first & 0x3fu, true};
    default:
      break;
  }
  int bytes = first == kLen32Bit ? 4 : first == kLen64Bit ? 8 : 0;
  if (bytes == 0) return CorruptAt(start, absl::StrCat("bad length prefix 0x", absl::Hex(first)));
  char buf[8];
  RETURN_IF_ERROR(in.ReadExact(bytes, buf));
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v = (v << 8) | static_cast<uint8_t>(buf[i]);
  return LengthOrEncoding{v, false};
}

absl::StatusOr<uint64_t> ReadLength(io::BufferedReader& in) {
  const uint64_t start = in.offset();
  ASSIGN_OR_RETURN(LengthOrEncoding len, ReadLengthOrEncoding(in));
  if (len.encoded) return CorruptAt(start, "string encoding where a length was expected");
  return len.value;
}

absl::StatusOr<uint64_t> ReadCount(io::BufferedReader& in, uint64_t limit, absl::string_view what) {
  const uint64_t start = in.offset();
  ASSIGN_OR_RETURN(uint64_t n, ReadLength(in));
  if (n > limit) {
    return CorruptAt(start, absl::StrCat(what, " count ", n, " exceeds the limit of ", limit));
  }
  return n;
}

absl::StatusOr<uint64_t> ReadLittleEndian(io::BufferedReader& in, int bytes) {
  char buf[8];
  RETURN_IF_ERROR(in.ReadExact(bytes, buf));
  uint64_t v = 0;
  for (int i = bytes - 1; i >= 0; --i) v = (v << 8) | static_cast<uint8_t>(buf[i]);
  return v;
}

namespace {

constexpr uint64_t kLzfMaxExpansion = 88;

absl::Status ReadIntString(io::BufferedReader& in, uint64_t enc, std::string* out) {
  int bytes = enc == kEncInt8 ? 1 : enc == kEncInt16 ? 2 : 4;
  ASSIGN_OR_RETURN(uint64_t raw, ReadLittleEndian(in, bytes));
  int64_t v = bytes == 1   ? static_cast<int8_t>(raw)
              : bytes == 2 ? static_cast<int16_t>(raw)
                           : static_cast<int32_t>(raw);
  *out = absl::StrCat(v);
  return absl::OkStatus();
}

// LZF: compressed length, uncompressed length, compressed bytes.
absl::Status ReadLzfString(io::BufferedReader& in, const RdbLimits& limits, uint64_t start,
                           std::string* out, bool keep, size_t skip_up_to = 0,
                           bool* skipped = nullptr) {
  ASSIGN_OR_RETURN(uint64_t clen, ReadLength(in));
  ASSIGN_OR_RETURN(uint64_t len, ReadLength(in));
  if (clen > limits.max_string_bytes || len > limits.max_string_bytes) {
    return CorruptAt(start,
                     absl::StrCat("LZF string of ", len, " bytes (", clen,
                                  " compressed) exceeds the limit of ", limits.max_string_bytes));
  }
  // A 3-byte LZF back reference expands to at most 264 bytes: larger ratios are impossible.
  if (len > clen * kLzfMaxExpansion) {
    return CorruptAt(start, absl::StrCat("LZF string claims ", len, " bytes from only ", clen));
  }
  if (!keep) return in.Skip(clen);
  if (skipped != nullptr && clen <= skip_up_to) {
    *skipped = true;
    return in.Skip(clen);
  }
  std::string compressed;
  RETURN_IF_ERROR(in.ReadExact(clen, &compressed));
  out->assign(len, '\0');
  absl::Status st = LzfDecompress(compressed, out);
  if (!st.ok()) return CorruptAt(start, st.message());
  return absl::OkStatus();
}

// `skipped` (optional): a string of at most `skip_up_to` stored bytes is skipped even when `keep`,
// and *skipped set.
absl::Status ReadOrSkipString(io::BufferedReader& in, const RdbLimits& limits, std::string* out,
                              bool keep, size_t skip_up_to = 0, bool* skipped = nullptr) {
  const uint64_t start = in.offset();
  ASSIGN_OR_RETURN(LengthOrEncoding len, ReadLengthOrEncoding(in));
  if (len.encoded) {
    switch (len.value) {
      case kEncInt8:
      case kEncInt16:
      case kEncInt32:
        if (skipped != nullptr) *skipped = true;
        if (!keep || skipped != nullptr) {
          return in.Skip(len.value == kEncInt8 ? 1 : len.value == kEncInt16 ? 2 : 4);
        }
        return ReadIntString(in, len.value, out);
      case kEncLzf:
        return ReadLzfString(in, limits, start, out, keep, skip_up_to, skipped);
      default:
        return CorruptAt(start, absl::StrCat("unknown string encoding ", len.value));
    }
  }
  if (len.value > limits.max_string_bytes) {
    return CorruptAt(start, absl::StrCat("string of ", len.value, " bytes exceeds the limit of ",
                                         limits.max_string_bytes));
  }
  if (!keep) return in.Skip(len.value);
  if (skipped != nullptr && len.value <= skip_up_to) {
    *skipped = true;
    return in.Skip(len.value);
  }
  return in.ReadExact(len.value, out);
}

}  // namespace

absl::Status ReadString(io::BufferedReader& in, const RdbLimits& limits, std::string* out) {
  return ReadOrSkipString(in, limits, out, /*keep=*/true);
}

absl::StatusOr<bool> SkipStringIfAtMost(io::BufferedReader& in, const RdbLimits& limits,
                                        size_t skip_up_to, std::string* out) {
  bool skipped = false;
  RETURN_IF_ERROR(ReadOrSkipString(in, limits, out, /*keep=*/true, skip_up_to, &skipped));
  return skipped;
}

absl::Status SkipString(io::BufferedReader& in, const RdbLimits& limits) {
  return ReadOrSkipString(in, limits, nullptr, /*keep=*/false);
}

absl::StatusOr<int64_t> ReadMillis(io::BufferedReader& in) {
  ASSIGN_OR_RETURN(uint64_t v, ReadLittleEndian(in, 8));
  return static_cast<int64_t>(v);
}

absl::StatusOr<double> ReadBinaryDouble(io::BufferedReader& in) {
  ASSIGN_OR_RETURN(uint64_t bits, ReadLittleEndian(in, 8));
  double d;
  std::memcpy(&d, &bits, sizeof(d));
  return d;
}

absl::StatusOr<double> ReadStringDouble(io::BufferedReader& in) {
  const uint64_t start = in.offset();
  ASSIGN_OR_RETURN(uint8_t len, in.ReadByte());
  if (len == 253) return std::numeric_limits<double>::quiet_NaN();
  if (len == 254) return std::numeric_limits<double>::infinity();
  if (len == 255) return -std::numeric_limits<double>::infinity();
  char buf[256];
  RETURN_IF_ERROR(in.ReadExact(len, buf));
  double d;
  if (!ParseScore(absl::string_view(buf, len), &d)) {
    return CorruptAt(start, "zset score is not a number");
  }
  return d;
}

bool ParseScore(absl::string_view text, double* out) {
  if (text.empty() || text.size() > 128) return false;
  char buf[130];
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  char* end = nullptr;
  double d = std::strtod(buf, &end);
  if (end != buf + text.size() || std::isspace(static_cast<unsigned char>(buf[0]))) return false;
  *out = d;
  return true;
}

}  // namespace rms::engine::rdb
