// Intset (RDB type 11) and zipmap (RDB type 9, Redis before 2.6) decoding.
#pragma once

#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "services/engine/rdb/packed_cursor.h"

namespace rms::engine::rdb {

// Layout: <encoding u32le: 2, 4 or 8> <length u32le> <length sorted little-endian integers>.
class IntsetCursor : public PackedCursor {
 public:
  static absl::StatusOr<IntsetCursor> Open(absl::string_view blob);
  absl::StatusOr<bool> Next(PackedItem* item) override;

 private:
  IntsetCursor(const unsigned char* data, uint32_t width, uint64_t count);
  const unsigned char* data_;
  uint32_t width_;
  uint64_t count_;
  uint64_t index_ = 0;
  int64_t prev_ = 0;
};

// Layout: <zmlen: 1 byte, count if < 254> then per pair <len> key <len> <free: 1 byte> value
// <free unused bytes>, ending with 0xFF; <len> is 1 byte (< 254) or 0xFE + u32le. Yields key,
// value, key, value...
class ZipmapCursor : public PackedCursor {
 public:
  static absl::StatusOr<ZipmapCursor> Open(absl::string_view blob);
  absl::StatusOr<bool> Next(PackedItem* item) override;

 private:
  explicit ZipmapCursor(absl::string_view blob);
  absl::StatusOr<uint64_t> ReadLen();

  const unsigned char* data_;
  size_t size_;
  size_t pos_ = 1;
  uint32_t header_count_ = 0;
  uint64_t items_ = 0;
};

}  // namespace rms::engine::rdb
