// Decoder of streams (RDB types 15, 19, 21). Layout: <node count> then per node <master id: 16-byte
// string, ms and seq big endian> <listpack>; <length> <last id ms> <last id seq>; types 19+:
// <first id ms, seq> <max deleted id ms, seq> <entries added>; <group count> then per group <name>
// <last id ms, seq> (19+: <entries read>) <PEL count> {<16-byte id> <delivery ms: u64le>
// <delivery count>} <consumer count> {<name> <seen ms: u64le> (21+: <active ms: u64le>) <PEL count>
// {<16-byte id>}}. Entries are handed out node by node in chunks; the metadata and the groups
// after them come whole with the last Fill (see StreamValue for the memory bound).
#include <map>
#include <optional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/common/status_macros.h"
#include "services/engine/io/memory_budget.h"
#include "services/engine/rdb/listpack.h"
#include "services/engine/rdb/rdb_format.h"
#include "services/engine/rdb/rdb_primitives.h"
#include "services/engine/rdb/stream_listpack.h"
#include "services/engine/rdb/value_decoder.h"

namespace rms::engine::rdb {
namespace {

StreamId IdFromBigEndian(const char* p) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  uint64_t ms = 0, seq = 0;
  for (int i = 0; i < 8; ++i) ms = (ms << 8) | u[i];
  for (int i = 8; i < 16; ++i) seq = (seq << 8) | u[i];
  return StreamId{ms, seq};
}

absl::StatusOr<StreamId> ReadLengthId(io::BufferedReader& in) {
  StreamId id;
  ASSIGN_OR_RETURN(id.ms, ReadLength(in));
  ASSIGN_OR_RETURN(id.seq, ReadLength(in));
  return id;
}

absl::StatusOr<StreamId> ReadRawId(io::BufferedReader& in) {
  char raw[16];
  RETURN_IF_ERROR(in.ReadExact(16, raw));
  return IdFromBigEndian(raw);
}

class StreamDecoder : public ValueDecoder {
 public:
  StreamDecoder(uint8_t type, const DecodeContext& ctx) : type_(type), ctx_(ctx) {}

  absl::StatusOr<bool> Fill(ElementChunk* chunk, size_t max) override {
    if (!nodes_counted_) {
      ASSIGN_OR_RETURN(nodes_left_, ReadCount(in(), limits().max_elements, "stream node"));
      nodes_counted_ = true;
    }
    while (chunk->stream_entries.size() < max) {
      if (next_ == node_entries_.size()) {
        if (nodes_left_ == 0) break;
        RETURN_IF_ERROR(ReadNode());
        --nodes_left_;
        continue;
      }
      chunk->stream_entries.push_back(std::move(node_entries_[next_++]));
    }
    if (next_ < node_entries_.size() || nodes_left_ > 0) return false;
    RETURN_IF_ERROR(ReadMetadata());
    ASSIGN_OR_RETURN(uint64_t groups, ReadCount(in(), limits().max_elements, "stream group"));
    for (uint64_t g = 0; g < groups; ++g) RETURN_IF_ERROR(ReadGroup());
    return true;
  }
  std::optional<StreamValue> TakeStream() override { return std::move(stream_); }

 private:
  io::BufferedReader& in() { return *ctx_.in; }
  const RdbLimits& limits() { return *ctx_.limits; }
  // Decodes the next node's live entries into node_entries_.
  absl::Status ReadNode();
  absl::Status ReadMetadata();
  absl::Status ReadGroup();
  using PelIndex = std::map<std::pair<uint64_t, uint64_t>, size_t>;
  absl::Status ReadConsumer(StreamGroup* group, const PelIndex& pel_index,
                            std::vector<bool>* owned);

  // Counts `bytes` more of groups held whole; RDB_VALUE_TOO_LARGE past max_whole_value_bytes.
  absl::Status Hold(size_t bytes);

