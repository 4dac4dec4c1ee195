// Tests of BufferedReader + FramingOf + ReadBody on byte strings, byte by byte and in random
// splits: Content-Length, chunked (extensions, trailers, bad sizes), no length, limits.
#include "services/http/body_reader.h"

#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "services/common/errors.h"
#include "services/http/request_parser.h"
#include "tests/unit/http/fake_stream.h"

namespace rms::http {
namespace {

// Reads one request (head and body) from `reader`.
absl::StatusOr<Request> ReadOne(BufferedReader& reader, const Limits& limits = Limits{}) {
  const absl::Time deadline = absl::Now() + absl::Seconds(5);
  absl::StatusOr<std::string> head = reader.ReadHead(limits, deadline);
  if (!head.ok()) return head.status();
  absl::StatusOr<Request> request = ParseRequestHead(*head, limits);
  if (!request.ok()) return request.status();
  absl::StatusOr<BodyFraming> framing = FramingOf(*request, limits.max_body_bytes);
  if (!framing.ok()) return framing.status();
  absl::Status read = ReadBody(reader, *framing, limits, deadline, &request->raw_body);
  if (!read.ok()) return read;
  return request;
}

// The body of the single request in `input`, checked to be the same for every split.
absl::StatusOr<std::string> BodyOf(const std::string& input) {
  absl::StatusOr<std::string> first;
  for (size_t piece : {size_t{1}, size_t{0}, size_t{3}, size_t{1} << 20}) {
    for (unsigned seed = 1; seed <= (piece == 0 ? 20u : 1u); ++seed) {
      FakeStream stream(input, piece, false, seed);
      BufferedReader reader(stream);
      absl::StatusOr<Request> request = ReadOne(reader);
      absl::StatusOr<std::string> body =
          request.ok() ? absl::StatusOr<std::string>(request->raw_body) : request.status();
      if (piece == 1) first = body;
      EXPECT_EQ(body.status().code(), first.status().code()) << "piece " << piece;
      if (body.ok() && first.ok()) EXPECT_EQ(*body, *first);
    }
  }
  return first;
}

std::string CodeOf(const absl::StatusOr<std::string>& result) {
  if (result.ok()) return "ok";
  return errors::DcsCodeOf(result.status()).value_or(result.status().ToString());
}

const std::string kPost = "POST /v2/p/migration-task HTTP/1.1\r\nHost: h\r\n";

TEST(BodyReaderTest, ContentLength) {
  EXPECT_EQ(*BodyOf(kPost + "Content-Length: 5\r\n\r\nhello"), "hello");
}

TEST(BodyReaderTest, NoLengthMeansEmptyBody) {
  EXPECT_EQ(*BodyOf(kPost + "\r\n"), "");
  EXPECT_EQ(*BodyOf("POST /v2/p/migration-task/t/stop HTTP/1.1\r\n\r\nGET / HTTP/1.1\r\n\r\n"), "");
}

TEST(BodyReaderTest, ChunkedWithExtensionsAndTrailers) {
  EXPECT_EQ(*BodyOf(kPost + "Transfer-Encoding: chunked\r\n\r\n"
                            "5;name=value\r\nhello\r\n"
                            "0006 ; x\r\n world\r\n"
                            "A\r\n0123456789\r\n"
                            "0\r\nX-Trailer: t\r\nY: u\r\n\r\n"),
            "hello world0123456789");
}

TEST(BodyReaderTest, ChunkedNamesAreCaseInsensitive) {
  EXPECT_EQ(*BodyOf(kPost + "transfer-encoding: Chunked\r\n\r\n2\r\nab\r\n0\r\n\r\n"), "ab");
}

TEST(BodyReaderTest, BadChunkSizeNotHex) {
  EXPECT_EQ(CodeOf(BodyOf(kPost + "Transfer-Encoding: chunked\r\n\r\nzz\r\n")), "DCS.4000");
}
TEST(BodyReaderTest, BadChunkSizeEmpty) {
  EXPECT_EQ(CodeOf(BodyOf(kPost + "Transfer-Encoding: chunked\r\n\r\n\r\nab\r\n")), "DCS.4000");
}
TEST(BodyReaderTest, BadChunkSizeNegative) {
  EXPECT_EQ(CodeOf(BodyOf(kPost + "Transfer-Encoding: chunked\r\n\r\n-1\r\n")), "DCS.4000");
}
TEST(BodyReaderTest, BadChunkSizeTrailingGarbage) {
  EXPECT_EQ(CodeOf(BodyOf(kPost + "Transfer-Encoding: chunked\r\n\r\n1 2\r\na\r\n0\r\n\r\n")),
            "DCS.4000");
}
TEST(BodyReaderTest, ChunkDataWithoutCrlf) {
  EXPECT_EQ(CodeOf(BodyOf(kPost + "Transfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n0\r\n\r\n")),
            "DCS.4000");
}
TEST(BodyReaderTest, ChunkLineTooLong) {
  EXPECT_EQ(CodeOf(BodyOf(kPost + "Transfer-Encoding: chunked\r\n\r\n1;" + std::string(2000, 'x') +
                          "\r\n")),
            "DCS.4000");
}
TEST(BodyReaderTest, TruncatedChunkedBody) {
  EXPECT_EQ(CodeOf(BodyOf(kPost + "Transfer-Encoding: chunked\r\n\r\n5\r\nhel")), "DCS.4000");
}
TEST(BodyReaderTest, TruncatedLengthBody) {
  EXPECT_EQ(CodeOf(BodyOf(kPost + "Content-Length: 10\r\n\r\nhel")), "DCS.4000");
}
TEST(BodyReaderTest, BothLengthAndChunked) {
  EXPECT_EQ(CodeOf(BodyOf(kPost + "Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n")),
            "DCS.4000");
}
TEST(BodyReaderTest, UnknownTransferCoding) {
  EXPECT_EQ(CodeOf(BodyOf(kPost + "Transfer-Encoding: gzip, chunked\r\n\r\n")), "DCS.4000");
}
TEST(BodyReaderTest, ConflictingLengths) {
  EXPECT_EQ(CodeOf(BodyOf(kPost + "Content-Length: 3\r\nContent-Length: 4\r\n\r\nabcd")),
            "DCS.4000");
  EXPECT_EQ(*BodyOf(kPost + "Content-Length: 3, 3\r\n\r\nabc"), "abc");
}
TEST(BodyReaderTest, LengthNotANumber) {
  EXPECT_EQ(CodeOf(BodyOf(kPost + "Content-Length: +3\r\n\r\nabc")), "DCS.4000");
  EXPECT_EQ(CodeOf(BodyOf(kPost + "Content-Length: 99999999999999999999999\r\n\r\n")), "DCS.4000");
}

TEST(BodyReaderTest, LengthOverCapRefusedBeforeTheBody) {
  FakeStream stream(kPost + "Content-Length: 1048577\r\n\r\n" + std::string(1 << 20, 'x'), 100);
  BufferedReader reader(stream);
  EXPECT_EQ(errors::DcsCodeOf(ReadOne(reader).status()), "DCS.4413");
  EXPECT_LT(stream.consumed(), 1000u);
}

TEST(BodyReaderTest, ChunkSizeOverCapRefusedBeforeTheChunk) {
  FakeStream stream(
      kPost + "Transfer-Encoding: chunked\r\n\r\n100001\r\n" + std::string(1 << 20, 'x'), 100);
  BufferedReader reader(stream);
  EXPECT_EQ(errors::DcsCodeOf(ReadOne(reader).status()), "DCS.4413");
  EXPECT_LT(stream.consumed(), 1000u);
}

TEST(BodyReaderTest, HugeChunkSizeDoesNotOverflow) {
  EXPECT_EQ(CodeOf(BodyOf(kPost + "Transfer-Encoding: chunked\r\n\r\n" +
                          "10000000000000000000000000001\r\n")),
            "DCS.4413");
}

TEST(BodyReaderTest, ManySmallChunksStopAtTheCap) {
  std::string input = kPost + "Transfer-Encoding: chunked\r\n\r\n";
  const std::string chunk = "1000\r\n" + std::string(0x1000, 'y') + "\r\n";
  for (int i = 0; i < 300; ++i) input += chunk;  // 1.2 MiB
  FakeStream stream(input, 16 << 10);
  BufferedReader reader(stream);
  EXPECT_EQ(errors::DcsCodeOf(ReadOne(reader).status()), "DCS.4413");
  EXPECT_LT(stream.consumed(), (1u << 20) + (64u << 10));
}

TEST(BodyReaderTest, TrailersTooLarge) {
  std::string input = kPost + "Transfer-Encoding: chunked\r\n\r\n0\r\n";
  for (int i = 0; i < 400; ++i)
    absl::StrAppend(&input, "X-T", i, ": ", std::string(50, 'v'), "\r\n");
  EXPECT_EQ(CodeOf(BodyOf(input + "\r\n")), "DCS.4431");
}

TEST(BodyReaderTest, PipelinedRequestsKeepTheirBytes) {
  const std::string input = kPost + "Content-Length: 3\r\n\r\nabc" + kPost +
                            "Transfer-Encoding: chunked\r\n\r\n2\r\nde\r\n0\r\n\r\n" +
                            "\r\nGET /third HTTP/1.1\r\n\r\n";
  for (size_t piece : {size_t{1}, size_t{7}, input.size()}) {
    FakeStream stream(input, piece);
    BufferedReader reader(stream);
    EXPECT_EQ(ReadOne(reader)->raw_body, "abc");
    EXPECT_EQ(ReadOne(reader)->raw_body, "de");
    absl::StatusOr<Request> third = ReadOne(reader);
    ASSERT_TRUE(third.ok());
    EXPECT_EQ(third->path, "/third");
    EXPECT_TRUE(absl::IsCancelled(ReadOne(reader).status()));  // clean end
  }
}

TEST(BufferedReaderTest, RequestLineTooLong) {
  FakeStream stream("GET /" + std::string(20000, 'a') + " HTTP/1.1\r\n\r\n", 512);
  BufferedReader reader(stream);
  EXPECT_EQ(errors::DcsCodeOf(ReadOne(reader).status()), "DCS.4414");
  EXPECT_LT(stream.consumed(), 9000u);
}

TEST(BufferedReaderTest, HeaderSectionTooLarge) {
  std::string input = "GET / HTTP/1.1\r\n";
  for (int i = 0; i < 90; ++i)
    absl::StrAppend(&input, "X-", i, ": ", std::string(200, 'v'), "\r\n");
  FakeStream stream(input + "\r\n", 512);
  BufferedReader reader(stream);
  EXPECT_EQ(errors::DcsCodeOf(ReadOne(reader).status()), "DCS.4431");
}

TEST(BufferedReaderTest, HeaderSectionTooLargeWithoutEnd) {
  FakeStream stream("GET / HTTP/1.1\r\nX: " + std::string(1 << 20, 'v'), 4096);
  BufferedReader reader(stream);
  EXPECT_EQ(errors::DcsCodeOf(ReadOne(reader).status()), "DCS.4431");
  EXPECT_LT(stream.consumed(), 32u << 10);
}

TEST(BufferedReaderTest, StalledHeadIsADeadline) {
  FakeStream stream("GET / HTTP/1.1\r\nHost", 1, /*hang_at_end=*/true);
  BufferedReader reader(stream);
  EXPECT_TRUE(absl::IsDeadlineExceeded(ReadOne(reader).status()));
}

TEST(BufferedReaderTest, NothingAtAllIsACleanClose) {
  FakeStream stream("", 1, /*hang_at_end=*/true);
  BufferedReader reader(stream);
  EXPECT_TRUE(absl::IsCancelled(ReadOne(reader).status()));
}

}  // namespace
}  // namespace rms::http
