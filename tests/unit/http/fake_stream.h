// FakeStream: a ByteStream over a byte string, handed out in pieces of a chosen size.
#pragma once

#include <algorithm>
#include <cstring>
#include <random>
#include <string>

#include "services/http/byte_stream.h"

namespace rms::http {

class FakeStream : public ByteStream {
 public:
  // `piece` bytes per Read (0 = random sizes 1..64 from `seed`). After the input: end of
  // stream, or DEADLINE_EXCEEDED when `hang_at_end`.
  explicit FakeStream(std::string input, size_t piece = 0, bool hang_at_end = false,
                      unsigned seed = 1)
      : input_(std::move(input)), piece_(piece), hang_at_end_(hang_at_end), random_(seed) {}

  absl::StatusOr<size_t> Read(char* buf, size_t n, absl::Time deadline) override {
    if (pos_ == input_.size()) {
      if (hang_at_end_) return absl::DeadlineExceededError("no more input");
      return 0;
    }
    size_t take = piece_ != 0 ? piece_ : std::uniform_int_distribution<size_t>(1, 64)(random_);
    take = std::min({take, n, input_.size() - pos_});
    std::memcpy(buf, input_.data() + pos_, take);
    pos_ += take;
    max_read_ = std::max(max_read_, pos_);
    return take;
  }
  absl::Status Write(absl::string_view data, absl::Time deadline) override {
    output_.append(data.data(), data.size());
    return absl::OkStatus();
  }
  void ShutdownWrite() override { write_shut_ = true; }

  const std::string& output() const { return output_; }
  size_t consumed() const { return pos_; }
  bool write_shut() const { return write_shut_; }

 private:
  std::string input_;
  size_t piece_;
  bool hang_at_end_;
  std::mt19937 random_;
  size_t pos_ = 0;
  size_t max_read_ = 0;
  std::string output_;
  bool write_shut_ = false;
};

}  // namespace rms::http