  uint8_t type_;
  DecodeContext ctx_;
  StreamValue stream_;  // metadata and groups; entries go out in chunks
  bool nodes_counted_ = false;
  uint64_t nodes_left_ = 0;
  std::vector<StreamEntry> node_entries_;  // the current node's entries...
  size_t next_ = 0;                        // ...from here not handed out yet
  std::optional<StreamId> first_id_;       // of the first live entry
  std::optional<StreamId> last_entry_id_;  // of the last live entry decoded
  size_t held_bytes_ = 0;                  // groups held whole
};

absl::Status StreamDecoder::ReadNode() {
  std::string key;
  std::string blob;
  const uint64_t key_offset = in().offset();
  RETURN_IF_ERROR(ReadString(in(), limits(), &key));
  if (key.size() != 16) return CorruptAt(key_offset, "stream node key is not a 16-byte ID");
  const uint64_t blob_offset = in().offset();
  RETURN_IF_ERROR(ReadString(in(), limits(), &blob));  // bounded by max_string_bytes
  StreamValue node;
  absl::Status st = DecodeStreamListpack(IdFromBigEndian(key.data()), blob, limits(), &node);
  if (!st.ok()) return CorruptAt(blob_offset, absl::StrCat("stream node: ", st.message()));
  if (!node.entries.empty()) {
    if (last_entry_id_ && !(*last_entry_id_ < node.entries.front().id)) {
      return CorruptAt(blob_offset, "stream node: entry IDs are not increasing");
    }
    if (!first_id_) first_id_ = node.entries.front().id;
    last_entry_id_ = node.entries.back().id;
  }
  node_entries_ = std::move(node.entries);
  next_ = 0;
  return absl::OkStatus();
}

absl::Status StreamDecoder::Hold(size_t bytes) {
  held_bytes_ += bytes;
  if (held_bytes_ <= limits().max_whole_value_bytes) return absl::OkStatus();
  constexpr size_t kMiB = 1u << 20;
  return io::LimitError(
      io::kRdbValueTooLarge,
      absl::StrCat("the consumer groups of a stream key of the snapshot hold more than ",
                   held_bytes_ / kMiB, " MiB of pending entries, which are decoded whole (limit ",
                   limits().max_whole_value_bytes / kMiB, " MiB)"));
}

absl::Status StreamDecoder::ReadMetadata() {
  ASSIGN_OR_RETURN(stream_.length, ReadLength(in()));
  ASSIGN_OR_RETURN(stream_.last_id, ReadLengthId(in()));
  if (type_ >= kTypeStreamListpacks2) {
    ASSIGN_OR_RETURN(stream_.first_id, ReadLengthId(in()));
    ASSIGN_OR_RETURN(stream_.max_deleted_entry_id, ReadLengthId(in()));
    ASSIGN_OR_RETURN(stream_.entries_added, ReadLength(in()));
  } else {
    // Redis derives these the same way when loading type 15.
    if (first_id_) stream_.first_id = *first_id_;
    stream_.entries_added = stream_.length;
  }
  return absl::OkStatus();
}

absl::Status StreamDecoder::ReadGroup() {
  StreamGroup& group = stream_.groups.emplace_back();
  RETURN_IF_ERROR(ReadString(in(), limits(), &group.name));
  ASSIGN_OR_RETURN(group.last_id, ReadLengthId(in()));
  if (type_ >= kTypeStreamListpacks2) {
    ASSIGN_OR_RETURN(uint64_t entries_read, ReadLength(in()));
    group.entries_read = static_cast<int64_t>(entries_read);  // -1 (all ones) stays -1
  }
  ASSIGN_OR_RETURN(uint64_t pel_size, ReadCount(in(), limits().max_elements, "stream PEL"));
  PelIndex pel_index;
  for (uint64_t i = 0; i < pel_size; ++i) {
    const uint64_t start = in().offset();
    RETURN_IF_ERROR(Hold(sizeof(StreamPendingEntry) + sizeof(PelIndex::value_type) + 32));
    StreamPendingEntry& pe = group.pending.emplace_back();
    ASSIGN_OR_RETURN(pe.id, ReadRawId(in()));
    ASSIGN_OR_RETURN(pe.delivery_time_ms, ReadMillis(in()));
    ASSIGN_OR_RETURN(pe.delivery_count, ReadLength(in()));
    if (!pel_index.emplace(std::make_pair(pe.id.ms, pe.id.seq), i).second) {
      return CorruptAt(start, "duplicate entry in a consumer group PEL");
    }
  }
  ASSIGN_OR_RETURN(uint64_t consumers, ReadCount(in(), limits().max_elements, "stream consumer"));
  std::vector<bool> owned(group.pending.size(), false);
  for (uint64_t c = 0; c < consumers; ++c) {
    RETURN_IF_ERROR(ReadConsumer(&group, pel_index, &owned));
  }
  for (size_t i = 0; i < owned.size(); ++i) {
    if (!owned[i]) {
      const StreamPendingEntry& pe = group.pending[i];
      return CorruptAt(in().offset(), absl::StrCat("PEL entry ", pe.id.ms, "-", pe.id.seq,
                                                   " of group '", group.name, "' has no consumer"));
    }
  }
  return absl::OkStatus();
}

absl::Status StreamDecoder::ReadConsumer(StreamGroup* group, const PelIndex& pel_index,
                                         std::vector<bool>* owned) {
  StreamConsumer& consumer = group->consumers.emplace_back();
  RETURN_IF_ERROR(ReadString(in(), limits(), &consumer.name));
  RETURN_IF_ERROR(Hold(sizeof(StreamConsumer) + consumer.name.size()));
  ASSIGN_OR_RETURN(consumer.seen_time_ms, ReadMillis(in()));
  consumer.active_time_ms = consumer.seen_time_ms;
  if (type_ >= kTypeStreamListpacks3) {
    ASSIGN_OR_RETURN(consumer.active_time_ms, ReadMillis(in()));
  }
  ASSIGN_OR_RETURN(uint64_t pel_size, ReadCount(in(), limits().max_elements, "consumer PEL"));
  for (uint64_t i = 0; i < pel_size; ++i) {
    const uint64_t start = in().offset();
    ASSIGN_OR_RETURN(StreamId id, ReadRawId(in()));
    auto it = pel_index.find(std::make_pair(id.ms, id.seq));
    if (it == pel_index.end()) {
      return CorruptAt(start, "consumer PEL entry missing from its group PEL");
    }
    if ((*owned)[it->second]) return CorruptAt(start, "PEL entry owned by two consumers");
    (*owned)[it->second] = true;
    RETURN_IF_ERROR(Hold(consumer.name.size() + sizeof(StreamId)));
    group->pending[it->second].consumer = consumer.name;
    consumer.pending.push_back(id);
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<ValueDecoder>> StartStreamValue(uint8_t type,
                                                               const DecodeContext& ctx) {
  return std::make_unique<StreamDecoder>(type, ctx);
}

}  // namespace rms::engine::rdb
