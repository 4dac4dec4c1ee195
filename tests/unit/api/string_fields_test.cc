// Unit tests of the API-edge string rules and of endpoint identity after name resolution.
#include "services/api/string_fields.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "rms/v1/migration.pb.h"
#include "services/api/endpoint_identity.h"
#include "services/common/errors.h"

namespace rms::api {
namespace {

v1::ConfigureTaskRequest Configure() {
  v1::ConfigureTaskRequest request;
  request.set_project_id("project-1");
  request.set_task_id("0123abcd");
  request.mutable_body()->set_migration_method("incremental_migration");
  request.mutable_body()->mutable_source_instance()->set_addrs("127.0.0.1:6379");
  request.mutable_body()->mutable_source_instance()->set_password("p\x01ss");  // any byte but NUL
  return request;
}

void ExpectRefused(const google::protobuf::Message& request, const std::string& field) {
  absl::Status status = ValidateRequestStrings(request);
  EXPECT_EQ(errors::DcsCodeOf(status), "DCS.4002") << status;
  EXPECT_NE(status.message().find(field), absl::string_view::npos) << status;
}

TEST(StringFieldsTest, OrdinaryRequestPasses) {
  EXPECT_TRUE(ValidateRequestStrings(Configure()).ok());
}

TEST(StringFieldsTest, NulAnywhereIsRefusedNamingTheNestedField) {
  auto request = Configure();
  request.mutable_body()->mutable_source_instance()->set_addrs(std::string("a:1\0b", 5));
  ExpectRefused(request, "source_instance.addrs");
  request = Configure();
  request.mutable_body()->mutable_source_instance()->set_password(std::string("p\0w", 3));
  ExpectRefused(request, "source_instance.password");
}

TEST(StringFieldsTest, ControlCharactersOnlyWhereText) {
  v1::CreateOnlineTaskRequest request;
  request.set_project_id("p1");
  request.mutable_body()->set_name("name");
  request.mutable_body()->set_description("line one\nline two\ttab");
  EXPECT_TRUE(ValidateRequestStrings(request).ok());
  request.mutable_body()->set_description("bell\x07");
  ExpectRefused(request, "description");
  request.mutable_body()->set_description("");
  request.mutable_body()->set_name("na\nme");
  ExpectRefused(request, "name");
}

TEST(StringFieldsTest, LengthLimit) {
  auto request = Configure();
  request.mutable_body()->set_migration_method(std::string(kMaxStringBytes, 'm'));
  EXPECT_TRUE(ValidateRequestStrings(request).ok());
  request.mutable_body()->set_migration_method(std::string(kMaxStringBytes + 1, 'm'));
  ExpectRefused(request, "migration_method");
}

TEST(StringFieldsTest, IdsAreShortAndPlain) {
  auto request = Configure();
  request.set_task_id("../etc");
  ExpectRefused(request, "task_id");
  request = Configure();
  request.set_project_id("..");
  ExpectRefused(request, "project_id");
  request.set_project_id(std::string(65, 'a'));
  ExpectRefused(request, "project_id");
  EXPECT_TRUE(IsValidId("Project_1.eu-west"));
  EXPECT_FALSE(IsValidId(".hidden"));
  EXPECT_FALSE(IsValidId("a/b"));
  EXPECT_FALSE(IsValidId(""));
}

TEST(StringFieldsTest, BatchesAreCappedAndEachIdChecked) {
  v1::BatchTasksRequest request;
  request.set_project_id("p1");
  for (int i = 0; i < kMaxBatchIds; ++i) request.mutable_body()->add_migration_tasks("t" + std::to_string(i));
  EXPECT_TRUE(ValidateRequestStrings(request).ok());
  request.mutable_body()->add_migration_tasks("one-too-many");
  ExpectRefused(request, "migration_tasks");
  v1::DeleteTasksRequest deletion;
  deletion.set_project_id("p1");
  deletion.mutable_body()->add_task_id_list("ok");
  deletion.mutable_body()->add_task_id_list("bad id");
  ExpectRefused(deletion, "task_id_list[1]");
}

std::vector<HostPort> Nodes(std::vector<std::pair<std::string, int>> list) {
  std::vector<HostPort> nodes;
  for (auto& [host, port] : list) nodes.push_back({host, port});
  return nodes;
}

std::vector<std::string> FakeResolve(const std::string& host) {
  if (host == "localhost") return {"127.0.0.1", "::1"};
  if (host == "cache-a" || host == "cache-alias") return {"10.1.2.3"};
  if (host == "127.0.0.1" || host == "10.1.2.3" || host == "::1") return {host};
  return {};
}

TEST(EndpointIdentityTest, SameServerAfterResolution) {
  EXPECT_TRUE(SameServer(Nodes({{"localhost", 6379}}), Nodes({{"127.0.0.1", 6379}}), FakeResolve));
  EXPECT_TRUE(SameServer(Nodes({{"::1", 6379}}), Nodes({{"localhost", 6379}}), FakeResolve));
  EXPECT_TRUE(SameServer(Nodes({{"cache-a", 1}}), Nodes({{"cache-alias", 1}}), FakeResolve));
  EXPECT_FALSE(SameServer(Nodes({{"localhost", 6379}}), Nodes({{"127.0.0.1", 6380}}), FakeResolve));
  // A cluster node listed on both sides is enough.
  EXPECT_TRUE(SameServer(Nodes({{"127.0.0.1", 7000}, {"127.0.0.1", 7001}}),
                         Nodes({{"127.0.0.1", 7001}, {"127.0.0.1", 7002}}), FakeResolve));
  // Unresolvable names stand for themselves, case-insensitively.
  EXPECT_TRUE(SameServer(Nodes({{"Unknown.Host", 1}}), Nodes({{"unknown.host", 1}}), FakeResolve));
  EXPECT_FALSE(SameServer(Nodes({{"unknown.host", 1}}), Nodes({{"other.host", 1}}), FakeResolve));
}

TEST(EndpointIdentityTest, SystemResolverNormalisesNumericAddresses) {
  // Numeric hosts and localhost only: no query leaves the machine.
  EXPECT_EQ(ResolveHost("127.0.0.1"), std::vector<std::string>{"127.0.0.1"});
  std::vector<std::string> v6 = ResolveHost("::ffff:127.0.0.1");
  ASSERT_FALSE(v6.empty());
  EXPECT_EQ(v6.front(), "127.0.0.1");
  std::vector<std::string> local = ResolveHost("localhost");
  EXPECT_NE(std::find(local.begin(), local.end(), "127.0.0.1"), local.end());
}

}  // namespace
}  // namespace rms::api
