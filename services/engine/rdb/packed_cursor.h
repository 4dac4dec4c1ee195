// PackedCursor: walks the items of an in-memory packed encoding (listpack, ziplist, intset,
// zipmap) without copying them.
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace rms::engine::rdb {

// One item: an integer or a byte string pointing into the cursor's blob.
struct PackedItem {
  bool is_int = false;
  int64_t num = 0;
  absl::string_view str;

  // The item as Redis would reply it (integers in decimal).
  std::string ToString() const;
  void AssignTo(std::string* out) const;
  // The item as a zset score; false if it is a string that is not a number.
  bool ToScore(double* out) const;
};

// Cursors return INVALID_ARGUMENT "<encoding> byte N: what" for malformed blobs; the RDB reader
// turns that into DATA_LOSS at the blob's offset. The blob must outlive the cursor.
class PackedCursor {
 public:
  virtual ~PackedCursor();
  // Sets `item` to the next item and returns true, or returns false after the last one (having
  // checked the trailer and the item count in the header).
  virtual absl::StatusOr<bool> Next(PackedItem* item) = 0;
};

// Little-endian loads from unaligned memory.
inline uint64_t LoadLe(const unsigned char* p, int bytes) {
  uint64_t v = 0;
  for (int i = bytes - 1; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}
// Sign-extends the low `bits` bits of `v`.
inline int64_t SignExtend(uint64_t v, int bits) {
  if (bits >= 64) return static_cast<int64_t>(v);
  uint64_t sign = uint64_t{1} << (bits - 1);
  v &= (sign << 1) - 1;
  return static_cast<int64_t>((v ^ sign) - sign);
}

}  // namespace rms::engine::rdb
