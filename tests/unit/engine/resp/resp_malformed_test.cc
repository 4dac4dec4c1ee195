// RespDecoder on malformed input: one short test per violation and per limit.
#include <string>

#include "gtest/gtest.h"
#include "services/engine/resp/resp.h"
#include "tests/unit/engine/resp/resp_test_util.h"

namespace rms::engine::resp {
namespace {

// Whole and byte by byte must both fail with `code`.
void ExpectError(const std::string& bytes, absl::StatusCode code, DecoderLimits limits = {}) {
  absl::StatusOr<std::vector<Decoded>> whole = DecodeWhole(bytes, limits);
  absl::StatusOr<std::vector<Decoded>> bytewise = DecodeByteByByte(bytes, limits);
  EXPECT_EQ(whole.status().code(), code) << absl::CEscape(bytes) << ": " << whole.status();
  EXPECT_EQ(bytewise.status().code(), code) << absl::CEscape(bytes) << ": " << bytewise.status();
}

constexpr absl::StatusCode kViolation = absl::StatusCode::kInvalidArgument;
constexpr absl::StatusCode kLimit = absl::StatusCode::kResourceExhausted;

TEST(RespMalformedTest, BadTypeByte) { ExpectError("?x\r\n", kViolation); }

TEST(RespMalformedTest, InlineCommandIsRejected) { ExpectError("PING\r\n", kViolation); }

TEST(RespMalformedTest, BareNewlineIsRejected) { ExpectError("\n", kViolation); }

TEST(RespMalformedTest, BadTypeByteInsideArray) { ExpectError("*2\r\n:1\r\n!\r\n", kViolation); }

TEST(RespMalformedTest, NonNumericBulkLength) { ExpectError("$abc\r\n", kViolation); }

TEST(RespMalformedTest, EmptyBulkLength) { ExpectError("$\r\n", kViolation); }

TEST(RespMalformedTest, BulkLengthBelowMinusOne) { ExpectError("$-2\r\n", kViolation); }

TEST(RespMalformedTest, BulkLengthWithPlusSign) { ExpectError("$+3\r\nabc\r\n", kViolation); }

TEST(RespMalformedTest, BulkLengthWithSpace) { ExpectError("$ 3\r\nabc\r\n", kViolation); }

TEST(RespMalformedTest, BulkLengthOverflow) {
  ExpectError("$99999999999999999999\r\n", kViolation);
}

TEST(RespMalformedTest, MissingCrLfAfterBulk) { ExpectError("$3\r\nabcXY", kViolation); }

TEST(RespMalformedTest, BulkLongerThanAnnounced) { ExpectError("$3\r\nabcd\r\n", kViolation); }

TEST(RespMalformedTest, NonNumericArrayCount) { ExpectError("*x\r\n", kViolation); }

TEST(RespMalformedTest, ArrayCountBelowMinusOne) { ExpectError("*-5\r\n", kViolation); }

TEST(RespMalformedTest, BadInteger) { ExpectError(":12a\r\n", kViolation); }

TEST(RespMalformedTest, EmptyInteger) { ExpectError(":\r\n", kViolation); }

TEST(RespMalformedTest, BulkOverLimitFailsBeforeThePayloadArrives) {
  DecoderLimits limits;
  limits.max_bulk_bytes = 10;
  ExpectError("$11\r\n", kLimit, limits);
}

TEST(RespMalformedTest, DefaultBulkLimitIs512MiB) { ExpectError("$536870913\r\n", kLimit); }

TEST(RespMalformedTest, ArrayCountOverLimit) {
  DecoderLimits limits;
  limits.max_array_elements = 3;
  ExpectError("*4\r\n", kLimit, limits);
}

TEST(RespMalformedTest, CompleteLineOverLimit) {
  DecoderLimits limits;
  limits.max_line_bytes = 4;
  ExpectError("+abcde\r\n", kLimit, limits);
}

TEST(RespMalformedTest, UnterminatedLineOverLimit) {
  DecoderLimits limits;
  limits.max_line_bytes = 4;
  ExpectError("+abcdef", kLimit, limits);
}

TEST(RespMalformedTest, HeaderLineOverLimit) {
  DecoderLimits limits;
  limits.max_line_bytes = 4;
  ExpectError("$000003\r\nabc\r\n", kLimit, limits);
}

TEST(RespMalformedTest, NestingOverDepthLimit) {
  DecoderLimits limits;
  limits.max_depth = 3;
  ExpectError("*1\r\n*1\r\n*1\r\n*1\r\n:7\r\n", kLimit, limits);
}

TEST(RespMalformedTest, ErrorsAreSticky) {
  RespDecoder decoder;
  decoder.Feed("?\r\n");
  EXPECT_EQ(decoder.Next().status().code(), kViolation);
  decoder.Feed("+OK\r\n");
  EXPECT_EQ(decoder.Next().status().code(), kViolation);
}

}  // namespace
}  // namespace rms::engine::resp
