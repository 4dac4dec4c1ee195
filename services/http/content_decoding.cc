// DecodeContent: zlib inflate with a running output cap.
#include "services/http/content_decoding.h"

#include <zlib.h>

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_split.h"
#include "services/common/errors.h"
#include "services/common/status_macros.h"

namespace rms::http {
namespace {

constexpr size_t kOutChunk = 64 << 10;
constexpr size_t kMaxCodings = 4;

// Inflates `in` with zlib `window_bits` (16+15 gzip, 15 zlib, -15 raw deflate).
absl::StatusOr<std::string> Inflate(absl::string_view in, int window_bits, size_t max_bytes) {
  z_stream zs{};
  if (inflateInit2(&zs, window_bits) != Z_OK) return errors::Internal();
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  std::string out;
  int rc = Z_OK;
  while (rc == Z_OK) {
    const size_t used = out.size();
    out.resize(used + kOutChunk);
    zs.next_out = reinterpret_cast<Bytef*>(&out[used]);
    zs.avail_out = static_cast<uInt>(kOutChunk);
    rc = inflate(&zs, Z_NO_FLUSH);
    out.resize(used + kOutChunk - zs.avail_out);
    if (out.size() > max_bytes) {
      inflateEnd(&zs);
      return errors::BodyTooLarge(" after Content-Encoding decoding");
    }
  }
  const bool complete = rc == Z_STREAM_END && zs.avail_in == 0;
  inflateEnd(&zs);
  if (!complete) return errors::MalformedHttp("the compressed body is corrupt or truncated");
  return out;
}

absl::StatusOr<std::string> DecodeOne(absl::string_view coding, std::string body,
                                      size_t max_bytes) {
  const std::string name = absl::AsciiStrToLower(coding);
  if (name == "identity") return body;
  if (name == "gzip" || name == "x-gzip") return Inflate(body, 16 + MAX_WBITS, max_bytes);
  if (name == "deflate") {
    // "deflate" means the zlib format; some clients send raw deflate, so that is tried second.
    absl::StatusOr<std::string> zlib = Inflate(body, MAX_WBITS, max_bytes);
    if (zlib.ok() || errors::DcsCodeOf(zlib.status()) != "DCS.4000") return zlib;
    return Inflate(body, -MAX_WBITS, max_bytes);
  }
  return errors::UnsupportedEncoding(coding);
}

}  // namespace

absl::StatusOr<std::string> DecodeContent(absl::string_view content_encoding, std::string body,
                                          size_t max_bytes) {
  std::vector<absl::string_view> codings;
  for (absl::string_view coding : absl::StrSplit(content_encoding, ',')) {
    coding = absl::StripAsciiWhitespace(coding);
    if (!coding.empty()) codings.push_back(coding);
  }
  if (codings.size() > kMaxCodings) return errors::UnsupportedEncoding(content_encoding);
  for (auto it = codings.rbegin(); it != codings.rend(); ++it) {
    ASSIGN_OR_RETURN(body, DecodeOne(*it, std::move(body), max_bytes));
  }
  return body;
}

}  // namespace rms::http
