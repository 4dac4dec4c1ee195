// Fuzzes RdbReader over arbitrary bytes read in small random chunks, with small limits: every
// input ends in kEnd or an error, never a crash, a hang or an allocation past the limits.
#include <cstddef>
#include <cstdint>
#include <string>

#include "services/engine/io/byte_source.h"
#include "services/engine/rdb/rdb_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* bytes, size_t size) {
  const size_t chunk = 1 + size % 97;  // read sizes vary with the input, which stays a whole RDB
  rms::engine::io::StringByteSource source(std::string(reinterpret_cast<const char*>(bytes), size),
                                           chunk);
  rms::engine::rdb::RdbLimits limits;
  limits.max_string_bytes = 1 << 20;
  limits.max_elements = 1 << 16;
  limits.raw_capture_limit = 1 << 16;
  limits.chunk_elements = 64;
  rms::engine::rdb::RdbReader reader(source, limits);
  for (int events = 0; events < 1000000; ++events) {
    absl::StatusOr<rms::engine::rdb::RdbEvent> event = reader.Next();
    if (!event.ok() || event->type == rms::engine::rdb::RdbEvent::Type::kEnd) break;
  }
  return 0;
}
