// ProbeCall: one command of a stats probe under an overall deadline (connect, AUTH and reply),
// so a peer that answers one byte at a time cannot hold the caller for long.
#pragma once

#include <initializer_list>
#include <memory>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "services/engine/redis/redis_client.h"

namespace rms::worker {

struct ProbeReply {
  engine::resp::RespValue value;
  bool connected = false;  // this call opened *client (a new connection)
};

// Runs `args` on `*client`, connecting (and authenticating) it first when null, all within
// `timeout`: past it the connection is cancelled (DEADLINE_EXCEEDED or CANCELLED). A failure
// other than an error reply (FAILED_PRECONDITION) resets `*client`.
absl::StatusOr<ProbeReply> ProbeCall(const engine::redis::Endpoint& endpoint,
                                     std::unique_ptr<engine::redis::RedisClient>* client,
                                     std::initializer_list<absl::string_view> args,
                                     absl::Duration timeout);

}  // namespace rms::worker
