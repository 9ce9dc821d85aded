#include "runtime/speech/speechmatics_transcriber.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>

#include "core/api_error.hpp"
#include "core/json_fields.hpp"
#include "net/websocket.hpp"

namespace sb::speech {
namespace {

namespace json = boost::json;

constexpr std::string_view kEuBase = "https://eu.rt.speechmatics.com";
constexpr std::string_view kUsBase = "https://us.rt.speechmatics.com";
// Vapi's documented defaults.
constexpr double kDefaultMaxDelayMs = 3000;
constexpr double kDefaultEndOfTurnSensitivity = 0.5;

SpeechFailure failure(std::string message) {
  return {kSpeechmaticsTranscriberFailed, std::move(message)};
}

json::array vocabulary_of(const json::object& config) {
  json::array out;
  if (const auto* items = array_at(config, "customVocabulary"))
    for (const auto& item : *items) {
      if (!item.is_object()) continue;
      json::object entry{{"content", string_at(item.get_object(), "content")}};
      if (const auto* sounds = array_at(item.get_object(), "soundsLike"))
        entry["sounds_like"] = *sounds;
      out.push_back(std::move(entry));
    }
  return out;
}

// Speechmatics' side of the shared WebSocket stream.
class SpeechmaticsProtocol final : public TranscriberProtocol {
 public:
  explicit SpeechmaticsProtocol(json::object start) : start_(std::move(start)) {}

  std::vector<std::string> opening_messages() override { return {json::serialize(start_)}; }
  bool waits_for_ready() const override { return true; }
  std::string audio(std::span<const std::int16_t> customer,
                    std::span<const std::int16_t> assistant) override {
    ++sent_;  // each frame is one AddAudio: its seq_no
    return TranscriberProtocol::audio(customer, assistant);
  }
  ProtocolReply on_text(std::string_view text) override {
    ProtocolReply reply;
    const auto message = parse_speechmatics_message(text);
    if (message.kind == SpeechmaticsMessage::Kind::kStarted) reply.ready = true;
    if (message.kind == SpeechmaticsMessage::Kind::kError)
      reply.failure = failure("Speechmatics reported an error: " + message.error);
    else if (auto transcript = turns_.on(message))
      reply.transcripts.push_back(std::move(*transcript));
    return reply;
  }
  std::optional<std::string> closing_message() override {
    return json::serialize(json::object{{"message", "EndOfStream"}, {"last_seq_no", sent_}});
  }
  SpeechFailure connect_failure(std::string_view error) override {
    return failure("could not connect to Speechmatics: " + std::string(error));
  }
  SpeechFailure close_failure(std::uint16_t code, std::string_view reason) override {
    return failure("Speechmatics closed the connection (" + std::to_string(code) +
                   (reason.empty() ? "" : " " + std::string(reason)) + ")");
  }

