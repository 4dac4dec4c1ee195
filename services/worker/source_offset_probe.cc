// SourceOffsetProbe: the source's master_repl_offset over time, for lag in bytes and seconds.
#include "services/worker/source_offset_probe.h"

#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "services/worker/probe_call.h"

namespace rms::worker {
namespace {

constexpr absl::Duration kHistory = absl::Hours(1);
// Connect, AUTH and reply of one probe, together.
constexpr absl::Duration kProbeTimeout = absl::Seconds(2);

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

int64_t ReplicaBufferLimit::WarnAt() const {
  int64_t warn = hard_bytes / 2;
  if (soft_bytes > 0 && (warn == 0 || soft_bytes < warn)) warn = soft_bytes;
  return warn;
}

std::optional<ReplicaBufferLimit> ParseReplicaBufferLimit(absl::string_view value) {
  const std::vector<absl::string_view> words = absl::StrSplit(value, ' ', absl::SkipEmpty());
  for (size_t i = 0; i + 3 < words.size(); i += 4) {
    if (words[i] != "slave" && words[i] != "replica") continue;
    ReplicaBufferLimit limit;
    if (!absl::SimpleAtoi(words[i + 1], &limit.hard_bytes) ||
        !absl::SimpleAtoi(words[i + 2], &limit.soft_bytes) ||
        !absl::SimpleAtoi(words[i + 3], &limit.soft_seconds)) {
      return std::nullopt;
    }
    return limit;
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

void SourceOffsetProbe::ReadBufferLimit() {
  // "*2\r\n$26\r\nclient-output-buffer-limit\r\n$<n>\r\nnormal 0 0 0 slave ...\r\n"
  auto config =
      ProbeCall(endpoint_, &client_, {"CONFIG", "GET", "client-output-buffer-limit"},
                kProbeTimeout);
  if (config.ok() && config->value.elements.size() == 2) {
    buffer_limit_ = ParseReplicaBufferLimit(config->value.elements[1].str);
  }
}

void SourceOffsetProbe::Sample(bool force) {
  const absl::Time now = absl::Now();
  if (now < next_ && !force) return;
  next_ = now + interval_;
  auto reply = ProbeCall(endpoint_, &client_, {"INFO", "replication"}, kProbeTimeout);
  if (!reply.ok()) return;
  if (reply->connected) ReadBufferLimit();
  if (std::optional<int64_t> offset = MasterReplOffset(reply->value.str)) {
    samples_.Add(absl::Now(), *offset);
    samples_.Trim(now - kHistory);
  }
}

}  // namespace rms::worker
