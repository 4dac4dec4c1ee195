// Test helper: small REST and gRPC clients for migrationd, returning replies as JSON.
#pragma once

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "google/protobuf/message.h"
#include "rms/v1/migration.grpc.pb.h"

namespace rms::test_support {

using Json = nlohmann::json;
using Headers = std::vector<std::pair<std::string, std::string>>;

// The message as JSON with the proto field names, every scalar printed and enums as names: the
// rendering the REST gateway promises for the same message.
Json ToJson(const google::protobuf::Message& message);

// Parses `json` (proto field names; strings for string fields) into a message; false on error.
bool FromJson(const Json& json, google::protobuf::Message& message);

struct HttpReply {
  int status = 0;  // 0 when the request failed below HTTP
  std::string body;
  Json json;               // discarded (is_discarded()) when the body is not JSON
  std::string request_id;  // the X-Request-Id header
};

// A REST client on 127.0.0.1:port. `token` "" sends no X-Auth-Token.
class RestClient {
 public:
  RestClient(int port, std::string token) : port_(port), token_(std::move(token)) {}
  // `method` is GET, POST, PUT or DELETE (anything else is sent as GET); a POST or PUT without
  // `body` sends Content-Length: 0.
  HttpReply Send(const std::string& method, const std::string& path, const std::string& body = "",
                 const Headers& headers = {}) const;
  int port() const { return port_; }

 private:
  int port_;
  std::string token_;
};

// Headers that sign `method path?query` with `body` by SDK-HMAC-SHA256 (X-Sdk-Date = now, Host =
// 127.0.0.1:port), as the official SDK signers do.
Headers SdkSignedHeaders(const std::string& ak, const std::string& sk, int port,
                         const std::string& method, const std::string& path,
                         const std::string& body);

// The result of one gRPC call.
template <typename Response>
struct GrpcReply {
  grpc::Status status;
  std::string dcs_code;  // trailing metadata "dcs-error-code", "" when absent
  Response response;
  Json json;  // ToJson(response) when the call succeeded
};

// A MigrationService client on 127.0.0.1:port. `token` "" sends no x-auth-token.
class GrpcClient {
 public:
  GrpcClient(int port, std::string token);
  // Over a channel with `credentials` (e.g. grpc::SslCredentials for a TLS server).
  GrpcClient(int port, std::string token, std::shared_ptr<grpc::ChannelCredentials> credentials);

  template <typename Request, typename Response>
  GrpcReply<Response> Call(grpc::Status (v1::MigrationService::Stub::*method)(grpc::ClientContext*,
                                                                              const Request&,
                                                                              Response*),
                           const Request& request) const {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    if (!token_.empty()) context.AddMetadata("x-auth-token", token_);
    GrpcReply<Response> reply;
    reply.status = (stub_.get()->*method)(&context, request, &reply.response);
    reply.dcs_code = TrailingCode(context);
    if (reply.status.ok()) reply.json = ToJson(reply.response);
    return reply;
  }

 private:
  static std::string TrailingCode(const grpc::ClientContext& context);

  std::string token_;
  std::unique_ptr<v1::MigrationService::Stub> stub_;
};

}  // namespace rms::test_support
