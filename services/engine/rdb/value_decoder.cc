// Dispatch from an RDB value type to its decoder; module values are refused here.
#include "services/engine/rdb/value_decoder.h"

#include "absl/strings/str_cat.h"
#include "services/common/status_macros.h"
#include "services/engine/rdb/rdb_format.h"
#include "services/engine/rdb/rdb_primitives.h"

namespace rms::engine::rdb {

ValueDecoder::~ValueDecoder() = default;

std::optional<StreamValue> ValueDecoder::TakeStream() { return std::nullopt; }

namespace {

// Module values can only be rebuilt by the module that wrote them: refuse with its name.
absl::Status RefuseModuleValue(uint8_t type, const DecodeContext& ctx) {
  const uint64_t start = ctx.in->offset();
  ASSIGN_OR_RETURN(uint64_t module_id, ReadLength(*ctx.in));
  return absl::FailedPreconditionError(absl::StrCat(
      "RDB at offset ", start, " holds a value of module type '", ModuleTypeName(module_id),
      "' (module id ", module_id, ", encoding version ", module_id & 1023, ", RDB type ",
      static_cast<int>(type), "): module data cannot be migrated without that module"));
}

}  // namespace

absl::StatusOr<std::unique_ptr<ValueDecoder>> StartValue(uint8_t type, const DecodeContext& ctx) {
  switch (type) {
    case kTypeModulePreGa:
    case kTypeModule2:
      return RefuseModuleValue(type, ctx);
    case kTypeHashZipmap:
    case kTypeListZiplist:
    case kTypeSetIntset:
    case kTypeZsetZiplist:
    case kTypeHashZiplist:
    case kTypeHashListpack:
    case kTypeZsetListpack:
    case kTypeSetListpack:
    case kTypeHashListpackExPreGa:
    case kTypeHashListpackEx:
      return StartPackedValue(type, ctx);
    case kTypeListQuicklist:
    case kTypeListQuicklist2:
      return StartQuicklistValue(type, ctx);
    case kTypeStreamListpacks:
    case kTypeStreamListpacks2:
    case kTypeStreamListpacks3:
      return StartStreamValue(type, ctx);
    default:
      return StartPlainValue(type, ctx);
  }
}

}  // namespace rms::engine::rdb
