// CopySnapshot: reads an RDB stream to its end and writes every key to the target.
#include "services/worker/snapshot_copy.h"

#include "services/engine/rdb/rdb_reader.h"
#include "services/engine/writer/target_writer.h"

namespace rms::worker {
namespace {

void Publish(const engine::writer::TargetSink& writer, JobProgress& progress, SentTally& tally) {
  const engine::writer::TargetWriterStats stats = writer.totals();
  progress.keys_written = stats.keys_written;
  tally.Update(stats.commands_sent, stats.bytes_sent);
}

}  // namespace

absl::Status CopySnapshot(engine::io::ByteSource& rdb, engine::writer::TargetSink& writer,
                          JobProgress& progress, TaskContext& context,
                          const std::function<void(const std::string&)>& warn,
                          const DbMapping* mapping) {
  // Keep no raw capture bigger than what the writer would still RESTORE: bigger keys are
  // rewritten from their decoded elements anyway.
  engine::rdb::RdbLimits limits;
  limits.raw_capture_limit = engine::writer::TargetWriterOptions{}.big_key_bytes;
  engine::rdb::RdbReader reader(rdb, limits);
  uint64_t events = 0;
  SentTally tally(progress);
  tally.Update(writer.totals().commands_sent, writer.totals().bytes_sent);  // counted before
  while (true) {
    if (context.cancelled()) return context.reason();
    absl::StatusOr<engine::rdb::RdbEvent> event = reader.Next();
    if (!event.ok()) return context.cancelled() ? context.reason() : event.status();
    if (reader.version() > 0 && events == 0) writer.set_source_rdb_version(reader.version());
    if (mapping != nullptr) mapping->Apply(*event);
    if (absl::Status s = writer.Apply(*event); !s.ok()) return s;
    progress.snapshot_bytes = reader.bytes_read();
    if (++events % 256 == 0) {
      Publish(writer, progress, tally);
      for (const std::string& warning : writer.TakeWarnings()) warn(warning);
    }
    if (event->type == engine::rdb::RdbEvent::kEnd) break;
  }
  absl::Status flushed = writer.Flush();
  Publish(writer, progress, tally);
  for (const std::string& warning : writer.TakeWarnings()) warn(warning);
  if (flushed.ok()) progress.snapshot_done = true;
  return flushed;
}

}  // namespace rms::worker
