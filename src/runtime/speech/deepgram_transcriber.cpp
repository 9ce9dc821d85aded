#include "runtime/speech/deepgram_transcriber.hpp"

#include <algorithm>
#include <cmath>
#include <optional>
#include <utility>

#include "core/api_error.hpp"
#include "core/json_fields.hpp"
#include "net/websocket.hpp"
#include "runtime/speech/websocket_transcriber_stream.hpp"

namespace sb::speech {
namespace {

namespace json = boost::json;
namespace asio = boost::asio;
using namespace std::chrono_literals;

// Deepgram closes a stream that gets no data for 10 s (NET-0001); its docs advise a KeepAlive
// every 3-5 s while no audio is sent.
constexpr auto kKeepAliveEvery = 4s;
// Vapi's documented default for confidenceThreshold.
constexpr double kDefaultConfidenceThreshold = 0.4;

bool is_nova3(std::string_view model) {
  return model.starts_with("nova-3");
}

std::string model_of(const json::object& config) {
  auto model = string_at(config, "model");
  return std::string(model.empty() ? kDeepgramDefaultModel : model);
}

void add_strings(std::string& query, const json::object& config, std::string_view field,
                 std::string_view name) {
  if (const auto* items = array_at(config, field))
    for (const auto& item : *items)
      if (item.is_string() && !item.get_string().empty())
        append_query(query, name, item.get_string());
}

}  // namespace

std::string deepgram_listen_url(std::string_view base_url, const json::object& config) {
  const std::string model = model_of(config);
  std::string query;
  append_query(query, "model", model);
  if (auto language = string_at(config, "language"); !language.empty())
    append_query(query, "language", language);
  append_query(query, "encoding", "linear16");
  append_query(query, "sample_rate", std::to_string(kPipelineRate));
  append_query(query, "channels", "1");
  append_query(query, "interim_results", "true");
  const auto endpointing = std::lround(
      std::clamp(number_at(config, "endpointing", kDeepgramDefaultEndpointing), 10.0, 500.0));
  append_query(query, "endpointing", std::to_string(endpointing));
  append_query(query, "utterance_end_ms", std::to_string(kDeepgramUtteranceEndMs));
  append_query(query, "punctuate", "true");
  if (bool_at(config, "smartFormat")) append_query(query, "smart_format", "true");
  if (bool_at(config, "numerals")) append_query(query, "numerals", "true");
  if (bool_at(config, "profanityFilter")) append_query(query, "profanity_filter", "true");
  if (bool_at(config, "mipOptOut")) append_query(query, "mip_opt_out", "true");
  add_strings(query, config, "redaction", "redact");
  if (is_nova3(model))
    add_strings(query, config, "keyterm", "keyterm");
  else
    add_strings(query, config, "keywords", "keywords");
  return websocket_url_of(base_url) + "/v1/listen?" + query;
}

DeepgramMessage parse_deepgram_message(std::string_view text) {
  DeepgramMessage out;
  const auto message = json_message(text);
  const auto type = string_at(message, "type");
  if (type == "UtteranceEnd") {
    out.kind = DeepgramMessage::Kind::kUtteranceEnd;
  } else if (type == "Error" || type == "error") {
    out.kind = DeepgramMessage::Kind::kError;
    for (const auto* key : {"description", "message", "reason", "error"})
      if (auto what = string_at(message, key); !what.empty()) {
        out.error = std::string(what);
        break;
      }
  } else if (type == "Results") {
    out.kind = DeepgramMessage::Kind::kTranscript;
    out.transcript.is_final = bool_at(message, "is_final");
    out.transcript.end_of_turn = bool_at(message, "speech_final");
    const auto* channel = object_at(message, "channel");
    const auto* alternatives = channel ? array_at(*channel, "alternatives") : nullptr;
    if (alternatives && !alternatives->empty() && alternatives->front().is_object()) {
      const auto& best = alternatives->front().get_object();
      out.transcript.text = std::string(string_at(best, "transcript"));
      out.confidence = number_at(best, "confidence", 1.0);
    }
  }
  return out;
}

std::optional<Transcript> DeepgramTurns::on(const DeepgramMessage& message) {
  if (message.kind == DeepgramMessage::Kind::kUtteranceEnd) return turn_.end();
  if (message.kind != DeepgramMessage::Kind::kTranscript) return std::nullopt;
  const auto& t = message.transcript;
  const std::string text = message.confidence < threshold_ ? "" : t.text;
  if (!t.is_final) {
    if (text.empty()) return std::nullopt;
    return turn_.partial(text);
  }
  turn_.hold(text);
  return t.end_of_turn ? turn_.end() : std::nullopt;
}

std::string deepgram_connect_failure_reason(std::string_view connect_error) {
  constexpr std::string_view kPrefix = "handshake: ";
  if (!connect_error.starts_with(kPrefix)) return kDeepgramTranscriberFailed;
  const auto status = connect_error.substr(kPrefix.size());
  if (status == "400")
    return "pipeline-error-deepgram-returning-400-no-such-model-language-tier-combination";
  if (status == "401") return "pipeline-error-deepgram-returning-401-invalid-credentials";
  if (status == "403") return "pipeline-error-deepgram-returning-403-model-access-denied";
  if (status == "404") return "pipeline-error-deepgram-returning-404-not-found";
  if (status == "500") return "pipeline-error-deepgram-returning-500-invalid-json";
  if (status == "502") return "pipeline-error-deepgram-returning-502-network-error";
  return kDeepgramTranscriberFailed;  // 429 and the rest have no endedReason of their own
}

std::string deepgram_close_reason(std::uint16_t code, std::string_view reason) {
  if (code == static_cast<std::uint16_t>(net::CloseCode::kInternal) &&
      reason == "connection closed")
    return kDeepgramConnectionReset;
  return kDeepgramTranscriberFailed;
}

namespace {

// Deepgram's side of the shared WebSocket stream: mono audio, CloseStream to finish, KeepAlive
// while idle, Results / UtteranceEnd turned into turns.
class DeepgramProtocol final : public TranscriberProtocol {
 public:
  explicit DeepgramProtocol(double confidence_threshold) : turns_(confidence_threshold) {}

