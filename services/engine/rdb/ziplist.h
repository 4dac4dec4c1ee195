// Ziplist decoding (RDB types 10, 12, 13 and quicklist 1 nodes).
#pragma once

#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "services/engine/rdb/packed_cursor.h"

namespace rms::engine::rdb {

// Layout: <zlbytes u32le> <zltail u32le> <zllen u16le, 65535 = unknown> <entry>* <0xFF>; each entry
// is <prevlen: 1 byte, or 0xFE + u32le> <encoding> <data>.
class ZiplistCursor : public PackedCursor {
 public:
  // Checks zlbytes, zltail and the end byte against the blob.
  static absl::StatusOr<ZiplistCursor> Open(absl::string_view blob);

  absl::StatusOr<bool> Next(PackedItem* item) override;

 private:
  explicit ZiplistCursor(absl::string_view blob);

  const unsigned char* data_;
  size_t size_;
  size_t pos_ = 10;
  size_t tail_ = 0;
  uint32_t header_count_ = 0;
  uint64_t seen_ = 0;
  size_t prev_entry_size_ = 0;
  size_t last_entry_pos_ = 10;
};

}  // namespace rms::engine::rdb
