// Helpers every command uses.
#include "services/ctl/command.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "services/common/status_macros.h"
#include "services/ctl/json_fields.h"

namespace rms::ctl {

Clock SystemClock() {
  return Clock{[] { return absl::Now(); }, [](absl::Duration d) { absl::SleepFor(d); }};
}

void CommandContext::Print(const Json& reply,
                           const std::function<std::string(const Json&)>& human) const {
  io.out << (json() ? PrettyJson(reply) : human(reply)) << std::flush;
}

std::string CommandContext::TaskPath(const std::string& task, const std::string& suffix) const {
  return ProjectPath(project, "/migration-task/" + Segment(task) + suffix);
}

absl::StatusOr<Json> CommandContext::Get(const std::string& path) const {
  ApiRequest request;
  request.path = path;
  return api.Call(request);
}

absl::Status AddPaging(const ParsedArgs& args, ApiRequest& request) {
  ASSIGN_OR_RETURN(absl::optional<int64_t> offset, IntFlag(args, "--offset", 0, 1 << 30));
  ASSIGN_OR_RETURN(absl::optional<int64_t> limit, IntFlag(args, "--limit", 1, 1000));
  if (offset) request.query.emplace_back("offset", absl::StrCat(*offset));
  if (limit) request.query.emplace_back("limit", absl::StrCat(*limit));
  return absl::OkStatus();
}

ApiRequest JsonRequest(const std::string& method, const std::string& path, const Json& body) {
  ApiRequest request;
  request.method = method;
  request.path = path;
  request.body = body.dump();
  return request;
}

}  // namespace rms::ctl
