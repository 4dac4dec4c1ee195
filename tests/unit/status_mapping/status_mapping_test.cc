// Walks the whole error catalogue through both mappings (gRPC and HTTP).
#include "services/status_mapping/status_mapping.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <set>

#include "services/common/errors.h"

namespace rms::status_mapping {
namespace {

TEST(StatusMappingTest, EveryCatalogueCodeMapsToItsRow) {
  std::set<std::string> seen;
  for (const errors::CatalogueEntry& entry : errors::Catalogue()) {
    EXPECT_TRUE(seen.insert(std::string(entry.code)).second) << "duplicate " << entry.code;
    absl::Status status = errors::Make(entry.code, "what went wrong");
    MappedError mapped = MapError(status);
    EXPECT_EQ(mapped.dcs_code, entry.code);
    EXPECT_EQ(mapped.http_status, entry.http_status) << entry.code;
    EXPECT_EQ(static_cast<int>(mapped.grpc_code), static_cast<int>(entry.grpc_code));
    EXPECT_EQ(ToGrpcStatus(mapped).error_code(), mapped.grpc_code);
    EXPECT_EQ(ToGrpcStatus(mapped).error_message(), "what went wrong");
    nlohmann::json body = nlohmann::json::parse(DcsErrorBody(mapped));
    EXPECT_EQ(body["error_code"].get<std::string>(), std::string(entry.code));
    EXPECT_EQ(body["error_msg"], "what went wrong");
    EXPECT_TRUE(body.contains("error_ext_msg") && body["error_ext_msg"].is_null());
  }
  EXPECT_EQ(seen.size(), 28u);
}

TEST(StatusMappingTest, StatusWithoutPayloadLeaksNothing) {
  MappedError mapped = MapError(absl::InternalError("password=hunter2 in pg://x"));
  EXPECT_EQ(mapped.dcs_code, "DCS.5000");
  EXPECT_EQ(mapped.http_status, 500);
  EXPECT_EQ(mapped.message.find("hunter2"), std::string::npos);
  EXPECT_EQ(MapError(absl::UnavailableError("db")).dcs_code, "DCS.5000");
}

TEST(StatusMappingTest, NamedConstructorsCarryTheirCodes) {
  EXPECT_EQ(MapError(errors::TaskNotFound("t")).http_status, 404);
  EXPECT_EQ(MapError(errors::UnknownInstanceId("source_instance", "i")).http_status, 400);
  EXPECT_EQ(MapError(errors::UnknownInstanceId("source_instance", "i")).grpc_code,
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(MapError(errors::Unauthenticated("x")).http_status, 401);
  EXPECT_EQ(MapError(errors::Forbidden("x")).http_status, 403);
  EXPECT_EQ(MapError(errors::DatabaseUnavailable()).grpc_code, grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(MapError(errors::VerificationNotFound("v")).http_status, 404);
  EXPECT_EQ(MapError(errors::NotVerifiable("t", "x")).http_status, 400);
  EXPECT_EQ(MapError(errors::NotVerifiable("t", "x")).grpc_code,
            grpc::StatusCode::FAILED_PRECONDITION);
}

}  // namespace
}  // namespace rms::status_mapping
