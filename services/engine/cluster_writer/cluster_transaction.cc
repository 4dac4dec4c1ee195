// ClusterTargetWriter: a transaction of the stream, sent as one MULTI..EXEC per slot it touches
// (Redis Cluster runs a transaction only when all its keys share a slot): applied per slot, not
// atomically across slots. Each block is sent once the pipelines before it are flushed, and its
// replies are checked at once, so a redirected block is sent again whole.
#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "services/common/status_macros.h"
#include "services/engine/cluster_writer/cluster_target_writer.h"
#include "services/engine/cluster_writer/transaction_replies.h"
#include "services/engine/resp/resp.h"
#include "services/engine/writer/command_pipeline.h"
#include "services/engine/writer/reply_errors.h"

namespace rms::engine::cluster_writer {
namespace {

constexpr int kMaxTransactionRedirects = 8;
// How long a transaction waits for a slot migration that splits its keys.
constexpr absl::Duration kTryAgainFor = absl::Seconds(10);

// [ASKING] MULTI <commands...> EXEC as one RESP string.
std::string EncodeTransaction(const std::vector<std::vector<std::string>>& commands, bool asking) {
  std::string out;
  if (asking) resp::AppendCommand(out, {"ASKING"});
  resp::AppendCommand(out, {"MULTI"});
  for (const std::vector<std::string>& command : commands) {
    resp::AppendCommandStrings(out, command);
  }
  resp::AppendCommand(out, {"EXEC"});
  return out;
}

std::string NameOf(absl::Span<const std::string> args) {
  const std::vector<absl::string_view> views(args.begin(), args.end());
  return writer::CommandName(views);
}

}  // namespace

// Commands of one slot form one block. A command without keys (FLUSHDB in a transaction) acts on
// what the commands before it wrote and under what those after it write: it ends the run of
// blocks that it joins no more, so the blocks keep the transaction's order around it.
absl::Status ClusterTargetWriter::ApplyTransaction(
    const std::vector<cluster::RoutedCommand>& commands) {
  std::vector<TransactionGroup> groups;
  size_t run_start = 0;  // blocks before this one are closed
  for (const cluster::RoutedCommand& command : commands) {
    if (!groups.empty() && (groups.back().slot < 0) != (command.slot < 0)) {
      run_start = groups.size();
    }
    TransactionGroup* group = nullptr;
    for (size_t i = run_start; i < groups.size(); ++i) {
      TransactionGroup& candidate = groups[i];
      if (candidate.slot == command.slot &&
          (command.slot >= 0 || candidate.master == command.master)) {
        group = &candidate;
      }
    }
    if (group == nullptr) {
      groups.push_back(TransactionGroup{command.master, command.slot, {}});
      group = &groups.back();
    }
    group->commands.push_back(command.args);
  }
  for (const TransactionGroup& group : groups) RETURN_IF_ERROR(SendTransaction(group));
  return absl::OkStatus();
}

cluster::ClusterNode ClusterTargetWriter::NodeOf(
    const TransactionGroup& group, const std::optional<cluster::ClusterNode>& ask) const {
  if (ask.has_value()) return *ask;
  return slots_.masters()[group.slot >= 0 ? slots_.MasterOf(group.slot) : group.master];
}

// [ASKING] MULTI <commands...> EXEC, after every earlier command of these keys was acknowledged
// (and sent again where it was redirected). While the slot is being migrated with the keys on
// both sides, waits (backing off) until the migration ends, at most kTryAgainFor.
absl::Status ClusterTargetWriter::SendTransaction(const TransactionGroup& group) {
  std::optional<cluster::ClusterNode> ask;
  int redirects = 0;
  absl::Duration pause = absl::Milliseconds(5);
  const absl::Time give_up = absl::Now() + kTryAgainFor;
  while (true) {
    std::string node;
    ASSIGN_OR_RETURN(TransactionOutcome outcome, SendTransactionOnce(group, ask, &node));
    switch (outcome.kind) {
      case TransactionOutcome::Kind::kApplied:
        return absl::OkStatus();
      case TransactionOutcome::Kind::kRefused: {
        if (outcome.command < 0) {
          return writer::ReplyErrorStatus(node, "EXEC", std::nullopt, outcome.message,
                                          options_.redact_keys);
        }
        const std::vector<std::string>& args = group.commands[outcome.command];
        return writer::ReplyErrorStatus(node, NameOf(args), writer::KeyOfCommand(args),
                                        outcome.message, options_.redact_keys);
      }
      case TransactionOutcome::Kind::kRedirected:
        if (++redirects > kMaxTransactionRedirects) {
          return absl::UnavailableError(absl::StrCat("a transaction was still redirected after ",
                                                     kMaxTransactionRedirects,
                                                     " tries: the target's slots keep moving"));
        }
        ask.reset();
        if (outcome.redirect.kind == cluster::Redirect::Kind::kMoved) {
          slots_.Move(outcome.redirect.slot, outcome.redirect.node);
          ++moved_;
        } else {
          ++asked_;
          ask = outcome.redirect.node;
        }
        break;
      case TransactionOutcome::Kind::kTryAgain:
        if (absl::Now() + pause > give_up) {
          return absl::UnavailableError(
              absl::StrCat("slot ", group.slot,
                           " of the target is being migrated with the keys of a "
                           "transaction on both sides, still after ",
                           absl::FormatDuration(kTryAgainFor)));
        }
        absl::SleepFor(pause);
        pause = std::min(pause * 2, absl::Milliseconds(200));
        ask.reset();
        break;
    }
  }
}

absl::StatusOr<TransactionOutcome> ClusterTargetWriter::SendTransactionOnce(
    const TransactionGroup& group, const std::optional<cluster::ClusterNode>& ask,
    std::string* node_address) {
  ASSIGN_OR_RETURN(writer::TargetWriter * first, WriterFor(NodeOf(group, ask)));
  RETURN_IF_ERROR(first->Flush());
  if (first->has_redirected()) RETURN_IF_ERROR(ResolveRedirects());
  const cluster::ClusterNode node = NodeOf(group, ask);
  *node_address = node.Address();
  ASSIGN_OR_RETURN(writer::TargetWriter * target, WriterFor(node));
  const size_t asking = ask.has_value() ? 1 : 0;
  ASSIGN_OR_RETURN(std::vector<resp::RespValue> replies,
                   target->ExchangeNow(EncodeTransaction(group.commands, asking > 0),
                                       group.commands.size() + 2 + asking));
  ++transactions_;
  return ReadTransactionReplies(absl::MakeConstSpan(replies).subspan(asking),
                                group.commands.size());
}

}  // namespace rms::engine::cluster_writer
