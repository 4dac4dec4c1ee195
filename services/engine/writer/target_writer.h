// TargetWriter: writes the events of an RDB snapshot (RESTORE or rewrite per key) and the commands
// of the replication stream to one target node, pipelined.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "services/engine/rdb/rdb_events.h"
#include "services/engine/redis/redis_client.h"
#include "services/engine/writer/command_pipeline.h"
#include "services/engine/writer/string_batch.h"
#include "services/engine/writer/target_node.h"
#include "services/engine/writer/target_sink.h"
#include "services/engine/writer/target_writer_stats.h"
#include "services/engine/writer/value_rewriter.h"

namespace rms::engine::writer {

struct TargetWriterOptions {
  // RDB version the target loads (QueryTargetRdbVersion); decides RESTORE vs rewrite per type and
  // which commands are used. Required (> 0), except with Connect(), which asks the target when 0.
  int target_rdb_version = 0;
  // RDB version of the source (RdbReader::version()); 0 = unknown, then RESTORE payloads carry
  // the target's version. set_source_rdb_version() may set it later, before the first key.
  int source_rdb_version = 0;
  // Keys whose raw capture is larger than this, or was not captured, are rewritten as commands;
  // at most this many bytes of decoded elements of one key are held while deciding.
  size_t big_key_bytes = 16u << 20;
  size_t max_pipeline_commands = 1000;
  size_t max_pipeline_bytes = 4u << 20;
  RewriteLimits rewrite;
  bool redact_keys = false;    // messages and warnings show key#<hash>, never the key
  bool force_rewrite = false;  // never RESTORE (tests, and targets that refuse RESTORE)
  // Small strings without a TTL or an LRU/LFU hint go out as MSET batches instead of one
  // RESTORE each (max_keys 0: never). A Redis Cluster target needs it off: a batch spans slots.
  StringBatchOptions string_batch;
  // The target is a Redis Cluster master: MOVED/ASK replies are held for TakeRedirected()
  // instead of failing the writer (PipelineOptions::hold_redirects).
  bool hold_redirects = false;
};

// What a writer with `options` needs of a key's value: kElements for the strings that go into
// MSET batches (one bigger than the batch's value bound is then written with SET instead of
// RESTORE: the same value) and for values that will be rewritten; kRawIfItFits for values the
// target can RESTORE (no decoding); a stream keeps both (its rewrite checks pending entries
// against its entries); kElementsAndRaw while the target's version is unknown.
rdb::ValueNeeds ValueNeedsOf(const TargetWriterOptions& options, const rdb::KeyHeader& header);

// Not thread-safe: one thread owns the writer and its node. Commands are queued and sent in
// batches of max_pipeline_commands / max_pipeline_bytes; every reply is checked. The first error
// (connection, or an error reply named by command and key: see CommandPipeline) is sticky: every
// later call returns it, so a failed key is never silently skipped.
class TargetWriter final : public TargetSink {
 public:
  // Writes through `node`, which must outlive the writer.
  TargetWriter(TargetNode& node, TargetWriterOptions options);
  // Writes through a connected RedisClient, which must outlive the writer.
  TargetWriter(redis::RedisClient& client, TargetWriterOptions options);
  // Connects (with AUTH) to a standalone target and, when options.target_rdb_version is 0, asks
  // it for its version. Errors: those of RedisClient::Connect and QueryTargetRdbVersion.
  static absl::StatusOr<std::unique_ptr<TargetWriter>> Connect(const redis::Endpoint& endpoint,
                                                               TargetWriterOptions options,
                                                               redis::ClientOptions client = {});
  ~TargetWriter();
  TargetWriter(const TargetWriter&) = delete;
  TargetWriter& operator=(const TargetWriter&) = delete;

  void set_source_rdb_version(int version) override { options_.source_rdb_version = version; }
  rdb::ValueNeeds NeedsOf(const rdb::KeyHeader& header) const override {
    return ValueNeedsOf(options_, header);
  }

