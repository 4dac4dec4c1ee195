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
  // A registered instance's stored password never goes to an address the caller picks.
  body.set_addrs("127.0.0.1:6379");
  absl::Status with_addrs = ValidateInstanceBody("source_instance", true, body);
  EXPECT_EQ(CodeOf(with_addrs), "DCS.4005");
  EXPECT_NE(with_addrs.message().find("source_instance.addrs"), absl::string_view::npos);
  body.clear_addrs();
  body.set_password("guess");
  absl::Status with_password = ValidateInstanceBody("source_instance", true, body);
  EXPECT_EQ(CodeOf(with_password), "DCS.4005");
  EXPECT_NE(with_password.message().find("source_instance.password"), absl::string_view::npos);
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

v1::StartVerificationBody VerifyBody(const std::string& mode, int sample_keys = 0) {
  v1::StartVerificationBody body;
  body.set_mode(mode);
  body.set_sample_keys(sample_keys);
  return body;
}

TEST(RequestValidationTest, VerificationModeAndSampleKeys) {
  EXPECT_EQ(CodeOf(ValidateVerificationBody(VerifyBody(""))), "OK");  // full by default
  EXPECT_EQ(CodeOf(ValidateVerificationBody(VerifyBody("full"))), "OK");
  EXPECT_EQ(CodeOf(ValidateVerificationBody(VerifyBody("FULL"))), "DCS.4002");
  EXPECT_EQ(CodeOf(ValidateVerificationBody(VerifyBody("sample"))), "DCS.4001");
  EXPECT_EQ(CodeOf(ValidateVerificationBody(VerifyBody("sample", 1))), "OK");
  EXPECT_EQ(CodeOf(ValidateVerificationBody(VerifyBody("sample", 1000000))), "OK");
  EXPECT_EQ(CodeOf(ValidateVerificationBody(VerifyBody("sample", 1000001))), "DCS.4002");
  EXPECT_EQ(CodeOf(ValidateVerificationBody(VerifyBody("sample", -1))), "DCS.4002");
  EXPECT_EQ(CodeOf(ValidateVerificationBody(VerifyBody("full", 10))), "DCS.4002");
  absl::Status status = ValidateVerificationBody(VerifyBody("sample", 0));
  EXPECT_NE(status.message().find("sample_keys"), std::string::npos) << status;
}

TEST(RequestValidationTest, VerificationToleranceAndRate) {
  v1::StartVerificationBody body = VerifyBody("full");
  body.set_ttl_tolerance_s(0);
  EXPECT_EQ(CodeOf(ValidateVerificationBody(body)), "OK");
  body.set_ttl_tolerance_s(3600);
  EXPECT_EQ(CodeOf(ValidateVerificationBody(body)), "OK");
  body.set_ttl_tolerance_s(3601);
  EXPECT_EQ(CodeOf(ValidateVerificationBody(body)), "DCS.4002");
  EXPECT_NE(ValidateVerificationBody(body).message().find("ttl_tolerance_s"), std::string::npos);
  body.set_ttl_tolerance_s(-1);
  EXPECT_EQ(CodeOf(ValidateVerificationBody(body)), "DCS.4002");
  body.clear_ttl_tolerance_s();
  body.set_max_source_ops(10);
  EXPECT_EQ(CodeOf(ValidateVerificationBody(body)), "OK");
  body.set_max_source_ops(1000000);
  EXPECT_EQ(CodeOf(ValidateVerificationBody(body)), "OK");
  body.set_max_source_ops(9);
  EXPECT_EQ(CodeOf(ValidateVerificationBody(body)), "DCS.4002");
  body.set_max_source_ops(0);  // given explicitly: not "absent"
  EXPECT_EQ(CodeOf(ValidateVerificationBody(body)), "DCS.4002");
  EXPECT_NE(ValidateVerificationBody(body).message().find("max_source_ops"), std::string::npos);
}

}  // namespace
}  // namespace rms::api
