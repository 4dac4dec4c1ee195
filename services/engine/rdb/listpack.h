// Listpack decoding (hash/zset/set listpacks, quicklist 2 nodes, stream nodes).
#pragma once

#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "services/engine/rdb/packed_cursor.h"

namespace rms::engine::rdb {

// Layout: <total-bytes u32le> <num-elements u16le, 65535 = unknown> <entry>* <0xFF>; each entry is
// <encoding+data> <backlen: 1-5 bytes giving the size of encoding+data, read backwards>.
class ListpackCursor : public PackedCursor {
 public:
  // Checks the header against the blob: INVALID_ARGUMENT if sizes disagree or the end byte is
  // missing.
  static absl::StatusOr<ListpackCursor> Open(absl::string_view blob);

  absl::StatusOr<bool> Next(PackedItem* item) override;
  // The element count in the header (65535 when unknown).
  uint32_t header_count() const { return header_count_; }
  bool at_end() const;

 private:
  explicit ListpackCursor(absl::string_view blob);

  const unsigned char* data_;
  size_t size_;
  size_t pos_ = 6;
  uint32_t header_count_ = 0;
  uint64_t seen_ = 0;
};

}  // namespace rms::engine::rdb