  // Applies one reader event, in reader order: kSelectDb -> SELECT (when the db changes);
  // kFunction -> FUNCTION LOAD REPLACE; an aux "lua" script -> SCRIPT LOAD; kKeyBegin..kKeyEnd ->
  // RESTORE key <expire_at_ms|0> <payload> REPLACE ABSTTL when the target accepts the type and the
  // capture is at most big_key_bytes (a small string without TTL joins an MSET batch instead),
  // else the rewrite (started before kKeyEnd once the buffered elements would pass
  // big_key_bytes); kEnd -> Flush(). What the target cannot hold (hash field
  // TTLs before 7.4, functions before 7.0, module aux data...) becomes a warning.
  // FAILED_PRECONDITION for events out of order or an unset target version.
  absl::Status Apply(const rdb::RdbEvent& event) override;
  // Queues one command of the replication stream as is (SELECT also tracks the current db).
  // INVALID_ARGUMENT for an empty command.
  absl::Status ApplyCommand(absl::Span<const std::string> args) override;
  // Sends everything queued and checks the replies.
  absl::Status Flush() override;
  // With hold_redirects: the commands refused with MOVED or ASK since the last call, in the order
  // they were sent (complete for everything sent once Flush() returned).
  std::vector<RedirectedCommand> TakeRedirected() { return pipeline_.TakeRedirected(); }
  bool has_redirected() const { return pipeline_.has_redirected(); }
  // Queues a command another writer's node refused with MOVED or ASK, preceded by ASKING when
  // `asking` (an ASK redirection). Errors as for ApplyCommand.
  absl::Status Resend(const RedirectedCommand& command, bool asking);
  // Flushes, then sends `encoded` (`count` commands) at once and returns their replies, error
  // replies as values, for a caller that checks them itself (a cluster writer's transactions).
  // Connection errors are sticky as for Flush.
  absl::StatusOr<std::vector<resp::RespValue>> ExchangeNow(absl::string_view encoded, size_t count);
  // Flushes, then lends the connection of a writer made by Connect() to another user on the same
  // thread (a StreamPipeline); the writer forgets which db is selected and selects again before
  // its next key. FAILED_PRECONDITION when the writer does not own its connection.
  absl::StatusOr<redis::RedisClient*> LendConnection();

  // The warnings collected since the last call (at most 1000, then a count of the rest).
  std::vector<std::string> TakeWarnings() override;
  TargetWriterStats stats() const;
  TargetWriterStats totals() const override { return stats(); }

 private:
  // kBatched: a small string already added to the MSET batch, its kKeyEnd still to come.
  enum class KeyMode { kNone, kBuffering, kRewriting, kSkipping, kBatched };

  absl::Status ApplyEvent(const rdb::RdbEvent& event);
  absl::Status SelectDb(int db);
  absl::Status LoadFunction(const std::string& code);
  absl::Status BeginKey(const rdb::KeyHeader& header);
  absl::Status AddElements(const rdb::ElementChunk& chunk);
  absl::Status StartRewrite();
  absl::Status EndKey(const rdb::RdbEvent& event);
  bool CanRestore(const rdb::RdbEvent& event) const;
  absl::Status Restore(const rdb::RdbEvent& event);
  // Queues the MSET batch, before anything whose order matters.
  absl::Status FlushStrings();
  // `all_entries`: a stream's entries when they were all still held, else null.
  absl::Status RewriteRest(const rdb::RdbEvent& event,
                           const std::vector<rdb::StreamEntry>* all_entries);
  void Warn(std::string message);
  std::string Label(absl::string_view key) const;

  std::unique_ptr<redis::RedisClient> owned_client_;
  std::unique_ptr<TargetNode> owned_node_;
  TargetNode& node_;
  TargetWriterOptions options_;
  CommandPipeline pipeline_;
  ValueRewriter rewriter_;
  StringBatch strings_;

  int current_db_ = -1;  // -1: not selected by us yet
  KeyMode mode_ = KeyMode::kNone;
  rdb::KeyHeader key_;
  rdb::ElementChunk buffer_;  // elements of key_ while kBuffering
  size_t buffered_bytes_ = 0;

  std::vector<std::string> warnings_;
  uint64_t suppressed_warnings_ = 0;
  uint64_t exchanges_ = 0;  // ExchangeNow calls
  TargetWriterStats stats_;
  absl::Status error_;
};

}  // namespace rms::engine::writer
