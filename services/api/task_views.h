// Renders stored rows as API messages (never including a password).
#pragma once

#include <string>

#include "absl/time/time.h"
#include "rms/v1/migration.pb.h"
#include "services/task_config/task_config.h"
#include "storage/records.h"

namespace rms::api {

using task_config::EndpointConfig;
using task_config::ImportFile;
using task_config::TaskConfig;
using task_config::TaskConfigFromJson;
using task_config::TaskConfigToJson;

// RFC 3339 UTC with seconds: "2026-11-26T08:35:06Z".
std::string FormatApiTime(absl::Time t);

v1::TaskStatus StatusOf(const storage::TaskRecord& task);
v1::TaskDetails TaskDetailsOf(const storage::TaskRecord& task, const TaskConfig& config);
v1::TaskSummary TaskSummaryOf(const storage::TaskRecord& task, const TaskConfig& config);
// Fills every field ("0" when the engine has not reported yet).
v1::TaskStats TaskStatsOf(const storage::TaskRecord& task);
v1::TaskLog TaskLogOf(const storage::TaskEvent& event);
v1::Instance InstanceOf(const storage::InstanceRecord& instance);

}  // namespace rms::api
