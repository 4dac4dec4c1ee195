// ValueReader: chunked, type-aware reads of one value into an encoding-independent digest.
#include "services/verify/value_reader.h"

#include <limits>
#include <memory>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "services/common/status_macros.h"

namespace rms::verify {
namespace {

constexpr int kMaxScanRestarts = 2;

bool IsRangeType(const std::string& type) {
  return type == "string" || type == "list" || type == "zset" || type == "stream";
}

// The smallest stream id after "<ms>-<seq>" (XRANGE's exclusive "(" needs Redis 6.2).
std::string NextStreamId(absl::string_view id) {
  std::pair<absl::string_view, absl::string_view> parts = absl::StrSplit(id, '-');
  uint64_t ms = 0, seq = 0;
  if (!absl::SimpleAtoi(parts.first, &ms) || !absl::SimpleAtoi(parts.second, &seq)) {
    return std::string(id);
  }
  if (seq < std::numeric_limits<uint64_t>::max()) return absl::StrCat(ms, "-", seq + 1);
  return absl::StrCat(ms + 1, "-0");
}

}  // namespace

ValueReader::ValueReader(std::string key, std::string type)
    : key_(std::move(key)), type_(std::move(type)) {
  if (type_ == "hash" || type_ == "set") {
    step_ = Step::kScan;
  } else if (!IsRangeType(type_)) {
    Finish("");  // a module type: compared by type only
  }
}

Args ValueReader::NextCommand() const {
  const std::string from = absl::StrCat(position_);
  if (type_ == "string") {
    return {"GETRANGE", key_, from, absl::StrCat(position_ + kChunkBytes - 1)};
  }
  const std::string to = absl::StrCat(position_ + kChunkElements - 1);
  if (type_ == "list") return {"LRANGE", key_, from, to};
  if (type_ == "zset") return {"ZRANGE", key_, from, to, "WITHSCORES"};
  if (type_ == "stream") {
    return {"XRANGE", key_, next_id_, "+", "COUNT", absl::StrCat(kChunkElements)};
  }
  const bool hash = type_ == "hash";
  if (step_ == Step::kCount) return {hash ? "HLEN" : "SCARD", key_};
  return {hash ? "HSCAN" : "SSCAN", key_, cursor_, "COUNT", absl::StrCat(kChunkElements)};
}

void ValueReader::Feed(const RespValue& reply) {
  if (done_) return;
  if (reply.IsError()) return Finish("!" + reply.str);
  if (type_ == "stream") return FeedStream(reply);
  if (step_ == Step::kRange) return FeedRange(reply);
  if (step_ == Step::kScan) return FeedScan(reply);
  FeedCount(reply);
}

void ValueReader::FeedRange(const RespValue& reply) {
  if (type_ == "string") {
    ordered_.AddRaw(reply.str);
    position_ += kChunkBytes;
    if (static_cast<int64_t>(reply.str.size()) < kChunkBytes) Finish(ordered_.Finish());
    return;
  }
  const bool zset = type_ == "zset";
  const size_t stride = zset ? 2 : 1;
  if (reply.type != RespValue::Type::kArray || reply.elements.size() % stride != 0) {
    return Finish("!unexpected reply " + reply.Describe());
  }
  for (size_t i = 0; i < reply.elements.size(); i += stride) {
    ordered_.AddField(reply.elements[i].str);
    if (zset) ordered_.AddField(CanonicalScore(reply.elements[i + 1].str));
  }
  const size_t count = reply.elements.size() / stride;
  position_ += kChunkElements;
  if (count < static_cast<size_t>(kChunkElements)) Finish(ordered_.Finish());
}

void ValueReader::FeedStream(const RespValue& reply) {
  // *<n> of *2 [$<id>, *<2m> field value ...]
  for (const RespValue& entry : reply.elements) {
    if (entry.elements.size() != 2) return Finish("!unexpected reply " + reply.Describe());
    ordered_.AddField(entry.elements[0].str);
    const std::vector<RespValue>& fields = entry.elements[1].elements;
    ordered_.AddField(absl::StrCat(fields.size()));
    for (const RespValue& field : fields) ordered_.AddField(field.str);
  }
  if (reply.elements.size() < static_cast<size_t>(kChunkElements)) {
    return Finish(ordered_.Finish());
  }
  next_id_ = NextStreamId(reply.elements.back().elements[0].str);
}

void ValueReader::FeedScan(const RespValue& reply) {
  // *2 $<cursor> *<n> (hash: field value pairs)
  const size_t stride = type_ == "hash" ? 2 : 1;
  if (reply.elements.size() != 2 || reply.elements[1].elements.size() % stride != 0) {
    return Finish("!unexpected reply " + reply.Describe());
  }
  const std::vector<RespValue>& items = reply.elements[1].elements;
  for (size_t i = 0; i < items.size(); i += stride) {
    unordered_.AddElement(items[i].str, stride == 2 ? items[i + 1].str : "");
  }
  ++scan_calls_;
  cursor_ = reply.elements[0].str;
  if (cursor_ != "0") return;
  // One call saw the whole table at once: no element can have come twice.
  if (scan_calls_ == 1) return Finish(unordered_.Finish());
  step_ = Step::kCount;
}

void ValueReader::FeedCount(const RespValue& reply) {
  if (reply.integer == static_cast<int64_t>(unordered_.count()) || restarts_ >= kMaxScanRestarts) {
    return Finish(unordered_.Finish());
  }
  ++restarts_;  // elements came twice (a resize) or the key changed: read it again
  unordered_ = UnorderedDigest();
  cursor_ = "0";
  scan_calls_ = 0;
  step_ = Step::kScan;
}

void ValueReader::Finish(std::string digest) {
  digest_ = std::move(digest);
  done_ = true;
}

absl::StatusOr<std::vector<std::string>> ReadChunkedDigests(RedisSide& side,
                                                            const std::vector<std::string>& keys,
                                                            const std::vector<std::string>& types) {
  std::vector<std::string> digests(keys.size());
  std::vector<std::unique_ptr<ValueReader>> readers;
  std::vector<size_t> index;
  for (size_t i = 0; i < keys.size(); ++i) {
    if (types[i].empty() || types[i] == "none") continue;
    readers.push_back(std::make_unique<ValueReader>(keys[i], types[i]));
    index.push_back(i);
  }
  while (true) {
    std::vector<Args> commands;
    std::vector<ValueReader*> asked;
    for (const auto& reader : readers) {
      if (reader->done()) continue;
      commands.push_back(reader->NextCommand());
      asked.push_back(reader.get());
    }
    if (commands.empty()) break;
    ASSIGN_OR_RETURN(Replies replies, side.Pipeline(commands));
    for (size_t i = 0; i < asked.size(); ++i) asked[i]->Feed(replies.values[i]);
  }
  for (size_t j = 0; j < readers.size(); ++j) digests[index[j]] = readers[j]->digest();
  return digests;
}

}  // namespace rms::verify
