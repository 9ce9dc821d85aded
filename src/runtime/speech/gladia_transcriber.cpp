#include "runtime/speech/gladia_transcriber.hpp"

#include <utility>

#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>

#include "core/api_error.hpp"
#include "core/json_fields.hpp"
#include "net/http_client.hpp"
#include "net/websocket.hpp"
#include "runtime/speech/websocket_transcriber_stream.hpp"

namespace sb::speech {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

constexpr auto kInitTimeout = 10s;
constexpr double kDefaultConfidenceThreshold = 0.4;  // Vapi's documented default
constexpr std::string_view kModel = "solaria-1";

SpeechFailure failure(std::string message) {
  return {kGladiaTranscriberFailed, std::move(message)};
}

bool one_of(std::string_view value, std::initializer_list<std::string_view> allowed) {
  for (auto a : allowed)
    if (value == a) return true;
  return false;
}

json::array languages_of(const json::object& config) {
  json::array out;
  if (const auto* list = array_at(config, "languages"))
    for (const auto& l : *list)
      if (l.is_string()) out.push_back(l);
  if (out.empty())
    if (auto language = string_at(config, "language"); !language.empty())
      out.emplace_back(language);
  return out;
}

// Vapi's vocabulary items (strings, or {value, pronunciations, intensity, language}) have
// Gladia's own names; defaultIntensity becomes default_intensity.
json::object vocabulary_of(const json::object& config) {
  json::object out;
  if (const auto* vocabulary_config = object_at(config, "customVocabularyConfig")) {
    if (const auto* items = vocabulary_config->if_contains("vocabulary"))
      out["vocabulary"] = *items;
    if (const auto* intensity = vocabulary_config->if_contains("defaultIntensity"))
      out["default_intensity"] = *intensity;
  }
  return out;
}

std::string closed_message(std::uint16_t code, std::string_view reason) {
  return "Gladia closed the connection (" + std::to_string(code) +
         (reason.empty() ? "" : " " + std::string(reason)) + ")";
}

// Gladia's side of the shared WebSocket stream.
class GladiaProtocol final : public TranscriberProtocol {
 public:
  explicit GladiaProtocol(double confidence_threshold) : threshold_(confidence_threshold) {}

  ProtocolReply on_text(std::string_view text) override {
    ProtocolReply reply;
    const auto message = parse_gladia_message(text);
    if (message.kind == GladiaMessage::Kind::kError)
      reply.failure =
          failure("Gladia reported an error" + (message.error.empty() ? "" : ": " + message.error));
    else if (auto transcript = gladia_transcript(message, threshold_))
      reply.transcripts.push_back(std::move(*transcript));
    return reply;
  }
  std::optional<std::string> closing_message() override { return R"({"type":"stop_recording"})"; }
  SpeechFailure connect_failure(std::string_view error) override {
    return failure("could not connect to Gladia's session: " + std::string(error));
  }
  SpeechFailure close_failure(std::uint16_t code, std::string_view reason) override {
    return failure(closed_message(code, reason));
  }

 private:
  double threshold_;
};

}  // namespace

std::string gladia_init_url(std::string_view base_url, const json::object& config) {
  std::string url = std::string(base_url) + "/v2/live";
  if (auto region = string_at(config, "region"); !region.empty()) {
    std::string query;
    append_query(query, "region", region);
    url += "?" + query;
  }
  return url;
}

json::object gladia_init_body(const json::object& config) {
  json::object body{{"encoding", "wav/pcm"},
                    {"bit_depth", 16},
                    {"sample_rate", kPipelineRate},
                    {"channels", 1},
                    {"model", kModel}};
  if (const auto* endpointing = config.if_contains("endpointing"))
    body["endpointing"] = *endpointing;
  body["language_config"] = json::object{
      {"languages", languages_of(config)},
      {"code_switching", string_at(config, "languageBehaviour") == "automatic multiple languages"}};
  json::object pre;
  if (const auto* v = config.if_contains("audioEnhancer")) pre["audio_enhancer"] = *v;
  if (const auto* v = config.if_contains("speechThreshold")) pre["speech_threshold"] = *v;
  if (!pre.empty()) body["pre_processing"] = std::move(pre);
  if (bool_at(config, "customVocabularyEnabled"))
    body["realtime_processing"] = json::object{{"custom_vocabulary", true},
                                               {"custom_vocabulary_config", vocabulary_of(config)}};
  body["messages_config"] = json::object{
      {"receive_partial_transcripts", bool_at(config, "receivePartialTranscripts", true)},
      {"receive_final_transcripts", true}};
  return body;
}

std::optional<std::string> gladia_session_url(std::string_view body) {
  const auto answer = json_message(body);
  const auto url = string_at(answer, "url");
  if (!url.starts_with("ws://") && !url.starts_with("wss://")) return std::nullopt;
  return std::string(url);
}

