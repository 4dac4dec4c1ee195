// Unit tests of the task status model: DCS spellings round-trip, and the transition table.
#include "services/task_model/task_status.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace rms::task_model {
namespace {

using S = TaskStatus;

TEST(TaskStatusTest, EveryStatusRoundTripsThroughItsDcsSpelling) {
  std::set<std::string> names;
  for (TaskStatus status : kAllTaskStatuses) {
    absl::StatusOr<TaskStatus> parsed = ParseTaskStatus(ToDcsString(status));
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    EXPECT_EQ(*parsed, status);
    names.insert(std::string(ToDcsString(status)));
  }
  EXPECT_EQ(names.size(), std::size(kAllTaskStatuses));
}

TEST(TaskStatusTest, KeepsTheDcsSpellingOfTheStreamingStatus) {
  EXPECT_EQ(ToDcsString(S::kIncrMigrating), "INCRMIGEATING");
  EXPECT_EQ(ToDcsString(S::kMigrationFailed), "MIGRATION_FAILED");
}

TEST(TaskStatusTest, UnknownSpellingsAreRefused) {
  for (const char* text : {"", "INCRMIGRATING", "migrating", "MIGRATING ", "STOPPED"}) {
    absl::StatusOr<TaskStatus> parsed = ParseTaskStatus(text);
    EXPECT_TRUE(absl::IsInvalidArgument(parsed.status())) << text;
  }
}

TEST(TaskStatusTest, AllowsTheLifecycleOfTheArchitectureDocument) {
  const std::pair<S, S> allowed[] = {{S::kRunning, S::kMigrating},
                                     {S::kMigrating, S::kFullMigrating},
                                     {S::kMigrating, S::kIncrMigrating},
                                     {S::kFullMigrating, S::kIncrMigrating},
                                     {S::kIncrMigrating, S::kFullMigrating},
                                     {S::kFullMigrating, S::kSuccess},
                                     {S::kIncrMigrating, S::kMigrationFailed},
                                     {S::kIncrMigrating, S::kTerminating},
                                     {S::kMigrating, S::kTerminated},
                                     {S::kTerminating, S::kTerminated},
                                     {S::kMigrationFailed, S::kTerminated},
                                     {S::kTerminated, S::kMigrating},
                                     {S::kMigrationFailed, S::kMigrating},
                                     {S::kSuccess, S::kMigrating},
                                     {S::kTerminated, S::kDeleted},
                                     {S::kRunning, S::kDeleted}};
  for (const auto& [from, to] : allowed) {
    EXPECT_TRUE(CheckTransition(from, to).ok()) << from << " -> " << to;
  }
}

TEST(TaskStatusTest, StopWinsOverWorkerProgress) {
  for (S from : {S::kTerminating, S::kTerminated}) {
    for (S to : {S::kFullMigrating, S::kIncrMigrating, S::kSuccess, S::kMigrationFailed}) {
      absl::Status checked = CheckTransition(from, to);
      EXPECT_TRUE(absl::IsFailedPrecondition(checked)) << from << " -> " << to;
      EXPECT_FALSE(CanTransition(from, to));
    }
  }
}

TEST(TaskStatusTest, RefusesEdgesOutsideTheLifecycle) {
  const std::pair<S, S> refused[] = {
      {S::kIncrMigrating, S::kSuccess},  // streaming runs until stopped
      {S::kIncrMigrating, S::kDeleted},  // never delete a task a worker holds
      {S::kMigrating, S::kRunning},     {S::kDeleted, S::kMigrating},
      {S::kSuccess, S::kIncrMigrating}, {S::kRunning, S::kFullMigrating},
      {S::kTerminated, S::kTerminating}};
  for (const auto& [from, to] : refused) {
    EXPECT_FALSE(CanTransition(from, to)) << from << " -> " << to;
  }
}

TEST(TaskStatusTest, StayingPutIsNotATransition) {
  for (TaskStatus status : kAllTaskStatuses) EXPECT_FALSE(CanTransition(status, status)) << status;
}

TEST(TaskStatusTest, NamesBothEndsOfARefusal) {
  absl::Status refused = CheckTransition(S::kTerminated, S::kIncrMigrating);
  EXPECT_EQ(refused.message(), "a task cannot go from TERMINATED to INCRMIGEATING");
}

TEST(TaskStatusTest, ActiveStatusesAreTheOnesAWorkerHolds) {
  std::set<S> active;
  for (TaskStatus status : kAllTaskStatuses) {
    if (IsActive(status)) active.insert(status);
  }
  EXPECT_EQ(active,
            (std::set<S>{S::kMigrating, S::kFullMigrating, S::kIncrMigrating, S::kTerminating}));
  EXPECT_TRUE(IsCopying(S::kIncrMigrating));
  EXPECT_FALSE(IsCopying(S::kMigrating));
}

}  // namespace
}  // namespace rms::task_model
