// SourceOffsetProbe: the source's master_repl_offset over time, for lag in bytes and seconds.
#include "services/worker/source_offset_probe.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace rms::worker {
namespace {

constexpr absl::Duration kHistory = absl::Hours(1);

}  // namespace

std::optional<int64_t> MasterReplOffset(absl::string_view info) {
  // "master_repl_offset:1782702122\r\n"
  for (absl::string_view line : absl::StrSplit(info, '\n')) {
    line = absl::StripSuffix(line, "\r");
    if (!absl::ConsumePrefix(&line, "master_repl_offset:")) continue;
    int64_t offset = 0;
    if (absl::SimpleAtoi(line, &offset)) return offset;
  }
  return std::nullopt;
}

void OffsetSamples::Add(absl::Time at, int64_t offset) {
  if (!samples_.empty() && offset < samples_.back().offset) samples_.clear();
  if (!samples_.empty() && offset == samples_.back().offset) return;  // nothing new written
  samples_.push_back({at, offset});
}

std::optional<int64_t> OffsetSamples::latest() const {
  if (samples_.empty()) return std::nullopt;
  return samples_.back().offset;
}

absl::Duration OffsetSamples::Behind(int64_t applied, absl::Time now) const {
  for (const Sample& sample : samples_) {
    // A sample records the first time an offset was seen, so the oldest one beyond `applied`
    // was taken after the source wrote the first byte the target has not got.
    if (sample.offset > applied) return std::max(absl::ZeroDuration(), now - sample.at);
  }
  return absl::ZeroDuration();
}

void OffsetSamples::Trim(absl::Time oldest) {
  while (samples_.size() > 1 && samples_[1].at <= oldest) samples_.pop_front();
}

SourceOffsetProbe::SourceOffsetProbe(engine::redis::Endpoint endpoint, absl::Duration interval)
    : endpoint_(std::move(endpoint)), interval_(interval) {}

void SourceOffsetProbe::Sample(bool force) {
  const absl::Time now = absl::Now();
  if (now < next_ && !force) return;
  next_ = now + interval_;
  if (!client_) {
    engine::redis::ClientOptions options;
    options.connect_timeout = absl::Seconds(2);
    options.io_timeout = absl::Seconds(2);
    auto client = engine::redis::RedisClient::Connect(endpoint_, options);
    if (!client.ok()) return;
    client_ = *std::move(client);
  }
  auto reply = client_->Command({"INFO", "replication"});
  if (!reply.ok()) {
    client_.reset();
    return;
  }
  if (std::optional<int64_t> offset = MasterReplOffset(reply->str)) {
    samples_.Add(absl::Now(), *offset);
    samples_.Trim(now - kHistory);
  }
}

}  // namespace rms::worker
