// PackedItem conversions.
#include "services/engine/rdb/packed_cursor.h"

#include "absl/strings/str_cat.h"
#include "services/engine/rdb/rdb_primitives.h"

namespace rms::engine::rdb {

PackedCursor::~PackedCursor() = default;

std::string PackedItem::ToString() const { return is_int ? absl::StrCat(num) : std::string(str); }

void PackedItem::AssignTo(std::string* out) const {
  if (is_int) {
    *out = absl::StrCat(num);
  } else {
    out->assign(str.data(), str.size());
  }
}

bool PackedItem::ToScore(double* out) const {
  if (is_int) {
    *out = static_cast<double>(num);
    return true;
  }
  return ParseScore(str, out);
}

}  // namespace rms::engine::rdb
