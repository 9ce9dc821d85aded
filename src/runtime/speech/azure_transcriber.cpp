#include "runtime/speech/azure_transcriber.hpp"

#include <algorithm>
#include <cctype>
#include <tuple>
#include <utility>

#include <boost/json/serialize.hpp>

#include "core/api_error.hpp"
#include "core/clock.hpp"
#include "core/ids.hpp"
#include "core/json_fields.hpp"
#include "media/pcm16.hpp"
#include "media/wav.hpp"
#include "net/websocket.hpp"
#include "runtime/speech/azure_voice.hpp"

namespace sb::speech {
namespace {

namespace json = boost::json;

constexpr std::string_view kDefaultLanguage = "en-US";
constexpr std::string_view kCrLf = "\r\n";

/// A fresh id as the protocol writes them: 32 hex digits, no dashes.
std::string protocol_id() {
  auto id = new_uuid();
  std::erase(id, '-');
  return id;
}

std::string headers(std::string_view path, std::string_view request_id, std::string_view timestamp,
                    std::string_view content_type) {
  std::string out;
  for (const auto& [name, value] : {std::pair{"Path", path},
                                    {"X-RequestId", request_id},
                                    {"X-Timestamp", timestamp},
                                    {"Content-Type", content_type}})
    out.append(name).append(": ").append(value).append(kCrLf);
  return out;
}

/// The client's description in speech.config. GUESS: the Speech SDK sends more (versions, OS,
/// device); the reference names only the `context` object's system/os/audio parts.
json::object speech_config() {
  return {
      {"context",
       json::object{{"system", json::object{{"name", "switchboard"}, {"version", "1"}}},
                    {"os", json::object{{"platform", "Linux"}, {"name", "switchboard"}}},
                    {"audio", json::object{{"source", json::object{{"type", "Stream"},
                                                                   {"samplerate", kPipelineRate},
                                                                   {"bitspersample", 16},
                                                                   {"channelcount", 1}}}}}}}};
}

std::string text_after(std::string_view text, std::string_view separator) {
  const auto at = text.find(separator);
  return at == std::string_view::npos ? "" : std::string(text.substr(at + separator.size()));
}

/// The value of the header `name` (any case) among `head`'s lines.
std::string_view header_of(std::string_view head, std::string_view name) {
  while (!head.empty()) {
    const auto end = std::min(head.find(kCrLf), head.size());
    const auto line = head.substr(0, end);
    head.remove_prefix(std::min(end + kCrLf.size(), head.size()));
    const auto colon = line.find(':');
    if (colon == std::string_view::npos || colon != name.size()) continue;
    if (!std::equal(name.begin(), name.end(), line.begin(), [](unsigned char a, unsigned char b) {
          return std::tolower(a) == std::tolower(b);
        }))
      continue;
    auto value = line.substr(colon + 1);
    while (value.starts_with(' ')) value.remove_prefix(1);
    return value;
  }
  return {};
}

// Azure's side of the shared WebSocket stream.
class AzureProtocol final : public MessageProtocol {
 public:
  explicit AzureProtocol(json::object context)
      : MessageProtocol(kAzureTranscriberFailed, "Azure Speech"), context_(std::move(context)) {}

  std::vector<std::string> opening_messages() override {
    const auto now = format_iso8601(now_ms());
    return {azure_text_message("speech.config", request_id_, now, json::serialize(speech_config())),
            azure_text_message("speech.context", request_id_, now, json::serialize(context_))};
  }
  std::string audio(std::span<const std::int16_t> customer,
                    std::span<const std::int16_t>) override {
    std::string pcm;
    media::encode_pcm16(customer, pcm);
    // The first audio message opens with a WAV header saying the format, as the SDK's does.
    if (!sent_header_) pcm.insert(0, media::wav_header({kPipelineRate, 1}, 0));
    sent_header_ = true;
    return azure_audio_message(request_id_, format_iso8601(now_ms()), pcm);
  }

 private:
  HeardMessage heard(std::string_view text) override { return parse_azure_message(text); }

