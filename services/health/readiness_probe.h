// ReadinessProbe: can this process serve requests now (database reachable, schema current)?
#pragma once

#include <atomic>
#include <functional>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace rms::health {

// Reads the applied schema version; errors when the database cannot be reached.
using SchemaVersionReader = std::function<absl::StatusOr<int>()>;

class ReadinessProbe {
 public:
  // `required_version`: the schema this binary needs (the newest built-in migration).
  ReadinessProbe(SchemaVersionReader reader, int required_version)
      : reader_(std::move(reader)), required_version_(required_version) {}

  // OK when the database answers and its schema is at `required_version` or newer; otherwise
  // DCS.5031 (UNAVAILABLE, HTTP 503) with the reason. Never returns a database URL or a
  // password. Any thread; remembers the result for last_ready().
  absl::Status Check();
  // The result of the latest Check() (false before the first one). Any thread.
  bool last_ready() const { return last_ready_.load(); }

 private:
  SchemaVersionReader reader_;
  const int required_version_;
  std::atomic<bool> last_ready_{false};
};

}  // namespace rms::health
