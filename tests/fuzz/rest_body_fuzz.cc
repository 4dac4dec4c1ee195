// Fuzzes the body step of every REST route that takes a body: the first byte picks the route,
// the rest is the raw body. Decoding, the string limits and the body's rules must answer with a
// catalogued DCS error or OK, never crash; a body that decodes must encode to JSON that decodes
// back to the same message.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/util/message_differencer.h"
#include "rms/v1/migration.pb.h"
#include "services/api/body_validation.h"
#include "services/api/request_validation.h"
#include "services/api/string_fields.h"
#include "services/common/errors.h"
#include "services/rest_json/json_codec.h"
#include "services/rest_json/request_body.h"

namespace {

using google::protobuf::Message;
using rms::rest_json::BodyPresence;

// A refusal must be a client error from the catalogue: never INTERNAL, never uncatalogued.
void CheckRefusal(const absl::Status& status) {
  if (status.ok()) return;
  if (!rms::errors::DcsCodeOf(status).has_value() || absl::IsInternal(status)) abort();
}

// The path parameters the router would have filled, on whichever of them `request` has.
void SetPathParams(Message& request) {
  for (const char* name : {"project_id", "task_id"}) {
    const auto* field = request.GetDescriptor()->FindFieldByName(name);
    if (field != nullptr) request.GetReflection()->SetString(&request, field, "0504ab27e2c0401c");
  }
}

// What the gateway sends back for `body` must read back as `body`.
void CheckRoundTrip(const Message& body) {
  std::unique_ptr<Message> again(body.New());
  if (!rms::rest_json::DecodeJsonBody(rms::rest_json::EncodeJson(body), *again).ok()) abort();
  if (!google::protobuf::util::MessageDifferencer::Equals(body, *again)) abort();
}

// One route: decode as the gateway does, then the checks the core makes before any storage.
template <typename Request, typename Body>
void RunRoute(absl::string_view text, BodyPresence presence, absl::Status (*rules)(const Body&)) {
  Request request;
  SetPathParams(request);
  absl::Status status = rms::rest_json::DecodeRequestBody(text, presence, *request.mutable_body());
  CheckRefusal(status);
  if (!status.ok()) return;
  CheckRoundTrip(request.body());
  status = rms::api::ValidateRequestStrings(request);
  if (status.ok()) status = rules(request.body());
  CheckRefusal(status);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* bytes, size_t size) {
  namespace api = rms::api;
  namespace v1 = rms::v1;
  if (size == 0) return 0;
  const absl::string_view body(reinterpret_cast<const char*>(bytes) + 1, size - 1);
  constexpr BodyPresence kRequired = BodyPresence::kRequired;
  switch (bytes[0] % 8) {  // '0'..'7' in the seeds
    case 0:                // POST /v2/{project_id}/migration/instance
      RunRoute<v1::CreateOnlineTaskRequest>(body, kRequired, &api::ValidateCreateOnlineTaskBody);
      break;
    case 1:  // POST /v2/{project_id}/migration/{task_id}/task
      RunRoute<v1::ConfigureTaskRequest>(body, kRequired, &api::ValidateConfigureTaskBody);
      break;
    case 2:  // POST /v2/{project_id}/migration-task
      RunRoute<v1::CreateImportTaskRequest>(body, kRequired, &api::ValidateCreateImportTaskBody);
      break;
    case 3:  // PUT /v2/{project_id}/migration-task/{task_id}
      RunRoute<v1::UpdateTaskRequest>(body, kRequired, &api::ValidateUpdateTaskBody);
      break;
    case 4:  // POST .../migration-task/batch-stop, .../migration-tasks/batch-restart
      RunRoute<v1::BatchTasksRequest>(body, kRequired, &api::ValidateBatchTasksBody);
      break;
    case 5:  // DELETE /v2/{project_id}/migration-tasks/delete
      RunRoute<v1::DeleteTasksRequest>(body, kRequired, &api::ValidateDeleteTasksBody);
      break;
    case 6:  // POST /v2/{project_id}/instances
      RunRoute<v1::CreateInstanceRequest>(body, kRequired, &api::ValidateCreateInstanceBody);
      break;
    default:  // POST /v2/{project_id}/migration-task/{task_id}/verify (the body is optional)
      RunRoute<v1::StartVerificationRequest>(body, BodyPresence::kOptional,
                                             &api::ValidateVerificationBody);
      break;
  }
  return 0;
}
