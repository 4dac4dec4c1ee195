// A minimal thread-safe line logger to stderr. Callers must not pass secrets (see redact.h).
#pragma once

#include "absl/strings/string_view.h"

namespace rms {

enum class LogLevel { kInfo, kWarning, kError };

// Writes "<UTC time> <LEVEL> <message>\n" to stderr as one write.
void Log(LogLevel level, absl::string_view message);
inline void LogInfo(absl::string_view message) { Log(LogLevel::kInfo, message); }
inline void LogWarning(absl::string_view message) { Log(LogLevel::kWarning, message); }
inline void LogError(absl::string_view message) { Log(LogLevel::kError, message); }

}  // namespace rms
