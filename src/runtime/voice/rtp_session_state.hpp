#pragma once
// RtpSession's insides, shared by rtp_session.cpp (sockets, receiving, playout) and
// rtp_session_send.cpp (queueing, the outbound tick, RTCP). Fields marked "strand" are touched
// only on the session's strand; the rest under `mutex`.

#include <array>
#include <atomic>
#include <boost/asio/strand.hpp>
#include <deque>
#include <mutex>

#include "media/g711_link.hpp"
#include "media/telephone_event.hpp"
#include "media/whole_frames.hpp"
#include "net/timer.hpp"
#include "runtime/voice/rtp_session.hpp"

namespace sb::voice {

inline constexpr std::chrono::milliseconds kRtpFrame{20};
inline constexpr std::uint32_t kRtpFrameUnits = 160;  ///< 20 ms at 8 kHz
inline constexpr std::uint8_t kComfortNoise = 13;     ///< RFC 3389: keeps its place, plays nothing

/// One packet of a digit being sent, or (no packet) a frame time of quiet between digits.
struct QueuedEvent {
  std::optional<media::EventPacket> packet;
  bool first = false;  ///< a digit's first packet: it takes the tick's timestamp
};

/// Symmetric RTP (RFC 4961 style latching): the SDP's address until the peer's first valid
/// packet, then where that packet came from, and only packets from there are taken.
struct LatchedPeer {
  boost::asio::ip::udp::endpoint address;
  bool latched = false;

  /// Whether a valid packet from `from` is the peer's (latching on the first).
  bool accept(const boost::asio::ip::udp::endpoint& from) {
    if (!latched) {
      latched = true;
      address = from;
    }
    return from == address;
  }
};

struct RtpSession::State {
  State(boost::asio::io_context& io, const Clock& c, RtpSessionConfig cfg);

  boost::asio::strand<boost::asio::io_context::executor_type> strand;
  const Clock& clock;
  RtpSessionConfig config;
  boost::asio::ip::udp::socket rtp;
  boost::asio::ip::udp::socket rtcp;
  net::Timer timer;
  std::atomic<bool> closed{false};

  // strand
  std::shared_ptr<CallMedia> media;
  std::weak_ptr<RtpSession> relay;  ///< the bridged leg, once relay_to() has run
  bool relaying = false;
  std::array<char, 2048> rtp_buffer{};
  std::array<char, 2048> rtcp_buffer{};
  boost::asio::ip::udp::endpoint rtp_from, rtcp_from;
  media::JitterBuffer jitter;
  media::G711Decoder decoder;
  media::TelephoneEventReceiver events_in;
  std::optional<std::uint32_t> peer_ssrc;  ///< the stream `reception` counts
  media::ReceptionStats reception;
  Clock::SteadyTime origin{};  ///< the tick grid: tick k is due at origin + k frames
  std::int64_t ticks = 0;
  Clock::SteadyTime next_report{};
  Clock::SteadyTime last_heard{};  ///< start() or the peer's last valid packet
  bool timed_out = false;

  // mutex
  mutable std::mutex mutex;
  LatchedPeer remote, rtcp_remote;
  media::G711Encoder encoder;
  media::WholeFrames cutter;
  std::deque<std::string> frames;
  std::deque<QueuedEvent> events_out;
  std::size_t events_wait = 0;  ///< frames queued before the digits: they go out first
  std::uint32_t ssrc = 0;
  std::uint16_t sequence = 0;
  std::uint32_t timestamp = 0;  ///< of the current tick
  std::uint32_t event_timestamp = 0;
  bool talking = false;  ///< the last tick sent audio (else the next audio starts a talkspurt)
  RtpStreamCounters counters;
};

}  // namespace sb::voice
