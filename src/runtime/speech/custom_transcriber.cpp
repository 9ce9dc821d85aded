#include "runtime/speech/custom_transcriber.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <deque>
#include <mutex>
#include <vector>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "core/api_error.hpp"
#include "media/pcm16.hpp"
#include "net/websocket.hpp"

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

// One call's stream, shared by the call (through Stream) and the socket (as its handler).
// Events are delivered under events_mutex_ and only while not stopped, so once close() has
// taken that mutex no event runs; it is recursive so that an event may call close().
class State final : public net::WebSocketHandler, public std::enable_shared_from_this<State> {
 public:
  explicit State(TranscriberEvents events) : events_(std::move(events)) {}

  void connect(net::WebSocketClient& client, net::WebSocketConnectRequest request) {
    auto self = shared_from_this();
    auto cancel = client.connect(std::move(request), self,
                                 [self](std::shared_ptr<net::WebSocket> socket, std::string error) {
                                   self->connected(std::move(socket), std::move(error));
                                 });
    std::lock_guard lock(socket_mutex_);
    cancel_ = std::move(cancel);
  }

  void push(std::span<const std::int16_t> customer, std::span<const std::int16_t> assistant) {
    std::string frame = interleave(customer, assistant);
    std::lock_guard lock(socket_mutex_);
    if (done_) return;
    if (!socket_) {
      pending_bytes_ += frame.size();
      pending_.push_back(std::move(frame));
      while (pending_bytes_ > kMaxPendingBytes) {
        pending_bytes_ -= pending_.front().size();
        pending_.pop_front();
      }
      return;
    }
    // False: the socket is closing (the server closed it, or it stopped reading and the queue
    // overflowed, which closes it): its on_close reports the failure.
    if (!socket_->send_binary(std::move(frame))) done_ = true;
  }

  void close() {
    {
      std::lock_guard events_lock(events_mutex_);
      stopped_ = true;
    }
    std::shared_ptr<net::WebSocket> socket;
    net::WebSocketClient::Cancel cancel;
    {
      std::lock_guard lock(socket_mutex_);
      done_ = true;
      socket = std::move(socket_);
      cancel = std::move(cancel_);
      pending_.clear();
    }
    if (socket) socket->close(net::CloseCode::kNormal, "call ended");
    if (cancel) cancel();
  }

  // WebSocketHandler (on the socket's strand)

  void on_text(std::string message) override {
    boost::system::error_code ec;
    const json::value parsed = json::parse(message, ec);
    const json::object* o = ec ? nullptr : parsed.if_object();
    if (!o) return;  // not a message of the protocol: ignored
    const std::string_view type = string_at(*o, "type");
    if (type == "error") {
      std::string what(string_at(*o, "error"));
      fail("the custom transcriber reported an error" + (what.empty() ? "" : ": " + what));
      return;
    }
    if (type != "transcriber-response") return;
    // The assistant's channel is what the assistant itself said, which the call already knows
    // as text: only the customer's transcripts go to the pipeline.
    if (string_at(*o, "channel") != "customer") return;
    Transcript t;
    t.text = std::string(string_at(*o, "transcription"));
    t.is_final = string_at(*o, "transcriptType") != "partial";  // "final" when absent
    if (t.text.empty()) return;
    std::lock_guard lock(events_mutex_);
    if (!stopped_ && events_.on_transcript) events_.on_transcript(std::move(t));
  }

  void on_binary(std::string) override {}  // the protocol has no binary answers

  void on_close(std::uint16_t code, std::string reason) override {
    {
      std::lock_guard lock(socket_mutex_);
      done_ = true;
      socket_.reset();  // the socket holds this handler: no cycle once it is closed
    }
    fail("the custom transcriber closed the connection (" + std::to_string(code) +
         (reason.empty() ? "" : " " + reason) + ")");
  }

  /// Ends the stream with on_failure (once); closes the socket if there is one.
  void fail(std::string message) {
    std::shared_ptr<net::WebSocket> socket;
    {
      std::lock_guard lock(socket_mutex_);
      done_ = true;
      socket = std::move(socket_);
    }
    if (socket) socket->close(net::CloseCode::kNormal, "transcriber failed");
    std::lock_guard lock(events_mutex_);
    if (stopped_) return;
    stopped_ = true;  // on_failure is the last event
    if (events_.on_failure) events_.on_failure(SpeechFailure{kCustomTranscriberFailed, message});
  }

 private:
  void connected(std::shared_ptr<net::WebSocket> socket, std::string error) {
    if (!socket) {
      fail("could not connect to the custom transcriber: " + error);
      return;
    }
    json::object start{{"type", "start"},
                       {"encoding", "linear16"},
                       {"container", "raw"},
                       {"sampleRate", kPipelineRate},
                       {"channels", 2}};
    std::lock_guard lock(socket_mutex_);
    if (done_) {  // closed while connecting
      socket->close(net::CloseCode::kNormal, "call ended");
      return;
    }
    socket->send_text(json::serialize(start));
    for (auto& frame : pending_) socket->send_binary(std::move(frame));
    pending_.clear();
    pending_bytes_ = 0;
    socket_ = std::move(socket);
  }

  std::recursive_mutex events_mutex_;
  TranscriberEvents events_;
  bool stopped_ = false;  // guarded by events_mutex_

  std::mutex socket_mutex_;  // guards what follows
  std::shared_ptr<net::WebSocket> socket_;
  net::WebSocketClient::Cancel cancel_;
  std::deque<std::string> pending_;
  std::size_t pending_bytes_ = 0;
  bool done_ = false;  // closed or failed: nothing more is sent
};

class Stream final : public TranscriberStream {
 public:
  explicit Stream(std::shared_ptr<State> state) : state_(std::move(state)) {}
  ~Stream() override { state_->close(); }

  void push(std::span<const std::int16_t> customer,
            std::span<const std::int16_t> assistant) override {
    state_->push(customer, assistant);
  }
  void close() override { state_->close(); }

 private:
  std::shared_ptr<State> state_;
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
  auto state = std::make_shared<State>(std::move(events));
  if (credential_id.empty() || !signer_) {
    state->connect(client_, std::move(request));
    return std::make_unique<Stream>(std::move(state));
  }
  // Signed first (a credential may need an OAuth2 token), then dialled; a stream closed
  // meanwhile closes the socket as soon as it connects.
  auto headers = request.headers;
  const auto url = request.url;
  signer_(context.org_id, credential_id, url, "", std::move(headers),
          [this, state, request = std::move(request)](http::Fields signed_headers,
                                                      std::string error) mutable {
            if (!error.empty()) return state->fail("credential: " + error);
            request.headers = std::move(signed_headers);
            state->connect(client_, std::move(request));
          });
  return std::make_unique<Stream>(std::move(state));
}

}  // namespace sb::speech
