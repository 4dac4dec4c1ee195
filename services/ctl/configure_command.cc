// The configure command: POST /migration/{task_id}/task.
#include "services/common/status_macros.h"
#include "services/ctl/body_inputs.h"
#include "services/ctl/command.h"
#include "services/ctl/json_fields.h"

namespace rms::ctl {
namespace {

absl::Status Configure(CommandContext& ctx) {
  ASSIGN_OR_RETURN(Json body, ConfigureBody(ctx.args, ctx.io.in, ctx.env));
  const std::string path =
      ProjectPath(ctx.project, "/migration/" + Segment(ctx.args.positional[0]) + "/task");
  ASSIGN_OR_RETURN(Json reply, ctx.api.Call(JsonRequest("POST", path, body)));
  ctx.Print(reply, KeyValueLines);
  return absl::OkStatus();
}

}  // namespace

void AddConfigureCommand(std::vector<CommandSpec>& out) {
  out.push_back(
      {"configure",
       "configure TASK (--source A | --source-id ID) (--target A | --target-id ID) "
       "--method full|incremental [...] | --body FILE",
       1,
       1,
       {{"--source", "--source-id", "--source-password-env", "--target", "--target-id",
         "--target-password-env", "--method", "--resume-mode", "--bandwidth", "--body",
         "--source-username", "--source-tls-ca", "--source-tls-server-name", "--target-username",
         "--target-tls-ca", "--target-tls-server-name", "--db-mapping"},
        {"--source-tls", "--source-tls-insecure", "--target-tls", "--target-tls-insecure"}},
       Configure});
}

}  // namespace rms::ctl
