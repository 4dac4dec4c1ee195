// BufferedReader and the ByteSource implementations.
#include "services/engine/io/buffered_reader.h"

#include <string>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "services/engine/io/byte_source.h"

namespace rms::engine::io {
namespace {

std::string Pattern(size_t n) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>(i * 7 + 3);
  return s;
}

class Recorder : public ConsumedBytesObserver {
 public:
  void OnConsumed(absl::string_view bytes) override { seen.append(bytes.data(), bytes.size()); }
  std::string seen;
};

class FailingSource : public ByteSource {
 public:
  explicit FailingSource(std::string head) : head_(std::move(head)) {}
  absl::StatusOr<size_t> Read(char* out, size_t max) override {
    if (done_) return absl::UnavailableError("connection reset");
    size_t n = std::min(max, head_.size());
    std::copy_n(head_.data(), n, out);
    head_.erase(0, n);
    done_ = head_.empty();
    return n;
  }

 private:
  std::string head_;
  bool done_ = false;
};

TEST(BufferedReaderTest, ReadsAcrossChunksSmallAndBig) {
  const std::string data = Pattern(300000);
  for (size_t chunk : {size_t{1}, size_t{5}, size_t{4096}, size_t{0}}) {
    StringByteSource source(data, chunk);
    BufferedReader in(source, 1024);
    Recorder rec;
    in.SetObserver(&rec);
    std::string a, b, c;
    ASSERT_TRUE(in.ReadExact(10, &a).ok());
    auto byte = in.ReadByte();
    ASSERT_TRUE(byte.ok());
    EXPECT_EQ(static_cast<char>(*byte), data[10]);
    ASSERT_TRUE(in.ReadExact(200000, &b).ok());  // bypasses the buffer
    ASSERT_TRUE(in.Skip(5000).ok());
    ASSERT_TRUE(in.ReadExact(100, &c).ok());
    EXPECT_EQ(a, data.substr(0, 10));
    EXPECT_EQ(b, data.substr(11, 200000));
    EXPECT_EQ(c, data.substr(205011, 100));
    EXPECT_EQ(in.offset(), 205111u);
    in.Flush();
    EXPECT_EQ(rec.seen, data.substr(0, 205111)) << "chunk " << chunk;
  }
}

TEST(BufferedReaderTest, TeeCapturesExactlyTheConsumedBytes) {
  const std::string data = Pattern(10000);
  StringByteSource source(data, 3);
  BufferedReader in(source, 64);
  std::string skip, capture, part;
  ASSERT_TRUE(in.ReadExact(17, &skip).ok());
  in.StartTee(&capture, 5000);
  ASSERT_TRUE(in.ReadExact(1000, &part).ok());
  ASSERT_TRUE(in.Skip(33).ok());
  EXPECT_TRUE(in.StopTee());
  EXPECT_EQ(capture, data.substr(17, 1033));
  ASSERT_TRUE(in.ReadExact(10, &part).ok());
  EXPECT_EQ(capture.size(), 1033u);
}

TEST(BufferedReaderTest, TeePastItsLimitIsDroppedAndReported) {
  const std::string data = Pattern(10000);
  StringByteSource source(data);
  BufferedReader in(source, 64);
  std::string capture, part;
  in.StartTee(&capture, 100);
  ASSERT_TRUE(in.ReadExact(101, &part).ok());
  EXPECT_FALSE(in.StopTee());
  EXPECT_TRUE(capture.empty());
}

TEST(BufferedReaderTest, EndOfStreamIsDataLossWithOffset) {
  StringByteSource source("abcdef");
  BufferedReader in(source);
  std::string out;
  absl::Status st = in.ReadExact(10, &out);
  EXPECT_EQ(st.code(), absl::StatusCode::kDataLoss);
  EXPECT_TRUE(absl::StrContains(st.message(), "offset 6")) << st;
}

TEST(BufferedReaderTest, SourceErrorsPassThrough) {
  FailingSource source("abc");
  BufferedReader in(source);
  std::string out;
  absl::Status st = in.ReadExact(10, &out);
  EXPECT_EQ(st.code(), absl::StatusCode::kUnavailable) << st;
}

TEST(BufferedReaderTest, BufferedShowsReadAhead) {
  StringByteSource source("0123456789");
  BufferedReader in(source);
  std::string out;
  ASSERT_TRUE(in.ReadExact(4, &out).ok());
  EXPECT_EQ(in.buffered(), "456789");
}

TEST(FileByteSourceTest, ReadsAFileAndReportsMissingOnes) {
  auto missing = FileByteSource::Open("/nonexistent/file.rdb");
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  auto self = FileByteSource::Open("/proc/self/cmdline");
  ASSERT_TRUE(self.ok()) << self.status();
  BufferedReader in(**self);
  auto b = in.ReadByte();
  EXPECT_TRUE(b.ok());
}

}  // namespace
}  // namespace rms::engine::io
