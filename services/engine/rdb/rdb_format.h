// RDB wire constants (opcodes, value types, encodings) and small helpers about them.
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "services/engine/rdb/rdb_events.h"

namespace rms::engine::rdb {

constexpr int kMinRdbVersion = 1;
constexpr int kMaxRdbVersion = 12;

// Opcodes of the top-level record stream.
constexpr uint8_t kOpSlotInfo = 0xF4;       // slot id, slot size, expires slot size (lengths)
constexpr uint8_t kOpFunction2 = 0xF5;      // library code (string)
constexpr uint8_t kOpFunctionPreGa = 0xF6;  // Redis 7.0 release candidates
constexpr uint8_t kOpModuleAux = 0xF7;      // module id, when opcode, when, module data
constexpr uint8_t kOpIdle = 0xF8;           // LRU idle seconds (length)
constexpr uint8_t kOpFreq = 0xF9;           // LFU counter (1 byte)
constexpr uint8_t kOpAux = 0xFA;            // key string, value string
constexpr uint8_t kOpResizeDb = 0xFB;       // db size, expires size (lengths)
constexpr uint8_t kOpExpireTimeMs = 0xFC;   // 8-byte little-endian unix ms
constexpr uint8_t kOpExpireTime = 0xFD;     // 4-byte little-endian unix seconds
constexpr uint8_t kOpSelectDb = 0xFE;       // db number (length)
constexpr uint8_t kOpEof = 0xFF;            // then an 8-byte CRC64 from version 5 on

// Value types (the byte before each key).
constexpr uint8_t kTypeString = 0;
constexpr uint8_t kTypeList = 1;
constexpr uint8_t kTypeSet = 2;
constexpr uint8_t kTypeZset = 3;
constexpr uint8_t kTypeHash = 4;
constexpr uint8_t kTypeZset2 = 5;
constexpr uint8_t kTypeModulePreGa = 6;
constexpr uint8_t kTypeModule2 = 7;
constexpr uint8_t kTypeHashZipmap = 9;
constexpr uint8_t kTypeListZiplist = 10;
constexpr uint8_t kTypeSetIntset = 11;
constexpr uint8_t kTypeZsetZiplist = 12;
constexpr uint8_t kTypeHashZiplist = 13;
constexpr uint8_t kTypeListQuicklist = 14;
constexpr uint8_t kTypeStreamListpacks = 15;
constexpr uint8_t kTypeHashListpack = 16;
constexpr uint8_t kTypeZsetListpack = 17;
constexpr uint8_t kTypeListQuicklist2 = 18;
constexpr uint8_t kTypeStreamListpacks2 = 19;
constexpr uint8_t kTypeSetListpack = 20;
constexpr uint8_t kTypeStreamListpacks3 = 21;
constexpr uint8_t kTypeHashMetadataPreGa = 22;
constexpr uint8_t kTypeHashListpackExPreGa = 23;
constexpr uint8_t kTypeHashMetadata = 24;
constexpr uint8_t kTypeHashListpackEx = 25;

// Length-prefix forms (top two bits of the first byte) and special string encodings.
constexpr uint8_t kLen6Bit = 0;
constexpr uint8_t kLen14Bit = 1;
constexpr uint8_t kLen32Bit = 0x80;
constexpr uint8_t kLen64Bit = 0x81;
constexpr uint8_t kEncInt8 = 0;
constexpr uint8_t kEncInt16 = 1;
constexpr uint8_t kEncInt32 = 2;
constexpr uint8_t kEncLzf = 3;

// Quicklist 2 node containers.
constexpr uint64_t kQuicklistPlain = 1;
constexpr uint64_t kQuicklistPacked = 2;

// Module serialized value opcodes (module aux data and MODULE_2 values).
constexpr uint64_t kModuleOpEof = 0;
constexpr uint64_t kModuleOpSint = 1;
constexpr uint64_t kModuleOpUint = 2;
constexpr uint64_t kModuleOpFloat = 3;
constexpr uint64_t kModuleOpDouble = 4;
constexpr uint64_t kModuleOpString = 5;

// True for every value type defined up to RDB 12 (0..7, 9..25).
bool IsValueType(uint8_t type);
// The kind of value a type holds; only meaningful when IsValueType(type).
ValueKind KindOfType(uint8_t type);
// Redis's name for the type ("quicklist2", "hash-listpack-ex"...), or "unknown".
absl::string_view TypeName(uint8_t type);
// The first RDB version whose writers produce `type` (0 if it is not a value type).
int FirstVersionWithType(uint8_t type);
// The nine-character module type name encoded in a module id (its top 54 bits).
std::string ModuleTypeName(uint64_t module_id);

// DATA_LOSS "corrupt RDB at offset N: what": the one way this library reports bad bytes.
absl::Status CorruptAt(uint64_t offset, absl::string_view what);

}  // namespace rms::engine::rdb
