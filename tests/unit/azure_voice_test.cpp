// The Azure voice's request (the region's cognitiveservices/v1, subscription key, raw 16 kHz PCM,
// SSML naming the voice, its locale and the speed), its failures, and what check() refuses.

#include "runtime/speech/azure_voice.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <utility>

#include "core/api_error.hpp"
#include "voice_request_support.hpp"

namespace sb::speech {
namespace {

namespace json = boost::json;
using test::header_of;

constexpr std::string_view kDefaultBase = "https://{region}.tts.speech.microsoft.com";

TEST(AzureVoice, PostsSsmlToTheRegionsEndpointForRaw16kHzPcm) {
  const json::object config{{"provider", "azure"}, {"voiceId", "en-US-AriaNeural"}};
  const auto request = kAzureVoice.request(config, "Hello & welcome",
                                           {std::string(kDefaultBase), "az-key", "westus3"});
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.url, "https://westus3.tts.speech.microsoft.com/cognitiveservices/v1");
  EXPECT_EQ(header_of(request, "Ocp-Apim-Subscription-Key"), "az-key");
  EXPECT_EQ(header_of(request, "X-Microsoft-OutputFormat"), "raw-16khz-16bit-mono-pcm");
  EXPECT_EQ(header_of(request, "Content-Type"), "application/ssml+xml");
  EXPECT_FALSE(header_of(request, "User-Agent").empty()) << "Azure requires one";
  EXPECT_EQ(request.body,
            "<speak version=\"1.0\" xmlns=\"http://www.w3.org/2001/10/synthesis\" "
            "xml:lang=\"en-US\"><voice name=\"en-US-AriaNeural\">Hello &amp; welcome</voice>"
            "</speak>");
}

TEST(AzureVoice, ExpandsPresetsTakesTheLocaleFromTheVoiceAndTheSpeedAsProsodyRate) {
  EXPECT_EQ(azure_voice_name("andrew"), "en-US-AndrewMultilingualNeural");
  EXPECT_EQ(azure_voice_name("es-ES-ElviraNeural"), "es-ES-ElviraNeural");
  const json::object config{
      {"provider", "azure"}, {"voiceId", "es-ES-ElviraNeural"}, {"speed", 1.5}};
  const auto body = kAzureVoice.request(config, "Hola", {"http://x", "k", "eastus"}).body;
  EXPECT_NE(body.find("xml:lang=\"es-ES\""), std::string::npos) << body;
  EXPECT_NE(body.find("<prosody rate=\"1.5\">Hola</prosody>"), std::string::npos) << body;
}

TEST(AzureVoice, VapisRegionNamesBecomeAzureRegions) {
  const json::object config{{"provider", "azure"}, {"voiceId", "emma"}};
  EXPECT_EQ(kAzureVoice.request(config, "Hi", {std::string(kDefaultBase), "k", "uk"}).url,
            "https://uksouth.tts.speech.microsoft.com/cognitiveservices/v1");
  EXPECT_EQ(kAzureVoice.request(config, "Hi", {"http://127.0.0.1:9/{region}", "k", "eastus"}).url,
            "http://127.0.0.1:9/eastus/cognitiveservices/v1");
}

TEST(AzureVoice, EveryFailureIsTheAzureVoiceReason) {
  const auto refused = kAzureVoice.failure(test::answer_of(401));
  EXPECT_EQ(refused.ended_reason, "pipeline-error-azure-voice-failed");
  EXPECT_EQ(refused.message, "the Azure speech API answered 401");
}

TEST(AzureVoice, RefusesAMissingVoiceIdOrASpeedOutOfRange) {
  const test::VoiceUnderTest under_test(kAzureVoice);
  const auto& voice = under_test.voice;
  EXPECT_NO_THROW(voice.check(json::object{{"provider", "azure"}, {"voiceId", "andrew"}}));
  EXPECT_THROW(voice.check(json::object{{"provider", "azure"}}), ApiError);
  EXPECT_THROW(
      voice.check(json::object{{"provider", "azure"}, {"voiceId", "andrew"}, {"speed", 3}}),
      ApiError);
}

}  // namespace
}  // namespace sb::speech
