// Renders a verification report and decides its exit code.
#include "services/ctl/verification_view.h"

#include <cstdint>

#include "absl/strings/str_cat.h"
#include "services/ctl/exit_codes.h"
#include "services/ctl/json_fields.h"

namespace rms::ctl {
namespace {

constexpr const char* kDifferenceFields[] = {"missing", "extra", "value_mismatch", "ttl_mismatch",
                                             "type_mismatch"};

int64_t Count(const Json& verification, const char* field) {
  return IntegerField(verification, field).value_or(0);
}

int64_t Differences(const Json& verification) {
  int64_t total = 0;
  for (const char* field : kDifferenceFields) total += Count(verification, field);
  return total;
}

std::string Examples(const Json& verification) {
  auto it = verification.find("examples");
  if (it == verification.end() || !it->is_array() || it->empty()) return "";
  std::string out = "examples:\n";
  for (const Json& example : *it) {
    absl::StrAppend(&out, "  db ", TextField(example, "db"), "  ", TextField(example, "key"), "  ",
                    TextField(example, "problem"), "\n");
  }
  return out;
}

}  // namespace

bool VerificationRunning(const Json& verification) {
  const std::string status = TextField(verification, "status");
  return status.empty() || status == "RUNNING";
}

std::string RenderVerification(const Json& verification) {
  const std::string status = TextField(verification, "status");
  std::string out = absl::StrCat("verification: ", TextField(verification, "verification_id"),
                                 "\nstatus: ", status, "\n");
  absl::StrAppend(&out, "keys_checked: ", Count(verification, "keys_checked"), "\n");
  for (const char* field : kDifferenceFields) {
    absl::StrAppend(&out, field, ": ", Count(verification, field), "\n");
  }
  out += Examples(verification);
  if (const std::string error = TextField(verification, "error"); !error.empty()) {
    absl::StrAppend(&out, "error: ", error, "\n");
  }
  const int64_t differences = Differences(verification);
  if (status == "DONE") {
    absl::StrAppend(
        &out, "result: ",
        differences == 0 ? "no differences" : absl::StrCat(differences, " differences found"),
        "\n");
  } else if (status == "FAILED") {
    out += "result: the verification failed\n";
  }
  return out;
}

absl::Status VerificationOutcome(const Json& verification) {
  const std::string status = TextField(verification, "status");
  const std::string id = TextField(verification, "verification_id");
  if (status == "FAILED") {
    return FailedError(
        absl::StrCat("verification ", id, " failed: ", TextField(verification, "error")));
  }
  if (status != "DONE") {
    return ApiError(200, "",
                    absl::StrCat("verification ", id, ": unexpected status '", status, "'"));
  }
  if (const int64_t differences = Differences(verification); differences > 0) {
    return FailedError(absl::StrCat("verification ", id, " found ", differences, " differences"));
  }
  return absl::OkStatus();
}

}  // namespace rms::ctl
