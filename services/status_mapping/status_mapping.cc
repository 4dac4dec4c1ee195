// The one mapping from an absl::Status (carrying a DCS catalogue code) to gRPC and to HTTP.
#include "services/status_mapping/status_mapping.h"

#include <nlohmann/json.hpp>

#include "services/common/errors.h"

namespace rms::status_mapping {

MappedError MapError(const absl::Status& status) {
  absl::Status effective = status;
  std::optional<std::string> code = errors::DcsCodeOf(status);
  const errors::CatalogueEntry* entry = code ? errors::FindEntry(*code) : nullptr;
  if (entry == nullptr) {
    effective = errors::Internal();
    entry = errors::FindEntry(*errors::DcsCodeOf(effective));
  }
  MappedError mapped;
  mapped.dcs_code = std::string(entry->code);
  mapped.message = std::string(effective.message());
  mapped.http_status = entry->http_status;
  mapped.grpc_code = static_cast<grpc::StatusCode>(entry->grpc_code);
  return mapped;
}

std::string DcsErrorBody(const MappedError& error) {
  nlohmann::json body{{"error_code", error.dcs_code},
                      {"error_msg", error.message},
                      {"error_ext_msg", nullptr}};
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

grpc::Status ToGrpcStatus(const MappedError& error) {
  return grpc::Status(error.grpc_code, error.message);
}

}  // namespace rms::status_mapping
