// The OpenAI-compatible adapter's pure parts: its request, the decoding of streamed chunks
// (text, tool-call fragments, usage, [DONE]) and the messages of upstream errors.
#include <chrono>
#include <string>

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "llm_openai_fixtures.hpp"
#include "runtime/llm/failures.hpp"
#include "runtime/llm/openai_adapter.hpp"

namespace sb::llm {
namespace {

namespace json = boost::json;
using namespace test;
using namespace std::chrono_literals;

TEST(LlmOpenAi, RequestBodyAsksForAStreamWithUsage) {
  auto r = basic_request();
  const auto body = openai_request_body(r);
  EXPECT_EQ(body.at("model"), "gpt-4o-mini");
  EXPECT_EQ(body.at("messages"), r.messages);
  EXPECT_EQ(body.at("stream"), true);
  EXPECT_EQ(body.at("stream_options"), (json::object{{"include_usage", true}}));
  EXPECT_FALSE(body.contains("temperature"));
  EXPECT_FALSE(body.contains("max_tokens"));
  EXPECT_FALSE(body.contains("tools"));

  r.temperature = 0.25;
  r.max_tokens = 200;
  r.tools = json::array{
      json::object{{"type", "function"}, {"function", json::object{{"name", "lookup"}}}}};
  const auto full = openai_request_body(r);
  EXPECT_EQ(full.at("temperature").as_double(), 0.25);
  EXPECT_EQ(full.at("max_tokens"), 200);
  EXPECT_EQ(full.at("tools"), r.tools);
}

TEST(LlmOpenAi, RequestGoesToChatCompletionsWithABearerKeyWhenThereIsOne) {
  auto r = basic_request("http://127.0.0.1:8000/v1/");
  r.head_timeout = 1500ms;
  r.idle_timeout = 700ms;
  auto out = openai_request(r);
  EXPECT_EQ(out.method, "POST");
  EXPECT_EQ(out.url, "http://127.0.0.1:8000/v1/chat/completions");
  EXPECT_EQ(out.timeout, 1500ms);
  EXPECT_EQ(out.stream_idle_timeout, 700ms);
  auto has = [&](std::string_view name, std::string_view value) {
    for (const auto& [n, v] : out.headers)
      if (n == name && v == value) return true;
    return false;
  };
  EXPECT_TRUE(has("Authorization", "Bearer sk-test"));
  EXPECT_TRUE(has("Content-Type", "application/json"));
  EXPECT_EQ(json::parse(out.body).at("model"), "gpt-4o-mini");

  r.api_key.clear();
  out = openai_request(r);
  for (const auto& [name, value] : out.headers) EXPECT_NE(name, "Authorization");
}

TEST(LlmOpenAi, DecoderPassesTextAndEndsAtDone) {
  OpenAiStreamDecoder decoder("groq");
  EXPECT_EQ(decoder.on_event(event_of(text_chunk("Hel"))).text, "Hel");
  EXPECT_EQ(decoder.on_event(event_of(text_chunk("lo!"))).text, "lo!");
  EXPECT_FALSE(decoder.on_event(event_of(finish_chunk("stop"))).finished);
  EXPECT_FALSE(decoder.on_event(event_of(usage_chunk(12, 3))).finished);
  EXPECT_TRUE(decoder.on_event({"", "[DONE]"}).finished);
  const auto c = decoder.take();
  EXPECT_EQ(c.text, "Hello!");
  EXPECT_EQ(c.finish_reason, "stop");
  EXPECT_EQ(c.usage.prompt_tokens, 12);
  EXPECT_EQ(c.usage.completion_tokens, 3);
  EXPECT_TRUE(c.tool_calls.empty());
}

TEST(LlmOpenAi, DecoderAssemblesToolCallFragmentsByIndex) {
  OpenAiStreamDecoder decoder("openai");
  for (const auto& chunk : {
           tool_chunk({tool_fragment(0, "call_a", "get_weather", "")}),
           tool_chunk({tool_fragment(0, "", "", "{\"city\":")}),
           tool_chunk({tool_fragment(1, "call_b", "get_time", "{\"tz\":")}),
           tool_chunk({tool_fragment(0, "", "", "\"Paris\"}")}),
           tool_chunk({tool_fragment(1, "", "", "\"CET\"}")}),
           finish_chunk("tool_calls"),
       }) {
    const auto step = decoder.on_event(event_of(chunk));
    EXPECT_FALSE(step.failure);
    EXPECT_TRUE(step.text.empty());
  }
  ASSERT_TRUE(decoder.on_event({"", "[DONE]"}).finished);
  const auto c = decoder.take();
  EXPECT_EQ(c.finish_reason, "tool_calls");
  ASSERT_EQ(c.tool_calls.size(), 2u);
  EXPECT_EQ(c.tool_calls[0].id, "call_a");
  EXPECT_EQ(c.tool_calls[0].name, "get_weather");
  EXPECT_EQ(c.tool_calls[0].arguments, "{\"city\":\"Paris\"}");
  EXPECT_EQ(c.tool_calls[1].id, "call_b");
  EXPECT_EQ(c.tool_calls[1].name, "get_time");
  EXPECT_EQ(c.tool_calls[1].arguments, "{\"tz\":\"CET\"}");
}

TEST(LlmOpenAi, DecoderFollowsIdsWhenAServerOmitsTheIndexAndNamesCallsWithoutAnId) {
  OpenAiStreamDecoder decoder("custom-llm");
  auto fragment = [](std::string id, std::string name, std::string arguments) {
    auto f = tool_fragment(0, std::move(id), std::move(name), std::move(arguments));
    f.erase("index");
    return f;
  };
  decoder.on_event(event_of(tool_chunk({fragment("call_1", "a", "{\"x\":")})));
  decoder.on_event(event_of(tool_chunk({fragment("", "", "1}")})));
  decoder.on_event(event_of(tool_chunk({fragment("call_2", "b", "")})));
  decoder.on_event({"", "[DONE]"});
  const auto c = decoder.take();
  ASSERT_EQ(c.tool_calls.size(), 2u);
  EXPECT_EQ(c.tool_calls[0].arguments, "{\"x\":1}");
  EXPECT_EQ(c.tool_calls[1].name, "b");
  EXPECT_EQ(c.tool_calls[1].arguments, "{}");
  EXPECT_EQ(c.finish_reason, "tool_calls");  // the server said none

  OpenAiStreamDecoder anonymous("custom-llm");
  anonymous.on_event(event_of(tool_chunk({tool_fragment(0, "", "c", "{}")})));
  const auto id = anonymous.take().tool_calls.at(0).id;
  EXPECT_TRUE(id.starts_with("call_") && id.size() > 5) << id;
}

TEST(LlmOpenAi, DecoderFailsOnGarbageAndOnAnErrorChunk) {
  OpenAiStreamDecoder decoder("together-ai");
  auto step = decoder.on_event({"", "{not json"});
  ASSERT_TRUE(step.failure);
  EXPECT_EQ(step.failure->code, ErrorCode::kBadGateway);
  EXPECT_EQ(step.failure->message, "together-ai sent an invalid stream: a chunk is not JSON");

  step =
      decoder.on_event({"", R"({"error":{"message":"Model overloaded","type":"server_error"}})"});
  ASSERT_TRUE(step.failure);
  EXPECT_EQ(step.failure->message, "together-ai reported an error: Model overloaded");
}

TEST(LlmOpenAi, DecoderReadsAWholeCompletionFromAServerThatDoesNotStream) {
  OpenAiStreamDecoder decoder("custom-llm");
  const auto step = decoder.on_json(R"({"choices":[{"index":0,"finish_reason":"tool_calls",
      "message":{"role":"assistant","content":"Checking.","tool_calls":[
        {"id":"call_9","type":"function","function":{"name":"f","arguments":"{\"a\":1}"}},
        {"type":"function","function":{"name":"g","arguments":"{}"}}]}}],
      "usage":{"prompt_tokens":5,"completion_tokens":7}})");
  EXPECT_FALSE(step.failure);
  EXPECT_TRUE(step.finished);
  EXPECT_EQ(step.text, "Checking.");
  const auto c = decoder.take();
  EXPECT_EQ(c.text, "Checking.");
  ASSERT_EQ(c.tool_calls.size(), 2u);  // no index and no id on the second: still its own call
  EXPECT_EQ(c.tool_calls[0].id, "call_9");
  EXPECT_EQ(c.tool_calls[0].arguments, "{\"a\":1}");
  EXPECT_EQ(c.tool_calls[1].name, "g");
  EXPECT_EQ(c.usage.completion_tokens, 7);
}

