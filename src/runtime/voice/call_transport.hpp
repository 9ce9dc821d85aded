#pragma once
// The media connection of a live call (Vapi's WebSocket transport, Twilio Media Streams, later
// other carriers and SIP) as the call's pipeline sees it: 16 kHz PCM frames out, control out,
// and the transport's events in through the CallMedia it is given. The protocol's framing and
// codec live in the transport; pacing decisions in the pipeline.

#include <cstdint>
#include <span>
#include <string>

#include <boost/json/object.hpp>

namespace sb::voice {

/// What a transport tells its call. Called from the transport's own thread (its socket's
/// strand); the call posts to its own.
class CallMedia {
 public:
  virtual ~CallMedia() = default;
  /// Customer audio, converted to 16 kHz mono PCM, any number of samples.
  virtual void customer_audio(std::vector<std::int16_t> pcm) = 0;
  /// A JSON control message from the client (Vapi transport: end-call, hangup, say, ...).
  virtual void control(boost::json::object message) = 0;
  /// A keypad digit (Twilio dtmf events).
  virtual void dtmf(std::string digits) = 0;
  /// The transport played up to the named mark (Twilio echoes marks).
  virtual void mark_played(std::string name) = 0;
  /// The customer's side is gone (socket closed, stream stopped). `reason` for the log.
  virtual void hung_up(std::string reason) = 0;
};

class CallTransport {
 public:
  virtual ~CallTransport() = default;
  /// Whether audio must be sent in real time (the client plays what it gets at once and nothing
  /// can be taken back) or may be sent ahead (the peer buffers and obeys clear()).
  virtual bool paced() const = 0;
  /// 16 kHz mono PCM; the transport encodes it for the wire. False when the transport cannot
  /// take it (closed, or its queue is full).
  virtual bool send_audio(std::span<const std::int16_t> pcm) = 0;
  /// Drop what was sent and not yet played (barge-in); a no-op for paced transports.
  virtual void clear() = 0;
  /// Ask to be told (CallMedia::mark_played) when what was sent so far has played.
  virtual void mark(const std::string& name) = 0;
  /// A client message (text frame) for transports that carry them; others ignore it.
  virtual void send_message(const boost::json::object& message) = 0;
  /// Ends the media connection (after what is queued). Idempotent.
  virtual void hang_up() = 0;
  /// Whether keys can go out of band — RFC 4733 events, or SIP INFO when `sip_info` — rather
  /// than as tones in the audio (the default: no).
  virtual bool sends_digits(bool /*sip_info*/) const { return false; }
  /// Sends one key out of band, starting where the audio sent so far ends. The caller then
  /// sends 200 ms of placeholder audio (silence) for it, so its pacing holds; the transport
  /// may put the key's packets in that audio's place.
  virtual void send_digit(char /*key*/, bool /*sip_info*/) {}
};

}  // namespace sb::voice
