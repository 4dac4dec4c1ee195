// Fuzzes the AK/SK pieces the Authenticator runs before it asks the credential store: the
// `Authorization: SDK-HMAC-SHA256 Access=<AK>, SignedHeaders=<h1;h2>, Signature=<hex>` parser,
// the X-Sdk-Date parser and the canonical request over a fuzzed method, path, query, headers and
// body, then the Authenticator itself over a one-key in-memory store. Invariants: a parsed header
// prints back to the same fields; canonical URIs and queries use only unreserved bytes and
// escapes, and canonicalizing twice changes nothing; a refusal is a catalogued 401 or 403; a
// request our client signer signs parses, verifies and authenticates.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "services/auth/authenticator.h"
#include "services/auth/sdk_signing.h"
#include "services/common/errors.h"
#include "services/crypto/secret_box.h"
#include "tests/unit/auth/in_memory_credential_store.h"

namespace {

using rms::auth::SdkAuthorization;
using rms::auth::SignableRequest;

constexpr char kProject[] = "0504ab27e2c0401cb11d2d2d7e1f4b0b";
constexpr char kDate[] = "20240101T000000Z";

// The server side: access key "AK" (secret "SK") of kProject, the clock at kDate.
class Server {
 public:
  Server()
      : box_(rms::crypto::SecretBox::FromKeyForTest(std::string(32, 'k'))),
        authenticator_(store_, box_, [] { return *rms::auth::ParseSdkDate(kDate); }) {
    rms::storage::CredentialRecord record;
    record.id = "cred-ak";
    record.project_id = kProject;
    record.kind = "aksk";
    record.access_key = "AK";
    record.encrypted_secret_key = *box_.Seal("SK");
    if (!store_.CreateCredential(record).ok()) abort();
  }

  // OK, or a catalogued 401/403 (aborts otherwise).
  absl::Status Authenticate(const SignableRequest& req) const {
    absl::Status status = authenticator_.Authenticate(req, kProject).status();
    if (status.ok()) return status;
    if (!rms::errors::DcsCodeOf(status).has_value()) abort();
    if (!absl::IsUnauthenticated(status) && !absl::IsPermissionDenied(status)) abort();
    return status;
  }

