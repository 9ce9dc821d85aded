// CreateAssistantDTO through the real embedded contract: a realistic full body and the
// polymorphic parts (model, voice, transcriber, tools) a client gets wrong.

#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include "contract/contract.hpp"
#include "embedded_contract.hpp"

namespace sb::contract {
namespace {

constexpr std::string_view kAssistant = R"({
  "name": "Front desk",
  "firstMessage": "Hello, how can I help?",
  "firstMessageMode": "assistant-speaks-first",
  "model": {
    "provider": "openai", "model": "gpt-4o", "temperature": 0.7, "maxTokens": 250,
    "messages": [{"role": "system", "content": "You are a receptionist."}],
    "tools": [
      {"type": "function",
       "function": {"name": "book_slot", "description": "Books a slot",
                    "parameters": {"type": "object",
                                   "properties": {"day": {"type": "string", "description": "ISO day",
                                                          "format": "date", "minLength": 1}},
                                   "required": ["day"]}},
       "server": {"url": "https://example.com/tools", "timeoutSeconds": 10},
       "messages": [{"type": "request-start", "content": "One moment"}]},
      {"type": "endCall"},
      {"type": "transferCall",
       "destinations": [{"type": "number", "number": "+14155550100", "message": "Transferring"}]}
    ]
  },
  "voice": {"provider": "11labs", "voiceId": "burt", "stability": 0.5, "similarityBoost": 0.75,
            "model": "eleven_turbo_v2_5"},
  "transcriber": {"provider": "deepgram", "model": "nova-2", "language": "en",
                  "keywords": ["Switchboard:2"]},
  "server": {"url": "https://example.com/webhook", "timeoutSeconds": 20,
             "headers": {"X-Api-Key": "k"}},
  "serverMessages": ["end-of-call-report", "status-update"],
  "clientMessages": ["transcript"],
  "maxDurationSeconds": 600,
  "backgroundSound": "office",
  "endCallPhrases": ["goodbye", "bye now"],
  "metadata": {"team": "sales", "nested": {"any": ["thing"]}},
  "analysisPlan": {
    "summaryPlan": {"enabled": true, "messages": [{"role": "system", "content": "Summarize"}]},
    "structuredDataPlan": {"enabled": true,
                           "schema": {"type": "object",
                                      "properties": {"booked": {"type": "boolean"}}}},
    "successEvaluationPlan": {"rubric": "PassFail", "enabled": true}
  },
  "startSpeakingPlan": {"waitSeconds": 0.4, "smartEndpointingEnabled": "livekit"},
  "artifactPlan": {"recordingEnabled": true, "recordingFormat": "mp3"}
})";

std::vector<std::string> create(const boost::json::value& body) {
  const auto* op = contract().operation("post", "/assistant");
  return contract().validate(*op->request_body, body);
}

boost::json::value full_assistant() {
  return boost::json::parse(kAssistant);
}

TEST(AssistantCreate, TheBodyIsTheCreateAssistantDto) {
  const auto* op = contract().operation("post", "/assistant");
  ASSERT_NE(op, nullptr);
  EXPECT_EQ(op->request_body, contract().schema("CreateAssistantDTO"));
  EXPECT_EQ(op->success_status, 201);
}

TEST(AssistantCreate, AcceptsAFullBody) {
  EXPECT_EQ(create(full_assistant()), Msgs{});
}

TEST(AssistantCreate, AcceptsAnEmptyBody) {
  EXPECT_EQ(create(boost::json::parse("{}")), Msgs{});  // every property is optional
}

TEST(AssistantCreate, AcceptsAPresetOrAnyVoiceId) {
  auto body = full_assistant();
  body.at("voice").as_object()["voiceId"] = "my-cloned-voice";  // oneOf [preset enum, string]
  EXPECT_EQ(create(body), Msgs{});
  body.at("voice").as_object()["voiceId"] = 42;
  EXPECT_EQ(create(body), Msgs{"voice.voiceId must be one of the following values: burt, marissa, "
                               "andrea, sarah, phillip, steve, joseph, myra, paula, ryan, drew, "
                               "paul, mrb, matilda, mark"});
}

TEST(AssistantCreate, NamesTheProviderWhenItIsUnknown) {
  auto body = full_assistant();
  body.at("model").as_object()["provider"] = "acme";
  auto messages = create(body);
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].rfind("model.provider must be one of the following values: ", 0), 0u)
      << messages[0];
  EXPECT_NE(messages[0].find("openai"), std::string::npos);
}

TEST(AssistantCreate, ValidatesInsideTheChosenProvider) {
  auto body = full_assistant();
  body.at("model").as_object()["temperature"] = 3;
  body.at("voice").as_object()["stability"] = -1;
  body.at("transcriber").as_object()["language"] = "xx";
  auto messages = create(body);
  ASSERT_EQ(messages.size(), 3u);
  EXPECT_EQ(messages[0], "transcriber.language must be one of the following values: ar, az, ba, " +
                             messages[0].substr(messages[0].find("ba, ") + 4));
  EXPECT_EQ(messages[1], "model.temperature must not be greater than 2");
  EXPECT_EQ(messages[2], "voice.stability must not be less than 0");
}

TEST(AssistantCreate, ValidatesToolsByTheirType) {
  auto body = full_assistant();
  auto& tools = body.at("model").at("tools").as_array();
  tools[0].as_object()["function"].as_object()["name"] = "book slot!";
  tools[1].as_object()["bogus"] = true;
  tools[2].as_object()["type"] = "teleport";
  auto messages = create(body);
  ASSERT_EQ(messages.size(), 3u);
  EXPECT_EQ(messages[0],
            "model.tools.0.function.name must match /^[a-zA-Z0-9_-]{1,64}$/ regular expression");
  EXPECT_EQ(messages[1], "model.tools.1.property bogus should not exist");
  EXPECT_EQ(messages[2].rfind("model.tools.2.type must be one of the following values: ", 0), 0u)
      << messages[2];
}

TEST(AssistantCreate, ChecksEachServerMessage) {
  auto body = full_assistant();
  body.as_object()["serverMessages"] = boost::json::parse(R"(["status-update", "gossip"])");
  auto messages = create(body);
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].rfind("each value in serverMessages must be one of the following values: "
                              "assistant.started, ",
                              0),
            0u)
      << messages[0];
}

TEST(AssistantCreate, ChecksArraysOfStrings) {
  auto body = full_assistant();
  body.as_object()["endCallPhrases"] = boost::json::parse(R"(["a", 5, "bye", 6])");
  EXPECT_EQ(create(body),
            (Msgs{"each value in endCallPhrases must be longer than or equal to 2 characters",
                  "each value in endCallPhrases must be a string"}));
}

TEST(AssistantCreate, ChecksTheBackgroundSoundUrl) {
  auto body = full_assistant();
  body.as_object()["backgroundSound"] = "https://example.com/office.mp3";
  EXPECT_EQ(create(body), Msgs{});
  body.as_object()["backgroundSound"] = "lobby";
  EXPECT_EQ(create(body), Msgs{"backgroundSound must be one of the following values: off, office"});
}

}  // namespace
}  // namespace sb::contract
