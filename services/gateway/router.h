// Router: matches "METHOD /path" against route templates like "/v2/{project_id}/migration-task".
#pragma once

#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace rms::gateway {

// What a route handler sees: path parameters, decoded query pairs and the raw body.
struct RouteRequest {
  std::map<std::string, std::string> params;  // {"project_id": ..., "task_id": ...}
  std::vector<std::pair<std::string, std::string>> query;
  std::string body;
};

// Returns the JSON body of a 200 reply, or a catalogue error.
using RouteHandler = std::function<absl::StatusOr<std::string>(const RouteRequest&)>;

struct Route {
  std::string method;
  std::string pattern;  // "/v2/{project_id}/migration/{task_id}/task"
  bool needs_auth = true;
  RouteHandler handler;
};

struct RouteMatch {
  const Route* route = nullptr;  // nullptr: no route for this method and path
  std::map<std::string, std::string> params;
};

class Router {
 public:
  // Routes are tried in the order added; add literal paths before templates they overlap.
  void Add(Route route);
  // `path` is the decoded path without the query; one trailing '/' is ignored.
  RouteMatch Match(absl::string_view method, absl::string_view path) const;

 private:
  std::vector<Route> routes_;
};

}  // namespace rms::gateway
