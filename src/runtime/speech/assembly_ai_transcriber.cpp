#include "runtime/speech/assembly_ai_transcriber.hpp"

#include <utility>

#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>

#include "core/api_error.hpp"
#include "core/json_fields.hpp"
#include "net/websocket.hpp"
#include "runtime/speech/websocket_transcriber_stream.hpp"

namespace sb::speech {
namespace {

namespace json = boost::json;

// 100 ms of mono 16 kHz PCM per message: AssemblyAI refuses messages under 50 ms.
constexpr std::size_t kMessageBytes = kPipelineRate / 10 * 2;
// Vapi's documented defaults for the fields it maps.
constexpr double kDefaultConfidenceThreshold = 0.4;
constexpr double kDefaultEndOfTurnConfidence = 0.7;
constexpr double kDefaultMinSilenceWhenConfident = 160;
constexpr double kDefaultMaxTurnSilence = 400;

std::string speech_model_of(const json::object& config) {
  if (auto model = string_at(config, "speechModel"); !model.empty()) return std::string(model);
  return string_at(config, "language") == "multi" ? "universal-streaming-multilingual"
                                                  : "universal-streaming-english";
}

std::string failure_message(std::string_view what, std::uint16_t code, std::string_view reason) {
  return std::string(what) + " (" + std::to_string(code) +
         (reason.empty() ? "" : " " + std::string(reason)) + ")";
}

// AssemblyAI's side of the shared WebSocket stream.
class AssemblyAiProtocol final : public TranscriberProtocol {
 public:
  explicit AssemblyAiProtocol(AssemblyAiTurns turns) : turns_(turns) {}

  std::size_t min_message_bytes() const override { return kMessageBytes; }
  // An Error message comes just before AssemblyAI closes the socket, whose code says which
  // failure it is: it is kept for the close's message.
  ProtocolReply on_text(std::string_view text) override {
    ProtocolReply reply;
    const auto message = parse_assembly_ai_message(text);
    if (message.kind == AssemblyAiMessage::Kind::kError)
      error_ = message.error.empty() ? "an error" : message.error;
    else if (auto transcript = turns_.on(message))
      reply.transcripts.push_back(std::move(*transcript));
    return reply;
  }
  std::optional<std::string> closing_message() override { return R"({"type":"Terminate"})"; }
  SpeechFailure connect_failure(std::string_view error) override {
    return {assembly_ai_connect_failure_reason(error),
            "could not connect to AssemblyAI: " + std::string(error)};
  }
  SpeechFailure close_failure(std::uint16_t code, std::string_view reason) override {
    return {assembly_ai_close_reason(code),
            failure_message("AssemblyAI closed the connection", code, reason) +
                (error_.empty() ? "" : " after reporting: " + error_)};
  }

