// Decoders of values stored element by element: string (0), list (1), set (2), zset (3, 5),
// hash (4) and hash with field TTLs (22 pre-GA: absolute TTLs; 24: min TTL then relative TTLs).
#include <memory>

#include "absl/strings/str_cat.h"
#include "services/common/status_macros.h"
#include "services/engine/rdb/rdb_format.h"
#include "services/engine/rdb/rdb_primitives.h"
#include "services/engine/rdb/value_decoder.h"

namespace rms::engine::rdb {
namespace {

// Field TTLs above this are corrupt (Redis keeps expire times in 48 bits).
constexpr uint64_t kMaxFieldExpireMs = (uint64_t{1} << 48) - 1;

class StringDecoder : public ValueDecoder {
 public:
  explicit StringDecoder(const DecodeContext& ctx) : ctx_(ctx) {}
  absl::StatusOr<bool> Fill(ElementChunk* chunk, size_t max) override {
    chunk->members.emplace_back();
    if (ctx_.skip_blob_up_to > 0) {
      ASSIGN_OR_RETURN(
          elements_skipped_,
          SkipStringIfAtMost(*ctx_.in, *ctx_.limits, ctx_.skip_blob_up_to, &chunk->members.back()));
      if (elements_skipped_) chunk->members.pop_back();
      return true;
    }
    RETURN_IF_ERROR(ReadString(*ctx_.in, *ctx_.limits, &chunk->members.back()));
    return true;
  }

 private:
  DecodeContext ctx_;
};

// <count> then count elements of one of the shapes below.
class CountedDecoder : public ValueDecoder {
 public:
  CountedDecoder(uint8_t type, const DecodeContext& ctx, uint64_t count, int64_t min_expire)
      : type_(type), ctx_(ctx), remaining_(count), min_expire_(min_expire) {}

  absl::StatusOr<bool> Fill(ElementChunk* chunk, size_t max) override {
    for (size_t n = 0; n < max && remaining_ > 0; ++n, --remaining_) {
      RETURN_IF_ERROR(ReadElement(chunk));
    }
    return remaining_ == 0;
  }

 private:
  absl::Status ReadElement(ElementChunk* chunk);
  absl::Status ReadFieldTtl(ElementChunk* chunk);

  uint8_t type_;
  DecodeContext ctx_;
  uint64_t remaining_;
  int64_t min_expire_;
};

absl::Status CountedDecoder::ReadFieldTtl(ElementChunk* chunk) {
  const uint64_t start = ctx_.in->offset();
  ASSIGN_OR_RETURN(uint64_t ttl, ReadLength(*ctx_.in));
  uint64_t expire_at = ttl;
  // Type 24 stores 0 for "no TTL", else the TTL relative to the min TTL, plus one.
  if (type_ == kTypeHashMetadata && ttl != 0) expire_at = ttl + min_expire_ - 1;
  if (expire_at > kMaxFieldExpireMs) {
    return CorruptAt(start, absl::StrCat("hash field expire time ", expire_at, " out of range"));
  }
  chunk->field_expire_at_ms.push_back(ttl == 0 ? -1 : static_cast<int64_t>(expire_at));
  return absl::OkStatus();
}

absl::Status CountedDecoder::ReadElement(ElementChunk* chunk) {
  io::BufferedReader& in = *ctx_.in;
  const RdbLimits& limits = *ctx_.limits;
  if (type_ == kTypeHashMetadata || type_ == kTypeHashMetadataPreGa) {
    RETURN_IF_ERROR(ReadFieldTtl(chunk));
  }
  chunk->members.emplace_back();
  RETURN_IF_ERROR(ReadString(in, limits, &chunk->members.back()));
  switch (type_) {
    case kTypeZset: {
      ASSIGN_OR_RETURN(double score, ReadStringDouble(in));
      chunk->scores.push_back(score);
      break;
    }
    case kTypeZset2: {
      ASSIGN_OR_RETURN(double score, ReadBinaryDouble(in));
      chunk->scores.push_back(score);
      break;
    }
    case kTypeHash:
    case kTypeHashMetadata:
    case kTypeHashMetadataPreGa:
      chunk->values.emplace_back();
      RETURN_IF_ERROR(ReadString(in, limits, &chunk->values.back()));
      break;
    default:  // list, set: members only
      break;
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<ValueDecoder>> StartPlainValue(uint8_t type,
                                                              const DecodeContext& ctx) {
  if (type == kTypeString) return std::make_unique<StringDecoder>(ctx);
  int64_t min_expire = 0;
  if (type == kTypeHashMetadata) {
    const uint64_t start = ctx.in->offset();
    ASSIGN_OR_RETURN(min_expire, ReadMillis(*ctx.in));
    if (min_expire < 0 || static_cast<uint64_t>(min_expire) > kMaxFieldExpireMs + 1) {
      return CorruptAt(start, "hash minimum field expire time out of range");
    }
  }
  const uint64_t start = ctx.in->offset();
  ASSIGN_OR_RETURN(uint64_t count, ReadCount(*ctx.in, ctx.limits->max_elements, "element"));
  if (count == 0) return CorruptAt(start, absl::StrCat("empty ", TypeName(type), " value"));
  return std::make_unique<CountedDecoder>(type, ctx, count, min_expire);
}

}  // namespace rms::engine::rdb
