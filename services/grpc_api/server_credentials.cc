// TlsServerCredentials: reads the PEM files and builds grpc::SslServerCredentials (mutual TLS
// when given client CAs).
#include "services/grpc_api/server_credentials.h"

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "services/common/status_macros.h"

namespace rms::grpc_api {
namespace {

absl::StatusOr<std::string> ReadPem(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in.is_open() || text.str().empty()) {
    return absl::InvalidArgumentError(absl::StrCat("cannot read the PEM file ", path));
  }
  return text.str();
}

}  // namespace

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> TlsServerCredentials(
    const std::string& cert_file, const std::string& key_file, const std::string& client_ca_file) {
  grpc::SslServerCredentialsOptions options;
  grpc::SslServerCredentialsOptions::PemKeyCertPair pair;
  ASSIGN_OR_RETURN(pair.cert_chain, ReadPem(cert_file));
  ASSIGN_OR_RETURN(pair.private_key, ReadPem(key_file));
  options.pem_key_cert_pairs.push_back(std::move(pair));
  if (!client_ca_file.empty()) {
    ASSIGN_OR_RETURN(options.pem_root_certs, ReadPem(client_ca_file));
    options.client_certificate_request = GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY;
  }
  return grpc::SslServerCredentials(options);
}

}  // namespace rms::grpc_api
