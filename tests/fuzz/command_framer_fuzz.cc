// Fuzzes CommandFramer: arbitrary bytes, framed whole and again fed in two parts, must give the
// same commands or errors, never crash, and every framed command must re-encode to its bytes.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "absl/strings/string_view.h"
#include "services/engine/resp/command_framer.h"

namespace {

using rms::engine::resp::CommandFramer;
using rms::engine::resp::DecoderLimits;

DecoderLimits SmallLimits() {
  DecoderLimits limits;
  limits.max_bulk_bytes = 1 << 16;
  limits.max_array_elements = 1 << 12;
  limits.max_line_bytes = 64;
  return limits;
}

// Frames every command of `data`; returns their re-encodings (then a marker for an error or an
// incomplete tail). Aborts when an argument lies outside its command.
std::string FrameAll(absl::string_view data) {
  CommandFramer framer(SmallLimits());
  std::string out;
  while (!data.empty()) {
    absl::StatusOr<size_t> size = framer.Frame(data);
    if (!size.ok()) return out + "!error";
    if (*size == 0) return out + "!incomplete";
    std::string encoded = "*" + std::to_string(framer.args().size()) + "\r\n";
    for (absl::string_view arg : framer.args()) {
      encoded += "$" + std::to_string(arg.size()) + "\r\n" + std::string(arg) + "\r\n";
    }
    for (absl::string_view arg : framer.args()) {
      if (arg.data() < data.data() || arg.data() + arg.size() > data.data() + *size) abort();
    }
    out += encoded;
    data.remove_prefix(*size);
  }
  return out;
}

// The same bytes arriving in two reads: the framer, resumed with the longer buffer, must find the
// same first command as a fresh framer given all of it.
void CheckSplit(absl::string_view data, size_t split) {
  CommandFramer fresh(SmallLimits());
  absl::StatusOr<size_t> expected = fresh.Frame(data);
  CommandFramer resumed(SmallLimits());
  absl::StatusOr<size_t> first = resumed.Frame(data.substr(0, split));
  if (!first.ok() || *first != 0) return;  // an error or a command inside the prefix already
  absl::StatusOr<size_t> second = resumed.Frame(data);
  if (expected.ok() != second.ok()) abort();
  if (expected.ok() && *expected != *second) abort();
  if (expected.ok() && *expected > 0 && fresh.args().size() != resumed.args().size()) abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* bytes, size_t size) {
  const absl::string_view data(reinterpret_cast<const char*>(bytes), size);
  (void)FrameAll(data);
  if (size > 1) CheckSplit(data, bytes[0] % size);
  return 0;
}
