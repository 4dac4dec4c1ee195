// StringBatch: gathers key/value pairs and queues them as one MSET.
#include "services/engine/writer/string_batch.h"

namespace rms::engine::writer {

absl::Status StringBatch::Add(std::string key, std::string value, CommandPipeline& pipeline) {
  bytes_ += key.size() + value.size();
  keys_and_values_.push_back(std::move(key));
  keys_and_values_.push_back(std::move(value));
  ++keys_batched_;
  if (keys_and_values_.size() / 2 >= options_.max_keys || bytes_ >= options_.max_bytes) {
    return FlushTo(pipeline);
  }
  return absl::OkStatus();
}

absl::Status StringBatch::FlushTo(CommandPipeline& pipeline) {
  if (keys_and_values_.empty()) return absl::OkStatus();
  std::vector<absl::string_view> args;
  args.reserve(keys_and_values_.size() + 1);
  args.push_back("MSET");
  args.insert(args.end(), keys_and_values_.begin(), keys_and_values_.end());
  // An error names the first key of the batch.
  const absl::Status status = pipeline.Add(args, keys_and_values_.front());
  keys_and_values_.clear();
  bytes_ = 0;
  return status;
}

}  // namespace rms::engine::writer
