// PercentDecode and ParseQuery.
#include "services/http/url_decoding.h"

#include "absl/strings/str_split.h"
#include "services/common/errors.h"
#include "services/common/status_macros.h"

namespace rms::http {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

absl::StatusOr<std::string> PercentDecode(absl::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else if (c != '%') {
      out.push_back(c);
    } else {
      const int high = i + 2 < text.size() ? HexValue(text[i + 1]) : -1;
      const int low = i + 2 < text.size() ? HexValue(text[i + 2]) : -1;
      if (high < 0 || low < 0 || (high == 0 && low == 0)) {
        return errors::MalformedHttp("a bad percent-encoding in the request target");
      }
      out.push_back(static_cast<char>(high * 16 + low));
      i += 2;
    }
  }
  return out;
}

absl::StatusOr<std::vector<std::pair<std::string, std::string>>> ParseQuery(
    absl::string_view query) {
  std::vector<std::pair<std::string, std::string>> pairs;
  for (absl::string_view piece : absl::StrSplit(query, '&', absl::SkipEmpty())) {
    const size_t eq = piece.find('=');
    ASSIGN_OR_RETURN(std::string key, PercentDecode(piece.substr(0, eq), true));
    std::string value;
    if (eq != absl::string_view::npos) {
      ASSIGN_OR_RETURN(value, PercentDecode(piece.substr(eq + 1), true));
    }
    pairs.emplace_back(std::move(key), std::move(value));
  }
  return pairs;
}

}  // namespace rms::http
