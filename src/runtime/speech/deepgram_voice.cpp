#include "runtime/speech/deepgram_voice.hpp"

#include <array>
#include <mutex>
#include <utility>
#include <vector>

#include <boost/json/serialize.hpp>

#include "core/api_error.hpp"
#include "core/codec.hpp"
#include "core/json_fields.hpp"
#include "media/pcm16.hpp"
#include "net/http_client.hpp"
#include "runtime/speech/event_gate.hpp"

namespace sb::speech {

namespace {

using namespace std::chrono_literals;

// Bounds the wait for the answer's head, then each wait for more of its body.
constexpr auto kTimeout = 20s;
constexpr std::size_t kQuotedBody = 200;  // the most of an error answer quoted

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

std::string failure_message(const net::OutboundResponse& response) {
  if (response.error == "timeout")
    return "Deepgram did not answer within " + std::to_string(kTimeout.count()) + " s";
  if (!response.error.empty()) return "Deepgram speak failed: " + response.error;
  std::string message = "Deepgram speak answered " + std::to_string(response.status);
  if (!response.body.empty()) message += ": " + response.body.substr(0, kQuotedBody);
  return message;
}

/// One request in flight: the events behind their gate, and how to cut the exchange.
struct Request {
  VoiceEvents events;
  EventGate gate;
  media::Pcm16Decoder pcm;  // chunks may split a sample; on_body runs on one thread at a time
  std::mutex mutex;
  net::HttpClient::Cancel cancel_exchange;
  bool cancelled = false;

  bool on_body(std::string_view chunk) {
    std::vector<std::int16_t> samples;
    pcm.decode(chunk, samples);
    if (samples.empty()) return gate.is_open();
    return gate.run([&] {
      if (events.on_audio) events.on_audio(std::move(samples));
    });
  }
  void on_done(const net::OutboundResponse& response) {
    if (response.ok()) {
      gate.run_last([&] {
        if (events.on_done) events.on_done();
      });
      return;
    }
    fail(failure_message(response));
  }
  void fail(std::string message) {
    gate.run_last([&] {
      if (events.on_failure)
        events.on_failure(SpeechFailure{kDeepgramVoiceFailed, std::move(message)});
    });
  }
  void cancel() {
    gate.close();
    net::HttpClient::Cancel cut;
    {
      std::lock_guard lock(mutex);
      cancelled = true;
      cut = std::move(cancel_exchange);
    }
    if (cut) cut();
  }
  void started(net::HttpClient::Cancel cut) {
    {
      std::lock_guard lock(mutex);
      if (!cancelled) {
        cancel_exchange = std::move(cut);
        return;
      }
    }
    if (cut) cut();  // cancelled before the exchange began
  }
};

class DeepgramSynthesis final : public Synthesis {
 public:
  explicit DeepgramSynthesis(std::shared_ptr<Request> request) : request_(std::move(request)) {}
  ~DeepgramSynthesis() override { cancel(); }
  void cancel() override { request_->cancel(); }

 private:
  std::shared_ptr<Request> request_;
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
  auto request = std::make_shared<Request>();
  request->events = std::move(events);
  const auto* provider = find_remote_provider("deepgram");
  const auto key = deps_.settings.api_key(*provider, context);
  if (key.empty()) {
    request->fail(
        "no Deepgram API key: add a deepgram credential to the org (or set DEEPGRAM_API_KEY on "
        "the server)");
    return std::make_unique<DeepgramSynthesis>(std::move(request));
  }
  net::OutboundRequest outbound;
  outbound.url = deepgram_speak_url(deps_.settings.base_url(*provider, context), config);
  outbound.headers.emplace_back("Authorization", "Token " + key);
  outbound.headers.emplace_back("Content-Type", "application/json");
  outbound.body = boost::json::serialize(boost::json::object{{"text", std::move(text)}});
  outbound.timeout = kTimeout;
  outbound.stream_idle_timeout = kTimeout;
  outbound.on_body = [request](std::string_view chunk) { return request->on_body(chunk); };
  auto cut = deps_.http.send(std::move(outbound), [request](net::OutboundResponse response) {
    request->on_done(response);
  });
  request->started(std::move(cut));
  return std::make_unique<DeepgramSynthesis>(std::move(request));
}

}  // namespace sb::speech
