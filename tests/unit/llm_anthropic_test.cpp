// The Anthropic adapter: the conversation translated from OpenAI's format (system, tool_use,
// tool_result grouping, merged turns), the request's headers, the decoding of its events, and
// a run of the whole stream (however it is split) through StreamRun, as the HttpClient drives
// it: completion, error answers, streams that stop short, cancellation.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "runtime/llm/anthropic_adapter.hpp"
#include "runtime/llm/stream_run.hpp"

namespace sb::llm {
namespace {

namespace json = boost::json;

json::object message(std::string_view role, std::string_view content) {
  return {{"role", role}, {"content", content}};
}

json::object assistant_calling(std::string_view text, json::array calls) {
  json::object m{{"role", "assistant"}, {"tool_calls", std::move(calls)}};
  m["content"] = text.empty() ? json::value(nullptr) : json::value(text);
  return m;
}

json::object call(std::string_view id, std::string_view name, std::string_view arguments) {
  return {{"id", id},
          {"type", "function"},
          {"function", json::object{{"name", name}, {"arguments", arguments}}}};
}

json::object tool_result(std::string_view id, std::string_view content) {
  return {{"role", "tool"}, {"tool_call_id", id}, {"content", content}};
}

CompletionRequest conversation() {
  CompletionRequest r;
  r.provider = "anthropic";
  r.model = "claude-3-5-haiku-latest";
  r.base_url = "https://api.anthropic.com";
  r.api_key = "sk-ant-test";
  r.messages = json::array{
      message("system", "You are a receptionist."),
      message("user", "Book me for Monday"),
      message("user", "at ten."),
      assistant_calling("Checking.", {call("toolu_1", "check_slot", R"({"day":"monday"})"),
                                      call("toolu_2", "check_room", "not json")}),
      tool_result("toolu_1", "free"),
      tool_result("toolu_2", "room 4"),
      message("user", "Great"),
      message("system", "Speak slowly."),
  };
  return r;
}

TEST(LlmAnthropic, SystemMessagesAreJoinedIntoSystem) {
  const auto body = anthropic_request_body(conversation());
  EXPECT_EQ(body.at("system"), "You are a receptionist.\n\nSpeak slowly.");
  for (const auto& turn : body.at("messages").as_array()) EXPECT_NE(turn.at("role"), "system");
}

TEST(LlmAnthropic, TurnsAlternateWithToolUseAndGroupedToolResults) {
  const auto body = anthropic_request_body(conversation());
  const auto expected = json::parse(R"([
    {"role":"user","content":[{"type":"text","text":"Book me for Monday"},
                              {"type":"text","text":"at ten."}]},
    {"role":"assistant","content":[
      {"type":"text","text":"Checking."},
      {"type":"tool_use","id":"toolu_1","name":"check_slot","input":{"day":"monday"}},
      {"type":"tool_use","id":"toolu_2","name":"check_room","input":{}}]},
    {"role":"user","content":[
      {"type":"tool_result","tool_use_id":"toolu_1","content":"free"},
      {"type":"tool_result","tool_use_id":"toolu_2","content":"room 4"},
      {"type":"text","text":"Great"}]}
  ])");
  EXPECT_EQ(body.at("messages"), expected) << json::serialize(body.at("messages"));
}

TEST(LlmAnthropic, AnAssistantTurnWithOnlyToolCallsHasNoTextBlock) {
  auto r = conversation();
  r.messages =
      json::array{message("user", "Hi"), assistant_calling("", {call("toolu_9", "hang_up", "")}),
                  tool_result("toolu_9", "done")};
  const auto turns = anthropic_request_body(r).at("messages").as_array();
  ASSERT_EQ(turns.size(), 3u);
  EXPECT_EQ(turns[1].at("content"), json::parse(R"([{"type":"tool_use","id":"toolu_9",
                                                     "name":"hang_up","input":{}}])"));
  EXPECT_FALSE(anthropic_request_body(r).contains("system"));
}

