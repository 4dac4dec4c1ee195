// Test helper: small REST and gRPC clients for migrationd, returning replies as JSON.
#include "tests/support/api_clients.h"

#include <httplib.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "google/protobuf/util/json_util.h"
#include "services/auth/sdk_signing.h"

namespace rms::test_support {

Json ToJson(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.always_print_primitive_fields = true;
  options.preserve_proto_field_names = true;
  std::string text;
  if (!google::protobuf::util::MessageToJsonString(message, &text, options).ok()) {
    return Json::value_t::discarded;
  }
  return Json::parse(text, nullptr, false);
}

bool FromJson(const Json& json, google::protobuf::Message& message) {
  return google::protobuf::util::JsonStringToMessage(json.dump(), &message).ok();
}

namespace {

httplib::Result Dispatch(httplib::Client& client, const std::string& method,
                         const std::string& path, const httplib::Headers& headers,
                         const std::string& body) {
  const char* type = "application/json";
  if (method == "POST") {
    return body.empty() ? client.Post(path, headers) : client.Post(path, headers, body, type);
  }
  if (method == "PUT") return client.Put(path, headers, body, type);
  if (method == "DELETE") {
    return body.empty() ? client.Delete(path, headers) : client.Delete(path, headers, body, type);
  }
  return client.Get(path, headers);
}

}  // namespace

HttpReply RestClient::Send(const std::string& method, const std::string& path,
                           const std::string& body, const Headers& headers) const {
  httplib::Client client("127.0.0.1", port_);
  client.set_connection_timeout(10);
  client.set_read_timeout(30);
  client.set_write_timeout(30);
  httplib::Headers all;
  if (!token_.empty()) all.emplace("X-Auth-Token", token_);
  for (const auto& [name, value] : headers) all.emplace(name, value);
  httplib::Result result = Dispatch(client, method, path, all, body);
  HttpReply reply;
  if (!result) return reply;
  reply.status = result->status;
  reply.body = result->body;
  reply.json = Json::parse(result->body, nullptr, false);
  reply.request_id = result->get_header_value("X-Request-Id");
  return reply;
}

Headers SdkSignedHeaders(const std::string& ak, const std::string& sk, int port,
                         const std::string& method, const std::string& path,
                         const std::string& body) {
  auth::SignableRequest signable;
  signable.method = method;
  const size_t question = path.find('?');
  signable.path = path.substr(0, question);
  if (question != std::string::npos) {
    // Plain key=value pairs only: the tests sign no percent-encoded queries.
    for (absl::string_view pair :
         absl::StrSplit(path.substr(question + 1), '&', absl::SkipEmpty())) {
      std::pair<std::string, std::string> kv = absl::StrSplit(pair, absl::MaxSplits('=', 1));
      signable.query.push_back(std::move(kv));
    }
  }
  const std::string date = absl::FormatTime("%Y%m%dT%H%M%SZ", absl::Now(), absl::UTCTimeZone());
  Headers headers = {{"Host", absl::StrCat("127.0.0.1:", port)}, {"X-Sdk-Date", date}};
  for (const auto& [name, value] : headers) signable.headers.emplace(name, value);
  signable.body = body;
  absl::StatusOr<std::string> authorization = auth::SignAsClient(ak, sk, signable);
  if (authorization.ok()) headers.emplace_back("Authorization", *authorization);
  return headers;
}

GrpcClient::GrpcClient(int port, std::string token)
    : GrpcClient(port, std::move(token), grpc::InsecureChannelCredentials()) {}

GrpcClient::GrpcClient(int port, std::string token,
                       std::shared_ptr<grpc::ChannelCredentials> credentials)
    : token_(std::move(token)),
      stub_(v1::MigrationService::NewStub(
          grpc::CreateChannel(absl::StrCat("127.0.0.1:", port), std::move(credentials)))) {}

std::string GrpcClient::TrailingCode(const grpc::ClientContext& context) {
  const auto& trailers = context.GetServerTrailingMetadata();
  auto it = trailers.find("dcs-error-code");
  return it == trailers.end() ? "" : std::string(it->second.data(), it->second.size());
}

}  // namespace rms::test_support
