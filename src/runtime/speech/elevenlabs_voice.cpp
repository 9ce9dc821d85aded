#include "runtime/speech/elevenlabs_voice.hpp"

#include <utility>

#include <boost/json/parse.hpp>

#include "core/codec.hpp"
#include "core/json_fields.hpp"

namespace sb::speech {

namespace {

constexpr const char* kFailed = "pipeline-error-eleven-labs-voice-failed";
constexpr const char* kDefaultModel = "eleven_turbo_v2";  // the ElevenLabsVoice schema's word

/// ElevenLabs' error statuses (detail.status, https://help.elevenlabs.io/hc/en-us/articles/
/// 19572237925521) → the Call schema's endedReason for them.
struct StatusReason {
  std::string_view status;
  const char* ended_reason;
};
constexpr StatusReason kStatusReasons[] = {
    {"invalid_api_key", "pipeline-error-eleven-labs-invalid-api-key"},
    {"quota_exceeded", "pipeline-error-eleven-labs-quota-exceeded"},
    {"voice_not_found", "pipeline-error-eleven-labs-voice-not-found"},
    {"max_character_limit_exceeded", "pipeline-error-eleven-labs-max-character-limit-exceeded"},
    {"too_many_concurrent_requests",
     "pipeline-error-eleven-labs-blocked-concurrent-requests-and-requested-upgrade"},
    {"system_busy", "pipeline-error-eleven-labs-system-busy-and-requested-upgrade"},
    {"voice_not_fine_tuned", "pipeline-error-eleven-labs-voice-not-fine-tuned"},
};

/// detail.status of an ElevenLabs error body, "" when it has none.
std::string detail_status(std::string_view body) {
  boost::system::error_code ec;
  const auto parsed = boost::json::parse(body, ec);
  if (ec || !parsed.is_object()) return "";
  const auto* detail = object_at(parsed.as_object(), "detail");
  return detail ? std::string(string_at(*detail, "status")) : std::string();
}

const char* reason_of(const net::OutboundResponse& response) {
  if (!response.error.empty()) return kFailed;  // no answer, or a stream cut short
  const auto status = detail_status(response.body);
  for (const auto& [name, reason] : kStatusReasons)
    if (name == status) return reason;
  switch (response.status) {
    case 401:
      return "pipeline-error-eleven-labs-unauthorized-access";
    case 404:
      return "pipeline-error-eleven-labs-voice-not-found";
    case 500:
      return "pipeline-error-eleven-labs-500-server-error";
    case 503:
      return "pipeline-error-eleven-labs-503-server-error";
    default:
      return kFailed;
  }
}

/// Copies the number `from` of the config, if it has one, to `to` of `out`.
void copy_number(const boost::json::object& config, std::string_view from, boost::json::object& out,
                 std::string_view to) {
  const auto* value = config.if_contains(from);
  if (value && value->is_number()) out[to] = *value;
}

net::OutboundRequest elevenlabs_request(const boost::json::object& config, std::string_view text,
                                        const VoiceAccess& access) {
  std::string url = access.base_url + "/v1/text-to-speech/" +
                    percent_encode(string_at(config, "voiceId")) +
                    "/stream?output_format=pcm_16000";
  if (const auto* latency = config.if_contains("optimizeStreamingLatency");
      latency && latency->is_number()) {
    url +=
        "&optimize_streaming_latency=" + std::to_string(int_at(config, "optimizeStreamingLatency"));
  }
  boost::json::object body;
  body["text"] = text;
  const auto model = string_at(config, "model");
  body["model_id"] = model.empty() ? kDefaultModel : model;
  boost::json::object settings;
  copy_number(config, "stability", settings, "stability");
  copy_number(config, "similarityBoost", settings, "similarity_boost");
  copy_number(config, "style", settings, "style");
  copy_number(config, "speed", settings, "speed");
  if (const auto* boost = config.if_contains("useSpeakerBoost"); boost && boost->is_bool())
    settings["use_speaker_boost"] = *boost;
  if (!settings.empty()) body["voice_settings"] = std::move(settings);
  if (const auto language = string_at(config, "language"); !language.empty())
    body["language_code"] = language;
  if (const auto* locators = array_at(config, "pronunciationDictionaryLocators")) {
    boost::json::array out;
    for (const auto& locator : *locators) {
      if (!locator.is_object()) continue;
      boost::json::object one;
      one["pronunciation_dictionary_id"] =
          string_at(locator.as_object(), "pronunciationDictionaryId");
      if (const auto version = string_at(locator.as_object(), "versionId"); !version.empty())
        one["version_id"] = version;
      out.push_back(std::move(one));
    }
    if (!out.empty()) body["pronunciation_dictionary_locators"] = std::move(out);
  }
  return json_post(std::move(url), {{"xi-api-key", access.api_key}}, body);
}

SpeechFailure elevenlabs_failure(const net::OutboundResponse& response) {
  return voice_failure(reason_of(response), "the ElevenLabs API", response);
}

}  // namespace

const HttpVoiceSpec kElevenLabsVoice{"11labs", kPipelineRate, elevenlabs_request,
                                     elevenlabs_failure, nullptr};

}  // namespace sb::speech
