// Tests of ServeConnection over a FakeStream: keep-alive, pipelining, HEAD, refusals, decoding.
#include "services/http/connection.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "services/common/errors.h"
#include "tests/unit/http/fake_stream.h"

namespace rms::http {
namespace {

struct Served {
  std::vector<Request> requests;
  std::string output;
  bool write_shut = false;
};

Served Serve(const std::string& input, size_t piece = 0) {
  Served served;
  FakeStream stream(input, piece);
  const std::atomic<bool> stopping{false};
  ServeConnection(
      stream, Limits{},
      [&](const Request& request) {
        served.requests.push_back(request);
        return Response{200, {{"X-Test", "1"}}, "body:" + request.body};
      },
      [](const absl::Status& status) {
        return Response{status.code() == absl::StatusCode::kResourceExhausted ? 413 : 400,
                        {},
                        std::string(*errors::DcsCodeOf(status))};
      },
      stopping);
  served.output = stream.output();
  served.write_shut = stream.write_shut();
  return served;
}

TEST(ConnectionTest, KeepAliveAndPipelining) {
  Served served = Serve(
      "POST /a HTTP/1.1\r\nContent-Length: 2\r\n\r\nhi"
      "POST /b/stop HTTP/1.1\r\n\r\n"
      "GET /c HTTP/1.1\r\nConnection: close\r\n\r\n"
      "GET /never HTTP/1.1\r\n\r\n",
      5);
  ASSERT_EQ(served.requests.size(), 3u);
  EXPECT_EQ(served.requests[1].path, "/b/stop");
  EXPECT_EQ(served.requests[1].body, "");
  EXPECT_EQ(served.output,
            "HTTP/1.1 200 OK\r\nX-Test: 1\r\nContent-Length: 7\r\n\r\nbody:hi"
            "HTTP/1.1 200 OK\r\nX-Test: 1\r\nContent-Length: 5\r\n\r\nbody:"
            "HTTP/1.1 200 OK\r\nX-Test: 1\r\nContent-Length: 5\r\nConnection: close\r\n\r\nbody:");
}

TEST(ConnectionTest, Http10ClosesByDefault) {
  Served served = Serve("GET / HTTP/1.0\r\n\r\nGET / HTTP/1.0\r\n\r\n");
  EXPECT_EQ(served.requests.size(), 1u);
  EXPECT_TRUE(absl::StrContains(served.output, "Connection: close"));
}

TEST(ConnectionTest, HeadHasLengthButNoBody) {
  Served served = Serve("HEAD /x HTTP/1.1\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(served.output,
            "HTTP/1.1 200 OK\r\nX-Test: 1\r\nContent-Length: 5\r\nConnection: close\r\n\r\n");
}

TEST(ConnectionTest, ExpectContinueIsAnswered) {
  Served served = Serve(
      "POST / HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 1\r\nConnection: close\r\n"
      "\r\nz");
  EXPECT_TRUE(absl::StartsWith(served.output, "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK"));
}

TEST(ConnectionTest, OversizedBodyIsRefusedAndClosed) {
  Served served = Serve("POST / HTTP/1.1\r\nContent-Length: 2000000\r\n\r\nxx" +
                        std::string("GET / HTTP/1.1\r\n\r\n"));
  EXPECT_TRUE(served.requests.empty());
  EXPECT_TRUE(absl::StartsWith(served.output, "HTTP/1.1 413 Content Too Large\r\n"));
  EXPECT_TRUE(absl::StrContains(served.output, "Connection: close\r\n\r\nDCS.4413"));
  EXPECT_TRUE(served.write_shut);
}

TEST(ConnectionTest, MalformedRequestIsRefused) {
  Served served = Serve("GARBAGE\r\n\r\n");
  EXPECT_TRUE(served.requests.empty());
  EXPECT_TRUE(absl::EndsWith(served.output, "\r\n\r\nDCS.4000"));
}

TEST(ConnectionTest, GzipBodyIsDecodedAndRawBodyKept) {
  const std::string json = "{\"a\":1}";
  std::string gz(128, '\0');
  uLongf size = gz.size();
  ASSERT_EQ(compress(reinterpret_cast<Bytef*>(&gz[0]), &size,
                     reinterpret_cast<const Bytef*>(json.data()), json.size()),
            Z_OK);
  gz.resize(size);
  Served served = Serve(absl::StrCat("POST / HTTP/1.1\r\nContent-Encoding: deflate\r\n",
                                     "Content-Length: ", gz.size(), "\r\n\r\n", gz));
  ASSERT_EQ(served.requests.size(), 1u);
  EXPECT_EQ(served.requests[0].body, json);
  EXPECT_EQ(served.requests[0].raw_body, gz);
}

TEST(ConnectionTest, UnknownEncodingIsRefused) {
  Served served = Serve("POST / HTTP/1.1\r\nContent-Encoding: br\r\nContent-Length: 1\r\n\r\nx");
  EXPECT_TRUE(served.requests.empty());
  EXPECT_TRUE(absl::EndsWith(served.output, "DCS.4415"));
}

}  // namespace
}  // namespace rms::http
