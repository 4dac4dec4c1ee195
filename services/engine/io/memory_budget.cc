// MemoryBudget and MemoryClaim: compare-and-swap reservations against one shared cap.
#include "services/engine/io/memory_budget.h"

#include <algorithm>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"

namespace rms::engine::io {
namespace {

constexpr size_t kStep = 1u << 20;
constexpr size_t kMiB = 1u << 20;

}  // namespace

bool MemoryBudget::TryReserve(size_t bytes) {
  size_t used = used_.load(std::memory_order_relaxed);
  do {
    if (capacity_ != 0 && (bytes > capacity_ || used > capacity_ - bytes)) return false;
  } while (!used_.compare_exchange_weak(used, used + bytes, std::memory_order_relaxed));
  return true;
}

absl::Status LimitError(absl::string_view code, absl::string_view message) {
  absl::Status status = absl::ResourceExhaustedError(message);
  status.SetPayload(kLimitPayload, absl::Cord(code));
  return status;
}

std::string LimitCode(const absl::Status& status) {
  auto code = status.GetPayload(kLimitPayload);
  return code.has_value() ? std::string(*code) : std::string();
}

absl::Status MemoryClaim::Resize(size_t bytes, absl::string_view what) {
  if (budget_ == nullptr) return absl::OkStatus();
  const size_t wanted = bytes == 0 ? 0 : (bytes + kStep - 1) / kStep * kStep;
  if (wanted < held_) {
    budget_->Release(held_ - wanted);
  } else if (wanted > held_ && !budget_->TryReserve(wanted - held_)) {
    return LimitError(
        kWorkerMemoryBudget,
        absl::StrCat(what, " needs ", wanted / kMiB, " MiB but the worker memory budget of ",
                     budget_->capacity() / kMiB, " MiB (--worker-memory-mb) has ",
                     (budget_->capacity() - std::min(budget_->capacity(), budget_->used())) / kMiB,
                     " MiB left beside this process's other tasks: raise --worker-memory-mb or "
                     "run fewer --workers"));
  }
  held_ = wanted;
  return absl::OkStatus();
}

}  // namespace rms::engine::io
