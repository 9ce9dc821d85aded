// The ElevenLabs voice's request (URL, key, body from the assistant's voice) and how what
// ElevenLabs answers maps to the Call schema's endedReason.

#include "runtime/speech/elevenlabs_voice.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "core/api_error.hpp"
#include "net/websocket.hpp"
#include "voice_request_support.hpp"

namespace sb::speech {
namespace {

namespace json = boost::json;

using test::header_of;

TEST(ElevenLabsVoice, PostsToTheStreamEndpointForPcmAt16kHzWithTheKey) {
  const json::object config{{"provider", "11labs"}, {"voiceId", "21m00Tcm4TlvDq8ikWAM"}};
  const auto request =
      kElevenLabsVoice.request(config, "Hello", {"https://api.elevenlabs.io", "xi-key", ""});
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.url,
            "https://api.elevenlabs.io/v1/text-to-speech/21m00Tcm4TlvDq8ikWAM/stream"
            "?output_format=pcm_16000");
  EXPECT_EQ(header_of(request, "xi-api-key"), "xi-key");
  EXPECT_EQ(header_of(request, "Content-Type"), "application/json");
  const auto body = json::parse(request.body).as_object();
  EXPECT_EQ(body.at("text").as_string(), "Hello");
  EXPECT_EQ(body.at("model_id").as_string(), "eleven_turbo_v2") << "the schema's default";
  EXPECT_FALSE(body.contains("voice_settings")) << "the voice's own settings apply";
  EXPECT_FALSE(body.contains("language_code"));
}

TEST(ElevenLabsVoice, CarriesTheAssistantsSettingsUnderElevenLabsNames) {
  const json::object config{
      {"provider", "11labs"},
      {"voiceId", "voice 1/x"},
      {"model", "eleven_flash_v2_5"},
      {"stability", 0.4},
      {"similarityBoost", 0.8},
      {"style", 0},
      {"useSpeakerBoost", true},
      {"speed", 1.1},
      {"optimizeStreamingLatency", 2},
      {"language", "de"},
      {"pronunciationDictionaryLocators",
       json::array{json::object{{"pronunciationDictionaryId", "d1"}, {"versionId", "v2"}},
                   json::object{{"pronunciationDictionaryId", "d3"}}}}};
  const auto request = kElevenLabsVoice.request(config, "Hi", {"http://127.0.0.1:9", "k", ""});
  EXPECT_EQ(request.url,
            "http://127.0.0.1:9/v1/text-to-speech/voice%201%2Fx/stream"
            "?output_format=pcm_16000&optimize_streaming_latency=2");
  const auto body = json::parse(request.body).as_object();
  EXPECT_EQ(body.at("model_id").as_string(), "eleven_flash_v2_5");
  const auto& settings = body.at("voice_settings").as_object();
  EXPECT_DOUBLE_EQ(settings.at("stability").to_number<double>(), 0.4);
  EXPECT_DOUBLE_EQ(settings.at("similarity_boost").to_number<double>(), 0.8);
  EXPECT_DOUBLE_EQ(settings.at("style").to_number<double>(), 0);
  EXPECT_DOUBLE_EQ(settings.at("speed").to_number<double>(), 1.1);
  EXPECT_EQ(settings.at("use_speaker_boost").as_bool(), true);
  EXPECT_EQ(body.at("language_code").as_string(), "de");
  const auto& locators = body.at("pronunciation_dictionary_locators").as_array();
  ASSERT_EQ(locators.size(), 2u);
  EXPECT_EQ(locators[0].at("pronunciation_dictionary_id").as_string(), "d1");
  EXPECT_EQ(locators[0].at("version_id").as_string(), "v2");
  EXPECT_FALSE(locators[1].as_object().contains("version_id"));
}

TEST(ElevenLabsVoice, MapsTheErrorDetailStatusToTheMostSpecificEndedReason) {
  const auto detail = [](std::string status) {
    return R"({"detail":{"status":")" + status + R"(","message":"no"}})";
  };
  EXPECT_EQ(kElevenLabsVoice.failure(test::answer_of(401, detail("invalid_api_key"))).ended_reason,
            "pipeline-error-eleven-labs-invalid-api-key");
  EXPECT_EQ(kElevenLabsVoice.failure(test::answer_of(401, detail("quota_exceeded"))).ended_reason,
            "pipeline-error-eleven-labs-quota-exceeded");
  EXPECT_EQ(kElevenLabsVoice.failure(test::answer_of(400, detail("voice_not_found"))).ended_reason,
            "pipeline-error-eleven-labs-voice-not-found");
  EXPECT_EQ(kElevenLabsVoice.failure(test::answer_of(400, detail("max_character_limit_exceeded")))
                .ended_reason,
            "pipeline-error-eleven-labs-max-character-limit-exceeded");
  EXPECT_EQ(kElevenLabsVoice.failure(test::answer_of(429, detail("too_many_concurrent_requests")))
                .ended_reason,
            "pipeline-error-eleven-labs-blocked-concurrent-requests-and-requested-upgrade");
  EXPECT_EQ(kElevenLabsVoice.failure(test::answer_of(429, detail("system_busy"))).ended_reason,
            "pipeline-error-eleven-labs-system-busy-and-requested-upgrade");
}

TEST(ElevenLabsVoice, FallsBackOnTheHttpStatusThenOnTheGenericReason) {
  EXPECT_EQ(kElevenLabsVoice.failure(test::answer_of(401, "nope")).ended_reason,
            "pipeline-error-eleven-labs-unauthorized-access");
  EXPECT_EQ(kElevenLabsVoice.failure(test::answer_of(404, "")).ended_reason,
            "pipeline-error-eleven-labs-voice-not-found");
  EXPECT_EQ(kElevenLabsVoice.failure(test::answer_of(500, "")).ended_reason,
            "pipeline-error-eleven-labs-500-server-error");
  EXPECT_EQ(kElevenLabsVoice.failure(test::answer_of(503, "")).ended_reason,
            "pipeline-error-eleven-labs-503-server-error");
  EXPECT_EQ(
      kElevenLabsVoice.failure(test::answer_of(429, R"({"detail":"slow down"})")).ended_reason,
      "pipeline-error-eleven-labs-voice-failed");
  net::OutboundResponse cut;
  cut.status = 200;
  cut.error = "partial message";
  const auto failure = kElevenLabsVoice.failure(cut);
  EXPECT_EQ(failure.ended_reason, "pipeline-error-eleven-labs-voice-failed");
  EXPECT_EQ(failure.message, "the ElevenLabs API failed: partial message");
  EXPECT_EQ(kElevenLabsVoice.failure(test::answer_of(401, "bad key")).message,
            "the ElevenLabs API answered 401: bad key");
}

TEST(ElevenLabsVoice, RefusesAVoiceWithoutAVoiceId) {
  const test::VoiceUnderTest under_test(kElevenLabsVoice);
  const auto& voice = under_test.voice;
  EXPECT_THROW(voice.check(json::object{{"provider", "11labs"}}), ApiError);
  EXPECT_NO_THROW(voice.check(json::object{{"provider", "11labs"}, {"voiceId", "sarah"}}));
}

}  // namespace
}  // namespace sb::speech
