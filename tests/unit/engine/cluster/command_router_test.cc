// Routing of replicated commands to a 3-master cluster: whole to one master, split per key,
// to every master, or refused naming the slots.
#include "services/engine/cluster/command_router.h"

#include <gtest/gtest.h>

#include "tests/unit/engine/cluster/resp_builders.h"

namespace rms::engine::cluster {
namespace {

using resp::RespValue;

SlotMap ThreeMasters() {
  RespValue reply = Arr({Arr({Int(0), Int(5460), Arr({Str("127.0.0.1"), Int(7000)})}),
                         Arr({Int(5461), Int(10922), Arr({Str("127.0.0.1"), Int(7001)})}),
                         Arr({Int(10923), Int(16383), Arr({Str("127.0.0.1"), Int(7002)})})});
  return *SlotMap::FromRanges(*ParseClusterSlots(reply, ""));
}

// A pre-7.0 style table: first key, last key, step.
CommandKeyTable Keys() {
  auto legacy = [](const std::string& name, int first, int last, int step) {
    return Arr({Str(name), Int(-2), Arr({}), Int(first), Int(last), Int(step), Arr({})});
  };
  return *CommandKeyTable::FromCommandReply(
      Arr({legacy("set", 1, 1, 1), legacy("del", 1, -1, 1), legacy("mset", 1, -1, 2),
           legacy("msetnx", 1, -1, 2), legacy("rename", 1, 2, 1), legacy("publish", 0, 0, 0),
           legacy("flushall", 0, 0, 0)}));
}

absl::StatusOr<std::vector<RoutedCommand>> Route(std::vector<absl::string_view> args) {
  static const SlotMap slots = ThreeMasters();
  static const CommandKeyTable keys = Keys();
  return RouteCommand(args, keys, slots);
}

TEST(CommandRouterTest, SingleSlotCommandsGoWholeToTheirMaster) {
  auto routed = Route({"SET", "foo", "v"});  // slot 12182: the third master
  ASSERT_TRUE(routed.ok()) << routed.status();
  ASSERT_EQ(routed->size(), 1u);
  EXPECT_EQ((*routed)[0].master, 2);
  EXPECT_EQ((*routed)[0].args, (std::vector<std::string>{"SET", "foo", "v"}));
  routed = Route({"MSET", "{u}a", "1", "{u}b", "2"});  // one hash tag: one command
  ASSERT_TRUE(routed.ok()) << routed.status();
  EXPECT_EQ(routed->size(), 1u);
}

TEST(CommandRouterTest, SplittableCommandsAreSplitPerKey) {
  auto routed = Route({"DEL", "foo", "bar", "hello"});
  ASSERT_TRUE(routed.ok()) << routed.status();
  ASSERT_EQ(routed->size(), 3u);
  EXPECT_EQ((*routed)[1].args, (std::vector<std::string>{"DEL", "bar"}));
  routed = Route({"MSET", "foo", "1", "bar", "2"});
  ASSERT_TRUE(routed.ok()) << routed.status();
  ASSERT_EQ(routed->size(), 2u);
  EXPECT_EQ((*routed)[0].args, (std::vector<std::string>{"MSET", "foo", "1"}));
  EXPECT_EQ((*routed)[1].args, (std::vector<std::string>{"MSET", "bar", "2"}));
  EXPECT_NE((*routed)[0].master, (*routed)[1].master);  // slots 12182 and 5061
}

TEST(CommandRouterTest, DatasetWideCommandsGoToEveryMaster) {
  auto routed = Route({"FLUSHALL"});
  ASSERT_TRUE(routed.ok()) << routed.status();
  EXPECT_EQ(routed->size(), 3u);
  auto script = RouteByKeys({"SCRIPT", "LOAD", "return 1"}, {}, ThreeMasters());
  ASSERT_TRUE(script.ok()) << script.status();
  EXPECT_EQ(script->size(), 3u);
  auto publish = Route({"PUBLISH", "channel", "m"});
  ASSERT_TRUE(publish.ok()) << publish.status();
  ASSERT_EQ(publish->size(), 1u);
}

TEST(CommandRouterTest, UnsplittableCommandsAcrossSlotsAreRefused) {
  for (std::vector<absl::string_view> args :
       {std::vector<absl::string_view>{"RENAME", "foo", "bar"},
        std::vector<absl::string_view>{"MSETNX", "foo", "1", "bar", "2"}}) {
    auto routed = Route(args);
    ASSERT_EQ(routed.status().code(), absl::StatusCode::kFailedPrecondition) << args[0];
    EXPECT_NE(routed.status().message().find("12182"), std::string::npos) << routed.status();
    EXPECT_NE(routed.status().message().find("hash tag"), std::string::npos) << routed.status();
  }
}

TEST(CommandRouterTest, StreamControlIsNotRouted) {
  for (absl::string_view name : {"PING", "SELECT", "MULTI", "EXEC", "DISCARD"}) {
    EXPECT_EQ(Route({name}).status().code(), absl::StatusCode::kInvalidArgument) << name;
  }
  EXPECT_EQ(Route({"NOSUCH", "k"}).status().code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace rms::engine::cluster
