#include "webhooks/exchange.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "webhooks/webhooks.hpp"

namespace sb::webhooks {
namespace {

namespace json = boost::json;

TEST(WebhookExchange, TheBodyWrapsTheMessageAndAddsItsTimestamp) {
  const auto body = json::parse(message_body({{"type", "status-update"}}, 1700000000123));
  EXPECT_EQ(body, json::parse(R"({"message":{"type":"status-update","timestamp":1700000000123}})"));
  const auto kept = json::parse(message_body({{"type", "hang"}, {"timestamp", 5}}, 99));
  EXPECT_EQ(kept.at("message").at("timestamp").as_int64(), 5);
}

TEST(WebhookExchange, HeadersCarryTheMessageIdAndTheServersOwn) {
  ServerPlan plan;
  plan.headers = {{"X-Tenant", "acme"}};
  const auto headers = request_headers(plan, "m-1");
  const http::Fields expected = {
      {"Content-Type", "application/json"}, {"X-Message-Id", "m-1"}, {"X-Tenant", "acme"}};
  EXPECT_EQ(headers, expected);
  plan.headers = {{"content-type", "application/vnd.acme+json"}};
  const http::Fields theirs = {{"X-Message-Id", "m-2"},
                               {"content-type", "application/vnd.acme+json"}};
  EXPECT_EQ(request_headers(plan, "m-2"), theirs);
}

TEST(WebhookExchange, AReplyIsOkOnlyFor2xxWithJsonOrNothing) {
  net::OutboundResponse r;
  r.status = 200;
  r.body = R"({"assistantId":"a-1"})";
  auto reply = to_reply(r);
  EXPECT_TRUE(reply.ok);
  EXPECT_EQ(reply.body.at("assistantId").as_string(), "a-1");
  r.body = "";
  EXPECT_TRUE(to_reply(r).ok);
  r.body = "<html>";
  EXPECT_FALSE(to_reply(r).ok);
  EXPECT_EQ(to_reply(r).error, "invalid JSON");
  r.status = 500;
  r.body = "{}";
  EXPECT_EQ(to_reply(r).error, "status 500");
  EXPECT_EQ(to_reply(r).status, 500);
  net::OutboundResponse none;
  none.error = "timeout";
  EXPECT_FALSE(to_reply(none).ok);
  EXPECT_EQ(to_reply(none).error, "timeout");
  EXPECT_EQ(to_reply(none).status, 0);
}

TEST(WebhookExchange, PickServerTakesTheFirstWithAUrl) {
  const json::object none;
  const json::object empty{{"url", ""}};
  const json::object assistant{{"url", "http://a"}};
  const json::object org{{"url", "http://org"}};
  EXPECT_EQ(pick_server({nullptr, &none, &empty, &assistant, &org})->at("url").as_string(),
            "http://a");
  EXPECT_EQ(pick_server({nullptr, nullptr, &org})->at("url").as_string(), "http://org");
  EXPECT_FALSE(pick_server({nullptr, &none}));
}

// A signer that holds its answer until the test gives it, and a transport that counts.
struct HeldSigning {
  std::function<void(http::Fields, std::string)> finish;
  int sent = 0;
  int cut = 0;
  std::vector<net::OutboundResponse> done;

  Signer signer() {
    return [this](const std::string&, const std::string&, const std::string&, const std::string&,
                  http::Fields headers, std::function<void(http::Fields, std::string)> d) {
      finish = [headers, d](http::Fields, std::string error) { d(headers, std::move(error)); };
    };
  }
  Transport transport() {
    return [this](net::OutboundRequest, std::function<void(net::OutboundResponse)>) -> Cancel {
      ++sent;
      return [this] { ++cut; };
    };
  }
  std::function<void(net::OutboundResponse)> collect() {
    return [this](net::OutboundResponse r) { done.push_back(std::move(r)); };
  }
};

ServerPlan signed_plan() {
  ServerPlan plan;
  plan.url = "http://r";
  plan.credential_id = "cred-1";
  return plan;
}

TEST(WebhookExchange, ACancelWhileSigningSendsNothingAndAnswersCancelled) {
  HeldSigning h;
  auto cancel = sign_and_send(h.transport(), h.signer(), "org", signed_plan(), {}, h.collect());
  ASSERT_TRUE(h.finish);
  cancel();
  EXPECT_TRUE(h.done.empty());  // the answer comes once signing ends
  h.finish({}, "");
  EXPECT_EQ(h.sent, 0);
  ASSERT_EQ(h.done.size(), 1u);
  EXPECT_EQ(h.done[0].error, "cancelled");
}

TEST(WebhookExchange, ACancelAfterSigningCutsTheTransportsExchange) {
  HeldSigning h;
  auto cancel = sign_and_send(h.transport(), h.signer(), "org", signed_plan(), {}, h.collect());
  h.finish({}, "");
  EXPECT_EQ(h.sent, 1);
  EXPECT_EQ(h.cut, 0);
  cancel();
  EXPECT_EQ(h.cut, 1);
}

TEST(WebhookExchange, WithoutACredentialTheCancelIsTheTransports) {
  HeldSigning h;
  ServerPlan plan;
  plan.url = "http://r";
  auto cancel = sign_and_send(h.transport(), h.signer(), "org", plan, {}, h.collect());
  EXPECT_EQ(h.sent, 1);
  cancel();
  EXPECT_EQ(h.cut, 1);
}

}  // namespace
}  // namespace sb::webhooks
