#include "runtime/speech/cartesia_voice.hpp"

#include <initializer_list>
#include <utility>

#include "core/json_fields.hpp"

namespace sb::speech {

namespace {

constexpr const char* kFailed = "pipeline-error-cartesia-voice-failed";
constexpr const char* kDefaultModel = "sonic-3.5";

const char* reason_of(const net::OutboundResponse& response) {
  if (!response.error.empty()) return kFailed;  // no answer, or a stream cut short
  switch (response.status) {
    case 402:
      return "pipeline-error-cartesia-requested-payment";
    case 500:
      return "pipeline-error-cartesia-500-server-error";
    case 502:
      return "pipeline-error-cartesia-502-server-error";
    case 503:
      return "pipeline-error-cartesia-503-server-error";
    case 522:
      return "pipeline-error-cartesia-522-server-error";
    default:
      return kFailed;
  }
}

/// Copies the fields `names` of `from` that are present to `out`, under the same names.
void copy_present(const boost::json::object& from, std::initializer_list<std::string_view> names,
                  boost::json::object& out) {
  for (const auto name : names)
    if (const auto* value = from.if_contains(name)) out[name] = *value;
}

net::OutboundRequest cartesia_request(const boost::json::object& config, std::string_view text,
                                      const VoiceAccess& access) {
  boost::json::object body;
  const auto model = string_at(config, "model");
  body["model_id"] = model.empty() ? kDefaultModel : model;
  body["transcript"] = text;
  boost::json::object voice{{"mode", "id"}, {"id", string_at(config, "voiceId")}};
  // The older controls are what sonic-2 and before read; sonic-3 and later take
  // generation_config instead, and the current API version has no place for them.
  const auto* controls = object_at(config, "experimentalControls");
  if (controls && !body.at("model_id").as_string().starts_with("sonic-3")) {
    boost::json::object experimental;
    copy_present(*controls, {"speed"}, experimental);
    // Vapi types emotion as one string; Cartesia takes a list of them.
    if (const auto* emotion = controls->if_contains("emotion")) {
      experimental["emotion"] =
          emotion->is_array() ? *emotion : boost::json::value(boost::json::array{*emotion});
    }
    if (!experimental.empty()) voice["__experimental_controls"] = std::move(experimental);
  }
  body["voice"] = std::move(voice);
  if (const auto language = string_at(config, "language"); !language.empty())
    body["language"] = language;
  body["output_format"] = {
      {"container", "raw"}, {"encoding", "pcm_s16le"}, {"sample_rate", kPipelineRate}};
  if (const auto* generation = object_at(config, "generationConfig")) {
    boost::json::object out;
    copy_present(*generation, {"speed", "volume"}, out);
    if (!out.empty()) body["generation_config"] = std::move(out);
  }
  if (const auto dictionary = string_at(config, "pronunciationDictId"); !dictionary.empty())
    body["pronunciation_dict_id"] = dictionary;
  return json_post(
      access.base_url + "/tts/bytes",
      {{"X-API-Key", access.api_key}, {"Cartesia-Version", std::string(kCartesiaVersion)}}, body);
}

SpeechFailure cartesia_failure(const net::OutboundResponse& response) {
  return voice_failure(reason_of(response), "the Cartesia API", response);
}

}  // namespace

const HttpVoiceSpec kCartesiaVoice{"cartesia", kPipelineRate, cartesia_request, cartesia_failure,
                                   nullptr};

}  // namespace sb::speech
