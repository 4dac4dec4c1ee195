// Unit tests of addrs parsing and canonical comparison.
#include "services/api/addrs.h"

#include <gtest/gtest.h>

#include "services/common/errors.h"

namespace rms::api {
namespace {

TEST(AddrsTest, ParsesSingleAndClusterLists) {
  auto nodes = ParseAddrs("addrs", "127.0.0.1:6379, Redis-1.local:7000,[::1]:6380");
  ASSERT_TRUE(nodes.ok()) << nodes.status();
  ASSERT_EQ(nodes->size(), 3u);
  EXPECT_EQ((*nodes)[1].host, "redis-1.local");
  EXPECT_EQ((*nodes)[1].port, 7000);
  EXPECT_EQ((*nodes)[2].host, "::1");
}

TEST(AddrsTest, RejectsMalformedLists) {
  for (const char* bad : {"", " ", "127.0.0.1", "host:0", "host:65536", "host:99999", "a:1,,b:2",
                          ":6379", "host:", "host:12a", "-host:1", "[::1:6379", "ho st:1",
                          "host:+1"}) {
    auto nodes = ParseAddrs("source_instance.addrs", bad);
    ASSERT_FALSE(nodes.ok()) << bad;
    EXPECT_EQ(errors::DcsCodeOf(nodes.status()), "DCS.4005") << bad;
    EXPECT_NE(nodes.status().message().find("source_instance.addrs"), absl::string_view::npos);
  }
}

TEST(AddrsTest, CanonicalFormIgnoresOrderCaseAndDuplicates) {
  auto a = ParseAddrs("a", "B:2,a:1");
  auto b = ParseAddrs("b", "a:1, b:2 ,a:1");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(CanonicalAddrs(*a), CanonicalAddrs(*b));
  auto c = ParseAddrs("c", "a:1,b:3");
  EXPECT_NE(CanonicalAddrs(*a), CanonicalAddrs(*c));
}

}  // namespace
}  // namespace rms::api
