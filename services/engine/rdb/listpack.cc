// Listpack entry encodings: 0xxxxxxx 7-bit uint; 10xxxxxx 6-bit string length; 110xxxxx +1 byte
// 13-bit int; 1110xxxx +1 byte 12-bit string length; 0xF0 + u32le string length; 0xF1/F2/F3/F4
// int16/24/32/64 little endian; 0xFF end.
#include "services/engine/rdb/listpack.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace rms::engine::rdb {
namespace {

constexpr size_t kHeaderSize = 6;
constexpr uint8_t kEnd = 0xFF;

absl::Status Bad(size_t pos, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("listpack byte ", pos, ": ", what));
}

size_t BacklenSize(uint64_t len) {
  if (len <= 127) return 1;
  if (len < 16383) return 2;
  if (len < 2097151) return 3;
  if (len < 268435455) return 4;
  return 5;
}

// Decodes the backlen whose last byte is at `last`: the low 7-bit group comes last and carries the
// 0x80 continuation flag, moving toward lower addresses.
uint64_t DecodeBacklen(const unsigned char* last, size_t bytes) {
  uint64_t v = 0;
  int shift = 0;
  for (size_t i = 0; i < bytes; ++i) {
    v |= static_cast<uint64_t>(last[-static_cast<ptrdiff_t>(i)] & 127) << shift;
    shift += 7;
  }
  return v;
}

}  // namespace

ListpackCursor::ListpackCursor(absl::string_view blob)
    : data_(reinterpret_cast<const unsigned char*>(blob.data())), size_(blob.size()) {}

absl::StatusOr<ListpackCursor> ListpackCursor::Open(absl::string_view blob) {
  if (blob.size() < kHeaderSize + 1) return Bad(0, "shorter than a listpack header");
  ListpackCursor c(blob);
  uint64_t total = LoadLe(c.data_, 4);
  if (total != blob.size()) {
    return Bad(0, absl::StrCat("header says ", total, " bytes, blob has ", blob.size()));
  }
  if (c.data_[c.size_ - 1] != kEnd) return Bad(c.size_ - 1, "missing end byte");
  c.header_count_ = static_cast<uint32_t>(LoadLe(c.data_ + 4, 2));
  return c;
}

bool ListpackCursor::at_end() const { return pos_ >= size_ - 1; }

// Decodes the encoding byte(s) at `d` (with `avail` bytes before the end byte): sets the item's
// integer, or marks it a string of `*data_len` bytes; `*header` is the size of the encoding.
static absl::Status DecodeEntryHeader(const unsigned char* d, size_t avail, size_t pos,
                                      PackedItem* item, size_t* header, uint64_t* data_len) {
  const uint8_t b = d[0];
  *header = 1;
  *data_len = 0;
  item->is_int = true;
  item->str = absl::string_view();
  if (b < 0x80) {
    item->num = b;
  } else if ((b & 0xC0) == 0x80) {
    item->is_int = false;
    *data_len = b & 0x3f;
  } else if ((b & 0xE0) == 0xC0) {
    *header = 2;
    if (avail < 2) return Bad(pos, "entry passes the end");
    item->num = SignExtend((static_cast<uint64_t>(b & 0x1f) << 8) | d[1], 13);
  } else if ((b & 0xF0) == 0xE0) {
    *header = 2;
    if (avail < 2) return Bad(pos, "entry passes the end");
    item->is_int = false;
    *data_len = (static_cast<uint64_t>(b & 0x0f) << 8) | d[1];
  } else if (b == 0xF0) {
    *header = 5;
    if (avail < 5) return Bad(pos, "entry passes the end");
    item->is_int = false;
    *data_len = LoadLe(d + 1, 4);
  } else if (b >= 0xF1 && b <= 0xF4) {
    static constexpr int kIntBytes[] = {2, 3, 4, 8};
    const int bytes = kIntBytes[b - 0xF1];
    *header = 1 + bytes;
    if (avail < *header) return Bad(pos, "entry passes the end");
    item->num = SignExtend(LoadLe(d + 1, bytes), bytes * 8);
  } else {
    return Bad(pos, absl::StrCat("invalid entry encoding 0x", absl::Hex(b)));
  }
  return absl::OkStatus();
}

absl::StatusOr<bool> ListpackCursor::Next(PackedItem* item) {
  const size_t p = pos_;
  const size_t limit = size_ - 1;  // the end byte
  if (p >= limit) {
    if (header_count_ != 65535 && header_count_ != seen_) {
      return Bad(4, absl::StrCat("header counts ", header_count_, " elements, found ", seen_));
    }
    return false;
  }
  const unsigned char* d = data_ + p;
  const size_t avail = limit - p;
  size_t header;
  uint64_t data_len;
  absl::Status st = DecodeEntryHeader(d, avail, p, item, &header, &data_len);
  if (!st.ok()) return st;
  const uint64_t entry_len = header + data_len;
  const size_t backlen = BacklenSize(entry_len);
  if (entry_len + backlen > avail) return Bad(p, "entry passes the end");
  if (DecodeBacklen(d + entry_len + backlen - 1, backlen) != entry_len) {
    return Bad(p + entry_len, "back length does not match the entry");
  }
  if (!item->is_int) {
    item->str = absl::string_view(reinterpret_cast<const char*>(d + header), data_len);
  }
  pos_ = p + entry_len + backlen;
  ++seen_;
  return true;
}

}  // namespace rms::engine::rdb
