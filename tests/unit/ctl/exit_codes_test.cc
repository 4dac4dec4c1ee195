// Unit tests of exit-code mapping and DCS error decoding.
#include "services/ctl/exit_codes.h"

#include <gtest/gtest.h>

#include "services/ctl/api.h"

namespace rms::ctl {
namespace {

TEST(ExitCodesTest, EachConstructorCarriesItsCode) {
  EXPECT_EQ(ExitCodeOf(absl::OkStatus()), 0);
  EXPECT_EQ(ExitCodeOf(FailedError("task failed")), 1);
  EXPECT_EQ(ExitCodeOf(UsageError("bad flag")), 2);
  EXPECT_EQ(ExitCodeOf(ConnectError("refused")), 3);
  EXPECT_EQ(ExitCodeOf(ApiError(404, "DCS.4133", "task not found")), 4);
  // An API 400 or 503 stays an API error: the payload wins over the canonical code.
  EXPECT_EQ(ExitCodeOf(ApiError(400, "DCS.4002", "bad value")), 4);
  EXPECT_EQ(ExitCodeOf(ApiError(503, "DCS.5030", "database unavailable")), 4);
}

TEST(ExitCodesTest, StatusesWithoutPayloadFollowTheirCode) {
  EXPECT_EQ(ExitCodeOf(absl::InvalidArgumentError("x")), 2);
  EXPECT_EQ(ExitCodeOf(absl::UnavailableError("x")), 3);
  EXPECT_EQ(ExitCodeOf(absl::DeadlineExceededError("x")), 3);
  EXPECT_EQ(ExitCodeOf(absl::InternalError("x")), 4);
}

TEST(DecodeReplyTest, SuccessIsTheJson) {
  auto reply = DecodeReply(200, R"({"id":"t1","status":"RUNNING"})");
  ASSERT_TRUE(reply.ok());
  EXPECT_EQ((*reply)["id"], "t1");
  EXPECT_TRUE(DecodeReply(200, "")->is_object());
}

TEST(DecodeReplyTest, DcsErrorBodyBecomesCodeColonMessage) {
  auto reply = DecodeReply(
      404, R"({"error_code":"DCS.4133","error_msg":"task t9 not found","error_ext_msg":null})");
  EXPECT_EQ(reply.status().message(), "DCS.4133: task t9 not found");
  EXPECT_EQ(reply.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(ExitCodeOf(reply.status()), 4);
}

TEST(DecodeReplyTest, OtherErrorsNameTheHttpStatus) {
  auto reply = DecodeReply(502, "<html>bad gateway</html>");
  EXPECT_EQ(reply.status().message(), "HTTP 502: <html>bad gateway</html>");
  EXPECT_EQ(ExitCodeOf(reply.status()), 4);
  EXPECT_EQ(ExitCodeOf(DecodeReply(200, "not json").status()), 4);
}

TEST(ApiPathsTest, SegmentsAndQueryAreEncoded) {
  ApiRequest request;
  request.path = ProjectPath("my project", "/migration-task/" + Segment("a/b"));
  request.query = {{"name", "x y&z"}, {"limit", "5"}};
  EXPECT_EQ(RequestTarget(request), "/v2/my%20project/migration-task/a%2Fb?name=x%20y%26z&limit=5");
}

}  // namespace
}  // namespace rms::ctl
