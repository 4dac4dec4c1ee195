// ShouldReconnect: which failures an online migration retries by reconnecting.
#include <gtest/gtest.h>

#include "services/worker/failure_code.h"
#include "services/worker/reconnect_policy.h"

namespace rms::worker {
namespace {

constexpr ReconnectState kStreaming{/*manual=*/false, /*synced_once=*/true, /*incremental=*/true};

TEST(ShouldReconnectTest, ALostOrDamagedLinkIsRetried) {
  EXPECT_TRUE(ShouldReconnect(absl::UnavailableError("link lost"), kStreaming));
  EXPECT_TRUE(ShouldReconnect(absl::DeadlineExceededError("no reply"), kStreaming));
  EXPECT_TRUE(ShouldReconnect(absl::DataLossError("bad stream"), kStreaming));
  EXPECT_TRUE(ShouldReconnect(
      WithFailureCode(absl::UnavailableError("link lost"), "REPLICATION_LINK_LOST"), kStreaming));
}

TEST(ShouldReconnectTest, RefusalsAndLimitsAreNotRetried) {
  for (const absl::Status& failure :
       {absl::FailedPreconditionError("WRONGTYPE"), absl::UnauthenticatedError("bad password"),
        absl::ResourceExhaustedError("budget"), absl::InvalidArgumentError("config"),
        absl::AbortedError("lease lost"), absl::InternalError("bug")}) {
    EXPECT_FALSE(ShouldReconnect(failure, kStreaming)) << failure;
  }
}

TEST(ShouldReconnectTest, OnlyAnAutoIncrementalTaskAfterItsFirstSyncReconnects) {
  const absl::Status lost = absl::UnavailableError("link lost");
  EXPECT_FALSE(ShouldReconnect(lost, {/*manual=*/true, true, true}));
  EXPECT_FALSE(ShouldReconnect(lost, {false, /*synced_once=*/false, true}));
  EXPECT_FALSE(ShouldReconnect(lost, {false, true, /*incremental=*/false}));
}

}  // namespace
}  // namespace rms::worker
