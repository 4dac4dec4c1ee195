// The fixture of the REST/gRPC parity tests: calls over both protocols and twin tasks.
#include "tests/e2e/parity_fixture.h"

#include <set>

namespace rms::e2e {

Json WithoutIds(Json json) {
  static const std::set<std::string> kVolatile = {"id",
                                                  "task_id",
                                                  "instance_id",
                                                  "job_id",
                                                  "created_at",
                                                  "updated_at",
                                                  "released_at",
                                                  "source_instance_id",
                                                  "target_instance_id"};
  if (json.is_object()) {
    for (const std::string& key : kVolatile) json.erase(key);
    for (auto& [key, value] : json.items()) value = WithoutIds(value);
  } else if (json.is_array()) {
    for (Json& item : json) item = WithoutIds(item);
  }
  return json;
}

Json SeedConfigure(const Json& bandwidth) {
  return {{"migration_method", "incremental_migration"},
          {"resume_mode", "auto"},
          {"bandwidth_limit_mb", bandwidth},
          {"source_instance", {{"addrs", "127.0.0.1:6379"}, {"password", "srcpass"}}},
          {"target_instance", {{"addrs", "127.0.0.1:6380"}, {"password", "tgtpass"}}}};
}

void ExpectNoSecrets(const std::string& text) {
  for (const std::string& secret : kParitySecrets) {
    EXPECT_EQ(text.find(secret), std::string::npos) << "'" << secret << "' leaked in " << text;
  }
}

v1::TaskIdRequest TaskRequest(const std::string& task_id, const std::string& project) {
  v1::TaskIdRequest request;
  request.set_project_id(project);
  request.set_task_id(task_id);
  return request;
}

Json ParityTest::RestOk(const std::string& method, const std::string& path, const Json& body) {
  test_support::HttpReply reply = a_.rest->Send(method, P(path), body.is_null() ? "" : body.dump());
  EXPECT_EQ(reply.status, 200) << method << " " << path << ": " << reply.body;
  EXPECT_FALSE(reply.request_id.empty()) << method << " " << path;
  ExpectNoSecrets(reply.body);
  return reply.json;
}

Twins ParityTest::CreateTwins(const std::string& name) {
  const Json body = {{"name", name},
                     {"description", "parity"},
                     {"vpc_id", "vpc-1"},
                     {"subnet_id", "subnet-1"},
                     {"security_group_id", "sg-1"}};
  Json rest = RestOk("POST", "/migration/instance", body);
  Json grpc = GrpcOk(&Stub::CreateOnlineTask, WithBody<v1::CreateOnlineTaskRequest>(body));
  EXPECT_EQ(WithoutIds(rest), WithoutIds(grpc));
  EXPECT_EQ(rest.value("status", ""), "RUNNING") << rest.dump();
  EXPECT_EQ(rest.value("name", ""), name);
  EXPECT_EQ(rest.value("id", ""), rest.value("instance_id", "?"));
  return Twins{rest.value("id", ""), grpc.value("id", ""), rest.value("job_id", ""),
               grpc.value("job_id", "")};
}

void ParityTest::ConfigureTwins(const Twins& twins, const Json& rest_body, const Json& grpc_body) {
  Json rest = RestOk("POST", "/migration/" + twins.rest_id + "/task", rest_body);
  auto request = WithBody<v1::ConfigureTaskRequest>(grpc_body);
  request.set_task_id(twins.grpc_id);
  Json grpc = GrpcOk(&Stub::ConfigureTask, request);
  EXPECT_EQ(WithoutIds(rest), WithoutIds(grpc));
  EXPECT_EQ(rest, (Json{{"id", twins.rest_id},
                        {"name", rest.value("name", "")},
                        {"status", "MIGRATING"},
                        {"error", ""}}));
}

Json ParityTest::ShowBoth(const std::string& task_id) {
  Json rest = RestOk("GET", "/migration-task/" + task_id);
  EXPECT_EQ(rest, GrpcOk(&Stub::ShowTask, TaskReq(task_id)));
  return rest;
}

}  // namespace rms::e2e
