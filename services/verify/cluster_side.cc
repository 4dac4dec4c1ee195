// ClusterSide: a verification's reads routed to the master owning each key.
#include "services/verify/cluster_side.h"

#include <map>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "services/common/status_macros.h"
#include "services/engine/topology/topology.h"

namespace rms::verify {
namespace {

using engine::resp::RespValue;

// Where one part of a command goes and which of the command's keys it carries.
struct Part {
  size_t command = 0;        // index in the caller's commands
  std::vector<size_t> keys;  // indexes of the command's keys carried (multi-key commands)
  ClusterSide::Args args;
};

bool IsMultiKey(const ClusterSide::Args& args, size_t* first_key) {
  const std::string name = absl::AsciiStrToUpper(args[0]);
  if (name == "EXISTS" && args.size() > 2) {
    *first_key = 1;
    return true;
  }
  if (name == "DEBUG" && args.size() > 2 && absl::EqualsIgnoreCase(args[1], "DIGEST-VALUE")) {
    *first_key = 2;
    return true;
  }
  return false;
}

bool HasNoKey(const ClusterSide::Args& args) {
  static const char* const kKeyless[] = {"INFO",      "SELECT", "PING", "DBSIZE",
                                         "RANDOMKEY", "SCAN",   "DEBUG"};
  for (const char* name : kKeyless) {
    if (absl::EqualsIgnoreCase(args[0], name)) return true;
  }
  return args.size() < 2;
}

// "db0:keys=3,..." lines of several INFO keyspace replies, summed per db.
std::string SumKeyspaces(const std::vector<const RespValue*>& replies) {
  std::map<int, int64_t> keys;
  for (const RespValue* reply : replies) {
    for (absl::string_view line : absl::StrSplit(reply->str, '\n')) {
      int db = 0;
      int64_t count = 0;
      absl::string_view rest = line;
      if (!absl::ConsumePrefix(&rest, "db")) continue;
      const size_t colon = rest.find(":keys=");
      if (colon == absl::string_view::npos || !absl::SimpleAtoi(rest.substr(0, colon), &db)) {
        continue;
      }
      absl::string_view value = rest.substr(colon + 6);
      if (absl::SimpleAtoi(value.substr(0, value.find(',')), &count)) keys[db] += count;
    }
  }
  std::string out = "# Keyspace\r\n";
  for (const auto& [db, count] : keys) absl::StrAppend(&out, "db", db, ":keys=", count, "\r\n");
  return out;
}

}  // namespace

absl::StatusOr<std::unique_ptr<ClusterSide>> ClusterSide::Connect(
    const std::vector<engine::redis::Endpoint>& nodes) {
  ASSIGN_OR_RETURN(engine::topology::Topology topology, engine::topology::DiscoverTopology(nodes));
  if (!topology.cluster) {
    return absl::FailedPreconditionError(
        absl::StrCat(topology.answered.Describe(), " is a standalone server, not a cluster node"));
  }
  std::unique_ptr<ClusterSide> out(new ClusterSide());
  out->slots_ = *std::move(topology.slots);
  for (const engine::cluster::ClusterNode& master : out->slots_.masters()) {
    ASSIGN_OR_RETURN(
        std::unique_ptr<engine::redis::RedisClient> client,
        engine::redis::RedisClient::Connect(engine::topology::NodeEndpoint(nodes.front(), master)));
    out->masters_.push_back(std::move(client));
  }
  return out;
}

absl::StatusOr<std::vector<RespValue>> ClusterSide::Pipeline(const std::vector<Args>& commands) {
  std::vector<std::vector<Part>> parts(masters_.size());
  std::vector<RespValue> out(commands.size());
  for (size_t i = 0; i < commands.size(); ++i) {
    const Args& args = commands[i];
    size_t first_key = 0;
    if (IsMultiKey(args, &first_key)) {
      std::map<int, Part> by_master;
      for (size_t k = first_key; k < args.size(); ++k) {
        Part& part = by_master[slots_.MasterOfKey(args[k])];
        if (part.args.empty()) {
          part.command = i;
          part.args.assign(args.begin(), args.begin() + first_key);
        }
        part.keys.push_back(k - first_key);
        part.args.push_back(args[k]);
      }
      for (auto& [master, part] : by_master) parts[master].push_back(std::move(part));
      continue;
    }
    const bool everywhere = absl::EqualsIgnoreCase(args[0], "SELECT") ||
                            (absl::EqualsIgnoreCase(args[0], "INFO") && args.size() == 2 &&
                             absl::EqualsIgnoreCase(args[1], "keyspace"));
    if (everywhere) {
      for (std::vector<Part>& mine : parts) mine.push_back(Part{i, {}, args});
      continue;
    }
    const int master = HasNoKey(args) ? 0 : slots_.MasterOfKey(args[1]);
    parts[master].push_back(Part{i, {}, args});
  }
  // One pipeline per master; then the replies are put back in the commands' order.
  std::vector<std::vector<const RespValue*>> gathered(commands.size());
  std::vector<std::vector<RespValue>> replies(masters_.size());
  for (size_t m = 0; m < masters_.size(); ++m) {
    if (parts[m].empty()) continue;
    std::string encoded;
    for (const Part& part : parts[m]) engine::resp::AppendCommandStrings(encoded, part.args);
    ASSIGN_OR_RETURN(replies[m], masters_[m]->Pipeline(encoded, parts[m].size()));
  }
  for (size_t m = 0; m < masters_.size(); ++m) {
    for (size_t p = 0; p < parts[m].size(); ++p) {
      const Part& part = parts[m][p];
      RespValue& reply = replies[m][p];
      size_t first_key = 0;
      if (!IsMultiKey(commands[part.command], &first_key) || reply.IsError()) {
        gathered[part.command].push_back(&reply);
        continue;
      }
      RespValue& merged = out[part.command];
      if (absl::EqualsIgnoreCase(commands[part.command][0], "EXISTS")) {
        merged.type = RespValue::Type::kInteger;
        merged.integer += reply.integer;
        continue;
      }
      merged.type = RespValue::Type::kArray;
      merged.elements.resize(commands[part.command].size() - first_key);
      for (size_t k = 0; k < part.keys.size() && k < reply.elements.size(); ++k) {
        merged.elements[part.keys[k]] = std::move(reply.elements[k]);
      }
    }
  }
  for (size_t i = 0; i < commands.size(); ++i) {
    const std::vector<const RespValue*>& mine = gathered[i];
    if (mine.empty()) continue;  // merged above
    const bool keyspace = mine.size() > 1 && absl::EqualsIgnoreCase(commands[i][0], "INFO");
    const RespValue* error = nullptr;
    for (const RespValue* reply : mine) {
      if (reply->IsError() && error == nullptr) error = reply;
    }
    if (error != nullptr) {
      out[i] = *error;
    } else if (keyspace) {
      out[i].type = RespValue::Type::kBulkString;
      out[i].str = SumKeyspaces(mine);
    } else {
      out[i] = *mine.front();
    }
  }
  return out;
}

absl::StatusOr<std::string> ClusterSide::Scan(const std::string& cursor, int count,
                                              std::vector<std::string>* keys) {
  size_t master = 0;
  std::string inner = "0";
  if (cursor != "0") {
    const size_t colon = cursor.find(':');
    if (colon == std::string::npos || !absl::SimpleAtoi(cursor.substr(0, colon), &master) ||
        master >= masters_.size()) {
      return absl::InvalidArgumentError(absl::StrCat("bad cluster SCAN cursor '", cursor, "'"));
    }
    inner = cursor.substr(colon + 1);
  }
  ASSIGN_OR_RETURN(RespValue reply,
                   masters_[master]->Command({"SCAN", inner, "COUNT", absl::StrCat(count)}));
  if (reply.elements.size() != 2) {
    return absl::FailedPreconditionError(absl::StrCat("unexpected SCAN reply: ", reply.Describe()));
  }
  for (RespValue& key : reply.elements[1].elements) keys->push_back(std::move(key.str));
  const std::string& next = reply.elements[0].str;
  if (next != "0") return absl::StrCat(master, ":", next);
  if (master + 1 < masters_.size()) return absl::StrCat(master + 1, ":0");
  return std::string("0");
}

void ClusterSide::Cancel() {
  for (const auto& master : masters_) master->Cancel();
}

std::string ClusterSide::Describe() const {
  std::vector<std::string> addresses;
  for (const auto& master : masters_) addresses.push_back(master->endpoint().Describe());
  return absl::StrCat("the cluster of ", absl::StrJoin(addresses, ","));
}

}  // namespace rms::verify
