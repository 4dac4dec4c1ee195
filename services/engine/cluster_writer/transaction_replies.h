// ReadTransactionReplies: what the replies of a Redis Cluster master to MULTI <commands> EXEC say
// happened: applied, redirected whole (MOVED, or ASK when every key has left), to be tried again
// (TRYAGAIN: the slot is being migrated and its keys are on both sides), or refused.
#pragma once

#include <string>

#include "absl/types/span.h"
#include "services/engine/cluster/slot_map.h"
#include "services/engine/resp/resp.h"

namespace rms::engine::cluster_writer {

struct TransactionOutcome {
  enum class Kind {
    kApplied,     // EXEC ran every command
    kRedirected,  // nothing ran: send it whole to `redirect.node` (after ASKING for an ASK)
    kTryAgain,    // nothing ran: some keys were migrated, some not yet; send it again later
    kRefused,     // a command was refused (`command`, `message`): at queue time (nothing ran),
                  // or inside EXEC (the other commands ran)
  };
  Kind kind = Kind::kApplied;
  cluster::Redirect redirect;
  int command = -1;  // the refused command's index; -1 for MULTI or EXEC itself
  std::string message;
};

// `replies` answer MULTI, `commands` commands, EXEC (commands + 2 replies; fewer is a refusal of
// EXEC). A queued command answered -ASK means its keys are missing on this node (migrated away
// or new); the transaction follows the ASK only when no command was queued here, else some of
// its keys are still here: kTryAgain, as Redis itself answers a multi-key command in that state.
TransactionOutcome ReadTransactionReplies(absl::Span<const resp::RespValue> replies,
                                          size_t commands);

}  // namespace rms::engine::cluster_writer
