// Runs local programs (optionally as another system user) and inspects files for the embedded
// server.
#include "storage/os_process.h"

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace rms::storage {
namespace {

// In the forked child: only async-signal-safe calls until exec.
[[noreturn]] void ExecChild(char* const* argv, const OsUser* user, const char* cwd, int out_fd,
                            int max_fd) {
  int null_fd = open("/dev/null", O_RDONLY);
  if (null_fd < 0 || dup2(null_fd, 0) < 0 || dup2(out_fd, 1) < 0 || dup2(out_fd, 2) < 0) {
    _exit(126);
  }
  if (close_range(3, ~0U, 0) != 0) {
    for (int fd = 3; fd < max_fd; ++fd) close(fd);
  }
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  signal(SIGPIPE, SIG_DFL);
  if (user != nullptr) {
    if (setgroups(1, &user->gid) != 0 || setgid(user->gid) != 0 || setuid(user->uid) != 0) {
      _exit(126);
    }
  }
  if (chdir(cwd) != 0) _exit(126);
  execv(argv[0], argv);
  _exit(127);
}

absl::StatusOr<int> WaitExitCode(pid_t pid, absl::string_view program) {
  int wait_status = 0;
  while (waitpid(pid, &wait_status, 0) < 0) {
    if (errno != EINTR) return absl::InternalError(absl::StrCat("waitpid: ", strerror(errno)));
  }
  if (WIFEXITED(wait_status)) return WEXITSTATUS(wait_status);
  return absl::InternalError(
      absl::StrCat(program, " was killed by signal ", WTERMSIG(wait_status)));
}

}  // namespace

bool RunningAsRoot() { return geteuid() == 0; }

absl::StatusOr<OsUser> LookupOsUser(absl::string_view name) {
  std::string user_name(name);
  struct passwd entry;
  struct passwd* found = nullptr;
  std::vector<char> buffer(16384);
  if (getpwnam_r(user_name.c_str(), &entry, buffer.data(), buffer.size(), &found) != 0 ||
      found == nullptr) {
    return absl::NotFoundError(absl::StrCat("there is no system user '", name, "'"));
  }
  return OsUser{user_name, found->pw_uid, found->pw_gid};
}

absl::StatusOr<int> RunProcess(const std::vector<std::string>& argv,
                               const std::optional<OsUser>& user, const std::string& cwd,
                               const std::string& output_path) {
  if (argv.empty()) return absl::InvalidArgumentError("empty command");
  std::vector<char*> args;
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  int out_fd = open(output_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (out_fd < 0) {
    return absl::InternalError(absl::StrCat("cannot open ", output_path, ": ", strerror(errno)));
  }
  const int max_fd = static_cast<int>(std::min<long>(sysconf(_SC_OPEN_MAX), 65536));
  pid_t pid = fork();
  if (pid == 0) ExecChild(args.data(), user ? &*user : nullptr, cwd.c_str(), out_fd, max_fd);
  int fork_errno = errno;
  close(out_fd);
  if (pid < 0) return absl::InternalError(absl::StrCat("fork: ", strerror(fork_errno)));
  return WaitExitCode(pid, argv[0]);
}

absl::StatusOr<bool> UserCanSearch(const OsUser& user, const std::string& path) {
  pid_t pid = fork();
  if (pid == 0) {
    if (setgroups(1, &user.gid) != 0 || setgid(user.gid) != 0 || setuid(user.uid) != 0) {
      _exit(2);
    }
    _exit(access(path.c_str(), X_OK) == 0 ? 0 : 1);
  }
  if (pid < 0) return absl::InternalError(absl::StrCat("fork: ", strerror(errno)));
  absl::StatusOr<int> code = WaitExitCode(pid, "access check");
  if (!code.ok()) return code.status();
  if (*code == 2) return absl::InternalError(absl::StrCat("cannot switch to user ", user.name));
  return *code == 0;
}

absl::Status ChownTree(const std::string& path, const OsUser& user) {
  namespace fs = std::filesystem;
  struct stat info;
  if (lstat(path.c_str(), &info) == 0 && info.st_uid == user.uid && info.st_gid == user.gid) {
    return absl::OkStatus();  // handed over before: skip walking a possibly large tree
  }
  if (lchown(path.c_str(), user.uid, user.gid) != 0) {
    return absl::InternalError(absl::StrCat("chown ", path, ": ", strerror(errno)));
  }
  std::error_code error;
  for (fs::recursive_directory_iterator it(path, error), end; !error && it != end;
       it.increment(error)) {
    if (lchown(it->path().c_str(), user.uid, user.gid) != 0) {
      return absl::InternalError(
          absl::StrCat("chown ", it->path().string(), ": ", strerror(errno)));
    }
  }
  if (error) return absl::InternalError(absl::StrCat("listing ", path, ": ", error.message()));
  return absl::OkStatus();
}

namespace {

bool WorksIn(const std::string& proc_dir, const std::string& dir) {
  std::error_code error;
  std::filesystem::path cwd = std::filesystem::read_symlink(proc_dir + "/cwd", error);
  if (error) return false;  // gone, a zombie, or not ours to inspect
  return std::filesystem::equivalent(cwd, dir, error) && !error;
}

}  // namespace

bool IsPostmasterOf(pid_t pid, const std::string& data_dir) {
  if (pid <= 0) return false;
  const std::string proc = absl::StrCat("/proc/", pid);
  std::ifstream stat_file(proc + "/stat");
  std::string stat;
  if (!std::getline(stat_file, stat)) return false;
  size_t name_end = stat.rfind(')');  // "<pid> (<comm>) <state> ..."
  if (name_end == std::string::npos || name_end + 2 >= stat.size()) return false;
  absl::string_view name = absl::string_view(stat).substr(0, name_end);
  name = name.substr(name.find('(') + 1);
  char state = stat[name_end + 2];
  if (state == 'Z' || state == 'X' || (name != "postgres" && name != "postmaster")) return false;
  return WorksIn(proc, data_dir);
}

std::vector<pid_t> ProcessesWorkingIn(const std::string& dir) {
  std::vector<pid_t> pids;
  std::error_code error;
  for (std::filesystem::directory_iterator it("/proc", error), end; !error && it != end;
       it.increment(error)) {
    const std::string name = it->path().filename().string();
    if (name.empty() || !std::all_of(name.begin(), name.end(), ::isdigit)) continue;
    if (WorksIn(it->path().string(), dir)) pids.push_back(static_cast<pid_t>(std::stol(name)));
  }
  return pids;
}

std::string FileTail(const std::string& path, size_t max_bytes) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return "";
  std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  if (text.size() <= max_bytes) return text;
  text.erase(0, text.size() - max_bytes);
  size_t newline = text.find('\n');
  if (newline != std::string::npos && newline + 1 < text.size()) text.erase(0, newline + 1);
  return text;
}

}  // namespace rms::storage