  ProtocolReply on_text(std::string_view text) override {
    ProtocolReply reply;
    auto message = parse_deepgram_message(text);
    if (message.kind == DeepgramMessage::Kind::kError)
      reply.failure = SpeechFailure{
          kDeepgramTranscriberFailed,
          "Deepgram reported an error" + (message.error.empty() ? "" : ": " + message.error)};
    else if (auto transcript = turns_.on(message))
      reply.transcripts.push_back(std::move(*transcript));
    return reply;
  }
  std::optional<std::string> closing_message() override { return R"({"type":"CloseStream"})"; }
  std::optional<std::string> keep_alive_message() override { return R"({"type":"KeepAlive"})"; }
  SpeechFailure connect_failure(std::string_view error) override {
    return {deepgram_connect_failure_reason(error),
            "could not connect to Deepgram: " + std::string(error)};
  }
  SpeechFailure close_failure(std::uint16_t code, std::string_view reason) override {
    return {deepgram_close_reason(code, reason),
            "Deepgram closed the connection (" + std::to_string(code) +
                (reason.empty() ? "" : " " + std::string(reason)) + ")"};
  }

 private:
  DeepgramTurns turns_;  // on the socket's strand
};

}  // namespace

DeepgramTranscriber::DeepgramTranscriber(const RemoteSpeechDeps& deps,
                                         std::optional<asio::any_io_executor> keepalive)
    : RemoteWebSocketTranscriber(deps, "deepgram"), keepalive_(std::move(keepalive)) {}

void DeepgramTranscriber::check(const json::object& config) const {
  if (const auto provider = string_at(config, "provider"); provider != "deepgram")
    throw ApiError::bad_request("transcriber.provider must be deepgram, not " +
                                std::string(provider));
  for (const auto* field : {"model", "language"})
    if (const auto* v = config.if_contains(field); v && !v->is_string())
      throw ApiError::bad_request(std::string("transcriber.") + field + " must be a string");
  if (const auto* v = config.if_contains("endpointing"); v && !v->is_number())
    throw ApiError::bad_request("transcriber.endpointing must be a number");
  const auto model = string_at(config, "model");
  if (model.starts_with("flux"))
    throw ApiError::bad_request("transcriber.model " + std::string(model) +
                                " (Deepgram Flux) is not supported by this server; use a nova "
                                "model");
  if (model.starts_with("whisper"))
    throw ApiError::bad_request("transcriber.model " + std::string(model) +
                                " cannot transcribe a live call: Deepgram does not stream "
                                "Whisper; use a nova model");
}

std::unique_ptr<TranscriberProtocol> DeepgramTranscriber::protocol(
    const json::object& config) const {
  return std::make_unique<DeepgramProtocol>(
      number_at(config, "confidenceThreshold", kDefaultConfidenceThreshold));
}

net::WebSocketConnectRequest DeepgramTranscriber::request(const json::object& config,
                                                          std::string_view base_url,
                                                          const std::string& key) const {
  return upgrade_request(deepgram_listen_url(base_url, config), "Authorization", "Token " + key);
}

SpeechFailure DeepgramTranscriber::key_missing() const {
  return {kDeepgramKeyMissing,
          "no Deepgram API key: add a deepgram credential to the org (or set DEEPGRAM_API_KEY "
          "on the server)"};
}

void DeepgramTranscriber::dialling(WebSocketTranscription& stream) const {
  if (keepalive_) stream.keep_alive_on(*keepalive_, kKeepAliveEvery);
}

}  // namespace sb::speech
