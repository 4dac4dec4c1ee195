// ClusterTargetWriter: the replication stream: SELECT, PING and MULTI/EXEC handled here, every
// other command routed by its keys' slots to the owning masters' writers.
#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "services/common/status_macros.h"
#include "services/engine/cluster_writer/cluster_target_writer.h"
#include "services/engine/io/memory_budget.h"

namespace rms::engine::cluster_writer {

absl::Status ClusterTargetWriter::ApplyCommand(absl::Span<const std::string> args) {
  if (!error_.ok()) return error_;
  if (args.empty()) return absl::InvalidArgumentError("ApplyCommand: empty command");
  if (key_writer_ != nullptr) {
    return absl::FailedPreconditionError("ApplyCommand inside an RDB key");
  }
  error_ = StreamCommand(args);
  return error_;
}

absl::Status ClusterTargetWriter::StreamCommand(absl::Span<const std::string> args) {
  const std::string name = absl::AsciiStrToUpper(args[0]);
  if (name == "SELECT") {
    if (args.size() != 2 || !absl::SimpleAtoi(args[1], &stream_db_)) {
      return absl::InvalidArgumentError("SELECT without a database number");
    }
    return absl::OkStatus();
  }
  if (name == "PING") return absl::OkStatus();
  if (stream_db_ != 0) return NotInDbZero(stream_db_, absl::StrCat("the stream's ", name));
  if (name == "MULTI") {
    if (in_transaction_) return absl::FailedPreconditionError("MULTI inside MULTI");
    in_transaction_ = true;
    transaction_.clear();
    transaction_bytes_ = 0;
    return absl::OkStatus();
  }
  if (name == "DISCARD" || name == "EXEC") {
    if (!in_transaction_) {
      return absl::FailedPreconditionError(absl::StrCat(name, " without MULTI"));
    }
    in_transaction_ = false;
    std::vector<cluster::RoutedCommand> commands = std::move(transaction_);
    transaction_.clear();
    transaction_bytes_ = 0;
    return name == "EXEC" ? ApplyTransaction(commands) : absl::OkStatus();
  }
  ASSIGN_OR_RETURN(std::vector<cluster::RoutedCommand> routed, Route(args));
  if (in_transaction_) return HoldInTransaction(args, std::move(routed));
  bool redirected = false;
  for (const cluster::RoutedCommand& command : routed) {
    ASSIGN_OR_RETURN(writer::TargetWriter * master, WriterOfMaster(command.master));
    RETURN_IF_ERROR(master->ApplyCommand(command.args));
    redirected = redirected || master->has_redirected();
  }
  return redirected ? ResolveRedirects() : absl::OkStatus();
}

absl::Status ClusterTargetWriter::HoldInTransaction(absl::Span<const std::string> args,
                                                    std::vector<cluster::RoutedCommand> routed) {
  for (const std::string& arg : args) transaction_bytes_ += arg.size();
  if (transaction_bytes_ > max_transaction_bytes_) {
    return io::LimitError(
        io::kTransactionTooLarge,
        absl::StrCat("a MULTI..EXEC of the stream holds more than ", max_transaction_bytes_ >> 20,
                     " MiB of arguments (--max-transaction-mb)"));
  }
  for (cluster::RoutedCommand& command : routed) transaction_.push_back(std::move(command));
  return absl::OkStatus();
}

absl::StatusOr<std::vector<cluster::RoutedCommand>> ClusterTargetWriter::Route(
    absl::Span<const std::string> args) {
  const std::vector<absl::string_view> views(args.begin(), args.end());
  absl::StatusOr<std::vector<cluster::RoutedCommand>> routed =
      cluster::RouteCommand(views, keys_, slots_);
  if (routed.ok() || routed.status().code() != absl::StatusCode::kUnimplemented) return routed;
  ASSIGN_OR_RETURN(std::vector<size_t> positions, KeyPositionsFromServer(args));
  return cluster::RouteByKeys(views, positions, slots_);
}

// COMMAND GETKEYS <command...> answers the keys; their positions are found in `args` again.
absl::StatusOr<std::vector<size_t>> ClusterTargetWriter::KeyPositionsFromServer(
    absl::Span<const std::string> args) {
  std::vector<std::string> question = {"COMMAND", "GETKEYS"};
  question.insert(question.end(), args.begin(), args.end());
  ASSIGN_OR_RETURN(resp::RespValue reply, control_->Command(question));
  std::vector<size_t> positions;
  size_t from = 1;
  for (const resp::RespValue& key : reply.elements) {
    auto at = std::find(args.begin() + std::min(from, args.size()), args.end(), key.str);
    if (at == args.end()) at = std::find(args.begin() + 1, args.end(), key.str);
    if (at == args.end()) {
      return absl::FailedPreconditionError(
          "the target's COMMAND GETKEYS named a key that is not an argument");
    }
    positions.push_back(static_cast<size_t>(at - args.begin()));
    from = positions.back() + 1;
  }
  std::sort(positions.begin(), positions.end());
  positions.erase(std::unique(positions.begin(), positions.end()), positions.end());
  return positions;
}

}  // namespace rms::engine::cluster_writer
