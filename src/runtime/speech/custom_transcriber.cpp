#include "runtime/speech/custom_transcriber.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <vector>

#include <boost/json/serialize.hpp>

#include "core/api_error.hpp"
#include "media/pcm16.hpp"
#include "net/websocket.hpp"
#include "runtime/speech/websocket_transcriber_stream.hpp"

namespace sb::speech {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

// Audio pushed while the socket is still connecting is kept up to this much (10 s of stereo
// 16 kHz PCM) and sent once it opens; older frames are dropped beyond it.
constexpr std::size_t kMaxPendingBytes = 10 * kPipelineRate * 2 * 2;
constexpr double kDefaultTimeoutSeconds = 20;

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

const json::object* server_of(const json::object& config) {
  const auto* server = config.if_contains("server");
  return server ? server->if_object() : nullptr;
}

std::string_view string_at(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string_view(v->get_string()) : std::string_view();
}

// Channel 0 the customer, channel 1 the assistant, sample by sample, 16-bit little-endian. A
// shorter channel is padded with silence.
std::string interleave(std::span<const std::int16_t> customer,
                       std::span<const std::int16_t> assistant) {
  const std::size_t n = std::max(customer.size(), assistant.size());
  std::vector<std::int16_t> stereo(n * 2, 0);
  for (std::size_t i = 0; i < customer.size(); ++i) stereo[2 * i] = customer[i];
  for (std::size_t i = 0; i < assistant.size(); ++i) stereo[2 * i + 1] = assistant[i];
  std::string out;
  media::encode_pcm16(stereo, out);
  return out;
}

SpeechFailure failure(std::string message) {
  return {kCustomTranscriberFailed, std::move(message)};
}

// The custom transcriber's side of the shared WebSocket stream: the start message, interleaved
// stereo, transcriber-response messages of the customer's channel.
class CustomProtocol final : public TranscriberProtocol {
 public:
  std::vector<std::string> opening_messages() override {
    json::object start{{"type", "start"},
                       {"encoding", "linear16"},
                       {"container", "raw"},
                       {"sampleRate", kPipelineRate},
                       {"channels", 2}};
    return {json::serialize(start)};
  }
  std::string audio(std::span<const std::int16_t> customer,
                    std::span<const std::int16_t> assistant) override {
    return interleave(customer, assistant);
  }
  std::size_t max_pending_bytes() const override { return kMaxPendingBytes; }

  ProtocolReply on_text(std::string_view message) override {
    ProtocolReply reply;
    const auto parsed = json_message(message);  // not JSON: no type, ignored
    const std::string_view type = string_at(parsed, "type");
    if (type == "error") {
      std::string what(string_at(parsed, "error"));
      reply.failure =
          failure("the custom transcriber reported an error" + (what.empty() ? "" : ": " + what));
      return reply;
    }
    if (type != "transcriber-response") return reply;
    // The assistant's channel is what the assistant itself said, which the call already knows
    // as text: only the customer's transcripts go to the pipeline.
    if (string_at(parsed, "channel") != "customer") return reply;
    Transcript t;
    t.text = std::string(string_at(parsed, "transcription"));
    t.is_final = string_at(parsed, "transcriptType") != "partial";  // "final" when absent
    if (!t.text.empty()) reply.transcripts.push_back(std::move(t));
    return reply;
  }
  SpeechFailure connect_failure(std::string_view error) override {
    return failure("could not connect to the custom transcriber: " + std::string(error));
  }
  SpeechFailure close_failure(std::uint16_t code, std::string_view reason) override {
    return failure("the custom transcriber closed the connection (" + std::to_string(code) +
                   (reason.empty() ? "" : " " + std::string(reason)) + ")");
  }
};

}  // namespace

void CustomTranscriber::check(const json::object& config) const {
  const std::string_view provider = string_at(config, "provider");
  if (provider != "custom-transcriber")
    throw ApiError::bad_request("transcriber.provider must be custom-transcriber, not " +
                                std::string(provider));
  const json::object* server = server_of(config);
  const std::string url = server ? lower(string_at(*server, "url")) : "";
  if (!url.starts_with("ws://") && !url.starts_with("wss://"))
    throw ApiError::bad_request(
        "transcriber.server.url must be a ws:// or wss:// URL for the custom-transcriber provider");
}

std::unique_ptr<TranscriberStream> CustomTranscriber::open(const json::object& config,
                                                           const SpeechContext& context,
                                                           TranscriberEvents events) {
  net::WebSocketConnectRequest request;
  std::string credential_id;
  double timeout = kDefaultTimeoutSeconds;
  if (const json::object* server = server_of(config)) {
    request.url = std::string(string_at(*server, "url"));
    if (const auto* t = server->if_contains("timeoutSeconds"); t && t->is_number())
      timeout = std::clamp(t->to_number<double>(), 1.0, 300.0);
    if (const auto* headers = server->if_contains("headers"); headers && headers->is_object())
      for (const auto& [name, value] : headers->get_object())
        if (value.is_string())
          request.headers.emplace_back(std::string(name), std::string(value.get_string()));
    // The legacy secret, as the documentation describes it.
    if (const std::string_view secret = string_at(*server, "secret"); !secret.empty())
      request.headers.emplace_back("X-Vapi-Secret", std::string(secret));
    credential_id = std::string(string_at(*server, "credentialId"));
  }
  request.timeout =
      std::chrono::milliseconds(static_cast<std::int64_t>(std::lround(timeout * 1000)));
  auto state =
      WebSocketTranscription::create(std::make_unique<CustomProtocol>(), std::move(events));
  if (credential_id.empty() || !signer_) {
    state->connect(client_, std::move(request));
    return stream_of(std::move(state));
  }
  // Signed first (a credential may need an OAuth2 token), then dialled; a stream closed
  // meanwhile closes the socket as soon as it connects.
  auto headers = request.headers;
  const auto url = request.url;
  signer_(context.org_id, credential_id, url, "", std::move(headers),
          [this, state, request = std::move(request)](http::Fields signed_headers,
                                                      std::string error) mutable {
            if (!error.empty()) return state->fail(failure("credential: " + error));
            request.headers = std::move(signed_headers);
            state->connect(client_, std::move(request));
          });
  return stream_of(std::move(state));
}

}  // namespace sb::speech
