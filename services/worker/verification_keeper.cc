// VerificationKeeper: periodic progress writes that renew a verification's lease.
#include "services/worker/verification_keeper.h"

#include "absl/strings/str_cat.h"
#include "services/common/log.h"

namespace rms::worker {

storage::VerificationCounts CountsOf(const verify::Report& report) {
  return storage::VerificationCounts{report.keys_checked, report.missing,
                                     report.extra,        report.value_mismatch,
                                     report.ttl_mismatch, report.type_mismatch};
}

std::vector<storage::VerificationExample> ExamplesOf(const verify::Report& report) {
  std::vector<storage::VerificationExample> examples;
  for (const verify::Example& example : report.examples) {
    examples.push_back(storage::VerificationExample{
        example.db, example.key, std::string(verify::ProblemName(example.problem))});
  }
  return examples;
}

VerificationKeeper::VerificationKeeper(storage::VerificationStore& store,
                                       const storage::VerificationRecord& row, absl::Duration ttl,
                                       absl::Duration interval, TaskContext& context,
                                       std::function<verify::Report()> progress)
    : store_(store),
      row_(row),
      ttl_(ttl),
      interval_(interval),
      context_(context),
      progress_(std::move(progress)) {}

VerificationKeeper::~VerificationKeeper() { Stop(); }

void VerificationKeeper::Start() {
  last_written_ = absl::Now();
  thread_ = std::thread([this] { Loop(); });
}

void VerificationKeeper::Stop() {
  if (!done_.HasBeenNotified()) done_.Notify();
  if (thread_.joinable()) thread_.join();
}

void VerificationKeeper::Loop() {
  while (!done_.WaitForNotificationWithTimeout(interval_) && !lease_lost_) WriteProgress();
}

void VerificationKeeper::WriteProgress() {
  const verify::Report report = progress_();
  const absl::Status written = store_.WriteVerificationProgress(
      row_.id, row_.lease_epoch, CountsOf(report), ExamplesOf(report), ttl_);
  if (written.ok()) {
    last_written_ = absl::Now();
    return;
  }
  if (absl::IsAborted(written) || absl::Now() - last_written_ >= ttl_) {
    lease_lost_ = true;
    context_.Cancel(absl::AbortedError(
        absl::StrCat("lost the lease of verification ", row_.id, ": ", written.message())));
    return;
  }
  LogWarning(absl::StrCat("verification ", row_.id,
                          ": progress not written, retrying: ", written.message()));
}

}  // namespace rms::worker
