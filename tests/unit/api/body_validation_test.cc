// Unit tests of the whole-body rules each route checks before touching storage.
#include "services/api/body_validation.h"

#include <gtest/gtest.h>

#include "services/common/errors.h"

namespace rms::api {
namespace {

std::string CodeOf(const absl::Status& status) {
  return errors::DcsCodeOf(status).value_or(status.ok() ? "OK" : "none");
}

v1::ConfigureTaskBody ValidConfigure() {
  v1::ConfigureTaskBody body;
  body.set_migration_method("incremental_migration");
  body.set_resume_mode("auto");
  body.mutable_source_instance()->set_addrs("127.0.0.1:6379");
  body.mutable_target_instance()->set_id("0f9a");
  return body;
}

TEST(BodyValidationTest, ConfigureNeedsBothInstances) {
  v1::ConfigureTaskBody body = ValidConfigure();
  EXPECT_EQ(CodeOf(ValidateConfigureTaskBody(body)), "OK");
  body.clear_target_instance();
  EXPECT_EQ(CodeOf(ValidateConfigureTaskBody(body)), "DCS.4001");
  body = ValidConfigure();
  body.set_bandwidth_limit_mb("0");
  EXPECT_EQ(CodeOf(ValidateConfigureTaskBody(body)), "DCS.4004");
}

TEST(BodyValidationTest, UpdateNeedsOneField) {
  v1::UpdateTaskBody body;
  EXPECT_EQ(CodeOf(ValidateUpdateTaskBody(body)), "DCS.4001");
  body.set_bandwidth_limit_mb("10");
  EXPECT_EQ(CodeOf(ValidateUpdateTaskBody(body)), "OK");
  body.set_resume_mode("later");
  EXPECT_EQ(CodeOf(ValidateUpdateTaskBody(body)), "DCS.4002");
}

TEST(BodyValidationTest, BatchListsMustNameATask) {
  EXPECT_EQ(CodeOf(ValidateBatchTasksBody(v1::BatchTasksBody())), "DCS.4001");
  EXPECT_EQ(CodeOf(ValidateDeleteTasksBody(v1::DeleteTasksBody())), "DCS.4001");
  v1::DeleteTasksBody body;
  body.add_task_id_list("6c2f");
  EXPECT_EQ(CodeOf(ValidateDeleteTasksBody(body)), "OK");
}

TEST(BodyValidationTest, ImportAndInstanceBodies) {
  v1::CreateImportTaskBody import;
  import.set_task_name("import-dump");
  import.set_migration_type("online_migration");
  EXPECT_EQ(CodeOf(ValidateCreateImportTaskBody(import)), "DCS.4002");
  v1::CreateInstanceBody instance;
  instance.set_name("dst");
  EXPECT_EQ(CodeOf(ValidateCreateInstanceBody(instance)), "DCS.4001");
  instance.set_addrs("127.0.0.1:6380");
  EXPECT_EQ(CodeOf(ValidateCreateInstanceBody(instance)), "OK");
  v1::CreateOnlineTaskBody online;
  online.set_name("1abc");
  EXPECT_EQ(CodeOf(ValidateCreateOnlineTaskBody(online)), "DCS.4002");
}

}  // namespace
}  // namespace rms::api
