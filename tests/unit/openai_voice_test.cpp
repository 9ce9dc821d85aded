// The OpenAI voice's request (speech endpoint, bearer key, body from the assistant's voice) and
// its failures.

#include "runtime/speech/openai_voice.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "core/api_error.hpp"
#include "net/websocket.hpp"
#include "voice_request_support.hpp"

namespace sb::speech {
namespace {

namespace json = boost::json;

using test::header_of;

TEST(OpenAiVoice, PostsToTheSpeechEndpointForPcm) {
  const json::object config{{"provider", "openai"}, {"voiceId", "alloy"}};
  const auto request =
      kOpenAiVoice.request(config, "Hello", {"https://api.openai.com/v1", "sk-test", ""});
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.url, "https://api.openai.com/v1/audio/speech");
  EXPECT_EQ(header_of(request, "Authorization"), "Bearer sk-test");
  const auto body = json::parse(request.body).as_object();
  EXPECT_EQ(
      body,
      (json::object{
          {"model", "tts-1"}, {"voice", "alloy"}, {"input", "Hello"}, {"response_format", "pcm"}}));
}

TEST(OpenAiVoice, SendsSpeedAndInstructionsToModelsThatTakeThem) {
  const json::object config{{"provider", "openai"},
                            {"voiceId", "coral"},
                            {"model", "gpt-4o-mini-tts"},
                            {"speed", 1.25},
                            {"instructions", "Speak warmly."}};
  const auto body = json::parse(kOpenAiVoice.request(config, "Hi", {"http://x", "k", ""}).body);
  EXPECT_EQ(body.at("model").as_string(), "gpt-4o-mini-tts");
  EXPECT_DOUBLE_EQ(body.at("speed").to_number<double>(), 1.25);
  EXPECT_EQ(body.at("instructions").as_string(), "Speak warmly.");

  json::object older = config;
  older["model"] = "tts-1-hd";
  const auto without = json::parse(kOpenAiVoice.request(older, "Hi", {"http://x", "k", ""}).body);
  EXPECT_FALSE(without.as_object().contains("instructions")) << "tts-1 models refuse them";
}

TEST(OpenAiVoice, EveryFailureIsTheOpenAiVoiceReason) {
  net::OutboundResponse unauthorized;
  unauthorized.status = 401;
  unauthorized.body = R"({"error":{"message":"Incorrect API key provided"}})";
  const auto failure = kOpenAiVoice.failure(unauthorized);
  EXPECT_EQ(failure.ended_reason, "pipeline-error-openai-voice-failed");
  EXPECT_EQ(failure.message.rfind("the OpenAI speech API answered 401: {", 0), 0u);
  net::OutboundResponse timeout;
  timeout.error = "timeout";
  EXPECT_EQ(kOpenAiVoice.failure(timeout).message,
            "the OpenAI speech API did not answer within 20 s");
}

TEST(OpenAiVoice, RefusesAVoiceWithoutAVoiceId) {
  const test::VoiceUnderTest under_test(kOpenAiVoice);
  const auto& voice = under_test.voice;
  EXPECT_THROW(voice.check(json::object{{"provider", "openai"}}), ApiError);
  EXPECT_NO_THROW(voice.check(json::object{{"provider", "openai"}, {"voiceId", "alloy"}}));
}

}  // namespace
}  // namespace sb::speech
