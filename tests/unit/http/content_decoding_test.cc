// Tests of DecodeContent: gzip, deflate (zlib and raw), identity, unknown codings, bombs.
#include "services/http/content_decoding.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include "services/common/errors.h"

namespace rms::http {
namespace {

// Compresses `data` with zlib `window_bits` (16+15 gzip, 15 zlib, -15 raw).
std::string Compress(const std::string& data, int window_bits) {
  z_stream zs{};
  EXPECT_EQ(deflateInit2(&zs, 9, Z_DEFLATED, window_bits, 9, Z_DEFAULT_STRATEGY), Z_OK);
  std::string out(deflateBound(&zs, data.size()), '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(&out[0]);
  zs.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&zs, Z_FINISH), Z_STREAM_END);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

std::string CodeOf(const absl::StatusOr<std::string>& result) {
  if (result.ok()) return "ok";
  return errors::DcsCodeOf(result.status()).value_or("none");
}

constexpr size_t kCap = 1 << 20;
const std::string kJson = R"({"migration_method":"incremental_migration"})";

TEST(ContentDecodingTest, Gzip) {
  EXPECT_EQ(*DecodeContent("gzip", Compress(kJson, 16 + 15), kCap), kJson);
  EXPECT_EQ(*DecodeContent("X-GZIP", Compress(kJson, 16 + 15), kCap), kJson);
}

TEST(ContentDecodingTest, DeflateZlibAndRaw) {
  EXPECT_EQ(*DecodeContent("deflate", Compress(kJson, 15), kCap), kJson);
  EXPECT_EQ(*DecodeContent("deflate", Compress(kJson, -15), kCap), kJson);
}

TEST(ContentDecodingTest, IdentityAndLists) {
  EXPECT_EQ(*DecodeContent("identity", kJson, kCap), kJson);
  EXPECT_EQ(*DecodeContent("gzip, deflate", Compress(Compress(kJson, 16 + 15), 15), kCap), kJson);
}

TEST(ContentDecodingTest, UnknownCoding) {
  EXPECT_EQ(CodeOf(DecodeContent("br", kJson, kCap)), "DCS.4415");
  EXPECT_EQ(CodeOf(DecodeContent("gzip,gzip,gzip,gzip,gzip", kJson, kCap)), "DCS.4415");
}

TEST(ContentDecodingTest, CorruptAndTruncated) {
  EXPECT_EQ(CodeOf(DecodeContent("gzip", "not gzip at all", kCap)), "DCS.4000");
  const std::string gz = Compress(kJson, 16 + 15);
  EXPECT_EQ(CodeOf(DecodeContent("gzip", gz.substr(0, gz.size() / 2), kCap)), "DCS.4000");
  EXPECT_EQ(CodeOf(DecodeContent("gzip", gz + "trailing", kCap)), "DCS.4000");
}

TEST(ContentDecodingTest, ExactlyTheCapPassesOneMoreByteDoesNot) {
  EXPECT_EQ(DecodeContent("gzip", Compress(std::string(kCap, 'a'), 16 + 15), kCap)->size(), kCap);
  EXPECT_EQ(CodeOf(DecodeContent("gzip", Compress(std::string(kCap + 1, 'a'), 16 + 15), kCap)),
            "DCS.4413");
}

TEST(ContentDecodingTest, GzipBombStopsAtTheCap) {
  const std::string bomb = Compress(std::string(64 << 20, '\0'), 16 + 15);  // 64 MiB of zeros
  ASSERT_LT(bomb.size(), 100u << 10);
  EXPECT_EQ(CodeOf(DecodeContent("gzip", bomb, kCap)), "DCS.4413");
  EXPECT_EQ(CodeOf(DecodeContent("gzip, gzip", Compress(bomb, 16 + 15), kCap)), "DCS.4413");
}

}  // namespace
}  // namespace rms::http
