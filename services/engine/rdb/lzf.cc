// LZF decompression. Format: a control byte c < 32 starts a literal run of c + 1 bytes; otherwise
// a back reference of length (c >> 5) + 2 (length 7 takes an extra byte added to it) at distance
// ((c & 0x1f) << 8) + next byte + 1 back from the current output position.
#include "services/engine/rdb/lzf.h"

#include <cstring>

#include "absl/strings/str_cat.h"

namespace rms::engine::rdb {

absl::Status LzfDecompress(absl::string_view in, std::string* out) {
  const auto* ip = reinterpret_cast<const unsigned char*>(in.data());
  const size_t in_len = in.size();
  char* op = out->data();
  const size_t out_len = out->size();
  size_t i = 0;
  size_t o = 0;
  auto error = [&](absl::string_view what) {
    return absl::InvalidArgumentError(
        absl::StrCat("LZF data invalid at compressed byte ", i, ": ", what));
  };
  while (i < in_len) {
    unsigned ctrl = ip[i++];
    if (ctrl < 32) {
      size_t run = ctrl + 1;
      if (i + run > in_len) return error("literal run passes the end of the input");
      if (o + run > out_len) return error("literal run passes the expected length");
      std::memcpy(op + o, ip + i, run);
      i += run;
      o += run;
      continue;
    }
    size_t len = ctrl >> 5;
    if (len == 7) {
      if (i >= in_len) return error("input ends inside a back reference");
      len += ip[i++];
    }
    if (i >= in_len) return error("input ends inside a back reference");
    size_t dist = ((ctrl & 0x1f) << 8) + ip[i++] + 1;
    len += 2;
    if (dist > o) return error("back reference before the start of the output");
    if (o + len > out_len) return error("back reference passes the expected length");
    // An overlapping reference repeats the last `dist` bytes: a run of one byte is a memset, and
    // longer periods are copied a period at a time (each copy reads only bytes already written).
    if (dist == 1) {
      std::memset(op + o, op[o - 1], len);
      o += len;
      continue;
    }
    while (len > 0) {
      const size_t step = len < dist ? len : dist;
      std::memcpy(op + o, op + o - dist, step);
      o += step;
      len -= step;
    }
  }
  if (o != out_len) {
    return error(absl::StrCat("output is ", o, " bytes, expected ", out_len));
  }
  return absl::OkStatus();
}

}  // namespace rms::engine::rdb
