#pragma once
// One call's RTP media stream (what a SIP dialog's SDP negotiated) on Asio UDP sockets: RTP on
// an even port from the server's range, RTCP on the next. What a SIP call transport stands on:
// - in: packets are checked, put back in order by a jitter buffer and played out one 20 ms
//   frame per tick as 16 kHz PCM to CallMedia::customer_audio (a lost frame as 20 ms of
//   silence); RFC 4733 digits go to CallMedia::dtmf at once, each press once;
// - out: send_audio() takes 16 kHz PCM (from the call's strand), encodes it to the negotiated
//   G.711 law and queues it; each tick sends one 160-byte frame (paced here on a grid of
//   20 ms against the Clock, so the peer gets a steady stream however the caller's timer
//   fires), or one packet of a digit being sent;
// - symmetric RTP: packets go to the SDP address until the peer's first valid packet arrives,
//   then to wherever that packet came from (a NATed phone's public address), and only
//   packets from there are taken afterwards (no later source can hijack the stream);
// - RTCP: a sender report every rtcp_interval; the peer's reports are read for its view of
//   our stream.
// The sockets, the timer and the receive side run on the session's strand; send_audio(),
// send_digits(), clear() and counters() may be called from any thread.

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "media/jitter_buffer.hpp"
#include "media/rtcp.hpp"
#include "runtime/voice/call_transport.hpp"
#include "runtime/voice/rtp_ports.hpp"

namespace sb::voice {

/// The static payload types of RFC 3551 we speak: G.711 at 8 kHz.
enum class RtpCodec : std::uint8_t { kPcmu = 0, kPcma = 8 };

struct RtpSessionConfig {
  boost::asio::ip::address local_address = boost::asio::ip::address_v4::any();
  /// The peer's address and port from its SDP (c= and m=audio); RTCP goes to port + 1.
  boost::asio::ip::udp::endpoint remote;
  RtpCodec codec = RtpCodec::kPcmu;
  /// telephone-event's dynamic payload type from the SDP; nullopt when not negotiated.
  std::optional<std::uint8_t> event_payload_type = 101;
  media::JitterBuffer::Config jitter;
  /// Outbound frames waiting to be sent at most (the call sends in real time with a small
  /// lead, so this only absorbs its timer's jitter).
  std::size_t max_queued_frames = 25;
  std::chrono::milliseconds rtcp_interval{5000};
  /// No valid RTP from the peer for this long (from start() or its last packet) tells the call
  /// CallMedia::hung_up once: a phone that vanished without a BYE. Off when nullopt (a call on
  /// hold may send nothing).
  std::optional<std::chrono::milliseconds> inactivity_timeout;
  std::string cname = "switchboard";
};

/// Per-stream numbers for /metrics and the call's log.
struct RtpStreamCounters {
  std::uint64_t packets_in = 0;  ///< valid RTP from the peer
  std::uint64_t packets_out = 0;
  std::uint64_t octets_out = 0;  ///< payload bytes, as RTCP counts them
  std::int64_t lost = 0;         ///< by sequence numbers (RFC 3550 A.3)
  double jitter_ms = 0;          ///< interarrival jitter of what we receive (A.8)
  media::JitterStats jitter_buffer;
  std::uint64_t ignored = 0;      ///< malformed, or from other than the latched source
  std::uint64_t dropped_out = 0;  ///< outbound frames refused (queue full) or not sent
  std::uint64_t digits_in = 0;
  std::uint64_t digits_out = 0;
  std::optional<media::ReportBlock> peer_report;  ///< the peer's last report on our stream
};

class RtpSession : public std::enable_shared_from_this<RtpSession> {
 public:
  /// Binds RTP and RTCP sockets on a pair from `ports` (trying a few if one is in use by
  /// another program). nullptr, with `error` saying why, when the range is exhausted or no
  /// pair could be bound. `ports` and `clock` must outlive the session.
  static std::shared_ptr<RtpSession> open(boost::asio::io_context& io, const Clock& clock,
                                          RtpPorts& ports, RtpSessionConfig config,
                                          std::string& error);
  ~RtpSession();  ///< releases the port pair

  std::uint16_t local_port() const { return port_; }
  /// For a session opened before its peer was known (an outbound call's offer names our port
  /// before the answer names theirs): where RTP goes, the codec and the telephone-event type
  /// the answer agreed to. Only before start().
  void set_peer(boost::asio::ip::udp::endpoint remote, RtpCodec codec,
                std::optional<std::uint8_t> event_payload_type);
  /// Starts receiving and the 20 ms ticks; inbound audio and digits go to `media`.
  void start(std::shared_ptr<CallMedia> media);
  /// 16 kHz mono PCM, any length. False when closed or the queue is full (counted).
  bool send_audio(std::span<const std::int16_t> pcm);
  /// RFC 4733 packets for each digit ('0'-'9', '*', '#', 'A'-'D'), after the audio queued so
  /// far, each tick's packet (or quiet gap) in place of the audio frame queued for that tick
  /// (if any): a sender that keeps its timing queues 200 ms of placeholder audio per digit
  /// (100 ms of event, then a gap: 10 ticks, as media::dtmf_tones plays a key).
  /// False when events were not negotiated or a character is not a digit (nothing is sent).
  bool send_digits(std::string_view digits);
  /// Whether telephone-events were negotiated (send_digits can send).
  bool sends_events() const;
  /// Bridges this stream into `peer`, the other leg of a call this server connects (a SIP
  /// transfer with sipVerb dial): from then on each 20 ms frame played out here goes to
  /// peer->send_payload() as it arrived (no decoding), keys received go to peer->send_digits(),
  /// and nothing reaches the CallMedia any more. `peer` is held weakly. Any thread.
  void relay_to(std::weak_ptr<RtpSession> peer);
  /// G.711 codes from another leg in `codec`: queued as they are when that is this stream's
  /// codec, else transcoded sample by sample; sent on this stream's 20 ms grid under its own
  /// SSRC, sequence numbers and timestamps. False when closed or the queue is full (counted).
  bool send_payload(RtpCodec codec, std::string_view payload);
  /// Drops the audio queued and not yet sent (barge-in).
  void clear();
  /// Stops the ticks and closes the sockets (posted to the strand). Idempotent.
  void close();

  RtpStreamCounters counters() const;
  /// Where RTP goes now: the SDP address, or the latched source.
  boost::asio::ip::udp::endpoint remote() const;

 private:
  struct State;
  RtpSession(boost::asio::io_context& io, const Clock& clock, RtpPorts& ports,
             RtpSessionConfig config, std::uint16_t port);
  void receive_rtp();
  void receive_rtcp();
  void on_rtp(std::string_view datagram, const boost::asio::ip::udp::endpoint& from);
  void on_rtcp(std::string_view datagram, const boost::asio::ip::udp::endpoint& from);
  void arm_tick();
  void tick();
  void play_in();
  void send_out();
  void send_report();
  /// Under the state's mutex: whole frames of `codes` (this stream's law) onto the queue.
  bool queue_codes(std::string_view codes);
  /// Under the state's mutex.
  void send_packet(std::uint8_t type, bool marker, std::uint32_t timestamp,
                   std::string_view payload);

  RtpPorts& ports_;
  std::uint16_t port_;
  std::unique_ptr<State> state_;
};

}  // namespace sb::voice
