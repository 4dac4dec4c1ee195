// CommandPipeline: buffers commands for one target node, sends them in bounded batches and turns
// every error reply into a status that names the command and its key.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "services/engine/writer/target_node.h"

namespace rms::engine::writer {

struct PipelineOptions {
  size_t max_commands = 1000;   // a batch is sent once it holds this many commands...
  size_t max_bytes = 4u << 20;  // ...or this many encoded bytes (at least 1 of each)
  // Batches sent whose replies are not read yet: the target works on them while the caller
  // prepares the next one (1 = wait for every batch's replies before going on).
  size_t max_inflight_batches = 4;
  bool redact_keys = false;  // error messages show KeyLabel(key, true) instead of the key
  // A Redis Cluster node's "-MOVED <slot> <host>:<port>" / "-ASK <slot> <host>:<port>" replies
  // are not errors: the refused commands are held for TakeRedirected() (for commands outside
  // MULTI only; a cluster writer sends its transactions itself).
  bool hold_redirects = false;
};

// A command a cluster node refused with MOVED or ASK, to be sent again to the node it names.
struct RedirectedCommand {
  std::string encoded;             // the command as sent (a RESP array)
  std::string name;                // CommandName() of it
  std::optional<std::string> key;  // the key naming it in messages
  std::string reply;               // "MOVED 3999 127.0.0.1:7001" (without the '-')
};

struct PipelineStats {
  uint64_t commands_sent = 0;
  uint64_t bytes_sent = 0;
  uint64_t batches_sent = 0;
  uint64_t writes = 0;            // batches written to the node, whether or not their replies came
  size_t peak_pending_bytes = 0;  // largest encoded batch held before sending
};

// Not thread-safe: one thread owns the pipeline and its node. The first error is sticky: every
// later call returns it (a failed command is never silently skipped). With several batches in
// flight, an error reply surfaces at a later Add() or at Flush(); Flush() returns only once every
// reply was read and checked.
class CommandPipeline {
 public:
  CommandPipeline(TargetNode& node, PipelineOptions options);

  // Queues one command; `key` names it in error messages (nullopt when it has none; "" is a valid
  // key). Sends the batch
  // when a bound is reached, and then returns the first error of that batch: a connection error
  // unchanged with the node prepended, or an error reply as RESOURCE_EXHAUSTED (OOM),
  // UNAVAILABLE (LOADING, BUSY, TRYAGAIN, MASTERDOWN, CLUSTERDOWN), PERMISSION_DENIED (NOAUTH,
  // NOPERM) or FAILED_PRECONDITION (anything else), with the command name, key and message.
  absl::Status Add(absl::Span<const absl::string_view> args, std::optional<absl::string_view> key);
  absl::Status Add(std::initializer_list<absl::string_view> args,
                   std::optional<absl::string_view> key) {
    return Add(absl::MakeConstSpan(args.begin(), args.size()), key);
  }
  // Queues one command already encoded as a RESP array (a RedirectedCommand sent again); `name`
  // and `key` name it in messages. Errors as for Add.
  absl::Status AddEncoded(absl::string_view encoded, absl::string_view name,
                          std::optional<absl::string_view> key);
  // Sends whatever is queued, then reads and checks every reply still owed (errors as for Add).
  absl::Status Flush();

  // The commands refused with MOVED or ASK (hold_redirects) since the last call, in the order
  // they were sent; complete for everything sent once Flush() returned.
  std::vector<RedirectedCommand> TakeRedirected() { return std::exchange(redirected_, {}); }
  bool has_redirected() const { return !redirected_.empty(); }

  size_t pending_commands() const { return open_.pending.size(); }
  size_t pending_bytes() const { return open_.encoded.size(); }
  const PipelineStats& stats() const { return stats_; }
  const PipelineOptions& options() const { return options_; }
  const TargetNode& node() const { return node_; }

 private:
  struct Pending {
    std::string name;    // "RPUSH", "XGROUP CREATE"
    int key_index = -1;  // into keys_, -1 for none
    size_t start = 0;    // where the command begins in the batch's encoded bytes
  };

  struct Batch {
    std::string encoded;
    std::vector<Pending> pending;
    std::vector<std::string> keys;  // keys of the pending commands, consecutive duplicates shared
  };

  // Records the command just appended to the open batch (from `start`); sends the batch at a
  // bound.
  absl::Status Queued(size_t start, std::string name, std::optional<absl::string_view> key);
  // Sends the open batch without reading its replies; then reads the oldest batches' replies
  // while more than max_inflight_batches are owed.
  absl::Status SendOpen();
  // Reads and checks the replies of the oldest batch sent.
  absl::Status CollectOldest();
  absl::Status ReplyError(const Batch& batch, const Pending& command,
                          absl::string_view message) const;
  // Holds command `index` of `batch`, refused with `message` (MOVED/ASK), for TakeRedirected().
  void HoldRedirected(const Batch& batch, size_t index, absl::string_view message);

  TargetNode& node_;
  PipelineOptions options_;
  Batch open_;
  std::deque<Batch> inflight_;
  std::optional<Batch> spare_;  // a collected batch kept for its buffers' capacity
  PipelineStats stats_;
  std::vector<RedirectedCommand> redirected_;
  absl::Status error_;
};

// The name of a command for messages: the upper-cased command, plus the subcommand for container
// commands (XGROUP CREATE, FUNCTION LOAD, SCRIPT LOAD, CONFIG SET...).
std::string CommandName(absl::Span<const absl::string_view> args);

}  // namespace rms::engine::writer
