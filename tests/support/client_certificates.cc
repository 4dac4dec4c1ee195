// MakeClientCertificate: three openssl commands (CA, client request, CA signature).
#include "tests/support/client_certificates.h"

#include <cstdlib>

#include "absl/strings/str_cat.h"

namespace rms::test_support {
namespace {

constexpr char kEcKey[] = " -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";

absl::Status Run(const std::string& command) {
  if (std::system(absl::StrCat(command, " >/dev/null 2>&1").c_str()) != 0) {
    return absl::InternalError(absl::StrCat("failed: ", command));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<ClientCertificate> MakeClientCertificate(const std::string& dir,
                                                        const std::string& name) {
  const std::string base = absl::StrCat(dir, "/", name);
  ClientCertificate out{base + "-ca.pem", base + "-client.pem", base + "-client.key"};
  const std::string ca_key = base + "-ca.key", request = base + "-client.csr";
  absl::Status status = Run(absl::StrCat("openssl req -x509", kEcKey, " -days 2 -subj '/CN=", name,
                                         " test CA' -keyout ", ca_key, " -out ", out.ca_file));
  if (status.ok()) {
    status = Run(absl::StrCat("openssl req", kEcKey, " -subj /CN=", name, "-client -keyout ",
                              out.key_file, " -out ", request));
  }
  if (status.ok()) {
    status = Run(absl::StrCat("openssl x509 -req -in ", request, " -CA ", out.ca_file, " -CAkey ",
                              ca_key, " -set_serial 1 -days 2 -out ", out.cert_file));
  }
  if (!status.ok()) return status;
  return out;
}

}  // namespace rms::test_support