 private:
  json::object start_;
  std::int64_t sent_ = 0;    // under the stream's send lock
  SpeechmaticsTurns turns_;  // on the socket's strand
};

}  // namespace

std::string speechmatics_url(std::string_view base_url, const json::object& config) {
  std::string base(base_url);
  if (base == kEuBase && string_at(config, "region") == "us") base = kUsBase;
  return websocket_url_of(base) + "/v2";
}

json::object speechmatics_start(const json::object& config) {
  const auto language = string_at(config, "language");
  const auto point = string_at(config, "operatingPoint");
  const double max_delay_s =
      std::clamp(number_at(config, "maxDelay", kDefaultMaxDelayMs) / 1000, 0.7, 4.0);
  const double sensitivity =
      std::clamp(number_at(config, "endOfTurnSensitivity", kDefaultEndOfTurnSensitivity), 0.0, 1.0);
  // 0.2 s at the most sensitive, 1 s at the least, to the millisecond.
  const double trigger_s = std::round(200 + 800 * (1 - sensitivity)) / 1000;
  json::object transcription{
      {"language", language.empty() ? "en" : language},
      {"operating_point", point.empty() ? "enhanced" : point},
      {"enable_partials", true},
      {"max_delay", max_delay_s},
      {"conversation_config", json::object{{"end_of_utterance_silence_trigger", trigger_s}}}};
  if (bool_at(config, "enableDiarization")) transcription["diarization"] = "speaker";
  if (auto vocabulary = vocabulary_of(config); !vocabulary.empty())
    transcription["additional_vocab"] = std::move(vocabulary);
  if (bool_at(config, "removeDisfluencies"))
    transcription["transcript_filtering_config"] = json::object{{"remove_disfluencies", true}};
  return {
      {"message", "StartRecognition"},
      {"audio_format",
       json::object{{"type", "raw"}, {"encoding", "pcm_s16le"}, {"sample_rate", kPipelineRate}}},
      {"transcription_config", std::move(transcription)}};
}

SpeechmaticsMessage parse_speechmatics_message(std::string_view text) {
  using Kind = SpeechmaticsMessage::Kind;
  SpeechmaticsMessage out;
  const auto message = json_message(text);
  const auto type = string_at(message, "message");
  if (type == "RecognitionStarted") {
    out.kind = Kind::kStarted;
  } else if (type == "AddPartialTranscript" || type == "AddTranscript") {
    out.kind = type == "AddTranscript" ? Kind::kFinal : Kind::kPartial;
    if (const auto* metadata = object_at(message, "metadata"))
      out.text = std::string(string_at(*metadata, "transcript"));
    // Speechmatics ends pieces with a space when more may follow.
    while (!out.text.empty() && out.text.back() == ' ') out.text.pop_back();
  } else if (type == "EndOfUtterance") {
    out.kind = Kind::kEndOfUtterance;
  } else if (type == "Error") {
    out.kind = Kind::kError;
    out.error = std::string(string_at(message, "type"));
    if (auto reason = string_at(message, "reason"); !reason.empty())
      out.error += (out.error.empty() ? "" : ": ") + std::string(reason);
  }
  return out;
}

std::optional<Transcript> SpeechmaticsTurns::on(const SpeechmaticsMessage& message) {
  switch (message.kind) {
    case SpeechmaticsMessage::Kind::kPartial:
      if (message.text.empty()) return std::nullopt;
      return turn_.partial(message.text);
    case SpeechmaticsMessage::Kind::kFinal:
      turn_.hold(message.text);
      return std::nullopt;
    case SpeechmaticsMessage::Kind::kEndOfUtterance:
      return turn_.end();
    default:
      return std::nullopt;
  }
}

void SpeechmaticsTranscriber::check(const json::object& config) const {
  const auto bad = [](std::string_view field, std::string_view what) {
    return ApiError::bad_request("transcriber." + std::string(field) + " " + std::string(what));
  };
  const auto one_of = [&](std::string_view field, std::initializer_list<std::string_view> allowed,
                          std::string_view what) {
    const auto* v = config.if_contains(field);
    if (!v) return;
    if (v->is_string())
      for (auto a : allowed)
        if (v->get_string() == a) return;
    throw bad(field, what);
  };
  if (const auto provider = string_at(config, "provider"); provider != "speechmatics")
    throw bad("provider", "must be speechmatics, not " + std::string(provider));
  one_of("model", {"default"}, "must be default");
  one_of("operatingPoint", {"standard", "enhanced"}, "must be standard or enhanced");
  one_of("region", {"eu", "us"}, "must be eu or us");
  if (const auto* v = config.if_contains("language"); v && !v->is_string())
    throw bad("language", "must be a string");
  if (const auto* v = config.if_contains("maxDelay"))
    if (!v->is_number() || v->to_number<double>() < 500 || v->to_number<double>() > 10000)
      throw bad("maxDelay", "must be a number of milliseconds from 500 to 10000");
  if (const auto* v = config.if_contains("endOfTurnSensitivity"))
    if (!v->is_number() || v->to_number<double>() < 0 || v->to_number<double>() > 1)
      throw bad("endOfTurnSensitivity", "must be a number from 0 to 1");
  if (const auto* items = config.if_contains("customVocabulary")) {
    if (!items->is_array()) throw bad("customVocabulary", "must be an array");
    for (const auto& item : items->get_array())
      if (!item.is_object() || string_at(item.get_object(), "content").empty())
        throw bad("customVocabulary", "items need a content");
  }
}

std::unique_ptr<TranscriberProtocol> SpeechmaticsTranscriber::protocol(
    const json::object& config) const {
  return std::make_unique<SpeechmaticsProtocol>(speechmatics_start(config));
}

net::WebSocketConnectRequest SpeechmaticsTranscriber::request(const json::object& config,
                                                              std::string_view base_url,
                                                              const std::string& key) const {
  return upgrade_request(speechmatics_url(base_url, config), "Authorization", "Bearer " + key);
}

SpeechFailure SpeechmaticsTranscriber::key_missing() const {
  return failure(
      "no Speechmatics API key: add a speechmatics credential to the org (or set "
      "SPEECHMATICS_API_KEY on the server)");
}

}  // namespace sb::speech
