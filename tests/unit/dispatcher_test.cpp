#include "http/dispatcher.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "contract/contract.hpp"
#include "contract/schema.hpp"
#include "dispatch_support.hpp"

namespace sb::http {
namespace {

Route route(Method m, std::string path, const contract::Operation* op = nullptr,
            std::size_t limit = 0) {
  Route r;
  r.method = m;
  r.path = std::move(path);
  r.operation = op;
  r.body_limit = limit;
  r.handler = [](Context&& ctx, Reply reply) { reply(Response::json(200, ctx.org_id)); };
  return r;
}

Response dispatch(const Dispatcher& d, std::string token, std::string path = "/thing") {
  Request request;
  request.method = Method::kGet;
  request.path = std::move(path);
  request.authorization = "Bearer " + token;
  Response out;
  bool called = false;
  d.dispatch(std::move(request), [&](Response r) {
    out = std::move(r);
    called = true;
  });
  EXPECT_TRUE(called);
  return out;
}

std::string header(const Response& r, std::string_view name) {
  for (const auto& [k, v] : r.headers)
    if (k == name) return v;
  return {};
}

TEST(Dispatcher, BodyLimitsArePerRoute) {
  contract::Schema schema;
  contract::Operation json_op;
  json_op.request_body = &schema;
  json_op.request_content_type = "application/json";
  contract::Operation upload_op = json_op;
  upload_op.request_content_type = "multipart/form-data";

  Router router;
  router.add(route(Method::kPost, "/phone-number", &json_op));
  router.add(route(Method::kPatch, "/phone-number/{id}", &json_op, /*limit=*/4096));
  router.add(route(Method::kGet, "/phone-number"));
  router.add(route(Method::kPost, "/file", &upload_op, /*limit=*/64 << 20));
  test::FakeAuthenticator auth;
  DispatcherOptions options;
  options.body_limit = 2 << 20;
  options.json_body_limit = 1 << 20;
  const Dispatcher d(std::move(router), auth, nullptr, options);

  EXPECT_EQ(d.body_limit(Method::kPost, "/phone-number"), 1u << 20);    // JSON default
  EXPECT_EQ(d.body_limit(Method::kPatch, "/phone-number/abc"), 4096u);  // its own
  EXPECT_EQ(d.body_limit(Method::kGet, "/phone-number"), 2u << 20);     // server-wide
  EXPECT_EQ(d.body_limit(Method::kPost, "/file"), 64u << 20);           // may be larger
  EXPECT_EQ(d.body_limit(Method::kPost, "/nowhere"), 2u << 20);         // unknown route
  EXPECT_EQ(d.body_limit(Method::kDelete, "/phone-number"), 2u << 20);  // unknown method
}

TEST(Dispatcher, JsonBodyLimitNeverExceedsTheServerWideOne) {
  contract::Schema schema;
  contract::Operation json_op;
  json_op.request_body = &schema;
  json_op.request_content_type = "application/json";
  Router router;
  router.add(route(Method::kPost, "/phone-number", &json_op));
  test::FakeAuthenticator auth;
  DispatcherOptions options;
  options.body_limit = 1000;
  options.json_body_limit = 1 << 20;
  const Dispatcher d(std::move(router), auth, nullptr, options);
  EXPECT_EQ(d.body_limit(Method::kPost, "/phone-number"), 1000u);
}

TEST(Dispatcher, OrgRateLimitAnswers429WithRetryAfter) {
  Router router;
  router.add(route(Method::kGet, "/thing"));
  test::FakeAuthenticator auth;
  DispatcherOptions options;
  options.org_rate.per_second = 0.5;  // one request every two seconds
  options.org_rate.burst = 2;
  const Dispatcher d(std::move(router), auth, nullptr, options);

  EXPECT_EQ(dispatch(d, "key-a").status, 200);
  EXPECT_EQ(dispatch(d, "key-a").status, 200);
  const Response limited = dispatch(d, "key-a");
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(header(limited, "Retry-After"), "2");
  const auto body = boost::json::parse(limited.body).as_object();
  EXPECT_EQ(body.at("error"), "Too Many Requests");
  EXPECT_EQ(body.at("statusCode"), 429);
  EXPECT_EQ(body.at("message"),
            "Rate limit exceeded: this org may make 0.5 requests per second. Retry after 2 "
            "seconds.");
  // Another org has its own bucket; bad keys and unknown routes never spend one.
  EXPECT_EQ(dispatch(d, "key-b").status, 200);
  EXPECT_EQ(dispatch(d, "bad").status, 401);
  EXPECT_EQ(dispatch(d, "key-c", "/nowhere").status, 404);
  EXPECT_EQ(dispatch(d, "key-c").status, 200);
}

TEST(Dispatcher, ThrottledKeyLookupsAnswer429) {
  Router router;
  router.add(route(Method::kGet, "/thing"));
  test::FakeAuthenticator auth;
  const Dispatcher d(std::move(router), auth, nullptr);
  const Response r = dispatch(d, "slow");
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(header(r, "Retry-After"), "2");
  EXPECT_EQ(boost::json::parse(r.body).at("message"),
            "Too many requests with unknown API keys from this address. Retry after 2 seconds.");
}

}  // namespace
}  // namespace sb::http
