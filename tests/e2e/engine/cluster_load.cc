// Data and live writes for the e2e tests of cluster sources.
#include "tests/e2e/engine/cluster_load.h"

#include "absl/strings/str_cat.h"
#include "services/engine/cluster/slot.h"
#include "tests/support/migrationd_process.h"

namespace rms::e2e {

std::vector<std::string> SpreadTags() {
  constexpr int kParts = 24;
  std::vector<std::string> tags;
  for (int part = 0; part < kParts; ++part) {
    // The middle half of each part, so that a layout's boundary never splits it unevenly.
    const int size = engine::cluster::kClusterSlots / kParts;
    tags.push_back(TagInSlots(part * size + size / 4, part * size + 3 * size / 4));
  }
  return tags;
}

std::string TagInSlots(int first, int last) {
  for (int n = 0;; ++n) {
    const std::string tag = absl::StrCat("t", n);
    const int slot = engine::cluster::SlotOf(tag);
    if (slot >= first && slot <= last) return tag;
  }
}

absl::Status FillMixed(ClusterClient& client, int strings) {
  std::vector<RoutedCommand> commands;
  auto add = [&](std::vector<std::string> args) {
    const std::string key = args[0] == "XGROUP" ? args[2] : args[1];
    commands.push_back(RoutedCommand{key, std::move(args)});
  };
  for (int i = 0; i < 300; ++i) {
    const std::string n = absl::StrCat(i);
    const std::string user = absl::StrCat("{user", i % 17, "}");
    add({"HSET", "hash:" + n, "a", n, "b", "x" + n});
    add({"RPUSH", user + ":list:" + n, "1", "2", n});
    add({"SADD", "set:" + n, "m1", "m2", n});
    add({"ZADD", "zset:" + n, "1", "a", "2.5", n});
    add({"SET", user + ":name:" + n, "value-" + n});
    add({"SET", "ttl:" + n, n, "PX", absl::StrCat(600000 + i)});
    add({"XADD", absl::StrCat("stream:", i % 10), "*", "field", n});
  }
  for (int g = 0; g < 10; ++g) add({"XGROUP", "CREATE", absl::StrCat("stream:", g), "group", "0"});
  for (int i = 0; i < 20000; i += 1000) {
    std::vector<std::string> push = {"RPUSH", "big:list"};
    for (int e = i; e < i + 1000; ++e) push.push_back(absl::StrCat("element-", e));
    add(std::move(push));
  }
  const std::string value(90, 'v');
  for (int i = 0; i < strings; ++i) add({"SET", absl::StrCat("key:", i), value});
  return client.Load(commands);
}

ClusterSourceWriter::ClusterSourceWriter(const test_support::RedisCluster& cluster,
                                         std::string password, ClusterLoadOptions options)
    : cluster_(cluster), password_(std::move(password)), options_(std::move(options)) {
  if (options_.tags.empty()) options_.tags = SpreadTags();
}

ClusterSourceWriter::~ClusterSourceWriter() { (void)Stop(); }

absl::Status ClusterSourceWriter::Start() {
  auto client = ClusterClient::Connect(cluster_, password_);
  if (!client.ok()) return client.status();
  client_ = *std::move(client);
  if (options_.multi_key) {
    for (const std::string& tag : options_.tags) {
      const std::string stream = absl::StrCat("{", tag, "}:stream");
      auto created =
          client_->Command(stream, {"XGROUP", "CREATE", stream, "group", "$", "MKSTREAM"});
      if (!created.ok() && created.status().message().find("BUSYGROUP") == std::string::npos) {
        return created.status();
      }
    }
  }
  thread_ = std::thread([this] { Loop(); });
  return absl::OkStatus();
}

absl::Status ClusterSourceWriter::Stop() {
  if (!stop_.HasBeenNotified()) stop_.Notify();
  if (thread_.joinable()) thread_.join();
  return error();
}

absl::Status ClusterSourceWriter::error() const {
  absl::MutexLock lock(&mu_);
  return error_;
}

bool ClusterSourceWriter::WaitForMoreRounds(uint64_t more, absl::Duration timeout) const {
  const uint64_t wanted = rounds() + more;
  return test_support::WaitFor([&] { return rounds() >= wanted || !error().ok(); },
                               absl::Now() + timeout) &&
         error().ok();
}

void ClusterSourceWriter::Loop() {
  for (uint64_t round = 0; !stop_.HasBeenNotified(); ++round) {
    absl::Status status = Round(round);
    retries_ = client_->retries();
    if (!status.ok()) {
      absl::MutexLock lock(&mu_);
      error_ = absl::Status(status.code(), absl::StrCat("round ", round, ": ", status.message()));
      return;
    }
    ++rounds_;
    if (stop_.WaitForNotificationWithTimeout(options_.pause)) return;
  }
}

absl::Status ClusterSourceWriter::Write(const std::string& key,
                                        const std::vector<std::string>& args) {
  auto reply = client_->Command(key, args);
  if (!reply.ok()) return reply.status();
  ++acknowledged_;
  return absl::OkStatus();
}

absl::Status ClusterSourceWriter::Round(uint64_t r) {
  const std::string t = absl::StrCat("{", options_.tags[r % options_.tags.size()], "}");
  const std::string value = absl::StrCat("v", r);
  for (const std::string& key : {t + ":ctr", t + ":ctr2"}) {
    if (absl::Status s = Write(key, {"INCR", key}); !s.ok()) return s;
  }
  if (absl::Status s = Write(t + ":list", {"LPUSH", t + ":list", value}); !s.ok()) return s;
  if (!options_.multi_key) return absl::OkStatus();
  if (absl::Status s = Write(t + ":a", {"MSET", t + ":a", value, t + ":b", value}); !s.ok()) {
    return s;
  }
  if (r % 5 == 0) {
    if (absl::Status s = Write(t + ":b", {"DEL", t + ":b", t + ":c"}); !s.ok()) return s;
  }
  auto exec = client_->Transaction(t, {{"INCR", t + ":txn"},
                                       {"HSET", t + ":txnhash", absl::StrCat("f", r % 7), value},
                                       {"SADD", t + ":txnset", absl::StrCat(r % 30)}});
  if (!exec.ok()) return exec.status();
  ++acknowledged_;
  const std::string stream = t + ":stream";
  return Write(stream, {"XADD", stream, "MAXLEN", "100", "*", "f", value});
}

}  // namespace rms::e2e
