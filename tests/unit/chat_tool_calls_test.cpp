// The pure pieces of tool calls: how arguments are shown to a server, and the request an
// apiRequest tool makes and what its response tells the model, without any I/O.
#include "runtime/chat/tool_calls.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include "core/manual_clock.hpp"

namespace sb::chat {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

json::object obj(std::string_view text) {
  return json::parse(text).as_object();
}

const llm::ToolCall kCall{"call_1", "api", R"({"id":"7","q":"a&b"})"};

net::OutboundRequest request_for(std::string_view tool, const llm::ToolCall& call = kCall,
                                 std::chrono::milliseconds deadline = 30s) {
  std::string error;
  auto request = api_request(obj(tool), call, deadline, error);
  EXPECT_EQ(error, "");
  return request.value_or(net::OutboundRequest{});
}

TEST(ChatToolCalls, ArgumentsAreTheParsedObjectOrTheTextAsWritten) {
  EXPECT_EQ(arguments_value(R"({"a":[1,2]})"), json::parse(R"({"a":[1,2]})"));
  EXPECT_EQ(arguments_value(" \n"), json::object());  // a function without parameters
  EXPECT_EQ(arguments_value(R"({"a":)"), json::string(R"({"a":)"));
  EXPECT_EQ(arguments_value("[1]"), json::string("[1]"));
}

TEST(ChatToolCalls, QueryParametersGoBeforeTheFragmentAndAreEncoded) {
  const auto get = request_for(R"({"type":"apiRequest","method":"get",
                                   "url":"https://api.example.com/items/{{id}}#top"})");
  EXPECT_EQ(get.method, "GET");
  EXPECT_EQ(get.url, "https://api.example.com/items/7?id=7&q=a%26b#top");
  EXPECT_EQ(get.body, "");
  EXPECT_TRUE(get.headers.empty());
  const auto bare = request_for(R"({"type":"apiRequest","method":"DELETE",
                                    "url":"https://api.example.com/items?"})",
                                {"c", "api", ""});
  EXPECT_EQ(bare.url, "https://api.example.com/items?");
}

TEST(ChatToolCalls, TheToolsOwnContentTypeIsKept) {
  const auto put = request_for(R"({"type":"apiRequest","method":"PUT","url":"https://h/x",
      "headers":{"type":"object","properties":{
        "content-type":{"type":"string","value":"application/vnd.api+json"},
        "X-Count":{"type":"number","value":3}}}})");
  EXPECT_EQ(put.body, R"({"id":"7","q":"a&b"})");
  EXPECT_EQ(put.headers,
            (http::Fields{{"content-type", "application/vnd.api+json"}, {"X-Count", "3"}}));
}

TEST(ChatToolCalls, TheTimeoutIsTheToolsCappedByTheDeadline) {
  EXPECT_EQ(request_for(R"({"type":"apiRequest","method":"POST","url":"https://h/"})").timeout,
            20s);
  EXPECT_EQ(request_for(R"({"type":"apiRequest","method":"POST","url":"https://h/",
                            "timeoutSeconds":2.5})")
                .timeout,
            2500ms);
  EXPECT_EQ(request_for(R"({"type":"apiRequest","method":"POST","url":"https://h/",
                            "timeoutSeconds":60})",
                        kCall, 15s)
                .timeout,
            15s);
}

TEST(ChatToolCalls, TemplatesInTheUrlAndHeadersReadTheGivenClock) {
  const ManualClock clock(1'700'000'000'000);  // 2023-11-14T22:13:20Z
  std::string error;
  const auto request = api_request(obj(R"({"type":"apiRequest","method":"GET",
      "url":"http://api/day/{{ 'today' | date: '%Y-%m-%d' }}",
      "headers":{"type":"object","properties":{"X-At":{"type":"string",
        "value":"{{ 'now' | date: '%H:%M' }}"}}}})"),
                                   llm::ToolCall{"c1", "api", "{}"}, 30s, error, clock);
  ASSERT_TRUE(request) << error;
  EXPECT_EQ(request->url, "http://api/day/2023-11-14");
  ASSERT_EQ(request->headers.size(), 1u);
  EXPECT_EQ(request->headers[0].second, "22:13");
}

TEST(ChatToolCalls, AToolWithoutAUrlIsNotSent) {
  std::string error;
  EXPECT_FALSE(api_request(obj(R"({"type":"apiRequest","method":"POST"})"), kCall, 30s, error));
  EXPECT_EQ(error, "the apiRequest tool api has no url");
}

TEST(ChatToolCalls, ALongBodyIsCutOnACharacterBoundary) {
  net::OutboundResponse ok;
  ok.status = 200;
  ok.body = "a";
  for (int i = 0; i < 12'000; ++i) ok.body += "é";  // two bytes each
  const auto outcome = api_outcome(kCall, "https://h/", ok);
  EXPECT_FALSE(outcome.failed);
  EXPECT_EQ(outcome.content.size(), 1 + 9'999 * 2u);  // 10,000 characters, none split
  EXPECT_EQ(outcome.content.substr(outcome.content.size() - 2), "é");

  net::OutboundResponse empty;
  empty.status = 503;
  EXPECT_EQ(api_outcome(kCall, "https://api.example.com:8443/x", empty).content,
            "Error: api.example.com:8443 answered 503");
}

}  // namespace
}  // namespace sb::chat
