// Module aux records, skipped item by item.
#include "services/engine/rdb/module_aux.h"

#include "absl/strings/str_cat.h"
#include "services/common/status_macros.h"
#include "services/engine/rdb/rdb_format.h"
#include "services/engine/rdb/rdb_primitives.h"

namespace rms::engine::rdb {

absl::StatusOr<std::string> SkipModuleAux(io::BufferedReader& in, const RdbLimits& limits) {
  ASSIGN_OR_RETURN(uint64_t module_id, ReadLength(in));
  const std::string name = ModuleTypeName(module_id);
  const uint64_t when_offset = in.offset();
  ASSIGN_OR_RETURN(uint64_t when_opcode, ReadLength(in));
  if (when_opcode != kModuleOpUint) {
    return CorruptAt(when_offset,
                     absl::StrCat("aux data of module '", name,
                                  "' cannot be skipped: bad 'when' opcode ", when_opcode));
  }
  ASSIGN_OR_RETURN(uint64_t when, ReadLength(in));
  uint64_t items = 0;
  for (;;) {
    const uint64_t start = in.offset();
    ASSIGN_OR_RETURN(uint64_t opcode, ReadLength(in));
    switch (opcode) {
      case kModuleOpEof:
        return absl::StrCat("skipped ", items, " aux items of module '", name, "' (module id ",
                            module_id, ", when ", when,
                            "): only a target running that module can use them");
      case kModuleOpSint:
      case kModuleOpUint:
        RETURN_IF_ERROR(ReadLength(in).status());
        break;
      case kModuleOpFloat:
        RETURN_IF_ERROR(in.Skip(4));
        break;
      case kModuleOpDouble:
        RETURN_IF_ERROR(in.Skip(8));
        break;
      case kModuleOpString:
        RETURN_IF_ERROR(SkipString(in, limits));
        break;
      default:
        return CorruptAt(start, absl::StrCat("aux data of module '", name,
                                             "' cannot be skipped: unknown item opcode ", opcode));
    }
    ++items;
  }
}

}  // namespace rms::engine::rdb
