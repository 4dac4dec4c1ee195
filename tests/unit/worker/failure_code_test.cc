// Unit tests of the failure code carried on a status's payload.
#include "services/worker/failure_code.h"

#include <gtest/gtest.h>

namespace rms::worker {
namespace {

TEST(FailureCodeTest, TravelsWithTheStatus) {
  absl::Status refused =
      WithFailureCode(absl::FailedPreconditionError("WRONGTYPE on key k"), "TARGET_REJECTED");
  const absl::Status copy = refused;
  EXPECT_EQ(FailureCodeOf(copy), "TARGET_REJECTED");
  EXPECT_EQ(copy.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(copy.message(), "WRONGTYPE on key k");
}

TEST(FailureCodeTest, AStatusWithoutACodeIsAPlainMigrationFailure) {
  EXPECT_EQ(FailureCodeOf(absl::UnavailableError("link lost")), "MIGRATION_FAILED");
}

TEST(FailureCodeTest, TheLastCodeWins) {
  absl::Status status = WithFailureCode(absl::DataLossError("bad crc"), "RDB_CORRUPT");
  status = WithFailureCode(status, "FULL_RESYNC_REFUSED");
  EXPECT_EQ(FailureCodeOf(status), "FULL_RESYNC_REFUSED");
}

TEST(FailureCodeTest, AnOkStatusCarriesNothing) {
  const absl::Status ok = WithFailureCode(absl::OkStatus(), "TARGET_REJECTED");
  EXPECT_TRUE(ok.ok());
  EXPECT_FALSE(ok.GetPayload(kFailureCodePayload).has_value());
}

TEST(FailureCodeTest, KeepsTheEngineLimitCodeBesideIt) {
  absl::Status limit = absl::ResourceExhaustedError("command of 600 MiB");
  limit.SetPayload("rms.limit", absl::Cord("COMMAND_TOO_LARGE"));
  const absl::Status coded = WithFailureCode(limit, "COMMAND_TOO_LARGE");
  EXPECT_EQ(FailureCodeOf(coded), "COMMAND_TOO_LARGE");
  EXPECT_TRUE(coded.GetPayload("rms.limit").has_value());
}

}  // namespace
}  // namespace rms::worker
