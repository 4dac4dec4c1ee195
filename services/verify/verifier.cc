// Verifier: the order of the passes, the batch comparison and where differences go.
#include "services/verify/verifier.h"

#include <algorithm>

#include "absl/hash/hash.h"
#include "services/common/status_macros.h"
#include "services/verify/key_compare.h"

namespace rms::verify {

Verifier::Verifier(engine::redis::RedisClient& source, engine::redis::RedisClient& target,
                   VerifierOptions options, VerifierHooks hooks)
    : Verifier(source, &target, nullptr, std::move(options), std::move(hooks)) {}

Verifier::Verifier(engine::redis::RedisClient& source, ClusterSide& target, VerifierOptions options,
                   VerifierHooks hooks)
    : Verifier(source, nullptr, &target, std::move(options), std::move(hooks)) {}

Verifier::Verifier(engine::redis::RedisClient& source, engine::redis::RedisClient* target,
                   ClusterSide* cluster, VerifierOptions options, VerifierHooks hooks)
    : options_(std::move(options)),
      hooks_(std::move(hooks)),
      limiter_(
          options_.max_source_ops, MaxPipeline(options_.max_source_ops), [] { return absl::Now(); },
          hooks_.sleep),
      source_(source, &limiter_),
      target_(cluster != nullptr ? RedisSide(*cluster, nullptr) : RedisSide(*target, nullptr)) {}

absl::Status Verifier::Run() {
  if (options_.digest_mode) {
    mode_ = *options_.digest_mode;
  } else {
    ASSIGN_OR_RETURN(mode_, ChooseDigestMode(source_, target_));
  }
  ASSIGN_OR_RETURN(std::vector<DbKeys> dbs, ReadKeyspace(source_));
  if (options_.sample) {
    int64_t total = 0;
    for (const DbKeys& db : dbs) total += db.keys;
    RETURN_IF_ERROR(SamplePass(dbs, total));
  } else {
    for (const DbKeys& db : dbs) RETURN_IF_ERROR(SourcePass(db.db, nullptr));
    ASSIGN_OR_RETURN(std::vector<DbKeys> target_dbs, ReadKeyspace(target_));
    for (const DbKeys& db : target_dbs) RETURN_IF_ERROR(ExtraPass(db.db));
  }
  return Recheck();
}

Report Verifier::Progress() const {
  absl::MutexLock lock(&mu_);
  return report_;
}

int Verifier::BatchKeys(double max_source_ops) {
  return static_cast<int>(std::clamp(max_source_ops / 40, 1.0, 100.0));
}

int64_t Verifier::MaxPipeline(double max_source_ops) {
  return 2 * BatchKeys(max_source_ops) + 1;  // TYPE and PTTL per key, one DEBUG DIGEST-VALUE
}

int Verifier::BatchKeys() const { return BatchKeys(options_.max_source_ops); }

absl::Status Verifier::ForEachBatch(const std::vector<std::string>& keys,
                                    const std::function<absl::Status(const Keys&)>& fn) const {
  const size_t batch = static_cast<size_t>(BatchKeys());
  for (size_t start = 0; start < keys.size(); start += batch) {
    const auto first = keys.begin() + start;
    const auto end = keys.begin() + std::min(keys.size(), start + batch);
    RETURN_IF_ERROR(fn(Keys(first, end)));
  }
  return absl::OkStatus();
}

absl::Status Verifier::SelectBoth(int db) {
  RETURN_IF_ERROR(source_.Select(db));
  return target_.Select(db);
}

absl::StatusOr<int64_t> Verifier::CheckBatch(int db, const std::vector<std::string>& keys) {
  if (keys.empty()) return 0;
  ASSIGN_OR_RETURN(std::vector<KeyState> source, ReadKeys(source_, keys, mode_));
  std::vector<std::string> present;
  std::vector<KeyState> present_source;
  for (size_t i = 0; i < keys.size(); ++i) {
    if (!source[i].exists) continue;  // deleted since the SCAN: nothing to compare
    present.push_back(keys[i]);
    present_source.push_back(std::move(source[i]));
  }
  if (present.empty()) return 0;
  ASSIGN_OR_RETURN(std::vector<KeyState> target, ReadKeys(target_, present, mode_));
  for (size_t i = 0; i < present.size(); ++i) {
    if (auto problem = CompareKey(present_source[i], target[i], options_.ttl_tolerance)) {
      Found(db, present[i], *problem);
    }
  }
  Checked(static_cast<int64_t>(present.size()));
  return static_cast<int64_t>(present.size());
}

void Verifier::Found(int db, const std::string& key, Problem problem) {
  if (hooks_.wait_for_catch_up && candidates_.size() < options_.max_candidates) {
    candidates_.push_back(Candidate{db, key});
    return;
  }
  AddToReport(db, key, problem);
}

void Verifier::AddToReport(int db, const std::string& key, Problem problem) {
  absl::MutexLock lock(&mu_);
  report_.Add(db, key, problem);
}

void Verifier::Checked(int64_t keys) {
  absl::MutexLock lock(&mu_);
  report_.keys_checked += keys;
}

void Verifier::DropSeen(int db, std::vector<std::string>& keys) {
  auto seen_before = [&](const std::string& key) {
    const uint64_t hash = absl::Hash<std::pair<int, absl::string_view>>{}({db, key});
    return !seen_.insert(hash).second;
  };
  keys.erase(std::remove_if(keys.begin(), keys.end(), seen_before), keys.end());
}

absl::Status Verifier::ReadCandidates(RedisSide& side, std::vector<KeyState>& states) {
  const size_t batch = static_cast<size_t>(BatchKeys());
  for (size_t start = 0; start < candidates_.size();) {
    const int db = candidates_[start].db;
    std::vector<std::string> keys;
    size_t end = start;
    while (end < candidates_.size() && candidates_[end].db == db && keys.size() < batch) {
      keys.push_back(candidates_[end++].key);
    }
    RETURN_IF_ERROR(side.Select(db));
    ASSIGN_OR_RETURN(std::vector<KeyState> read, ReadKeys(side, keys, mode_));
    std::move(read.begin(), read.end(), states.begin() + start);
    start = end;
  }
  return absl::OkStatus();
}

absl::Status Verifier::Recheck() {
  if (candidates_.empty()) return absl::OkStatus();
  std::stable_sort(candidates_.begin(), candidates_.end(),
                   [](const Candidate& a, const Candidate& b) { return a.db < b.db; });
  // The source first, then wait until the target applied what the source had written, then the
  // target: a difference still there is not replication lag.
  std::vector<KeyState> source_states(candidates_.size());
  std::vector<KeyState> target_states(candidates_.size());
  RETURN_IF_ERROR(ReadCandidates(source_, source_states));
  RETURN_IF_ERROR(hooks_.wait_for_catch_up(source_.client()));
  RETURN_IF_ERROR(ReadCandidates(target_, target_states));
  for (size_t i = 0; i < candidates_.size(); ++i) {
    if (auto problem = CompareKey(source_states[i], target_states[i], options_.ttl_tolerance)) {
      AddToReport(candidates_[i].db, candidates_[i].key, *problem);
    }
  }
  rechecked_ += candidates_.size();
  candidates_.clear();
  return absl::OkStatus();
}

}  // namespace rms::verify
