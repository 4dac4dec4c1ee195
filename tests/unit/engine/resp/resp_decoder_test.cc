// RespDecoder on valid input: every type, and identical results fed whole, byte by byte and in
// random splits.
#include <random>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/engine/resp/resp.h"
#include "tests/unit/engine/resp/resp_test_util.h"

namespace rms::engine::resp {
namespace {

using ::testing::ElementsAre;

// Decodes `bytes` whole and byte by byte; both must give exactly one value, the same.
Decoded DecodeOne(const std::string& bytes) {
  absl::StatusOr<std::vector<Decoded>> whole = DecodeWhole(bytes);
  absl::StatusOr<std::vector<Decoded>> bytewise = DecodeByteByByte(bytes);
  EXPECT_TRUE(whole.ok()) << whole.status();
  EXPECT_TRUE(bytewise.ok()) << bytewise.status();
  if (!whole.ok() || !bytewise.ok()) return {};
  EXPECT_EQ(*whole, *bytewise);
  EXPECT_EQ(whole->size(), 1u);
  return whole->empty() ? Decoded{} : whole->front();
}

TEST(RespDecoderTest, SimpleString) {
  EXPECT_EQ(DecodeOne("+OK\r\n"), (Decoded{"simple:\"OK\"", 5}));
}

TEST(RespDecoderTest, EmptySimpleString) {
  EXPECT_EQ(DecodeOne("+\r\n"), (Decoded{"simple:\"\"", 3}));
}

TEST(RespDecoderTest, Error) {
  EXPECT_EQ(DecodeOne("-ERR unknown command\r\n"), (Decoded{"error:\"ERR unknown command\"", 22}));
}

TEST(RespDecoderTest, Integers) {
  EXPECT_EQ(DecodeOne(":0\r\n"), (Decoded{"int:0", 4}));
  EXPECT_EQ(DecodeOne(":-42\r\n"), (Decoded{"int:-42", 6}));
  EXPECT_EQ(DecodeOne(":9223372036854775807\r\n"), (Decoded{"int:9223372036854775807", 22}));
  EXPECT_EQ(DecodeOne(":-9223372036854775808\r\n"), (Decoded{"int:-9223372036854775808", 23}));
}

TEST(RespDecoderTest, BulkString) {
  EXPECT_EQ(DecodeOne("$5\r\nhello\r\n"), (Decoded{"bulk:\"hello\"", 11}));
}

TEST(RespDecoderTest, EmptyBulkString) {
  EXPECT_EQ(DecodeOne("$0\r\n\r\n"), (Decoded{"bulk:\"\"", 6}));
}

TEST(RespDecoderTest, BinaryBulkStringKeepsCrLfAndNul) {
  const std::string payload("a\r\n\0b\r", 6);
  EXPECT_EQ(DecodeOne("$6\r\n" + payload + "\r\n"), (Decoded{"bulk:\"a\\r\\n\\000b\\r\"", 12}));
}

TEST(RespDecoderTest, NullBulkAndNullArray) {
  EXPECT_EQ(DecodeOne("$-1\r\n"), (Decoded{"null-bulk", 5}));
  EXPECT_EQ(DecodeOne("*-1\r\n"), (Decoded{"null-array", 5}));
}

TEST(RespDecoderTest, EmptyArray) { EXPECT_EQ(DecodeOne("*0\r\n"), (Decoded{"[]", 4})); }

TEST(RespDecoderTest, CommandArray) {
  EXPECT_EQ(DecodeOne("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n"),
            (Decoded{"[bulk:\"SET\", bulk:\"k\", bulk:\"v\"]", 27}));
}

TEST(RespDecoderTest, NestedMixedArray) {
  const std::string bytes = "*4\r\n*2\r\n:1\r\n*0\r\n+x\r\n$-1\r\n*1\r\n-E\r\n";
  EXPECT_EQ(DecodeOne(bytes),
            (Decoded{"[[int:1, []], simple:\"x\", null-bulk, [error:\"E\"]]", bytes.size()}));
}

TEST(RespDecoderTest, ArrayNestedToTheDepthLimit) {
  DecoderLimits limits;
  limits.max_depth = 3;
  absl::StatusOr<std::vector<Decoded>> got = DecodeWhole("*1\r\n*1\r\n*1\r\n:7\r\n", limits);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_THAT(*got, ElementsAre(Decoded{"[[[int:7]]]", 16}));
}

TEST(RespDecoderTest, LineOfExactlyTheLimitIsAccepted) {
  DecoderLimits limits;
  limits.max_line_bytes = 4;
  const std::string bytes = "+abcd\r\n";
  EXPECT_THAT(*DecodeWhole(bytes, limits), ElementsAre(Decoded{"simple:\"abcd\"", 7}));
  EXPECT_THAT(*DecodeByteByByte(bytes, limits), ElementsAre(Decoded{"simple:\"abcd\"", 7}));
}

TEST(RespDecoderTest, IncompleteInputYieldsNothingAndCountsBufferedBytes) {
  RespDecoder decoder;
  decoder.Feed("*2\r\n$3\r\nGET\r\n$3\r\nke");
  absl::StatusOr<std::optional<RespValue>> next = decoder.Next();
  ASSERT_TRUE(next.ok());
  EXPECT_FALSE(next->has_value());
  EXPECT_EQ(decoder.buffered(), 19u);
  decoder.Feed("y\r\n+PONG");
  next = decoder.Next();
  ASSERT_TRUE(next.ok() && next->has_value());
  EXPECT_EQ(DebugString(**next), "[bulk:\"GET\", bulk:\"key\"]");
  EXPECT_EQ(decoder.last_value_bytes(), 22u);
  EXPECT_EQ(decoder.buffered(), 5u);
}

// A stream of every kind of value, used for split tests.
std::string MixedStream() {
  std::string out;
  for (int i = 0; i < 30; ++i) {
    out += EncodeCommand({"SET", "key:" + std::to_string(i), std::string(i * 7, 'v')});
    out += "+OK\r\n-ERR x " + std::to_string(i) + "\r\n:" + std::to_string(i * 1000 - 5) + "\r\n";
    out += "$-1\r\n*-1\r\n*0\r\n$0\r\n\r\n*2\r\n*1\r\n$2\r\n\r\n\r\n:3\r\n";
  }
  out += EncodeCommand({"SET", "big", std::string(200000, 'x')});
  return out;
}

TEST(RespDecoderTest, ByteByByteEqualsWhole) {
  const std::string stream = MixedStream();
  absl::StatusOr<std::vector<Decoded>> whole = DecodeWhole(stream);
  ASSERT_TRUE(whole.ok()) << whole.status();
  EXPECT_EQ(whole->size(), 30u * 9 + 1);
  size_t total = 0;
  for (const Decoded& d : *whole) total += d.bytes;
  EXPECT_EQ(total, stream.size());
  absl::StatusOr<std::vector<Decoded>> bytewise = DecodeByteByByte(stream);
  ASSERT_TRUE(bytewise.ok()) << bytewise.status();
  EXPECT_EQ(*whole, *bytewise);
}

TEST(RespDecoderTest, RandomSplitsEqualWhole) {
  const std::string stream = MixedStream();
  const std::vector<Decoded> whole = *DecodeWhole(stream);
  std::mt19937 random(20240611);
  for (int round = 0; round < 50; ++round) {
    std::vector<std::string> chunks;
    const size_t max_chunk = round % 2 == 0 ? 16 : 70000;
    for (size_t pos = 0; pos < stream.size();) {
      size_t n = std::uniform_int_distribution<size_t>(1, max_chunk)(random);
      chunks.push_back(stream.substr(pos, n));
      pos += n;
    }
    absl::StatusOr<std::vector<Decoded>> split = DecodeChunks(chunks);
    ASSERT_TRUE(split.ok()) << split.status();
    ASSERT_EQ(*split, whole) << "round " << round;
  }
}

TEST(RespDecoderTest, HugeArrayInSmallChunks) {
  std::vector<std::string> args = {"RPUSH", "list"};
  for (int i = 0; i < 200000; ++i) args.push_back(std::to_string(i));
  const std::string bytes = EncodeCommand(args);
  std::vector<std::string> chunks;
  for (size_t pos = 0; pos < bytes.size(); pos += 13) chunks.push_back(bytes.substr(pos, 13));
  RespDecoder decoder;
  std::optional<RespValue> value;
  for (const std::string& chunk : chunks) {
    decoder.Feed(chunk);
    absl::StatusOr<std::optional<RespValue>> next = decoder.Next();
    ASSERT_TRUE(next.ok()) << next.status();
    if (next->has_value()) value = **next;
  }
  ASSERT_TRUE(value.has_value());
  ASSERT_EQ(value->elements.size(), args.size());
  EXPECT_EQ(value->elements.back().str, "199999");
  EXPECT_EQ(decoder.last_value_bytes(), bytes.size());
  EXPECT_EQ(decoder.buffered(), 0u);
}

}  // namespace
}  // namespace rms::engine::resp
