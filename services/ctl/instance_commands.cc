// The instance registry: instances create | list | show | delete.
#include "absl/strings/str_cat.h"
#include "services/common/status_macros.h"
#include "services/ctl/body_inputs.h"
#include "services/ctl/command.h"
#include "services/ctl/exit_codes.h"
#include "services/ctl/json_fields.h"
#include "services/ctl/table_printer.h"

namespace rms::ctl {
namespace {

// The instance's name (create) or id (show, delete).
const std::string& Operand(const CommandContext& ctx) { return ctx.args.positional[0]; }

std::string InstancePath(const CommandContext& ctx) {
  return ProjectPath(ctx.project, "/instances/" + Segment(Operand(ctx)));
}

absl::Status CreateInstance(CommandContext& ctx) {
  absl::optional<std::string> addrs = ctx.args.Value("--addrs");
  if (!addrs) return UsageError("instances create needs --addrs HOST:PORT");
  Json body{{"name", Operand(ctx)}, {"addrs", *addrs}};
  if (auto description = ctx.args.Value("--description")) body["description"] = *description;
  ASSIGN_OR_RETURN(absl::optional<std::string> password,
                   PasswordFromEnv(ctx.args, "--password-env", ctx.env));
  if (password) body["password"] = *password;
  ASSIGN_OR_RETURN(Json reply,
                   ctx.api.Call(JsonRequest("POST", ProjectPath(ctx.project, "/instances"), body)));
  ctx.Print(reply, KeyValueLines);
  return absl::OkStatus();
}

std::string InstanceTable(const Json& reply) {
  Table table({"ID", "NAME", "ADDRS", "PASSWORD", "CREATED"});
  for (const Json& instance : reply.value("instances", Json::array())) {
    table.AddRow(
        {TextField(instance, "id"), TextField(instance, "name"), TextField(instance, "addrs"),
         instance.value("has_password", false) ? "yes" : "no", TextField(instance, "created_at")});
  }
  return table.Render();
}

absl::Status ListInstances(CommandContext& ctx) {
  ApiRequest request;
  request.path = ProjectPath(ctx.project, "/instances");
  RETURN_IF_ERROR(AddPaging(ctx.args, request));
  ASSIGN_OR_RETURN(Json reply, ctx.api.Call(request));
  ctx.Print(reply, InstanceTable);
  return absl::OkStatus();
}

absl::Status ShowInstance(CommandContext& ctx) {
  ASSIGN_OR_RETURN(Json reply, ctx.Get(InstancePath(ctx)));
  ctx.Print(reply, KeyValueLines);
  return absl::OkStatus();
}

absl::Status DeleteInstance(CommandContext& ctx) {
  ApiRequest request;
  request.method = "DELETE";
  request.path = InstancePath(ctx);
  ASSIGN_OR_RETURN(Json reply, ctx.api.Call(request));
  ctx.Print(reply, [&](const Json&) { return absl::StrCat("deleted ", Operand(ctx), "\n"); });
  return absl::OkStatus();
}

}  // namespace

void AddInstanceCommands(std::vector<CommandSpec>& out) {
  out.push_back({"instances create",
                 "instances create NAME --addrs A [--password-env VAR] [--description D]",
                 1,
                 1,
                 {{"--addrs", "--password-env", "--description"}, {}},
                 CreateInstance});
  out.push_back({"instances list",
                 "instances list [--offset N] [--limit N]",
                 0,
                 0,
                 {{"--offset", "--limit"}, {}},
                 ListInstances});
  out.push_back({"instances show", "instances show ID", 1, 1, {}, ShowInstance});
  out.push_back({"instances delete", "instances delete ID", 1, 1, {}, DeleteInstance});
}

}  // namespace rms::ctl
