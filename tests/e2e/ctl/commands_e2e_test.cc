// migrationctl e2e: every command once against a real server (instances, an incremental task
// through its whole life), AK/SK signing, and the exit codes of errors.
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "tests/e2e/ctl/ctl_env.h"

namespace rms::e2e {
namespace {

constexpr char kSourcePassword[] = "ctl-cmd-src-27e9";
constexpr char kTargetPassword[] = "ctl-cmd-tgt-6d04";

class CommandsE2eTest : public CtlE2eTest {
 protected:
  // Runs migrationctl and expects exit code `code`; returns its stdout.
  std::string Expect(int code, const std::vector<std::string>& args,
                     const std::map<std::string, std::string>& extra = {}) {
    CtlRun run = Ctl(args, extra);
    EXPECT_EQ(run.exit_code, code) << absl::StrJoin(args, " ") << "\n" << Describe(run);
    for (const char* secret : {kSourcePassword, kTargetPassword}) {
      EXPECT_EQ((run.out + run.err).find(secret), std::string::npos) << Describe(run);
    }
    return run.out;
  }

  // Registers the source as an instance through migrationctl; returns its id.
  std::string RegisterInstance(const test_support::RedisServer& source) {
    const std::string out = Expect(0,
                                   {"instances", "create", "ctl-src", "--addrs", AddrOf(source),
                                    "--password-env", "SRC_PW", "--json"},
                                   {{"SRC_PW", kSourcePassword}});
    Json instance = Json::parse(out, nullptr, false);
    EXPECT_TRUE(instance.is_object() && instance.value("has_password", false)) << out;
    return instance.is_object() ? instance.value("id", "") : "";
  }
};

TEST_F(CommandsE2eTest, EveryCommandOnceThroughATasksLife) {
  auto source = StartRedis(kSourcePassword);
  auto target = StartRedis(kTargetPassword);
  ASSERT_TRUE(source && target);
  Populate(*source, 500, 100);
  const std::string instance = RegisterInstance(*source);
  ASSERT_FALSE(instance.empty());
  EXPECT_NE(Expect(0, {"instances", "list"}).find(instance), std::string::npos);
  EXPECT_EQ(KeyValue(Expect(0, {"instances", "show", instance}), "has_password"), "true");

  const std::string id = KeyValue(Expect(0, {"create", "ctl-cmd", "--description", "e2e"}), "id");
  ASSERT_FALSE(id.empty());
  EXPECT_EQ(KeyValue(Expect(0,
                            {"configure", id, "--source-id", instance, "--target", AddrOf(*target),
                             "--target-password-env", "TGT_PW", "--method", "incremental",
                             "--resume-mode", "auto"},
                            {{"TGT_PW", kTargetPassword}}),
                     "status"),
            "MIGRATING");
  EXPECT_EQ(KeyValue(Expect(0, {"show", id}), "migration_method"), "incremental_migration");
  EXPECT_NE(Expect(0, {"list", "--name", "ctl-cmd", "--limit", "5"}).find(id), std::string::npos);

  // Until the initial sync is done; then the data is on the target.
  const std::string watched = Expect(0, {"watch", id, "--interval", "0.2"});
  EXPECT_NE(watched.find("initial sync done"), std::string::npos) << watched;
  // (The stats are published about once a second: the progress may still show the last one.)
  EXPECT_EQ(KeyValue(Expect(0, {"stats", id}), "is_migrating"), "true");
  EXPECT_NE(Expect(0, {"logs", id, "--limit", "20"}).find("TIME"), std::string::npos);
  const std::string updated =
      Expect(0, {"update", id, "--bandwidth", "50", "--resume-mode", "manual"});
  EXPECT_EQ(KeyValue(updated, "bandwidth_limit_mb"), "50");
  EXPECT_EQ(KeyValue(updated, "resume_mode"), "manual");
  EXPECT_TRUE(WaitForEqualDigests(*source, *target, absl::Seconds(30)));

  // An active task cannot be deleted; stopped, it can be restarted, stopped and deleted.
  CtlRun refused = Ctl({"delete", id});
  EXPECT_EQ(refused.exit_code, 4) << Describe(refused);
  EXPECT_EQ(refused.err.rfind("DCS.4135: ", 0), 0u) << refused.err;
  EXPECT_EQ(Expect(0, {"stop", id, "--sync"}), id + ": TERMINATED\n");
  EXPECT_EQ(KeyValue(Expect(0, {"show", id}), "status"), "TERMINATED");
  EXPECT_NE(Expect(0, {"restart", id}).find("success"), std::string::npos);
  Expect(0, {"watch", id, "--interval", "0.2"});
  const std::string stopping = Expect(0, {"stop", id});
  EXPECT_TRUE(stopping == id + ": TERMINATING\n" || stopping == id + ": TERMINATED\n") << stopping;
  WaitForStatus(id, {"TERMINATED"}, absl::Seconds(30));
  EXPECT_EQ(Expect(0, {"delete", id}), "deleted " + id + "\n");
  EXPECT_EQ(KeyValue(Expect(0, {"show", id}), "status"), "DELETED");
  EXPECT_EQ(Expect(0, {"instances", "delete", instance}), "deleted " + instance + "\n");
}

TEST_F(CommandsE2eTest, AkSkSignedRequests) {
  const std::map<std::string, std::string> aksk = {
      {"RMS_TOKEN", ""}, {"RMS_ACCESS_KEY", access_key_}, {"MY_SK", secret_key_}};
  const std::string id = CreateTask("ctl-signed_task");
  // A query of two parameters: signed in canonical (sorted) order, sent in another.
  EXPECT_NE(
      Expect(0, {"list", "--name", "signed_task", "--limit", "5", "--secret-key-env", "MY_SK"},
             aksk)
          .find(id),
      std::string::npos);
  EXPECT_EQ(
      KeyValue(Expect(0, {"create", "signed-post", "--secret-key-env", "MY_SK"}, aksk), "status"),
      "RUNNING");
  CtlRun wrong = Ctl(
      {"list"},
      {{"RMS_TOKEN", ""}, {"RMS_ACCESS_KEY", access_key_}, {"RMS_SECRET_KEY", "not-the-secret"}});
  EXPECT_EQ(wrong.exit_code, 4) << Describe(wrong);
  EXPECT_EQ(wrong.err.rfind("DCS.4010: ", 0), 0u) << wrong.err;
}

TEST_F(CommandsE2eTest, ExitCodesOfErrors) {
  CtlRun missing = Ctl({"show", "no-such-task"});
  EXPECT_EQ(missing.exit_code, 4) << Describe(missing);
  EXPECT_EQ(missing.err.rfind("DCS.4133: ", 0), 0u) << missing.err;
  CtlRun missing_watch = Ctl({"watch", "no-such-task", "--json"});
  EXPECT_EQ(missing_watch.exit_code, 4) << Describe(missing_watch);

  const std::string closed = absl::StrCat("http://127.0.0.1:", test_support::FreeLoopbackPort());
  CtlRun unreachable = Ctl({"list", "--endpoint", closed});
  EXPECT_EQ(unreachable.exit_code, 3) << Describe(unreachable);
  EXPECT_NE(unreachable.err.find("cannot reach " + closed), std::string::npos) << unreachable.err;

  EXPECT_EQ(Ctl({"show"}).exit_code, 2);
  EXPECT_EQ(Ctl({"frobnicate"}).exit_code, 2);
  EXPECT_EQ(Ctl({"list", "--endpoint", "ftp://127.0.0.1:8443"}).exit_code, 2);  // not http(s)
  EXPECT_EQ(Ctl({"list"}, {{"RMS_TOKEN", ""}}).exit_code, 2);
  CtlRun bad_token = Ctl({"list"}, {{"RMS_TOKEN", "rms_not-a-token"}});
  EXPECT_EQ(bad_token.exit_code, 4) << Describe(bad_token);
  CtlRun help = Ctl({"--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("exit codes:"), std::string::npos);
}

}  // namespace
}  // namespace rms::e2e
