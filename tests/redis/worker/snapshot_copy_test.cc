// CopySnapshot on one thread and on two (reading and writing overlapped): every RDB fixture ends
// digest-equal to a server that loaded the same file, with the smallest hand-over batches too; a
// corrupt RDB, a target that refuses writes and a cancel each end the copy with their error, and
// nothing waits forever.
#include "services/worker/snapshot_copy.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <memory>
#include <string>
#include <thread>

#include "absl/strings/match.h"
#include "absl/synchronization/mutex.h"
#include "gtest/gtest.h"
#include "services/engine/io/byte_source.h"
#include "services/engine/writer/target_writer.h"
#include "tests/redis/writer/writer_test_support.h"

namespace rms::worker {
namespace {

using engine::redis::RedisClient;
using engine::writer::TargetWriter;
using engine::writer::TargetWriterOptions;
using test_support::RedisServer;
using test_writer::DigestOf;
using test_writer::EndpointOf;
using test_writer::FixturePath;
using test_writer::kTargetPassword;
using test_writer::ReferenceServer;

SnapshotCopyOptions OneThread() {
  SnapshotCopyOptions o;
  o.writer_thread = false;
  return o;
}
SnapshotCopyOptions TwoThreads() {
  SnapshotCopyOptions o;
  o.writer_thread = true;
  return o;
}
SnapshotCopyOptions TwoThreadsSmallestBatches() {
  SnapshotCopyOptions o = TwoThreads();
  o.batch_events = 1;
  o.batches = 1;
  return o;
}
SnapshotCopyOptions ModeOptions(int mode) {
  return mode == 0 ? OneThread() : mode == 1 ? TwoThreads() : TwoThreadsSmallestBatches();
}
std::string ModeName(int mode) {
  return mode == 0 ? "OneThread" : mode == 1 ? "TwoThreads" : "TwoThreadsSmallestBatches";
}
std::string FixtureCaseName(const ::testing::TestParamInfo<std::tuple<const char*, int>>& info) {
  std::string name = std::get<0>(info.param);
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name + "_" + ModeName(std::get<1>(info.param));
}
std::string ModeCaseName(const ::testing::TestParamInfo<int>& info) { return ModeName(info.param); }

std::unique_ptr<RedisServer> StartTarget(std::vector<std::string> extra_config = {}) {
  test_support::RedisServerOptions options;
  options.password = kTargetPassword;
  options.extra_config = std::move(extra_config);
  auto server = RedisServer::Start(options);
  EXPECT_TRUE(server.ok()) << server.status();
  return server.ok() ? *std::move(server) : nullptr;
}

// A fresh password-protected target and a writer connected to it (null writer on failure).
struct TargetAndWriter {
  std::unique_ptr<RedisServer> server;
  std::unique_ptr<TargetWriter> writer;
};
TargetAndWriter StartTargetAndWriter(std::vector<std::string> extra_config = {}) {
  TargetAndWriter out;
  out.server = StartTarget(std::move(extra_config));
  if (!out.server) return out;
  auto writer = TargetWriter::Connect(EndpointOf(*out.server), TargetWriterOptions{});
  EXPECT_TRUE(writer.ok()) << writer.status();
  if (writer.ok()) out.writer = *std::move(writer);
  return out;
}

absl::Status CopyFile(const std::string& rdb, TargetWriter& writer, TaskContext& context,
                      const SnapshotCopyOptions& options, JobProgress& progress) {
  auto source = engine::io::FileByteSource::Open(rdb);
  if (!source.ok()) return source.status();
  return CopySnapshot(
      **source, writer, progress, context, [](const std::string&) {}, nullptr, options);
}

class SnapshotCopyFixtureTest
    : public ::testing::TestWithParam<std::tuple<const char*, int /*mode*/>> {};

TEST_P(SnapshotCopyFixtureTest, TargetEqualsAServerThatLoadedTheFile) {
  const std::string rdb = FixturePath(std::get<0>(GetParam()));
  const SnapshotCopyOptions options = ModeOptions(std::get<1>(GetParam()));
  TargetAndWriter target = StartTargetAndWriter();
  ASSERT_TRUE(target.writer);
  TaskContext context;
  JobProgress progress;
  const absl::Status status = CopyFile(rdb, *target.writer, context, options, progress);
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_TRUE(progress.snapshot_done.load());
  EXPECT_GT(progress.keys_written.load(), 0u);
  EXPECT_GT(progress.snapshot_bytes.load(), 0u);

  auto reference = ReferenceServer::Start(rdb);
  ASSERT_TRUE(reference.ok()) << reference.status();
  auto want = (*reference)->server().Digest();
  ASSERT_TRUE(want.ok()) << want.status();
  auto client = RedisClient::Connect(EndpointOf(*target.server));
  ASSERT_TRUE(client.ok()) << client.status();
  auto got = DigestOf(**client);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(*got, *want);
}

INSTANTIATE_TEST_SUITE_P(Fixtures, SnapshotCopyFixtureTest,
                         ::testing::Combine(::testing::Values("rdb/dataset-rdb10.rdb",
                                                              "rdb/legacy/encodings.rdb",
                                                              "rdb/legacy/hash-zipmap.rdb",
                                                              "rdb/legacy/hash-ziplist.rdb",
                                                              "rdb/legacy/list-quicklist.rdb",
                                                              "rdb/legacy/zset-ziplist.rdb"),
                                            ::testing::Values(0, 1, 2)),
                         FixtureCaseName);

class SnapshotCopyFailureTest : public ::testing::TestWithParam<int /*mode*/> {
 protected:
  SnapshotCopyOptions Options() const { return ModeOptions(GetParam()); }
};

TEST_P(SnapshotCopyFailureTest, ACorruptRdbEndsWithDataLoss) {
  TargetAndWriter target = StartTargetAndWriter();
  ASSERT_TRUE(target.writer);
  TaskContext context;
  JobProgress progress;
  const absl::Status status = CopyFile(FixturePath("rdb/corrupt/corrupt_ziplist.rdb"),
                                       *target.writer, context, Options(), progress);
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss) << status;
  EXPECT_FALSE(progress.snapshot_done.load());
}

TEST_P(SnapshotCopyFailureTest, ATargetThatRefusesWritesEndsTheCopyWithItsError) {
  // 2 MB of memory for a dataset of several: the target answers OOM part way.
  TargetAndWriter target = StartTargetAndWriter({"maxmemory 2mb", "maxmemory-policy noeviction"});
  ASSERT_TRUE(target.writer);
  TaskContext context;
  JobProgress progress;
  const absl::Status status =
      CopyFile(FixturePath("rdb/dataset-rdb10.rdb"), *target.writer, context, Options(), progress);
  EXPECT_EQ(status.code(), absl::StatusCode::kResourceExhausted) << status;
  EXPECT_TRUE(absl::StrContains(status.message(), "OOM")) << status;
  EXPECT_FALSE(progress.snapshot_done.load());
}

// Gives the first `give` bytes of a file, then blocks until the context is cancelled.
class StallingSource : public engine::io::ByteSource {
 public:
  StallingSource(std::string bytes, size_t give, TaskContext& context)
      : bytes_(std::move(bytes)), give_(give), context_(context) {
    handle_ = context_.OnCancel([this] {
      absl::MutexLock lock(&mu_);
      cancelled_ = true;
    });
  }
  ~StallingSource() override { context_.Unregister(handle_); }
  absl::StatusOr<size_t> Read(char* out, size_t max) override {
    if (pos_ < give_) {
      const size_t n = std::min(max, give_ - pos_);
      std::memcpy(out, bytes_.data() + pos_, n);
      pos_ += n;
      return n;
    }
    absl::MutexLock lock(&mu_);
    stalled_ = true;
    mu_.Await(absl::Condition(&cancelled_));
    return absl::CancelledError("source read cancelled");
  }
  bool stalled() {
    absl::MutexLock lock(&mu_);
    return stalled_;
  }

