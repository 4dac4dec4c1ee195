// Redaction of secrets in URLs and connection strings before they reach a log or an error.
#include "services/common/redact.h"

#include <regex>

namespace rms {

std::string RedactUrl(absl::string_view url) {
  static const std::regex kUserInfo(R"(://([^:/@\s]*):([^@\s]*)@)");
  static const std::regex kPasswordPair(R"((password\s*=\s*)('[^']*'|[^\s&]*))",
                                        std::regex::icase);
  std::string text(url);
  text = std::regex_replace(text, kUserInfo, "://$1:***@");
  text = std::regex_replace(text, kPasswordPair, "$1***");
  return text;
}

std::string RedactSecret(absl::string_view secret) { return secret.empty() ? "" : "***"; }

}  // namespace rms
