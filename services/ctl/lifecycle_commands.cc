// Commands that change tasks: update, stop, restart, delete.
#include "absl/strings/str_cat.h"
#include "services/common/status_macros.h"
#include "services/ctl/command.h"
#include "services/ctl/exit_codes.h"
#include "services/ctl/json_fields.h"
#include "services/ctl/table_printer.h"

namespace rms::ctl {
namespace {

absl::Status Update(CommandContext& ctx) {
  Json body = Json::object();
  if (auto mode = ctx.args.Value("--resume-mode")) body["resume_mode"] = *mode;
  if (auto bandwidth = ctx.args.Value("--bandwidth")) body["bandwidth_limit_mb"] = *bandwidth;
  if (body.empty()) return UsageError("update needs --resume-mode or --bandwidth");
  ASSIGN_OR_RETURN(Json reply,
                   ctx.api.Call(JsonRequest("PUT", ctx.TaskPath(ctx.args.positional[0]), body)));
  ctx.Print(reply, KeyValueLines);
  return absl::OkStatus();
}

absl::Status Stop(CommandContext& ctx) {
  const std::string& task = ctx.args.positional[0];
  const bool sync = ctx.args.Switch("--sync");
  ApiRequest request;
  request.method = "POST";
  request.path = ctx.TaskPath(task, sync ? "/sync-stop" : "/stop");
  ASSIGN_OR_RETURN(Json reply, ctx.api.Call(request));
  ctx.Print(reply, [&](const Json& details) {
    return absl::StrCat(task, ": ", sync ? "TERMINATED" : TextField(details, "status"), "\n");
  });
  return absl::OkStatus();
}

std::string BatchTable(const Json& reply) {
  Table table({"TASK_ID", "RESULT", "ERROR"});
  for (const Json& row : reply.value("migration_tasks", Json::array())) {
    const std::string code = TextField(row, "error_code");
    table.AddRow({TextField(row, "task_id"), TextField(row, "result"),
                  code.empty() ? "" : absl::StrCat(code, ": ", TextField(row, "error_msg"))});
  }
  return table.Render();
}

// The first task the batch did not restart, as an ApiError; OK when every one succeeded.
absl::Status BatchOutcome(const Json& reply) {
  for (const Json& row : reply.value("migration_tasks", Json::array())) {
    if (TextField(row, "result") != "success") {
      return ApiError(200, TextField(row, "error_code"),
                      absl::StrCat(TextField(row, "task_id"), ": ", TextField(row, "error_msg")));
    }
  }
  return absl::OkStatus();
}

absl::Status Restart(CommandContext& ctx) {
  Json body{{"migration_tasks", ctx.args.positional}};
  ASSIGN_OR_RETURN(Json reply,
                   ctx.api.Call(JsonRequest(
                       "POST", ProjectPath(ctx.project, "/migration-tasks/batch-restart"), body)));
  ctx.Print(reply, BatchTable);
  return BatchOutcome(reply);
}

absl::Status Delete(CommandContext& ctx) {
  Json body{{"task_id_list", ctx.args.positional}};
  ASSIGN_OR_RETURN(Json reply,
                   ctx.api.Call(JsonRequest(
                       "DELETE", ProjectPath(ctx.project, "/migration-tasks/delete"), body)));
  ctx.Print(reply, [](const Json& deleted) {
    std::string out;
    for (const Json& id : deleted.value("task_id_list", Json::array())) {
      absl::StrAppend(&out, "deleted ", id.is_string() ? id.get<std::string>() : id.dump(), "\n");
    }
    return out;
  });
  return absl::OkStatus();
}

}  // namespace

void AddLifecycleCommands(std::vector<CommandSpec>& out) {
  out.push_back({"update",
                 "update TASK [--resume-mode M] [--bandwidth MB]",
                 1,
                 1,
                 {{"--resume-mode", "--bandwidth"}, {}},
                 Update});
  out.push_back({"stop", "stop TASK [--sync]", 1, 1, {{}, {"--sync"}}, Stop});
  out.push_back({"restart", "restart TASK...", 1, SIZE_MAX, {}, Restart});
  out.push_back({"delete", "delete TASK...", 1, SIZE_MAX, {}, Delete});
}

}  // namespace rms::ctl
