// Whether two instance bodies name the same Redis server, compared after name resolution.
#pragma once

#include <functional>
#include <set>
#include <string>
#include <vector>

#include "services/api/addrs.h"

namespace rms::api {

// The addresses a host name stands for ("127.0.0.1", "::1"); empty when it does not resolve.
using HostResolver = std::function<std::vector<std::string>(const std::string& host)>;

// The system resolver (getaddrinfo; numeric hosts are returned as they are, normalised).
std::vector<std::string> ResolveHost(const std::string& host);

// Every "address|port" that `nodes` reach: each host resolved by `resolve` (a host that does not
// resolve stands for itself, lower-cased).
std::set<std::string> ResolvedEndpoints(const std::vector<HostPort>& nodes,
                                        const HostResolver& resolve = ResolveHost);

// True when the two node lists share a resolved address and port: "localhost:6379" and
// "127.0.0.1:6379" are the same server, and so is a cluster node listed on both sides.
bool SameServer(const std::vector<HostPort>& a, const std::vector<HostPort>& b,
                const HostResolver& resolve = ResolveHost);

}  // namespace rms::api
