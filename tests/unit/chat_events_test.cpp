#include "api/chats/chat_events.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace sb::api::chat_events {
namespace {

namespace json = boost::json;

json::value data_of(const std::string& event) {
  const auto at = event.find("data: ");
  EXPECT_NE(at, std::string::npos);
  EXPECT_EQ(event.substr(event.size() - 2), "\n\n");
  return json::parse(event.substr(at + 6, event.size() - at - 8));
}

TEST(ChatEvents, DeltaHasTheDocumentedShape) {
  const auto event = chat_delta("chat-1", "", 2, "Hel\"lo");
  EXPECT_EQ(event.rfind("data: ", 0), 0u);
  const auto data = data_of(event).as_object();
  EXPECT_EQ(data.at("id"), "chat-1");
  EXPECT_EQ(data.at("path"), "chat.output[2].content");
  EXPECT_EQ(data.at("delta"), "Hel\"lo");
  EXPECT_FALSE(data.contains("sessionId"));
  EXPECT_EQ(data_of(chat_delta("c", "s-1", 0, "x")).at("sessionId"), "s-1");
}

TEST(ChatEvents, ErrorIsANamedEvent) {
  const auto event = chat_error("c", 502, "openai answered 500");
  EXPECT_EQ(event.rfind("event: error\n", 0), 0u);
  EXPECT_EQ(data_of(event).at("statusCode"), 502);
}

TEST(ChatEvents, OutputTextJoinsAssistantTextOnly) {
  const auto chat = json::parse(R"({"output":[
      {"role":"assistant","content":"Let me check. "},
      {"role":"assistant","tool_calls":[]},
      {"role":"tool","content":"sunny"},
      {"role":"assistant","content":"It is sunny."}]})")
                        .as_object();
  EXPECT_EQ(output_text(chat), "Let me check. It is sunny.");
}

TEST(ResponseEvents, StreamIsNumberedAndEndsWithTheCompletedResponse) {
  ResponseEvents events("r1", "gpt-4o", 1700000000);
  const auto opening = events.opening();
  EXPECT_NE(opening.find("event: response.created\n"), std::string::npos);
  const auto delta = events.delta("Hi");
  EXPECT_EQ(delta.rfind("event: response.output_text.delta\n", 0), 0u);
  const auto d = data_of(delta).as_object();
  EXPECT_EQ(d.at("delta"), "Hi");
  EXPECT_EQ(d.at("sequence_number"), 3);  // after three opening events
  const auto chat = json::parse(R"({"output":[{"role":"assistant","content":"Hi"}],
      "costs":[{"type":"model","promptTokens":3,"completionTokens":1,"cost":0}]})")
                        .as_object();
  const auto closing = events.closing(chat);
  const auto last = closing.substr(closing.rfind("event: "));
  EXPECT_EQ(last.rfind("event: response.completed\n", 0), 0u);
  const auto response = data_of(last).at("response").as_object();
  EXPECT_EQ(response.at("status"), "completed");
  EXPECT_EQ(response.at("output").at(0).at("content").at(0).at("text"), "Hi");
  EXPECT_EQ(response.at("output").at(0).at("content").at(0).at("type"), "output_text");
  EXPECT_EQ(response.at("usage").at("total_tokens"), 4);
}

}  // namespace
}  // namespace sb::api::chat_events
