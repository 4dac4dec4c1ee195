// CopySnapshot: reads an RDB stream to its end and writes every key to the target, reading and
// writing on two threads (or one).
#include "services/worker/snapshot_copy.h"

#include <thread>
#include <utility>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "services/common/status_macros.h"
#include "services/engine/rdb/rdb_reader.h"
#include "services/engine/writer/target_writer.h"
#include "services/worker/event_batch_pool.h"

namespace rms::worker {
namespace {

using engine::rdb::RdbEvent;
using engine::rdb::RdbReader;
using engine::writer::TargetSink;
using WarnFn = std::function<void(const std::string&)>;

// The writing side's progress and warnings, published every `kPublishEvery` events.
class ApplyState {
 public:
  ApplyState(TargetSink& writer, JobProgress& progress) : writer_(writer), tally_(progress) {
    tally_.Update(writer.totals().commands_sent, writer.totals().bytes_sent);  // counted before
  }
  absl::Status Apply(const RdbEvent& event, JobProgress& progress, const WarnFn& warn) {
    RETURN_IF_ERROR(writer_.Apply(event));
    if (++events_ % kPublishEvery == 0) {
      Publish(progress, warn);
    }
    return absl::OkStatus();
  }
  absl::Status Finish(JobProgress& progress, const WarnFn& warn) {
    absl::Status flushed = writer_.Flush();
    Publish(progress, warn);
    if (flushed.ok()) progress.snapshot_done = true;
    return flushed;
  }

 private:
  static constexpr uint64_t kPublishEvery = 256;
  void Publish(JobProgress& progress, const WarnFn& warn) {
    const engine::writer::TargetWriterStats stats = writer_.totals();
    progress.keys_written = stats.keys_written;
    tally_.Update(stats.commands_sent, stats.bytes_sent);
    for (const std::string& warning : writer_.TakeWarnings()) warn(warning);
  }

  TargetSink& writer_;
  SentTally tally_;
  uint64_t events_ = 0;
};

absl::Status CopyOnOneThread(RdbReader& reader, TargetSink& writer, JobProgress& progress,
                             TaskContext& context, const WarnFn& warn, const DbMapping* mapping) {
  ApplyState state(writer, progress);
  RdbEvent event;  // one event, its buffers reused for every record
  bool version_set = false;
  while (true) {
    if (context.cancelled()) return context.reason();
    if (absl::Status s = reader.Next(&event); !s.ok()) {
      return context.cancelled() ? context.reason() : s;
    }
    if (!version_set && reader.version() > 0) {
      writer.set_source_rdb_version(reader.version());
      version_set = true;
    }
    if (mapping != nullptr) mapping->Apply(event);
    RETURN_IF_ERROR(state.Apply(event, progress, warn));
    progress.snapshot_bytes = reader.bytes_read();
    if (event.type == RdbEvent::kEnd) return state.Finish(progress, warn);
  }
}

// Warnings of the writing thread, handed to `warn` on the reading (the caller's) thread.
class WarningMailbox {
 public:
  void Post(const std::string& warning) {
    absl::MutexLock lock(&mu_);
    warnings_.push_back(warning);
  }
  void DeliverTo(const WarnFn& warn) {
    std::vector<std::string> taken;
    {
      absl::MutexLock lock(&mu_);
      taken.swap(warnings_);
    }
    for (const std::string& warning : taken) warn(warning);
  }

