// DbSizeProbe: counts the keys of a Redis node (all databases) for the stats API.
#include "services/worker/dbsize_probe.h"

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "services/worker/probe_call.h"

namespace rms::worker {
namespace {

// Connect, AUTH and reply of one probe, together.
constexpr absl::Duration kProbeTimeout = absl::Seconds(2);

}  // namespace

std::map<int, int64_t> KeysPerDb(absl::string_view info) {
  std::map<int, int64_t> out;
  // "db0:keys=12,expires=0,avg_ttl=0"
  for (absl::string_view line : absl::StrSplit(info, '\n')) {
    if (!absl::ConsumePrefix(&line, "db")) continue;
    const size_t colon = line.find(':');
    const size_t start = line.find("keys=");
    int db = 0;
    if (colon == absl::string_view::npos || start == absl::string_view::npos ||
        !absl::SimpleAtoi(line.substr(0, colon), &db)) {
      continue;
    }
    absl::string_view rest = line.substr(start + 5);
    int64_t keys = 0;
    if (absl::SimpleAtoi(rest.substr(0, rest.find(',')), &keys)) out[db] = keys;
  }
  return out;
}

int64_t KeysInKeyspace(absl::string_view info) {
  int64_t total = 0;
  for (const auto& [db, keys] : KeysPerDb(info)) total += keys;
  return total;
}

DbSizeProbe::DbSizeProbe(std::vector<engine::redis::Endpoint> nodes, absl::Duration interval)
    : nodes_(std::move(nodes)), interval_(interval), clients_(nodes_.size()) {}

int64_t DbSizeProbe::Get(bool force) {
  const absl::Time now = absl::Now();
  if (now < next_ && !force) return last_;
  next_ = now + interval_;
  int64_t total = 0;
  for (size_t i = 0; i < nodes_.size(); ++i) {
    auto reply = ProbeCall(nodes_[i], &clients_[i], {"INFO", "keyspace"}, kProbeTimeout);
    if (!reply.ok()) return last_;
    total += KeysInKeyspace(reply->value.str);
  }
  last_ = total;
  return last_;
}

}  // namespace rms::worker
