// TlsServerCredentials: reads the PEM files and builds grpc::SslServerCredentials.
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
    const std::string& cert_file, const std::string& key_file) {
  grpc::SslServerCredentialsOptions options;
  grpc::SslServerCredentialsOptions::PemKeyCertPair pair;
  ASSIGN_OR_RETURN(pair.cert_chain, ReadPem(cert_file));
  ASSIGN_OR_RETURN(pair.private_key, ReadPem(key_file));
  options.pem_key_cert_pairs.push_back(std::move(pair));
  return grpc::SslServerCredentials(options);
}

}  // namespace rms::grpc_api