TEST(LlmAnthropic, ToolsMaxTokensTemperatureAndStream) {
  auto r = conversation();
  auto body = anthropic_request_body(r);
  EXPECT_EQ(body.at("model"), "claude-3-5-haiku-latest");
  EXPECT_EQ(body.at("max_tokens"), 1024);  // required by Anthropic
  EXPECT_EQ(body.at("stream"), true);
  EXPECT_FALSE(body.contains("temperature"));
  EXPECT_FALSE(body.contains("tools"));

  r.max_tokens = 250;
  r.temperature = 0.5;
  r.tools = json::array{
      json::object{{"type", "function"},
                   {"function", json::object{{"name", "check_slot"},
                                             {"description", "Is the slot free?"},
                                             {"parameters", json::parse(R"({"type":"object",
                                                 "properties":{"day":{"type":"string"}}})")}}}},
      json::object{{"type", "function"}, {"function", json::object{{"name", "hang_up"}}}}};
  body = anthropic_request_body(r);
  EXPECT_EQ(body.at("max_tokens"), 250);
  EXPECT_EQ(body.at("temperature").as_double(), 0.5);
  EXPECT_EQ(body.at("tools"), json::parse(R"([
    {"name":"check_slot","description":"Is the slot free?",
     "input_schema":{"type":"object","properties":{"day":{"type":"string"}}}},
    {"name":"hang_up","input_schema":{"type":"object","properties":{}}}])"));
}

TEST(LlmAnthropic, RequestCarriesTheKeyAndVersionHeaders) {
  auto r = conversation();
  r.base_url = "http://127.0.0.1:9000/";
  const auto out = anthropic_request(r);
  EXPECT_EQ(out.url, "http://127.0.0.1:9000/v1/messages");
  auto header = [&](std::string_view name) -> std::string {
    for (const auto& [n, v] : out.headers)
      if (n == name) return v;
    return "<none>";
  };
  EXPECT_EQ(header("x-api-key"), "sk-ant-test");
  EXPECT_EQ(header("anthropic-version"), "2023-06-01");
  EXPECT_EQ(header("Authorization"), "<none>");
  EXPECT_EQ(json::parse(out.body).at("stream"), true);
}

TEST(LlmAnthropic, StopReasonsMapToOpenAiFinishReasons) {
  EXPECT_EQ(anthropic_finish_reason("end_turn"), "stop");
  EXPECT_EQ(anthropic_finish_reason("stop_sequence"), "stop");
  EXPECT_EQ(anthropic_finish_reason("tool_use"), "tool_calls");
  EXPECT_EQ(anthropic_finish_reason("max_tokens"), "length");
  EXPECT_EQ(anthropic_finish_reason("pause_turn"), "pause_turn");
}

// A streamed answer as Anthropic sends it: text, then a tool call in pieces.
const std::string kTranscript =
    "event: message_start\n"
    "data: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":\"message\","
    "\"role\":\"assistant\",\"content\":[],\"model\":\"claude\",\"stop_reason\":null,"
    "\"usage\":{\"input_tokens\":25,\"cache_read_input_tokens\":5,\"output_tokens\":1}}}\n\n"
    "event: content_block_start\n"
    "data: {\"type\":\"content_block_start\",\"index\":0,"
    "\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n"
    "event: ping\ndata: {\"type\":\"ping\"}\n\n"
    "event: content_block_delta\n"
    "data: {\"type\":\"content_block_delta\",\"index\":0,"
    "\"delta\":{\"type\":\"text_delta\",\"text\":\"Let me \"}}\n\n"
    "event: content_block_delta\n"
    "data: {\"type\":\"content_block_delta\",\"index\":0,"
    "\"delta\":{\"type\":\"text_delta\",\"text\":\"check.\"}}\n\n"
    "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n"
    "event: content_block_start\n"
    "data: {\"type\":\"content_block_start\",\"index\":1,\"content_block\":{\"type\":\"tool_use\","
    "\"id\":\"toolu_01\",\"name\":\"check_slot\",\"input\":{}}}\n\n"
    "event: content_block_delta\n"
    "data: {\"type\":\"content_block_delta\",\"index\":1,"
    "\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"\"}}\n\n"
    "event: content_block_delta\n"
    "data: {\"type\":\"content_block_delta\",\"index\":1,"
    "\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"day\\\": \"}}\n\n"
    "event: content_block_delta\n"
    "data: {\"type\":\"content_block_delta\",\"index\":1,"
    "\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"\\\"monday\\\"}\"}}\n\n"
    "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":1}\n\n"
    "event: message_delta\n"
    "data: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"tool_use\","
    "\"stop_sequence\":null},\"usage\":{\"output_tokens\":40}}\n\n"
    "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";

void expect_transcript_completion(const Completion& c) {
  EXPECT_EQ(c.text, "Let me check.");
  EXPECT_EQ(c.finish_reason, "tool_calls");
  EXPECT_EQ(c.usage.prompt_tokens, 30);
  EXPECT_EQ(c.usage.completion_tokens, 40);
  ASSERT_EQ(c.tool_calls.size(), 1u);
  EXPECT_EQ(c.tool_calls[0].id, "toolu_01");
  EXPECT_EQ(c.tool_calls[0].name, "check_slot");
  EXPECT_EQ(json::parse(c.tool_calls[0].arguments), json::parse(R"({"day":"monday"})"));
}

TEST(LlmAnthropic, DecoderReadsTextToolUseStopReasonAndUsage) {
  AnthropicStreamDecoder decoder("anthropic");
  SseParser parser;
  std::string deltas;
  bool finished = false;
  parser.feed(kTranscript, [&](SseEvent& e) {
    const auto step = decoder.on_event(e);
    EXPECT_FALSE(step.failure) << step.failure->message;
    deltas += step.text;
    finished = step.finished;
    return true;
  });
  EXPECT_TRUE(finished);
  EXPECT_EQ(deltas, "Let me check.");
  expect_transcript_completion(decoder.take());
}

TEST(LlmAnthropic, DecoderFailsOnAnErrorEventAndOnGarbage) {
  AnthropicStreamDecoder decoder("anthropic");
  auto step = decoder.on_event(
      {"error", R"({"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}})"});
  ASSERT_TRUE(step.failure);
  EXPECT_EQ(step.failure->code, ErrorCode::kBadGateway);
  EXPECT_EQ(step.failure->message, "anthropic reported an error: Overloaded");

  step = decoder.on_event({"content_block_delta", "{\"type\":"});
  ASSERT_TRUE(step.failure);
  EXPECT_EQ(step.failure->message, "anthropic sent an invalid stream: an event is not JSON");
}

// --- the whole run, as the HttpClient drives it ---------------------------------------------

struct Seen {
  std::string deltas;
  std::optional<Completion> completion;
  std::optional<Failure> failure;
  int settled = 0;
};

std::unique_ptr<StreamRun> make_run(Seen& seen, bool go_on = true) {
  StreamCallbacks callbacks;
  callbacks.on_delta = [&seen, go_on](std::string_view text) {
    seen.deltas += text;
    return go_on;
  };
  callbacks.on_complete = [&seen](Completion c) {
    seen.completion = std::move(c);
    ++seen.settled;
  };
  callbacks.on_failure = [&seen](Failure f) {
    seen.failure = std::move(f);
    ++seen.settled;
  };
  return std::make_unique<StreamRun>("anthropic", std::move(callbacks),
                                     std::make_unique<AnthropicStreamDecoder>("anthropic"));
}

net::OutboundResponse answered(int status, std::string body = "",
                               std::string content_type = "text/event-stream") {
  net::OutboundResponse r;
  r.status = status;
  r.headers = {{"Content-Type", std::move(content_type)}};
  r.body = std::move(body);
  return r;
}

TEST(LlmAnthropicRun, GivesTheSameCompletionHoweverTheStreamIsSplit) {
  for (std::size_t cut = 0; cut <= kTranscript.size(); cut += 7) {
    Seen seen;
    auto run = make_run(seen);
    EXPECT_TRUE(run->on_body(kTranscript.substr(0, cut)));
    EXPECT_TRUE(run->on_body(kTranscript.substr(cut)));
    run->on_done(answered(200));
    ASSERT_EQ(seen.settled, 1) << "cut " << cut;
    ASSERT_TRUE(seen.completion) << seen.failure->message;
    EXPECT_EQ(seen.deltas, "Let me check.");
    expect_transcript_completion(*seen.completion);
  }
}

TEST(LlmAnthropicRun, ReadsACollectedBodyWhenTheClientDidNotStream) {
  Seen seen;
  make_run(seen)->on_done(answered(200, kTranscript));
  ASSERT_TRUE(seen.completion);
  expect_transcript_completion(*seen.completion);
}

TEST(LlmAnthropicRun, AnErrorAnswerNamesTheProviderAndItsMessage) {
  Seen seen;
  make_run(seen)->on_done(answered(
      529, R"({"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}})",
      "application/json"));
  ASSERT_EQ(seen.settled, 1);
  EXPECT_EQ(seen.failure->code, ErrorCode::kBadGateway);
  EXPECT_EQ(seen.failure->message, "anthropic answered 529: Overloaded");
}

