// Report: counters and examples of a verification; display form of binary keys.
#include "services/verify/report.h"

#include "absl/strings/str_format.h"

namespace rms::verify {
namespace {
constexpr size_t kMaxShownKeyBytes = 200;
}  // namespace

absl::string_view ProblemName(Problem problem) {
  switch (problem) {
    case Problem::kMissing:
      return "missing";
    case Problem::kExtra:
      return "extra";
    case Problem::kValue:
      return "value";
    case Problem::kTtl:
      return "ttl";
    case Problem::kType:
      return "type";
  }
  return "value";
}

void Report::Add(int db, absl::string_view key, Problem problem) {
  switch (problem) {
    case Problem::kMissing:
      ++missing;
      break;
    case Problem::kExtra:
      ++extra;
      break;
    case Problem::kValue:
      ++value_mismatch;
      break;
    case Problem::kTtl:
      ++ttl_mismatch;
      break;
    case Problem::kType:
      ++type_mismatch;
      break;
  }
  if (examples.size() < kMaxExamples) examples.push_back(Example{db, EscapeKey(key), problem});
}

int64_t Report::differences() const {
  return missing + extra + value_mismatch + ttl_mismatch + type_mismatch;
}

std::string EscapeKey(absl::string_view key) {
  std::string out;
  const absl::string_view shown = key.substr(0, kMaxShownKeyBytes);
  out.reserve(shown.size());
  for (char c : shown) {
    const unsigned char byte = static_cast<unsigned char>(c);
    if (byte >= 0x20 && byte < 0x7f && c != '\\') {
      out.push_back(c);
    } else {
      absl::StrAppendFormat(&out, "\\x%02x", byte);
    }
  }
  if (key.size() > kMaxShownKeyBytes) out += "...";
  return out;
}

}  // namespace rms::verify
