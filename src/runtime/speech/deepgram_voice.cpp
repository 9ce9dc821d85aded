#include "runtime/speech/deepgram_voice.hpp"

#include <array>
#include <utility>

#include <boost/json/serialize.hpp>

#include "core/api_error.hpp"
#include "core/codec.hpp"
#include "core/json_fields.hpp"
#include "net/http_client.hpp"
#include "runtime/speech/http_pcm_stream.hpp"

namespace sb::speech {

namespace {

using namespace std::chrono_literals;

// The wait for the answer's head, then for each more of its body (as the other HTTP voices).
constexpr auto kTimeout = 20s;
constexpr auto kIdleTimeout = 10s;

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
  return SpeechFailure{kDeepgramVoiceFailed,
                       describe_failure("Deepgram speak", response, kTimeout)};
}

// No key: nothing to send; the failure has been reported already.
class Refused final : public Synthesis {
 public:
  void cancel() override {}
};

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

void DeepgramVoice::check(const boost::json::object& config) const {
  if (const auto provider = string_at(config, "provider"); provider != "deepgram")
    throw ApiError::bad_request("voice.provider must be deepgram, not " + std::string(provider));
  const auto* voice = config.if_contains("voiceId");
  if (!voice || !voice->is_string() || voice->get_string().empty())
    throw ApiError::bad_request("voice.voiceId must be a Deepgram voice, e.g. asteria");
  if (const auto* model = config.if_contains("model")) {
    const auto* name = model->if_string();
    if (!name || (*name != "aura" && *name != "aura-2"))
      throw ApiError::bad_request("voice.model must be one of aura, aura-2");
  }
}

std::unique_ptr<Synthesis> DeepgramVoice::synthesize(const boost::json::object& config,
                                                     const SpeechContext& context, std::string text,
                                                     VoiceEvents events) {
  const auto* provider = find_remote_provider("deepgram");
  const auto key = deps_.settings.api_key(*provider, context);
  if (key.empty()) {
    if (events.on_failure)
      events.on_failure(SpeechFailure{
          kDeepgramVoiceFailed,
          "no Deepgram API key: add a deepgram credential to the org (or set DEEPGRAM_API_KEY on "
          "the server)"});
    return std::make_unique<Refused>();
  }
  net::OutboundRequest request;
  request.url = deepgram_speak_url(deps_.settings.base_url(*provider, context), config);
  request.headers.emplace_back("Authorization", "Token " + key);
  request.headers.emplace_back("Content-Type", "application/json");
  request.body = boost::json::serialize(boost::json::object{{"text", std::move(text)}});
  request.timeout = kTimeout;
  request.stream_idle_timeout = kIdleTimeout;
  return stream_pcm(send_with(deps_.http), std::move(request), kPipelineRate,
                    deepgram_voice_failure, std::move(events));
}

}  // namespace sb::speech
