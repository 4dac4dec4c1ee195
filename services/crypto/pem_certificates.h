// PemCertificates: what a PEM text given as a CA bundle holds, checked without trusting it.
#pragma once

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace rms::crypto {

// The number of X.509 certificates in the PEM text `pem` (one or more CERTIFICATE blocks).
// INVALID_ARGUMENT (plain, no catalogue code: the caller names its field) when it holds none, a
// block that does not parse, or a private key (which must never be stored as plain text).
// Pure; any thread.
absl::StatusOr<int> CountPemCertificates(absl::string_view pem);

}  // namespace rms::crypto
