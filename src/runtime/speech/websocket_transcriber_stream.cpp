#include "runtime/speech/websocket_transcriber_stream.hpp"

#include <utility>

#include <boost/asio/strand.hpp>
#include <boost/json/parse.hpp>

#include "media/pcm16.hpp"

namespace sb::speech {

namespace asio = boost::asio;
using namespace std::chrono_literals;

namespace {

constexpr auto kKeepAliveCheck = 1s;  // so the longest gap is `every` + 1 s

class Stream final : public TranscriberStream {
 public:
  explicit Stream(std::shared_ptr<WebSocketTranscription> state) : state_(std::move(state)) {}
  ~Stream() override { state_->close(); }

  void push(std::span<const std::int16_t> customer,
            std::span<const std::int16_t> assistant) override {
    state_->push(customer, assistant);
  }
  void close() override { state_->close(); }

 private:
  std::shared_ptr<WebSocketTranscription> state_;
};

}  // namespace

boost::json::object json_message(std::string_view text) {
  boost::system::error_code ec;
  auto parsed = boost::json::parse(text, ec);
  if (ec || !parsed.is_object()) return {};
  return std::move(parsed.as_object());
}

std::string TranscriberProtocol::audio(std::span<const std::int16_t> customer,
                                       std::span<const std::int16_t>) {
  std::string out;
  media::encode_pcm16(customer, out);
  return out;
}

std::shared_ptr<WebSocketTranscription> WebSocketTranscription::create(
    std::unique_ptr<TranscriberProtocol> protocol, TranscriberEvents events) {
  return std::make_shared<WebSocketTranscription>(std::move(protocol), std::move(events));
}

void WebSocketTranscription::connect(net::WebSocketClient& client,
                                     net::WebSocketConnectRequest request) {
  {
    std::lock_guard lock(socket_mutex_);
    if (done_) return;
  }
  auto self = shared_from_this();
  auto cancel = client.connect(std::move(request), self,
                               [self](std::shared_ptr<net::WebSocket> socket, std::string error) {
                                 self->connected(std::move(socket), std::move(error));
                               });
  std::lock_guard lock(socket_mutex_);
  cancel_ = std::move(cancel);
}

void WebSocketTranscription::cancel_with(std::function<void()> cancel) {
  {
    std::lock_guard lock(socket_mutex_);
    if (!done_) {
      if (!cancel_) cancel_ = std::move(cancel);  // else the connect has begun: its cancel wins
      return;
    }
  }
  if (cancel) cancel();
}

void WebSocketTranscription::keep_alive_on(const asio::any_io_executor& executor,
                                           SteadyClock::duration every) {
  timer_.emplace(asio::make_strand(executor));
  arm_keep_alive(every);
}

void WebSocketTranscription::push(std::span<const std::int16_t> customer,
                                  std::span<const std::int16_t> assistant) {
  std::lock_guard lock(socket_mutex_);
  if (done_) return;
  gathering_ += protocol_->audio(customer, assistant);
  if (gathering_.size() < protocol_->min_message_bytes()) return;
  send_audio_locked(std::exchange(gathering_, {}));
}

void WebSocketTranscription::send_audio_locked(std::string message) {
  if (!socket_ || !ready_) {
    pending_bytes_ += message.size();
    pending_.push_back(std::move(message));
    while (pending_bytes_ > protocol_->max_pending_bytes() && !pending_.empty()) {
      pending_bytes_ -= pending_.front().size();
      pending_.pop_front();
    }
    return;
  }
  last_sent_ = SteadyClock::now();
  // False: the socket is closing (the peer closed it, or stopped reading and the queue
  // overflowed, which closes it): its on_close reports the failure.
  if (!send_locked(std::move(message))) done_ = true;
}

bool WebSocketTranscription::send_locked(std::string message) {
  return protocol_->audio_as_text() ? socket_->send_text(std::move(message))
                                    : socket_->send_binary(std::move(message));
}

void WebSocketTranscription::flush_pending_locked() {
  for (auto& message : pending_) send_locked(std::move(message));
  pending_.clear();
  pending_bytes_ = 0;
  last_sent_ = SteadyClock::now();
}

void WebSocketTranscription::close() {
  {
    std::lock_guard events_lock(events_mutex_);
    stopped_ = true;
  }
  std::shared_ptr<net::WebSocket> socket;
  std::function<void()> cancel;
  std::optional<std::string> closing;
  {
    std::lock_guard lock(socket_mutex_);
    if (!done_ && socket_) closing = protocol_->closing_message();
    done_ = true;
    socket = std::move(socket_);
    cancel = std::move(cancel_);
    pending_.clear();
  }
  if (socket) {
    // The provider's graceful end; what it answers no longer matters to the call.
    if (closing) socket->send_text(std::move(*closing));
    socket->close(net::CloseCode::kNormal, "call ended");
  }
  if (cancel) cancel();
}

void WebSocketTranscription::fail(SpeechFailure failure) {
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
  if (events_.on_failure) events_.on_failure(std::move(failure));
}

void WebSocketTranscription::on_text(std::string text) {
  auto reply = protocol_->on_text(text);
  if (reply.ready) {
    std::lock_guard lock(socket_mutex_);
    if (!ready_ && socket_ && !done_) {
      ready_ = true;
      flush_pending_locked();
    }
  }
  {
    std::lock_guard lock(events_mutex_);
    for (auto& t : reply.transcripts)
      if (!stopped_ && events_.on_transcript) events_.on_transcript(std::move(t));
  }
  if (reply.failure) fail(std::move(*reply.failure));
}

void WebSocketTranscription::on_close(std::uint16_t code, std::string reason) {
  {
    std::lock_guard lock(socket_mutex_);
    done_ = true;
    socket_.reset();  // the socket holds this handler: no cycle once it is closed
  }
  fail(protocol_->close_failure(code, reason));
}

void WebSocketTranscription::connected(std::shared_ptr<net::WebSocket> socket, std::string error) {
  if (!socket) {
    fail(protocol_->connect_failure(error));
    return;
  }
  std::lock_guard lock(socket_mutex_);
  if (done_) {  // closed while connecting
    socket->close(net::CloseCode::kNormal, "call ended");
    return;
  }
  for (auto& message : protocol_->opening_messages()) socket->send_text(std::move(message));
  socket_ = std::move(socket);
  ready_ = !protocol_->waits_for_ready();
  if (ready_) flush_pending_locked();
}

// On the timer's strand; the timer holds the state weakly, so a closed stream's timer fires
// once more at most and stops.
void WebSocketTranscription::arm_keep_alive(SteadyClock::duration every) {
  timer_->expires_after(kKeepAliveCheck);
  timer_->async_wait([weak = weak_from_this(), every](boost::system::error_code ec) {
    auto self = weak.lock();
    if (ec || !self) return;
    {
      std::lock_guard lock(self->socket_mutex_);
      if (self->done_) return;
      if (self->socket_ && SteadyClock::now() - self->last_sent_ >= every)
        if (auto message = self->protocol_->keep_alive_message()) {
          self->socket_->send_text(std::move(*message));
          self->last_sent_ = SteadyClock::now();
        }
    }
    self->arm_keep_alive(every);
  });
}

std::unique_ptr<TranscriberStream> stream_of(
    std::shared_ptr<WebSocketTranscription> transcription) {
  return std::make_unique<Stream>(std::move(transcription));
}

}  // namespace sb::speech
