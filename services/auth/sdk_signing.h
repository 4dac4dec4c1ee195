// Huawei Cloud SDK-HMAC-SHA256 request signing: canonical request, string to sign, signature.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/optional.h"

namespace rms::auth {

constexpr absl::string_view kSdkAlgorithm = "SDK-HMAC-SHA256";

// Orders header names ignoring ASCII case, so `headers.find("x-sdk-date")` finds "X-Sdk-Date".
struct CaseInsensitiveLess {
  using is_transparent = void;
  bool operator()(absl::string_view a, absl::string_view b) const;
};
using HeaderMap = std::map<std::string, std::string, CaseInsensitiveLess>;

// A request as the signer sees it, independent of the transport (HTTP or gRPC metadata).
struct SignableRequest {
  std::string method;  // "GET", "POST", ... (upper-cased when signing)
  std::string path;    // the raw, still percent-encoded path of the URI, without the query
  std::vector<std::pair<std::string, std::string>> query;  // decoded key/value pairs, any order
  HeaderMap headers;  // one value per name; lookup ignores case
  std::string body;   // the body bytes exactly as received
};

// The parsed `Authorization: SDK-HMAC-SHA256 Access=<AK>, SignedHeaders=<h1;h2>, Signature=<hex>`.
struct SdkAuthorization {
  std::string access_key;
  std::vector<std::string> signed_headers;  // as listed (lower-case names, in signing order)
  std::string signature;
};

// Percent-encodes every byte outside the RFC 3986 unreserved set (A-Z a-z 0-9 - _ . ~) as
// upper-case "%XX"; a space becomes "%20". This is the official signers' url_encode.
std::string UriEncode(absl::string_view text);

// Decodes "%XX" sequences; malformed sequences are kept literally and '+' stays '+'.
std::string PercentDecode(absl::string_view text);

// The canonical URI: `raw_path` percent-decoded, split on '/', each segment UriEncode'd, joined
// with '/', with a trailing '/' added if missing ("/v2/p/tasks" -> "/v2/p/tasks/").
std::string CanonicalUri(absl::string_view raw_path);

// The canonical query: pairs sorted by key then value, each "UriEncode(k)=UriEncode(v)", joined
// with '&' ("" when there are none).
std::string CanonicalQuery(const std::vector<std::pair<std::string, std::string>>& query);

// The canonical request (no trailing newline):
//   METHOD \n CanonicalUri \n CanonicalQuery \n ("name:trimmed value\n" per signed header) \n
//   "h1;h2;..." \n hex SHA-256 of the body
// `signed_headers` are lower-case names in the order the client listed them. INVALID_ARGUMENT if
// a signed header is absent from `req.headers`. The body is always hashed as received (an
// X-Sdk-Content-Sha256 header is not trusted, so "UNSIGNED-PAYLOAD" requests do not verify).
absl::StatusOr<std::string> CanonicalRequest(const SignableRequest& req,
                                             const std::vector<std::string>& signed_headers);

// "SDK-HMAC-SHA256\n<sdk_date>\n<hex SHA-256 of canonical_request>".
std::string StringToSign(absl::string_view sdk_date, absl::string_view canonical_request);

// Hex HMAC-SHA256 of `string_to_sign` under the secret key `sk`.
std::string Sign(absl::string_view sk, absl::string_view string_to_sign);

// Parses an Authorization header value; nullopt unless it is exactly the SDK-HMAC-SHA256 form
// with Access, SignedHeaders and Signature each present once and non-empty.
absl::optional<SdkAuthorization> ParseAuthorization(absl::string_view value);

// Client side, as the official Python signer does it: signs every header of `req` (names
// lower-cased and sorted) and returns the Authorization header value. Precondition: `req` has
// an X-Sdk-Date header (INVALID_ARGUMENT otherwise). Used by tests and our own clients.
absl::StatusOr<std::string> SignAsClient(absl::string_view ak, absl::string_view sk,
                                         const SignableRequest& req);

}  // namespace rms::auth
