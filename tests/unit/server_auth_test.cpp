// Webhook authentication: the headers each authentication plan puts on a message. HMAC
// signatures are checked against constants computed independently with `openssl dgst`; OAuth2
// runs against a local token endpoint.
#include "webhooks/server_auth.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <future>
#include <mutex>
#include <string>
#include <thread>

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "core/manual_clock.hpp"
#include "net/http_client.hpp"

namespace sb::webhooks {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

constexpr std::string_view kBody = R"({"message":{"type":"status-update","note":"{timestamp}"}})";
constexpr std::int64_t kNow = 1700000000;

json::object credential(std::string_view plan) {
  return json::object{
      {"id", "cred-1"}, {"provider", "webhook"}, {"authenticationPlan", json::parse(plan)}};
}

std::string header(const http::Fields& headers, std::string_view name) {
  for (const auto& [n, v] : headers)
    if (n == name) return v;
  return "<absent>";
}

// A token endpoint on 127.0.0.1: answers every request with `status` and `body`
// (Connection: close), counting them and keeping the last request's body.
class TokenEndpoint {
 public:
  TokenEndpoint() : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    socklen_t len = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    ::listen(fd_, 16);
    thread_ = std::thread([this] { serve(); });
  }
  ~TokenEndpoint() {
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    thread_.join();
  }

  void answer(int status, std::string body) {
    std::lock_guard lock(mutex_);
    status_ = status;
    body_ = std::move(body);
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/token"; }
  int requests() const { return requests_; }
  std::string last_body() {
    std::lock_guard lock(mutex_);
    return last_body_;
  }

 private:
  void serve() {
    for (;;) {
      const int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) return;
      std::string in;
      char buf[4096];
      std::size_t need = std::string::npos;
      while (need == std::string::npos || in.size() < need) {
        const auto n = ::recv(c, buf, sizeof buf, 0);
        if (n <= 0) break;
        in.append(buf, static_cast<std::size_t>(n));
        const auto end = in.find("\r\n\r\n");
        if (need == std::string::npos && end != std::string::npos) {
          const auto at = in.find("Content-Length: ");
          need = end + 4 + (at < end ? std::stoul(in.substr(at + 16)) : 0);
        }
      }
      std::string out;
      {
        std::lock_guard lock(mutex_);
        last_body_ = in.substr(std::min(in.size(), in.find("\r\n\r\n") + 4));
        out = "HTTP/1.1 " + std::to_string(status_) + " X\r\nContent-Type: application/json\r\n" +
              "Connection: close\r\nContent-Length: " + std::to_string(body_.size()) + "\r\n\r\n" +
              body_;
      }
      ++requests_;
      ::send(c, out.data(), out.size(), MSG_NOSIGNAL);
      ::close(c);
    }
  }

  int fd_;
  std::uint16_t port_ = 0;
  std::thread thread_;
  std::mutex mutex_;
  int status_ = 200;
  std::string body_;
  std::string last_body_;
  std::atomic<int> requests_{0};
};

class ServerAuthTest : public ::testing::Test {
 protected:
  ServerAuthTest() : auth_(client_, clock_) {}

  // Signs and waits; returns the headers and the error.
  std::pair<http::Fields, std::string> sign(const json::object& cred, http::Fields headers = {},
                                            SignContext context = {}) {
    std::promise<std::pair<http::Fields, std::string>> promise;
    auto future = promise.get_future();
    auth_.sign(
        cred, kBody, std::move(headers),
        [&](http::Fields h, std::string e) {
          promise.set_value({std::move(h), std::move(e)});
        },
        std::move(context));
    if (future.wait_for(10s) != std::future_status::ready) std::abort();
    return future.get();
  }

  net::HttpClient client_;
  ManualClock clock_{kNow * 1000};
  ServerAuth auth_;
};

TEST_F(ServerAuthTest, BearerDefaultsToAuthorizationWithPrefix) {
  auto [headers, error] = sign(credential(R"({"type":"bearer","token":"tok-1"})"));
  EXPECT_EQ(error, "");
  EXPECT_EQ(header(headers, "Authorization"), "Bearer tok-1");
}

TEST_F(ServerAuthTest, BearerInACustomHeaderWithoutPrefix) {
  auto [headers, error] = sign(credential(
      R"({"type":"bearer","token":"s3cret","headerName":"X-Vapi-Secret","bearerPrefixEnabled":false})"));
  EXPECT_EQ(error, "");
  EXPECT_EQ(header(headers, "X-Vapi-Secret"), "s3cret");
  EXPECT_EQ(header(headers, "Authorization"), "<absent>");
}

