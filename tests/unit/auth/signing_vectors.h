// The two SDK-HMAC-SHA256 examples of docs/authentication.md as SignableRequests.
#pragma once

#include <string>

#include "services/auth/sdk_signing.h"

namespace rms::auth::testing {

inline constexpr char kAk[] = "HPUAEXAMPLEAK0000001";
inline constexpr char kSk[] = "ExampleSecretKey0000000000000000000000001";
inline constexpr char kProject[] = "0504ab27e2c0401cb11d2d2d7e1f4b0b";
inline constexpr char kDate[] = "20240101T000000Z";
inline constexpr char kSignedHeaders[] = "content-type;host;user-agent;x-project-id;x-sdk-date";

inline HeaderMap VectorHeaders(const std::string& content_type) {
  return {{"Content-Type", content_type},
          {"Host", "127.0.0.1:8080"},
          {"User-Agent", "huaweicloud-usdk-python/3.0"},
          {"X-Project-Id", kProject},
          {"X-Sdk-Date", kDate}};
}

// Vector 1: POST create task with a 239-byte JSON body.
inline SignableRequest Vector1() {
  SignableRequest req;
  req.method = "POST";
  req.path = std::string("/v2/") + kProject + "/migration/5ab5fc1c3b8b4a3f9ad96f2bb46f2b2a/task";
  req.headers = VectorHeaders("application/json;charset=utf-8");
  req.body = R"({"migration_method": "incremental_migration", "resume_mode": "auto", )"
             R"("bandwidth_limit_mb": "100", "source_instance": {"addrs": "127.0.0.1:6379", )"
             R"("password": "srcpass"}, "target_instance": {"addrs": "127.0.0.1:6380", )"
             R"("password": "tgtpass"}})";
  return req;
}
inline constexpr char kSignature1[] =
    "2f961ce1f6a28efab60fe2121f1211d264ec7962c1f70d7af93e6869498aa52c";

// Vector 2: GET list with a query; pairs given out of order to exercise the sort.
inline SignableRequest Vector2() {
  SignableRequest req;
  req.method = "GET";
  req.path = std::string("/v2/") + kProject + "/migration-tasks";
  req.query = {{"offset", "0"}, {"name", "dcs migration"}, {"limit", "10"}};
  req.headers = VectorHeaders("application/json");
  return req;
}
inline constexpr char kSignature2[] =
    "349791726e5f09159795a4075b0686e6de1d9164c1cee9d8738d937ec0e9e3e1";

inline std::string AuthorizationFor(const std::string& signature, const std::string& ak = kAk) {
  return std::string("SDK-HMAC-SHA256 Access=") + ak + ", SignedHeaders=" + kSignedHeaders +
         ", Signature=" + signature;
}

}  // namespace rms::auth::testing
