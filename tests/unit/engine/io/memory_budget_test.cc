// MemoryBudget and MemoryClaim: claims in 1 MiB steps, refusals with the limit code, release.
#include "services/engine/io/memory_budget.h"

#include "gtest/gtest.h"

namespace rms::engine::io {
namespace {

constexpr size_t kMiB = 1u << 20;

TEST(MemoryBudgetTest, ClaimsRoundUpAndAreReleased) {
  MemoryBudget budget(4 * kMiB);
  {
    MemoryClaim claim(&budget);
    ASSERT_TRUE(claim.Resize(1, "x").ok());
    EXPECT_EQ(budget.used(), kMiB);
    ASSERT_TRUE(claim.Resize(3 * kMiB + 1, "x").ok());
    EXPECT_EQ(budget.used(), 4 * kMiB);
    ASSERT_TRUE(claim.Resize(kMiB, "x").ok());
    EXPECT_EQ(budget.used(), kMiB);
  }
  EXPECT_EQ(budget.used(), 0u);
}

TEST(MemoryBudgetTest, ClaimsShareTheBudgetAndARefusalNamesTheFlag) {
  MemoryBudget budget(4 * kMiB);
  MemoryClaim first(&budget);
  MemoryClaim second(&budget);
  ASSERT_TRUE(first.Resize(3 * kMiB, "first").ok());
  absl::Status refused = second.Resize(2 * kMiB, "the replication stream");
  ASSERT_EQ(refused.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(LimitCode(refused), kWorkerMemoryBudget);
  EXPECT_NE(refused.message().find("--worker-memory-mb"), absl::string_view::npos) << refused;
  EXPECT_EQ(second.held(), 0u);  // unchanged
  EXPECT_EQ(budget.used(), 3 * kMiB);
  ASSERT_TRUE(second.Resize(kMiB, "second").ok());
}

TEST(MemoryBudgetTest, NullBudgetIsUnlimitedAndOtherStatusesHaveNoCode) {
  MemoryClaim claim(nullptr);
  EXPECT_TRUE(claim.Resize(size_t{1} << 40, "x").ok());
  EXPECT_EQ(LimitCode(absl::ResourceExhaustedError("x")), "");
  EXPECT_EQ(LimitCode(LimitError(kCommandTooLarge, "x")), kCommandTooLarge);
}

}  // namespace
}  // namespace rms::engine::io