TEST(LlmAnthropicRun, AStreamWithoutMessageStopIsInvalid) {
  Seen seen;
  auto run = make_run(seen);
  const auto cut = kTranscript.find("event: message_stop");
  run->on_body(kTranscript.substr(0, cut));
  run->on_done(answered(200));
  ASSERT_EQ(seen.settled, 1);
  EXPECT_EQ(seen.failure->code, ErrorCode::kBadGateway);
  EXPECT_EQ(seen.failure->message,
            "anthropic sent an invalid stream: it ended before message_stop");
}

TEST(LlmAnthropicRun, AnErrorEventMidStreamFailsTheRunAndStopsTheExchange) {
  Seen seen;
  auto run = make_run(seen);
  EXPECT_FALSE(
      run->on_body("event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"api_error\","
                   "\"message\":\"Internal server error\"}}\n\n"));
  net::OutboundResponse cancelled;
  cancelled.error = "cancelled";
  run->on_done(cancelled);
  ASSERT_EQ(seen.settled, 1);
  EXPECT_EQ(seen.failure->message, "anthropic reported an error: Internal server error");
}

TEST(LlmAnthropicRun, ADeltaCallbackReturningFalseCancelsOnce) {
  Seen seen;
  auto run = make_run(seen, /*go_on=*/false);
  EXPECT_FALSE(run->on_body(kTranscript));
  net::OutboundResponse cancelled;
  cancelled.error = "cancelled";
  run->on_done(cancelled);
  ASSERT_EQ(seen.settled, 1);
  EXPECT_FALSE(seen.completion);
  EXPECT_EQ(seen.failure->message, "cancelled");
  EXPECT_EQ(seen.deltas, "Let me ");  // nothing after the refused delta
}

