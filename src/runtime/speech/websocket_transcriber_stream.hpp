#pragma once
// What every transcriber that streams over one WebSocket shares (deepgram, custom-transcriber,
// assembly-ai, ...): dialling the socket, keeping the audio pushed while it connects (bounded),
// sending it, reading the provider's messages, closing, and reporting a failure once. What
// differs between providers is a TranscriberProtocol: the messages sent first and last, how a
// frame of audio is framed, what a text message means, and which endedReason each failure is.
//
// Threads: push() and close() come from the call, the socket's events from its strand, the
// KeepAlive timer from its own strand. Events reach the call under a recursive mutex and only
// while the stream is open, so once close() returns no event runs (an event may call close()).

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/json/object.hpp>

#include "net/websocket.hpp"
#include "runtime/speech/speech.hpp"

namespace sb::speech {

/// What one text message from the provider means to the call.
struct ProtocolReply {
  std::vector<Transcript> transcripts;
  /// The provider reported an error: the stream ends with it.
  std::optional<SpeechFailure> failure;
  /// The provider is ready for audio (see TranscriberProtocol::waits_for_ready).
  bool ready = false;
};

/// A provider's text message (or answer body) as a JSON object; an empty object when it is not
/// one, which reads as a message of no known type.
boost::json::object json_message(std::string_view text);

/// One provider's side of a stream; one instance per stream. The sending side (audio,
/// closing_message, keep_alive_message) runs under the stream's send lock in push order; the
/// receiving side (on_text) on the socket's strand.
class TranscriberProtocol {
 public:
  virtual ~TranscriberProtocol() = default;

  /// Text messages sent as soon as the socket opens, before any audio.
  virtual std::vector<std::string> opening_messages() { return {}; }
  /// True: audio is held until on_text answers `ready` (a provider that refuses audio before
  /// acknowledging the opening message).
  virtual bool waits_for_ready() const { return false; }
  /// One 20 ms frame as the provider takes it in a message. Default: the customer's channel
  /// alone, mono 16-bit little-endian PCM.
  virtual std::string audio(std::span<const std::int16_t> customer,
                            std::span<const std::int16_t> assistant);
  /// True: each audio() result goes as a text message (a provider that takes JSON-wrapped
  /// audio); false: as a binary one.
  virtual bool audio_as_text() const { return false; }
  /// Frames are gathered into binary messages of at least this many bytes (providers that
  /// refuse messages shorter than some duration).
  virtual std::size_t min_message_bytes() const { return 0; }
  /// Audio kept while connecting, beyond which the oldest is dropped. Default: 10 s of mono.
  virtual std::size_t max_pending_bytes() const { return 10 * kPipelineRate * 2; }
  /// What a text message from the provider means. Binary messages are ignored.
  virtual ProtocolReply on_text(std::string_view text) = 0;
  /// Sent before the close frame when the call ends the stream (a graceful end), if any.
  virtual std::optional<std::string> closing_message() { return std::nullopt; }
  /// Sent when no audio has gone for a while (see keep_alive_on), if any.
  virtual std::optional<std::string> keep_alive_message() { return std::nullopt; }
  /// The failure for a connect that did not succeed: `error` is the client's, e.g.
  /// "handshake: 401" for a refused upgrade or "connection refused".
  virtual SpeechFailure connect_failure(std::string_view error) = 0;
  /// The failure for the socket closing before the call closed it: a connection dropped without
  /// a close frame arrives as kInternal "connection closed".
  virtual SpeechFailure close_failure(std::uint16_t code, std::string_view reason) = 0;
};

/// One call's stream, shared by the call (through stream_of), the socket (as its handler) and
/// the KeepAlive timer (weakly).
class WebSocketTranscription final : public net::WebSocketHandler,
                                     public std::enable_shared_from_this<WebSocketTranscription> {
 public:
  static std::shared_ptr<WebSocketTranscription> create(
      std::unique_ptr<TranscriberProtocol> protocol, TranscriberEvents events);

  /// Dials (unless already closed); a failed connect ends the stream with
  /// protocol.connect_failure.
  void connect(net::WebSocketClient& client, net::WebSocketConnectRequest request);
  /// What close() calls to stop a step that comes before dialling (e.g. an HTTP exchange that
  /// yields the socket's URL), unless the connect has begun; called at once when the stream
  /// is already closed.
  void cancel_with(std::function<void()> cancel);
  /// Sends protocol.keep_alive_message() whenever nothing has been sent for `every`, checked
  /// each second on a strand of `executor`.
  void keep_alive_on(const boost::asio::any_io_executor& executor,
                     std::chrono::steady_clock::duration every);
  /// Ends the stream with on_failure (once: later failures and events are dropped) and closes
  /// the socket if there is one.
  void fail(SpeechFailure failure);

  void push(std::span<const std::int16_t> customer, std::span<const std::int16_t> assistant);
  /// Sends the closing message, closes the socket (or cancels the connect); no event after.
  void close();

  // net::WebSocketHandler, on the socket's strand.
  void on_text(std::string text) override;
  void on_binary(std::string) override {}
  void on_close(std::uint16_t code, std::string reason) override;

  WebSocketTranscription(std::unique_ptr<TranscriberProtocol> protocol, TranscriberEvents events)
      : protocol_(std::move(protocol)), events_(std::move(events)) {}

 private:
  using SteadyClock = std::chrono::steady_clock;

  void connected(std::shared_ptr<net::WebSocket> socket, std::string error);
  void arm_keep_alive(SteadyClock::duration every);
  // Under socket_mutex_: queue while not connected or not ready, else send.
  void send_audio_locked(std::string message);
  void flush_pending_locked();
  bool send_locked(std::string message);  // one audio message, as the protocol frames it

  std::unique_ptr<TranscriberProtocol> protocol_;

  std::recursive_mutex events_mutex_;
  TranscriberEvents events_;
  bool stopped_ = false;  // guarded by events_mutex_

  std::mutex socket_mutex_;  // guards what follows
  std::shared_ptr<net::WebSocket> socket_;
  std::function<void()> cancel_;  // the connect's, or the step before it
  std::string gathering_;         // audio not yet min_message_bytes long
  std::deque<std::string> pending_;
  std::size_t pending_bytes_ = 0;
  bool ready_ = false;  // the provider takes audio
  bool done_ = false;   // closed or failed: nothing more is sent
  SteadyClock::time_point last_sent_ = SteadyClock::now();

  std::optional<boost::asio::steady_timer> timer_;  // used on its own strand only
};

/// The call's handle on `transcription`: push, and close (also when destroyed).
std::unique_ptr<TranscriberStream> stream_of(std::shared_ptr<WebSocketTranscription> transcription);

}  // namespace sb::speech
