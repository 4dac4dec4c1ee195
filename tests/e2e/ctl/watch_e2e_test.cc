// migrationctl e2e: `watch` follows real full migrations (throttled so that they take several
// seconds) as JSON lines and on a pseudo-terminal, to SUCCESS and exit code 0.
#include <algorithm>
#include <set>

#include "absl/strings/str_split.h"
#include "tests/e2e/ctl/ctl_env.h"

namespace rms::e2e {
namespace {

constexpr char kSourcePassword[] = "ctl-src-4b1d";
constexpr char kTargetPassword[] = "ctl-tgt-93c7";

class WatchE2eTest : public CtlE2eTest {
 protected:
  // Starts the source (with `source_config`) and the target, and fills the source with `keys`
  // values of 1000 bytes.
  void StartServers(std::vector<std::string> source_config, int keys) {
    source_ = StartRedis(kSourcePassword, std::move(source_config));
    target_ = StartRedis(kTargetPassword);
    ASSERT_TRUE(source_ && target_);
    Populate(*source_, keys, 1000);
  }

  std::unique_ptr<test_support::RedisServer> source_;
  std::unique_ptr<test_support::RedisServer> target_;
};

std::vector<Json> JsonLines(const std::string& out) {
  std::vector<Json> lines;
  for (absl::string_view line : absl::StrSplit(out, '\n', absl::SkipEmpty())) {
    lines.push_back(Json::parse(line, nullptr, false));
  }
  return lines;
}

TEST_F(WatchE2eTest, JsonLinesFollowAThrottledFullMigrationToSuccess) {
  // ~25 MB streamed diskless (snapshot size unknown: progress is estimated from the keys), at
  // 2 MB/s: about 12 s.
  ASSERT_NO_FATAL_FAILURE(StartServers({"repl-diskless-sync-delay 0", "rdbcompression no"}, 25000));
  const std::string id = CreateTask("ctl-watch-json");
  ASSERT_FALSE(id.empty());
  // The configure body (with the passwords) comes on stdin.
  Json body{{"migration_method", "full_amount_migration"},
            {"resume_mode", "auto"},
            {"source_instance", {{"addrs", AddrOf(*source_)}, {"password", kSourcePassword}}},
            {"target_instance", {{"addrs", AddrOf(*target_)}, {"password", kTargetPassword}}}};
  CtlOptions configure = Options();
  configure.stdin_text = body.dump();
  CtlRun configured = RunCtl({"configure", id, "--body", "-", "--bandwidth", "2"}, configure);
  ASSERT_EQ(configured.exit_code, 0) << Describe(configured);
  EXPECT_EQ(configured.out.find(kSourcePassword), std::string::npos);

  CtlRun watch =
      RunCtl({"watch", id, "--json", "--interval", "0.5"}, Options({}, absl::Seconds(180)));
  ASSERT_EQ(watch.exit_code, 0) << Describe(watch) << "\nlogs " << Logs(id).dump();
  std::vector<Json> lines = JsonLines(watch.out);
  ASSERT_GE(lines.size(), 4u) << watch.out;
  std::set<double> distinct;
  double last_progress = -1;
  for (const Json& line : lines) {
    ASSERT_TRUE(line.is_object() && line["progress"].is_number()) << watch.out;
    const double progress = line["progress"].get<double>();
    EXPECT_GE(progress, last_progress) << "progress went back:\n" << watch.out;
    last_progress = progress;
    distinct.insert(progress);
    for (const char* field : {"time", "status", "keys", "bytes", "keys_per_s", "lag_bytes",
                              "lag_seconds", "eta_seconds"}) {
      EXPECT_TRUE(line.contains(field)) << field << " missing in " << line.dump();
    }
  }
  EXPECT_GE(distinct.size(), 3u) << "no progress in between:\n" << watch.out;
  EXPECT_EQ(lines.back()["status"], "SUCCESS") << watch.out;
  EXPECT_EQ(lines.back()["progress"], 100);
  EXPECT_EQ(lines.back()["keys"], 25000);
  EXPECT_TRUE(std::any_of(lines.begin(), lines.end(), [](const Json& line) {
    return line["keys_per_s"].is_number() && line["keys_per_s"].get<double>() > 0;
  })) << watch.out;
  EXPECT_TRUE(std::any_of(lines.begin(), lines.end(), [](const Json& line) {
    return line["status"] == "FULLMIGRATING" && line["eta_seconds"].is_number();
  })) << watch.out;
  EXPECT_EQ(*source_->Digest(), *target_->Digest());
}

TEST_F(WatchE2eTest, OnATerminalOneLineIsRedrawnInPlace) {
  // A disk-based snapshot (its size is announced: exact progress), ~6 MB at 1 MB/s.
  ASSERT_NO_FATAL_FAILURE(StartServers({"repl-diskless-sync no", "rdbcompression no"}, 6000));
  const std::string id = CreateTask("ctl-watch-tty");
  ASSERT_FALSE(id.empty());
  CtlRun configured = Ctl(
      {"configure", id, "--source", AddrOf(*source_), "--source-password-env", "SRC_PW", "--target",
       AddrOf(*target_), "--target-password-env", "TGT_PW", "--method", "full", "--bandwidth", "1"},
      {{"SRC_PW", kSourcePassword}, {"TGT_PW", kTargetPassword}});
  ASSERT_EQ(configured.exit_code, 0) << Describe(configured);

  CtlRun watch =
      RunCtlOnTerminal({"watch", id, "--interval", "0.5"}, Options({}, absl::Seconds(120)));
  ASSERT_EQ(watch.exit_code, 0) << Describe(watch);
  const std::string& out = watch.out;
  size_t redraws = 0;
  for (size_t at = out.find("\r\033[2K"); at != std::string::npos;
       at = out.find("\r\033[2K", at + 1)) {
    ++redraws;
  }
  EXPECT_GE(redraws, 3u) << out;
  EXPECT_NE(out.find("FULLMIGRATING"), std::string::npos) << out;
  EXPECT_NE(out.find("SUCCESS       100.00%"), std::string::npos) << out;
  EXPECT_NE(out.find("ETA "), std::string::npos) << out;
  EXPECT_NE(out.find("keys 6000"), std::string::npos) << out;
  // One line redrawn: only the final line ends it (the terminal shows "\n" as "\r\n").
  EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 1) << out;
  EXPECT_EQ(*source_->Digest(), *target_->Digest());
}

}  // namespace
}  // namespace rms::e2e
