// The RDB record loop: header, opcodes, keys, EOF and checksum.
#include "services/engine/rdb/rdb_reader.h"

#include <climits>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "services/common/status_macros.h"
#include "services/engine/rdb/crc64.h"
#include "services/engine/rdb/module_aux.h"
#include "services/engine/rdb/rdb_format.h"
#include "services/engine/rdb/rdb_primitives.h"

namespace rms::engine::rdb {

class RdbReader::CrcObserver : public io::ConsumedBytesObserver {
 public:
  void OnConsumed(absl::string_view bytes) override { crc_ = Crc64(crc_, bytes); }
  uint64_t crc() const { return crc_; }

 private:
  uint64_t crc_ = 0;
};

RdbReader::RdbReader(io::ByteSource& source, RdbLimits limits)
    : limits_(limits), crc_(std::make_unique<CrcObserver>()), in_(source) {
  if (limits_.chunk_elements == 0) limits_.chunk_elements = 1;
  in_.SetObserver(crc_.get());
}

RdbReader::~RdbReader() = default;

namespace {

// Buffers above these sizes are released rather than kept for the next event: a caller may keep
// thousands of events (batches handed between threads), so what each keeps stays small.
constexpr size_t kKeptStringBytes = 4u << 10;
constexpr size_t kKeptVectorItems = 64;

void ReleaseIfLarge(std::string& s) {
  if (s.capacity() > kKeptStringBytes) {
    std::string().swap(s);
  } else {
    s.clear();
  }
}

template <typename T>
void ReleaseIfLarge(std::vector<T>& v) {
  if (v.capacity() > kKeptVectorItems) {
    std::vector<T>().swap(v);
  } else {
    v.clear();
  }
}

// Back to a default event, keeping the capacity of small buffers.
void ResetEvent(RdbEvent& ev) {
  ev.type = RdbEvent::kEnd;
  ev.offset = 0;
  ReleaseIfLarge(ev.aux_key);
  ReleaseIfLarge(ev.aux_value);
  ev.db = 0;
  ev.db_size = 0;
  ev.expires_size = 0;
  ReleaseIfLarge(ev.function_code);
  ReleaseIfLarge(ev.message);
  ev.header.db = 0;
  ReleaseIfLarge(ev.header.key);
  ev.header.rdb_type = 0;
  ev.header.kind = ValueKind::kString;
  ev.header.expire_at_ms = -1;
  ev.header.lru_idle_seconds = -1;
  ev.header.lfu_freq = -1;
  ReleaseIfLarge(ev.chunk.members);
  ReleaseIfLarge(ev.chunk.values);
  ReleaseIfLarge(ev.chunk.scores);
  ReleaseIfLarge(ev.chunk.field_expire_at_ms);
  ReleaseIfLarge(ev.chunk.stream_entries);
  ev.raw_captured = false;
  ReleaseIfLarge(ev.raw_value);
  ev.stream.reset();
  ev.rdb_version = 0;
  ev.checksum_verified = false;
}

}  // namespace

absl::StatusOr<RdbEvent> RdbReader::Next() {
  RdbEvent ev;
  RETURN_IF_ERROR(Next(&ev));
  return ev;
}

absl::Status RdbReader::Next(RdbEvent* event) {
  if (state_ == State::kFailed) return status_;
  if (state_ == State::kDone) {
    return absl::FailedPreconditionError("the RDB has ended: no events after kEnd");
  }
  ResetEvent(*event);
  absl::Status status = NextEvent(*event);
  if (!status.ok()) {
    status_ = status;
    state_ = State::kFailed;
    decoder_.reset();
  }
  return status;
}

absl::Status RdbReader::NextEvent(RdbEvent& ev) {
  switch (state_) {
    case State::kHeader:
      RETURN_IF_ERROR(ReadHeader());
      state_ = State::kRecords;
      return ReadRecord(ev);
    case State::kRecords:
      return ReadRecord(ev);
    case State::kValue:
      return ContinueValue(ev);
    case State::kValueEnd:
      return EndValue(ev);
    default:
      return absl::InternalError("RdbReader in a final state");
  }
}

// "REDIS" then the version as four ASCII digits.
absl::Status RdbReader::ReadHeader() {
  char magic[9];
  RETURN_IF_ERROR(in_.ReadExact(9, magic));
  if (absl::string_view(magic, 5) != "REDIS") {
    return CorruptAt(0, "not an RDB: the stream does not start with \"REDIS\"");
  }
  int version = 0;
  for (int i = 5; i < 9; ++i) {
    if (!absl::ascii_isdigit(magic[i])) return CorruptAt(i, "RDB version is not a number");
    version = version * 10 + (magic[i] - '0');
  }
  if (version < kMinRdbVersion || version > kMaxRdbVersion) {
    return absl::FailedPreconditionError(absl::StrCat("unsupported RDB version ", version,
                                                      " at offset 5: this reader handles ",
                                                      kMinRdbVersion, " to ", kMaxRdbVersion));
  }
  version_ = version;
  return absl::OkStatus();
}

absl::StatusOr<bool> RdbReader::ReadKeyMeta(uint8_t op) {
  switch (op) {
    case kOpExpireTimeMs: {
      ASSIGN_OR_RETURN(pending_.expire_at_ms, ReadMillis(in_));
      return true;
    }
    case kOpExpireTime: {
      ASSIGN_OR_RETURN(uint64_t seconds, ReadLittleEndian(in_, 4));
      pending_.expire_at_ms = int64_t{static_cast<int32_t>(seconds)} * 1000;
      return true;
    }
    case kOpIdle: {
      ASSIGN_OR_RETURN(uint64_t idle, ReadLength(in_));
      pending_.lru_idle_seconds = static_cast<int64_t>(idle);
      return true;
    }
    case kOpFreq: {
      ASSIGN_OR_RETURN(uint8_t freq, in_.ReadByte());
      pending_.lfu_freq = freq;
      return true;
    }
    case kOpSlotInfo:  // slot id, slot size, expires slot size: sizing hints only
      for (int i = 0; i < 3; ++i) RETURN_IF_ERROR(ReadLength(in_).status());
      return true;
    default:
      return false;
  }
}

absl::Status RdbReader::ReadRecord(RdbEvent& ev) {
  for (;;) {
    ev.offset = in_.offset();
    ev.db = db_;
    ASSIGN_OR_RETURN(uint8_t op, in_.ReadByte());
    ASSIGN_OR_RETURN(bool was_meta, ReadKeyMeta(op));
    if (was_meta) continue;
    switch (op) {
      case kOpAux:
        ev.type = RdbEvent::kAux;
        RETURN_IF_ERROR(ReadString(in_, limits_, &ev.aux_key));
        return ReadString(in_, limits_, &ev.aux_value);
      case kOpSelectDb: {
        ASSIGN_OR_RETURN(uint64_t db, ReadLength(in_));
        if (db > INT_MAX) return CorruptAt(ev.offset, absl::StrCat("db number ", db));
        db_ = ev.db = static_cast<int>(db);
        ev.type = RdbEvent::kSelectDb;
        return absl::OkStatus();
      }
      case kOpResizeDb: {
        ev.type = RdbEvent::kResizeDb;
        ASSIGN_OR_RETURN(ev.db_size, ReadLength(in_));
        ASSIGN_OR_RETURN(ev.expires_size, ReadLength(in_));
        return absl::OkStatus();
      }
      case kOpModuleAux: {
        ev.type = RdbEvent::kModuleAux;
        ASSIGN_OR_RETURN(ev.message, SkipModuleAux(in_, limits_));
        return absl::OkStatus();
      }
      case kOpFunction2:
        ev.type = RdbEvent::kFunction;
        return ReadString(in_, limits_, &ev.function_code);
      case kOpFunctionPreGa:
        return absl::FailedPreconditionError(absl::StrCat(
            "RDB at offset ", ev.offset,
            " holds functions in the Redis 7.0 release-candidate format, which is not supported"));
      case kOpEof:
        return Finish(ev);
      default:
        if (!IsValueType(op)) {
          return CorruptAt(ev.offset, absl::StrCat("unknown record type ", static_cast<int>(op)));
        }
        return BeginKey(op, ev);
    }
  }
}

absl::Status RdbReader::BeginKey(uint8_t type, RdbEvent& ev) {
  ev.type = RdbEvent::kKeyBegin;
  KeyHeader& h = ev.header;
  h.db = db_;
  RETURN_IF_ERROR(ReadString(in_, limits_, &h.key));
  h.rdb_type = type;
  h.kind = KindOfType(type);
  h.expire_at_ms = pending_.expire_at_ms;
  h.lru_idle_seconds = pending_.lru_idle_seconds;
  h.lfu_freq = pending_.lfu_freq;
  pending_ = PendingKeyMeta();

  value_type_ = type;
  value_offset_ = in_.offset();
  value_elements_ = 0;
  const ValueNeeds needs = value_needs_ ? value_needs_(h) : ValueNeeds::kElementsAndRaw;
  capturing_ = limits_.raw_capture_limit > 0 && needs != ValueNeeds::kElements;
  if (capturing_) in_.StartTee(&capture_, limits_.raw_capture_limit);
  DecodeContext context{&in_, &limits_, version_};
  // A skipped blob still has its length prefix, a quicklist's node count and container, a
  // hash's minimum TTL around it: the margin keeps the whole capture within the limit.
  constexpr size_t kFramingMargin = 64;
  if (capturing_ && needs == ValueNeeds::kRawIfItFits &&
      limits_.raw_capture_limit > kFramingMargin) {
    context.skip_blob_up_to = limits_.raw_capture_limit - kFramingMargin;
  }
  ASSIGN_OR_RETURN(decoder_, StartValue(type, context));
  state_ = State::kValue;
  return absl::OkStatus();
}

absl::Status RdbReader::ContinueValue(RdbEvent& ev) {
  ev.type = RdbEvent::kElements;
  ev.db = db_;
  bool done = false;
  while (!done && ev.chunk.empty()) {
    ev.offset = in_.offset();
    ASSIGN_OR_RETURN(done, decoder_->Fill(&ev.chunk, limits_.chunk_elements));
  }
  value_elements_ += ev.chunk.size();
  if (value_elements_ > limits_.max_elements) {
    return CorruptAt(ev.offset, absl::StrCat(TypeName(value_type_), " value has more than ",
                                             limits_.max_elements, " elements"));
  }
  if (done) state_ = State::kValueEnd;
  if (!ev.chunk.empty()) return absl::OkStatus();
  return EndValue(ev);
}

absl::Status RdbReader::EndValue(RdbEvent& ev) {
  ev.type = RdbEvent::kKeyEnd;
  ev.offset = in_.offset();
  ev.db = db_;
  const ValueKind kind = KindOfType(value_type_);
  const bool skipped = decoder_->elements_skipped();
  if (value_elements_ == 0 && !skipped && kind != ValueKind::kString &&
      kind != ValueKind::kStream) {
    return CorruptAt(value_offset_, absl::StrCat("empty ", TypeName(value_type_), " value"));
  }
  if (capturing_) {
    ev.raw_captured = in_.StopTee();
    capturing_ = false;
    if (ev.raw_captured) ev.raw_value.swap(capture_);  // each keeps its buffer for the next key
    ReleaseIfLarge(capture_);
  }
  if (skipped && !ev.raw_captured) {
    return absl::InternalError(absl::StrCat("RDB value at offset ", value_offset_,
                                            " was skipped but its raw bytes were not kept"));
  }
  ev.stream = decoder_->TakeStream();
  decoder_.reset();
  state_ = State::kRecords;
  return absl::OkStatus();
}

// EOF opcode, then from version 5 a little-endian CRC64 of everything before it (0: disabled).
absl::Status RdbReader::Finish(RdbEvent& ev) {
  ev.type = RdbEvent::kEnd;
  ev.rdb_version = version_;
  in_.Flush();
  in_.SetObserver(nullptr);
  if (version_ >= 5) {
    const uint64_t at = in_.offset();
    ASSIGN_OR_RETURN(uint64_t stored, ReadLittleEndian(in_, 8));
    if (stored != 0) {
      if (stored != crc_->crc()) {
        return absl::DataLossError(absl::StrCat("RDB checksum mismatch at offset ", at,
                                                ": the RDB says 0x", absl::Hex(stored),
                                                ", its bytes give 0x", absl::Hex(crc_->crc())));
      }
      ev.checksum_verified = true;
    }
  }
  state_ = State::kDone;
  return absl::OkStatus();
}

}  // namespace rms::engine::rdb