TEST_F(ServerAuthTest, AnAuthorizationHeaderOfTheServerWins) {
  auto [headers, error] =
      sign(credential(R"({"type":"bearer","token":"tok-1"})"), {{"authorization", "Basic abc"}});
  EXPECT_EQ(error, "");
  ASSERT_EQ(headers.size(), 1u);
  EXPECT_EQ(header(headers, "authorization"), "Basic abc");
}

TEST_F(ServerAuthTest, BearerWithoutTokenFails) {
  EXPECT_NE(sign(credential(R"({"type":"bearer"})")).second, "");
  EXPECT_NE(sign(json::object{{"provider", "webhook"}}).second, "");
  EXPECT_NE(sign(credential(R"({"type":"digest"})")).second, "");
}

TEST_F(ServerAuthTest, HmacSignsTimestampDotBodyInHexByDefault) {
  auto [headers, error] =
      sign(credential(R"({"type":"hmac","secretKey":"hmac-secret","algorithm":"sha256"})"));
  EXPECT_EQ(error, "");
  EXPECT_EQ(header(headers, "x-signature"),
            "a184c90752790adb8bef19169f79518820eb3292a19b6d79f7f8a7f5dc05e815");
  EXPECT_EQ(header(headers, "x-timestamp"), "1700000000");
}

TEST_F(ServerAuthTest, HmacWithoutTimestampSignsTheBodyAlone) {
  auto [headers, error] = sign(credential(
      R"({"type":"hmac","secretKey":"hmac-secret","algorithm":"sha256","includeTimestamp":false})"));
  EXPECT_EQ(error, "");
  EXPECT_EQ(header(headers, "x-signature"),
            "b455e7c32c9a959d6fb6c1a7bfc52694a125ed2799f463576bddbde5ec111b33");
  EXPECT_EQ(header(headers, "x-timestamp"), "<absent>");
}

TEST_F(ServerAuthTest, HmacAlgorithmsEncodingsPrefixAndHeaderNames) {
  auto [h512, e512] = sign(credential(
      R"({"type":"hmac","secretKey":"hmac-secret","algorithm":"sha512","signatureEncoding":"base64",
          "signaturePrefix":"sha512=","signatureHeader":"X-Hub-Signature","timestampHeader":"X-Ts"})"));
  EXPECT_EQ(e512, "");
  EXPECT_EQ(header(h512, "X-Hub-Signature"),
            "sha512=/9bMqtqGeBx3C9y+Ym5/iWuwEeuJ6OQ2S6r1FOtapOWSbdTCzAU40vljzpV82hyk/io5CO4u/"
            "MfbWDcMPynJow==");
  EXPECT_EQ(header(h512, "X-Ts"), "1700000000");
  auto [h1, e1] =
      sign(credential(R"({"type":"hmac","secretKey":"hmac-secret","algorithm":"sha1"})"));
  EXPECT_EQ(header(h1, "x-signature"), "e572073319792684b826689e56613fa701576adc");
  EXPECT_NE(sign(credential(R"({"type":"hmac","secretKey":"k","algorithm":"md5"})")).second, "");
}

TEST_F(ServerAuthTest, HmacSvixStyleWithABase64SecretAndTheMessageId) {
  auto [headers, error] =
      sign(credential(
               R"({"type":"hmac","secretKey":"whsec_c2l4dGVlbiBieXRlIGtleQ==","algorithm":"sha256",
          "secretIsBase64":true,"signatureEncoding":"base64","signaturePrefix":"v1,",
          "payloadFormat":"{svix-id}.{timestamp}.{body}","signatureHeader":"svix-signature",
          "timestampHeader":"svix-timestamp","messageIdHeader":"svix-id"})"),
           {{"X-Message-Id", "msg_1"}});
  EXPECT_EQ(error, "");
  EXPECT_EQ(header(headers, "svix-signature"), "v1,6BNJOKRN0rGWJJ83lWDSWL3GZpeCqD0jgHH89Nvqaec=");
  EXPECT_EQ(header(headers, "svix-timestamp"), "1700000000");
  EXPECT_EQ(header(headers, "svix-id"), "msg_1");
  EXPECT_NE(sign(credential(R"({"type":"hmac","secretKey":"not base64!","algorithm":"sha256",
                                "secretIsBase64":true})"))
                .second,
            "");
}

TEST_F(ServerAuthTest, HmacPayloadFormatWithMethodAndUrl) {
  SignContext context;
  context.url = "https://example.com/hook";
  auto [headers, error] =
      sign(credential(R"({"type":"hmac","secretKey":"hmac-secret","algorithm":"sha256",
                    "payloadFormat":"{method} {url} {timestamp} {body}"})"),
           {{"x-signature", "stale"}}, context);
  EXPECT_EQ(error, "");
  EXPECT_EQ(header(headers, "x-signature"),
            "23149d38bebc778afd10d52161bb9446fe088cf7f2fb50607a353ef420b18724");
  EXPECT_EQ(headers.size(), 2u);  // the stale signature was replaced
}

