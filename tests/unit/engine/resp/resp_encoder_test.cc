// RESP encoder: exact bytes, and round trips through the decoder including binary arguments.
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "services/engine/resp/resp.h"

namespace rms::engine::resp {
namespace {

// Decodes exactly one array of bulk strings from `bytes` and returns its elements.
std::vector<std::string> DecodeCommand(const std::string& bytes) {
  RespDecoder decoder;
  decoder.Feed(bytes);
  absl::StatusOr<std::optional<RespValue>> next = decoder.Next();
  EXPECT_TRUE(next.ok() && next->has_value());
  if (!next.ok() || !next->has_value()) return {};
  EXPECT_EQ(decoder.last_value_bytes(), bytes.size());
  EXPECT_EQ(decoder.buffered(), 0u);
  std::vector<std::string> args;
  EXPECT_EQ((*next)->type, RespValue::Type::kArray);
  for (const RespValue& element : (*next)->elements) {
    EXPECT_EQ(element.type, RespValue::Type::kBulkString);
    args.push_back(element.str);
  }
  return args;
}

TEST(RespEncoderTest, EncodesExactBytes) {
  EXPECT_EQ(EncodeCommand({"SET", "k", "value"}), "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nvalue\r\n");
}

TEST(RespEncoderTest, EmptyCommandAndEmptyArgument) {
  EXPECT_EQ(EncodeCommand(std::initializer_list<absl::string_view>{}), "*0\r\n");
  EXPECT_EQ(EncodeCommand({"ECHO", ""}), "*2\r\n$4\r\nECHO\r\n$0\r\n\r\n");
}

TEST(RespEncoderTest, AppendCommandAppends) {
  std::string out = "prefix";
  AppendCommand(out, {"PING"});
  const std::vector<absl::string_view> args = {"GET", "k"};
  AppendCommand(out, absl::MakeConstSpan(args));
  EXPECT_EQ(out, "prefix*1\r\n$4\r\nPING\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n");
}

TEST(RespEncoderTest, BinaryArgumentsRoundTrip) {
  std::string all_bytes;
  for (int c = 0; c < 256; ++c) all_bytes.push_back(static_cast<char>(c));
  const std::vector<std::string> args = {"SET", std::string("k\0\r\n", 4), all_bytes, "\r\n",
                                         "",    std::string(100000, '\n')};
  EXPECT_EQ(DecodeCommand(EncodeCommand(args)), args);
}

TEST(RespEncoderTest, StringViewAndStringOverloadsAgree) {
  const std::vector<std::string> owned = {"HSET", "h", "f", "v"};
  EXPECT_EQ(EncodeCommand(owned), EncodeCommand({"HSET", "h", "f", "v"}));
}

}  // namespace
}  // namespace rms::engine::resp
