// The LMNT voice's request (bytes endpoint, key and version headers, 16 kHz raw PCM, the
// assistant's language and speed), its failures, and what check() refuses.

#include "runtime/speech/lmnt_voice.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <utility>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "core/api_error.hpp"
#include "net/websocket.hpp"
#include "voice_request_support.hpp"

namespace sb::speech {
namespace {

namespace json = boost::json;

using test::header_of;

class LmntVoiceTest : public ::testing::Test {
 protected:
  test::VoiceUnderTest under_test{kLmntVoice};
  HttpVoice& voice = under_test.voice;
};

TEST(LmntVoice, PostsToTheBytesEndpointForPcmAt16kHz) {
  const json::object config{{"provider", "lmnt"}, {"voiceId", "morgan"}};
  const auto request =
      kLmntVoice.request(config, "Hello", {"https://api.lmnt.com", "lmnt-key", ""});
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.url, "https://api.lmnt.com/v1/ai/speech/bytes");
  EXPECT_EQ(header_of(request, "X-API-Key"), "lmnt-key");
  EXPECT_EQ(header_of(request, "lmnt-version"), "1.2");
  EXPECT_EQ(json::parse(request.body), (json::object{{"voice", "morgan"},
                                                     {"text", "Hello"},
                                                     {"format", "pcm_s16le"},
                                                     {"sample_rate", 16000}}));
}

TEST(LmntVoice, CarriesLanguageAndSpeed) {
  const json::object config{
      {"provider", "lmnt"}, {"voiceId", "leah"}, {"language", "de"}, {"speed", 1.5}};
  const auto body = json::parse(kLmntVoice.request(config, "Hallo", {"http://x", "k", ""}).body);
  EXPECT_EQ(body.at("language").as_string(), "de");
  EXPECT_DOUBLE_EQ(body.at("speed").to_number<double>(), 1.5);
}

TEST(LmntVoice, EveryFailureIsTheLmntVoiceReason) {
  const auto failure = kLmntVoice.failure(test::answer_of(401, R"({"error":"Invalid API key"})"));
  EXPECT_EQ(failure.ended_reason, "pipeline-error-lmnt-voice-failed");
  EXPECT_EQ(failure.message, R"(the LMNT API answered 401: {"error":"Invalid API key"})");
  EXPECT_EQ(kLmntVoice.failure(test::failed_with("connection reset")).ended_reason,
            "pipeline-error-lmnt-voice-failed");
}

TEST_F(LmntVoiceTest, RefusesAMissingVoiceIdOrAnOutOfRangeSpeed) {
  EXPECT_NO_THROW(voice.check(json::object{{"provider", "lmnt"}, {"voiceId", "morgan"}}));
  const std::pair<json::object, std::string_view> refused[] = {
      {{{"provider", "lmnt"}}, "voice.voiceId"},
      {{{"provider", "lmnt"}, {"voiceId", "morgan"}, {"speed", 3}}, "voice.speed"},
      {{{"provider", "lmnt"}, {"voiceId", "morgan"}, {"speed", "fast"}}, "voice.speed"},
      {{{"provider", "lmnt"}, {"voiceId", "morgan"}, {"language", 7}}, "voice.language"}};
  for (const auto& [config, field] : refused) {
    try {
      voice.check(config);
      ADD_FAILURE() << json::serialize(config) << " was accepted";
    } catch (const ApiError& error) {
      EXPECT_EQ(error.code(), ErrorCode::kBadRequest);
      EXPECT_NE(std::string_view(error.what()).find(field), std::string_view::npos) << error.what();
    }
  }
}

}  // namespace
}  // namespace sb::speech
