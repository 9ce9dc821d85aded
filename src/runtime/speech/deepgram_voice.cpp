#include "runtime/speech/deepgram_voice.hpp"

#include <array>

#include "core/api_error.hpp"
#include "core/codec.hpp"
#include "core/json_fields.hpp"

namespace sb::speech {

namespace {

// Aura-2's voices that are not English, by language (Deepgram's TTS model list; the Spanish
// and German voices of Vapi's DeepgramVoice enum).
constexpr std::array<std::string_view, 10> kSpanish = {"celeste", "estrella", "nestor", "sirio",
                                                       "carina",  "alvaro",   "diana",  "aquila",
                                                       "selena",  "javier"};
constexpr std::array<std::string_view, 7> kGerman = {"viktoria", "kara",  "fabian", "julius",
                                                     "lara",     "elara", "aurelia"};
// Aura (1) voices Aura-2 does not have.
constexpr std::array<std::string_view, 4> kAuraOnly = {"stella", "perseus", "angus", "helios"};

template <std::size_t N>
bool among(const std::array<std::string_view, N>& names, std::string_view name) {
  for (auto n : names)
    if (n == name) return true;
  return false;
}

SpeechFailure deepgram_voice_failure(const net::OutboundResponse& response) {
  return voice_failure(kDeepgramVoiceFailed, "Deepgram speak", response);
}

net::OutboundRequest deepgram_speak_request(const boost::json::object& config,
                                            std::string_view text, const VoiceAccess& access) {
  return json_post(deepgram_speak_url(access.base_url, config),
                   {{"Authorization", "Token " + access.api_key}}, {{"text", text}});
}

// Beyond the voiceId HttpVoice requires: the provider, a voiceId that is a string, the model.
void check_deepgram(const boost::json::object& config) {
  if (const auto provider = string_at(config, "provider"); provider != "deepgram")
    throw ApiError::bad_request("voice.provider must be deepgram, not " + std::string(provider));
  const auto* voice = config.if_contains("voiceId");
  if (!voice || !voice->is_string() || voice->get_string().empty())
    throw ApiError::bad_request("voice.voiceId must be a Deepgram voice, e.g. asteria");
  check_one_of(config, "model", {"aura", "aura-2"});
}

}  // namespace

std::string deepgram_voice_model(const boost::json::object& config) {
  const std::string_view voice = string_at(config, "voiceId");
  if (voice.starts_with("aura-")) return std::string(voice);
  std::string_view model = string_at(config, "model");
  if (model.empty()) model = among(kAuraOnly, voice) ? "aura" : "aura-2";
  if (model == "aura") return "aura-" + std::string(voice) + "-en";
  const char* language = among(kSpanish, voice) ? "es" : among(kGerman, voice) ? "de" : "en";
  return "aura-2-" + std::string(voice) + "-" + language;
}

std::string deepgram_speak_url(std::string_view base_url, const boost::json::object& config) {
  std::string url =
      std::string(base_url) + "/v1/speak?model=" + percent_encode(deepgram_voice_model(config)) +
      "&encoding=linear16&sample_rate=" + std::to_string(kPipelineRate) + "&container=none";
  if (bool_at(config, "mipOptOut")) url += "&mip_opt_out=true";
  return url;
}

const HttpVoiceSpec kDeepgramVoice{"deepgram", kPipelineRate, deepgram_speak_request,
                                   deepgram_voice_failure, check_deepgram};

}  // namespace sb::speech