GladiaMessage parse_gladia_message(std::string_view text) {
  GladiaMessage out;
  const auto message = json_message(text);
  const auto type = string_at(message, "type");
  const auto* data = object_at(message, "data");
  if (type == "transcript" && data) {
    out.kind = GladiaMessage::Kind::kTranscript;
    out.is_final = bool_at(*data, "is_final");
    if (const auto* utterance = object_at(*data, "utterance")) {
      out.text = std::string(string_at(*utterance, "text"));
      out.confidence = number_at(*utterance, "confidence", 1.0);
    }
  } else if (type == "error") {
    out.kind = GladiaMessage::Kind::kError;
    for (const auto* where : {data, &message})
      if (where)
        for (const auto* key : {"message", "error"})
          if (auto what = string_at(*where, key); !what.empty() && out.error.empty())
            out.error = std::string(what);
  }
  return out;
}

std::optional<Transcript> gladia_transcript(const GladiaMessage& message,
                                            double confidence_threshold) {
  if (message.kind != GladiaMessage::Kind::kTranscript) return std::nullopt;
  // Gladia pads utterances with a leading space.
  const auto first = message.text.find_first_not_of(' ');
  if (first == std::string::npos) return std::nullopt;
  std::string text = message.text.substr(first);
  if (!message.is_final) return Transcript{std::move(text), false, false};
  if (message.confidence < confidence_threshold) return std::nullopt;
  return Transcript{std::move(text), true, true};
}

void GladiaTranscriber::check(const json::object& config) const {
  const auto bad = [](std::string_view field, std::string_view what) {
    return ApiError::bad_request("transcriber." + std::string(field) + " " + std::string(what));
  };
  if (const auto provider = string_at(config, "provider"); provider != "gladia")
    throw bad("provider", "must be gladia, not " + std::string(provider));
  if (const auto* v = config.if_contains("model");
      v && !(v->is_string() && one_of(v->get_string(), {"fast", "accurate", "solaria-1"})))
    throw bad("model", "must be solaria-1 (or Vapi's legacy fast / accurate)");
  const auto* behaviour = config.if_contains("languageBehaviour");
  if (behaviour && !(behaviour->is_string() &&
                     one_of(behaviour->get_string(), {"manual", "automatic single language",
                                                      "automatic multiple languages"})))
    throw bad("languageBehaviour",
              "must be manual, automatic single language or automatic multiple languages");
  if (string_at(config, "languageBehaviour") == "manual" && languages_of(config).empty())
    throw bad("language", "(or languages) is required when languageBehaviour is manual");
  if (const auto* v = config.if_contains("region");
      v && !(v->is_string() && one_of(v->get_string(), {"us-west", "eu-west"})))
    throw bad("region", "must be us-west or eu-west");
  if (const auto* v = config.if_contains("endpointing"))
    if (!v->is_number() || v->to_number<double>() < 0.01 || v->to_number<double>() > 10)
      throw bad("endpointing", "must be a number of seconds from 0.01 to 10");
  for (const auto* name : {"speechThreshold", "confidenceThreshold"})
    if (const auto* v = config.if_contains(name))
      if (!v->is_number() || v->to_number<double>() < 0 || v->to_number<double>() > 1)
        throw bad(name, "must be a number from 0 to 1");
  if (bool_at(config, "customVocabularyEnabled") && !vocabulary_of(config).contains("vocabulary"))
    throw bad("customVocabularyConfig.vocabulary", "is required when customVocabularyEnabled");
}

std::unique_ptr<TranscriberProtocol> GladiaTranscriber::protocol(const json::object& config) const {
  return std::make_unique<GladiaProtocol>(
      number_at(config, "confidenceThreshold", kDefaultConfidenceThreshold));
}

void GladiaTranscriber::dial(const std::shared_ptr<WebSocketTranscription>& stream,
                             const json::object& config, std::string_view base_url,
                             const std::string& key) const {
  net::OutboundRequest init;
  init.url = gladia_init_url(base_url, config);
  init.headers.emplace_back("x-gladia-key", key);
  init.headers.emplace_back("content-type", "application/json");
  init.body = json::serialize(gladia_init_body(config));
  init.timeout = kInitTimeout;
  auto& websockets = deps().websockets;
  stream->cancel_with(deps().http.send(std::move(init), [stream, &websockets](
                                                            net::OutboundResponse response) {
    if (!response.ok()) {
      const auto what = response.error.empty() ? "HTTP " + std::to_string(response.status) + " " +
                                                     response.body.substr(0, 300)
                                               : response.error;
      return stream->fail(failure("Gladia refused to open a session: " + what));
    }
    auto url = gladia_session_url(response.body);
    if (!url) return stream->fail(failure("Gladia's session answer has no WebSocket url"));
    stream->connect(websockets, upgrade_request(std::move(*url)));  // the URL's token is the auth
  }));
}

SpeechFailure GladiaTranscriber::key_missing() const {
  return failure(
      "no Gladia API key: add a gladia credential to the org (or set GLADIA_API_KEY on the "
      "server)");
}

}  // namespace sb::speech
