// The DCS error catalogue (docs/errors.md) and its named constructors.
#include "services/common/errors.h"

#include <array>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"

namespace rms::errors {
namespace {

constexpr absl::string_view kPayloadUrl = "type.rms/dcs-error-code";
using C = absl::StatusCode;

constexpr std::array<CatalogueEntry, 28> kCatalogue = {{
    {"DCS.4133", 404, C::kNotFound, "the migration task does not exist"},
    {"DCS.4000", 400, C::kInvalidArgument, "request body is not valid JSON, or too large"},
    {"DCS.4001", 400, C::kInvalidArgument, "a mandatory field is missing"},
    {"DCS.4002", 400, C::kInvalidArgument, "a field has the wrong type or an unknown value"},
    {"DCS.4003", 400, C::kInvalidArgument, "an unknown field"},
    {"DCS.4004", 400, C::kInvalidArgument, "bandwidth_limit_mb outside 1..10240"},
    {"DCS.4005", 400, C::kInvalidArgument, "instance body has neither id nor valid addrs"},
    {"DCS.4006", 400, C::kInvalidArgument, "source and target are the same instance"},
    {"DCS.4007", 400, C::kNotFound, "the instance id is not registered in this project"},
    {"DCS.4008", 400, C::kInvalidArgument, "bad query parameter"},
    {"DCS.4134", 400, C::kFailedPrecondition, "the task's status does not allow this operation"},
    {"DCS.4135", 400, C::kFailedPrecondition, "a running task cannot be deleted"},
    {"DCS.4136", 404, C::kNotFound, "the instance does not exist"},
    {"DCS.4137", 404, C::kNotFound, "the job does not exist"},
    {"DCS.4138", 404, C::kNotFound, "the verification does not exist (for this task)"},
    {"DCS.4139", 400, C::kFailedPrecondition,
     "the task cannot be verified: not an online migration task with a source and a target"},
    {"DCS.4040", 404, C::kUnimplemented, "no such route"},
    {"DCS.4010", 401, C::kUnauthenticated, "invalid or missing credentials"},
    {"DCS.4030", 403, C::kPermissionDenied, "credentials of another project"},
    {"DCS.4408", 408, C::kDeadlineExceeded, "the request did not arrive within its timeout"},
    {"DCS.4413", 413, C::kResourceExhausted, "the body (or its decoded form) exceeds 1 MiB"},
    {"DCS.4414", 414, C::kInvalidArgument, "the request line exceeds 8 KiB"},
    {"DCS.4415", 415, C::kInvalidArgument, "an unsupported Content-Encoding"},
    {"DCS.4431", 431, C::kInvalidArgument,
     "the header section is too large or has too many fields"},
    {"DCS.5000", 500, C::kInternal, "unexpected internal error"},
    {"DCS.5030", 500, C::kUnavailable, "the database is unreachable"},
    {"DCS.5031", 503, C::kUnavailable, "the service is not ready"},
    {"DCS.5032", 503, C::kUnavailable, "too many open connections"},
}};

}  // namespace

absl::Span<const CatalogueEntry> Catalogue() { return kCatalogue; }

const CatalogueEntry* FindEntry(absl::string_view code) {
  for (const CatalogueEntry& entry : kCatalogue) {
    if (entry.code == code) return &entry;
  }
  return nullptr;
}

std::optional<std::string> DcsCodeOf(const absl::Status& status) {
  absl::optional<absl::Cord> payload = status.GetPayload(kPayloadUrl);
  if (!payload) return std::nullopt;
  return std::string(*payload);
}

absl::Status Make(absl::string_view code, absl::string_view message) {
  const CatalogueEntry* entry = FindEntry(code);
  if (entry == nullptr) return Internal();
  absl::Status status(entry->grpc_code, message);
  status.SetPayload(kPayloadUrl, absl::Cord(entry->code));
  return status;
}

absl::Status TaskNotFound(absl::string_view task_id) {
  return Make("DCS.4133", absl::StrCat("migration task ", task_id, " does not exist"));
}
absl::Status BadJson(absl::string_view detail) {
  return Make("DCS.4000", absl::StrCat("invalid request body: ", detail));
}
absl::Status MissingField(absl::string_view field) {
  return Make("DCS.4001", absl::StrCat("missing mandatory field '", field, "'"));
}
absl::Status WrongType(absl::string_view field, absl::string_view expected) {
  return Make("DCS.4002", absl::StrCat("field '", field, "' must be ", expected));
}
absl::Status BadValue(absl::string_view field, absl::string_view allowed) {
  return Make("DCS.4002",
              absl::StrCat("field '", field, "' has an invalid value; allowed: ", allowed));
}
absl::Status UnknownField(absl::string_view field) {
  return Make("DCS.4003", absl::StrCat("unknown field '", field, "'"));
}
absl::Status BandwidthOutOfRange(absl::string_view value) {
  return Make("DCS.4004", absl::StrCat("bandwidth_limit_mb '", value,
                                       "' must be an integer between 1 and 10240"));
}
absl::Status BadInstance(absl::string_view field, absl::string_view detail) {
  return Make("DCS.4005", absl::StrCat("invalid '", field, "': ", detail));
}
absl::Status SameInstance() {
  return Make("DCS.4006", "source_instance and target_instance are the same instance");
}
absl::Status UnknownInstanceId(absl::string_view field, absl::string_view id) {
  return Make("DCS.4007", absl::StrCat("'", field, ".id' ", id,
                                       " is not a registered instance of this project"));
}
absl::Status BadQuery(absl::string_view param, absl::string_view detail) {
  return Make("DCS.4008", absl::StrCat("invalid query parameter '", param, "': ", detail));
}
absl::Status WrongState(absl::string_view operation, absl::string_view status,
                        absl::string_view allowed) {
  return Make("DCS.4134", absl::StrCat("cannot ", operation, " a task in status ", status,
                                       "; allowed in: ", allowed));
}
absl::Status DeleteRunning(absl::string_view task_id, absl::string_view status) {
  return Make("DCS.4135",
              absl::StrCat("task ", task_id, " is ", status, "; stop it before deleting it"));
}
absl::Status InstanceNotFound(absl::string_view instance_id) {
  return Make("DCS.4136", absl::StrCat("instance ", instance_id, " does not exist"));
}
absl::Status JobNotFound(absl::string_view job_id) {
  return Make("DCS.4137", absl::StrCat("job ", job_id, " does not exist"));
}
absl::Status VerificationNotFound(absl::string_view verification_id) {
  return Make("DCS.4138", absl::StrCat("verification ", verification_id, " does not exist"));
}
absl::Status NotVerifiable(absl::string_view task_id, absl::string_view reason) {
  return Make("DCS.4139", absl::StrCat("task ", task_id, " cannot be verified: ", reason));
}
absl::Status NoRoute(absl::string_view method, absl::string_view path) {
  return Make("DCS.4040", absl::StrCat("no route for ", method, " ", path));
}
absl::Status Unauthenticated(absl::string_view detail) {
  return Make("DCS.4010", absl::StrCat("authentication failed: ", detail));
}
absl::Status Forbidden(absl::string_view detail) {
  return Make("DCS.4030", absl::StrCat("forbidden: ", detail));
}
absl::Status Internal() {
  return Make("DCS.5000", "internal error; the request id identifies it in the service log");
}
absl::Status NotReady(absl::string_view reason) {
  return Make("DCS.5031", absl::StrCat("not ready: ", reason));
}

absl::Status MalformedHttp(absl::string_view detail) {
  return Make("DCS.4000", absl::StrCat("malformed HTTP request: ", detail));
}
absl::Status RequestTimeout(absl::string_view part) {
  return Make("DCS.4408", absl::StrCat("the request ", part, " did not arrive in time"));
}
absl::Status BodyTooLarge(absl::string_view detail) {
  return Make("DCS.4413", absl::StrCat("the body is larger than 1 MiB", detail));
}
absl::Status UriTooLong() { return Make("DCS.4414", "the request line is longer than 8 KiB"); }
absl::Status UnsupportedEncoding(absl::string_view encoding) {
  return Make("DCS.4415", absl::StrCat("unsupported Content-Encoding '", encoding,
                                       "'; supported: gzip, deflate, identity"));
}
absl::Status HeadersTooLarge(absl::string_view detail) {
  return Make("DCS.4431", absl::StrCat("request header fields too large: ", detail));
}
absl::Status TooManyConnections() {
  return Make("DCS.5032", "too many open connections; retry later");
}

absl::Status DatabaseUnavailable() {
  return Make("DCS.5030", "the database is unreachable; retry later");
}

}  // namespace rms::errors
