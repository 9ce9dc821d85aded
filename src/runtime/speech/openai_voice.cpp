#include "runtime/speech/openai_voice.hpp"

#include <utility>

#include <boost/json/serialize.hpp>

#include "core/api_error.hpp"
#include "core/json_fields.hpp"
#include "runtime/speech/http_pcm_stream.hpp"

namespace sb::speech {

namespace {

constexpr const char* kFailed = "pipeline-error-openai-voice-failed";
constexpr const char* kDefaultModel = "tts-1";
constexpr auto kTimeout = std::chrono::seconds(20);
/// The longest pause between body chunks of a healthy stream is far below this.
constexpr auto kIdleTimeout = std::chrono::seconds(10);

bool takes_instructions(std::string_view model) {
  return !model.starts_with("tts-1");
}

}  // namespace

net::OutboundRequest openai_speech_request(const boost::json::object& config, std::string_view text,
                                           std::string_view base_url, std::string_view api_key) {
  net::OutboundRequest request;
  request.url = std::string(base_url) + "/audio/speech";
  request.headers.emplace_back("Authorization", "Bearer " + std::string(api_key));
  request.headers.emplace_back("Content-Type", "application/json");

  boost::json::object body;
  auto model = string_at(config, "model");
  if (model.empty()) model = kDefaultModel;
  body["model"] = model;
  body["voice"] = string_at(config, "voiceId");
  body["input"] = text;
  body["response_format"] = "pcm";
  if (const auto* speed = config.if_contains("speed"); speed && speed->is_number())
    body["speed"] = *speed;
  if (const auto instructions = string_at(config, "instructions");
      !instructions.empty() && takes_instructions(model)) {
    body["instructions"] = instructions;
  }
  request.body = boost::json::serialize(body);
  request.timeout = kTimeout;
  request.stream_idle_timeout = kIdleTimeout;
  return request;
}

SpeechFailure openai_voice_failure(const net::OutboundResponse& response) {
  return SpeechFailure{kFailed, describe_failure("the OpenAI speech API", response, kTimeout)};
}

OpenAiVoice::OpenAiVoice(const RemoteSpeechDeps& deps)
    : http_(deps.http), settings_(deps.settings) {}

void OpenAiVoice::check(const boost::json::object& config) const {
  if (string_at(config, "voiceId").empty())
    throw ApiError::bad_request("voice.voiceId is required for the openai provider");
}

std::unique_ptr<Synthesis> OpenAiVoice::synthesize(const boost::json::object& config,
                                                   const SpeechContext& context, std::string text,
                                                   VoiceEvents events) {
  const auto& provider = *find_remote_provider("openai");
  auto request = openai_speech_request(config, text, settings_.base_url(provider, context),
                                       settings_.api_key(provider, context));
  return stream_pcm(send_with(http_), std::move(request), kOpenAiPcmRate, openai_voice_failure,
                    std::move(events));
}

}  // namespace sb::speech
