// TargetSink: what a migration job writes through, whether the target is one node (TargetWriter)
// or a Redis Cluster (ClusterTargetWriter): RDB events, replicated commands, flushes.
#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/types/span.h"
#include "services/engine/rdb/rdb_events.h"
#include "services/engine/writer/target_writer_stats.h"

namespace rms::engine::writer {

// Not thread-safe: one thread owns a sink. Errors are sticky (see the implementations).
class TargetSink {
 public:
  virtual ~TargetSink() = default;

  virtual void set_source_rdb_version(int version) = 0;
  // What the sink needs of a key's value (the reader's ValueNeeds), asked before the value is
  // read, possibly on another thread than the one applying events (it must only read fixed
  // options). A sink must write the key correctly whatever the reader then delivers within it.
  virtual rdb::ValueNeeds NeedsOf(const rdb::KeyHeader& /*header*/) const {
    return rdb::ValueNeeds::kElementsAndRaw;
  }
  // Applies one RDB reader event, in reader order.
  virtual absl::Status Apply(const rdb::RdbEvent& event) = 0;
  // Queues one command of the replication stream.
  virtual absl::Status ApplyCommand(absl::Span<const std::string> args) = 0;
  // Sends everything queued and checks every reply.
  virtual absl::Status Flush() = 0;
  // The warnings collected since the last call.
  virtual std::vector<std::string> TakeWarnings() = 0;
  // Counters over every connection of the sink.
  virtual TargetWriterStats totals() const = 0;
};

}  // namespace rms::engine::writer
