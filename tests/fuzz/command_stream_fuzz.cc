// Fuzzes the replication command stream the way CommandStream reads it: bytes arrive in reads of
// sizes taken from the input, accumulate in one buffer, commands are framed and consumed, the
// offset counts every byte, transactions open and close, and a command still incomplete past the
// buffering limit ends the stream. Invariants: offsets only grow by framed sizes, the buffer
// stays under the limit plus one read, never a crash.
#include <cstddef>
#include <cstdint>
#include <algorithm>
#include <cstdlib>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "services/engine/resp/command_framer.h"

namespace {

constexpr size_t kMaxCommandBytes = 4096;  // the stream's --max-command-mb, scaled down

bool Is(absl::Span<const absl::string_view> args, absl::string_view name) {
  return args.size() == 1 && absl::EqualsIgnoreCase(args[0], name);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* bytes, size_t size) {
  const size_t read_size = 1 + size % 64;  // socket read sizes vary with the input
  const absl::string_view input(reinterpret_cast<const char*>(bytes), size);
  rms::engine::resp::DecoderLimits limits;
  limits.max_bulk_bytes = kMaxCommandBytes;
  rms::engine::resp::CommandFramer framer(limits);
  std::string buffer;
  size_t received = 0;
  int64_t offset = 0;
  bool in_transaction = false;
  while (true) {
    absl::StatusOr<size_t> framed = buffer.empty() ? size_t{0} : framer.Frame(buffer);
    if (!framed.ok()) return 0;  // malformed or over a limit: the stream ends with an error
    if (*framed > 0) {
      if (*framed > buffer.size()) abort();
      if (Is(framer.args(), "MULTI")) in_transaction = true;
      if (Is(framer.args(), "EXEC") || Is(framer.args(), "DISCARD")) in_transaction = false;
      offset += static_cast<int64_t>(*framed);
      buffer.erase(0, *framed);
      continue;
    }
    if (buffer.size() >= kMaxCommandBytes) return 0;  // COMMAND_TOO_LARGE
    if (received == input.size()) break;              // the source went quiet
    const size_t n = std::min(read_size, input.size() - received);
    buffer.append(input.data() + received, n);
    received += n;
    if (buffer.size() > kMaxCommandBytes + read_size) abort();
  }
  if (offset + static_cast<int64_t>(buffer.size()) != static_cast<int64_t>(input.size())) abort();
  (void)in_transaction;
  return 0;
}
