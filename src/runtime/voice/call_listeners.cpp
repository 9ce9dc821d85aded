#include "runtime/voice/call_listeners.hpp"

#include <algorithm>

namespace sb::voice {

namespace {

// A listener's socket, as its owner sees it: listen-only, so whatever it sends is dropped.
class ListenerHandler final : public net::WebSocketHandler {
 public:
  explicit ListenerHandler(std::function<void()> on_close) : on_close_(std::move(on_close)) {}
  void on_text(std::string) override {}
  void on_binary(std::string) override {}
  void on_close(std::uint16_t, std::string) override {
    if (on_close_) on_close_();
  }

 private:
  std::function<void()> on_close_;
};

}  // namespace

net::WebSocketLimits CallListeners::limits() {
  net::WebSocketLimits limits;
  limits.max_message_bytes = 4096;
  limits.max_queued_bytes = 50 * kFrameBytes;  // one second of audio
  limits.inbound_bytes_per_second = 1024;
  limits.inbound_burst_bytes = 16 * 1024;
  return limits;
}

std::shared_ptr<net::WebSocketHandler> CallListeners::handler(std::function<void()> on_close) {
  return std::make_shared<ListenerHandler>(std::move(on_close));
}

std::shared_ptr<void> CallListeners::reserve(std::size_t max) {
  auto taken = taken_;
  auto n = taken->load();
  do {
    if (n >= max) return nullptr;
  } while (!taken->compare_exchange_weak(n, n + 1));
  // The token gives its place back when the last copy of it goes (a failed handshake, or the
  // listener gone), whether or not the call is still there.
  return std::shared_ptr<void>(taken.get(), [taken](void*) { --*taken; });
}

void CallListeners::add(std::shared_ptr<net::WebSocket> socket, std::shared_ptr<void> place) {
  listeners_.push_back({std::move(socket), std::move(place)});
}

void CallListeners::remove(const net::WebSocket* socket) {
  std::erase_if(listeners_, [socket](const Listener& l) { return l.socket.get() == socket; });
  if (listeners_.empty()) pending_.clear();
}

void CallListeners::feed(std::span<const std::int16_t> stereo) {
  if (listeners_.empty()) return;
  constexpr std::size_t kFrame = 2 * kFrameSamples;
  std::size_t at = 0;
  if (!pending_.empty()) {
    const auto take = std::min(kFrame - pending_.size(), stereo.size());
    pending_.insert(pending_.end(), stereo.begin(),
                    stereo.begin() + static_cast<std::ptrdiff_t>(take));
    at = take;
    if (pending_.size() < kFrame) return;
    send_frame(pending_);
    pending_.clear();
  }
  for (; stereo.size() - at >= kFrame && !listeners_.empty(); at += kFrame)
    send_frame(stereo.subspan(at, kFrame));
  if (!listeners_.empty())
    pending_.assign(stereo.begin() + static_cast<std::ptrdiff_t>(at), stereo.end());
}

void CallListeners::send_frame(std::span<const std::int16_t> frame) {
  std::string wire(frame.size() * 2, '\0');
  for (std::size_t i = 0; i < frame.size(); ++i) {
    const auto v = static_cast<std::uint16_t>(frame[i]);
    wire[2 * i] = static_cast<char>(v & 0xff);
    wire[2 * i + 1] = static_cast<char>(v >> 8);
  }
  // A socket that cannot take the frame is closing (its peer left, or read too slowly and the
  // socket closed itself): it is dropped now, before its on_close says so.
  std::erase_if(listeners_, [&wire](const Listener& l) { return !l.socket->send_binary(wire); });
  if (listeners_.empty()) pending_.clear();
}

void CallListeners::close_all() {
  for (const auto& l : listeners_) l.socket->close(net::CloseCode::kNormal, "call ended");
  listeners_.clear();
  pending_.clear();
}

}  // namespace sb::voice
