// The Cartesia voice's request (bytes endpoint, version, key, body from the assistant's voice)
// and how what Cartesia answers maps to the Call schema's endedReason.

#include "runtime/speech/cartesia_voice.hpp"

#include <gtest/gtest.h>

#include <utility>

#include <boost/json/parse.hpp>

#include "core/api_error.hpp"
#include "net/websocket.hpp"
#include "voice_request_support.hpp"

namespace sb::speech {
namespace {

namespace json = boost::json;

using test::header_of;

net::OutboundResponse answer(int status) {
  net::OutboundResponse response;
  response.status = status;
  response.body = R"({"error_code":null,"title":"t","message":"m","request_id":"r"})";
  return response;
}

TEST(CartesiaVoice, PostsToTheBytesEndpointForRawPcmAt16kHz) {
  const json::object config{{"provider", "cartesia"}, {"voiceId", "a0e99841"}};
  const auto request =
      kCartesiaVoice.request(config, "Hello", {"https://api.cartesia.ai", "sk_car_1", ""});
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.url, "https://api.cartesia.ai/tts/bytes");
  EXPECT_EQ(header_of(request, "X-API-Key"), "sk_car_1");
  EXPECT_EQ(header_of(request, "Cartesia-Version"), "2026-03-01");
  const auto body = json::parse(request.body).as_object();
  EXPECT_EQ(body.at("model_id").as_string(), "sonic-3.5");
  EXPECT_EQ(body.at("transcript").as_string(), "Hello");
  EXPECT_EQ(body.at("voice"), (json::object{{"mode", "id"}, {"id", "a0e99841"}}));
  EXPECT_EQ(
      body.at("output_format"),
      (json::object{{"container", "raw"}, {"encoding", "pcm_s16le"}, {"sample_rate", 16000}}));
  EXPECT_FALSE(body.contains("language"));
  EXPECT_FALSE(body.contains("generation_config"));
}

TEST(CartesiaVoice, CarriesModelLanguageAndGenerationConfig) {
  const json::object config{
      {"provider", "cartesia"},
      {"voiceId", "v"},
      {"model", "sonic-3"},
      {"language", "fr"},
      {"generationConfig", json::object{{"speed", 1.2},
                                        {"volume", 0.8},
                                        {"experimental", json::object{{"accentLocalization", 1}}}}},
      {"experimentalControls", json::object{{"speed", "fast"}, {"emotion", "positivity:high"}}},
      {"pronunciationDictId", "dict_abc123"}};
  const auto body =
      json::parse(kCartesiaVoice.request(config, "Salut", {"http://x", "k", ""}).body).as_object();
  EXPECT_EQ(body.at("model_id").as_string(), "sonic-3");
  EXPECT_EQ(body.at("language").as_string(), "fr");
  EXPECT_EQ(body.at("generation_config"), (json::object{{"speed", 1.2}, {"volume", 0.8}}));
  EXPECT_FALSE(body.at("voice").as_object().contains("__experimental_controls"))
      << "sonic-3 takes generation_config instead";
  EXPECT_EQ(body.at("pronunciation_dict_id").as_string(), "dict_abc123");
}

TEST(CartesiaVoice, GivesOlderModelsTheExperimentalControls) {
  const json::object config{
      {"provider", "cartesia"},
      {"voiceId", "v"},
      {"model", "sonic-2"},
      {"experimentalControls", json::object{{"speed", "fast"}, {"emotion", "positivity:high"}}}};
  const auto body =
      json::parse(kCartesiaVoice.request(config, "Hi", {"http://x", "k", ""}).body).as_object();
  EXPECT_EQ(body.at("voice").at("__experimental_controls"),
            (json::object{{"speed", "fast"}, {"emotion", json::array{"positivity:high"}}}));
}

TEST(CartesiaVoice, MapsStatusesToTheSchemasCartesiaReasons) {
  const std::pair<int, std::string_view> reasons[] = {
      {402, "pipeline-error-cartesia-requested-payment"},
      {500, "pipeline-error-cartesia-500-server-error"},
      {502, "pipeline-error-cartesia-502-server-error"},
      {503, "pipeline-error-cartesia-503-server-error"},
      {522, "pipeline-error-cartesia-522-server-error"},
      {401, "pipeline-error-cartesia-voice-failed"},
      {429, "pipeline-error-cartesia-voice-failed"}};
  for (const auto& [status, reason] : reasons)
    EXPECT_EQ(kCartesiaVoice.failure(answer(status)).ended_reason, reason) << status;
  net::OutboundResponse refused;
  refused.error = "connection refused";
  EXPECT_EQ(kCartesiaVoice.failure(refused).ended_reason, "pipeline-error-cartesia-voice-failed");
  EXPECT_EQ(kCartesiaVoice.failure(refused).message, "the Cartesia API failed: connection refused");
}

TEST(CartesiaVoice, RefusesAVoiceWithoutAVoiceId) {
  const test::VoiceUnderTest under_test(kCartesiaVoice);
  const auto& voice = under_test.voice;
  EXPECT_THROW(voice.check(json::object{{"provider", "cartesia"}}), ApiError);
  EXPECT_NO_THROW(voice.check(json::object{{"provider", "cartesia"}, {"voiceId", "v"}}));
}

}  // namespace
}  // namespace sb::speech
