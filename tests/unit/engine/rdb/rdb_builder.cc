// Encoders for hand-made RDB test inputs.
#include "tests/unit/engine/rdb/rdb_builder.h"

#include "absl/strings/str_format.h"
#include "services/engine/rdb/crc64.h"

namespace rms::engine::rdb::testing {
namespace {

void PutLe(std::string* out, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

std::string ListpackEntry(const PackedValue& item) {
  std::string e;
  if (const auto* s = std::get_if<std::string>(&item)) {
    size_t n = s->size();
    if (n < 64) {
      e.push_back(static_cast<char>(0x80 | n));
    } else if (n < 4096) {
      e.push_back(static_cast<char>(0xE0 | (n >> 8)));
      e.push_back(static_cast<char>(n & 0xff));
    } else {
      e.push_back(static_cast<char>(0xF0));
      PutLe(&e, n, 4);
    }
    e += *s;
  } else {
    int64_t v = std::get<int64_t>(item);
    if (v >= 0 && v <= 127) {
      e.push_back(static_cast<char>(v));
    } else if (v >= -4096 && v <= 4095) {
      uint64_t uv = static_cast<uint64_t>(v) & 0x1fff;
      e.push_back(static_cast<char>(0xC0 | (uv >> 8)));
      e.push_back(static_cast<char>(uv & 0xff));
    } else if (v >= INT16_MIN && v <= INT16_MAX) {
      e.push_back(static_cast<char>(0xF1));
      PutLe(&e, static_cast<uint64_t>(v), 2);
    } else if (v >= -(1 << 23) && v < (1 << 23)) {
      e.push_back(static_cast<char>(0xF2));
      PutLe(&e, static_cast<uint64_t>(v), 3);
    } else if (v >= INT32_MIN && v <= INT32_MAX) {
      e.push_back(static_cast<char>(0xF3));
      PutLe(&e, static_cast<uint64_t>(v), 4);
    } else {
      e.push_back(static_cast<char>(0xF4));
      PutLe(&e, static_cast<uint64_t>(v), 8);
    }
  }
  uint64_t l = e.size();
  int n = l <= 127 ? 1 : l < 16383 ? 2 : l < 2097151 ? 3 : l < 268435455 ? 4 : 5;
  for (int i = 0; i < n; ++i) {
    uint64_t group = (l >> (7 * (n - 1 - i))) & 127;
    e.push_back(static_cast<char>(i == 0 ? group : group | 128));
  }
  return e;
}

std::string ZiplistEncoding(const PackedValue& item) {
  std::string e;
  if (const auto* s = std::get_if<std::string>(&item)) {
    size_t n = s->size();
    if (n < 64) {
      e.push_back(static_cast<char>(n));
    } else if (n < 16384) {
      e.push_back(static_cast<char>(0x40 | (n >> 8)));
      e.push_back(static_cast<char>(n & 0xff));
    } else {
      e.push_back(static_cast<char>(0x80));
      for (int i = 3; i >= 0; --i) e.push_back(static_cast<char>((n >> (8 * i)) & 0xff));
    }
    return e + *s;
  }
  int64_t v = std::get<int64_t>(item);
  if (v >= 0 && v <= 12) {
    e.push_back(static_cast<char>(0xF1 + v));
  } else if (v >= INT8_MIN && v <= INT8_MAX) {
    e.push_back(static_cast<char>(0xFE));
    PutLe(&e, static_cast<uint64_t>(v), 1);
  } else if (v >= INT16_MIN && v <= INT16_MAX) {
    e.push_back(static_cast<char>(0xC0));
    PutLe(&e, static_cast<uint64_t>(v), 2);
  } else if (v >= -(1 << 23) && v < (1 << 23)) {
    e.push_back(static_cast<char>(0xF0));
    PutLe(&e, static_cast<uint64_t>(v), 3);
  } else if (v >= INT32_MIN && v <= INT32_MAX) {
    e.push_back(static_cast<char>(0xD0));
    PutLe(&e, static_cast<uint64_t>(v), 4);
  } else {
    e.push_back(static_cast<char>(0xE0));
    PutLe(&e, static_cast<uint64_t>(v), 8);
  }
  return e;
}

}  // namespace

std::string Listpack(const std::vector<PackedValue>& items) {
  std::string body;
  for (const PackedValue& item : items) body += ListpackEntry(item);
  std::string out;
  PutLe(&out, 6 + body.size() + 1, 4);
  PutLe(&out, items.size() < 65535 ? items.size() : 65535, 2);
  return out + body + "\xff";
}

std::string Ziplist(const std::vector<PackedValue>& items) {
  std::string body;
  size_t prev = 0, tail = 10;
  for (const PackedValue& item : items) {
    std::string entry;
    if (prev < 254) {
      entry.push_back(static_cast<char>(prev));
    } else {
      entry.push_back(static_cast<char>(0xFE));
      PutLe(&entry, prev, 4);
    }
    entry += ZiplistEncoding(item);
    tail = 10 + body.size();
    body += entry;
    prev = entry.size();
  }
  std::string out;
  PutLe(&out, 10 + body.size() + 1, 4);
  PutLe(&out, tail, 4);
  PutLe(&out, items.size() < 65535 ? items.size() : 65535, 2);
  return out + body + "\xff";
}

std::string Intset(const std::vector<int64_t>& sorted, int width) {
  std::string out;
  PutLe(&out, width, 4);
  PutLe(&out, sorted.size(), 4);
  for (int64_t v : sorted) PutLe(&out, static_cast<uint64_t>(v), width);
  return out;
}

std::string Zipmap(const std::vector<std::pair<std::string, std::string>>& pairs) {
  std::string out(1, static_cast<char>(pairs.size() < 254 ? pairs.size() : 254));
  auto len = [&out](size_t n) {
    if (n < 254) {
      out.push_back(static_cast<char>(n));
    } else {
      out.push_back(static_cast<char>(254));
      PutLe(&out, n, 4);
    }
  };
  for (const auto& [k, v] : pairs) {
    len(k.size());
    out += k;
    len(v.size());
    out.push_back(static_cast<char>(2));  // two free bytes after the value
    out += v + "!!";
  }
  return out + "\xff";
}

RdbBuilder::RdbBuilder(int version) : version_(version) {
  out_ = absl::StrFormat("REDIS%04d", version);
}

RdbBuilder& RdbBuilder::Byte(uint8_t b) {
  out_.push_back(static_cast<char>(b));
  return *this;
}

RdbBuilder& RdbBuilder::Raw(absl::string_view bytes) {
  out_.append(bytes.data(), bytes.size());
  return *this;
}

RdbBuilder& RdbBuilder::Len(uint64_t n) {
  if (n < 64) return Byte(static_cast<uint8_t>(n));
  if (n < 16384) return Byte(static_cast<uint8_t>(0x40 | (n >> 8))).Byte(n & 0xff);
  if (n <= UINT32_MAX) {
    Byte(0x80);
    for (int i = 3; i >= 0; --i) Byte((n >> (8 * i)) & 0xff);
    return *this;
  }
  Byte(0x81);
  for (int i = 7; i >= 0; --i) Byte((n >> (8 * i)) & 0xff);
  return *this;
}

RdbBuilder& RdbBuilder::Str(absl::string_view s) { return Len(s.size()).Raw(s); }

RdbBuilder& RdbBuilder::Le(uint64_t v, int bytes) {
  PutLe(&out_, v, bytes);
  return *this;
}

RdbBuilder& RdbBuilder::Key(uint8_t type, absl::string_view key) { return Byte(type).Str(key); }

std::string RdbBuilder::Finish(bool checksum) {
  Byte(0xFF);
  if (version_ >= 5) PutLe(&out_, checksum ? Crc64(0, out_) : 0, 8);
  return out_;
}

}  // namespace rms::engine::rdb::testing
