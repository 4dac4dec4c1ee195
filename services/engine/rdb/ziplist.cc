// Ziplist entry encodings: 00xxxxxx 6-bit string length; 01xxxxxx +1 byte 14-bit length (big
// endian); 0x80 + u32be length; 0xC0 int16, 0xD0 int32, 0xE0 int64, 0xF0 int24, 0xFE int8 (all
// little endian); 0xF1..0xFD the immediate value (low nibble - 1), no data.
#include "services/engine/rdb/ziplist.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace rms::engine::rdb {
namespace {

constexpr size_t kHeaderSize = 10;
constexpr uint8_t kEnd = 0xFF;

absl::Status Bad(size_t pos, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("ziplist byte ", pos, ": ", what));
}

// Size of the data after an integer encoding byte, or -1 if `b` is not an integer encoding.
int IntDataBytes(uint8_t b) {
  switch (b) {
    case 0xC0:
      return 2;
    case 0xD0:
      return 4;
    case 0xE0:
      return 8;
    case 0xF0:
      return 3;
    case 0xFE:
      return 1;
    default:
      return (b >= 0xF1 && b <= 0xFD) ? 0 : -1;
  }
}

}  // namespace

ZiplistCursor::ZiplistCursor(absl::string_view blob)
    : data_(reinterpret_cast<const unsigned char*>(blob.data())), size_(blob.size()) {}

absl::StatusOr<ZiplistCursor> ZiplistCursor::Open(absl::string_view blob) {
  if (blob.size() < kHeaderSize + 1) return Bad(0, "shorter than a ziplist header");
  ZiplistCursor c(blob);
  uint64_t total = LoadLe(c.data_, 4);
  if (total != blob.size()) {
    return Bad(0, absl::StrCat("header says ", total, " bytes, blob has ", blob.size()));
  }
  c.tail_ = LoadLe(c.data_ + 4, 4);
  if (c.tail_ > c.size_ - 1) return Bad(4, "tail offset past the end");
  if (c.data_[c.size_ - 1] != kEnd) return Bad(c.size_ - 1, "missing end byte");
  c.header_count_ = static_cast<uint32_t>(LoadLe(c.data_ + 8, 2));
  return c;
}

// Decodes the encoding at `e` (with `avail` bytes before the end byte): sets the item's integer,
// or marks it a string of `*data_len` bytes; `*header` is the size of the encoding.
static absl::Status DecodeEncoding(const unsigned char* e, size_t avail, size_t pos,
                                   PackedItem* item, size_t* header, uint64_t* data_len) {
  const uint8_t b = e[0];
  *header = 1;
  *data_len = 0;
  item->is_int = false;
  item->str = absl::string_view();
  switch (b >> 6) {
    case 0:
      *data_len = b & 0x3f;
      return absl::OkStatus();
    case 1:
      *header = 2;
      if (avail < 2) return Bad(pos, "entry passes the end");
      *data_len = (static_cast<uint64_t>(b & 0x3f) << 8) | e[1];
      return absl::OkStatus();
    case 2:
      if (b != 0x80) return Bad(pos, "invalid string encoding");
      *header = 5;
      if (avail < 5) return Bad(pos, "entry passes the end");
      *data_len = (static_cast<uint64_t>(e[1]) << 24) | (e[2] << 16) | (e[3] << 8) | e[4];
      return absl::OkStatus();
    default:
      break;
  }
  const int bytes = IntDataBytes(b);
  if (bytes < 0) return Bad(pos, absl::StrCat("invalid encoding 0x", absl::Hex(b)));
  *header = 1 + bytes;
  if (avail < *header) return Bad(pos, "entry passes the end");
  item->is_int = true;
  item->num = bytes == 0 ? (b & 0x0f) - 1 : SignExtend(LoadLe(e + 1, bytes), bytes * 8);
  return absl::OkStatus();
}

absl::StatusOr<bool> ZiplistCursor::Next(PackedItem* item) {
  const size_t p = pos_;
  const size_t limit = size_ - 1;
  if (p >= limit || data_[p] == kEnd) {
    if (p != limit) return Bad(p, "end byte before the end of the blob");
    if (header_count_ != 65535 && header_count_ != seen_) {
      return Bad(8, absl::StrCat("header counts ", header_count_, " entries, found ", seen_));
    }
    if (tail_ != last_entry_pos_) return Bad(4, "tail offset does not point at the last entry");
    return false;
  }
  const unsigned char* d = data_ + p;
  const size_t avail = limit - p;
  size_t prevlen_size = 1;
  uint64_t prevlen = d[0];
  if (d[0] == 0xFE) {
    prevlen_size = 5;
    if (avail < 5) return Bad(p, "entry passes the end");
    prevlen = LoadLe(d + 1, 4);
  }
  if (prevlen != prev_entry_size_) return Bad(p, "previous-entry length does not match");
  if (avail <= prevlen_size) return Bad(p, "entry passes the end");
  size_t header;
  uint64_t data_len;
  absl::Status st = DecodeEncoding(d + prevlen_size, avail - prevlen_size, p + prevlen_size, item,
                                   &header, &data_len);
  if (!st.ok()) return st;
  const uint64_t size = prevlen_size + header + data_len;
  if (size > avail) return Bad(p, "entry passes the end");
  if (!item->is_int) {
    item->str =
        absl::string_view(reinterpret_cast<const char*>(d + prevlen_size + header), data_len);
  }
  last_entry_pos_ = p;
  prev_entry_size_ = size;
  pos_ = p + size;
  ++seen_;
  return true;
}

}  // namespace rms::engine::rdb
