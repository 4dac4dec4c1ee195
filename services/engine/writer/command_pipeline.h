// CommandPipeline: buffers commands for one target node, sends them in bounded batches and turns
// every error reply into a status that names the command and its key.
#pragma once

#include <cstdint>
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
  bool redact_keys = false;     // error messages show KeyLabel(key, true) instead of the key
};

struct PipelineStats {
  uint64_t commands_sent = 0;
  uint64_t bytes_sent = 0;
  uint64_t batches_sent = 0;
  size_t peak_pending_bytes = 0;  // largest encoded batch held before sending
};

// Not thread-safe: one thread owns the pipeline and its node. The first error is sticky: every
// later call returns it (a failed command is never silently skipped).
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
  // Sends whatever is queued and checks every reply (errors as for Add). OK when nothing is queued.
  absl::Status Flush();

  size_t pending_commands() const { return pending_.size(); }
  size_t pending_bytes() const { return encoded_.size(); }
  const PipelineStats& stats() const { return stats_; }
  const PipelineOptions& options() const { return options_; }
  const TargetNode& node() const { return node_; }

 private:
  struct Pending {
    std::string name;    // "RPUSH", "XGROUP CREATE"
    int key_index = -1;  // into keys_, -1 for none
  };

  absl::Status ReplyError(const Pending& command, absl::string_view message) const;

  TargetNode& node_;
  PipelineOptions options_;
  std::string encoded_;
  std::vector<Pending> pending_;
  std::vector<std::string> keys_;  // keys of the pending commands, consecutive duplicates shared
  PipelineStats stats_;
  absl::Status error_;
};

// The name of a command for messages: the upper-cased command, plus the subcommand for container
// commands (XGROUP CREATE, FUNCTION LOAD, SCRIPT LOAD, CONFIG SET...).
std::string CommandName(absl::Span<const absl::string_view> args);

}  // namespace rms::engine::writer
