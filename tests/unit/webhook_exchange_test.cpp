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

}  // namespace
}  // namespace sb::webhooks
