// The fixture of the REST/gRPC parity tests: calls over both protocols and twin tasks.
#pragma once

#include <string>
#include <vector>

#include "tests/e2e/e2e_env.h"

namespace rms::e2e {

using Stub = v1::MigrationService::Stub;

// The passwords the parity tests send; no reply may contain one.
inline const std::vector<std::string> kParitySecrets = {"srcpass", "tgtpass", "instpass"};

// `json` without the fields that legitimately differ between twins: ids and timestamps.
Json WithoutIds(Json json);

// The founding example: incremental, auto, bandwidth `bandwidth`, 127.0.0.1:6379 (srcpass) to
// 127.0.0.1:6380 (tgtpass).
Json SeedConfigure(const Json& bandwidth);

// Adds a failure if `text` contains one of kParitySecrets.
void ExpectNoSecrets(const std::string& text);

v1::TaskIdRequest TaskRequest(const std::string& task_id, const std::string& project);

// A request of `project` whose body is `body` (JSON with proto field names).
template <typename Request>
Request RequestWithBody(const std::string& project, const Json& body) {
  Request request;
  request.set_project_id(project);
  EXPECT_TRUE(test_support::FromJson(body, *request.mutable_body())) << body.dump();
  return request;
}

// One task created over REST and one over gRPC from the same body.
struct Twins {
  std::string rest_id, grpc_id, rest_job, grpc_job;
};

class ParityTest : public E2eTest {
 protected:
  // A request of project a whose body is `body`.
  template <typename Request>
  Request WithBody(const Json& body) const {
    return RequestWithBody<Request>(project_a_, body);
  }
  v1::TaskIdRequest TaskReq(const std::string& task_id) const {
    return TaskRequest(task_id, project_a_);
  }

  // A REST call of project a (path below /v2/<project a>) that must answer 200; returns the body.
  Json RestOk(const std::string& method, const std::string& path, const Json& body = nullptr);

  // A gRPC call that must succeed; returns the reply as JSON.
  template <typename Request, typename Response>
  Json GrpcOk(grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
              const Request& request) {
    auto reply = a_.grpc->Call(method, request);
    EXPECT_TRUE(reply.status.ok()) << reply.status.error_message() << " " << reply.dcs_code;
    ExpectNoSecrets(reply.json.dump());
    ExpectNoSecrets(reply.status.error_message());
    return reply.json;
  }

  // Creates `name` over both protocols; both replies must agree and say RUNNING.
  Twins CreateTwins(const std::string& name);
  // Configures the REST twin over REST and the gRPC twin over gRPC; both must say MIGRATING.
  void ConfigureTwins(const Twins& twins, const Json& rest_body, const Json& grpc_body);
  // Shows one task over both protocols; the views must be identical. Returns the view.
  Json ShowBoth(const std::string& task_id);
};

}  // namespace rms::e2e
