// "<N><s|m|h|d>" duration flags, refused with a message that shows the accepted form.
#include "services/server/duration_flag.h"

#include <cstdint>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace rms::server {
namespace {

absl::Duration Unit(char unit) {
  switch (unit) {
    case 's':
      return absl::Seconds(1);
    case 'm':
      return absl::Minutes(1);
    case 'h':
      return absl::Hours(1);
    case 'd':
      return absl::Hours(24);
    default:
      return absl::ZeroDuration();
  }
}

}  // namespace

absl::StatusOr<absl::Duration> ParseDurationFlag(const std::string& flag, const std::string& value,
                                                 absl::Duration max) {
  auto refuse = [&] {
    return absl::InvalidArgumentError(absl::StrCat(
        flag,
        " needs a positive whole number and a unit s, m, h or d (e.g. 30m, 12h, 90d), at "
        "most ",
        absl::ToInt64Hours(max) / 24, "d; got '", value, "'"));
  };
  if (value.size() < 2 || value.size() > 12) return refuse();
  const absl::string_view digits(value.data(), value.size() - 1);
  const absl::Duration unit = Unit(value.back());
  if (unit == absl::ZeroDuration() || digits[0] == '0') return refuse();
  for (char c : digits) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return refuse();
  }
  int64_t count = 0;
  if (!absl::SimpleAtoi(digits, &count)) return refuse();
  const absl::Duration duration = count * unit;
  if (duration > max) return refuse();
  return duration;
}

}  // namespace rms::server
