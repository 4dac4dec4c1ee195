// Readers for the RDB's scalar encodings: lengths, strings (raw, integer, LZF), times, doubles.
// Every failure on bad bytes is CorruptAt(offset of the item, ...); source errors pass through.
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "services/engine/io/buffered_reader.h"
#include "services/engine/rdb/rdb_events.h"

namespace rms::engine::rdb {

// A length prefix, or (encoded == true) a special string encoding kEncInt8/16/32/Lzf in `value`.
struct LengthOrEncoding {
  uint64_t value = 0;
  bool encoded = false;
};

absl::StatusOr<LengthOrEncoding> ReadLengthOrEncoding(io::BufferedReader& in);
// A plain length; a special encoding here is corrupt.
absl::StatusOr<uint64_t> ReadLength(io::BufferedReader& in);
// A length that counts elements (`what` names them in errors); above `limit` is corrupt.
absl::StatusOr<uint64_t> ReadCount(io::BufferedReader& in, uint64_t limit, absl::string_view what);

// Reads one RDB string into `out` (replacing it): raw bytes, an integer rendered in decimal, or
// LZF data decompressed. Lengths above limits.max_string_bytes are corrupt, checked before
// allocating.
absl::Status ReadString(io::BufferedReader& in, const RdbLimits& limits, std::string* out);
// Skips the string at the current offset when its stored bytes (compressed, for LZF) are at most
// `skip_up_to` and returns true; else reads it into `out` as ReadString does and returns false.
absl::StatusOr<bool> SkipStringIfAtMost(io::BufferedReader& in, const RdbLimits& limits,
                                        size_t skip_up_to, std::string* out);
// Skips one RDB string without keeping it (LZF data is skipped compressed).
absl::Status SkipString(io::BufferedReader& in, const RdbLimits& limits);

absl::StatusOr<uint64_t> ReadLittleEndian(io::BufferedReader& in, int bytes);
// 8-byte little-endian unix milliseconds (expire times, stream delivery/seen times).
absl::StatusOr<int64_t> ReadMillis(io::BufferedReader& in);
// 8-byte little-endian IEEE double (ZSET_2 scores, module doubles).
absl::StatusOr<double> ReadBinaryDouble(io::BufferedReader& in);
// The old ZSET score: a length byte (253 nan, 254 +inf, 255 -inf) then that many ASCII chars.
absl::StatusOr<double> ReadStringDouble(io::BufferedReader& in);

// Parses a score stored as text (listpack/ziplist zset scores); false if it is not a number.
bool ParseScore(absl::string_view text, double* out);

}  // namespace rms::engine::rdb
