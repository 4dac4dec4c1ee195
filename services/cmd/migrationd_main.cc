// migrationd: parses the command line and runs the server or a credentials command.
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "services/common/log.h"
#include "services/server/command_line.h"
#include "services/server/credentials_commands.h"
#include "services/server/migrationd.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  const char* database_url = std::getenv(rms::server::kDatabaseUrlEnv);
  absl::StatusOr<rms::server::Command> command =
      rms::server::ParseCommandLine(args, database_url == nullptr ? "" : database_url);
  if (!command.ok()) {
    std::cerr << "migrationd: " << command.status().message() << "\n\n" << rms::server::Usage();
    return 2;
  }
  absl::Status status;
  switch (command->kind) {
    case rms::server::Command::Kind::kHelp:
      std::cout << rms::server::Usage();
      return 0;
    case rms::server::Command::Kind::kCreateCredentials:
      status = rms::server::RunCreateCredentials(command->credentials, std::cout);
      break;
    case rms::server::Command::Kind::kListCredentials:
      status = rms::server::RunListCredentials(command->credentials, std::cout);
      break;
    case rms::server::Command::Kind::kRevokeCredentials:
      status = rms::server::RunRevokeCredentials(command->credentials, std::cout);
      break;
    case rms::server::Command::Kind::kServe:
      status = rms::server::RunServer(command->serve);
      break;
  }
  if (!status.ok()) {
    rms::LogError(std::string(status.message()));
    return 1;
  }
  return 0;
}
