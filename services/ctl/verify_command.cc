// The verify command: start a data verification of a task, or look one up, and wait for it.
#include "absl/strings/str_cat.h"
#include "services/common/status_macros.h"
#include "services/ctl/body_inputs.h"
#include "services/ctl/command.h"
#include "services/ctl/exit_codes.h"
#include "services/ctl/json_fields.h"
#include "services/ctl/verification_view.h"

namespace rms::ctl {
namespace {

// POST .../verify; the new verification's id.
absl::StatusOr<Json> StartVerification(CommandContext& ctx, const std::string& task) {
  ASSIGN_OR_RETURN(Json body, VerifyBody(ctx.args));
  ASSIGN_OR_RETURN(Json reply,
                   ctx.api.Call(JsonRequest("POST", ctx.TaskPath(task, "/verify"), body)));
  if (TextField(reply, "verification_id").empty()) {
    return ApiError(200, "", "the verify reply carries no verification_id: " + reply.dump());
  }
  return reply;
}

// GET .../verifications/{id}, polled every `interval` while RUNNING when `wait`.
absl::StatusOr<Json> PollVerification(CommandContext& ctx, const std::string& task,
                                      const std::string& id, bool wait, absl::Duration interval) {
  const std::string path = ctx.TaskPath(task, "/verifications/" + Segment(id));
  while (true) {
    ASSIGN_OR_RETURN(Json reply, ctx.Get(path));
    if (!wait || !VerificationRunning(reply)) return reply;
    ctx.clock.sleep(interval);
  }
}

absl::Status Verify(CommandContext& ctx) {
  const std::string& task = ctx.args.positional[0];
  const bool wait = ctx.args.Switch("--wait");
  ASSIGN_OR_RETURN(absl::Duration interval, SecondsFlag(ctx.args, "--interval", absl::Seconds(1),
                                                        absl::Milliseconds(50), absl::Hours(1)));
  std::string id = ctx.args.Value("--id").value_or("");
  if (id.empty()) {
    ASSIGN_OR_RETURN(Json started, StartVerification(ctx, task));
    id = TextField(started, "verification_id");
    if (!wait) {
      ctx.Print(started, [&](const Json&) { return absl::StrCat("verification: ", id, "\n"); });
      return absl::OkStatus();
    }
  }
  ASSIGN_OR_RETURN(Json report, PollVerification(ctx, task, id, wait, interval));
  ctx.Print(report, RenderVerification);
  if (VerificationRunning(report)) return absl::OkStatus();
  return VerificationOutcome(report);
}

}  // namespace

void AddVerifyCommand(std::vector<CommandSpec>& out) {
  out.push_back({"verify",
                 "verify TASK [--mode full|sample] [--sample-keys N] [--ttl-tolerance S] [--wait]",
                 1,
                 1,
                 {{"--mode", "--sample-keys", "--ttl-tolerance", "--id", "--interval"}, {"--wait"}},
                 Verify});
}

}  // namespace rms::ctl
