#include "http/json_body.hpp"

#include <gtest/gtest.h>

#include <chrono>

#include <boost/json/serialize.hpp>

#include "core/api_error.hpp"
#include "http/message.hpp"

namespace sb::http {
namespace {

Request with_body(std::string body, std::string content_type = "application/json") {
  Request r;
  r.body = std::move(body);
  r.content_type = std::move(content_type);
  return r;
}

std::string parsed(std::string body) {
  return boost::json::serialize(parse_json_body(with_body(std::move(body))));
}

// The 400 message for `body`.
std::string refusal(std::string body) {
  try {
    parse_json_body(with_body(std::move(body)));
  } catch (const ApiError& e) {
    EXPECT_EQ(e.code(), ErrorCode::kBadRequest);
    return e.messages().empty() ? "" : e.messages().front();
  }
  ADD_FAILURE() << "expected a 400";
  return {};
}

// JSON.parse('{"a":1,"b":2,"a":3}') is {a: 3, b: 2}: the last value, in the first's place.
TEST(JsonBody, DuplicateKeysKeepTheLastValueLikeJsonParse) {
  EXPECT_EQ(parsed(R"({"a":1,"b":2,"a":3})"), R"({"a":3,"b":2})");
  EXPECT_EQ(parsed(R"({"name":"x","name":null})"), R"({"name":null})");
  EXPECT_EQ(parsed(R"({"o":{"k":1,"k":{"z":2}},"o":{"k":3}})"), R"({"o":{"k":3}})");
}

// Objects past Boost.JSON's small-object size are hashed: the same rule must hold there.
TEST(JsonBody, DuplicateKeysInLargeObjects) {
  std::string body = "{";
  std::string expected = "{";
  for (int i = 0; i < 40; ++i) {
    const std::string key = "\"k" + std::to_string(i) + "\":";
    body += key + std::to_string(i) + ",";
    expected += key + (i == 5 ? std::string("\"last\"") : std::to_string(i)) + ",";
  }
  body += "\"k5\":\"first dup\",\"k5\":\"last\"}";
  expected.back() = '}';
  EXPECT_EQ(parsed(body), expected);
}

TEST(JsonBody, BlankBodyIsAnEmptyObject) {
  EXPECT_EQ(parsed(""), "{}");
  EXPECT_EQ(parsed(" \r\n\t"), "{}");
}

TEST(JsonBody, DeepNestingIsRefusedQuickly) {
  const std::string deep = std::string(100'000, '[') + std::string(100'000, ']');
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(refusal(deep),
            "Request body is not valid JSON: nested deeper than 256 levels at "
            "position 256");
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(1));
  EXPECT_EQ(refusal(R"({"a":)" + deep + "}").substr(0, 61),
            "Request body is not valid JSON: nested deeper than 256 levels");
  // 256 levels are fine (then the body must still be an object).
  const std::string ok = "{\"a\":" + std::string(255, '[') + std::string(255, ']') + "}";
  EXPECT_NO_THROW(parse_json_body(with_body(ok)));
}

TEST(JsonBody, InvalidUtf8IsNamedWithItsPosition) {
  EXPECT_EQ(refusal("{\"name\":\"ab\xff\"}"),
            "Request body is not valid JSON: invalid UTF-8 at position 11");
  EXPECT_EQ(refusal("{\"name\":\"\xc3(\"}"),
            "Request body is not valid JSON: invalid UTF-8 at position 9");
  EXPECT_EQ(refusal("{\"name\":\"\xed\xa0\x80\"}"),  // an encoded surrogate
            "Request body is not valid JSON: invalid UTF-8 at position 9");
  EXPECT_EQ(refusal("{\"name\":\"\xc0\xaf\"}"),  // an overlong '/'
            "Request body is not valid JSON: invalid UTF-8 at position 9");
  EXPECT_EQ(parsed("{\"name\":\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"}"),
            "{\"name\":\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"}");
}

TEST(JsonBody, SyntaxErrorsNameTheirPosition) {
  EXPECT_EQ(refusal(R"({"a":1,})"), "Request body is not valid JSON: syntax error at position 7");
  EXPECT_EQ(refusal(R"({"a":1)"), "Request body is not valid JSON: incomplete JSON at position 6");
  EXPECT_EQ(refusal(R"({"a":1} x)"), "Request body is not valid JSON: extra data at position 8");
  EXPECT_EQ(refusal("{\xc3\xa9:1}"), "Request body is not valid JSON: syntax error at position 1");
  EXPECT_EQ(refusal("[1,2]"), "Request body must be a JSON object");
}

TEST(JsonBody, OtherMediaTypesAre415) {
  try {
    parse_json_body(with_body("{}", "text/plain"));
    ADD_FAILURE() << "expected a 415";
  } catch (const ApiError& e) {
    EXPECT_EQ(e.code(), ErrorCode::kUnsupportedMediaType);
  }
  EXPECT_TRUE(is_json_media_type("application/vnd.api+json; charset=utf-8"));
  EXPECT_TRUE(is_json_media_type("Application/JSON ;charset=utf-8"));
  EXPECT_TRUE(is_json_media_type(""));
  EXPECT_FALSE(is_json_media_type("application/x-www-form-urlencoded"));
}

TEST(JsonBody, HugeArraysParse) {
  std::string body = "{\"a\":[";
  for (int i = 0; i < 200'000; ++i) body += "0,";
  body.back() = ']';
  body += '}';
  EXPECT_EQ(parse_json_body(with_body(body)).at("a").as_array().size(), 200'000u);
}

}  // namespace
}  // namespace sb::http