TEST(LlmOpenAi, UpstreamMessagesComeFromTheErrorBodyOrTheRawText) {
  EXPECT_EQ(upstream_message(R"({"error":{"message":"Incorrect API key provided","type":"x"}})"),
            "Incorrect API key provided");
  EXPECT_EQ(upstream_message(R"({"type":"error","error":{"type":"overloaded_error"}})"),
            "overloaded_error");
  EXPECT_EQ(upstream_message(R"({"error":"model not found"})"), "model not found");
  EXPECT_EQ(upstream_message(R"({"detail":"Not authenticated"})"), "Not authenticated");
  EXPECT_EQ(upstream_message("  <html>Bad Gateway</html>\n"), "<html>Bad Gateway</html>");
  // Cut to 300 bytes, and never inside a character ("é" is two bytes).
  EXPECT_LE(upstream_message(std::string(500, 'a')).size(), 300u);
  std::string accents;
  for (int i = 0; i < 200; ++i) accents += "\xC3\xA9";
  const auto cut = upstream_message("a" + accents);
  EXPECT_EQ(cut.size(), 299u);
  EXPECT_EQ(cut.back(), '\xA9');
  EXPECT_EQ(upstream_error("xai", 503, "").message, "xai answered 503: Service Unavailable");
  EXPECT_EQ(upstream_error("xai", 503, "").status, 503);  // a call names its ended reason by it
}

}  // namespace
}  // namespace sb::llm
