// The one place that turns libpqxx exceptions into absl::Status; messages never carry secrets.
#include "storage/pg_errors.h"

#include <exception>
#include <pqxx/except>
#include <string>

#include "absl/strings/str_cat.h"
#include "services/common/errors.h"

namespace rms::storage {
namespace {

constexpr size_t kMaxReasonLength = 200;

// The first line of a libpq/libpqxx message ("ERROR:  relation ... does not exist"), without the
// DETAIL/HINT lines that may quote row values, and capped in length.
std::string PrimaryLine(absl::string_view what) {
  absl::string_view line = what.substr(0, what.find('\n'));
  if (line.size() > kMaxReasonLength) line = line.substr(0, kMaxReasonLength);
  return std::string(line);
}

absl::Status FromSqlError(const pqxx::sql_error& error, absl::string_view operation) {
  const std::string& state = error.sqlstate();
  if (state == "23505") {
    return absl::AlreadyExistsError(
        absl::StrCat(operation, ": a row with the same key already exists"));
  }
  if (state == "40001" || state == "40P01") {
    return absl::AbortedError(
        absl::StrCat(operation, ": transaction conflict (SQLSTATE ", state, "); retry"));
  }
  return absl::InternalError(absl::StrCat(operation, " failed: SQLSTATE ",
                                          state.empty() ? "unknown" : state, ": ",
                                          PrimaryLine(error.what())));
}

}  // namespace

absl::Status StatusFromCurrentException(absl::string_view operation) {
  try {
    throw;
  } catch (const pqxx::broken_connection&) {
    return errors::DatabaseUnavailable();
  } catch (const pqxx::sql_error& error) {
    return FromSqlError(error, operation);
  } catch (const pqxx::transaction_rollback& error) {
    return absl::AbortedError(
        absl::StrCat(operation, ": transaction rolled back: ", PrimaryLine(error.what())));
  } catch (const pqxx::in_doubt_error&) {
    return errors::Make("DCS.5030", absl::StrCat(operation,
                                                 ": the database connection was lost "
                                                 "during commit; the outcome is unknown"));
  } catch (const std::exception& error) {
    return absl::InternalError(absl::StrCat(operation, " failed: ", PrimaryLine(error.what())));
  } catch (...) {
    return absl::InternalError(absl::StrCat(operation, " failed: unknown exception"));
  }
}

absl::Status ConnectStatusFromCurrentException(absl::string_view redacted_url) {
  try {
    throw;
  } catch (const pqxx::broken_connection& error) {
    return errors::Make("DCS.5030", absl::StrCat("cannot connect to the database ", redacted_url,
                                                 ": ", PrimaryLine(error.what())));
  } catch (...) {
    return StatusFromCurrentException(absl::StrCat("connecting to ", redacted_url));
  }
}

}  // namespace rms::storage
