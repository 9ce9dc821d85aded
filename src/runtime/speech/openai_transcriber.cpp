#include "runtime/speech/openai_transcriber.hpp"

#include <utility>
#include <vector>

#include <boost/json/serialize.hpp>

#include "core/api_error.hpp"
#include "core/codec.hpp"
#include "core/json_fields.hpp"
#include "media/pcm16.hpp"
#include "media/resampler.hpp"
#include "net/websocket.hpp"

namespace sb::speech {
namespace {

namespace json = boost::json;

SpeechFailure failure(std::string message) {
  return {kOpenAiTranscriberFailed, std::move(message)};
}

// OpenAI's side of the shared WebSocket stream.
class OpenAiProtocol final : public TranscriberProtocol {
 public:
  explicit OpenAiProtocol(json::object session_update)
      : session_update_(std::move(session_update)) {}

  std::vector<std::string> opening_messages() override {
    return {json::serialize(session_update_)};
  }
  bool audio_as_text() const override { return true; }
  std::string audio(std::span<const std::int16_t> customer,
                    std::span<const std::int16_t>) override {
    resampled_.clear();
    resampler_.process(customer, resampled_);
    std::string pcm;
    media::encode_pcm16(resampled_, pcm);
    return R"({"type":"input_audio_buffer.append","audio":")" + base64_encode(pcm) + R"("})";
  }
  // 10 s of the JSON-wrapped 24 kHz audio.
  std::size_t max_pending_bytes() const override { return 10 * kOpenAiRealtimeRate * 2 * 4 / 3; }
  ProtocolReply on_text(std::string_view text) override {
    ProtocolReply reply;
    auto turn = turns_.on(text);
    if (turn.error) reply.failure = failure("OpenAI reported an error: " + *turn.error);
    if (turn.transcript) reply.transcripts.push_back(std::move(*turn.transcript));
    return reply;
  }
  SpeechFailure connect_failure(std::string_view error) override {
    return failure("could not connect to OpenAI's Realtime API: " + std::string(error));
  }
  SpeechFailure close_failure(std::uint16_t code, std::string_view reason) override {
    return failure("OpenAI closed the connection (" + std::to_string(code) +
                   (reason.empty() ? "" : " " + std::string(reason)) + ")");
  }

 private:
  json::object session_update_;
  media::Resampler resampler_{kPipelineRate, kOpenAiRealtimeRate};  // under the send lock
  std::vector<std::int16_t> resampled_;
  OpenAiTurns turns_;  // on the socket's strand
};

}  // namespace

json::object openai_session_update(const json::object& config) {
  const auto model = string_at(config, "model");
  json::object transcription{{"model", model.empty() ? kOpenAiDefaultTranscribeModel : model}};
  if (auto language = string_at(config, "language"); !language.empty())
    transcription["language"] = language;
  json::object input{{"format", json::object{{"type", "audio/pcm"}, {"rate", kOpenAiRealtimeRate}}},
                     {"transcription", std::move(transcription)},
                     {"turn_detection", json::object{{"type", "server_vad"}}}};
  return {{"type", "session.update"},
          {"session", json::object{{"type", "transcription"},
                                   {"audio", json::object{{"input", std::move(input)}}}}}};
}

OpenAiTurns::Reply OpenAiTurns::on(std::string_view text) {
  Reply reply;
  const auto event = json_message(text);
  const auto type = string_at(event, "type");
  const auto item = string_at(event, "item_id");
  if (type == "conversation.item.input_audio_transcription.delta") {
    if (item != item_) heard_.clear();
    item_ = std::string(item);
    heard_ += string_at(event, "delta");
    if (!heard_.empty()) reply.transcript = Transcript{heard_, false, false};
  } else if (type == "conversation.item.input_audio_transcription.completed") {
    std::string said(string_at(event, "transcript"));
    if (item == item_) heard_.clear();
    if (!said.empty()) reply.transcript = Transcript{std::move(said), true, true};
  } else if (type == "error") {
    const auto* error = object_at(event, "error");
    const auto message = error ? string_at(*error, "message") : std::string_view();
    reply.error = message.empty() ? "an error" : std::string(message);
  }
  return reply;
}

void OpenAiTranscriber::check(const json::object& config) const {
  if (const auto provider = string_at(config, "provider"); provider != "openai")
    throw ApiError::bad_request("transcriber.provider must be openai, not " +
                                std::string(provider));
  if (const auto* v = config.if_contains("model");
      v && !(v->is_string() && (v->get_string() == "gpt-4o-transcribe" ||
                                v->get_string() == "gpt-4o-mini-transcribe")))
    throw ApiError::bad_request(
        "transcriber.model must be gpt-4o-transcribe or gpt-4o-mini-transcribe");
  if (const auto* v = config.if_contains("language"); v && !v->is_string())
    throw ApiError::bad_request("transcriber.language must be a string");
}

std::unique_ptr<TranscriberProtocol> OpenAiTranscriber::protocol(const json::object& config) const {
  return std::make_unique<OpenAiProtocol>(openai_session_update(config));
}

net::WebSocketConnectRequest OpenAiTranscriber::request(const json::object&,
                                                        std::string_view base_url,
                                                        const std::string& key) const {
  return upgrade_request(websocket_url_of(base_url) + "/realtime?intent=transcription",
                         "Authorization", "Bearer " + key);
}

SpeechFailure OpenAiTranscriber::key_missing() const {
  return failure(
      "no OpenAI API key: add an openai credential to the org (or set OPENAI_API_KEY on the "
      "server)");
}

}  // namespace sb::speech
