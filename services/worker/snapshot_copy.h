// CopySnapshot: reads an RDB stream to its end and writes every key to the target.
#pragma once

#include <cstddef>
#include <functional>
#include <string>

#include "absl/status/status.h"
#include "services/engine/io/byte_source.h"
#include "services/engine/writer/target_sink.h"
#include "services/worker/db_mapping.h"
#include "services/worker/job_progress.h"
#include "services/worker/task_context.h"

namespace rms::worker {

struct SnapshotCopyOptions {
  // Parse on the calling thread and write to the target on a second one, so that both overlap
  // (false: both on the calling thread). Keys reach the target in RDB order either way.
  bool writer_thread = false;
  size_t batch_events = 1024;     // events handed over at a time...
  size_t batch_bytes = 1u << 20;  // ...or this many bytes of them (ApproximateBytes)
  size_t batches = 3;             // batches in the pool: bounds what is held between the two
};

// Parses `rdb` with the streaming reader and applies every event to `writer`, flushing at the
// end; updates `progress` as it goes and hands writer warnings to `warn` (always on the calling
// thread). Returns the first error (DATA_LOSS for a corrupt RDB, the writer's error naming the
// key, the source's I/O error), or the context's reason once cancelled. With a writer thread, a
// writer error stops the reading at its next batch; the writer is used from that thread only
// between the call and its return.
// `mapping`, when given, renames the source's databases first (the task's db_mapping).
absl::Status CopySnapshot(engine::io::ByteSource& rdb, engine::writer::TargetSink& writer,
                          JobProgress& progress, TaskContext& context,
                          const std::function<void(const std::string&)>& warn,
                          const DbMapping* mapping = nullptr,
                          const SnapshotCopyOptions& options = {});

}  // namespace rms::worker
