// EventBatchPool: a fixed set of RDB event batches passed between the thread that reads a snapshot
// and the thread that writes it, so the two overlap with bounded memory and in reader order.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "services/engine/rdb/rdb_events.h"

namespace rms::worker {

// Events in reader order; slots past `used` are spare (their buffers are reused).
struct EventBatch {
  std::vector<engine::rdb::RdbEvent> events;
  size_t used = 0;
  size_t bytes = 0;             // ApproximateBytes() of the used events
  int rdb_version = 0;          // the reader's, when the batch was handed on
  uint64_t rdb_bytes_read = 0;  // RDB bytes consumed up to the batch's last event
};

// Roughly what an event holds in memory (key, elements, raw capture).
size_t ApproximateBytes(const engine::rdb::RdbEvent& event);

// Thread-safe. The producer takes an empty batch, fills it and hands it on; the consumer takes
// full batches in order and gives them back. Either side may Close(): blocked calls return at
// once and every later call fails, so neither waits for a side that has given up.
class EventBatchPool {
 public:
  explicit EventBatchPool(size_t batches);

  // Producer. Null once closed.
  std::unique_ptr<EventBatch> TakeEmpty();
  // Producer; false once closed (the batch is dropped).
  bool HandOn(std::unique_ptr<EventBatch> batch);
  // Producer: no batches follow; the consumer drains what was handed on, then gets null.
  void Finish();

  // Consumer. The oldest full batch; null when finished and drained, or closed.
  std::unique_ptr<EventBatch> TakeFull();
  // Consumer: the batch is applied; its slots may be reused.
  void GiveBack(std::unique_ptr<EventBatch> batch);

  void Close();

 private:
  absl::Mutex mu_;
  std::vector<std::unique_ptr<EventBatch>> empty_ ABSL_GUARDED_BY(mu_);
  std::deque<std::unique_ptr<EventBatch>> full_ ABSL_GUARDED_BY(mu_);
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
  bool closed_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace rms::worker
