// MakeClientCertificate and MakeServerCertificate: three openssl commands each (CA, request, CA
// signature).
#include "tests/support/client_certificates.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

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

// A CA <base>-ca.pem and a certificate <base>-<role>.pem (CN=<name>-<role>) it signed, with the
// extensions of `extensions` ("" = none).
absl::StatusOr<ClientCertificate> Issue(const std::string& dir, const std::string& name,
                                        const std::string& role, const std::string& extensions) {
  const std::string base = absl::StrCat(dir, "/", name);
  ClientCertificate out{base + "-ca.pem", absl::StrCat(base, "-", role, ".pem"),
                        absl::StrCat(base, "-", role, ".key")};
  const std::string ca_key = base + "-ca.key", request = absl::StrCat(base, "-", role, ".csr");
  std::string extfile;
  if (!extensions.empty()) {
    extfile = absl::StrCat(base, "-", role, ".ext");
    std::ofstream(extfile) << extensions << "\n";
    extfile = absl::StrCat(" -extfile ", extfile);
  }
  absl::Status status = Run(absl::StrCat("openssl req -x509", kEcKey, " -days 2 -subj '/CN=", name,
                                         " test CA' -keyout ", ca_key, " -out ", out.ca_file));
  if (status.ok()) {
    status = Run(absl::StrCat("openssl req", kEcKey, " -subj /CN=", name, "-", role, " -keyout ",
                              out.key_file, " -out ", request));
  }
  if (status.ok()) {
    status = Run(absl::StrCat("openssl x509 -req -in ", request, " -CA ", out.ca_file, " -CAkey ",
                              ca_key, " -set_serial 1 -days 2", extfile, " -out ", out.cert_file));
  }
  if (!status.ok()) return status;
  return out;
}

}  // namespace

absl::StatusOr<ClientCertificate> MakeClientCertificate(const std::string& dir,
                                                        const std::string& name) {
  return Issue(dir, name, "client", "");
}

absl::StatusOr<ServerCertificate> MakeServerCertificate(const std::string& dir,
                                                        const std::string& name) {
  return Issue(dir, name, "server", "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1");
}

std::string ReadPemFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace rms::test_support
