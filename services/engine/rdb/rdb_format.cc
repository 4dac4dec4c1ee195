// Tables about RDB value types, and the corrupt-input status.
#include "services/engine/rdb/rdb_format.h"

#include "absl/strings/str_cat.h"

namespace rms::engine::rdb {
namespace {

struct TypeInfo {
  absl::string_view name;
  ValueKind kind;
  int first_version;  // 0: never accepted (pre-release formats)
};

// Indexed by type byte 0..25; entry 8 is the unused hole.
constexpr TypeInfo kTypes[] = {
    {"string", ValueKind::kString, 1},
    {"list", ValueKind::kList, 1},
    {"set", ValueKind::kSet, 1},
    {"zset", ValueKind::kZset, 1},
    {"hash", ValueKind::kHash, 1},
    {"zset2", ValueKind::kZset, 8},
    {"module-pre-ga", ValueKind::kModule, 0},
    {"module2", ValueKind::kModule, 8},
    {"unknown", ValueKind::kModule, 0},
    {"hash-zipmap", ValueKind::kHash, 2},
    {"list-ziplist", ValueKind::kList, 2},
    {"set-intset", ValueKind::kSet, 2},
    {"zset-ziplist", ValueKind::kZset, 2},
    {"hash-ziplist", ValueKind::kHash, 4},
    {"quicklist", ValueKind::kList, 7},
    {"stream", ValueKind::kStream, 9},
    {"hash-listpack", ValueKind::kHash, 10},
    {"zset-listpack", ValueKind::kZset, 10},
    {"quicklist2", ValueKind::kList, 10},
    {"stream-v2", ValueKind::kStream, 10},
    {"set-listpack", ValueKind::kSet, 11},
    {"stream-v3", ValueKind::kStream, 11},
    {"hash-metadata-pre-ga", ValueKind::kHash, 12},
    {"hash-listpack-ex-pre-ga", ValueKind::kHash, 12},
    {"hash-metadata", ValueKind::kHash, 12},
    {"hash-listpack-ex", ValueKind::kHash, 12},
};
constexpr size_t kTypeCount = sizeof(kTypes) / sizeof(kTypes[0]);

}  // namespace

bool IsValueType(uint8_t type) { return type < kTypeCount && type != 8; }

ValueKind KindOfType(uint8_t type) {
  return IsValueType(type) ? kTypes[type].kind : ValueKind::kModule;
}

absl::string_view TypeName(uint8_t type) {
  return IsValueType(type) ? kTypes[type].name : "unknown";
}

int FirstVersionWithType(uint8_t type) {
  return IsValueType(type) ? kTypes[type].first_version : 0;
}

std::string ModuleTypeName(uint64_t module_id) {
  static constexpr char kCharset[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  // The id is 9 six-bit characters (first character highest) followed by a 10-bit encoding version.
  std::string name(9, ' ');
  uint64_t bits = module_id >> 10;
  for (int i = 8; i >= 0; --i) {
    name[i] = kCharset[bits & 63];
    bits >>= 6;
  }
  return name;
}

absl::Status CorruptAt(uint64_t offset, absl::string_view what) {
  return absl::DataLossError(absl::StrCat("corrupt RDB at offset ", offset, ": ", what));
}

}  // namespace rms::engine::rdb
