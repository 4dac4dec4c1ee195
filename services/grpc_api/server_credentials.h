// TLS credentials of the gRPC server from the PEM files given to migrationd.
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "grpcpp/security/server_credentials.h"

namespace rms::grpc_api {

// grpc::SslServerCredentials with the certificate chain and private key read from these PEM
// files (no client certificates requested). INVALID_ARGUMENT naming a file that cannot be read
// or is empty; the message never contains file contents.
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> TlsServerCredentials(
    const std::string& cert_file, const std::string& key_file);

}  // namespace rms::grpc_api
