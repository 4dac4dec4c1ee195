// CommandPipeline: buffers commands for one target node, sends them in bounded batches and turns
// every error reply into a status that names the command and its key.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
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
  bool redact_keys = false;     // error messages show KeyLabel(key, true) instead of the key
};

struct PipelineStats {
  uint64_t commands_sent = 0;
  uint64_t bytes_sent = 0;
  uint64_t batches_sent = 0;
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
  // Sends whatever is queued, then reads and checks every reply still owed (errors as for Add).
  absl::Status Flush();

  size_t pending_commands() const { return open_.pending.size(); }
  size_t pending_bytes() const { return open_.encoded.size(); }
  const PipelineStats& stats() const { return stats_; }
  const PipelineOptions& options() const { return options_; }
  const TargetNode& node() const { return node_; }

 private:
  struct Pending {
    std::string name;    // "RPUSH", "XGROUP CREATE"
    int key_index = -1;  // into keys_, -1 for none
  };

  struct Batch {
    std::string encoded;
    std::vector<Pending> pending;
    std::vector<std::string> keys;  // keys of the pending commands, consecutive duplicates shared
  };

  // Sends the open batch without reading its replies; then reads the oldest batches' replies
  // while more than max_inflight_batches are owed.
  absl::Status SendOpen();
  // Reads and checks the replies of the oldest batch sent.
  absl::Status CollectOldest();
  absl::Status ReplyError(const Batch& batch, const Pending& command,
                          absl::string_view message) const;

  TargetNode& node_;
  PipelineOptions options_;
  Batch open_;
  std::deque<Batch> inflight_;
  std::optional<Batch> spare_;  // a collected batch kept for its buffers' capacity
  PipelineStats stats_;
  absl::Status error_;
};

// The name of a command for messages: the upper-cased command, plus the subcommand for container
// commands (XGROUP CREATE, FUNCTION LOAD, SCRIPT LOAD, CONFIG SET...).
std::string CommandName(absl::Span<const absl::string_view> args);

}  // namespace rms::engine::writer
