#include "runtime/speech/custom_voice.hpp"

#include <mutex>
#include <utility>
#include <vector>

#include "core/api_error.hpp"
#include "core/clock.hpp"
#include "core/ids.hpp"
#include "core/json_fields.hpp"
#include "media/pcm16.hpp"
#include "net/http_client.hpp"
#include "runtime/speech/event_gate.hpp"
#include "webhooks/backoff.hpp"

namespace sb::speech {

namespace {

constexpr const char* kFailed = "pipeline-error-custom-voice-failed";
/// The most of an error answer's body quoted in the failure.
constexpr std::size_t kQuotedBody = 200;

std::string failure_message(const net::OutboundResponse& response,
                            std::chrono::milliseconds timeout) {
  if (response.error == "timeout") {
    return "the custom voice server did not answer within " +
           std::to_string(timeout.count() / 1000) + " s";
  }
  if (!response.error.empty()) return "the custom voice server failed: " + response.error;
  std::string message = "the custom voice server answered " + std::to_string(response.status);
  if (!response.body.empty()) message += ": " + response.body.substr(0, kQuotedBody);
  return message;
}

/// One request in flight: the events behind their gate, and how to cut the exchange.
struct Request {
  VoiceEvents events;
  EventGate gate;
  media::Pcm16Decoder pcm;  // the server may cut anywhere; on_body runs on one thread at a time
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
  void on_done(const net::OutboundResponse& response, std::chrono::milliseconds timeout) {
    if (response.ok()) {
      gate.run_last([&] {
        if (events.on_done) events.on_done();
      });
      return;
    }
    gate.run_last([&] {
      if (events.on_failure) {
        events.on_failure(SpeechFailure{kFailed, failure_message(response, timeout)});
      }
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

class CustomSynthesis final : public Synthesis {
 public:
  explicit CustomSynthesis(std::shared_ptr<Request> request) : request_(std::move(request)) {}
  ~CustomSynthesis() override { cancel(); }
  void cancel() override { request_->cancel(); }

 private:
  std::shared_ptr<Request> request_;
};

const boost::json::object* server_of(const boost::json::object& config) {
  return object_at(config, "server");
}

}  // namespace

boost::json::object voice_request(const SpeechContext& context, const std::string& text,
                                  int sample_rate) {
  boost::json::object message;
  message["type"] = "voice-request";
  message["text"] = text;
  message["sampleRate"] = sample_rate;
  boost::json::object call = context.call;
  if (!call.contains("id") && !context.call_id.empty()) call["id"] = context.call_id;
  if (!call.contains("orgId") && !context.org_id.empty()) call["orgId"] = context.org_id;
  // The document's example also carries the assistant and the customer, which the call holds.
  if (const auto* assistant = call.if_contains("assistant")) message["assistant"] = *assistant;
  if (const auto* customer = call.if_contains("customer")) message["customer"] = *customer;
  message["call"] = std::move(call);
  return message;
}

CustomVoice::CustomVoice(net::HttpClient& http, webhooks::Signer signer)
    : http_(http), signer_(std::move(signer)) {}

void CustomVoice::check(const boost::json::object& config) const {
  const auto* server = server_of(config);
  const std::string_view url = server ? string_at(*server, "url") : std::string_view();
  if (!url.starts_with("http://") && !url.starts_with("https://")) {
    throw ApiError::bad_request(
        "voice.server.url must be an http:// or https:// URL for the custom-voice provider");
  }
}

std::unique_ptr<Synthesis> CustomVoice::synthesize(const boost::json::object& config,
                                                   const SpeechContext& context, std::string text,
                                                   VoiceEvents events) {
  const auto* server = server_of(config);
  const webhooks::ServerPlan plan =
      webhooks::parse_server(server ? *server : boost::json::object());
  auto request = std::make_shared<Request>();
  request->events = std::move(events);

  const auto body = webhooks::message_body(voice_request(context, text, kPipelineRate), now_ms());
  net::OutboundRequest outbound = webhooks::outbound_request(plan, body, new_uuid());
  // The legacy inline secret the document still shows, as its troubleshooting names it.
  if (const auto secret = server ? string_at(*server, "secret") : std::string_view();
      !secret.empty()) {
    outbound.headers.emplace_back("X-Vapi-Secret", std::string(secret));
  }
  outbound.stream_idle_timeout = plan.timeout;
  outbound.on_body = [request](std::string_view chunk) { return request->on_body(chunk); };

  const auto timeout = plan.timeout;
  webhooks::Transport transport = [this](net::OutboundRequest r,
                                         std::function<void(net::OutboundResponse)> done) {
    return http_.send(std::move(r), std::move(done));
  };
  auto cut = webhooks::sign_and_send(
      transport, signer_, context.org_id, plan, std::move(outbound),
      [request, timeout](net::OutboundResponse response) { request->on_done(response, timeout); });
  request->started(std::move(cut));
  return std::make_unique<CustomSynthesis>(std::move(request));
}

}  // namespace sb::speech
