// ValueDecoder: decodes one key's value from the RDB stream into element chunks, a bounded number
// of elements at a time, so a big value is never held whole (streams excepted).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "services/engine/io/buffered_reader.h"
#include "services/engine/rdb/rdb_events.h"

namespace rms::engine::rdb {

struct DecodeContext {
  io::BufferedReader* in;
  const RdbLimits* limits;
  int version;
  // > 0 (ValueNeeds::kRawIfItFits): a string value of at most this many stored bytes is skipped,
  // and a single packed blob (a quicklist's only node included) of at most this many is checked
  // item by item without producing elements; decoders of other values ignore it.
  size_t skip_blob_up_to = 0;
};

class ValueDecoder {
 public:
  virtual ~ValueDecoder();
  // Appends up to `max` (>= 1) elements to `chunk` and returns true once the value has been read
  // to its last byte (the chunk may still hold elements then). Errors: DATA_LOSS for bad bytes;
  // source errors pass through. Must not be called again after returning true or an error.
  virtual absl::StatusOr<bool> Fill(ElementChunk* chunk, size_t max) = 0;
  // For streams, after Fill returned true: the decoded stream (once).
  virtual std::optional<StreamValue> TakeStream();
  // True when the value's elements were not produced (DecodeContext::skip_blob_up_to).
  bool elements_skipped() const { return elements_skipped_; }

 protected:
  bool elements_skipped_ = false;
};

// Reads the fields that lead the value of RDB type `type` (counts, minimum TTLs, packed blobs) and
// returns the decoder for the rest. Module values fail with FAILED_PRECONDITION naming the module
// type. `type` must satisfy IsValueType().
absl::StatusOr<std::unique_ptr<ValueDecoder>> StartValue(uint8_t type, const DecodeContext& ctx);

// The per-type starters StartValue dispatches to.
absl::StatusOr<std::unique_ptr<ValueDecoder>> StartPlainValue(uint8_t type,
                                                              const DecodeContext& ctx);
absl::StatusOr<std::unique_ptr<ValueDecoder>> StartPackedValue(uint8_t type,
                                                               const DecodeContext& ctx);
absl::StatusOr<std::unique_ptr<ValueDecoder>> StartQuicklistValue(uint8_t type,
                                                                  const DecodeContext& ctx);
absl::StatusOr<std::unique_ptr<ValueDecoder>> StartStreamValue(uint8_t type,
                                                               const DecodeContext& ctx);

}  // namespace rms::engine::rdb
