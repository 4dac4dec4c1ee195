// Shared parts of the online engine e2e tests.
#include "tests/e2e/engine/online_env.h"

#include <iostream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "tests/support/sanitized_build.h"

namespace rms::e2e {

test_support::RedisServerOptions ServerOptions(std::string password,
                                               std::vector<std::string> extra_config) {
  test_support::RedisServerOptions options;
  options.password = std::move(password);
  options.extra_config = std::move(extra_config);
  return options;
}

engine::redis::Endpoint EndpointOf(const test_support::RedisServer& server) {
  engine::redis::Endpoint endpoint;
  endpoint.host = "127.0.0.1";
  endpoint.port = server.port();
  endpoint.password = server.password();
  return endpoint;
}

int64_t ReplicationInfo(const test_support::RedisServer& server, const std::string& field) {
  absl::StatusOr<std::string> info = server.Cli({"INFO", "replication"});
  if (!info.ok()) return -1;
  for (absl::string_view line : absl::StrSplit(*info, '\n')) {
    line = absl::StripSuffix(line, "\r");
    if (!absl::ConsumePrefix(&line, field + ":")) continue;
    int64_t value = 0;
    return absl::SimpleAtoi(line, &value) ? value : -1;
  }
  return -1;
}

SourceWriter::SourceWriter(const test_support::RedisServer& source, SourceWriterOptions options)
    : endpoint_(EndpointOf(source)), options_(options) {}

SourceWriter::~SourceWriter() { (void)Stop(); }

absl::Status SourceWriter::Start() {
  auto client = engine::redis::RedisClient::Connect(endpoint_);
  if (!client.ok()) return client.status();
  client_ = *std::move(client);
  thread_ = std::thread([this] { Loop(); });
  return absl::OkStatus();
}

absl::Status SourceWriter::Stop() {
  if (!stop_.HasBeenNotified()) stop_.Notify();
  if (thread_.joinable()) thread_.join();
  return error();
}

absl::Status SourceWriter::error() const {
  absl::MutexLock lock(&mu_);
  return error_;
}

bool SourceWriter::WaitForMoreRounds(uint64_t more, absl::Duration timeout) const {
  const uint64_t wanted = rounds() + more;
  return test_support::WaitFor([&] { return rounds() >= wanted || !error().ok(); },
                               absl::Now() + timeout) &&
         error().ok();
}

void SourceWriter::Loop() {
  for (uint64_t round = 0; !stop_.HasBeenNotified(); ++round) {
    absl::Status status = Round(round);
    if (!status.ok()) {
      absl::MutexLock lock(&mu_);
      error_ = absl::Status(status.code(), absl::StrCat("round ", round, ": ", status.message()));
      return;
    }
    ++rounds_;
    // Pacing, not synchronisation: keeps the write rate modest.
    if (stop_.WaitForNotificationWithTimeout(options_.pause)) return;
  }
}

absl::Status SourceWriter::Round(uint64_t r) {
  const std::string n = absl::StrCat(r);
  if (options_.workload == Workload::kIdempotent) {
    const std::string k = absl::StrCat(r % 200);
    return SendAll(
        {{"SET", "s:" + k, absl::StrCat("v", r % 7)},
         {"HSET", absl::StrCat("h:", r % 50), absl::StrCat("f", r % 10), absl::StrCat("x", r % 5)},
         {"SADD", absl::StrCat("set:", r % 50), absl::StrCat("m", r % 40)},
         {"ZADD", absl::StrCat("z:", r % 50), absl::StrCat(r % 10), absl::StrCat("m", r % 25)},
         {"DEL", absl::StrCat("s:", (r + 100) % 200)}});
  }
  if (options_.use_db3) {
    if (absl::Status s = SendAll({{"SELECT", r % 2 == 0 ? "0" : "3"}}); !s.ok()) return s;
  }
  const std::string k = absl::StrCat(r % 200);
  const std::string list = absl::StrCat("list:", r % 20);
  const std::string hash = absl::StrCat("hash:", r % 50);
  const std::string set = absl::StrCat("set:", r % 50);
  const std::string zset = absl::StrCat("zset:", r % 50);
  const std::string stream = absl::StrCat("stream:", r % 5);
  const std::string field = absl::StrCat("f", r % 10);
  const std::string member = absl::StrCat("m", r % 40);
  const std::string score = absl::StrCat(r % 100);
  const std::string value = absl::StrCat("v", r);
  return SendAll({{"INCR", "ctr:" + k},
                  {"LPUSH", list, value},
                  {"LTRIM", list, "0", "49"},
                  {"EXPIRE", list, "1000"},
                  {"HSET", hash, field, value},
                  {"SADD", set, member},
                  {"ZADD", zset, score, member},
                  {"XADD", stream, "MAXLEN", "50", "*", "f", value},
                  {"SETEX", "str:" + k, "1000", value},
                  {"DEL", absl::StrCat("ctr:", (r + 100) % 200)},
                  {"MULTI"},
                  {"INCR", "txn:counter"},
                  {"HSET", "txn:hash", absl::StrCat("f", r % 7), n},
                  {"SADD", "txn:set", absl::StrCat(r % 30)},
                  {"EXEC"}});
}

absl::Status SourceWriter::SendAll(const std::vector<std::vector<std::string>>& commands) {
  for (const std::vector<std::string>& args : commands) {
    auto reply = client_->Command(absl::MakeConstSpan(args));
    if (!reply.ok()) return reply.status();
    ++commands_;
  }
  return absl::OkStatus();
}

std::vector<std::string> OnlineE2eTest::LogCodes(const std::string& task_id) {
  std::vector<std::string> codes;
  auto reply = rest_->Send("GET", P("/migration-task/" + task_id + "/logs?limit=1000"));
  if (reply.status != 200 || !reply.json.contains("migration_logs")) return codes;
  for (const Json& entry : reply.json["migration_logs"]) {
    codes.push_back(entry.value("log_code", ""));
  }
  return codes;
}

int OnlineE2eTest::CountLogs(const std::string& task_id, const std::string& code) {
  int count = 0;
  for (const std::string& seen : LogCodes(task_id)) count += seen == code ? 1 : 0;
  return count;
}

int64_t OnlineE2eTest::StatInt(const Json& stats, const std::string& field) {
  if (!stats.is_object() || !stats.contains(field)) return -1;
  const Json& value = stats[field];
  if (value.is_number_integer()) return value.get<int64_t>();
  int64_t out = 0;
  if (value.is_string() && absl::SimpleAtoi(value.get<std::string>(), &out)) return out;
  return -1;
}

double OnlineE2eTest::StatDouble(const Json& stats, const std::string& field) {
  if (!stats.is_object() || !stats.contains(field)) return -1;
  const Json& value = stats[field];
  if (value.is_number()) return value.get<double>();
  double out = 0;
  if (value.is_string() && absl::SimpleAtod(value.get<std::string>(), &out)) return out;
  return -1;
}

std::string OnlineE2eTest::WaitForCaughtUp(const std::string& task_id,
                                           const test_support::RedisServer& source,
                                           const test_support::RedisServer& target,
                                           absl::Duration timeout) {
  const int64_t source_offset = ReplicationInfo(source, "master_repl_offset");
  if (source_offset < 0) return "cannot read the source's master_repl_offset";
  Json stats;
  std::string digests;
  const bool ok = test_support::WaitFor(
      [&] {
        stats = Stats(task_id);
        if (StatInt(stats, "offset") < source_offset || StatInt(stats, "lag_bytes") != 0) {
          return false;
        }
        auto a = source.Digest();
        auto b = target.Digest();
        digests = absl::StrCat(a.ok() ? *a : "?", " vs ", b.ok() ? *b : "?");
        return a.ok() && b.ok() && *a == *b;
      },
      absl::Now() + timeout);
  if (ok) return "";
  return absl::StrCat("not caught up after ", absl::FormatDuration(timeout),
                      ": source master_repl_offset ", source_offset, ", stats ", stats.dump(),
                      ", digests ", digests.empty() ? "(not compared)" : digests,
                      ", source dbsize db0/db3 ", source.Cli({"DBSIZE"}).value_or("?"), "/",
                      source.Cli({"-n", "3", "DBSIZE"}).value_or("?"), ", target ",
                      target.Cli({"DBSIZE"}).value_or("?"), "/",
                      target.Cli({"-n", "3", "DBSIZE"}).value_or("?"));
}

void OnlineE2eTest::Populate(const test_support::RedisServer& server, int keys, int value_bytes) {
  std::vector<std::string> args = {"DEBUG", "POPULATE", absl::StrCat(keys), "key"};
  if (value_bytes > 0) args.push_back(absl::StrCat(value_bytes));
  auto reply = server.Cli(args);
  ASSERT_TRUE(reply.ok()) << reply.status();
  ASSERT_EQ(*reply, "OK");
}

std::unique_ptr<test_support::MigrationdProcess> OnlineE2eTest::StartExtraWorker(
    const std::string& name, const std::string& database_url) {
  auto dir = test_support::TempDir::Create(name);
  if (!dir.ok()) {
    ADD_FAILURE() << dir.status();
    return nullptr;
  }
  test_support::MigrationdOptions options;
  options.data_dir = (*dir)->path();
  options.database_url = database_url;
  options.extra_flags = {"--workers", "1", "--key-file", dir_->path() + "/secret.key"};
  extra_dirs_.push_back(*std::move(dir));
  auto started = test_support::MigrationdProcess::Start(options);
  EXPECT_TRUE(started.ok()) << started.status();
  return started.ok() ? *std::move(started) : nullptr;
}

std::optional<OnlineE2eTest::LeaseMove> OnlineE2eTest::WaitForLeaseMove(
    test_support::MigrationdProcess& first, test_support::MigrationdProcess& second,
    const std::string& id, absl::Time frozen_at) {
  const std::string lost = absl::StrCat("lost the lease of task ", id);
  if (!test_support::WaitFor([&] { return first.ReadLog().find(lost) != std::string::npos; },
                             absl::Now() + test_support::SanitizerScaled(absl::Seconds(30)))) {
    ADD_FAILURE() << "no lost lease logged\n" << first.ReadLog();
    return std::nullopt;
  }
  LeaseMove out;
  out.stopped_after = absl::Now() - frozen_at;
  const std::string claimed = absl::StrCat("task ", id, ": claimed");
  if (!test_support::WaitFor([&] { return second.ReadLog().find(claimed) != std::string::npos; },
                             absl::Now() + test_support::SanitizerScaled(absl::Seconds(40)))) {
    ADD_FAILURE() << "no claim logged\n" << second.ReadLog();
    return std::nullopt;
  }
  out.claimed_after = absl::Now() - frozen_at;
  std::cout << "cut-off worker stopped after " << absl::FormatDuration(out.stopped_after)
            << ", takeover after " << absl::FormatDuration(out.claimed_after) << "\n";
  return out;
}

std::string OnlineE2eTest::WithPort(const std::string& url, int port) {
  const size_t host = url.find("127.0.0.1:");
  const size_t slash = url.find('/', host);
  return absl::StrCat(url.substr(0, host), "127.0.0.1:", port, url.substr(slash));
}

int OnlineE2eTest::PortOf(const std::string& url) {
  const size_t host = url.find("127.0.0.1:") + 10;
  int port = 0;
  (void)absl::SimpleAtoi(url.substr(host, url.find('/', host) - host), &port);
  return port;
}

int OnlineE2eTest::Appliers(const test_support::RedisServer& server, const std::string& task_id,
                            int epoch) {
  auto list = server.Cli({"CLIENT", "LIST"});
  if (!list.ok()) return -1;
  const std::string name = absl::StrCat("name=rms:", task_id, ":", epoch, " ");
  int count = 0;
  for (size_t at = list->find(name); at != std::string::npos; at = list->find(name, at + 1)) {
    ++count;
  }
  return count;
}

}  // namespace rms::e2e