  json::object context_;
  const std::string request_id_ = protocol_id();
  bool sent_header_ = false;  // under the stream's send lock
};

}  // namespace

std::string azure_stt_base(std::string configured, std::string_view region) {
  // The default base is the voice's text-to-speech host; recognition has its own.
  if (const auto* azure = find_remote_provider("azure");
      azure && configured == azure->default_base_url)
    configured = "https://{region}.stt.speech.microsoft.com";
  return azure_regional_url(std::move(configured), region);
}

std::string azure_stt_url(std::string_view base_url, const json::object& config) {
  std::string query;
  const auto language = string_at(config, "language");
  append_query(query, "language", language.empty() ? kDefaultLanguage : language);
  append_query(query, "format", "simple");
  if (const auto* v = config.if_contains("segmentationSilenceTimeoutMs"); v && v->is_number())
    append_query(query, "segmentationSilenceTimeoutMs", number_text(v->to_number<double>()));
  return websocket_url_of(base_url) + "/speech/recognition/conversation/cognitiveservices/v1?" +
         query;
}

std::string azure_text_message(std::string_view path, std::string_view request_id,
                               std::string_view timestamp, std::string_view body) {
  return headers(path, request_id, timestamp, "application/json") + std::string(kCrLf) +
         std::string(body);
}

std::string azure_audio_message(std::string_view request_id, std::string_view timestamp,
                                std::string_view body) {
  const auto head = headers("audio", request_id, timestamp, "audio/x-wav");
  std::string out;
  out.reserve(2 + head.size() + body.size());
  out.push_back(static_cast<char>((head.size() >> 8) & 0xff));
  out.push_back(static_cast<char>(head.size() & 0xff));
  return out.append(head).append(body);
}

json::object azure_speech_context(const json::object& config) {
  // As the SDK's setSpeechSegmentationTimeoutJson: a strategy picks the mode; either timeout
  // makes it Custom.
  const auto strategy = string_at(config, "segmentationStrategy");
  json::object segmentation{{"mode", strategy == "Time"       ? "Custom"
                                     : strategy == "Semantic" ? "Semantic"
                                                              : "Normal"}};
  bool configured = !strategy.empty();
  for (const auto& [field, name] :
       {std::pair{"segmentationSilenceTimeoutMs", "segmentationSilenceTimeoutMs"},
        {"segmentationMaximumTimeMs", "segmentationForcedTimeoutMs"}})
    if (const auto* v = config.if_contains(field); v && v->is_number()) {
      segmentation["mode"] = "Custom";
      segmentation[name] = v->to_number<std::int64_t>();
      configured = true;
    }
  if (!configured) return {};
  return {{"phraseDetection",
           json::object{{"mode", "Conversation"},
                        {"conversation", json::object{{"segmentation", segmentation}}}}}};
}

HeardMessage parse_azure_message(std::string_view text) {
  HeardMessage reply;
  const auto split = text.find("\r\n\r\n");
  const auto head = text.substr(0, split);
  const auto path = header_of(head, "Path");
  const auto body = json_message(text_after(text, "\r\n\r\n"));
  if (path == "speech.hypothesis") {
    if (auto heard = string_at(body, "Text"); !heard.empty())
      reply.transcript = Transcript{std::string(heard), false, false};
  } else if (path == "speech.phrase") {
    const auto status = string_at(body, "RecognitionStatus");
    if (status == "Success") {
      if (auto said = string_at(body, "DisplayText"); !said.empty())
        reply.transcript = Transcript{std::string(said), true, true};
    } else if (status == "Error" || status == "TooManyRequests" || status == "BadRequest" ||
               status == "Forbidden") {
      reply.error = std::string(status);
    }
  }
  return reply;
}

void AzureTranscriber::check(const json::object& config) const {
  const auto bad = [](std::string_view field, std::string_view what) {
    return ApiError::bad_request("transcriber." + std::string(field) + " " + std::string(what));
  };
  if (const auto provider = string_at(config, "provider"); provider != "azure")
    throw bad("provider", "must be azure, not " + std::string(provider));
  if (const auto* v = config.if_contains("language"); v && !v->is_string())
    throw bad("language", "must be a string");
  if (const auto* v = config.if_contains("segmentationStrategy");
      v && !(v->is_string() && (v->get_string() == "Default" || v->get_string() == "Time" ||
                                v->get_string() == "Semantic")))
    throw bad("segmentationStrategy", "must be Default, Time or Semantic");
  for (const auto& [field, min, max] : {std::tuple{"segmentationSilenceTimeoutMs", 100.0, 5000.0},
                                        {"segmentationMaximumTimeMs", 20000.0, 70000.0}})
    if (const auto* v = config.if_contains(field))
      if (!v->is_number() || v->to_number<double>() < min || v->to_number<double>() > max)
        throw bad(field, "must be a number of milliseconds from " + number_text(min) + " to " +
                             number_text(max));
}

std::unique_ptr<TranscriberProtocol> AzureTranscriber::protocol(const json::object& config) const {
  return std::make_unique<AzureProtocol>(azure_speech_context(config));
}

std::string AzureTranscriber::located(std::string base_url, const std::string& region) const {
  return azure_stt_base(std::move(base_url), region);
}

net::WebSocketConnectRequest AzureTranscriber::request(const json::object& config,
                                                       std::string_view base_url,
                                                       const std::string& key) const {
  auto request = upgrade_request(azure_stt_url(base_url, config), "Ocp-Apim-Subscription-Key", key);
  request.headers.emplace_back("X-ConnectionId", protocol_id());
  return request;
}

SpeechFailure AzureTranscriber::key_missing() const {
  return {kAzureTranscriberFailed,
          "no Azure Speech key: add an azure credential (with its region) to the org (or set "
          "AZURE_SPEECH_API_KEY and AZURE_SPEECH_REGION on the server)"};
}

}  // namespace sb::speech
