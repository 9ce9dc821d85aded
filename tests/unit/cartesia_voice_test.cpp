// The Cartesia voice's request (bytes endpoint, version, key, body from the assistant's voice)
// and how what Cartesia answers maps to the Call schema's endedReason.

#include "runtime/speech/cartesia_voice.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "core/api_error.hpp"
#include "net/websocket.hpp"

namespace sb::speech {
namespace {

namespace json = boost::json;

std::string_view header(const net::OutboundRequest& request, std::string_view name) {
  for (const auto& [n, v] : request.headers)
    if (n == name) return v;
  return {};
}

net::OutboundResponse answer(int status) {
  net::OutboundResponse response;
  response.status = status;
  response.body = R"({"error_code":null,"title":"t","message":"m","request_id":"r"})";
  return response;
}

TEST(CartesiaVoice, PostsToTheBytesEndpointForRawPcmAt16kHz) {
  const json::object config{{"provider", "cartesia"}, {"voiceId", "a0e99841"}};
  const auto request = cartesia_request(config, "Hello", "https://api.cartesia.ai", "sk_car_1");
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.url, "https://api.cartesia.ai/tts/bytes");
  EXPECT_EQ(header(request, "X-API-Key"), "sk_car_1");
  EXPECT_EQ(header(request, "Cartesia-Version"), "2026-03-01");
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
      json::parse(cartesia_request(config, "Salut", "http://x", "k").body).as_object();
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
  const auto body = json::parse(cartesia_request(config, "Hi", "http://x", "k").body).as_object();
  EXPECT_EQ(body.at("voice").at("__experimental_controls"),
            (json::object{{"speed", "fast"}, {"emotion", json::array{"positivity:high"}}}));
}

TEST(CartesiaVoice, MapsStatusesToTheSchemasCartesiaReasons) {
  EXPECT_EQ(cartesia_failure(answer(402)).ended_reason,
            "pipeline-error-cartesia-requested-payment");
  EXPECT_EQ(cartesia_failure(answer(500)).ended_reason, "pipeline-error-cartesia-500-server-error");
  EXPECT_EQ(cartesia_failure(answer(502)).ended_reason, "pipeline-error-cartesia-502-server-error");
  EXPECT_EQ(cartesia_failure(answer(503)).ended_reason, "pipeline-error-cartesia-503-server-error");
  EXPECT_EQ(cartesia_failure(answer(522)).ended_reason, "pipeline-error-cartesia-522-server-error");
  EXPECT_EQ(cartesia_failure(answer(401)).ended_reason, "pipeline-error-cartesia-voice-failed");
  EXPECT_EQ(cartesia_failure(answer(429)).ended_reason, "pipeline-error-cartesia-voice-failed");
  net::OutboundResponse refused;
  refused.error = "connection refused";
  EXPECT_EQ(cartesia_failure(refused).ended_reason, "pipeline-error-cartesia-voice-failed");
  EXPECT_EQ(cartesia_failure(refused).message, "the Cartesia API failed: connection refused");
}

TEST(CartesiaVoice, RefusesAVoiceWithoutAVoiceId) {
  net::HttpClient http(1);
  net::WebSocketClient websockets;
  const RemoteSpeechSettings settings;
  const CartesiaVoice voice(RemoteSpeechDeps{http, websockets, settings});
  EXPECT_THROW(voice.check(json::object{{"provider", "cartesia"}}), ApiError);
  EXPECT_NO_THROW(voice.check(json::object{{"provider", "cartesia"}, {"voiceId", "v"}}));
}

}  // namespace
}  // namespace sb::speech