TEST_F(ServerAuthTest, OAuth2FetchesOnceCachesAndRefetchesAfterExpiry) {
  TokenEndpoint endpoint;
  endpoint.answer(200, R"({"access_token":"at-1","token_type":"Bearer","expires_in":3600})");
  const auto cred =
      credential(R"({"type":"oauth2","url":")" + endpoint.url() +
                 R"(","clientId":"client 1","clientSecret":"s&cret","scope":"hooks"})");
  auto [first, e1] = sign(cred);
  EXPECT_EQ(e1, "");
  EXPECT_EQ(header(first, "Authorization"), "Bearer at-1");
  EXPECT_EQ(
      endpoint.last_body(),
      "grant_type=client_credentials&client_id=client%201&client_secret=s%26cret&scope=hooks");
  auto [second, e2] = sign(cred);
  EXPECT_EQ(header(second, "Authorization"), "Bearer at-1");
  EXPECT_EQ(endpoint.requests(), 1);
  // Refreshed a minute before it expires.
  endpoint.answer(200, R"({"access_token":"at-2","expires_in":3600})");
  clock_.advance(3530s);
  EXPECT_EQ(header(sign(cred).first, "Authorization"), "Bearer at-1");
  clock_.advance(20s);
  EXPECT_EQ(header(sign(cred).first, "Authorization"), "Bearer at-2");
  EXPECT_EQ(endpoint.requests(), 2);
}

TEST_F(ServerAuthTest, OAuth2EndpointFailureIsReportedAndNotCached) {
  TokenEndpoint endpoint;
  endpoint.answer(401, R"({"error":"invalid_client"})");
  const auto cred = credential(R"({"type":"oauth2","url":")" + endpoint.url() +
                               R"(","clientId":"c","clientSecret":"s"})");
  auto [headers, error] = sign(cred);
  EXPECT_EQ(error, "oauth2: token endpoint answered 401");
  EXPECT_EQ(header(headers, "Authorization"), "<absent>");
  endpoint.answer(200, R"({"access_token":"at-3"})");
  EXPECT_EQ(header(sign(cred).first, "Authorization"), "Bearer at-3");
  EXPECT_EQ(endpoint.requests(), 2);
}

TEST_F(ServerAuthTest, OAuth2SkippedWhenTheServerSetsAuthorization) {
  TokenEndpoint endpoint;
  const auto cred = credential(R"({"type":"oauth2","url":")" + endpoint.url() +
                               R"(","clientId":"c","clientSecret":"s"})");
  auto [headers, error] = sign(cred, {{"Authorization", "Bearer mine"}});
  EXPECT_EQ(error, "");
  EXPECT_EQ(header(headers, "Authorization"), "Bearer mine");
  EXPECT_EQ(endpoint.requests(), 0);
}

TEST_F(ServerAuthTest, ConcurrentSignsShareOneTokenRequest) {
  TokenEndpoint endpoint;
  endpoint.answer(200, R"({"access_token":"at-4","expires_in":60})");
  const auto cred = credential(R"({"type":"oauth2","url":")" + endpoint.url() +
                               R"(","clientId":"c","clientSecret":"s"})");
  constexpr int kSigns = 20;
  std::atomic<int> right{0}, done{0};
  std::promise<void> all;
  for (int i = 0; i < kSigns; ++i) {
    auth_.sign(cred, kBody, {}, [&](http::Fields h, std::string e) {
      if (e.empty() && header(h, "Authorization") == "Bearer at-4") ++right;
      if (++done == kSigns) all.set_value();
    });
  }
  ASSERT_EQ(all.get_future().wait_for(10s), std::future_status::ready);
  EXPECT_EQ(right, kSigns);
  EXPECT_EQ(endpoint.requests(), 1);
}

TEST(WithSecrets, PutsSecretsBackInPlace) {
  const auto merged = with_secrets(
      json::parse(R"({"provider":"webhook","authenticationPlan":{"type":"bearer"}})").as_object(),
      json::parse(R"({"authenticationPlan.token":"t","a.b.c":1})").as_object());
  EXPECT_EQ(json::serialize(merged),
            R"({"provider":"webhook","authenticationPlan":{"type":"bearer","token":"t"},)"
            R"("a":{"b":{"c":1}}})");
}

}  // namespace
}  // namespace sb::webhooks
