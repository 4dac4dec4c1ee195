// Request::FindHeader.
#include "services/http/http_message.h"

#include "absl/strings/match.h"

namespace rms::http {

const std::string* Request::FindHeader(absl::string_view name) const {
  for (const auto& [header, value] : headers) {
    if (absl::EqualsIgnoreCase(header, name)) return &value;
  }
  return nullptr;
}

}  // namespace rms::http
