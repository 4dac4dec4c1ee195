// Unit tests of the descriptor-driven JSON body decoder and the response encoder.
#include "services/rest_json/json_codec.h"

#include <gtest/gtest.h>

#include "rms/v1/migration.pb.h"
#include "services/common/errors.h"

namespace rms::rest_json {
namespace {

struct Case {
  const char* body;
  const char* code;
  const char* field;  // must appear in the message
};

TEST(JsonCodecTest, DecodesTheSeedExampleWithBandwidthAsIntegerOrString) {
  for (const char* bandwidth : {"123", "\"123\""}) {
    std::string body = std::string(R"({"migration_method":"incremental_migration",)") +
                       R"("resume_mode":"auto","bandwidth_limit_mb":)" + bandwidth +
                       R"(,"source_instance":{"addrs":"127.0.0.1:6379","password":"p"},)" +
                       R"("target_instance":{"id":"abc"}})";
    v1::ConfigureTaskBody out;
    ASSERT_TRUE(DecodeJsonBody(body, out).ok()) << body;
    EXPECT_EQ(out.bandwidth_limit_mb(), "123");
    EXPECT_EQ(out.source_instance().password(), "p");
    EXPECT_TRUE(out.has_target_instance());
    EXPECT_EQ(out.target_instance().id(), "abc");
  }
}

TEST(JsonCodecTest, RejectsMalformedBodiesNamingTheField) {
  const Case cases[] = {
      {"{", "DCS.4000", "JSON"},
      {"[]", "DCS.4000", "object"},
      {"\"x\"", "DCS.4000", "object"},
      {R"({"foo":1})", "DCS.4003", "foo"},
      {R"({"source_instance":{"host":"x"}})", "DCS.4003", "source_instance.host"},
      {R"({"resume_mode":1})", "DCS.4002", "resume_mode"},
      {R"({"bandwidth_limit_mb":1.5})", "DCS.4002", "bandwidth_limit_mb"},
      {R"({"bandwidth_limit_mb":true})", "DCS.4002", "bandwidth_limit_mb"},
      {R"({"source_instance":"127.0.0.1:6379"})", "DCS.4002", "source_instance"},
      {R"({"source_instance":{"addrs":["a:1"]}})", "DCS.4002", "source_instance.addrs"},
  };
  for (const Case& c : cases) {
    v1::ConfigureTaskBody out;
    absl::Status status = DecodeJsonBody(c.body, out);
    EXPECT_EQ(errors::DcsCodeOf(status), c.code) << c.body;
    EXPECT_NE(status.message().find(c.field), absl::string_view::npos)
        << c.body << " -> " << status.message();
  }
}

TEST(JsonCodecTest, RepeatedFieldsAndNulls) {
  v1::BatchTasksBody out;
  ASSERT_TRUE(DecodeJsonBody(R"({"migration_tasks":["a","b"]})", out).ok());
  EXPECT_EQ(out.migration_tasks_size(), 2);
  EXPECT_EQ(errors::DcsCodeOf(DecodeJsonBody(R"({"migration_tasks":"a"})", out)), "DCS.4002");
  EXPECT_EQ(errors::DcsCodeOf(DecodeJsonBody(R"({"migration_tasks":[1]})", out)), "DCS.4002");
  v1::ConfigureTaskBody configure;
  ASSERT_TRUE(DecodeJsonBody(R"({"bandwidth_limit_mb":null})", configure).ok());
  EXPECT_EQ(configure.bandwidth_limit_mb(), "");
}

TEST(JsonCodecTest, Int32FieldsAreRangeChecked) {
  v1::ListTasksRequest out;
  ASSERT_TRUE(DecodeJsonBody(R"({"limit":5})", out).ok());
  EXPECT_EQ(out.limit(), 5);
  EXPECT_EQ(errors::DcsCodeOf(DecodeJsonBody(R"({"limit":4294967296})", out)), "DCS.4002");
  EXPECT_EQ(errors::DcsCodeOf(DecodeJsonBody(R"({"limit":"5"})", out)), "DCS.4002");
}

TEST(JsonCodecTest, EncodesEveryFieldWithProtoNamesAndEnumNames) {
  v1::ConfigureTaskResponse response;
  response.set_id("t1");
  response.set_status(v1::INCRMIGEATING);
  EXPECT_EQ(EncodeJson(response),
            R"({"id":"t1","name":"","status":"INCRMIGEATING","error":""})");
}

TEST(JsonCodecTest, VerificationBodyKnowsAbsentFromZero) {
  v1::StartVerificationBody body;
  ASSERT_TRUE(DecodeJsonBody(R"({"mode":"sample","sample_keys":5})", body).ok());
  EXPECT_FALSE(body.has_ttl_tolerance_s());
  EXPECT_FALSE(body.has_max_source_ops());
  ASSERT_TRUE(DecodeJsonBody(R"({"ttl_tolerance_s":0,"max_source_ops":500})", body).ok());
  EXPECT_TRUE(body.has_ttl_tolerance_s());
  EXPECT_EQ(body.ttl_tolerance_s(), 0);
  EXPECT_EQ(body.max_source_ops(), 500);
  absl::Status unknown = DecodeJsonBody(R"({"mode":"full","sample":1})", body);
  EXPECT_EQ(errors::DcsCodeOf(unknown).value_or(""), "DCS.4003");
  absl::Status wrong = DecodeJsonBody(R"({"sample_keys":"5"})", body);
  EXPECT_EQ(errors::DcsCodeOf(wrong).value_or(""), "DCS.4002");
}

TEST(JsonCodecTest, Prints64BitCountersAsNumbers) {
  v1::Verification verification;
  verification.set_verification_id("v1");
  verification.set_keys_checked(9007199254740991);  // 2^53 - 1
  verification.set_missing(1);
  v1::VerificationExample* example = verification.add_examples();
  example->set_db(3);
  example->set_key("k");
  example->set_problem("missing");
  const std::string json = EncodeJson(verification);
  EXPECT_NE(json.find(R"("keys_checked":9007199254740991)"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("missing":1)"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("extra":0)"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("examples":[{"db":3,"key":"k","problem":"missing"}])"),
            std::string::npos)
      << json;
}

}  // namespace
}  // namespace rms::rest_json
