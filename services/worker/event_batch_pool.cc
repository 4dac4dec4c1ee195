// EventBatchPool: the hand-off between the snapshot's reading and writing threads.
#include "services/worker/event_batch_pool.h"

#include <utility>

namespace rms::worker {

size_t ApproximateBytes(const engine::rdb::RdbEvent& event) {
  return sizeof(event) + event.header.key.size() + event.raw_value.size() + event.aux_value.size() +
         event.function_code.size() + engine::rdb::HeldBytes(event.chunk);
}

EventBatchPool::EventBatchPool(size_t batches) {
  for (size_t i = 0; i < (batches == 0 ? 1 : batches); ++i) {
    empty_.push_back(std::make_unique<EventBatch>());
  }
}

std::unique_ptr<EventBatch> EventBatchPool::TakeEmpty() {
  absl::MutexLock lock(&mu_);
  mu_.Await(absl::Condition(
      +[](EventBatchPool* p)
           ABSL_SHARED_LOCKS_REQUIRED(p->mu_) { return p->closed_ || !p->empty_.empty(); },
      this));
  if (closed_) return nullptr;
  std::unique_ptr<EventBatch> batch = std::move(empty_.back());
  empty_.pop_back();
  batch->used = 0;
  batch->bytes = 0;
  return batch;
}

bool EventBatchPool::HandOn(std::unique_ptr<EventBatch> batch) {
  absl::MutexLock lock(&mu_);
  if (closed_) return false;
  full_.push_back(std::move(batch));
  return true;
}

void EventBatchPool::Finish() {
  absl::MutexLock lock(&mu_);
  finished_ = true;
}

std::unique_ptr<EventBatch> EventBatchPool::TakeFull() {
  absl::MutexLock lock(&mu_);
  mu_.Await(absl::Condition(
      +[](EventBatchPool* p) ABSL_SHARED_LOCKS_REQUIRED(p->mu_) {
        return p->closed_ || p->finished_ || !p->full_.empty();
      },
      this));
  if (closed_ || full_.empty()) return nullptr;
  std::unique_ptr<EventBatch> batch = std::move(full_.front());
  full_.pop_front();
  return batch;
}

void EventBatchPool::GiveBack(std::unique_ptr<EventBatch> batch) {
  absl::MutexLock lock(&mu_);
  empty_.push_back(std::move(batch));
}

void EventBatchPool::Close() {
  absl::MutexLock lock(&mu_);
  closed_ = true;
}

}  // namespace rms::worker
