// EventBatchPool: batches come out in the order they were handed on, the pool bounds how many
// exist, Finish lets the consumer drain, and Close releases either side while it waits.
#include "services/worker/event_batch_pool.h"

#include <thread>

#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"

namespace rms::worker {
namespace {

TEST(EventBatchPoolTest, BatchesArriveInOrderAndSlotsAreReused) {
  EventBatchPool pool(2);
  std::thread producer([&] {
    for (uint64_t i = 1; i <= 50; ++i) {
      std::unique_ptr<EventBatch> batch = pool.TakeEmpty();
      ASSERT_NE(batch, nullptr);
      EXPECT_EQ(batch->used, 0u);
      batch->rdb_bytes_read = i;
      batch->used = 1;
      ASSERT_TRUE(pool.HandOn(std::move(batch)));
    }
    pool.Finish();
  });
  uint64_t expected = 1;
  while (std::unique_ptr<EventBatch> batch = pool.TakeFull()) {
    EXPECT_EQ(batch->rdb_bytes_read, expected++);
    pool.GiveBack(std::move(batch));
  }
  producer.join();
  EXPECT_EQ(expected, 51u);
}

TEST(EventBatchPoolTest, TheProducerWaitsWhileEveryBatchIsOwed) {
  EventBatchPool pool(1);
  std::unique_ptr<EventBatch> only = pool.TakeEmpty();
  ASSERT_TRUE(pool.HandOn(std::move(only)));
  absl::Notification got_second;
  std::thread producer([&] {
    std::unique_ptr<EventBatch> second = pool.TakeEmpty();  // waits for the consumer
    EXPECT_NE(second, nullptr);
    got_second.Notify();
  });
  EXPECT_FALSE(got_second.WaitForNotificationWithTimeout(absl::Milliseconds(100)));
  std::unique_ptr<EventBatch> full = pool.TakeFull();
  ASSERT_NE(full, nullptr);
  pool.GiveBack(std::move(full));
  EXPECT_TRUE(got_second.WaitForNotificationWithTimeout(absl::Seconds(10)));
  producer.join();
}

TEST(EventBatchPoolTest, CloseReleasesAWaitingConsumerAndRefusesTheProducer) {
  EventBatchPool pool(1);
  absl::Notification consumer_done;
  std::thread consumer([&] {
    EXPECT_EQ(pool.TakeFull(), nullptr);  // nothing handed on: waits until closed
    consumer_done.Notify();
  });
  EXPECT_FALSE(consumer_done.WaitForNotificationWithTimeout(absl::Milliseconds(50)));
  pool.Close();
  EXPECT_TRUE(consumer_done.WaitForNotificationWithTimeout(absl::Seconds(10)));
  consumer.join();
  EXPECT_EQ(pool.TakeEmpty(), nullptr);
  EXPECT_FALSE(pool.HandOn(std::make_unique<EventBatch>()));
}

TEST(EventBatchPoolTest, CloseReleasesAWaitingProducer) {
  EventBatchPool pool(1);
  ASSERT_TRUE(pool.HandOn(pool.TakeEmpty()));
  absl::Notification producer_done;
  std::thread producer([&] {
    EXPECT_EQ(pool.TakeEmpty(), nullptr);
    producer_done.Notify();
  });
  EXPECT_FALSE(producer_done.WaitForNotificationWithTimeout(absl::Milliseconds(50)));
  pool.Close();
  EXPECT_TRUE(producer_done.WaitForNotificationWithTimeout(absl::Seconds(10)));
  producer.join();
}

TEST(EventBatchPoolTest, ApproximateBytesCountsKeyElementsAndCapture) {
  engine::rdb::RdbEvent small;
  engine::rdb::RdbEvent big;
  big.header.key = std::string(1000, 'k');
  big.raw_value = std::string(5000, 'r');
  big.chunk.members.assign(10, std::string(100, 'm'));
  EXPECT_GE(ApproximateBytes(big), ApproximateBytes(small) + 1000 + 5000 + 10 * 100);
}

}  // namespace
}  // namespace rms::worker
