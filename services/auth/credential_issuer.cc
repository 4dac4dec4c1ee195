// Random credential values and their storage form.
#include "services/auth/credential_issuer.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "services/common/status_macros.h"
#include "services/crypto/digest.h"
#include "services/crypto/random.h"

namespace rms::auth {
namespace {

constexpr absl::string_view kUpperAlnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
constexpr absl::string_view kAlnum =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

absl::StatusOr<storage::CredentialRecord> NewRecord(absl::string_view project_id,
                                                    absl::string_view kind, absl::Time now,
                                                    absl::Duration lifetime) {
  if (project_id.empty()) return absl::InvalidArgumentError("project_id is empty");
  if (lifetime <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("the lifetime of a credential must be positive");
  }
  storage::CredentialRecord record;
  ASSIGN_OR_RETURN(record.id, crypto::RandomHex(16));
  record.project_id = std::string(project_id);
  record.kind = std::string(kind);
  record.created_at = now;
  if (lifetime != absl::InfiniteDuration()) record.expires_at = now + lifetime;
  return record;
}

}  // namespace

absl::StatusOr<IssuedToken> IssueToken(storage::CredentialStore& store,
                                       absl::string_view project_id, absl::Time now,
                                       absl::Duration lifetime) {
  ASSIGN_OR_RETURN(storage::CredentialRecord record, NewRecord(project_id, "token", now, lifetime));
  ASSIGN_OR_RETURN(std::string random, crypto::RandomHex(32));
  IssuedToken issued{record.id, absl::StrCat("rms_", random)};
  record.token_sha256 = crypto::Sha256Hex(issued.token);
  RETURN_IF_ERROR(store.CreateCredential(record));
  return issued;
}

absl::StatusOr<IssuedAccessKey> IssueAccessKey(storage::CredentialStore& store,
                                               const crypto::SecretBox& box,
                                               absl::string_view project_id, absl::Time now,
                                               absl::Duration lifetime) {
  ASSIGN_OR_RETURN(storage::CredentialRecord record, NewRecord(project_id, "aksk", now, lifetime));
  IssuedAccessKey issued;
  issued.credential_id = record.id;
  ASSIGN_OR_RETURN(issued.access_key, crypto::RandomString(20, kUpperAlnum));
  ASSIGN_OR_RETURN(issued.secret_key, crypto::RandomString(40, kAlnum));
  record.access_key = issued.access_key;
  ASSIGN_OR_RETURN(record.encrypted_secret_key, box.Seal(issued.secret_key));
  RETURN_IF_ERROR(store.CreateCredential(record));
  return issued;
}

}  // namespace rms::auth
