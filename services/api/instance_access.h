// The ACL user and TLS settings of an instance body (our extension of the DCS API): which values
// are accepted, before anything is stored. Pure: no store, no clock, no network.
#pragma once

#include <cstddef>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "rms/v1/migration.pb.h"

namespace rms::api {

inline constexpr size_t kMaxUsernameBytes = 128;
inline constexpr size_t kMaxServerNameBytes = 253;

// `field` is the instance ("source_instance"); errors are DCS.4002 naming the sub-field:
// - username: at most 128 bytes, no space, no control character or NUL; with `addrs` it needs a
//   password (AUTH username password);
// - tls.enabled false (or tls absent): no other tls field may be given (a setting that would be
//   ignored is refused, not dropped);
// - tls.ca_cert: PEM CA certificates (one or more CERTIFICATE blocks, at most kMaxPemBytes of
// string_fields.h, no private
//   key), and not together with tls.insecure_skip_verify;
// - tls.server_name: at most 253 of letters, digits, '-', '.', '_' and ':' (a host name or an IP
//   address).
absl::Status ValidateInstanceAccess(absl::string_view field, const v1::InstanceBody& body);

}  // namespace rms::api
