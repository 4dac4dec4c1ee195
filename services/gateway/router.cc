// Router: matches "METHOD /path" against route templates segment by segment.
#include "services/gateway/router.h"

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"

namespace rms::gateway {
namespace {

std::vector<absl::string_view> Segments(absl::string_view path) {
  if (absl::EndsWith(path, "/") && path.size() > 1) path.remove_suffix(1);
  return absl::StrSplit(path, '/');
}

bool IsParam(absl::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

}  // namespace

void Router::Add(Route route) { routes_.push_back(std::move(route)); }

RouteMatch Router::Match(absl::string_view method, absl::string_view path) const {
  const std::vector<absl::string_view> actual = Segments(path);
  for (const Route& route : routes_) {
    if (route.method != method) continue;
    const std::vector<absl::string_view> expected = Segments(route.pattern);
    if (expected.size() != actual.size()) continue;
    RouteMatch match;
    bool ok = true;
    for (size_t i = 0; i < expected.size() && ok; ++i) {
      if (IsParam(expected[i])) {
        ok = !actual[i].empty();
        match.params[std::string(expected[i].substr(1, expected[i].size() - 2))] =
            std::string(actual[i]);
      } else {
        ok = expected[i] == actual[i];
      }
    }
    if (ok) {
      match.route = &route;
      return match;
    }
  }
  return RouteMatch{};
}

}  // namespace rms::gateway
