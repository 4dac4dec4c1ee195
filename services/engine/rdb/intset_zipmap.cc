// Intset and zipmap cursors.
#include "services/engine/rdb/intset_zipmap.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace rms::engine::rdb {
namespace {

absl::Status Bad(absl::string_view encoding, size_t pos, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(encoding, " byte ", pos, ": ", what));
}

}  // namespace

IntsetCursor::IntsetCursor(const unsigned char* data, uint32_t width, uint64_t count)
    : data_(data), width_(width), count_(count) {}

absl::StatusOr<IntsetCursor> IntsetCursor::Open(absl::string_view blob) {
  const auto* d = reinterpret_cast<const unsigned char*>(blob.data());
  if (blob.size() < 8) return Bad("intset", 0, "shorter than an intset header");
  uint32_t width = static_cast<uint32_t>(LoadLe(d, 4));
  if (width != 2 && width != 4 && width != 8) {
    return Bad("intset", 0, absl::StrCat("invalid integer width ", width));
  }
  uint64_t count = LoadLe(d + 4, 4);
  if (8 + count * width != blob.size()) {
    return Bad(
        "intset", 4,
        absl::StrCat(count, " integers of ", width, " bytes do not fill ", blob.size(), " bytes"));
  }
  return IntsetCursor(d + 8, width, count);
}

absl::StatusOr<bool> IntsetCursor::Next(PackedItem* item) {
  if (index_ >= count_) return false;
  item->is_int = true;
  item->str = absl::string_view();
  item->num = SignExtend(LoadLe(data_ + index_ * width_, width_), width_ * 8);
  if (index_ > 0 && item->num <= prev_) {
    return Bad("intset", 8 + index_ * width_, "integers not in ascending order");
  }
  prev_ = item->num;
  ++index_;
  return true;
}

ZipmapCursor::ZipmapCursor(absl::string_view blob)
    : data_(reinterpret_cast<const unsigned char*>(blob.data())), size_(blob.size()) {}

absl::StatusOr<ZipmapCursor> ZipmapCursor::Open(absl::string_view blob) {
  if (blob.size() < 2) return Bad("zipmap", 0, "shorter than an empty zipmap");
  ZipmapCursor c(blob);
  c.header_count_ = c.data_[0];
  if (c.data_[c.size_ - 1] != 0xFF) return Bad("zipmap", c.size_ - 1, "missing end byte");
  return c;
}

absl::StatusOr<uint64_t> ZipmapCursor::ReadLen() {
  if (pos_ >= size_) return Bad("zipmap", pos_, "entry passes the end");
  uint8_t b = data_[pos_];
  if (b < 254) {
    pos_ += 1;
    return b;
  }
  if (b == 255) return Bad("zipmap", pos_, "end byte inside a pair");
  if (pos_ + 5 > size_) return Bad("zipmap", pos_, "entry passes the end");
  uint64_t len = LoadLe(data_ + pos_ + 1, 4);
  pos_ += 5;
  return len;
}

absl::StatusOr<bool> ZipmapCursor::Next(PackedItem* item) {
  item->is_int = false;
  const bool is_key = items_ % 2 == 0;
  if (is_key && data_[pos_] == 0xFF) {
    if (pos_ != size_ - 1) return Bad("zipmap", pos_, "end byte before the end of the blob");
    if (header_count_ < 254 && header_count_ != items_ / 2) {
      return Bad("zipmap", 0,
                 absl::StrCat("header counts ", header_count_, " pairs, found ", items_ / 2));
    }
    return false;
  }
  const size_t start = pos_;
  auto len = ReadLen();
  if (!len.ok()) return len.status();
  uint64_t free_bytes = 0;
  if (!is_key) {
    if (pos_ >= size_) return Bad("zipmap", start, "entry passes the end");
    free_bytes = data_[pos_++];
  }
  // The last byte is the end marker, so data must stop before it.
  if (pos_ >= size_ || *len + free_bytes > size_ - 1 - pos_) {
    return Bad("zipmap", start, "entry passes the end");
  }
  item->str = absl::string_view(reinterpret_cast<const char*>(data_ + pos_), *len);
  pos_ += *len + free_bytes;
  ++items_;
  return true;
}

}  // namespace rms::engine::rdb
