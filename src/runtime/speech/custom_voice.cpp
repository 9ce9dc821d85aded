#include "runtime/speech/custom_voice.hpp"

#include <utility>

#include "core/api_error.hpp"
#include "core/clock.hpp"
#include "core/ids.hpp"
#include "core/json_fields.hpp"
#include "net/http_client.hpp"
#include "runtime/speech/http_pcm_stream.hpp"
#include "webhooks/backoff.hpp"

namespace sb::speech {

namespace {

constexpr const char* kFailed = "pipeline-error-custom-voice-failed";

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
  const auto body = webhooks::message_body(voice_request(context, text, kPipelineRate), now_ms());
  net::OutboundRequest outbound = webhooks::outbound_request(plan, body, new_uuid());
  // The legacy inline secret the document still shows, as its troubleshooting names it.
  if (const auto secret = server ? string_at(*server, "secret") : std::string_view();
      !secret.empty()) {
    outbound.headers.emplace_back("X-Vapi-Secret", std::string(secret));
  }
  outbound.stream_idle_timeout = plan.timeout;

  const auto timeout = plan.timeout;
  webhooks::Transport transport = send_with(http_);
  PcmSend signed_send = [this, transport, org = context.org_id, plan](
                            net::OutboundRequest r,
                            std::function<void(net::OutboundResponse)> done) {
    return webhooks::sign_and_send(transport, signer_, org, plan, std::move(r), std::move(done));
  };
  return stream_pcm(
      signed_send, std::move(outbound), kPipelineRate,
      [timeout](const net::OutboundResponse& response) {
        return SpeechFailure{kFailed,
                             describe_failure("the custom voice server", response, timeout)};
      },
      std::move(events));
}

}  // namespace sb::speech
