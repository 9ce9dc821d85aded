// The Rime voice's request (rime-tts endpoint, bearer key, Accept audio/pcm at 16 kHz, the
// assistant's model, language, speed and flags), its failures, and what check() refuses.

#include "runtime/speech/rime_ai_voice.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "core/api_error.hpp"
#include "net/websocket.hpp"
#include "voice_request_support.hpp"

namespace sb::speech {
namespace {

namespace json = boost::json;

using test::header_of;

TEST(RimeAiVoice, PostsToRimeTtsForPcmAt16kHzWithArcanaByDefault) {
  const json::object config{{"provider", "rime-ai"}, {"voiceId", "luna"}};
  const auto request = kRimeAiVoice.request(config, "Hello", {"https://users.rime.ai", "rk", ""});
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.url, "https://users.rime.ai/v1/rime-tts");
  EXPECT_EQ(header_of(request, "Authorization"), "Bearer rk");
  EXPECT_EQ(header_of(request, "Accept"), "audio/pcm");
  EXPECT_EQ(
      json::parse(request.body),
      (json::object{
          {"speaker", "luna"}, {"text", "Hello"}, {"modelId", "arcana"}, {"samplingRate", 16000}}));
}

TEST(RimeAiVoice, CarriesModelLanguageFlagsAndSpeedAsADurationFactor) {
  const json::object config{{"provider", "rime-ai"},
                            {"voiceId", "cove"},
                            {"model", "mistv2"},
                            {"language", "es"},
                            {"speed", 2},
                            {"pauseBetweenBrackets", true},
                            {"phonemizeBetweenBrackets", false},
                            {"reduceLatency", true},
                            {"inlineSpeedAlpha", "1.2, 0.8"}};
  const auto body =
      json::parse(kRimeAiVoice.request(config, "Hola", {"http://x", "k", ""}).body).as_object();
  EXPECT_EQ(body.at("modelId").as_string(), "mistv2");
  EXPECT_EQ(body.at("lang").as_string(), "es");
  EXPECT_DOUBLE_EQ(body.at("speedAlpha").to_number<double>(), 0.5) << "twice as fast";
  EXPECT_EQ(body.at("pauseBetweenBrackets"), true);
  EXPECT_EQ(body.at("phonemizeBetweenBrackets"), false);
  EXPECT_EQ(body.at("reduceLatency"), true);
  EXPECT_EQ(body.at("inlineSpeedAlpha").as_string(), "1.2, 0.8");
}

TEST(RimeAiVoice, EveryFailureIsTheRimeVoiceReason) {
  for (int status : {400, 401, 429, 500})
    EXPECT_EQ(kRimeAiVoice.failure(test::answer_of(status)).ended_reason,
              "pipeline-error-rime-ai-voice-failed");
  EXPECT_EQ(kRimeAiVoice.failure(test::failed_with("timeout")).message,
            "the Rime API did not answer within 20 s");
}

TEST(RimeAiVoice, RefusesAMissingVoiceIdAnUnknownModelOrASpeedBelowTheMinimum) {
  const test::VoiceUnderTest under_test(kRimeAiVoice);
  const auto& voice = under_test.voice;
  EXPECT_NO_THROW(voice.check(json::object{{"provider", "rime-ai"}, {"voiceId", "luna"}}));
  EXPECT_THROW(voice.check(json::object{{"provider", "rime-ai"}}), ApiError);
  EXPECT_THROW(
      voice.check(json::object{{"provider", "rime-ai"}, {"voiceId", "luna"}, {"model", "v1"}}),
      ApiError);
  EXPECT_THROW(
      voice.check(json::object{{"provider", "rime-ai"}, {"voiceId", "luna"}, {"speed", 0}}),
      ApiError);
}

}  // namespace
}  // namespace sb::speech
