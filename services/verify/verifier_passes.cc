// Verifier passes: every source key (SCAN), every target key the source lacks, and samples.
#include <algorithm>
#include <random>

#include "services/common/status_macros.h"
#include "services/verify/verifier.h"

namespace rms::verify {

absl::Status Verifier::SourcePass(int db, int64_t* remaining) {
  RETURN_IF_ERROR(SelectBoth(db));
  std::string cursor = "0";
  do {
    std::vector<std::string> keys;
    ASSIGN_OR_RETURN(cursor, source_.Scan(cursor, kScanCount, &keys));
    if (remaining == nullptr) {
      RETURN_IF_ERROR(
          ForEachBatch(keys, [&](const Keys& batch) { return CheckBatch(db, batch).status(); }));
      continue;
    }
    DropSeen(db, keys);
    // Keys deleted since the SCAN do not count: check more until enough were there.
    auto next = keys.begin();
    while (next != keys.end() && *remaining > 0) {
      const int64_t take = std::min<int64_t>({*remaining, BatchKeys(), keys.end() - next});
      const auto end = next + take;
      ASSIGN_OR_RETURN(int64_t checked, CheckBatch(db, std::vector<std::string>(next, end)));
      *remaining -= checked;
      next = end;
    }
  } while (cursor != "0" && (remaining == nullptr || *remaining > 0));
  return absl::OkStatus();
}

absl::Status Verifier::ExtraPass(int db) {
  RETURN_IF_ERROR(SelectBoth(db));
  std::string cursor = "0";
  do {
    std::vector<std::string> keys;
    ASSIGN_OR_RETURN(cursor, target_.Scan(cursor, kScanCount, &keys));
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    RETURN_IF_ERROR(ForEachBatch(keys, [&](const Keys& batch) { return CheckExtras(db, batch); }));
  } while (cursor != "0");
  return absl::OkStatus();
}

absl::Status Verifier::CheckExtras(int db, const std::vector<std::string>& keys) {
  ASSIGN_OR_RETURN(std::vector<KeyState> source, ReadExistence(source_, keys));
  std::vector<std::string> absent;
  std::vector<KeyState> absent_source;
  for (size_t i = 0; i < keys.size(); ++i) {
    if (source[i].exists) continue;  // compared by the source pass
    absent.push_back(keys[i]);
    absent_source.push_back(source[i]);
  }
  ASSIGN_OR_RETURN(std::vector<KeyState> target, ReadKeys(target_, absent, std::nullopt));
  for (size_t i = 0; i < absent.size(); ++i) {
    if (auto problem = CompareKey(absent_source[i], target[i], options_.ttl_tolerance)) {
      Found(db, absent[i], *problem);
    }
  }
  return absl::OkStatus();
}

absl::Status Verifier::SamplePass(const std::vector<DbKeys>& dbs, int64_t total) {
  int64_t remaining = options_.sample_keys;
  // Most of the keys wanted: RANDOMKEY would mostly repeat itself, so take the SCAN order.
  if (remaining * 2 > total) {
    for (const DbKeys& db : dbs) {
      if (remaining > 0) RETURN_IF_ERROR(SourcePass(db.db, &remaining));
    }
    return absl::OkStatus();
  }
  return RandomSample(dbs, total);
}

absl::Status Verifier::RandomSample(const std::vector<DbKeys>& dbs, int64_t total) {
  std::mt19937_64 random(std::random_device{}());
  int64_t remaining = options_.sample_keys;
  // Keys that vanish or repeat cost attempts; give up well after what a stable source needs.
  int64_t attempts_left = 20 * remaining + 1000;
  while (remaining > 0 && attempts_left > 0) {
    // A database chosen in proportion to its keys, then random keys of it.
    int64_t pick = static_cast<int64_t>(random() % static_cast<uint64_t>(total));
    size_t index = 0;
    while (pick >= dbs[index].keys) pick -= dbs[index++].keys;
    const int db = dbs[index].db;
    RETURN_IF_ERROR(SelectBoth(db));
    const int64_t wanted = std::min<int64_t>(BatchKeys(), remaining);
    ASSIGN_OR_RETURN(Replies replies, source_.Pipeline(std::vector<Args>(wanted, {"RANDOMKEY"})));
    attempts_left -= wanted;
    std::vector<std::string> keys;
    for (RespValue& reply : replies.values) {
      if (reply.type == RespValue::Type::kBulkString) keys.push_back(std::move(reply.str));
    }
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    DropSeen(db, keys);
    ASSIGN_OR_RETURN(int64_t checked, CheckBatch(db, keys));
    remaining -= checked;
  }
  return absl::OkStatus();
}

}  // namespace rms::verify