 private:
  absl::Mutex mu_;
  std::vector<std::string> warnings_ ABSL_GUARDED_BY(mu_);
};

absl::Status OtherSideStopped() { return absl::AbortedError("the other side of the copy stopped"); }
bool IsOtherSideStopped(const absl::Status& s) {
  return s.code() == absl::StatusCode::kAborted && s.message() == OtherSideStopped().message();
}

// The caller's thread: parse the RDB into batches and hand them on, in order.
absl::Status ReadBatches(RdbReader& reader, EventBatchPool& pool, TaskContext& context,
                         const DbMapping* mapping, const SnapshotCopyOptions& options,
                         WarningMailbox& mailbox, const WarnFn& warn) {
  while (true) {
    std::unique_ptr<EventBatch> batch = pool.TakeEmpty();
    if (batch == nullptr) return OtherSideStopped();
    mailbox.DeliverTo(warn);
    bool end = false;
    while (!end && batch->used < options.batch_events && batch->bytes < options.batch_bytes) {
      if (context.cancelled()) return context.reason();
      if (batch->events.size() == batch->used) batch->events.emplace_back();
      RdbEvent& event = batch->events[batch->used];
      if (absl::Status s = reader.Next(&event); !s.ok()) {
        return context.cancelled() ? context.reason() : s;
      }
      if (mapping != nullptr) mapping->Apply(event);
      ++batch->used;
      batch->bytes += ApproximateBytes(event);
      end = event.type == RdbEvent::kEnd;
    }
    batch->rdb_version = reader.version();
    batch->rdb_bytes_read = reader.bytes_read();
    if (!pool.HandOn(std::move(batch))) return OtherSideStopped();
    if (end) return absl::OkStatus();
  }
}

// The writing thread: apply every batch in order, then flush.
absl::Status ApplyBatches(TargetSink& writer, EventBatchPool& pool, JobProgress& progress,
                          TaskContext& context, WarningMailbox& mailbox) {
  const WarnFn post = [&mailbox](const std::string& w) { mailbox.Post(w); };
  ApplyState state(writer, progress);
  bool version_set = false;
  while (true) {
    std::unique_ptr<EventBatch> batch = pool.TakeFull();
    if (batch == nullptr) return OtherSideStopped();
    if (!version_set && batch->rdb_version > 0) {
      writer.set_source_rdb_version(batch->rdb_version);
      version_set = true;
    }
    bool end = false;
    for (size_t i = 0; i < batch->used && !end; ++i) {
      if (context.cancelled()) return context.reason();
      RETURN_IF_ERROR(state.Apply(batch->events[i], progress, post));
      end = batch->events[i].type == RdbEvent::kEnd;
    }
    progress.snapshot_bytes = batch->rdb_bytes_read;
    pool.GiveBack(std::move(batch));
    if (end) return state.Finish(progress, post);
  }
}

absl::Status CopyOnTwoThreads(RdbReader& reader, TargetSink& writer, JobProgress& progress,
                              TaskContext& context, const WarnFn& warn, const DbMapping* mapping,
                              const SnapshotCopyOptions& options) {
  EventBatchPool pool(options.batches);
  WarningMailbox mailbox;
  absl::Status written;
  std::thread applier([&] {
    written = ApplyBatches(writer, pool, progress, context, mailbox);
    if (!written.ok()) pool.Close();  // the reader stops at its next batch
  });
  const int cancel_handle = context.OnCancel([&pool] { pool.Close(); });
  const absl::Status read = ReadBatches(reader, pool, context, mapping, options, mailbox, warn);
  if (read.ok()) {
    pool.Finish();
  } else {
    pool.Close();
  }
  applier.join();
  context.Unregister(cancel_handle);
  mailbox.DeliverTo(warn);
  if (context.cancelled()) return context.reason();
  if (!written.ok() && !IsOtherSideStopped(written)) return written;
  if (!read.ok() && !IsOtherSideStopped(read)) return read;
  if (!written.ok()) return absl::InternalError("snapshot copy: the writing side stopped early");
  return absl::OkStatus();
}

}  // namespace

absl::Status CopySnapshot(engine::io::ByteSource& rdb, TargetSink& writer, JobProgress& progress,
                          TaskContext& context, const WarnFn& warn, const DbMapping* mapping,
                          const SnapshotCopyOptions& options) {
  // Keep no raw capture bigger than what the writer would still RESTORE: bigger keys are
  // rewritten from their decoded elements anyway.
  engine::rdb::RdbLimits limits;
  limits.raw_capture_limit = engine::writer::TargetWriterOptions{}.big_key_bytes;
  RdbReader reader(rdb, limits);
  // Asked on the reading thread: NeedsOf only reads the writer's fixed options.
  reader.set_value_needs(
      [&writer](const engine::rdb::KeyHeader& header) { return writer.NeedsOf(header); });
  if (!options.writer_thread) {
    return CopyOnOneThread(reader, writer, progress, context, warn, mapping);
  }
  return CopyOnTwoThreads(reader, writer, progress, context, warn, mapping, options);
}

}  // namespace rms::worker
