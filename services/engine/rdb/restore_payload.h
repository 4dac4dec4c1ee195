// DUMP/RESTORE payloads built from a value's raw RDB bytes, and which targets accept which types.
#pragma once

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace rms::engine::rdb {

// The DUMP format: <rdb_type byte> <raw_value> <rdb_version: 2 bytes little endian> <CRC64 of all
// the preceding bytes: 8 bytes little endian>. `raw_value` is RdbEvent::raw_value of kKeyEnd.
// A target refuses payloads whose version is above its own RDB version, so pass the lower of the
// source's and the target's versions once TargetAcceptsType() said yes.
std::string RestorePayload(absl::string_view raw_value, uint8_t rdb_type, int rdb_version);

// True if a server writing RDB version `target_rdb_version` can load values of `rdb_type` (known
// value type that existed by then; module values never, since they need the module).
bool TargetAcceptsType(uint8_t rdb_type, int target_rdb_version);

}  // namespace rms::engine::rdb
