// ReadTransactionReplies over scripted replies of a cluster master to MULTI <2 commands> EXEC:
// applied, MOVED, ASK followed only when every key left, TRYAGAIN, refusals.
#include "services/engine/cluster_writer/transaction_replies.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace rms::engine::cluster_writer {
namespace {

using Kind = TransactionOutcome::Kind;
using resp::RespValue;

RespValue Simple(std::string text) {
  RespValue out;
  out.type = RespValue::Type::kSimpleString;
  out.str = std::move(text);
  return out;
}

RespValue Error(std::string text) {
  RespValue out;
  out.type = RespValue::Type::kError;
  out.str = std::move(text);
  return out;
}

const RespValue kQueued = Simple("QUEUED");
const RespValue kExecAbort = Error("EXECABORT Transaction discarded because of previous errors.");

TransactionOutcome Read(std::vector<RespValue> queued, RespValue exec) {
  std::vector<RespValue> replies = {Simple("OK")};
  replies.insert(replies.end(), queued.begin(), queued.end());
  replies.push_back(std::move(exec));
  return ReadTransactionReplies(replies, queued.size());
}

TEST(TransactionRepliesTest, AppliedWhenExecRanEverything) {
  TransactionOutcome outcome =
      Read({kQueued, kQueued}, RespValue::Array({RespValue::Integer(1), Simple("OK")}));
  EXPECT_EQ(outcome.kind, Kind::kApplied);
}

TEST(TransactionRepliesTest, MovedAtQueueTimeRedirectsTheWhole) {
  TransactionOutcome outcome =
      Read({Error("MOVED 12 127.0.0.1:7002"), Error("MOVED 12 127.0.0.1:7002")}, kExecAbort);
  ASSERT_EQ(outcome.kind, Kind::kRedirected);
  EXPECT_EQ(outcome.redirect.kind, cluster::Redirect::Kind::kMoved);
  EXPECT_EQ(outcome.redirect.slot, 12);
  EXPECT_EQ(outcome.redirect.node.port, 7002);
}

TEST(TransactionRepliesTest, MovedAtExecRedirectsTheWhole) {
  TransactionOutcome outcome = Read({kQueued, kQueued}, Error("MOVED 12 127.0.0.1:7002"));
  EXPECT_EQ(outcome.kind, Kind::kRedirected);
}

TEST(TransactionRepliesTest, AskIsFollowedWhenEveryKeyLeft) {
  TransactionOutcome outcome =
      Read({Error("ASK 12 127.0.0.1:7002"), Error("ASK 12 127.0.0.1:7002")}, kExecAbort);
  ASSERT_EQ(outcome.kind, Kind::kRedirected);
  EXPECT_EQ(outcome.redirect.kind, cluster::Redirect::Kind::kAsk);
}

TEST(TransactionRepliesTest, AskWithKeysStillHereWaits) {
  TransactionOutcome outcome = Read({kQueued, Error("ASK 12 127.0.0.1:7002")}, kExecAbort);
  EXPECT_EQ(outcome.kind, Kind::kTryAgain);
}

TEST(TransactionRepliesTest, TryAgainWaits) {
  EXPECT_EQ(Read({kQueued, kQueued}, Error("TRYAGAIN Multiple keys request during rehashing of "
                                           "slot"))
                .kind,
            Kind::kTryAgain);
}

TEST(TransactionRepliesTest, AQueueTimeRefusalNamesItsCommand) {
  TransactionOutcome outcome = Read({kQueued, Error("ERR wrong number of arguments")}, kExecAbort);
  ASSERT_EQ(outcome.kind, Kind::kRefused);
  EXPECT_EQ(outcome.command, 1);
  EXPECT_EQ(outcome.message, "ERR wrong number of arguments");
}

TEST(TransactionRepliesTest, ARefusalInsideExecNamesItsCommand) {
  TransactionOutcome outcome = Read(
      {kQueued, kQueued}, RespValue::Array({Error("WRONGTYPE Operation"), RespValue::Integer(1)}));
  ASSERT_EQ(outcome.kind, Kind::kRefused);
  EXPECT_EQ(outcome.command, 0);
}

TEST(TransactionRepliesTest, TooFewRepliesIsARefusal) {
  std::vector<RespValue> replies = {Simple("OK"), kQueued};
  EXPECT_EQ(ReadTransactionReplies(replies, 2).kind, Kind::kRefused);
}

}  // namespace
}  // namespace rms::engine::cluster_writer
