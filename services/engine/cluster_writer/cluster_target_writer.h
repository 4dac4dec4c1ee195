// ClusterTargetWriter: writes an RDB snapshot and a replication stream into a Redis Cluster
// target: one pipelined TargetWriter per master, every key to the master owning its slot, MOVED
// and ASK redirections followed.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/types/span.h"
#include "services/engine/cluster/command_keys.h"
#include "services/engine/cluster/command_router.h"
#include "services/engine/cluster/slot_map.h"
#include "services/engine/cluster_writer/transaction_replies.h"
#include "services/engine/rdb/rdb_events.h"
#include "services/engine/redis/redis_client.h"
#include "services/engine/writer/target_sink.h"
#include "services/engine/writer/target_writer.h"

namespace rms::engine::cluster_writer {

struct ClusterWriterOptions {
  writer::TargetWriterOptions writer;  // for every master's writer (hold_redirects is forced on)
  // A MULTI..EXEC of the stream is held whole until its EXEC (to be split per slot); past this
  // many bytes of arguments it fails with RESOURCE_EXHAUSTED (limit TRANSACTION_TOO_LARGE).
  size_t max_transaction_bytes = size_t{1} << 30;
  // Called with each master's connection once it is connected and authenticated, before
  // anything is written on it (a migration job names it and fences older owners off). An error
  // fails the connection's writer, and Connect() or the call that needed the master.
  std::function<absl::Status(redis::RedisClient&)> on_connect;
};

struct ClusterWriterStats {
  writer::TargetWriterStats writers;  // summed over the masters' writers (peaks: the largest)
  uint64_t moved = 0;                 // commands sent again after MOVED
  uint64_t asked = 0;                 // commands sent again, after ASKING, after ASK
  uint64_t transactions = 0;          // MULTI..EXEC blocks sent (one per slot of a source's)
  size_t masters = 0;                 // writers connected
};

// Not thread-safe: one thread owns the writer and all its connections.
//
// Snapshot (Apply): the events of each key (kKeyBegin..kKeyEnd) go to the writer of the master
// owning the key's slot; functions and scripts to every master; kEnd flushes every writer. Stream
// (ApplyCommand): each command is routed by RouteCommand (key positions from the target's
// COMMAND reply, COMMAND GETKEYS when a key specification needs the server) and queued on the
// owning master's writer; a MULTI..EXEC is sent as one MULTI..EXEC per slot it touches: applied
// per slot, not atomically across slots or masters. A key's commands all go through one
// connection, so their order holds.
//
// Redirections: a command refused with "-MOVED <slot> <host>:<port>" updates the slot map (a
// writer is connected for a master not seen before) and is sent again to the new owner; "-ASK"
// sends it again to the named node after ASKING. Before anything is re-sent, every writer is
// flushed, so no later command of the same key can overtake it.
//
// Databases: a Redis Cluster has only db 0. A key of another db (snapshot) or a command after
// SELECT of another db (stream) fails with FAILED_PRECONDITION naming the db.
//
// The first error is sticky, as in TargetWriter.
class ClusterTargetWriter final : public writer::TargetSink {
 public:
  // Discovers the cluster behind `nodes` (DiscoverTopology), connects one TargetWriter per master
  // (with nodes[0]'s username, password and TLS settings: one instance, one password; an empty
  // tls.server_name checks each node's own host) and reads the target's
  // COMMAND reply. When options.target_rdb_version is 0 the target is asked. FAILED_PRECONDITION
  // when the nodes name a standalone server; errors of DiscoverTopology, RedisClient::Connect,
  // QueryTargetRdbVersion and COMMAND.
  static absl::StatusOr<std::unique_ptr<ClusterTargetWriter>> Connect(
      const std::vector<redis::Endpoint>& nodes, ClusterWriterOptions options,
      redis::ClientOptions client = {});
  ~ClusterTargetWriter();
  ClusterTargetWriter(const ClusterTargetWriter&) = delete;
  ClusterTargetWriter& operator=(const ClusterTargetWriter&) = delete;

  void set_source_rdb_version(int version) override;
  // As a master's writer would answer (writer::ValueNeedsOf): every master has the same options.
  rdb::ValueNeeds NeedsOf(const rdb::KeyHeader& header) const override {
    return writer::ValueNeedsOf(options_, header);
  }

  // Applies one reader event, in reader order (see the class comment). Errors: those of
  // TargetWriter::Apply, FAILED_PRECONDITION for a key outside db 0 or events out of order.
  absl::Status Apply(const rdb::RdbEvent& event) override;
  // Applies one command of the replication stream. SELECT 0 and PING are absorbed. Errors:
  // INVALID_ARGUMENT for an empty command or a bad SELECT; RESOURCE_EXHAUSTED for a transaction
  // past max_transaction_bytes; FAILED_PRECONDITION for a command in
  // another db than 0, for a command whose keys span slots and cannot be split (MSETNX...), for
  // one inside an RDB key, and for a refused command (with its name and key); those of the
  // writers. A transaction is sent at its EXEC.
  absl::Status ApplyCommand(absl::Span<const std::string> args) override;
  // Sends everything queued on every master, follows redirections until none is left (at most
  // a few rounds: then UNAVAILABLE, the cluster keeps moving), and checks every reply.
  absl::Status Flush() override;

