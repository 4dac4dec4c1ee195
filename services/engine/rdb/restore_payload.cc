// DUMP payload framing.
#include "services/engine/rdb/restore_payload.h"

#include "services/engine/rdb/crc64.h"
#include "services/engine/rdb/rdb_format.h"

namespace rms::engine::rdb {

std::string RestorePayload(absl::string_view raw_value, uint8_t rdb_type, int rdb_version) {
  std::string out;
  out.reserve(raw_value.size() + 11);
  out.push_back(static_cast<char>(rdb_type));
  out.append(raw_value.data(), raw_value.size());
  out.push_back(static_cast<char>(rdb_version & 0xff));
  out.push_back(static_cast<char>((rdb_version >> 8) & 0xff));
  uint64_t crc = Crc64(0, out);
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((crc >> (8 * i)) & 0xff));
  return out;
}

bool TargetAcceptsType(uint8_t rdb_type, int target_rdb_version) {
  if (KindOfType(rdb_type) == ValueKind::kModule) return false;
  int first = FirstVersionWithType(rdb_type);
  return first > 0 && target_rdb_version >= first;
}

}  // namespace rms::engine::rdb
