// Tests of ParseRequestHead and the percent-decoding of targets: one malformed input per test.
#include "services/http/request_parser.h"

#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "services/common/errors.h"
#include "services/http/url_decoding.h"

namespace rms::http {
namespace {

std::string CodeOf(absl::string_view head) {
  absl::StatusOr<Request> request = ParseRequestHead(head, Limits{});
  if (request.ok()) return "ok";
  return errors::DcsCodeOf(request.status()).value_or("none");
}

TEST(RequestParserTest, ParsesLineFieldsPathAndQuery) {
  absl::StatusOr<Request> request = ParseRequestHead(
      "POST /v2/p%201/migration-task?offset=0&name=a+b%2Bc&flag HTTP/1.1\r\n"
      "Host: 127.0.0.1:80\r\nX-Sdk-Date:   20240101T000000Z  \r\nEmpty:",
      Limits{});
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_EQ(request->method, "POST");
  EXPECT_EQ(request->raw_path, "/v2/p%201/migration-task");
  EXPECT_EQ(request->path, "/v2/p 1/migration-task");
  ASSERT_EQ(request->query.size(), 3u);
  EXPECT_EQ(request->query[1], std::make_pair(std::string("name"), std::string("a b+c")));
  EXPECT_EQ(request->query[2].second, "");
  EXPECT_EQ(request->minor_version, 1);
  ASSERT_NE(request->FindHeader("x-sdk-date"), nullptr);
  EXPECT_EQ(*request->FindHeader("x-sdk-date"), "20240101T000000Z");
  EXPECT_EQ(*request->FindHeader("EMPTY"), "");
  EXPECT_EQ(request->FindHeader("Content-Length"), nullptr);
}

TEST(RequestParserTest, AcceptsHttp10) {
  absl::StatusOr<Request> request = ParseRequestHead("GET / HTTP/1.0", Limits{});
  ASSERT_TRUE(request.ok());
  EXPECT_EQ(request->minor_version, 0);
}

TEST(RequestParserTest, RejectsTwoSpaces) { EXPECT_EQ(CodeOf("GET  / HTTP/1.1"), "DCS.4000"); }
TEST(RequestParserTest, RejectsMissingVersion) { EXPECT_EQ(CodeOf("GET /"), "DCS.4000"); }
TEST(RequestParserTest, RejectsHttp2) { EXPECT_EQ(CodeOf("GET / HTTP/2.0"), "DCS.4000"); }
TEST(RequestParserTest, RejectsAbsoluteForm) {
  EXPECT_EQ(CodeOf("GET http://a/ HTTP/1.1"), "DCS.4000");
}
TEST(RequestParserTest, RejectsBadMethodToken) { EXPECT_EQ(CodeOf("G(T / HTTP/1.1"), "DCS.4000"); }
TEST(RequestParserTest, RejectsBadPercentEncoding) {
  EXPECT_EQ(CodeOf("GET /a%zz HTTP/1.1"), "DCS.4000");
  EXPECT_EQ(CodeOf("GET /a% HTTP/1.1"), "DCS.4000");
  EXPECT_EQ(CodeOf("GET /a%00 HTTP/1.1"), "DCS.4000");
}
TEST(RequestParserTest, RejectsFieldWithoutColon) {
  EXPECT_EQ(CodeOf("GET / HTTP/1.1\r\nHost"), "DCS.4000");
}
TEST(RequestParserTest, RejectsSpaceBeforeColon) {
  EXPECT_EQ(CodeOf("GET / HTTP/1.1\r\nHost : a"), "DCS.4000");
}
TEST(RequestParserTest, RejectsObsoleteFolding) {
  EXPECT_EQ(CodeOf("GET / HTTP/1.1\r\nA: b\r\n c"), "DCS.4000");
}
TEST(RequestParserTest, RejectsBareLineFeed) {
  EXPECT_EQ(CodeOf("GET / HTTP/1.1\r\nA: b\nB: c"), "DCS.4000");
}
TEST(RequestParserTest, RejectsControlCharacterInValue) {
  EXPECT_EQ(CodeOf(std::string("GET / HTTP/1.1\r\nA: b\x01", 21)), "DCS.4000");
}

TEST(RequestParserTest, AcceptsOneHundredFieldsNotOneMore) {
  std::string head = "GET / HTTP/1.1";
  for (int i = 0; i < 100; ++i) absl::StrAppend(&head, "\r\nX-", i, ": v");
  EXPECT_EQ(CodeOf(head), "ok");
  EXPECT_EQ(CodeOf(head + "\r\nX-last: v"), "DCS.4431");
}

TEST(UrlDecodingTest, KeepsPlusInPathsOnly) {
  EXPECT_EQ(*PercentDecode("a+b%41", false), "a+bA");
  EXPECT_EQ(*PercentDecode("a+b%41", true), "a bA");
}

}  // namespace
}  // namespace rms::http