  // The warnings of every writer since the last call.
  std::vector<std::string> TakeWarnings() override;
  ClusterWriterStats stats() const;
  writer::TargetWriterStats totals() const override { return stats().writers; }
  // Cuts every connection of the writer, those connected later included (any thread): a blocked
  // send or read returns CANCELLED.
  void Cancel();
  // The masters' connections, in the order they were connected (for a caller that names them).
  std::vector<redis::RedisClient*> master_connections() const;
  const cluster::SlotMap& slots() const { return slots_; }

 private:
  // A MULTI..EXEC for one slot (or, for commands without keys, one master).
  struct TransactionGroup {
    int master = 0;  // used when slot is -1
    int slot = -1;
    std::vector<std::vector<std::string>> commands;
  };

  ClusterTargetWriter(ClusterWriterOptions options, redis::ClientOptions client,
                      redis::Endpoint credentials);

  // The writer of `node`, connected on first use.
  absl::StatusOr<writer::TargetWriter*> WriterFor(const cluster::ClusterNode& node);
  absl::StatusOr<writer::TargetWriter*> WriterOfMaster(int master);
  // Registers a new master connection for Cancel() and runs on_connect.
  absl::Status PrepareConnection(writer::TargetWriter& writer);

  // Snapshot (cluster_target_writer.cc).
  absl::Status ApplyEvent(const rdb::RdbEvent& event);
  absl::Status ApplyToKeyWriter(const rdb::RdbEvent& event);
  absl::Status ApplyToEveryMaster(const rdb::RdbEvent& event);
  absl::Status NotInDbZero(int db, absl::string_view what) const;

  // Redirections (cluster_redirects.cc).
  // Flushes every writer, then sends again what was redirected, until nothing is.
  absl::Status ResolveRedirects();
  absl::Status FlushEveryWriter();
  // The writer of the node `redirect` names; for MOVED the slot map learns the new owner first.
  absl::StatusOr<writer::TargetWriter*> FollowRedirect(const cluster::Redirect& redirect);
  absl::Status SendAgain(const writer::RedirectedCommand& command);

  // Stream (cluster_stream.cc).
  absl::Status StreamCommand(absl::Span<const std::string> args);
  // Adds a command of an open MULTI (routed) to transaction_, within max_transaction_bytes.
  absl::Status HoldInTransaction(absl::Span<const std::string> args,
                                 std::vector<cluster::RoutedCommand> routed);
  absl::StatusOr<std::vector<cluster::RoutedCommand>> Route(absl::Span<const std::string> args);
  absl::StatusOr<std::vector<size_t>> KeyPositionsFromServer(absl::Span<const std::string> args);

  // Transactions (cluster_transaction.cc).
  absl::Status ApplyTransaction(const std::vector<cluster::RoutedCommand>& commands);
  absl::Status SendTransaction(const TransactionGroup& group);
  // Flushes what precedes the group, sends [ASKING] MULTI..EXEC to its node (named in
  // `node_address`) and reads the replies.
  absl::StatusOr<TransactionOutcome> SendTransactionOnce(
      const TransactionGroup& group, const std::optional<cluster::ClusterNode>& ask,
      std::string* node_address);
  // The node a transaction group goes to now: its slot's master, or `ask` after an ASK.
  cluster::ClusterNode NodeOf(const TransactionGroup& group,
                              const std::optional<cluster::ClusterNode>& ask) const;

  writer::TargetWriterOptions options_;  // of every writer
  size_t max_transaction_bytes_;
  std::function<absl::Status(redis::RedisClient&)> on_connect_;
  redis::ClientOptions client_options_;
  redis::Endpoint credentials_;  // username, password and TLS settings for every node
  cluster::SlotMap slots_;
  cluster::CommandKeyTable keys_;
  std::unique_ptr<redis::RedisClient> control_;  // COMMAND, COMMAND GETKEYS
  std::map<std::string, std::unique_ptr<writer::TargetWriter>> writers_;  // by "host:port"

  writer::TargetWriter* key_writer_ = nullptr;  // the writer of the snapshot key in progress
  int stream_db_ = 0;
  bool in_transaction_ = false;
  std::vector<cluster::RoutedCommand> transaction_;
  size_t transaction_bytes_ = 0;  // arguments held in transaction_

  mutable absl::Mutex cancel_mu_;
  std::vector<redis::RedisClient*> connections_ ABSL_GUARDED_BY(cancel_mu_);  // control_ first
  bool cancelled_ ABSL_GUARDED_BY(cancel_mu_) = false;

  uint64_t moved_ = 0;
  uint64_t asked_ = 0;
  uint64_t transactions_ = 0;
  absl::Status error_;
};

}  // namespace rms::engine::cluster_writer
