// ReplicationSession against a hostile fake source: a command that never ends fails the stream
// with COMMAND_TOO_LARGE (or WORKER_MEMORY_BUDGET) once the bound is reached, with the link's
// buffer claimed from the budget and given back when the session ends.
#include <string>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "services/engine/io/memory_budget.h"
#include "services/engine/replication/replication_session.h"
#include "tests/redis/replication/fake_source.h"

namespace rms::test_redis {
namespace {

using engine::io::LimitCode;
using engine::io::MemoryBudget;
using engine::replication::SessionOptions;

constexpr size_t kMiB = 1u << 20;

// Feeds `bytes` of an argument announced as 512 MiB until the session gives up (at most 64 MiB).
absl::Status ReadEndlessCommand(SessionOptions options, MemoryBudget* budget) {
  options.memory_budget = budget;
  FakeSource fake("+CONTINUE\r\n*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$536870912\r\n");
  auto session = OpenOn(fake, kFakeReplId, 0, options);
  if (!session.ok()) return session.status();
  const std::string chunk(kMiB, 'x');
  for (int sent = 0; sent < 64; ++sent) {
    fake.Send(chunk);
    absl::StatusOr<engine::replication::ReplicatedCommand> command =
        (*session)->NextCommand(absl::Now() + absl::Milliseconds(200));
    if (!absl::IsDeadlineExceeded(command.status())) return command.status();
  }
  return absl::OkStatus();
}

TEST(ReplicationMemoryBoundsTest, EndlessCommandFailsAtTheCommandLimit) {
  SessionOptions options;
  options.max_command_bytes = 8 * kMiB;
  MemoryBudget budget(64 * kMiB);
  absl::Status status = ReadEndlessCommand(options, &budget);
  ASSERT_EQ(status.code(), absl::StatusCode::kResourceExhausted) << status;
  EXPECT_EQ(LimitCode(status), "COMMAND_TOO_LARGE") << status;
  EXPECT_TRUE(absl::StrContains(status.message(), "--max-command-mb")) << status;
  EXPECT_EQ(budget.used(), 0u);  // the session is gone: its buffer was given back
}

TEST(ReplicationMemoryBoundsTest, EndlessCommandFailsAtTheWorkerBudget) {
  SessionOptions options;
  options.max_command_bytes = 512 * kMiB;
  MemoryBudget budget(16 * kMiB);
  absl::Status status = ReadEndlessCommand(options, &budget);
  ASSERT_EQ(status.code(), absl::StatusCode::kResourceExhausted) << status;
  EXPECT_EQ(LimitCode(status), "WORKER_MEMORY_BUDGET") << status;
  EXPECT_TRUE(absl::StrContains(status.message(), "--worker-memory-mb")) << status;
  EXPECT_EQ(budget.used(), 0u);
}

}  // namespace
}  // namespace rms::test_redis
