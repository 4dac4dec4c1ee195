// Batched reads of keys for comparison, on one side of a verification.
#include "services/verify/key_reader.h"

#include <openssl/sha.h>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "services/common/status_macros.h"
#include "services/verify/value_reader.h"

namespace rms::verify {
namespace {

constexpr int kDigestHexSize = 40;

// The redis_version field of INFO server ("" when absent).
absl::StatusOr<std::string> RedisVersion(RedisSide& side) {
  ASSIGN_OR_RETURN(RespValue info, side.Command({"INFO", "server"}));
  for (absl::string_view line : absl::StrSplit(info.str, '\n')) {
    if (absl::ConsumePrefix(&line, "redis_version:")) {
      return std::string(absl::StripAsciiWhitespace(line));
    }
  }
  return std::string();
}

absl::StatusOr<bool> AllowsDebugDigest(RedisSide& side) {
  ASSIGN_OR_RETURN(Replies replies, side.Pipeline({{"DEBUG", "DIGEST-VALUE"}}));
  return !replies.values.front().IsError();
}

// Fills exists/type/pttl from a pipeline of TYPE k, PTTL k for every key.
std::vector<KeyState> TypesAndExpiries(const Replies& replies, size_t keys) {
  std::vector<KeyState> states(keys);
  for (size_t i = 0; i < keys; ++i) {
    const RespValue& type = replies.values[2 * i];
    const RespValue& pttl = replies.values[2 * i + 1];
    KeyState& state = states[i];
    state.sent = replies.sent;
    state.received = replies.received;
    // PTTL -2: the key went away between the two commands.
    state.exists = !type.IsError() && type.str != "none" && pttl.integer != -2;
    if (!state.exists) continue;
    state.type = type.str;
    state.pttl_ms = pttl.integer < 0 ? -1 : pttl.integer;
  }
  return states;
}

}  // namespace

std::string WithoutExpireMark(absl::string_view hex) {
  if (hex.size() != kDigestHexSize) return std::string(hex);
  static const std::string kMark = [] {
    unsigned char mark[SHA_DIGEST_LENGTH];
    const std::string text = "!!expire!!";
    SHA1(reinterpret_cast<const unsigned char*>(text.data()), text.size(), mark);
    return std::string(reinterpret_cast<char*>(mark), SHA_DIGEST_LENGTH);
  }();
  std::string bytes = absl::HexStringToBytes(hex);
  for (size_t i = 0; i < bytes.size(); ++i) bytes[i] ^= kMark[i];
  return absl::BytesToHexString(bytes);
}

absl::StatusOr<DigestMode> ChooseDigestMode(RedisSide& source, RedisSide& target) {
  ASSIGN_OR_RETURN(bool source_debug, AllowsDebugDigest(source));
  ASSIGN_OR_RETURN(bool target_debug, AllowsDebugDigest(target));
  if (!source_debug || !target_debug) return DigestMode::kChunked;
  ASSIGN_OR_RETURN(std::string source_version, RedisVersion(source));
  ASSIGN_OR_RETURN(std::string target_version, RedisVersion(target));
  const bool same = !source_version.empty() && source_version == target_version;
  return same ? DigestMode::kDebug : DigestMode::kChunked;
}

absl::StatusOr<std::vector<KeyState>> ReadKeys(RedisSide& side,
                                               const std::vector<std::string>& keys,
                                               std::optional<DigestMode> mode) {
  std::vector<Args> commands;
  for (const std::string& key : keys) {
    commands.push_back({"TYPE", key});
    commands.push_back({"PTTL", key});
  }
  if (mode == DigestMode::kDebug && !keys.empty()) {
    Args digest = {"DEBUG", "DIGEST-VALUE"};
    digest.insert(digest.end(), keys.begin(), keys.end());
    commands.push_back(std::move(digest));
  }
  ASSIGN_OR_RETURN(Replies replies, side.Pipeline(commands));
  std::vector<KeyState> states = TypesAndExpiries(replies, keys.size());
  if (!mode) return states;
  if (mode == DigestMode::kDebug && !keys.empty()) {
    const RespValue& digests = replies.values.back();
    if (digests.IsError() || digests.elements.size() != keys.size()) {
      return absl::FailedPreconditionError("DEBUG DIGEST-VALUE failed: " + digests.Describe());
    }
    for (size_t i = 0; i < keys.size(); ++i) {
      const std::string& hex = digests.elements[i].str;
      states[i].digest = states[i].expires() ? WithoutExpireMark(hex) : hex;
    }
    return states;
  }
  std::vector<std::string> types;
  for (const KeyState& state : states) types.push_back(state.type);
  ASSIGN_OR_RETURN(std::vector<std::string> digests, ReadChunkedDigests(side, keys, types));
  for (size_t i = 0; i < keys.size(); ++i) states[i].digest = std::move(digests[i]);
  return states;
}

absl::StatusOr<std::vector<KeyState>> ReadExistence(RedisSide& side,
                                                    const std::vector<std::string>& keys) {
  std::vector<KeyState> states(keys.size());
  if (keys.empty()) return states;
  Args all = {"EXISTS"};
  all.insert(all.end(), keys.begin(), keys.end());
  ASSIGN_OR_RETURN(Replies replies, side.Pipeline({all}));
  const bool every_key = replies.values.front().integer == static_cast<int64_t>(keys.size());
  if (!every_key) {
    std::vector<Args> each;
    for (const std::string& key : keys) each.push_back({"EXISTS", key});
    ASSIGN_OR_RETURN(replies, side.Pipeline(each));
  }
  for (size_t i = 0; i < keys.size(); ++i) {
    states[i].exists = every_key || replies.values[i].integer == 1;
    states[i].sent = replies.sent;
    states[i].received = replies.received;
  }
  return states;
}

std::vector<DbKeys> ParseKeyspace(absl::string_view info) {
  std::vector<DbKeys> dbs;
  // "db0:keys=12,expires=0,avg_ttl=0"
  for (absl::string_view line : absl::StrSplit(info, '\n')) {
    if (!absl::ConsumePrefix(&line, "db")) continue;
    const size_t colon = line.find(':');
    DbKeys entry;
    if (colon == absl::string_view::npos || !absl::SimpleAtoi(line.substr(0, colon), &entry.db)) {
      continue;
    }
    absl::string_view fields = line.substr(colon + 1);
    if (!absl::ConsumePrefix(&fields, "keys=")) continue;
    if (!absl::SimpleAtoi(fields.substr(0, fields.find(',')), &entry.keys)) continue;
    if (entry.keys > 0) dbs.push_back(entry);
  }
  return dbs;
}

absl::StatusOr<std::vector<DbKeys>> ReadKeyspace(RedisSide& side) {
  ASSIGN_OR_RETURN(RespValue info, side.Command({"INFO", "keyspace"}));
  return ParseKeyspace(info.str);
}

}  // namespace rms::verify
