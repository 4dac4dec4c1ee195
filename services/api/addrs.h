// Parsing and normalising `addrs` strings: host:port[,host:port...].
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace rms::api {

struct HostPort {
  std::string host;  // IPv4, hostname, or IPv6 without brackets
  int port = 0;
};

// Parses "host:port[,host:port...]" (IPv6 as "[::1]:6379"; spaces around commas allowed).
// Errors (DCS.4005, naming `field`): empty, missing or non-numeric port, port outside 1..65535,
// empty or malformed host, more than 1024 nodes.
absl::StatusOr<std::vector<HostPort>> ParseAddrs(absl::string_view field, absl::string_view addrs);

// The canonical text of a node list: lower-case hosts, sorted, de-duplicated, comma-joined.
// Two instances are the same iff their canonical texts are equal.
std::string CanonicalAddrs(const std::vector<HostPort>& nodes);

}  // namespace rms::api
