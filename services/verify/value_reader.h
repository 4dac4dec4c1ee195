// ValueReader: digests one key's value with ordinary reads in bounded chunks (GETRANGE, LRANGE,
// ZRANGE, XRANGE, HSCAN, SSCAN), for servers that refuse DEBUG DIGEST-VALUE.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "services/verify/redis_side.h"
#include "services/verify/value_digest.h"

namespace rms::verify {

// Elements (or string bytes) read per command.
inline constexpr int kChunkElements = 128;
inline constexpr int64_t kChunkBytes = 64 * 1024;

// A state machine: send NextCommand(), Feed() its reply, until done(). Strings, lists, sorted
// sets and streams digest in order; hashes and sets regardless of order, and when their scan
// took several calls (a table resize can repeat elements) the element count is checked against
// HLEN/SCARD and the scan restarted (twice at most). Other types (modules) get an empty digest:
// only their type is compared. An error reply (the key changed type meanwhile) ends the read
// with a digest naming the error, so the key is reported unless both sides failed alike.
class ValueReader {
 public:
  ValueReader(std::string key, std::string type);
  bool done() const { return done_; }
  Args NextCommand() const;
  void Feed(const RespValue& reply);
  // Valid once done().
  const std::string& digest() const { return digest_; }

 private:
  enum class Step { kRange, kScan, kCount };
  void FeedRange(const RespValue& reply);
  void FeedStream(const RespValue& reply);
  void FeedScan(const RespValue& reply);
  void FeedCount(const RespValue& reply);
  void Finish(std::string digest);

  const std::string key_;
  const std::string type_;
  Step step_ = Step::kRange;
  bool done_ = false;
  int64_t position_ = 0;       // range reads: the next index or byte offset
  std::string cursor_ = "0";   // scans
  std::string next_id_ = "-";  // streams: the next id to read from
  int scan_calls_ = 0;
  int restarts_ = 0;
  OrderedDigest ordered_;
  UnorderedDigest unordered_;
  std::string digest_;
};

// Reads the digests of `keys` (of `types`, "" or "none" = absent: digest left empty) in
// pipelined rounds of one command per unfinished key. Errors: the side's.
absl::StatusOr<std::vector<std::string>> ReadChunkedDigests(RedisSide& side,
                                                            const std::vector<std::string>& keys,
                                                            const std::vector<std::string>& types);

}  // namespace rms::verify
