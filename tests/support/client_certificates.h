// Test helper: a throwaway CA and a client or server certificate it signed, made with the openssl
// command, for tests of mutual TLS and of TLS to Redis peers.
#pragma once

#include <string>

#include "absl/status/statusor.h"

namespace rms::test_support {

// PEM files of one made-up CA and of one client certificate it signed.
struct ClientCertificate {
  std::string ca_file;    // the CA certificate (what a server trusts: --tls-client-ca)
  std::string cert_file;  // the client certificate, signed by that CA
  std::string key_file;   // the client's private key
};

// Writes <dir>/<name>-ca.pem (self-signed CA, CN=<name> test CA), <dir>/<name>-client.pem and
// <dir>/<name>-client.key (CN=<name>-client, signed by that CA; valid two days). `name` is a
// plain word. INTERNAL when openssl fails.
absl::StatusOr<ClientCertificate> MakeClientCertificate(const std::string& dir,
                                                        const std::string& name);

// The same files for a server: <dir>/<name>-ca.pem, <dir>/<name>-server.pem and
// <dir>/<name>-server.key (CN=<name>-server, subjectAltName DNS:localhost, IP:127.0.0.1, IP:::1).
using ServerCertificate = ClientCertificate;
absl::StatusOr<ServerCertificate> MakeServerCertificate(const std::string& dir,
                                                        const std::string& name);

// The text of the file at `path` (a PEM file made above), "" when it cannot be read.
std::string ReadPemFile(const std::string& path);

}  // namespace rms::test_support
