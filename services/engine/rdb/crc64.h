// CRC-64/Jones as Redis computes it for RDB trailers and DUMP payloads.
#pragma once

#include <cstdint>

#include "absl/strings/string_view.h"

namespace rms::engine::rdb {

// Continues `crc` over `bytes`: reflected CRC-64 with polynomial 0xad93d23594c935a9, initial value
// 0, no final xor. Crc64(0, "123456789") == 0xe9c6d914c4b8d9ca. Thread-safe.
uint64_t Crc64(uint64_t crc, absl::string_view bytes);

}  // namespace rms::engine::rdb
