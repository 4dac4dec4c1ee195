// The table of malformed requests of validation_e2e_test.cc, one row per rejected input.
#pragma once

#include <string>
#include <vector>

namespace rms::e2e {

struct BadRequest {
  std::string name;    // the gtest parameter name
  std::string method;  // GET, POST, PUT or DELETE
  std::string path;    // below /v2/<project>; "{task}" stands for the configured task
  std::string body;    // sent as is ("" = none)
  int http_status;
  std::string code;      // the DCS error_code
  std::string mentions;  // a text error_msg must contain ("" = not checked)
};

std::vector<BadRequest> BadRequestRows();

}  // namespace rms::e2e