TEST(LlmAnthropicRun, AnIdleTimeoutMidStreamIsNoAnswer) {
  Seen seen;
  auto run = make_run(seen);
  run->on_body(kTranscript.substr(0, 300));
  net::OutboundResponse timed_out;
  timed_out.error = "timeout";
  run->on_done(timed_out);
  ASSERT_EQ(seen.settled, 1);
  EXPECT_EQ(seen.failure->code, ErrorCode::kGatewayTimeout);
  EXPECT_EQ(seen.failure->message, "anthropic did not answer: timeout");
}

TEST(LlmAnthropicRun, AWholeJsonMessageIsOneDeltaAndTheCompletion) {
  Seen seen;
  auto run = make_run(seen);
  run->on_body(R"({"id":"msg_1","type":"message","role":"assistant","content":[
      {"type":"text","text":"Sure."},
      {"type":"tool_use","id":"toolu_7","name":"book","input":{"day":"monday"}}],
      "stop_reason":"tool_use","usage":{"input_tokens":10,"output_tokens":4}})");
  run->on_done(answered(200, "", "application/json"));
  ASSERT_TRUE(seen.completion) << seen.failure->message;
  EXPECT_EQ(seen.deltas, "Sure.");
  EXPECT_EQ(seen.completion->finish_reason, "tool_calls");
  ASSERT_EQ(seen.completion->tool_calls.size(), 1u);
  EXPECT_EQ(seen.completion->tool_calls[0].arguments, R"({"day":"monday"})");
  EXPECT_EQ(seen.completion->usage.completion_tokens, 4);
}

}  // namespace
}  // namespace sb::llm
