// The SDK-HMAC-SHA256 canonical forms, reproducing the official Huawei Cloud signers.
#include "services/auth/sdk_signing.h"

#include <algorithm>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "services/crypto/digest.h"

namespace rms::auth {
namespace {

bool IsUnreserved(unsigned char c) {
  return absl::ascii_isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~';
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// "Access=AK" -> {"Access", "AK"}; false without '=' or with an empty side.
bool SplitField(absl::string_view field, absl::string_view* name, absl::string_view* value) {
  size_t eq = field.find('=');
  if (eq == absl::string_view::npos) return false;
  *name = absl::StripAsciiWhitespace(field.substr(0, eq));
  *value = absl::StripAsciiWhitespace(field.substr(eq + 1));
  return !name->empty() && !value->empty();
}

}  // namespace

bool CaseInsensitiveLess::operator()(absl::string_view a, absl::string_view b) const {
  size_t n = std::min(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) {
    char ca = absl::ascii_tolower(static_cast<unsigned char>(a[i]));
    char cb = absl::ascii_tolower(static_cast<unsigned char>(b[i]));
    if (ca != cb) return static_cast<unsigned char>(ca) < static_cast<unsigned char>(cb);
  }
  return a.size() < b.size();
}

std::string UriEncode(absl::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if (IsUnreserved(c)) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    }
  }
  return out;
}

std::string PercentDecode(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && HexValue(text[i + 1]) >= 0 &&
        HexValue(text[i + 2]) >= 0) {
      out.push_back(static_cast<char>(HexValue(text[i + 1]) * 16 + HexValue(text[i + 2])));
      i += 2;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

std::string CanonicalUri(absl::string_view raw_path) {
  std::string decoded = PercentDecode(raw_path);
  std::vector<std::string> segments;
  for (absl::string_view segment : absl::StrSplit(decoded, '/')) {
    segments.push_back(UriEncode(segment));
  }
  std::string uri = absl::StrJoin(segments, "/");
  if (uri.empty() || uri.back() != '/') uri.push_back('/');
  return uri;
}

std::string CanonicalQuery(const std::vector<std::pair<std::string, std::string>>& query) {
  std::vector<std::pair<std::string, std::string>> sorted = query;
  std::sort(sorted.begin(), sorted.end());
  std::vector<std::string> parts;
  parts.reserve(sorted.size());
  for (const auto& [key, value] : sorted) {
    parts.push_back(absl::StrCat(UriEncode(key), "=", UriEncode(value)));
  }
  return absl::StrJoin(parts, "&");
}

absl::StatusOr<std::string> CanonicalRequest(const SignableRequest& req,
                                             const std::vector<std::string>& signed_headers) {
  std::string headers;
  for (const std::string& name : signed_headers) {
    auto it = req.headers.find(name);
    if (it == req.headers.end()) {
      return absl::InvalidArgumentError(absl::StrCat("signed header '", name, "' is missing"));
    }
    absl::StrAppend(&headers, absl::AsciiStrToLower(name), ":",
                    absl::StripAsciiWhitespace(it->second), "\n");
  }
  return absl::StrCat(absl::AsciiStrToUpper(req.method), "\n", CanonicalUri(req.path), "\n",
                      CanonicalQuery(req.query), "\n", headers, "\n",
                      absl::StrJoin(signed_headers, ";"), "\n", crypto::Sha256Hex(req.body));
}

std::string StringToSign(absl::string_view sdk_date, absl::string_view canonical_request) {
  return absl::StrCat(kSdkAlgorithm, "\n", sdk_date, "\n", crypto::Sha256Hex(canonical_request));
}

std::string Sign(absl::string_view sk, absl::string_view string_to_sign) {
  return crypto::HmacSha256Hex(sk, string_to_sign);
}

absl::optional<SdkAuthorization> ParseAuthorization(absl::string_view value) {
  value = absl::StripAsciiWhitespace(value);
  if (!absl::ConsumePrefix(&value, kSdkAlgorithm) || !absl::ConsumePrefix(&value, " ")) {
    return absl::nullopt;
  }
  SdkAuthorization auth;
  bool has_headers = false;
  for (absl::string_view field : absl::StrSplit(value, ',')) {
    absl::string_view name, content;
    if (!SplitField(field, &name, &content)) return absl::nullopt;
    std::string* target = nullptr;
    if (name == "Access") target = &auth.access_key;
    if (name == "Signature") target = &auth.signature;
    if (name == "SignedHeaders") {
      if (has_headers) return absl::nullopt;
      has_headers = true;
      auth.signed_headers = absl::StrSplit(content, ';');
      continue;
    }
    if (target == nullptr || !target->empty()) return absl::nullopt;
    *target = std::string(content);
  }
  if (auth.access_key.empty() || auth.signature.empty() || !has_headers) return absl::nullopt;
  for (const std::string& name : auth.signed_headers) {
    if (name.empty() || name != absl::AsciiStrToLower(name)) return absl::nullopt;
  }
  return auth;
}

absl::StatusOr<std::string> SignAsClient(absl::string_view ak, absl::string_view sk,
                                         const SignableRequest& req) {
  auto date = req.headers.find("x-sdk-date");
  if (date == req.headers.end()) return absl::InvalidArgumentError("X-Sdk-Date is missing");
  std::vector<std::string> names;
  for (const auto& header : req.headers) {
    if (!absl::EqualsIgnoreCase(header.first, "authorization")) {
      names.push_back(absl::AsciiStrToLower(header.first));
    }
  }
  std::sort(names.begin(), names.end());
  absl::StatusOr<std::string> canonical = CanonicalRequest(req, names);
  if (!canonical.ok()) return canonical.status();
  std::string signature = Sign(sk, StringToSign(date->second, *canonical));
  return absl::StrCat(kSdkAlgorithm, " Access=", ak, ", SignedHeaders=", absl::StrJoin(names, ";"),
                      ", Signature=", signature);
}

}  // namespace rms::auth
