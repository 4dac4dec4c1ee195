// Test helper: runs migrationctl as a child process and collects its output and exit code.
#include "tests/e2e/ctl/ctl_process.h"

#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

extern char** environ;

namespace rms::e2e {
namespace {

// argv and envp for execve, built before fork (the child only execs).
struct ExecArgs {
  std::vector<std::string> strings_argv;
  std::vector<std::string> strings_env;
  std::vector<char*> argv;
  std::vector<char*> envp;
};

void BuildExecArgs(const std::vector<std::string>& args, const CtlOptions& options,
                   ExecArgs& exec) {
  exec.strings_argv.push_back(RMS_MIGRATIONCTL_PATH);
  exec.strings_argv.insert(exec.strings_argv.end(), args.begin(), args.end());
  for (char** var = environ; *var != nullptr; ++var) {
    if (!absl::StartsWith(*var, "RMS_")) exec.strings_env.push_back(*var);
  }
  for (const auto& [name, value] : options.env) exec.strings_env.push_back(name + "=" + value);
  for (std::string& arg : exec.strings_argv) exec.argv.push_back(arg.data());
  for (std::string& var : exec.strings_env) exec.envp.push_back(var.data());
  exec.argv.push_back(nullptr);
  exec.envp.push_back(nullptr);
}

[[noreturn]] void Exec(const ExecArgs& exec) {
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  execve(exec.argv[0], exec.argv.data(), exec.envp.data());
  _exit(127);
}

// Reads every fd in `fds` into the matching string until all reach EOF (or EIO, a closed
// pseudo-terminal) or `deadline` passes.
void Drain(std::vector<int> fds, std::vector<std::string*> outputs, absl::Time deadline) {
  std::vector<pollfd> polls;
  for (int fd : fds) polls.push_back({fd, POLLIN, 0});
  size_t open = polls.size();
  char buffer[4096];
  while (open > 0 && absl::Now() < deadline) {
    if (poll(polls.data(), polls.size(), 100) < 0 && errno != EINTR) return;
    for (size_t i = 0; i < polls.size(); ++i) {
      if (polls[i].fd < 0 || polls[i].revents == 0) continue;
      const ssize_t n = read(polls[i].fd, buffer, sizeof(buffer));
      if (n > 0) {
        outputs[i]->append(buffer, static_cast<size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        polls[i].fd = -1;
        --open;
      }
    }
  }
}

int Reap(pid_t pid, absl::Time deadline) {
  int status = 0;
  while (waitpid(pid, &status, WNOHANG) == 0) {
    if (absl::Now() >= deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      return -1;
    }
    poll(nullptr, 0, 20);  // the child closed its output: it is exiting
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

CtlRun RunCtl(const std::vector<std::string>& args, const CtlOptions& options) {
  ExecArgs exec;
  BuildExecArgs(args, options, exec);
  int in[2], out[2], err[2];
  CtlRun run;
  if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0) {
    run.err = "pipe2 failed";
    return run;
  }
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(in[0], STDIN_FILENO);
    dup2(out[1], STDOUT_FILENO);
    dup2(err[1], STDERR_FILENO);
    Exec(exec);
  }
  close(in[0]);
  close(out[1]);
  close(err[1]);
  // Small texts only: they fit the pipe's buffer, so this write does not block.
  [[maybe_unused]] ssize_t n = write(in[1], options.stdin_text.data(), options.stdin_text.size());
  close(in[1]);
  const absl::Time deadline = absl::Now() + options.timeout;
  Drain({out[0], err[0]}, {&run.out, &run.err}, deadline);
  close(out[0]);
  close(err[0]);
  run.exit_code = Reap(pid, deadline + absl::Seconds(5));
  return run;
}

CtlRun RunCtlOnTerminal(const std::vector<std::string>& args, const CtlOptions& options) {
  ExecArgs exec;
  BuildExecArgs(args, options, exec);
  CtlRun run;
  int master = -1;
  const pid_t pid = forkpty(&master, nullptr, nullptr, nullptr);
  if (pid < 0) {
    run.err = absl::StrCat("forkpty: ", strerror(errno));
    return run;
  }
  if (pid == 0) Exec(exec);
  const absl::Time deadline = absl::Now() + options.timeout;
  Drain({master}, {&run.out}, deadline);
  close(master);
  run.exit_code = Reap(pid, deadline + absl::Seconds(5));
  return run;
}

std::string Describe(const CtlRun& run) {
  return absl::StrCat("exit ", run.exit_code, "\nstdout:\n", run.out, "\nstderr:\n", run.err);
}

}  // namespace rms::e2e
