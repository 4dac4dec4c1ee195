// ClusterTargetWriter: following MOVED and ASK. Every writer is flushed first, so every
// redirected command is known and nothing sent after it is still in flight; the redirected
// commands are then sent again, in the order they were sent before, to the node that owns them.
#include <utility>

#include "absl/strings/str_cat.h"
#include "services/common/status_macros.h"
#include "services/engine/cluster_writer/cluster_target_writer.h"

namespace rms::engine::cluster_writer {
namespace {

// A slot keeps moving (or two nodes disagree) when it takes more rounds than this.
constexpr int kMaxRedirectRounds = 8;

}  // namespace

absl::Status ClusterTargetWriter::ResolveRedirects() {
  for (int round = 0; round < kMaxRedirectRounds; ++round) {
    RETURN_IF_ERROR(FlushEveryWriter());
    std::vector<writer::RedirectedCommand> redirected;
    for (auto& [address, writer] : writers_) {
      for (writer::RedirectedCommand& command : writer->TakeRedirected()) {
        redirected.push_back(std::move(command));
      }
    }
    if (redirected.empty()) return absl::OkStatus();
    for (const writer::RedirectedCommand& command : redirected) {
      RETURN_IF_ERROR(SendAgain(command));
    }
  }
  return absl::UnavailableError(absl::StrCat("the target cluster still redirected commands after ",
                                             kMaxRedirectRounds, " rounds: its slots keep moving"));
}

absl::Status ClusterTargetWriter::FlushEveryWriter() {
  for (auto& [address, writer] : writers_) RETURN_IF_ERROR(writer->Flush());
  return absl::OkStatus();
}

absl::StatusOr<writer::TargetWriter*> ClusterTargetWriter::FollowRedirect(
    const cluster::Redirect& redirect) {
  if (redirect.kind == cluster::Redirect::Kind::kMoved) {
    slots_.Move(redirect.slot, redirect.node);
    ++moved_;
  } else {
    ++asked_;
  }
  return WriterFor(redirect.node);
}

absl::Status ClusterTargetWriter::SendAgain(const writer::RedirectedCommand& command) {
  std::optional<cluster::Redirect> redirect = cluster::ParseRedirect(command.reply);
  if (!redirect.has_value()) {
    return absl::FailedPreconditionError(
        absl::StrCat("the target refused ", command.name,
                     " with an unreadable redirection: ", command.reply.substr(0, 200)));
  }
  ASSIGN_OR_RETURN(writer::TargetWriter * target, FollowRedirect(*redirect));
  return target->Resend(command, redirect->kind == cluster::Redirect::Kind::kAsk);
}

}  // namespace rms::engine::cluster_writer
