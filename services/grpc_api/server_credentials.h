// TLS credentials of the gRPC server from the PEM files given to migrationd.
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "grpcpp/security/server_credentials.h"

namespace rms::grpc_api {

// grpc::SslServerCredentials with the certificate chain and private key read from these PEM
// files. Without `client_ca_file` no client certificate is requested; with it (a PEM bundle of
// CAs) every client must present a certificate that verifies against one of those CAs, or its
// handshake fails (mutual TLS). INVALID_ARGUMENT naming a file that cannot be read or is empty;
// the message never contains file contents.
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> TlsServerCredentials(
    const std::string& cert_file, const std::string& key_file,
    const std::string& client_ca_file = "");

}  // namespace rms::grpc_api
