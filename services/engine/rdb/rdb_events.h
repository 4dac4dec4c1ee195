// What the streaming RDB reader produces: limits, key headers, element chunks, decoded streams and
// the event that carries them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace rms::engine::rdb {

// Every length read from an RDB is checked against these before anything is allocated.
struct RdbLimits {
  size_t max_string_bytes = 512u << 20;  // one string, compressed or not, incl. listpack blobs
  size_t max_elements = 1u << 31;        // elements of one key (count prefixes, stream entries)
  size_t raw_capture_limit = 64u << 20;  // raw value bytes kept for RESTORE; 0 turns capture off
  size_t chunk_elements = 1024;          // elements per kElements event (at least 1)
  // Encoded bytes of one value decoded whole in memory (a stream: its listpack nodes); past it
  // RESOURCE_EXHAUSTED with limit code RDB_VALUE_TOO_LARGE.
  size_t max_whole_value_bytes = 512u << 20;
};

enum class ValueKind { kString, kList, kSet, kZset, kHash, kStream, kModule };

// What the consumer of a key needs of its value (RdbReader::set_value_needs), asked at kKeyBegin.
enum class ValueNeeds {
  kElementsAndRaw,  // decoded elements, and the raw bytes (RdbEvent::raw_value) for RESTORE
  kElements,        // decoded elements only: no raw copy is kept
  // The raw bytes only, when the value is a string or one packed blob (listpack, ziplist,
  // intset, zipmap, a quicklist of one node) that fits raw_capture_limit: it then has no
  // kElements events. A blob is still checked item by item as if decoded (a corrupt one fails
  // the same way); a string needs no check. Any other value is decoded as for kElementsAndRaw.
  kRawIfItFits,
};

// The key that the following kElements / kKeyEnd events belong to.
struct KeyHeader {
  int db = 0;
  std::string key;
  uint8_t rdb_type = 0;  // RDB_TYPE_* byte as stored
  ValueKind kind = ValueKind::kString;
  int64_t expire_at_ms = -1;      // absolute unix ms; -1 none
  int64_t lru_idle_seconds = -1;  // RDB_OPCODE_IDLE; -1 none
  int lfu_freq = -1;              // RDB_OPCODE_FREQ; -1 none
};

struct StreamId {
  uint64_t ms = 0;
  uint64_t seq = 0;
  bool operator==(const StreamId& o) const { return ms == o.ms && seq == o.seq; }
  bool operator<(const StreamId& o) const { return ms < o.ms || (ms == o.ms && seq < o.seq); }
};

struct StreamEntry {
  StreamId id;
  std::vector<std::pair<std::string, std::string>> fields;  // in stored order
};

// Decoded elements of the current key, in stored order; at most RdbLimits::chunk_elements each.
struct ElementChunk {
  std::vector<std::string> members;         // string: 1 item; list/set members; hash fields;
                                            // zset members
  std::vector<std::string> values;          // hash values (parallel to members)
  std::vector<double> scores;               // zset scores (parallel)
  std::vector<int64_t> field_expire_at_ms;  // hash field TTLs (parallel; -1 none), only for
                                            // hash-with-TTL types (22..25)
  std::vector<StreamEntry> stream_entries;  // a stream's live entries, in id order
  size_t size() const { return members.size() + stream_entries.size(); }
  bool empty() const { return members.empty() && stream_entries.empty(); }
};

// What holding `chunk` costs, roughly as allocated (strings, scores, TTLs, stream fields).
size_t HeldBytes(const ElementChunk& chunk);

// One entry of a consumer group's pending entries list (PEL).
struct StreamPendingEntry {
  StreamId id;
  int64_t delivery_time_ms = 0;
  uint64_t delivery_count = 0;
  std::string consumer;  // owning consumer
};

struct StreamConsumer {
  std::string name;
  int64_t seen_time_ms = 0;
  int64_t active_time_ms = 0;     // seen_time_ms for RDB types before 21
  std::vector<StreamId> pending;  // ids of the group PEL this consumer owns
};

struct StreamGroup {
  std::string name;
  StreamId last_id;
  int64_t entries_read = -1;  // -1: unknown (RDB type 15, or invalid in the source)
  std::vector<StreamPendingEntry> pending;
  std::vector<StreamConsumer> consumers;
};

// A stream's metadata, at kKeyEnd: its entries came before, node by node, in kElements chunks
// (`entries` stays empty there; tests may gather them into it). Its consumer groups are held whole:
// their pending entries count toward RdbLimits::max_whole_value_bytes.
struct StreamValue {
  std::vector<StreamEntry> entries;  // live entries in id order; deleted entries excluded
  uint64_t length = 0;               // as stored (number of live entries)
  StreamId last_id;
  StreamId first_id;              // for type 15: the first live entry (0-0 if none)
  StreamId max_deleted_entry_id;  // 0-0 for type 15
  uint64_t entries_added = 0;     // for type 15: length
  std::vector<StreamGroup> groups;
};

struct RdbEvent {
  enum Type {
    kAux,
    kSelectDb,
    kResizeDb,
    kFunction,
    kModuleAux,
    kKeyBegin,
    kElements,
    kKeyEnd,
    kEnd
  };
  Type type = kEnd;
  uint64_t offset = 0;  // stream offset where the record of this event starts

  std::string aux_key;        // kAux
  std::string aux_value;      // kAux
  int db = 0;                 // kSelectDb (also the current db for key events)
  uint64_t db_size = 0;       // kResizeDb
  uint64_t expires_size = 0;  // kResizeDb
  std::string function_code;  // kFunction: the library source (starts with "#!<engine> name=")
  std::string message;        // kModuleAux: what was skipped and why

  KeyHeader header;    // kKeyBegin; kElements and kKeyEnd belong to the last kKeyBegin
  ElementChunk chunk;  // kElements

  // kKeyEnd: the exact bytes of the value after the type byte, when not above raw_capture_limit.
  bool raw_captured = false;
  std::string raw_value;
  std::optional<StreamValue> stream;  // kKeyEnd of a stream

  int rdb_version = 0;             // kEnd
  bool checksum_verified = false;  // kEnd: false when the RDB has none (version < 5, or zero)
};

}  // namespace rms::engine::rdb
