// Unit tests of `watch` against a scripted API: JSON lines, terminal redraws, end states.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_split.h"
#include "services/ctl/exit_codes.h"
#include "tests/unit/ctl/fake_api.h"

namespace rms::ctl {
namespace {

using ::testing::EndsWith;
using testing::Harness;
using ::testing::HasSubstr;

constexpr char kShow[] = "/v2/p/migration-task/t1";
constexpr char kStats[] = "/v2/p/migration-task/t1/stats";

// Scripts one poll: the task's status and its stats.
void Poll(Harness& h, const std::string& status, const std::string& progress, int keys) {
  h.api.Reply("GET", kShow, Json{{"task_id", "t1"}, {"status", status}});
  h.api.Reply("GET", kStats,
              Json{{"full_migration_progress", progress},
                   {"keys_written", std::to_string(keys)},
                   {"snapshot_bytes", std::to_string(keys * 100)},
                   {"lag_bytes", "0"},
                   {"lag_seconds", "0.000"}});
}

std::vector<Json> JsonLines(const std::string& out) {
  std::vector<Json> lines;
  for (absl::string_view line : absl::StrSplit(out, '\n', absl::SkipEmpty())) {
    lines.push_back(Json::parse(line));
  }
  return lines;
}

TEST(WatchCommandTest, JsonLinesUntilSuccess) {
  Harness h;
  Poll(h, "MIGRATING", "0.00", 0);
  Poll(h, "FULLMIGRATING", "10.00", 100);
  Poll(h, "FULLMIGRATING", "60.00", 600);
  Poll(h, "SUCCESS", "100.00", 1000);
  EXPECT_EQ(h.Run({"watch", "t1", "--json", "--interval", "0.5"}), 0);
  std::vector<Json> lines = JsonLines(h.out.str());
  ASSERT_EQ(lines.size(), 4u) << h.out.str();
  EXPECT_EQ(lines[0]["status"], "MIGRATING");
  EXPECT_TRUE(lines[0]["keys_per_s"].is_null());
  EXPECT_DOUBLE_EQ(lines[2]["progress"].get<double>(), 60);
  EXPECT_DOUBLE_EQ(lines[2]["keys_per_s"].get<double>(), 600);   // 600 keys in 1 s
  EXPECT_DOUBLE_EQ(lines[2]["eta_seconds"].get<double>(), 0.4);  // 50 % per 0.5 s, 40 % left
  EXPECT_EQ(lines[2]["bytes"], 60000);
  EXPECT_EQ(lines[3]["status"], "SUCCESS");
  EXPECT_DOUBLE_EQ(lines[3]["eta_seconds"].get<double>(), 0);
  EXPECT_EQ(h.sleeps.size(), 3u);
  EXPECT_EQ(h.err.str(), "");
}

TEST(WatchCommandTest, TerminalRedrawsOneLineAndStopsWhenStreaming) {
  Harness h;
  h.terminal = true;
  Poll(h, "FULLMIGRATING", "50.00", 500);
  Poll(h, "INCRMIGEATING", "100.00", 1000);
  EXPECT_EQ(h.Run({"watch", "t1"}), 0);
  const std::string out = h.out.str();
  EXPECT_EQ(out.rfind("\r\033[2KFULLMIGRATING  50.00%", 0), 0u) << out;
  EXPECT_THAT(out, HasSubstr("\r\033[2KINCRMIGEATING 100.00%  keys 1000 (500/s)"));
  EXPECT_THAT(out, EndsWith("\ninitial sync done; the task keeps streaming changes\n"));
  EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 2);
}

TEST(WatchCommandTest, PlainLinesWhenNotATerminal) {
  Harness h;
  Poll(h, "FULLMIGRATING", "50.00", 500);
  Poll(h, "SUCCESS", "100.00", 1000);
  EXPECT_EQ(h.Run({"watch", "t1"}), 0);
  const std::string out = h.out.str();
  EXPECT_EQ(out.find('\r'), std::string::npos);
  EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 2);
}

TEST(WatchCommandTest, FollowKeepsWatchingWhileStreaming) {
  Harness h;
  Poll(h, "INCRMIGEATING", "100.00", 10);
  Poll(h, "INCRMIGEATING", "100.00", 10);
  Poll(h, "TERMINATED", "100.00", 10);
  EXPECT_EQ(h.Run({"watch", "t1", "--follow", "--json"}), 0);
  std::vector<Json> lines = JsonLines(h.out.str());
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines.back()["status"], "TERMINATED");
}

TEST(WatchCommandTest, FailedTaskExitsOneWithItsError) {
  Harness h;
  Poll(h, "FULLMIGRATING", "5.00", 10);
  h.api.Reply("GET", kShow,
              Json{{"task_id", "t1"},
                   {"status", "MIGRATION_FAILED"},
                   {"error_message", "target refused SET: OOM"}});
  EXPECT_EQ(h.Run({"watch", "t1", "--json"}), 1);
  EXPECT_EQ(JsonLines(h.out.str()).back()["status"], "MIGRATION_FAILED");
  EXPECT_EQ(h.err.str(), "migrationctl: task t1 ended MIGRATION_FAILED: target refused SET: OOM\n");
}

TEST(WatchCommandTest, ErrorsEndTheRedrawnLineFirst) {
  Harness h;
  h.terminal = true;
  Poll(h, "FULLMIGRATING", "5.00", 10);
  h.api.Reply("GET", kShow, ConnectError("cannot reach http://127.0.0.1:1: Connection"));
  EXPECT_EQ(h.Run({"watch", "t1"}), 3);
  EXPECT_THAT(h.out.str(), EndsWith("\n"));
  Harness missing;
  missing.api.Reply("GET", kShow, ApiError(404, "DCS.4133", "task t1 not found"));
  EXPECT_EQ(missing.Run({"watch", "t1"}), 4);
  EXPECT_EQ(missing.err.str(), "DCS.4133: task t1 not found\n");
}

TEST(WatchCommandTest, BadInterval) {
  Harness h;
  EXPECT_EQ(h.Run({"watch", "t1", "--interval", "0"}), 2);
}

}  // namespace
}  // namespace rms::ctl
