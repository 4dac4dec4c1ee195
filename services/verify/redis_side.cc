// RedisSide: paced pipelines against one node of a verification.
#include "services/verify/redis_side.h"

#include "absl/strings/str_cat.h"
#include "services/common/status_macros.h"

namespace rms::verify {

absl::StatusOr<Replies> RedisSide::Pipeline(const std::vector<Args>& commands) {
  Replies replies;
  if (commands.empty()) {
    replies.sent = replies.received = absl::Now();
    return replies;
  }
  if (limiter_ != nullptr) RETURN_IF_ERROR(limiter_->Acquire(commands.size()));
  replies.sent = absl::Now();
  commands_ += commands.size();
  if (cluster_ != nullptr) {
    ASSIGN_OR_RETURN(replies.values, cluster_->Pipeline(commands));
  } else {
    std::string encoded;
    for (const Args& args : commands) engine::resp::AppendCommandStrings(encoded, args);
    ASSIGN_OR_RETURN(replies.values, client_->Pipeline(encoded, commands.size()));
  }
  replies.received = absl::Now();
  return replies;
}

absl::StatusOr<RespValue> RedisSide::Command(const Args& args) {
  ASSIGN_OR_RETURN(Replies replies, Pipeline({args}));
  RespValue& reply = replies.values.front();
  if (reply.IsError()) {
    return absl::FailedPreconditionError(
        absl::StrCat(Describe(), " refused ", args.front(), ": ", reply.str));
  }
  return std::move(reply);
}

absl::Status RedisSide::Select(int db) {
  if (db == db_) return absl::OkStatus();
  RETURN_IF_ERROR(Command({"SELECT", absl::StrCat(db)}).status());
  db_ = db;
  return absl::OkStatus();
}

std::string RedisSide::Describe() const {
  return cluster_ != nullptr ? cluster_->Describe() : client_->endpoint().Describe();
}

absl::StatusOr<std::string> RedisSide::Scan(const std::string& cursor, int count,
                                            std::vector<std::string>* keys) {
  if (cluster_ != nullptr) {
    if (limiter_ != nullptr) RETURN_IF_ERROR(limiter_->Acquire(1));
    ++commands_;
    return cluster_->Scan(cursor, count, keys);
  }
  ASSIGN_OR_RETURN(RespValue reply, Command({"SCAN", cursor, "COUNT", absl::StrCat(count)}));
  // *2 $<cursor> *<n> $<key>...
  if (reply.elements.size() != 2) {
    return absl::FailedPreconditionError(absl::StrCat("unexpected SCAN reply: ", reply.Describe()));
  }
  for (RespValue& key : reply.elements[1].elements) keys->push_back(std::move(key.str));
  return reply.elements[0].str;
}

}  // namespace rms::verify
