// Redis Cluster key slots: CRC16 (XMODEM) of the key, or of its {hash tag}, modulo 16384.
#pragma once

#include <cstdint>

#include "absl/strings/string_view.h"

namespace rms::engine::cluster {

inline constexpr int kClusterSlots = 16384;

// CRC16-CCITT (XMODEM: polynomial 0x1021, initial value 0), as Redis Cluster uses it.
uint16_t Crc16(absl::string_view bytes);

// The part of `key` that is hashed: the text between the first '{' and the first '}' after it,
// when that is not empty; else the whole key.
absl::string_view HashTagOf(absl::string_view key);

// The slot of `key` (0 .. 16383).
int SlotOf(absl::string_view key);

}  // namespace rms::engine::cluster
