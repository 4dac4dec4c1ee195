// Commands that create and read tasks: create, list, show, stats, logs.
#include "services/common/status_macros.h"
#include "services/ctl/command.h"
#include "services/ctl/json_fields.h"
#include "services/ctl/table_printer.h"

namespace rms::ctl {
namespace {

absl::Status Create(CommandContext& ctx) {
  Json body{{"name", ctx.args.positional[0]}};
  if (auto description = ctx.args.Value("--description")) body["description"] = *description;
  ASSIGN_OR_RETURN(Json reply, ctx.api.Call(JsonRequest(
                                   "POST", ProjectPath(ctx.project, "/migration/instance"), body)));
  ctx.Print(reply, KeyValueLines);
  return absl::OkStatus();
}

std::string TaskTable(const Json& reply) {
  Table table({"TASK_ID", "NAME", "STATUS", "METHOD", "SOURCE", "TARGET", "CREATED"});
  for (const Json& task : reply.value("migration_tasks", Json::array())) {
    table.AddRow({TextField(task, "task_id"), TextField(task, "task_name"),
                  TextField(task, "status"), TextField(task, "migration_method"),
                  TextField(task, "data_source"), TextField(task, "target_instance_addrs"),
                  TextField(task, "created_at")});
  }
  return table.Render();
}

absl::Status List(CommandContext& ctx) {
  ApiRequest request;
  request.path = ProjectPath(ctx.project, "/migration-tasks");
  RETURN_IF_ERROR(AddPaging(ctx.args, request));
  if (auto name = ctx.args.Value("--name")) request.query.emplace_back("name", *name);
  ASSIGN_OR_RETURN(Json reply, ctx.api.Call(request));
  ctx.Print(reply, TaskTable);
  return absl::OkStatus();
}

// show and stats: one GET, printed as key: value.
std::function<absl::Status(CommandContext&)> ShowAt(std::string suffix) {
  return [suffix](CommandContext& ctx) -> absl::Status {
    ASSIGN_OR_RETURN(Json reply, ctx.Get(ctx.TaskPath(ctx.args.positional[0], suffix)));
    ctx.Print(reply, KeyValueLines);
    return absl::OkStatus();
  };
}

std::string LogTable(const Json& reply) {
  Table table({"TIME", "LEVEL", "CODE", "MESSAGE"});
  for (const Json& log : reply.value("migration_logs", Json::array())) {
    table.AddRow({TextField(log, "created_at"), TextField(log, "log_level"),
                  TextField(log, "log_code"), TextField(log, "message")});
  }
  return table.Render();
}

absl::Status Logs(CommandContext& ctx) {
  ApiRequest request;
  request.path = ctx.TaskPath(ctx.args.positional[0], "/logs");
  RETURN_IF_ERROR(AddPaging(ctx.args, request));
  if (auto level = ctx.args.Value("--level")) request.query.emplace_back("log_level", *level);
  ASSIGN_OR_RETURN(Json reply, ctx.api.Call(request));
  ctx.Print(reply, LogTable);
  return absl::OkStatus();
}

}  // namespace

void AddTaskCommands(std::vector<CommandSpec>& out) {
  out.push_back({"create", "create NAME [--description D]", 1, 1, {{"--description"}, {}}, Create});
  out.push_back({"list",
                 "list [--name N] [--offset N] [--limit N]",
                 0,
                 0,
                 {{"--name", "--offset", "--limit"}, {}},
                 List});
  out.push_back({"show", "show TASK", 1, 1, {}, ShowAt("")});
  out.push_back({"stats", "stats TASK", 1, 1, {}, ShowAt("/stats")});
  out.push_back({"logs",
                 "logs TASK [--level L] [--limit N]",
                 1,
                 1,
                 {{"--level", "--offset", "--limit"}, {}},
                 Logs});
}

}  // namespace rms::ctl
