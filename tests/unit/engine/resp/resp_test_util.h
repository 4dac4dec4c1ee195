// Helpers for the RESP tests: a printable form of values and decoding in given chunks.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/engine/resp/resp.h"

namespace rms::engine::resp {

// Type and content, recursively ("bulk:\"a\\r\\n\"", "[int:1, null-bulk]").
inline std::string DebugString(const RespValue& value) {
  using Type = RespValue::Type;
  switch (value.type) {
    case Type::kSimpleString:
      return absl::StrCat("simple:\"", absl::CEscape(value.str), "\"");
    case Type::kError:
      return absl::StrCat("error:\"", absl::CEscape(value.str), "\"");
    case Type::kInteger:
      return absl::StrCat("int:", value.integer);
    case Type::kBulkString:
      return absl::StrCat("bulk:\"", absl::CEscape(value.str), "\"");
    case Type::kNullBulk:
      return "null-bulk";
    case Type::kNullArray:
      return "null-array";
    case Type::kArray: {
      std::vector<std::string> parts;
      for (const RespValue& element : value.elements) parts.push_back(DebugString(element));
      return absl::StrCat("[", absl::StrJoin(parts, ", "), "]");
    }
  }
  return "?";
}

// One decoded value with the byte count the decoder reported for it.
struct Decoded {
  std::string value;  // DebugString
  size_t bytes = 0;
  bool operator==(const Decoded& other) const {
    return value == other.value && bytes == other.bytes;
  }
};

inline std::ostream& operator<<(std::ostream& out, const Decoded& decoded) {
  return out << decoded.value << " (" << decoded.bytes << " bytes)";
}

// Feeds `chunks` in order, draining Next() after each; returns every value or the first error.
inline absl::StatusOr<std::vector<Decoded>> DecodeChunks(const std::vector<std::string>& chunks,
                                                         DecoderLimits limits = {}) {
  RespDecoder decoder(limits);
  std::vector<Decoded> out;
  for (const std::string& chunk : chunks) {
    decoder.Feed(chunk);
    while (true) {
      absl::StatusOr<std::optional<RespValue>> next = decoder.Next();
      if (!next.ok()) return next.status();
      if (!next->has_value()) break;
      out.push_back({DebugString(**next), decoder.last_value_bytes()});
    }
  }
  return out;
}

inline absl::StatusOr<std::vector<Decoded>> DecodeWhole(const std::string& bytes,
                                                        DecoderLimits limits = {}) {
  return DecodeChunks({bytes}, limits);
}

inline absl::StatusOr<std::vector<Decoded>> DecodeByteByByte(const std::string& bytes,
                                                             DecoderLimits limits = {}) {
  std::vector<std::string> chunks;
  for (char c : bytes) chunks.emplace_back(1, c);
  return DecodeChunks(chunks, limits);
}

}  // namespace rms::engine::resp
