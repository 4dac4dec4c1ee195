// A scripted Api, a map as the environment, and a harness that runs migrationctl against them
// with a fake clock.
#pragma once

#include <deque>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "services/ctl/exit_codes.h"
#include "services/ctl/migrationctl.h"

namespace rms::ctl::testing {

// The variables of `vars` as an EnvLookup.
inline EnvLookup MapEnv(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const std::string& name) -> absl::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return absl::nullopt;
    return it->second;
  };
}

// Answers "METHOD path" (the path without query) with the replies given for it, in order; the
// last one repeats. Unscripted requests get a DCS.4040 API error.
class FakeApi : public Api {
 public:
  void Reply(const std::string& method, const std::string& path, absl::StatusOr<Json> reply) {
    replies_[method + " " + path].push_back(std::move(reply));
  }
  absl::StatusOr<Json> Call(const ApiRequest& request) override {
    requests.push_back(request);
    auto it = replies_.find(request.method + " " + request.path);
    if (it == replies_.end() || it->second.empty()) {
      return ApiError(404, "DCS.4040", "no route " + request.path);
    }
    absl::StatusOr<Json> reply = it->second.front();
    if (it->second.size() > 1) it->second.pop_front();
    return reply;
  }
  std::vector<ApiRequest> requests;

 private:
  std::map<std::string, std::deque<absl::StatusOr<Json>>> replies_;
};

// Forwards to a FakeApi the test owns (RunMigrationctl takes ownership of its Api).
class ForwardingApi : public Api {
 public:
  explicit ForwardingApi(Api& target) : target_(target) {}
  absl::StatusOr<Json> Call(const ApiRequest& request) override { return target_.Call(request); }

 private:
  Api& target_;
};

// Runs migrationctl with project "p", token "t" (from the environment), a clock that only moves
// when the command sleeps, and captured output.
struct Harness {
  FakeApi api;
  std::istringstream in;
  std::ostringstream out;
  std::ostringstream err;
  bool terminal = false;
  std::map<std::string, std::string> env = {{"RMS_PROJECT", "p"}, {"RMS_TOKEN", "t"}};
  absl::Time now = absl::FromUnixSeconds(1700000000);
  std::vector<absl::Duration> sleeps;

  int Run(const std::vector<std::string>& args) {
    Environment environment;
    environment.env = MapEnv(env);
    environment.clock.now = [this] { return now; };
    environment.clock.sleep = [this](absl::Duration d) {
      sleeps.push_back(d);
      now += d;
    };
    environment.make_api = [this](const ConnectionOptions&) {
      return std::make_unique<ForwardingApi>(api);
    };
    Io io{in, out, err, terminal};
    return RunMigrationctl(args, environment, io);
  }
};

}  // namespace rms::ctl::testing
