#include "http/router.hpp"

#include <gtest/gtest.h>

namespace sb::http {
namespace {

Route route(Method m, std::string path) {
  Route r;
  r.method = m;
  r.path = std::move(path);
  return r;
}

TEST(Router, MatchesLiteralsBeforeParameters) {
  Router router;
  router.add(route(Method::kGet, "/phone-number"));
  router.add(route(Method::kGet, "/phone-number/{id}"));
  router.add(route(Method::kGet, "/v2/phone-number"));
  router.add(route(Method::kPost, "/reporting/insight/preview"));
  router.add(route(Method::kGet, "/reporting/insight/{id}"));

  auto m = router.match(Method::kGet, "/phone-number/abc");
  ASSERT_TRUE(m.route);
  EXPECT_EQ(m.route->path, "/phone-number/{id}");
  EXPECT_EQ(m.params, (Fields{{"id", "abc"}}));

  EXPECT_EQ(router.match(Method::kGet, "/phone-number/").route->path, "/phone-number");
  EXPECT_EQ(router.match(Method::kGet, "/v2/phone-number").route->path, "/v2/phone-number");
  EXPECT_EQ(router.match(Method::kPost, "/reporting/insight/preview").route->path,
            "/reporting/insight/preview");
}

TEST(Router, UnknownPathsAndMethodsDoNotMatch) {
  Router router;
  router.add(route(Method::kGet, "/phone-number/{id}"));
  EXPECT_FALSE(router.match(Method::kDelete, "/phone-number/abc").route);
  EXPECT_FALSE(router.match(Method::kGet, "/phone-number/abc/extra").route);
  EXPECT_FALSE(router.match(Method::kGet, "/assistant").route);
}

TEST(Router, RejectsDuplicates) {
  Router router;
  router.add(route(Method::kGet, "/a/{id}"));
  EXPECT_THROW(router.add(route(Method::kGet, "/a/{id}")), std::logic_error);
  EXPECT_THROW(router.add(route(Method::kPost, "/a/{other}")), std::logic_error);
}

}  // namespace
}  // namespace sb::http
