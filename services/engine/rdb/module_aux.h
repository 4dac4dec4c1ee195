// Skipping of module auxiliary data (RDB_OPCODE_MODULE_AUX), which only its module can load.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "services/engine/io/buffered_reader.h"
#include "services/engine/rdb/rdb_events.h"

namespace rms::engine::rdb {

// Reads the record after the 0xF7 opcode: <module id> <when opcode = 2> <when> then the module's
// data as typed items (<opcode> then a length for 1/2, 4 bytes for 3, 8 bytes for 4, a string for
// 5) up to opcode 0. Returns a message naming the skipped module; DATA_LOSS if the data is not in
// that self-describing form and so cannot be skipped.
absl::StatusOr<std::string> SkipModuleAux(io::BufferedReader& in, const RdbLimits& limits);

}  // namespace rms::engine::rdb
