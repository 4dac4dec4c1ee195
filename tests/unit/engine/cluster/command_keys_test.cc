// Key positions from key specifications: index and keyword beginnings, ranges (with a limit) and
// key counts, the legacy first/last/step, subcommands, and arguments that do not fit.
#include "services/engine/cluster/command_keys.h"

#include <gtest/gtest.h>

#include "tests/unit/engine/cluster/resp_builders.h"

namespace rms::engine::cluster {
namespace {

using resp::RespValue;

RespValue Begin(const std::string& type, RespValue spec) {
  return Arr({Str("type"), Str(type), Str("spec"), std::move(spec)});
}
RespValue Spec(RespValue begin, RespValue find, std::vector<std::string> flags = {"RW"}) {
  std::vector<RespValue> flag_values;
  for (std::string& flag : flags) flag_values.push_back(Str(flag));
  return Arr({Str("flags"), Arr(std::move(flag_values)), Str("begin_search"), std::move(begin),
              Str("find_keys"), std::move(find)});
}
RespValue Range(int lastkey, int keystep, int limit) {
  return Begin("range", Arr({Str("lastkey"), Int(lastkey), Str("keystep"), Int(keystep),
                             Str("limit"), Int(limit)}));
}
RespValue Entry(const std::string& name, std::vector<RespValue> specs,
                std::vector<RespValue> subcommands = {}) {
  return Arr({Str(name), Int(-2), Arr({}), Int(1), Int(1), Int(1), Arr({}), Arr({}),
              Arr(std::move(specs)), Arr(std::move(subcommands))});
}

CommandKeyTable Table() {
  RespValue index1 = Begin("index", Arr({Str("index"), Int(1)}));
  RespValue reply = Arr({
      Entry("get", {Spec(index1, Range(0, 1, 0))}),
      Entry("mset", {Spec(index1, Range(-1, 2, 0))}),
      Entry("xread",
            {Spec(Begin("keyword", Arr({Str("keyword"), Str("STREAMS"), Str("startfrom"), Int(1)})),
                  Range(-1, 1, 2))}),
      Entry("eval", {Spec(Begin("index", Arr({Str("index"), Int(2)})),
                          Begin("keynum", Arr({Str("keynumidx"), Int(0), Str("firstkey"), Int(1),
                                               Str("keystep"), Int(1)})))}),
      Entry("sort", {Spec(index1, Range(0, 1, 0)),
                     Spec(Begin("unknown", Arr({})), Begin("unknown", Arr({})),
                          {"OW", "UPDATE", "INCOMPLETE"})}),
      Entry("xgroup", {},
            {Entry("xgroup|create",
                   {Spec(Begin("index", Arr({Str("index"), Int(2)})), Range(0, 1, 0))})}),
      // A server before 7.0: first key 1, last key -1, step 1, no key specifications.
      Arr({Str("del"), Int(-2), Arr({}), Int(1), Int(-1), Int(1), Arr({})}),
      Arr({Str("ping"), Int(-1), Arr({}), Int(0), Int(0), Int(0), Arr({})}),
  });
  auto table = CommandKeyTable::FromCommandReply(reply);
  EXPECT_TRUE(table.ok()) << table.status();
  return *std::move(table);
}

std::vector<size_t> Keys(const CommandKeyTable& table, std::vector<absl::string_view> args) {
  auto positions = table.KeyPositions(args);
  EXPECT_TRUE(positions.ok()) << positions.status();
  return positions.ok() ? *positions : std::vector<size_t>{};
}

TEST(CommandKeysTest, IndexAndRange) {
  CommandKeyTable table = Table();
  EXPECT_EQ(Keys(table, {"GET", "k"}), (std::vector<size_t>{1}));
  EXPECT_EQ(Keys(table, {"mset", "a", "1", "b", "2"}), (std::vector<size_t>{1, 3}));
  EXPECT_EQ(Keys(table, {"DEL", "a", "b", "c"}), (std::vector<size_t>{1, 2, 3}));
  EXPECT_TRUE(Keys(table, {"PING"}).empty());
}

TEST(CommandKeysTest, KeywordWithALimitTakesHalfTheRest) {
  CommandKeyTable table = Table();
  EXPECT_EQ(Keys(table, {"XREAD", "COUNT", "2", "STREAMS", "a", "b", "0", "0"}),
            (std::vector<size_t>{4, 5}));
}

TEST(CommandKeysTest, KeyCounts) {
  CommandKeyTable table = Table();
  EXPECT_EQ(Keys(table, {"EVAL", "return 1", "2", "k1", "k2", "arg"}), (std::vector<size_t>{3, 4}));
  EXPECT_TRUE(Keys(table, {"EVAL", "return 1", "0", "arg"}).empty());
  EXPECT_EQ(table.KeyPositions({"EVAL", "s", "3", "k1"}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(table.KeyPositions({"EVAL", "s", "x"}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(CommandKeysTest, SubcommandsHaveTheirOwnSpecs) {
  EXPECT_EQ(Keys(Table(), {"XGROUP", "CREATE", "stream", "g", "$"}), (std::vector<size_t>{2}));
}

TEST(CommandKeysTest, IncompleteSpecsAndUnknownCommandsAreLeftToTheServer) {
  CommandKeyTable table = Table();
  EXPECT_EQ(table.KeyPositions({"SORT", "k", "STORE", "d"}).status().code(),
            absl::StatusCode::kUnimplemented);
  EXPECT_EQ(table.KeyPositions({"NOSUCH", "k"}).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(table.KeyPositions({"GET"}).status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace rms::engine::cluster
