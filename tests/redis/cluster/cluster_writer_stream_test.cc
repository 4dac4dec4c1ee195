// ClusterTargetWriter applying replication-stream commands to a real 3-master cluster: single-key
// commands, multi-key commands split across slots, transactions per slot, a command whose keys
// need COMMAND GETKEYS, and a cross-slot command that cannot be split failing clearly.
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "services/engine/cluster/slot.h"
#include "services/engine/cluster_writer/cluster_target_writer.h"
#include "services/engine/io/memory_budget.h"
#include "tests/redis/cluster/cluster_writer_test_support.h"

namespace rms::test_cluster_writer {
namespace {

using engine::cluster_writer::ClusterTargetWriter;

class ClusterWriterStreamTest : public SharedClusterTest {
 protected:
  void SetUp() override {
    SharedClusterTest::SetUp();
    if (HasFatalFailure()) return;
    auto writer = ConnectWriter(*cluster_);
    ASSERT_TRUE(writer.ok()) << writer.status();
    writer_ = *std::move(writer);
  }
  void Apply(std::vector<std::string> command) {
    absl::Status status = writer_->ApplyCommand(command);
    ASSERT_TRUE(status.ok()) << command[0] << ": " << status;
  }
  // GET (or another read) through redis-cli -c, which follows redirections.
  std::string Read(const std::vector<std::string>& command) {
    auto out = cluster_->Cli(command);
    EXPECT_TRUE(out.ok()) << out.status();
    return out.ok() ? *out : "";
  }

