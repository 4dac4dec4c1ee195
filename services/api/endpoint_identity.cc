// Whether two instance bodies name the same Redis server, compared after name resolution.
#include "services/api/endpoint_identity.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace rms::api {
namespace {

// The numeric text of one resolved address; IPv4-mapped IPv6 addresses become plain IPv4.
std::string AddressText(const sockaddr* address) {
  char text[INET6_ADDRSTRLEN] = {0};
  if (address->sa_family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(address)->sin_addr, text,
              sizeof(text));
    return text;
  }
  const in6_addr& v6 = reinterpret_cast<const sockaddr_in6*>(address)->sin6_addr;
  if (IN6_IS_ADDR_V4MAPPED(&v6)) {
    inet_ntop(AF_INET, &v6.s6_addr[12], text, sizeof(text));
  } else {
    inet_ntop(AF_INET6, &v6, text, sizeof(text));
  }
  return text;
}

}  // namespace

std::vector<std::string> ResolveHost(const std::string& host) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  std::vector<std::string> addresses;
  if (getaddrinfo(host.c_str(), nullptr, &hints, &found) != 0) return addresses;
  for (addrinfo* it = found; it != nullptr; it = it->ai_next) {
    if (it->ai_family == AF_INET || it->ai_family == AF_INET6) {
      addresses.push_back(AddressText(it->ai_addr));
    }
  }
  freeaddrinfo(found);
  return addresses;
}

std::set<std::string> ResolvedEndpoints(const std::vector<HostPort>& nodes,
                                        const HostResolver& resolve) {
  std::set<std::string> endpoints;
  for (const HostPort& node : nodes) {
    std::vector<std::string> addresses = resolve(node.host);
    if (addresses.empty()) addresses.push_back(absl::AsciiStrToLower(node.host));
    for (const std::string& address : addresses) {
      endpoints.insert(absl::StrCat(address, "|", node.port));
    }
  }
  return endpoints;
}

bool SameServer(const std::vector<HostPort>& a, const std::vector<HostPort>& b,
                const HostResolver& resolve) {
  const std::set<std::string> left = ResolvedEndpoints(a, resolve);
  const std::set<std::string> right = ResolvedEndpoints(b, resolve);
  return std::any_of(left.begin(), left.end(),
                     [&right](const std::string& endpoint) { return right.count(endpoint) > 0; });
}

}  // namespace rms::api
