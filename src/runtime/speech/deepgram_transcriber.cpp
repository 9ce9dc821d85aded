#include "runtime/speech/deepgram_transcriber.hpp"

#include <algorithm>
#include <cmath>
#include <deque>
#include <mutex>
#include <optional>
#include <utility>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/json/parse.hpp>

#include "core/api_error.hpp"
#include "core/codec.hpp"
#include "core/json_fields.hpp"
#include "media/pcm16.hpp"
#include "net/websocket.hpp"

namespace sb::speech {
namespace {

namespace json = boost::json;
namespace asio = boost::asio;
using namespace std::chrono_literals;
using SteadyClock = std::chrono::steady_clock;

// Audio pushed while the socket is still connecting is kept up to this much (10 s of mono
// 16 kHz PCM) and sent once it opens; older frames are dropped beyond it.
constexpr std::size_t kMaxPendingBytes = 10 * kPipelineRate * 2;
constexpr auto kConnectTimeout = 10s;
// Deepgram closes a stream that gets no data for 10 s (NET-0001); its docs advise a KeepAlive
// every 3-5 s while no audio is sent.
constexpr auto kKeepAliveEvery = 4s;
constexpr auto kKeepAliveCheck = 1s;  // so the longest gap is kKeepAliveEvery + 1 s
// Vapi's documented default for confidenceThreshold.
constexpr double kDefaultConfidenceThreshold = 0.4;

bool is_nova3(std::string_view model) {
  return model.starts_with("nova-3");
}

std::string model_of(const json::object& config) {
  auto model = string_at(config, "model");
  return std::string(model.empty() ? kDeepgramDefaultModel : model);
}

void add(std::string& query, std::string_view name, std::string_view value) {
  query += query.empty() ? "" : "&";
  query += name;
  query += '=';
  query += percent_encode(value);
}

void add_strings(std::string& query, const json::object& config, std::string_view field,
                 std::string_view name) {
  if (const auto* items = array_at(config, field))
    for (const auto& item : *items)
      if (item.is_string() && !item.get_string().empty()) add(query, name, item.get_string());
}

}  // namespace

std::string deepgram_listen_url(std::string_view base_url, const json::object& config) {
  const std::string model = model_of(config);
  std::string query;
  add(query, "model", model);
  if (auto language = string_at(config, "language"); !language.empty())
    add(query, "language", language);
  add(query, "encoding", "linear16");
  add(query, "sample_rate", std::to_string(kPipelineRate));
  add(query, "channels", "1");
  add(query, "interim_results", "true");
  const auto endpointing = std::lround(
      std::clamp(number_at(config, "endpointing", kDeepgramDefaultEndpointing), 10.0, 500.0));
  add(query, "endpointing", std::to_string(endpointing));
  add(query, "utterance_end_ms", std::to_string(kDeepgramUtteranceEndMs));
  add(query, "punctuate", "true");
  if (bool_at(config, "smartFormat")) add(query, "smart_format", "true");
  if (bool_at(config, "numerals")) add(query, "numerals", "true");
  if (bool_at(config, "profanityFilter")) add(query, "profanity_filter", "true");
  if (bool_at(config, "mipOptOut")) add(query, "mip_opt_out", "true");
  add_strings(query, config, "redaction", "redact");
  if (is_nova3(model))
    add_strings(query, config, "keyterm", "keyterm");
  else
    add_strings(query, config, "keywords", "keywords");
  return websocket_url_of(base_url) + "/v1/listen?" + query;
}

DeepgramMessage parse_deepgram_message(std::string_view text) {
  DeepgramMessage out;
  boost::system::error_code ec;
  const json::value parsed = json::parse(text, ec);
  const json::object* o = ec ? nullptr : parsed.if_object();
  if (!o) return out;
  const auto type = string_at(*o, "type");
  if (type == "UtteranceEnd") {
    out.kind = DeepgramMessage::Kind::kUtteranceEnd;
  } else if (type == "Error" || type == "error") {
    out.kind = DeepgramMessage::Kind::kError;
    for (const auto* key : {"description", "message", "reason", "error"})
      if (auto what = string_at(*o, key); !what.empty()) {
        out.error = std::string(what);
        break;
      }
  } else if (type == "Results") {
    out.kind = DeepgramMessage::Kind::kTranscript;
    out.transcript.is_final = bool_at(*o, "is_final");
    out.transcript.end_of_turn = bool_at(*o, "speech_final");
    const auto* channel = object_at(*o, "channel");
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
  const auto join = [](const std::string& a, const std::string& b) {
    return a.empty() ? b : b.empty() ? a : a + " " + b;
  };
  const auto end_turn = [&]() -> std::optional<Transcript> {
    if (held_.empty()) return std::nullopt;
    return Transcript{std::exchange(held_, {}), true, true};
  };
  if (message.kind == DeepgramMessage::Kind::kUtteranceEnd) return end_turn();
  if (message.kind != DeepgramMessage::Kind::kTranscript) return std::nullopt;
  const auto& t = message.transcript;
  const std::string text = message.confidence < threshold_ ? "" : t.text;
  if (!t.is_final) {
    if (text.empty()) return std::nullopt;
    return Transcript{join(held_, text), false, false};
  }
  held_ = join(held_, text);
  return t.end_of_turn ? end_turn() : std::nullopt;
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

// One call's stream, shared by the call (through Stream), the socket (as its handler) and the
// KeepAlive timer (weakly). Events are delivered under events_mutex_ and only while not
// stopped, so once close() has taken that mutex no event runs; it is recursive so that an event
// may call close().
class State final : public net::WebSocketHandler, public std::enable_shared_from_this<State> {
 public:
  State(TranscriberEvents events, double confidence_threshold)
      : events_(std::move(events)), turns_(confidence_threshold) {}

  void connect(net::WebSocketClient& client, net::WebSocketConnectRequest request) {
    auto self = shared_from_this();
    auto cancel = client.connect(std::move(request), self,
                                 [self](std::shared_ptr<net::WebSocket> socket, std::string error) {
                                   self->connected(std::move(socket), std::move(error));
                                 });
    std::lock_guard lock(socket_mutex_);
    cancel_ = std::move(cancel);
  }

  void keep_alive_on(const asio::any_io_executor& executor) {
    timer_.emplace(asio::make_strand(executor));
    arm_keep_alive();
  }

  void push(std::span<const std::int16_t> customer) {
    std::string frame;
    media::encode_pcm16(customer, frame);
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
    last_sent_ = SteadyClock::now();
    // False: the socket is closing; its on_close reports the failure.
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
    if (socket) {
      // Deepgram's graceful end; what it answers no longer matters to the call.
      socket->send_text(R"({"type":"CloseStream"})");
      socket->close(net::CloseCode::kNormal, "call ended");
    }
    if (cancel) cancel();
  }

  /// Ends the stream with on_failure (once); closes the socket if there is one.
  void fail(std::string ended_reason, std::string message) {
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
    if (events_.on_failure)
      events_.on_failure(SpeechFailure{std::move(ended_reason), std::move(message)});
  }

  // WebSocketHandler (on the socket's strand)

  void on_text(std::string text) override {
    auto message = parse_deepgram_message(text);
    switch (message.kind) {
      case DeepgramMessage::Kind::kIgnored:
        return;
      case DeepgramMessage::Kind::kError:
        return fail(
            kDeepgramTranscriberFailed,
            "Deepgram reported an error" + (message.error.empty() ? "" : ": " + message.error));
      case DeepgramMessage::Kind::kUtteranceEnd:
      case DeepgramMessage::Kind::kTranscript:
        if (auto transcript = turns_.on(message)) deliver(std::move(*transcript));
        return;
    }
  }

  void on_binary(std::string) override {}  // the protocol has no binary answers

  void on_close(std::uint16_t code, std::string reason) override {
    {
      std::lock_guard lock(socket_mutex_);
      done_ = true;
      socket_.reset();  // the socket holds this handler: no cycle once it is closed
    }
    fail(deepgram_close_reason(code, reason), "Deepgram closed the connection (" +
                                                  std::to_string(code) +
                                                  (reason.empty() ? "" : " " + reason) + ")");
  }

 private:
  void deliver(Transcript t) {
    std::lock_guard lock(events_mutex_);
    if (!stopped_ && events_.on_transcript) events_.on_transcript(std::move(t));
  }

  void connected(std::shared_ptr<net::WebSocket> socket, std::string error) {
    if (!socket) {
      fail(deepgram_connect_failure_reason(error), "could not connect to Deepgram: " + error);
      return;
    }
    std::lock_guard lock(socket_mutex_);
    if (done_) {  // closed while connecting
      socket->close(net::CloseCode::kNormal, "call ended");
      return;
    }
    for (auto& frame : pending_) socket->send_binary(std::move(frame));
    pending_.clear();
    pending_bytes_ = 0;
    last_sent_ = SteadyClock::now();
    socket_ = std::move(socket);
  }

  // On the timer's strand; the timer holds the state weakly, so a closed stream's timer
  // fires once more at most and stops.
  void arm_keep_alive() {
    timer_->expires_after(kKeepAliveCheck);
    timer_->async_wait([weak = weak_from_this()](boost::system::error_code ec) {
      auto self = weak.lock();
      if (ec || !self) return;
      {
        std::lock_guard lock(self->socket_mutex_);
        if (self->done_) return;
        if (self->socket_ && SteadyClock::now() - self->last_sent_ >= kKeepAliveEvery) {
          self->socket_->send_text(R"({"type":"KeepAlive"})");
          self->last_sent_ = SteadyClock::now();
        }
      }
      self->arm_keep_alive();
    });
  }

  std::recursive_mutex events_mutex_;
  TranscriberEvents events_;
  bool stopped_ = false;  // guarded by events_mutex_
  DeepgramTurns turns_;   // on the socket's strand

  std::mutex socket_mutex_;  // guards what follows
  std::shared_ptr<net::WebSocket> socket_;
  net::WebSocketClient::Cancel cancel_;
  std::deque<std::string> pending_;
  std::size_t pending_bytes_ = 0;
  bool done_ = false;  // closed or failed: nothing more is sent
  SteadyClock::time_point last_sent_ = SteadyClock::now();

  std::optional<asio::steady_timer> timer_;  // used on its own strand only
};

class Stream final : public TranscriberStream {
 public:
  explicit Stream(std::shared_ptr<State> state) : state_(std::move(state)) {}
  ~Stream() override { state_->close(); }

  void push(std::span<const std::int16_t> customer, std::span<const std::int16_t>) override {
    state_->push(customer);  // Deepgram hears the customer only: one channel
  }
  void close() override { state_->close(); }

 private:
  std::shared_ptr<State> state_;
};

}  // namespace

DeepgramTranscriber::DeepgramTranscriber(const RemoteSpeechDeps& deps,
                                         std::optional<asio::any_io_executor> keepalive)
    : deps_(deps), keepalive_(std::move(keepalive)) {}

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

std::unique_ptr<TranscriberStream> DeepgramTranscriber::open(const json::object& config,
                                                             const SpeechContext& context,
                                                             TranscriberEvents events) {
  const auto* provider = find_remote_provider("deepgram");
  const double threshold = number_at(config, "confidenceThreshold", kDefaultConfidenceThreshold);
  auto state = std::make_shared<State>(std::move(events), threshold);
  const auto key = deps_.settings.api_key(*provider, context);
  if (key.empty()) {
    state->fail(kDeepgramKeyMissing,
                "no Deepgram API key: add a deepgram credential to the org (or set "
                "DEEPGRAM_API_KEY on the server)");
    return std::make_unique<Stream>(std::move(state));
  }
  net::WebSocketConnectRequest request;
  request.url = deepgram_listen_url(deps_.settings.base_url(*provider, context), config);
  request.headers.emplace_back("Authorization", "Token " + key);
  request.timeout = kConnectTimeout;
  state->connect(deps_.websockets, std::move(request));
  if (keepalive_) state->keep_alive_on(*keepalive_);
  return std::make_unique<Stream>(std::move(state));
}

}  // namespace sb::speech
