#include "runtime/speech/cartesia_transcriber.hpp"

#include <utility>

#include "core/api_error.hpp"
#include "core/json_fields.hpp"
#include "net/websocket.hpp"
#include "runtime/speech/cartesia_voice.hpp"

namespace sb::speech {
namespace {

namespace json = boost::json;

constexpr std::string_view kWhisper = "ink-whisper";
constexpr std::string_view kTurnsModel = "ink-2";  // served by the turn-detecting endpoint

bool detects_turns(const json::object& config) {
  return string_at(config, "model") == kTurnsModel;
}

std::string trimmed(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  return std::string(text);
}

// Cartesia's side of the shared WebSocket stream (binary PCM, the default framing).
class CartesiaProtocol final : public MessageProtocol {
 public:
  explicit CartesiaProtocol(bool turns)
      : MessageProtocol(kCartesiaTranscriberFailed, "Cartesia"), turns_(turns) {}

  std::optional<std::string> closing_message() override {
    return turns_ ? R"({"type":"close"})" : "close";
  }

 private:
  HeardMessage heard(std::string_view text) override { return parse_cartesia_message(text); }

  bool turns_;
};

}  // namespace

std::string cartesia_stream_url(std::string_view base_url, const json::object& config) {
  const bool turns = detects_turns(config);
  std::string query;
  append_query(query, "model", turns ? kTurnsModel : kWhisper);
  if (auto language = string_at(config, "language"); !language.empty() && !turns)
    append_query(query, "language", language);
  append_query(query, "encoding", "pcm_s16le");
  append_query(query, "sample_rate", std::to_string(kPipelineRate));
  return websocket_url_of(base_url) + (turns ? "/stt/turns/websocket?" : "/stt/websocket?") + query;
}

HeardMessage parse_cartesia_message(std::string_view text) {
  HeardMessage reply;
  const auto message = json_message(text);
  const auto type = string_at(message, "type");
  if (type == "transcript") {
    // Text is a delta since the last final, spaced as Cartesia spaces it.
    auto said = trimmed(string_at(message, "text"));
    const bool final = bool_at(message, "is_final");
    if (!said.empty()) reply.transcript = Transcript{std::move(said), final, final};
  } else if (type == "turn.update" || type == "turn.end") {
    auto said = trimmed(string_at(message, "transcript"));
    const bool final = type == "turn.end";
    if (!said.empty()) reply.transcript = Transcript{std::move(said), final, final};
  } else if (type == "error") {
    auto error = string_at(message, "message");
    if (error.empty()) error = string_at(message, "error");
    reply.error = error.empty() ? "an error" : std::string(error);
  }
  return reply;
}

void CartesiaTranscriber::check(const json::object& config) const {
  if (const auto provider = string_at(config, "provider"); provider != "cartesia")
    throw ApiError::bad_request("transcriber.provider must be cartesia, not " +
                                std::string(provider));
  if (const auto* v = config.if_contains("model");
      v && !(v->is_string() && (v->get_string() == kWhisper || v->get_string() == kTurnsModel)))
    throw ApiError::bad_request("transcriber.model must be ink-whisper or ink-2");
  const auto* language = config.if_contains("language");
  if (language && !language->is_string())
    throw ApiError::bad_request("transcriber.language must be a string");
  if (language && detects_turns(config) && language->get_string() != "en")
    throw ApiError::bad_request("transcriber.language must be en with ink-2 (English only)");
}

std::unique_ptr<TranscriberProtocol> CartesiaTranscriber::protocol(
    const json::object& config) const {
  return std::make_unique<CartesiaProtocol>(detects_turns(config));
}

net::WebSocketConnectRequest CartesiaTranscriber::request(const json::object& config,
                                                          std::string_view base_url,
                                                          const std::string& key) const {
  auto request = upgrade_request(cartesia_stream_url(base_url, config), "X-API-Key", key);
  request.headers.emplace_back("Cartesia-Version", std::string(kCartesiaVersion));
  return request;
}

SpeechFailure CartesiaTranscriber::key_missing() const {
  return {kCartesiaTranscriberFailed,
          "no Cartesia API key: add a cartesia credential to the org (or set CARTESIA_API_KEY on "
          "the server)"};
}

}  // namespace sb::speech
