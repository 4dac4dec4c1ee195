// CopySnapshot: reads an RDB stream to its end and writes every key to the target.
#pragma once

#include <functional>

#include "absl/status/status.h"
#include "services/engine/io/byte_source.h"
#include "services/engine/writer/target_sink.h"
#include "services/worker/db_mapping.h"
#include "services/worker/job_progress.h"
#include "services/worker/task_context.h"

namespace rms::worker {

// Parses `rdb` with the streaming reader and applies every event to `writer`, flushing at the
// end; updates `progress` as it goes and hands writer warnings to `warn`. Returns the first error
// (DATA_LOSS for a corrupt RDB, the writer's error naming the key, the source's I/O error), or
// the context's reason once cancelled.
// `mapping`, when given, renames the source's databases first (the task's db_mapping).
absl::Status CopySnapshot(engine::io::ByteSource& rdb, engine::writer::TargetSink& writer,
                          JobProgress& progress, TaskContext& context,
                          const std::function<void(const std::string&)>& warn,
                          const DbMapping* mapping = nullptr);

}  // namespace rms::worker