 private:
  rms::auth::InMemoryCredentialStore store_;
  rms::crypto::SecretBox box_;
  rms::auth::Authenticator authenticator_;
};

const Server& TheServer() {
  static const Server* server = new Server();
  return *server;
}

bool SameFields(const SdkAuthorization& a, const SdkAuthorization& b) {
  return a.access_key == b.access_key && a.signed_headers == b.signed_headers &&
         a.signature == b.signature;
}

void CheckAuthorization(absl::string_view value) {
  absl::optional<SdkAuthorization> auth = rms::auth::ParseAuthorization(value);
  if (!auth) return;
  if (auth->access_key.empty() || auth->signature.empty() || auth->signed_headers.empty()) abort();
  const std::string printed =
      absl::StrCat(rms::auth::kSdkAlgorithm, " Access=", auth->access_key,
                   ", SignedHeaders=", absl::StrJoin(auth->signed_headers, ";"),
                   ", Signature=", auth->signature);
  absl::optional<SdkAuthorization> again = rms::auth::ParseAuthorization(printed);
  if (!again || !SameFields(*auth, *again)) abort();
}

void CheckSdkDate(absl::string_view value) {
  absl::optional<absl::Time> date = rms::auth::ParseSdkDate(value);
  if (!date) return;
  // Years below 1000 print without their leading zeros; the rest must print back unchanged.
  if (value[0] == '0') return;
  if (absl::FormatTime("%Y%m%dT%H%M%SZ", *date, absl::UTCTimeZone()) != value) abort();
}

// Only A-Z a-z 0-9 - _ . ~, "%XX" and the given separators.
bool IsCanonicalText(absl::string_view text, absl::string_view separators) {
  for (size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = text[i];
    if (absl::ascii_isalnum(c) || absl::string_view("-_.~").find(c) != absl::string_view::npos ||
        separators.find(c) != absl::string_view::npos) {
      continue;
    }
    if (c != '%' || i + 2 >= text.size() || !absl::ascii_isxdigit(text[i + 1]) ||
        !absl::ascii_isxdigit(text[i + 2])) {
      return false;
    }
  }
  return true;
}

void CheckCanonicalForms(const SignableRequest& req) {
  const std::string uri = rms::auth::CanonicalUri(req.path);
  if (uri.empty() || uri.back() != '/' || !IsCanonicalText(uri, "/")) abort();
  if (rms::auth::CanonicalUri(uri) != uri) abort();
  if (!IsCanonicalText(rms::auth::CanonicalQuery(req.query), "=&")) abort();
}

// RFC 7230 token characters: a header name our signer can list in SignedHeaders.
bool IsToken(absl::string_view name) {
  if (name.empty()) return false;
  for (unsigned char c : name) {
    if (!absl::ascii_isalnum(c) && absl::string_view("!#$%&'*+-.^_`|~").find(c) == name.npos) {
      return false;
    }
  }
  return true;
}

// Signs as our clients do, then checks the header the way the Authenticator does.
void CheckSignedRequest(const SignableRequest& req) {
  for (const auto& header : req.headers) {
    if (!IsToken(header.first)) return;
  }
  absl::StatusOr<std::string> header = rms::auth::SignAsClient("AK", "SK", req);
  if (!header.ok()) return;  // no X-Sdk-Date
  absl::optional<SdkAuthorization> auth = rms::auth::ParseAuthorization(*header);
  if (!auth || auth->access_key != "AK") abort();
  absl::StatusOr<std::string> canonical = rms::auth::CanonicalRequest(req, auth->signed_headers);
  if (!canonical.ok()) abort();
  const std::string& date = req.headers.find("x-sdk-date")->second;
  if (rms::auth::Sign("SK", rms::auth::StringToSign(date, *canonical)) != auth->signature) abort();
  SignableRequest sent = req;
  sent.headers["Authorization"] = *header;
  const absl::Status status = TheServer().Authenticate(sent);
  auto project = req.headers.find("x-project-id");
  const bool must_pass =
      date == kDate && req.headers.count("x-auth-token") == 0 &&
      (project == req.headers.end() || absl::StripAsciiWhitespace(project->second) == kProject);
  if (must_pass && !status.ok()) abort();
}

SignableRequest ConsumeRequest(FuzzedDataProvider& input) {
  SignableRequest req;
  req.method = input.ConsumeRandomLengthString(16);
  req.path = input.ConsumeRandomLengthString(256);
  for (int n = input.ConsumeIntegralInRange(0, 4); n > 0; --n) {
    std::string key = input.ConsumeRandomLengthString(32);
    req.query.emplace_back(std::move(key), input.ConsumeRandomLengthString(64));
  }
  for (int n = input.ConsumeIntegralInRange(0, 6); n > 0; --n) {
    std::string name = input.ConsumeRandomLengthString(32);
    req.headers[name] = input.ConsumeRandomLengthString(64);
  }
  if (input.ConsumeBool()) req.headers["X-Sdk-Date"] = kDate;
  req.body = input.ConsumeRandomLengthString(1024);
  return req;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* bytes, size_t size) {
  FuzzedDataProvider input(bytes, size);
  const std::string authorization = input.ConsumeRandomLengthString(512);
  CheckAuthorization(authorization);
  CheckSdkDate(input.ConsumeRandomLengthString(20));
  const SignableRequest req = ConsumeRequest(input);
  CheckCanonicalForms(req);
  SignableRequest with_header = req;
  with_header.headers["Authorization"] = authorization;
  (void)TheServer().Authenticate(with_header);
  CheckSignedRequest(req);
  return 0;
}
