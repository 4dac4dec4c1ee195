// ServiceState: the database (embedded or external), the stores over it and the secret key.
#include "services/server/service_state.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "services/common/log.h"
#include "services/common/redact.h"
#include "services/common/status_macros.h"

namespace rms::server {
namespace {

absl::Status MakeDataDir(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot create data directory ", dir, ": ", ec.message()));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<ServiceState>> ServiceState::Open(const DatabaseOptions& options,
                                                                 bool attach_if_running) {
  std::unique_ptr<ServiceState> state(new ServiceState());
  RETURN_IF_ERROR(MakeDataDir(options.data_dir));
  const std::string key_file =
      options.key_file.empty() ? options.data_dir + "/secret.key" : options.key_file;
  ASSIGN_OR_RETURN(crypto::SecretBox box, crypto::SecretBox::LoadOrCreateKeyFile(key_file));
  state->secrets_ = std::make_unique<crypto::SecretBox>(box);
  std::string url = options.database_url;
  if (url.empty()) RETURN_IF_ERROR(state->OpenEmbedded(options, attach_if_running, &url));
  ASSIGN_OR_RETURN(state->store_, storage::PgStore::Open(url, options.pool_size));
  LogInfo(absl::StrCat("database ready: ", RedactUrl(url)));
  return state;
}

absl::Status ServiceState::OpenEmbedded(const DatabaseOptions& options, bool attach_if_running,
                                        std::string* url) {
  const std::string lock_path = options.data_dir + "/migrationd.lock";
  lock_fd_ = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (lock_fd_ < 0) {
    return absl::FailedPreconditionError(absl::StrCat("cannot open ", lock_path));
  }
  if (::flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK || !attach_if_running) {
      return absl::FailedPreconditionError(absl::StrCat(
          "another migrationd is using data directory ", options.data_dir,
          " (", lock_path, " is locked); stop it or choose another --data-dir"));
    }
    *url = storage::EmbeddedPostgres::UrlFor(options.data_dir);
    return absl::OkStatus();
  }
  embedded_ = std::make_unique<storage::EmbeddedPostgres>();
  ASSIGN_OR_RETURN(*url, embedded_->Start(options.data_dir));
  return absl::OkStatus();
}

ServiceState::~ServiceState() {
  store_.reset();
  if (embedded_) {
    if (absl::Status s = embedded_->Stop(); !s.ok()) LogError(s.ToString());
  }
  if (lock_fd_ >= 0) ::close(lock_fd_);
}

}  // namespace rms::server