 private:
  AssemblyAiTurns turns_;
  std::string error_;  // the last Error message's text
};

}  // namespace

std::string assembly_ai_stream_url(std::string_view base_url, const json::object& config) {
  std::string query;
  append_query(query, "sample_rate", std::to_string(kPipelineRate));
  append_query(query, "encoding", "pcm_s16le");
  append_query(query, "speech_model", speech_model_of(config));
  append_query(query, "format_turns", bool_at(config, "formatTurns", true) ? "true" : "false");
  append_query(
      query, "end_of_turn_confidence_threshold",
      number_text(number_at(config, "endOfTurnConfidenceThreshold", kDefaultEndOfTurnConfidence)));
  append_query(query, "min_end_of_turn_silence_when_confident",
               number_text(number_at(config, "minEndOfTurnSilenceWhenConfident",
                                     kDefaultMinSilenceWhenConfident)));
  append_query(query, "max_turn_silence",
               number_text(number_at(config, "maxTurnSilence", kDefaultMaxTurnSilence)));
  // AssemblyAI's SDKs send the keyterms as one parameter holding a JSON array.
  if (const auto* terms = array_at(config, "keytermsPrompt"); terms && !terms->empty())
    append_query(query, "keyterms_prompt", json::serialize(*terms));
  if (auto prompt = string_at(config, "prompt"); !prompt.empty())
    append_query(query, "prompt", prompt);
  std::string url(string_at(config, "realtimeUrl"));
  if (url.empty()) url = websocket_url_of(base_url) + "/v3/ws";
  return url + (url.find('?') == std::string::npos ? "?" : "&") + query;
}

AssemblyAiMessage parse_assembly_ai_message(std::string_view text) {
  AssemblyAiMessage out;
  const auto message = json_message(text);
  const auto type = string_at(message, "type");
  if (type == "Error") {
    out.kind = AssemblyAiMessage::Kind::kError;
    out.error = std::string(string_at(message, "error"));
  } else if (type == "Turn") {
    out.kind = AssemblyAiMessage::Kind::kTurn;
    out.transcript = std::string(string_at(message, "transcript"));
    out.end_of_turn = bool_at(message, "end_of_turn");
    out.formatted = bool_at(message, "turn_is_formatted");
    double sum = 0;
    std::size_t n = 0;
    if (const auto* words = array_at(message, "words"))
      for (const auto& word : *words)
        if (word.is_object()) {
          sum += number_at(word.get_object(), "confidence", 1.0);
          ++n;
        }
    out.confidence = n ? sum / static_cast<double>(n) : 1.0;
  }
  return out;
}

std::optional<Transcript> AssemblyAiTurns::on(const AssemblyAiMessage& message) const {
  if (message.kind != AssemblyAiMessage::Kind::kTurn || message.transcript.empty())
    return std::nullopt;
  const bool final = message.end_of_turn && (message.formatted || !format_turns_);
  if (!final) {
    if (!partials_) return std::nullopt;
    return Transcript{message.transcript, false, false};
  }
  if (message.confidence < threshold_) return std::nullopt;
  return Transcript{message.transcript, true, true};
}

std::string assembly_ai_connect_failure_reason(std::string_view connect_error) {
  if (connect_error == "handshake: 401" || connect_error == "handshake: 403")
    return "pipeline-error-assembly-ai-returning-401-invalid-credentials";
  return kAssemblyAiTranscriberFailed;  // 429 and the rest have no endedReason of their own
}

std::string assembly_ai_close_reason(std::uint16_t code) {
  switch (code) {
    case 1008:  // policy violation: what v3 closes an unauthorised session with
    case 4001:
      return "pipeline-error-assembly-ai-returning-401-invalid-credentials";
    case 4002:
      return "pipeline-error-assembly-ai-returning-400-insufficent-funds";
    case 4003:
      return "pipeline-error-assembly-ai-returning-400-paid-only-feature";
    case 4101:
      return "pipeline-error-assembly-ai-returning-500-invalid-schema";
    case 4104:
      return "pipeline-error-assembly-ai-returning-500-word-boost-parsing-failed";
    default:
      return kAssemblyAiTranscriberFailed;
  }
}

void AssemblyAiTranscriber::check(const json::object& config) const {
  const auto field = [](std::string_view name) { return "transcriber." + std::string(name); };
  if (const auto provider = string_at(config, "provider"); provider != "assembly-ai")
    throw ApiError::bad_request("transcriber.provider must be assembly-ai, not " +
                                std::string(provider));
  for (const auto* name : {"speechModel", "language", "prompt", "realtimeUrl"})
    if (const auto* v = config.if_contains(name); v && !v->is_string())
      throw ApiError::bad_request(field(name) + " must be a string");
  for (const auto* name : {"confidenceThreshold", "endOfTurnConfidenceThreshold"})
    if (const auto* v = config.if_contains(name))
      if (!v->is_number() || v->to_number<double>() < 0 || v->to_number<double>() > 1)
        throw ApiError::bad_request(field(name) + " must be a number from 0 to 1");
  for (const auto* name : {"minEndOfTurnSilenceWhenConfident", "maxTurnSilence"})
    if (const auto* v = config.if_contains(name);
        v && (!v->is_number() || v->to_number<double>() < 0))
      throw ApiError::bad_request(field(name) + " must be a number of milliseconds >= 0");
  if (string_at(config, "language") == "multi" &&
      string_at(config, "speechModel") == "universal-streaming-english")
    throw ApiError::bad_request(
        "transcriber.language multi needs a multilingual speechModel, not "
        "universal-streaming-english");
  if (const auto url = string_at(config, "realtimeUrl");
      !url.empty() && !url.starts_with("ws://") && !url.starts_with("wss://"))
    throw ApiError::bad_request("transcriber.realtimeUrl must be a ws:// or wss:// URL");
}

std::unique_ptr<TranscriberProtocol> AssemblyAiTranscriber::protocol(
    const json::object& config) const {
  return std::make_unique<AssemblyAiProtocol>(AssemblyAiTurns(
      bool_at(config, "formatTurns", true), !bool_at(config, "disablePartialTranscripts"),
      number_at(config, "confidenceThreshold", kDefaultConfidenceThreshold)));
}

net::WebSocketConnectRequest AssemblyAiTranscriber::request(const json::object& config,
                                                            std::string_view base_url,
                                                            const std::string& key) const {
  // The bare key, as AssemblyAI documents it.
  return upgrade_request(assembly_ai_stream_url(base_url, config), "Authorization", key);
}

SpeechFailure AssemblyAiTranscriber::key_missing() const {
  return {kAssemblyAiTranscriberFailed,
          "no AssemblyAI API key: add an assembly-ai credential to the org (or set "
          "ASSEMBLYAI_API_KEY on the server)"};
}

}  // namespace sb::speech
