// monitor.listenUrl of a live call: listeners join from their socket's strand, hear what the
// recorder aligns on the call's strand, and are closed when the call ends.

#include "runtime/voice/live_call_impl.hpp"

namespace sb::voice {

std::shared_ptr<void> LiveCallImpl::reserve_listener() {
  if (ended_flag_.load()) return nullptr;
  return listeners_.reserve(CallListeners::kMaxListeners);
}

std::shared_ptr<net::WebSocketHandler> LiveCallImpl::listen(std::shared_ptr<net::WebSocket> socket,
                                                            std::shared_ptr<void> place) {
  // Weakly: a socket the call has dropped already may be gone (and its address reused) by the
  // time its close reaches the strand.
  auto handler = CallListeners::handler(
      [weak = weak_from_this(), gone = std::weak_ptr<net::WebSocket>(socket)] {
        if (auto self = weak.lock())
          self->on_strand([gone](LiveCallImpl& c) {
            if (auto socket = gone.lock()) c.drop_listener(socket.get());
          });
      });
  on_strand([socket = std::move(socket), place = std::move(place)](LiveCallImpl& c) mutable {
    c.add_listener(std::move(socket), std::move(place));
  });
  return handler;
}

void LiveCallImpl::add_listener(std::shared_ptr<net::WebSocket> socket,
                                std::shared_ptr<void> place) {
  if (ended_flag_.load()) return socket->close(net::CloseCode::kNormal, "call ended");
  listeners_.add(std::move(socket), std::move(place));
  align_for_listeners();
}

void LiveCallImpl::drop_listener(const net::WebSocket* socket) {
  listeners_.remove(socket);
  align_for_listeners();
}

void LiveCallImpl::align_for_listeners() {
  if (!live_) return;
  if (!recorder_ && !listeners_.empty())
    recorder_ =
        std::make_unique<CallRecorder>(nullptr, RecordingPaths{}, now(), boost::json::object{});
  else if (recorder_ && !recorder_->recording() && listeners_.empty())
    recorder_.reset();
  if (recorder_)
    recorder_->set_tap([this](std::span<const std::int16_t> stereo) { listeners_.feed(stereo); });
}

}  // namespace sb::voice
