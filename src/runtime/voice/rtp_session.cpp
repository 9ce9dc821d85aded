#include "runtime/voice/rtp_session.hpp"

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/post.hpp>
#include <random>

#include "media/rtp_packet.hpp"
#include "runtime/speech/speech.hpp"
#include "runtime/voice/rtp_session_state.hpp"

namespace sb::voice {

namespace asio = boost::asio;
using udp = asio::ip::udp;

namespace {

media::G711Law law_of(RtpCodec codec) {
  return codec == RtpCodec::kPcma ? media::G711Law::kAlaw : media::G711Law::kMulaw;
}

char silence_of(RtpCodec codec) {
  return static_cast<char>(codec == RtpCodec::kPcma ? 0xd5 : 0xff);
}

// Arrival time on the stream's 8 kHz clock, for the jitter estimate.
std::uint32_t arrival_units(const Clock& clock) {
  const auto us =
      std::chrono::duration_cast<std::chrono::microseconds>(clock.steady_now().time_since_epoch());
  return static_cast<std::uint32_t>(us.count() * 8 / 1000);
}

}  // namespace

RtpSession::State::State(asio::io_context& io, const Clock& c, RtpSessionConfig cfg)
    : strand(asio::make_strand(io)),
      clock(c),
      config(std::move(cfg)),
      rtp(strand),
      rtcp(strand),
      timer(strand, c),
      jitter(config.jitter),
      decoder(law_of(config.codec), speech::kPipelineRate),
      remote{config.remote},
      rtcp_remote{{config.remote.address(), static_cast<std::uint16_t>(config.remote.port() + 1)}},
      encoder(law_of(config.codec), speech::kPipelineRate),
      cutter(kRtpFrameUnits, silence_of(config.codec)) {
  // RFC 3550 §5.1: the SSRC and the first sequence number and timestamp are random.
  std::random_device random;
  ssrc = random();
  sequence = static_cast<std::uint16_t>(random());
  timestamp = random();
}

RtpSession::RtpSession(asio::io_context& io, const Clock& clock, RtpPorts& ports,
                       RtpSessionConfig config, std::uint16_t port)
    : ports_(ports), port_(port), state_(std::make_unique<State>(io, clock, std::move(config))) {}

RtpSession::~RtpSession() {
  state_.reset();  // the sockets close before their ports are handed out again
  ports_.release(port_);
}

std::shared_ptr<RtpSession> RtpSession::open(asio::io_context& io, const Clock& clock,
                                             RtpPorts& ports, RtpSessionConfig config,
                                             std::string& error) {
  const std::size_t attempts = std::min<std::size_t>(ports.total(), 8);
  std::string bind_error;
  for (std::size_t i = 0; i < attempts; ++i) {
    const auto port = ports.acquire();
    if (!port) {
      error = "no free RTP port in " + ports.describe() + " (" + std::to_string(ports.in_use()) +
              " calls hold one)";
      return nullptr;
    }
    std::shared_ptr<RtpSession> session(new RtpSession(io, clock, ports, config, *port));
    auto& s = *session->state_;
    const auto local = s.config.local_address;
    boost::system::error_code ec;
    const auto protocol = local.is_v6() ? udp::v6() : udp::v4();
    s.rtp.open(protocol, ec);
    if (!ec) s.rtp.bind(udp::endpoint(local, *port), ec);
    if (!ec) s.rtcp.open(protocol, ec);
    if (!ec) s.rtcp.bind(udp::endpoint(local, static_cast<std::uint16_t>(*port + 1)), ec);
    // Sends never wait: a full socket buffer drops the packet (counted) rather than stall.
    if (!ec) s.rtp.non_blocking(true, ec);
    if (!ec) s.rtcp.non_blocking(true, ec);
    if (!ec) return session;
    bind_error = "port " + std::to_string(*port) + ": " + ec.message();
  }
  error = "could not bind an RTP port pair in " + ports.describe() + " (" + bind_error + ")";
  return nullptr;
}

void RtpSession::set_peer(udp::endpoint remote, RtpCodec codec,
                          std::optional<std::uint8_t> event_payload_type) {
  // Before start() nothing runs on the strand: the strand's fields may be set from here.
  auto& s = *state_;
  std::lock_guard lock(s.mutex);
  s.config.remote = remote;
  s.config.codec = codec;
  s.config.event_payload_type = event_payload_type;
  s.remote = LatchedPeer{remote};
  s.rtcp_remote = LatchedPeer{{remote.address(), static_cast<std::uint16_t>(remote.port() + 1)}};
  s.decoder.set_law(law_of(codec));
  s.encoder.set_law(law_of(codec));
  s.cutter = media::WholeFrames(kRtpFrameUnits, silence_of(codec));
}

void RtpSession::start(std::shared_ptr<CallMedia> media) {
  asio::post(state_->strand, [self = shared_from_this(), media = std::move(media)]() mutable {
    auto& s = *self->state_;
    if (s.closed) return;
    s.media = std::move(media);
    s.origin = s.clock.steady_now();
    s.next_report = s.origin + s.config.rtcp_interval;
    s.last_heard = s.origin;
    self->receive_rtp();
    self->receive_rtcp();
    self->arm_tick();
  });
}

void RtpSession::relay_to(std::weak_ptr<RtpSession> peer) {
  asio::post(state_->strand, [self = shared_from_this(), peer = std::move(peer)]() mutable {
    auto& s = *self->state_;
    s.relay = std::move(peer);
    s.relaying = true;
    s.media.reset();
  });
}

void RtpSession::close() {
  if (state_->closed.exchange(true)) return;
  asio::post(state_->strand, [self = shared_from_this()] {
    auto& s = *self->state_;
    s.timer.cancel();
    boost::system::error_code ignored;
    s.rtp.close(ignored);
    s.rtcp.close(ignored);
    s.media.reset();
  });
}

udp::endpoint RtpSession::remote() const {
  std::lock_guard lock(state_->mutex);
  return state_->remote.address;
}

RtpStreamCounters RtpSession::counters() const {
  std::lock_guard lock(state_->mutex);
  return state_->counters;
}

void RtpSession::receive_rtp() {
  auto& s = *state_;
  s.rtp.async_receive_from(
      asio::buffer(s.rtp_buffer), s.rtp_from,
      asio::bind_executor(s.strand,
                          [self = shared_from_this()](boost::system::error_code ec, std::size_t n) {
                            auto& st = *self->state_;
                            if (ec == asio::error::operation_aborted || st.closed) return;
                            if (!ec)
                              self->on_rtp(std::string_view(st.rtp_buffer.data(), n), st.rtp_from);
                            self->receive_rtp();
                          }));
}

void RtpSession::receive_rtcp() {
  auto& s = *state_;
  s.rtcp.async_receive_from(
      asio::buffer(s.rtcp_buffer), s.rtcp_from,
      asio::bind_executor(
          s.strand, [self = shared_from_this()](boost::system::error_code ec, std::size_t n) {
            auto& st = *self->state_;
            if (ec == asio::error::operation_aborted || st.closed) return;
            if (!ec) self->on_rtcp(std::string_view(st.rtcp_buffer.data(), n), st.rtcp_from);
            self->receive_rtcp();
          }));
}

// Only the negotiated payload types count; the first such packet latches the peer's address.
void RtpSession::on_rtp(std::string_view datagram, const udp::endpoint& from) {
  auto& s = *state_;
  const auto packet = media::parse_rtp(datagram);
  const auto type = packet ? packet->header.payload_type : 0;
  const bool audio = packet && type == static_cast<std::uint8_t>(s.config.codec);
  const bool event = packet && s.config.event_payload_type == type;
  {
    std::lock_guard lock(s.mutex);
    if (!audio && !event && !(packet && type == kComfortNoise)) {
      ++s.counters.ignored;
      return;
    }
    if (!s.remote.accept(from)) {
      ++s.counters.ignored;
      return;
    }
    ++s.counters.packets_in;
  }
  s.last_heard = s.clock.steady_now();
  const auto& header = packet->header;
  if (s.peer_ssrc != header.ssrc) {
    s.peer_ssrc = header.ssrc;
    s.reception = media::ReceptionStats{};
  }
  s.reception.on_packet(header.sequence, header.timestamp, arrival_units(s.clock));
  // Events and comfort noise hold their sequence numbers' places in the buffer but play
  // nothing, so they are not taken for lost audio.
  s.jitter.push(header.ssrc, header.sequence, audio ? std::string(packet->payload) : "");
  if (!event) return;
  if (const auto digit = s.events_in.on_packet(header.ssrc, header.timestamp, packet->payload)) {
    {
      std::lock_guard lock(s.mutex);
      ++s.counters.digits_in;
    }
    if (s.relaying) {
      if (auto peer = s.relay.lock()) peer->send_digits(std::string_view(&*digit, 1));
    } else if (s.media) {
      s.media->dtmf(std::string(1, *digit));
    }
  }
}

void RtpSession::on_rtcp(std::string_view datagram, const udp::endpoint& from) {
  auto& s = *state_;
  const auto reports = media::parse_rtcp_reports(datagram);
  std::lock_guard lock(s.mutex);
  if (!reports || !s.rtcp_remote.accept(from)) {
    ++s.counters.ignored;
    return;
  }
  for (const auto& block : reports->blocks)
    if (block.ssrc == s.ssrc) s.counters.peer_report = block;
}

// One 20 ms frame of the peer's audio to the call: what arrived, silence for a lost frame,
// nothing while the buffer fills or when the peer sends nothing.
void RtpSession::play_in() {
  auto& s = *state_;
  const auto lost_before = s.jitter.stats().lost;
  auto frame = s.jitter.pull();
  // Placeholders (events, comfort noise) play nothing, and an event's three end packets come
  // at once: beyond the playout delay they are skipped, so a digit does not add delay.
  while (frame && frame->empty() && s.jitter.depth() > s.config.jitter.playout_delay)
    frame = s.jitter.pull();
  {
    std::lock_guard lock(s.mutex);
    s.counters.jitter_buffer = s.jitter.stats();
    s.counters.lost = s.reception.cumulative_lost();
    s.counters.jitter_ms = s.reception.jitter() / 8.0;
  }
  if (s.relaying) {
    // A lost frame is left to the far end's concealment: its RTP clock runs on meanwhile.
    if (auto peer = s.relay.lock(); peer && frame && !frame->empty())
      peer->send_payload(s.config.codec, *frame);
    return;
  }
  std::vector<std::int16_t> pcm;
  if (frame && !frame->empty())
    pcm = s.decoder.decode(*frame);
  else if (!frame && s.jitter.stats().lost > lost_before)
    pcm.assign(speech::kFrameSamples, 0);
  if (!pcm.empty() && s.media) s.media->customer_audio(std::move(pcm));
}

}  // namespace sb::voice
