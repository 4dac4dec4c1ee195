// Unit tests of DecodeRequestBody: required and optional bodies, then the JSON codec.
#include "services/rest_json/request_body.h"

#include <gtest/gtest.h>

#include "rms/v1/migration.pb.h"
#include "services/common/errors.h"

namespace rms::rest_json {
namespace {

TEST(RequestBodyTest, AnEmptyRequiredBodyIsBadJson) {
  for (const char* body : {"", " \r\n\t"}) {
    v1::UpdateTaskBody out;
    absl::Status status = DecodeRequestBody(body, BodyPresence::kRequired, out);
    EXPECT_EQ(errors::DcsCodeOf(status), "DCS.4000") << status;
    EXPECT_NE(status.message().find("empty"), absl::string_view::npos) << status;
  }
}

TEST(RequestBodyTest, AnEmptyOptionalBodyKeepsTheDefaults) {
  v1::StartVerificationBody out;
  EXPECT_TRUE(DecodeRequestBody("  ", BodyPresence::kOptional, out).ok());
  EXPECT_EQ(out.mode(), "");
  EXPECT_FALSE(out.has_ttl_tolerance_s());
}

TEST(RequestBodyTest, ANonEmptyBodyGoesThroughTheCodec) {
  v1::StartVerificationBody out;
  ASSERT_TRUE(
      DecodeRequestBody(R"({"mode":"sample","sample_keys":5})", BodyPresence::kOptional, out).ok());
  EXPECT_EQ(out.sample_keys(), 5);
  EXPECT_EQ(errors::DcsCodeOf(DecodeRequestBody("[1]", BodyPresence::kOptional, out)), "DCS.4000");
}

}  // namespace
}  // namespace rms::rest_json
