// TargetWriter, per key: buffer elements (stream entries included) up to big_key_bytes, then
// RESTORE the raw capture or rewrite the value as commands (streaming the rewrite once the buffer
// would overflow).
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "services/common/status_macros.h"
#include "services/engine/rdb/rdb_format.h"
#include "services/engine/rdb/restore_payload.h"
#include "services/engine/writer/stream_rewriter.h"
#include "services/engine/writer/target_writer.h"

namespace rms::engine::writer {
namespace {

using rdb::ValueKind;

void AppendChunk(const rdb::ElementChunk& from, rdb::ElementChunk* to) {
  to->members.insert(to->members.end(), from.members.begin(), from.members.end());
  to->values.insert(to->values.end(), from.values.begin(), from.values.end());
  to->scores.insert(to->scores.end(), from.scores.begin(), from.scores.end());
  to->field_expire_at_ms.insert(to->field_expire_at_ms.end(), from.field_expire_at_ms.begin(),
                                from.field_expire_at_ms.end());
  to->stream_entries.insert(to->stream_entries.end(), from.stream_entries.begin(),
                            from.stream_entries.end());
}

int64_t NowMs() { return absl::ToUnixMillis(absl::Now()); }

// Whether a writer with `options` puts a key with this header into its MSET batch when the value
// is small enough (StringBatch::Accepts): a string without TTL or LRU/LFU hint, batching on.
bool BatchesStringsLike(const TargetWriterOptions& options, const rdb::KeyHeader& header) {
  return !options.force_rewrite && header.kind == ValueKind::kString && header.expire_at_ms < 0 &&
         header.lru_idle_seconds < 0 && header.lfu_freq < 0 && options.string_batch.max_keys > 0;
}

}  // namespace

absl::Status TargetWriter::BeginKey(const rdb::KeyHeader& header) {
  if (mode_ != KeyMode::kNone) {
    return absl::FailedPreconditionError("RDB key began before the previous one ended");
  }
  RETURN_IF_ERROR(SelectDb(header.db));
  key_ = header;
  if (header.expire_at_ms >= 0 && header.expire_at_ms <= NowMs()) {
    // Already expired at the source (a master would not load it): make sure the target agrees.
    mode_ = KeyMode::kSkipping;
    return pipeline_.Add({"DEL", header.key}, header.key);
  }
  const bool accepted = rdb::TargetAcceptsType(header.rdb_type, options_.target_rdb_version);
  if (header.kind == ValueKind::kModule && (!accepted || options_.force_rewrite)) {
    return absl::FailedPreconditionError(
        absl::StrCat("key ", Label(header.key), " holds a module value (",
                     rdb::TypeName(header.rdb_type), "), which cannot be rewritten as commands"));
  }
  // Values that cannot be restored are rewritten as their elements come, without buffering; a
  // stream is still buffered up to big_key_bytes: held whole, its pending entries can be checked
  // against its entries (those of deleted messages are counted in a warning).
  if ((options_.force_rewrite || !accepted) && header.kind != ValueKind::kStream) {
    mode_ = KeyMode::kRewriting;
    return rewriter_.Begin(key_);
  }
  mode_ = KeyMode::kBuffering;
  return absl::OkStatus();
}

absl::Status TargetWriter::AddElements(const rdb::ElementChunk& chunk) {
  switch (mode_) {
    case KeyMode::kNone:
      return absl::FailedPreconditionError("RDB elements outside a key");
    case KeyMode::kSkipping:
      return absl::OkStatus();
    case KeyMode::kRewriting:
      return rewriter_.Write(chunk);
    case KeyMode::kBatched:
      return absl::FailedPreconditionError("RDB string value in more than one chunk");
    case KeyMode::kBuffering:
      break;
  }
  if (buffer_.empty() && chunk.members.size() == 1 && BatchesStringsLike(options_, key_) &&
      strings_.Accepts(chunk.members.front().size())) {
    // The whole string is here: straight into the batch, nothing held.
    mode_ = KeyMode::kBatched;
    ++stats_.keys_written;
    return strings_.Add(key_.key, chunk.members.front(), pipeline_);
  }
  const size_t bytes = rdb::HeldBytes(chunk);
  if (buffered_bytes_ + bytes > options_.big_key_bytes) {
    // Too big to hold until kKeyEnd: it will be rewritten anyway, so start now.
    RETURN_IF_ERROR(StartRewrite());
    return rewriter_.Write(chunk);
  }
  AppendChunk(chunk, &buffer_);
  buffered_bytes_ += bytes;
  stats_.peak_buffered_bytes = std::max(stats_.peak_buffered_bytes, buffered_bytes_);
  return absl::OkStatus();
}

// DEL + the elements buffered so far; the rest of the key follows as it arrives.
absl::Status TargetWriter::StartRewrite() {
  mode_ = KeyMode::kRewriting;
  RETURN_IF_ERROR(rewriter_.Begin(key_));
  if (!buffer_.empty()) RETURN_IF_ERROR(rewriter_.Write(buffer_));
  buffer_ = rdb::ElementChunk();
  buffered_bytes_ = 0;
  return absl::OkStatus();
}

absl::Status TargetWriter::EndKey(const rdb::RdbEvent& event) {
  absl::Status status;
  switch (mode_) {
    case KeyMode::kNone:
      return absl::FailedPreconditionError("RDB key ended before it began");
    case KeyMode::kSkipping:
      ++stats_.keys_expired;
      break;
    case KeyMode::kBatched:
      break;
    case KeyMode::kBuffering: {
      if (CanRestore(event)) {
        status = Restore(event);
        break;
      }
      // The whole value is here: a stream's rewrite can check its pending entries against it.
      const rdb::ElementChunk whole = std::move(buffer_);
      buffer_ = rdb::ElementChunk();
      status = StartRewrite();
      if (status.ok() && !whole.empty()) status = rewriter_.Write(whole);
      if (status.ok()) status = RewriteRest(event, &whole.stream_entries);
      break;
    }
    case KeyMode::kRewriting:
      status = RewriteRest(event, nullptr);
      break;
  }
  mode_ = KeyMode::kNone;
  if (!buffer_.empty()) buffer_ = rdb::ElementChunk();  // its memory is not kept for later keys
  buffered_bytes_ = 0;
  return status;
}

bool TargetWriter::CanRestore(const rdb::RdbEvent& event) const {
  return !options_.force_rewrite && event.raw_captured &&
         event.raw_value.size() <= options_.big_key_bytes &&
         rdb::TargetAcceptsType(key_.rdb_type, options_.target_rdb_version);
}

rdb::ValueNeeds ValueNeedsOf(const TargetWriterOptions& options, const rdb::KeyHeader& header) {
  if (options.target_rdb_version <= 0) return rdb::ValueNeeds::kElementsAndRaw;
  if (options.force_rewrite || BatchesStringsLike(options, header) ||
      !rdb::TargetAcceptsType(header.rdb_type, options.target_rdb_version)) {
    return rdb::ValueNeeds::kElements;
  }
  if (header.kind == ValueKind::kStream) return rdb::ValueNeeds::kElementsAndRaw;
  return rdb::ValueNeeds::kRawIfItFits;
}

absl::Status TargetWriter::FlushStrings() { return strings_.FlushTo(pipeline_); }

// RESTORE key <ttl> <payload> REPLACE ABSTTL [IDLETIME s | FREQ f]   (5.0+; before: relative TTL)
absl::Status TargetWriter::Restore(const rdb::RdbEvent& event) {
  const int target = options_.target_rdb_version;
  const int source = options_.source_rdb_version;
  const std::string payload = rdb::RestorePayload(event.raw_value, key_.rdb_type,
                                                  source > 0 ? std::min(source, target) : target);
  const bool absolute = target >= 9;
  int64_t ttl = 0;
  if (key_.expire_at_ms >= 0) {
    ttl = absolute ? key_.expire_at_ms : std::max<int64_t>(1, key_.expire_at_ms - NowMs());
  }
  const std::string ttl_text = absl::StrCat(ttl);
  std::vector<absl::string_view> args = {"RESTORE", key_.key, ttl_text, payload, "REPLACE"};
  std::string hint;
  if (absolute) {
    args.push_back("ABSTTL");
    if (key_.lru_idle_seconds >= 0) {
      hint = absl::StrCat(key_.lru_idle_seconds);
      args.insert(args.end(), {"IDLETIME", hint});
    } else if (key_.lfu_freq >= 0) {
      hint = absl::StrCat(key_.lfu_freq);
      args.insert(args.end(), {"FREQ", hint});
    }
  }
  RETURN_IF_ERROR(pipeline_.Add(args, key_.key));
  ++stats_.keys_restored;
  ++stats_.keys_written;
  return absl::OkStatus();
}

// After the elements: a stream's ids and groups, the TTL, and warnings for what was lost.
absl::Status TargetWriter::RewriteRest(const rdb::RdbEvent& event,
                                       const std::vector<rdb::StreamEntry>* all_entries) {
  if (key_.kind == ValueKind::kStream) {
    if (!event.stream.has_value()) {
      return absl::InternalError(absl::StrCat("stream key ", Label(key_.key), " has no value"));
    }
    StreamRewriteNotes notes;
    RETURN_IF_ERROR(FinishStream(pipeline_, key_.key, *event.stream,
                                 rewriter_.stream_entry_written(), all_entries,
                                 options_.target_rdb_version, &notes));
    if (notes.dropped_pending > 0) {
      Warn(absl::StrCat("stream ", Label(key_.key), ": ", notes.dropped_pending,
                        " pending entries of deleted messages not migrated"));
    }
    if (notes.dropped_counters) {
      Warn(absl::StrCat("stream ", Label(key_.key),
                        ": entries-added, max-deleted-entry-id and entries-read not migrated "
                        "(target Redis < 7.0)"));
    }
  }
  RETURN_IF_ERROR(rewriter_.End());
  if (rewriter_.dropped_field_ttls() > 0) {
    Warn(absl::StrCat("hash ", Label(key_.key), ": ", rewriter_.dropped_field_ttls(),
                      " field TTLs not migrated (HPEXPIREAT needs target Redis 7.4+)"));
  }
  ++stats_.keys_rewritten;
  ++stats_.keys_written;
  return absl::OkStatus();
}

}  // namespace rms::engine::writer
