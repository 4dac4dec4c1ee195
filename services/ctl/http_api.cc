// The Api over HTTP or HTTPS with cpp-httplib.
#include "services/ctl/http_api.h"

#include <httplib.h>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "services/common/status_macros.h"
#include "services/ctl/exit_codes.h"
#include "services/ctl/request_auth.h"

namespace rms::ctl {
namespace {

constexpr char kJsonType[] = "application/json";

httplib::Result Send(httplib::Client& client, const ApiRequest& request,
                     const httplib::Headers& headers) {
  const std::string target = RequestTarget(request);
  const std::string& body = request.body;
  if (request.method == "POST") {
    return body.empty() ? client.Post(target.c_str(), headers)
                        : client.Post(target.c_str(), headers, body, kJsonType);
  }
  if (request.method == "PUT") return client.Put(target.c_str(), headers, body, kJsonType);
  if (request.method == "DELETE") {
    return body.empty() ? client.Delete(target.c_str(), headers)
                        : client.Delete(target.c_str(), headers, body, kJsonType);
  }
  return client.Get(target.c_str(), headers);
}

}  // namespace

absl::StatusOr<Json> HttpApi::Call(const ApiRequest& request) {
  ASSIGN_OR_RETURN(HeaderList auth, AuthHeaders(connection_, request, absl::Now()));
  httplib::Headers headers(auth.begin(), auth.end());
  const Endpoint& endpoint = connection_.endpoint;
  // The client certificate and key (both or neither) are only used by an https:// client.
  httplib::Client client(absl::StrCat(endpoint.tls ? "https://" : "http://", endpoint.authority),
                         connection_.client_cert_file, connection_.client_key_file);
  if (endpoint.tls) {
    client.enable_server_certificate_verification(true);
    if (!connection_.ca_file.empty()) client.set_ca_cert_path(connection_.ca_file.c_str());
  }
  client.set_url_encode(false);  // the target is encoded already, exactly as it was signed
  const int64_t seconds = absl::ToInt64Seconds(timeout_);
  client.set_connection_timeout(10);
  client.set_read_timeout(seconds);
  client.set_write_timeout(seconds);
  httplib::Result result = Send(client, request, headers);
  if (!result) {
    return ConnectError(absl::StrCat("cannot reach ", connection_.endpoint.Url(), ": ",
                                     httplib::to_string(result.error())));
  }
  return DecodeReply(result->status, result->body);
}

}  // namespace rms::ctl
