// Test-only writers of small RDB streams and packed blobs (listpack, ziplist, intset, zipmap), for
// hand-made inputs that no fixture covers.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "absl/strings/string_view.h"

namespace rms::engine::rdb::testing {

using PackedValue = std::variant<std::string, int64_t>;

std::string Listpack(const std::vector<PackedValue>& items);
std::string Ziplist(const std::vector<PackedValue>& items);
std::string Intset(const std::vector<int64_t>& sorted, int width);
std::string Zipmap(const std::vector<std::pair<std::string, std::string>>& pairs);

class RdbBuilder {
 public:
  explicit RdbBuilder(int version = 12);
  RdbBuilder& Byte(uint8_t b);
  RdbBuilder& Raw(absl::string_view bytes);
  RdbBuilder& Len(uint64_t n);  // shortest length encoding
  RdbBuilder& Str(absl::string_view s);
  RdbBuilder& Le(uint64_t v, int bytes);
  RdbBuilder& Key(uint8_t type, absl::string_view key);  // type byte + key string
  // EOF opcode, then (version >= 5) the CRC64 of everything, or 8 zero bytes if !checksum.
  std::string Finish(bool checksum = true);
  const std::string& bytes() const { return out_; }

 private:
  int version_;
  std::string out_;
};

}  // namespace rms::engine::rdb::testing
