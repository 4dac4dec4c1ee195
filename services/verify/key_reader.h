// Reading keys for comparison: the digest method both sides can use, batched reads of a key's
// type, expiry and value digest, existence checks, and the databases that hold keys.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "services/verify/key_compare.h"
#include "services/verify/redis_side.h"

namespace rms::verify {

enum class DigestMode {
  kDebug,    // DEBUG DIGEST-VALUE (one command per batch, computed by the server)
  kChunked,  // ValueReader's type-aware reads
};

// DEBUG DIGEST-VALUE when both servers allow it and run the same redis_version (the digest is
// an implementation detail that could change between versions); chunked reads otherwise.
absl::StatusOr<DigestMode> ChooseDigestMode(RedisSide& source, RedisSide& target);

// TYPE, PTTL and the value digest of each key in the selected database, pipelined: one round
// (plus DEBUG DIGEST-VALUE of the batch) or rounds of chunked reads; no digest when `mode` is
// nullopt. A key gone between the commands reads as absent. Digests never depend on whether
// the key expires.
absl::StatusOr<std::vector<KeyState>> ReadKeys(RedisSide& side,
                                               const std::vector<std::string>& keys,
                                               std::optional<DigestMode> mode);

// Whether each key exists (no type or value): one EXISTS of the whole batch, then one EXISTS
// per key only when some are absent. `keys` must be distinct.
absl::StatusOr<std::vector<KeyState>> ReadExistence(RedisSide& side,
                                                    const std::vector<std::string>& keys);

// A database and its key count, from INFO keyspace.
struct DbKeys {
  int db = 0;
  int64_t keys = 0;
};
// The "db<N>:keys=<K>,..." lines of an INFO keyspace reply with K > 0, by db.
std::vector<DbKeys> ParseKeyspace(absl::string_view info);
// INFO keyspace of `side`.
absl::StatusOr<std::vector<DbKeys>> ReadKeyspace(RedisSide& side);

// XORs `hex` (40 hex digits) with the SHA-1 of "!!expire!!", which DEBUG DIGEST-VALUE mixes in
// for a key that has an expiry. Other input is returned unchanged.
std::string WithoutExpireMark(absl::string_view hex);

}  // namespace rms::verify
