// Digests of a value read in chunks (when DEBUG DIGEST-VALUE is refused): ordered for strings,
// lists, sorted sets and streams; order-independent for hashes and sets.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/strings/string_view.h"

namespace rms::verify {

// SHA-256 over the bytes fed, in order. AddRaw() feeds bytes as they are (a string read in
// ranges digests the same however it was cut); AddField() feeds a length-prefixed field (list
// elements, so ["ab","c"] and ["a","bc"] differ). Not thread-safe.
class OrderedDigest {
 public:
  OrderedDigest();
  ~OrderedDigest();
  OrderedDigest(const OrderedDigest&) = delete;
  OrderedDigest& operator=(const OrderedDigest&) = delete;

  void AddRaw(absl::string_view bytes);
  void AddField(absl::string_view field);
  // Lower-case hex; "o:" + 64 hex digits. Call once.
  std::string Finish();

 private:
  struct Context;
  std::unique_ptr<Context> context_;
};

// The lane-wise sum (mod 2^64) of the SHA-256 of every element plus the element count, so the
// order in which elements arrive does not matter (HSCAN/SSCAN order depends on the encoding and
// the table size). A duplicate counts twice: callers check the count against HLEN/SCARD.
class UnorderedDigest {
 public:
  // One element made of length-prefixed fields (a hash's field and value; a set's member).
  void AddElement(absl::string_view first, absl::string_view second = {});
  uint64_t count() const { return count_; }
  // "u:<count>:" + 64 hex digits.
  std::string Finish() const;

 private:
  std::array<uint64_t, 4> lanes_{};
  uint64_t count_ = 0;
};

// The decimal text a score is compared by: "%.17g" of the parsed double, so "1", "1.0" and
// "1e0" from different servers agree. A score that does not parse is kept as it came.
std::string CanonicalScore(absl::string_view score);

}  // namespace rms::verify
