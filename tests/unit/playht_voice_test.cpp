// The PlayHT voice's request (v2 stream endpoint, user id and key, wav at 16 kHz, the
// assistant's engine and settings under PlayHT's names), how PlayHT's answers map to the Call
// schema's playht reasons, and what check() refuses.

#include "runtime/speech/playht_voice.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <utility>

#include <boost/json/parse.hpp>

#include "core/api_error.hpp"
#include "voice_request_support.hpp"

namespace sb::speech {
namespace {

namespace json = boost::json;
using test::header_of;

TEST(PlayHtVoice, PostsToTheStreamEndpointWithUserIdAndKeyForWavAt16kHz) {
  const json::object config{{"provider", "playht"}, {"voiceId", "jennifer"}};
  const auto request =
      kPlayHtVoice.request(config, "Hello", {"https://api.play.ht", "ph-key", "user-42"});
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.url, "https://api.play.ht/api/v2/tts/stream");
  EXPECT_EQ(header_of(request, "X-USER-ID"), "user-42");
  EXPECT_EQ(header_of(request, "AUTHORIZATION"), "ph-key");
  EXPECT_EQ(json::parse(request.body), (json::object{{"text", "Hello"},
                                                     {"voice", "jennifer"},
                                                     {"output_format", "wav"},
                                                     {"sample_rate", 16000}}));
}

TEST(PlayHtVoice, CarriesTheEngineAndSettingsUnderPlayHtNames) {
  const json::object config{
      {"provider", "playht"},    {"voiceId", "s3://voice-cloning-zero-shot/x/manifest.json"},
      {"model", "Play3.0-mini"}, {"speed", 1.2},
      {"temperature", 0.7},      {"emotion", "female_happy"},
      {"voiceGuidance", 3},      {"styleGuidance", 20},
      {"textGuidance", 1.5},     {"language", "english"}};
  const auto body =
      json::parse(kPlayHtVoice.request(config, "Hi", {"http://x", "k", "u"}).body).as_object();
  EXPECT_EQ(body.at("voice_engine").as_string(), "Play3.0-mini");
  EXPECT_DOUBLE_EQ(body.at("speed").to_number<double>(), 1.2);
  EXPECT_DOUBLE_EQ(body.at("temperature").to_number<double>(), 0.7);
  EXPECT_EQ(body.at("emotion").as_string(), "female_happy");
  EXPECT_EQ(body.at("voice_guidance").to_number<int>(), 3);
  EXPECT_EQ(body.at("style_guidance").to_number<int>(), 20);
  EXPECT_DOUBLE_EQ(body.at("text_guidance").to_number<double>(), 1.5);
  EXPECT_EQ(body.at("language").as_string(), "english");
}

TEST(PlayHtVoice, MapsWhatPlayHtAnswersToTheSchemasPlayHtReasons) {
  const std::pair<net::OutboundResponse, std::string_view> cases[] = {
      {test::answer_of(401), "pipeline-error-playht-401-unauthorized"},
      {test::answer_of(403, R"({"error_message":"You have run out of characters"})"),
       "pipeline-error-playht-403-forbidden-out-of-characters"},
      {test::answer_of(403, R"({"error_message":"API access is not available on your plan"})"),
       "pipeline-error-playht-403-forbidden-api-access-not-available"},
      {test::answer_of(402), "pipeline-error-playht-out-of-credits"},
      {test::answer_of(429), "pipeline-error-playht-429-exceeded-quota"},
      {test::answer_of(502), "pipeline-error-playht-502-gateway-error"},
      {test::answer_of(504), "pipeline-error-playht-504-gateway-error"},
      {test::answer_of(500), "pipeline-error-playht-unexpected-error"},
      {test::answer_of(400, R"({"error_message":"Invalid emotion"})"),
       "pipeline-error-playht-invalid-emotion"},
      {test::answer_of(400, R"({"error_message":"voice must be a valid voice manifest uri"})"),
       "pipeline-error-playht-voice-must-be-a-valid-voice-manifest-uri"},
      {test::answer_of(400, R"({"error_message":"Invalid voice"})"),
       "pipeline-error-playht-invalid-voice"},
      {test::answer_of(400, R"({"error_message":"text is required"})"),
       "pipeline-error-playht-voice-failed"},
      {test::answer_of(418), "pipeline-error-playht-voice-failed"}};
  for (const auto& [response, reason] : cases)
    EXPECT_EQ(kPlayHtVoice.failure(response).ended_reason, reason)
        << response.status << " " << response.body;
  EXPECT_EQ(kPlayHtVoice.failure(test::failed_with("timeout")).ended_reason,
            "pipeline-error-playht-request-timed-out");
  EXPECT_EQ(kPlayHtVoice.failure(test::failed_with("connection reset")).ended_reason,
            "pipeline-error-playht-voice-failed");
}

TEST(PlayHtVoice, RefusesSettingsOutsideTheSchemasRanges) {
  const test::VoiceUnderTest under_test(kPlayHtVoice);
  const auto& voice = under_test.voice;
  const json::object good{{"provider", "playht"}, {"voiceId", "jennifer"}};
  EXPECT_NO_THROW(voice.check(good));
  for (const auto& [field, value] : {std::pair<std::string_view, json::value>{"speed", 6},
                                     {"temperature", 0},
                                     {"voiceGuidance", 7},
                                     {"styleGuidance", 31},
                                     {"textGuidance", 3},
                                     {"emotion", "joyful"},
                                     {"model", "PlayHT1.0"}}) {
    auto bad = good;
    bad[field] = value;
    try {
      voice.check(bad);
      ADD_FAILURE() << field << " was accepted";
    } catch (const ApiError& error) {
      EXPECT_NE(std::string_view(error.what()).find(field), std::string_view::npos) << error.what();
    }
  }
}

}  // namespace
}  // namespace sb::speech
