// LZF decompression for RDB strings saved with RDB_ENC_LZF.
#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace rms::engine::rdb {

// Decompresses `in` into `out`, which the caller sized to the expected length. Returns
// INVALID_ARGUMENT naming the input position when a back reference points before the output, a
// run would pass the expected length, the input ends inside a run, or the output comes out shorter
// than expected. Never writes outside `out`.
absl::Status LzfDecompress(absl::string_view in, std::string* out);

}  // namespace rms::engine::rdb
