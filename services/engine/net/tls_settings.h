// TlsSettings: how a client connection to a Redis peer uses TLS (our extension of the API).
#pragma once

#include <string>

namespace rms::engine::net {

// Client-side TLS for one peer. With `enabled` false every other field is ignored.
struct TlsSettings {
  bool enabled = false;
  // PEM CA certificates the server's certificate must chain to; "" = the system's trust store.
  std::string ca_cert;
  // The name checked against the server's certificate and sent as SNI; "" = the host connected
  // to (an IP literal is checked against the certificate's IP addresses and sent as no SNI).
  std::string server_name;
  // Accepts any server certificate (no chain, no name check): encryption without authentication.
  bool insecure_skip_verify = false;
};

}  // namespace rms::engine::net
