// CommandFramer: command boundaries and argument views, fed whole, byte by byte and in random
// splits; malformed commands and limits.
#include "services/engine/resp/command_framer.h"

#include <random>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "gtest/gtest.h"
#include "services/engine/resp/resp.h"

namespace rms::engine::resp {
namespace {

using Args = std::vector<std::string>;

// Frames every command of `stream`, revealing it `step(i)` bytes at a time as a socket would.
std::vector<Args> FrameAll(const std::string& stream, const std::function<size_t()>& step) {
  CommandFramer framer;
  std::vector<Args> out;
  size_t consumed = 0;
  size_t visible = 0;
  while (consumed < stream.size()) {
    visible = std::min(stream.size(), visible + step());
    while (true) {
      absl::StatusOr<size_t> size =
          framer.Frame(absl::string_view(stream).substr(consumed, visible - consumed));
      EXPECT_TRUE(size.ok()) << size.status();
      if (!size.ok() || *size == 0) break;
      Args args;
      for (absl::string_view arg : framer.args()) args.emplace_back(arg.data(), arg.size());
      out.push_back(args);
      consumed += *size;
    }
  }
  return out;
}

const std::vector<Args> kCommands = {
    {"SELECT", "0"},        {"SET", "key", std::string("binary\r\n\0value", 15)},     {"PING"},
    {"SET", "", ""},        {"HSET", "h", "f1", "v1", "f2", std::string(70000, 'x')}, {},
    {"DEL", "a", "b", "c"},
};

std::string Encoded(const std::vector<Args>& commands) {
  std::string out;
  for (const Args& args : commands) AppendCommandStrings(out, args);
  return out;
}

TEST(CommandFramerTest, WholeStreamGivesEveryCommandAndItsBytes) {
  const std::string stream = Encoded(kCommands);
  EXPECT_EQ(FrameAll(stream, [&] { return stream.size(); }), kCommands);
  CommandFramer framer;
  const std::string first = EncodeCommand(kCommands[0]);
  auto size = framer.Frame(first + "*1\r\n$4\r\nPI");
  ASSERT_TRUE(size.ok());
  EXPECT_EQ(*size, first.size());
}

TEST(CommandFramerTest, ByteByByteAndRandomSplitsEqualWhole) {
  const std::string stream = Encoded(kCommands);
  EXPECT_EQ(FrameAll(stream, [] { return size_t{1}; }), kCommands);
  std::mt19937 random(20261126);
  for (int round = 0; round < 50; ++round) {
    std::uniform_int_distribution<size_t> piece(1, 1 + random() % 3000);
    EXPECT_EQ(FrameAll(stream, [&] { return piece(random); }), kCommands) << "round " << round;
  }
}

TEST(CommandFramerTest, IncompleteCommandNeedsMoreBytes) {
  CommandFramer framer;
  for (const char* partial : {"", "*", "*2", "*2\r", "*2\r\n", "*2\r\n$3\r\nGET\r\n$1",
                              "*2\r\n$3\r\nGET\r\n$1\r\nk", "*2\r\n$3\r\nGET\r\n$1\r\nk\r"}) {
    auto size = framer.Frame(partial);
    ASSERT_TRUE(size.ok()) << partial << ": " << size.status();
    EXPECT_EQ(*size, 0u) << partial;
  }
  auto size = framer.Frame("*2\r\n$3\r\nGET\r\n$1\r\nk\r\n");
  ASSERT_TRUE(size.ok());
  EXPECT_EQ(*size, 20u);
  ASSERT_EQ(framer.args().size(), 2u);
  EXPECT_EQ(framer.args()[1], "k");
}

TEST(CommandFramerTest, MalformedCommandsAreInvalidAndSticky) {
  const std::vector<std::string> bad = {
      "+OK\r\n",             // not an array
      "*1\r\n:5\r\n",        // not a bulk string
      "*x\r\n",              // no count
      "*-1\r\n",             // null array
      "*1\r\n$-1\r\n",       // null bulk
      "*1\r\n$3\r\nGETxx",   // no terminator after the argument
      "*1\r\n$3\nGET\r\n",   // bare \n after the length
      "*1\r\n$3\rxGET\r\n",  // \r not followed by \n
  };
  for (const std::string& input : bad) {
    CommandFramer framer;
    auto size = framer.Frame(input);
    ASSERT_FALSE(size.ok()) << absl::CEscape(input);
    EXPECT_EQ(size.status().code(), absl::StatusCode::kInvalidArgument) << absl::CEscape(input);
    EXPECT_EQ(framer.Frame("*1\r\n$4\r\nPING\r\n").status(), size.status());  // sticky
  }
}

TEST(CommandFramerTest, LimitsAreResourceExhaustedBeforeTheBytesArrive) {
  DecoderLimits limits;
  limits.max_bulk_bytes = 10;
  limits.max_array_elements = 3;
  limits.max_line_bytes = 8;
  {
    CommandFramer framer(limits);
    auto size = framer.Frame("*1\r\n$11\r\n");
    EXPECT_EQ(size.status().code(), absl::StatusCode::kResourceExhausted) << size.status();
  }
  {
    CommandFramer framer(limits);
    auto size = framer.Frame("*4\r\n");
    EXPECT_EQ(size.status().code(), absl::StatusCode::kResourceExhausted) << size.status();
  }
  {
    CommandFramer framer(limits);
    auto size = framer.Frame("*1\r\n$000000000");  // a header line that never ends
    EXPECT_EQ(size.status().code(), absl::StatusCode::kResourceExhausted) << size.status();
  }
  {
    CommandFramer framer(limits);
    auto size = framer.Frame("*1\r\n$10\r\n0123456789\r\n");
    ASSERT_TRUE(size.ok()) << size.status();
    EXPECT_EQ(*size, 21u);
  }
}

}  // namespace
}  // namespace rms::engine::resp