 private:
  std::string bytes_;
  size_t give_;
  size_t pos_ = 0;
  TaskContext& context_;
  int handle_ = 0;
  absl::Mutex mu_;
  bool cancelled_ = false;
  bool stalled_ = false;
};

TEST_P(SnapshotCopyFailureTest, ACancelWhileTheSourceStallsReturnsTheReason) {
  TargetAndWriter target = StartTargetAndWriter();
  ASSERT_TRUE(target.writer);
  auto file = engine::io::FileByteSource::Open(FixturePath("rdb/dataset-rdb10.rdb"));
  ASSERT_TRUE(file.ok());
  std::string bytes;
  char buf[65536];
  for (;;) {
    auto n = (*file)->Read(buf, sizeof(buf));
    ASSERT_TRUE(n.ok());
    if (*n == 0) break;
    bytes.append(buf, *n);
  }
  TaskContext context;
  StallingSource source(bytes, bytes.size() / 2, context);
  JobProgress progress;
  absl::Status status;
  std::thread copy([&] {
    status = CopySnapshot(
        source, *target.writer, progress, context, [](const std::string&) {}, nullptr, Options());
  });
  const absl::Time deadline = absl::Now() + absl::Seconds(30);
  while (!source.stalled() && absl::Now() < deadline) absl::SleepFor(absl::Milliseconds(5));
  ASSERT_TRUE(source.stalled());
  context.Cancel(absl::AbortedError("lease lost"));
  copy.join();
  EXPECT_EQ(status.code(), absl::StatusCode::kAborted) << status;
  EXPECT_EQ(status.message(), "lease lost");
  EXPECT_FALSE(progress.snapshot_done.load());
}

INSTANTIATE_TEST_SUITE_P(Modes, SnapshotCopyFailureTest, ::testing::Values(0, 1, 2), ModeCaseName);

}  // namespace
}  // namespace rms::worker
