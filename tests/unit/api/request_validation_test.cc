// Unit tests of the field rules shared by REST and gRPC.
#include "services/api/request_validation.h"

#include <gtest/gtest.h>

#include "services/common/errors.h"

namespace rms::api {
namespace {

std::string CodeOf(const absl::Status& status) {
  return errors::DcsCodeOf(status).value_or(status.ok() ? "OK" : "none");
}

TEST(RequestValidationTest, Bandwidth) {
  EXPECT_EQ(CodeOf(ValidateBandwidth("bandwidth_limit_mb", "")), "OK");
  EXPECT_EQ(CodeOf(ValidateBandwidth("bandwidth_limit_mb", "1")), "OK");
  EXPECT_EQ(CodeOf(ValidateBandwidth("bandwidth_limit_mb", "10240")), "OK");
  EXPECT_EQ(CodeOf(ValidateBandwidth("bandwidth_limit_mb", "0")), "DCS.4004");
  EXPECT_EQ(CodeOf(ValidateBandwidth("bandwidth_limit_mb", "10241")), "DCS.4004");
  EXPECT_EQ(CodeOf(ValidateBandwidth("bandwidth_limit_mb", "-5")), "DCS.4004");
  EXPECT_EQ(CodeOf(ValidateBandwidth("bandwidth_limit_mb", "99999999999999999999")), "DCS.4004");
  EXPECT_EQ(CodeOf(ValidateBandwidth("bandwidth_limit_mb", "12a")), "DCS.4002");
  EXPECT_EQ(CodeOf(ValidateBandwidth("bandwidth_limit_mb", "1.5")), "DCS.4002");
}

TEST(RequestValidationTest, EnumsAndMandatoryFields) {
  EXPECT_EQ(CodeOf(ValidateMigrationMethod("m", "")), "DCS.4001");
  EXPECT_EQ(CodeOf(ValidateMigrationMethod("m", "full")), "DCS.4002");
  EXPECT_EQ(CodeOf(ValidateMigrationMethod("m", "incremental_migration")), "OK");
  EXPECT_EQ(CodeOf(ValidateResumeMode("r", "")), "DCS.4001");
  EXPECT_EQ(CodeOf(ValidateResumeMode("r", "AUTO")), "DCS.4002");
  EXPECT_EQ(CodeOf(ValidateResumeMode("r", "manual")), "OK");
  EXPECT_EQ(CodeOf(ValidateFullResyncPolicy("p", "")), "OK");
  EXPECT_EQ(CodeOf(ValidateFullResyncPolicy("p", "flush")), "OK");
  EXPECT_EQ(CodeOf(ValidateFullResyncPolicy("p", "fail")), "OK");
  EXPECT_EQ(CodeOf(ValidateFullResyncPolicy("p", "FLUSH")), "DCS.4002");
  const absl::Status bad = ValidateFullResyncPolicy("full_resync_policy", "x");
  EXPECT_NE(bad.message().find("full_resync_policy"), std::string::npos) << bad;
}

TEST(RequestValidationTest, TaskNames) {
  EXPECT_EQ(CodeOf(ValidateTaskName("name", "")), "DCS.4001");
  EXPECT_EQ(CodeOf(ValidateTaskName("name", "abc")), "DCS.4002");
  EXPECT_EQ(CodeOf(ValidateTaskName("name", "1abc")), "DCS.4002");
  EXPECT_EQ(CodeOf(ValidateTaskName("name", "abc d")), "DCS.4002");
  EXPECT_EQ(CodeOf(ValidateTaskName("name", std::string(65, 'a'))), "DCS.4002");
  EXPECT_EQ(CodeOf(ValidateTaskName("name", "dcs-migration_01")), "OK");
}

TEST(RequestValidationTest, InstanceBodies) {
  v1::InstanceBody body;
  EXPECT_EQ(CodeOf(ValidateInstanceBody("source_instance", false, body)), "DCS.4001");
  EXPECT_EQ(CodeOf(ValidateInstanceBody("source_instance", true, body)), "DCS.4005");
  body.set_addrs("127.0.0.1");
  EXPECT_EQ(CodeOf(ValidateInstanceBody("source_instance", true, body)), "DCS.4005");
  body.set_addrs("127.0.0.1:6379");
  EXPECT_EQ(CodeOf(ValidateInstanceBody("source_instance", true, body)), "OK");
  body.clear_addrs();
  body.set_id("abc");
  EXPECT_EQ(CodeOf(ValidateInstanceBody("source_instance", true, body)), "OK");
}

TEST(RequestValidationTest, ImportFilesStayInsideTheImportDirectory) {
  v1::BackupFiles files;
  EXPECT_EQ(CodeOf(ValidateBackupFiles("backup_files", false, files)), "DCS.4001");
  files.set_file_source("self_build_obs");
  EXPECT_EQ(CodeOf(ValidateBackupFiles("backup_files", true, files)), "DCS.4001");
  for (const char* bad : {"/etc/passwd", "../x.rdb", "a/../../x.rdb", "a\\..\\x.rdb"}) {
    files.clear_files();
    files.add_files()->set_file_name(bad);
    EXPECT_EQ(CodeOf(ValidateBackupFiles("backup_files", true, files)), "DCS.4002") << bad;
  }
  files.clear_files();
  files.add_files()->set_file_name("dumps/dump.rdb");
  EXPECT_EQ(CodeOf(ValidateBackupFiles("backup_files", true, files)), "OK");
  files.set_file_source("ftp");
  EXPECT_EQ(CodeOf(ValidateBackupFiles("backup_files", true, files)), "DCS.4002");
}

TEST(RequestValidationTest, PagingAndLogLevels) {
  EXPECT_EQ(CodeOf(ValidatePaging(0, 0)), "OK");
  EXPECT_EQ(CodeOf(ValidatePaging(-1, 10)), "DCS.4008");
  EXPECT_EQ(CodeOf(ValidatePaging(0, 1001)), "DCS.4008");
  EXPECT_EQ(CodeOf(ValidateLogLevel("warning")), "OK");
  EXPECT_EQ(CodeOf(ValidateLogLevel("debug")), "DCS.4008");
}

}  // namespace
}  // namespace rms::api
