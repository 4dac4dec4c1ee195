// StringBatch: gathers key/value pairs, RESP-encoded as they come, and queues them as one MSET.
#include "services/engine/writer/string_batch.h"

#include "absl/strings/str_cat.h"
#include "services/engine/resp/resp.h"

namespace rms::engine::writer {
namespace {

// Room kept in front of the encoded pairs for "*<count>\r\n$4\r\nMSET\r\n" (at most 34 bytes).
constexpr size_t kHeaderRoom = 40;

}  // namespace

absl::Status StringBatch::Add(absl::string_view key, absl::string_view value,
                              CommandPipeline& pipeline) {
  if (keys_ == 0) {
    first_key_.assign(key.data(), key.size());
    body_.assign(kHeaderRoom, ' ');  // the MSET header is written into this room at the end
  }
  resp::AppendBulkString(body_, key);
  resp::AppendBulkString(body_, value);
  bytes_ += key.size() + value.size();
  ++keys_;
  ++keys_batched_;
  if (keys_ >= options_.max_keys || bytes_ >= options_.max_bytes) return FlushTo(pipeline);
  return absl::OkStatus();
}

absl::Status StringBatch::FlushTo(CommandPipeline& pipeline) {
  if (keys_ == 0) return absl::OkStatus();
  const std::string header = absl::StrCat("*", 2 * keys_ + 1, "\r\n$4\r\nMSET\r\n");
  const size_t from = kHeaderRoom - header.size();  // fits: at most 20 digits
  body_.replace(from, header.size(), header);
  // An error names the first key of the batch.
  const absl::Status status =
      pipeline.AddEncoded(absl::string_view(body_).substr(from), "MSET", first_key_);
  body_.clear();
  keys_ = 0;
  bytes_ = 0;
  return status;
}

}  // namespace rms::engine::writer
