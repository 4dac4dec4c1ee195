// Parsing and normalising `addrs` strings: host:port[,host:port...].
#include "services/api/addrs.h"

#include <algorithm>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "services/common/errors.h"

namespace rms::api {
namespace {

constexpr size_t kMaxNodes = 1024;

bool IsHostnameChar(char c) { return absl::ascii_isalnum(c) || c == '-' || c == '.' || c == '_'; }

bool ValidHost(absl::string_view host, bool bracketed) {
  if (host.empty() || host.size() > 253) return false;
  if (bracketed) {
    return std::all_of(host.begin(), host.end(),
                       [](char c) { return absl::ascii_isxdigit(c) || c == ':' || c == '.'; }) &&
           host.find(':') != absl::string_view::npos;
  }
  return std::all_of(host.begin(), host.end(), IsHostnameChar) && host.front() != '-' &&
         host.front() != '.';
}

absl::StatusOr<HostPort> ParseNode(absl::string_view field, absl::string_view node) {
  absl::string_view host, port_text;
  bool bracketed = false;
  if (absl::StartsWith(node, "[")) {
    size_t close = node.find("]:");
    if (close == absl::string_view::npos) {
      return errors::BadInstance(field, absl::StrCat("'", node, "' is not [ipv6]:port"));
    }
    host = node.substr(1, close - 1);
    port_text = node.substr(close + 2);
    bracketed = true;
  } else {
    size_t colon = node.rfind(':');
    if (colon == absl::string_view::npos) {
      return errors::BadInstance(field, absl::StrCat("'", node, "' has no port (host:port)"));
    }
    host = node.substr(0, colon);
    port_text = node.substr(colon + 1);
  }
  if (!ValidHost(host, bracketed)) {
    return errors::BadInstance(field, absl::StrCat("'", node, "' has an invalid host"));
  }
  int port = 0;
  bool digits = !port_text.empty() && port_text.size() <= 5 &&
                std::all_of(port_text.begin(), port_text.end(), absl::ascii_isdigit);
  if (!digits || !absl::SimpleAtoi(port_text, &port) || port < 1 || port > 65535) {
    return errors::BadInstance(field,
                               absl::StrCat("'", node, "' needs a port between 1 and 65535"));
  }
  return HostPort{absl::AsciiStrToLower(host), port};
}

}  // namespace

absl::StatusOr<std::vector<HostPort>> ParseAddrs(absl::string_view field,
                                                 absl::string_view addrs) {
  if (absl::StripAsciiWhitespace(addrs).empty()) {
    return errors::BadInstance(field, "empty; expected host:port[,host:port...]");
  }
  std::vector<HostPort> nodes;
  for (absl::string_view node : absl::StrSplit(addrs, ',')) {
    node = absl::StripAsciiWhitespace(node);
    if (node.empty()) {
      return errors::BadInstance(field, "empty entry; expected host:port[,host:port...]");
    }
    if (nodes.size() == kMaxNodes) {
      return errors::BadInstance(field, "more than 1024 nodes");
    }
    auto parsed = ParseNode(field, node);
    if (!parsed.ok()) return parsed.status();
    nodes.push_back(*std::move(parsed));
  }
  return nodes;
}

std::string CanonicalAddrs(const std::vector<HostPort>& nodes) {
  std::set<std::string> unique;
  for (const HostPort& node : nodes) {
    bool ipv6 = node.host.find(':') != std::string::npos;
    unique.insert(ipv6 ? absl::StrCat("[", node.host, "]:", node.port)
                       : absl::StrCat(node.host, ":", node.port));
  }
  return absl::StrJoin(unique, ",");
}

}  // namespace rms::api