  std::unique_ptr<ClusterTargetWriter> writer_;
};

TEST_F(ClusterWriterStreamTest, SingleAndSplitCommandsReachTheirMasters) {
  Apply({"SELECT", "0"});
  Apply({"SET", "s:a", "1"});
  for (int i = 0; i < 10; ++i) Apply({"INCR", "s:counter"});
  Apply({"LPUSH", "s:list", "x", "y", "z"});
  std::vector<std::string> mset = {"MSET"};
  std::vector<std::string> del = {"DEL"};
  for (int i = 0; i < 20; ++i) {
    mset.push_back(absl::StrCat("s:m", i));
    mset.push_back(absl::StrCat("v", i));
    if (i % 2 == 0) del.push_back(absl::StrCat("s:m", i));
  }
  Apply(mset);
  Apply(del);
  Apply({"PING"});
  ASSERT_TRUE(writer_->Flush().ok());

  EXPECT_EQ(Read({"GET", "s:a"}), "1");
  EXPECT_EQ(Read({"GET", "s:counter"}), "10");
  EXPECT_EQ(Read({"LRANGE", "s:list", "0", "-1"}), "z\ny\nx");
  for (int i = 0; i < 20; ++i) {
    EXPECT_EQ(Read({"GET", absl::StrCat("s:m", i)}), i % 2 == 0 ? "" : absl::StrCat("v", i)) << i;
  }
  EXPECT_GT(writer_->stats().writers.commands_applied, 30u);
}

TEST_F(ClusterWriterStreamTest, TransactionsAreAppliedPerSlot) {
  Apply({"MULTI"});
  Apply({"SET", "{t}a", "1"});
  Apply({"INCR", "{t}b"});
  Apply({"LPUSH", "{t}c", "x"});
  Apply({"EXEC"});
  // Keys in three slots: three MULTI..EXEC blocks.
  Apply({"MULTI"});
  Apply({"SET", "{u1}x", "1"});
  Apply({"SET", "{u2}x", "2"});
  Apply({"INCR", "{u1}n"});
  Apply({"DEL", "{u3}x", "{t}a"});  // split per key, each part joins its slot's block
  Apply({"EXEC"});
  ASSERT_TRUE(writer_->Flush().ok());

  EXPECT_EQ(Read({"GET", "{t}b"}), "1");
  EXPECT_EQ(Read({"LRANGE", "{t}c", "0", "-1"}), "x");
  EXPECT_EQ(Read({"EXISTS", "{t}a"}), "0");
  EXPECT_EQ(Read({"GET", "{u1}x"}), "1");
  EXPECT_EQ(Read({"GET", "{u2}x"}), "2");
  EXPECT_EQ(Read({"GET", "{u1}n"}), "1");
  EXPECT_EQ(writer_->stats().transactions, 5u);
}

TEST_F(ClusterWriterStreamTest, ACommandWithoutKeysKeepsItsPlaceInATransaction) {
  Apply({"SET", "{f}before", "1"});
  Apply({"MULTI"});
  Apply({"SET", "{f}a", "1"});
  Apply({"SET", "{g}a", "1"});
  Apply({"FLUSHDB"});  // to every master, after the two SETs and before the next
  Apply({"SET", "{f}b", "2"});
  Apply({"EXEC"});
  ASSERT_TRUE(writer_->Flush().ok());

  EXPECT_EQ(Read({"EXISTS", "{f}before"}), "0");
  EXPECT_EQ(Read({"EXISTS", "{f}a"}), "0");
  EXPECT_EQ(Read({"EXISTS", "{g}a"}), "0");
  EXPECT_EQ(Read({"GET", "{f}b"}), "2");
  EXPECT_EQ(writer_->stats().transactions, 2u + 3u + 1u);
}

TEST_F(ClusterWriterStreamTest, KeysTheServerMustNameAreAskedOf) {
  // SORT ... STORE has a key specification that only the server can follow (COMMAND GETKEYS).
  Apply({"RPUSH", "{srt}in", "3", "1", "2"});
  Apply({"SORT", "{srt}in", "STORE", "{srt}out"});
  ASSERT_TRUE(writer_->Flush().ok());
  EXPECT_EQ(Read({"LRANGE", "{srt}out", "0", "-1"}), "1\n2\n3");
}

TEST_F(ClusterWriterStreamTest, ACrossSlotCommandThatCannotBeSplitFails) {
  ASSERT_NE(engine::cluster::SlotOf("n:a"), engine::cluster::SlotOf("n:b"));
  absl::Status status = writer_->ApplyCommand({"MSETNX", "n:a", "1", "n:b", "2"});
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition) << status;
  EXPECT_TRUE(absl::StrContains(status.message(), "MSETNX has keys in 2 slots")) << status;
  EXPECT_EQ(writer_->Flush().code(), absl::StatusCode::kFailedPrecondition);  // sticky
}

TEST_F(ClusterWriterStreamTest, ATransactionPastItsLimitFails) {
  engine::cluster_writer::ClusterWriterOptions options;
  options.max_transaction_bytes = 100;
  auto writer = ConnectWriter(*cluster_, options);
  ASSERT_TRUE(writer.ok()) << writer.status();
  ASSERT_TRUE((*writer)->ApplyCommand({"MULTI"}).ok());
  ASSERT_TRUE((*writer)->ApplyCommand({"SET", "{lim}a", "small"}).ok());
  absl::Status status = (*writer)->ApplyCommand({"SET", "{lim}b", std::string(200, 'x')});
  EXPECT_EQ(status.code(), absl::StatusCode::kResourceExhausted) << status;
  EXPECT_EQ(engine::io::LimitCode(status), engine::io::kTransactionTooLarge);
}

TEST_F(ClusterWriterStreamTest, ARefusedCommandNamesItsKey) {
  Apply({"SET", "r:str", "x"});
  absl::Status status = writer_->ApplyCommand({"LPUSH", "r:str", "y"});
  if (status.ok()) status = writer_->Flush();
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition) << status;
  EXPECT_TRUE(absl::StrContains(status.message(), "WRONGTYPE")) << status;
  EXPECT_TRUE(absl::StrContains(status.message(), "LPUSH for key 'r:str'")) << status;
}

}  // namespace
}  // namespace rms::test_cluster_writer
