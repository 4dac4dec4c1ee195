// Key labels for messages (escaped or hashed).
#include "services/engine/writer/key_label.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace rms::engine::writer {
namespace {
constexpr size_t kMaxShownKeyBytes = 128;
}  // namespace

uint64_t KeyHash(absl::string_view key) {
  uint64_t hash = 0xcbf29ce484222325ULL;
  for (unsigned char c : key) {
    hash ^= c;
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

std::string KeyLabel(absl::string_view key, bool redact) {
  if (redact) return absl::StrFormat("key#%016x", KeyHash(key));
  if (key.size() <= kMaxShownKeyBytes) return absl::StrCat("'", absl::CEscape(key), "'");
  return absl::StrCat("'", absl::CEscape(key.substr(0, kMaxShownKeyBytes)), "...'");
}

}  // namespace rms::engine::writer
