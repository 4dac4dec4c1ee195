// ReadTransactionReplies: sorting the replies of MULTI .. EXEC on a Redis Cluster master.
#include "services/engine/cluster_writer/transaction_replies.h"

#include <optional>

#include "absl/strings/match.h"

namespace rms::engine::cluster_writer {
namespace {

using Kind = TransactionOutcome::Kind;

TransactionOutcome Refused(int command, absl::string_view message) {
  TransactionOutcome out;
  out.kind = Kind::kRefused;
  out.command = command;
  out.message = std::string(message);
  return out;
}

TransactionOutcome Redirected(const cluster::Redirect& redirect) {
  TransactionOutcome out;
  out.kind = Kind::kRedirected;
  out.redirect = redirect;
  return out;
}

bool IsTryAgain(const resp::RespValue& reply) {
  return reply.IsError() && absl::StartsWith(reply.str, "TRYAGAIN");
}

// What the queued commands' replies said.
struct Queue {
  size_t queued = 0;
  size_t asked = 0;
  size_t try_again = 0;
  std::optional<cluster::Redirect> moved;
  std::optional<cluster::Redirect> ask;
  std::optional<TransactionOutcome> refusal;
};

Queue ReadQueue(absl::Span<const resp::RespValue> queued) {
  Queue out;
  for (size_t i = 0; i < queued.size(); ++i) {
    const resp::RespValue& reply = queued[i];
    if (!reply.IsError()) {
      ++out.queued;
      continue;
    }
    if (IsTryAgain(reply)) {
      ++out.try_again;
      continue;
    }
    std::optional<cluster::Redirect> redirect = cluster::ParseRedirect(reply.str);
    if (!redirect.has_value()) {
      if (!out.refusal.has_value()) out.refusal = Refused(static_cast<int>(i), reply.str);
    } else if (redirect->kind == cluster::Redirect::Kind::kMoved) {
      if (!out.moved.has_value()) out.moved = redirect;
    } else {
      ++out.asked;
      if (!out.ask.has_value()) out.ask = redirect;
    }
  }
  return out;
}

}  // namespace

TransactionOutcome ReadTransactionReplies(absl::Span<const resp::RespValue> replies,
                                          size_t commands) {
  if (replies.size() != commands + 2) return Refused(-1, "wrong number of replies");
  if (replies[0].IsError()) return Refused(-1, replies[0].str);
  const Queue queue = ReadQueue(replies.subspan(1, commands));
  const resp::RespValue& exec = replies.back();
  std::optional<cluster::Redirect> exec_redirect;
  if (exec.IsError()) exec_redirect = cluster::ParseRedirect(exec.str);
  if (queue.refusal.has_value()) return *queue.refusal;
  if (queue.moved.has_value()) return Redirected(*queue.moved);
  if (exec_redirect.has_value()) {
    // EXEC answers for every key at once: MOVED (the slot left) or ASK (every key left).
    return Redirected(*exec_redirect);
  }
  if (queue.asked > 0 && queue.queued == 0 && queue.try_again == 0) return Redirected(*queue.ask);
  if (queue.asked > 0 || queue.try_again > 0 || IsTryAgain(exec)) {
    TransactionOutcome out;
    out.kind = Kind::kTryAgain;
    return out;
  }
  if (exec.IsError()) return Refused(-1, exec.str);
  for (size_t i = 0; i < exec.elements.size(); ++i) {
    if (exec.elements[i].IsError()) return Refused(static_cast<int>(i), exec.elements[i].str);
  }
  return TransactionOutcome();
}

}  // namespace rms::engine::cluster_writer
