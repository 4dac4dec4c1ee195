// Report: what a verification found (counters and up to 100 examples), and the problem names.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace rms::verify {

// How a key differs between the source and the target.
enum class Problem {
  kMissing,  // on the source, absent on the target
  kExtra,    // on the target, absent on the source
  kValue,    // same type, different value
  kTtl,      // expiry differs by more than the tolerance, or only one side expires
  kType,     // different types
};

// "missing", "extra", "value", "ttl", "type" (the API's `problem` values).
absl::string_view ProblemName(Problem problem);

// One differing key: `key` already escaped for display (EscapeKey).
struct Example {
  int db = 0;
  std::string key;
  Problem problem = Problem::kMissing;
};

// Counters and the first examples. Not thread-safe (the Verifier guards it).
struct Report {
  static constexpr size_t kMaxExamples = 100;

  int64_t keys_checked = 0;
  int64_t missing = 0;
  int64_t extra = 0;
  int64_t value_mismatch = 0;
  int64_t ttl_mismatch = 0;
  int64_t type_mismatch = 0;
  std::vector<Example> examples;

  // Counts `problem` and keeps the key as an example while fewer than kMaxExamples are kept.
  void Add(int db, absl::string_view key, Problem problem);
  int64_t differences() const;
};

// `key` for display: bytes outside printable ASCII and the backslash become \xNN; keys longer
// than 200 bytes are cut there and end in "...". The result is valid UTF-8 (JSON, protobuf).
std::string EscapeKey(absl::string_view key);

}  // namespace rms::verify
