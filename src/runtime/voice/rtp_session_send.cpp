// RtpSession's sending side: the outbound queue, the 20 ms tick and RTCP sender reports.
#include <boost/asio/buffer.hpp>

#include "media/g711.hpp"
#include "media/rtp_packet.hpp"
#include "runtime/voice/rtp_session.hpp"
#include "runtime/voice/rtp_session_state.hpp"

namespace sb::voice {

namespace asio = boost::asio;

namespace {

// A thread held up this many frames or more skips the rest rather than burst them: the peer's
// jitter buffer would drop a burst anyway, and the call is better off back on time.
constexpr std::int64_t kMaxCatchUp = 3;
// Quiet frames after each digit sent, so two equal digits read as two presses.
constexpr int kDigitGapFrames = 2;

}  // namespace

void RtpSession::send_packet(std::uint8_t type, bool marker, std::uint32_t timestamp,
                             std::string_view payload) {
  auto& s = *state_;
  const auto wire = media::serialize_rtp({marker, type, s.sequence++, timestamp, s.ssrc}, payload);
  boost::system::error_code ec;
  s.rtp.send_to(asio::buffer(wire), s.remote.address, 0, ec);
  if (ec) {
    ++s.counters.dropped_out;
    return;
  }
  ++s.counters.packets_out;
  s.counters.octets_out += payload.size();
}

bool RtpSession::send_audio(std::span<const std::int16_t> pcm) {
  auto& s = *state_;
  if (s.closed) return false;
  std::lock_guard lock(s.mutex);
  return queue_codes(s.encoder.encode(pcm));
}

bool RtpSession::send_payload(RtpCodec codec, std::string_view payload) {
  auto& s = *state_;
  if (s.closed) return false;
  std::lock_guard lock(s.mutex);
  if (codec == s.config.codec) return queue_codes(payload);
  return queue_codes(codec == RtpCodec::kPcmu ? media::alaw_from_mulaw(payload)
                                              : media::mulaw_from_alaw(payload));
}

bool RtpSession::queue_codes(std::string_view codes) {
  auto& s = *state_;
  s.cutter.add(codes);
  const auto whole = s.cutter.take();
  bool all = true;
  for (std::size_t at = 0; at < whole.size(); at += kRtpFrameUnits) {
    if (s.frames.size() >= s.config.max_queued_frames) {
      ++s.counters.dropped_out;
      all = false;
      continue;
    }
    s.frames.push_back(whole.substr(at, kRtpFrameUnits));
  }
  return all;
}

bool RtpSession::send_digits(std::string_view digits) {
  auto& s = *state_;
  if (s.closed || !s.config.event_payload_type) return false;
  std::vector<QueuedEvent> queued;
  for (const char digit : digits) {
    const auto packets = media::telephone_event_packets(digit);
    if (!packets) return false;
    for (std::size_t i = 0; i < packets->size(); ++i) queued.push_back({(*packets)[i], i == 0});
    for (int i = 0; i < kDigitGapFrames; ++i) queued.push_back({});
  }
  std::lock_guard lock(s.mutex);
  if (s.events_out.empty()) s.events_wait = s.frames.size();
  s.events_out.insert(s.events_out.end(), queued.begin(), queued.end());
  s.counters.digits_out += digits.size();
  return true;
}

bool RtpSession::sends_events() const {
  return state_->config.event_payload_type.has_value();
}

void RtpSession::clear() {
  std::lock_guard lock(state_->mutex);
  state_->frames.clear();
  state_->events_wait = 0;
  state_->cutter.clear();
}

// Ticks sit on a grid from start(), each armed for its own time, so a late timer does not
// delay the ones after it.
void RtpSession::arm_tick() {
  auto& s = *state_;
  s.timer.arm(s.origin + kRtpFrame * (s.ticks + 1), [weak = weak_from_this()] {
    if (auto self = weak.lock()) self->tick();
  });
}

void RtpSession::tick() {
  auto& s = *state_;
  if (s.closed) return;
  const auto now = s.clock.steady_now();
  const std::int64_t due = (now - s.origin) / kRtpFrame;
  if (due - s.ticks > kMaxCatchUp) {
    const auto skipped = due - s.ticks - kMaxCatchUp;
    s.ticks += skipped;
    std::lock_guard lock(s.mutex);
    s.timestamp += static_cast<std::uint32_t>(skipped) * kRtpFrameUnits;
    s.talking = false;
  }
  while (s.ticks < due) {
    ++s.ticks;
    play_in();
    send_out();
  }
  const auto timeout = s.config.inactivity_timeout;
  if (timeout && !s.timed_out && now - s.last_heard >= *timeout) {
    s.timed_out = true;
    if (s.media)
      s.media->hung_up("no RTP from the peer for " + std::to_string(timeout->count()) + " ms");
  }
  if (now >= s.next_report) {
    send_report();
    s.next_report = now + s.config.rtcp_interval;
  }
  arm_tick();
}

// One packet per tick: a digit's if one is being sent, else a frame of audio. The RTP clock
// runs on whether or not anything is sent, so the peer hears pauses as pauses; the first audio
// after one carries the marker (a talkspurt's start, RFC 3551 §4.1).
void RtpSession::send_out() {
  auto& s = *state_;
  std::lock_guard lock(s.mutex);
  const auto now = s.timestamp;
  s.timestamp += kRtpFrameUnits;
  if (!s.events_out.empty() && s.events_wait == 0) {
    const auto event = std::move(s.events_out.front());
    s.events_out.pop_front();
    s.talking = false;
    if (!s.frames.empty()) s.frames.pop_front();  // the slot's placeholder
    if (!event.packet) return;
    if (event.first) s.event_timestamp = now;
    send_packet(*s.config.event_payload_type, event.packet->marker, s.event_timestamp,
                event.packet->payload);
    return;
  }
  if (s.frames.empty()) {
    s.talking = false;
    return;
  }
  send_packet(static_cast<std::uint8_t>(s.config.codec), !s.talking, now, s.frames.front());
  s.frames.pop_front();
  if (s.events_wait > 0) --s.events_wait;
  s.talking = true;
}

void RtpSession::send_report() {
  auto& s = *state_;
  std::optional<media::ReportBlock> block;
  if (s.peer_ssrc) block = s.reception.report(*s.peer_ssrc);
  std::lock_guard lock(s.mutex);
  media::SenderInfo sender;
  sender.ssrc = s.ssrc;
  sender.ntp = media::ntp_from_wall_ms(s.clock.wall_ms());
  sender.rtp_timestamp = s.timestamp;
  sender.packets = static_cast<std::uint32_t>(s.counters.packets_out);
  sender.octets = static_cast<std::uint32_t>(s.counters.octets_out);
  const auto wire = media::build_sender_report(sender, block, s.config.cname);
  boost::system::error_code ignored;
  s.rtcp.send_to(asio::buffer(wire), s.rtcp_remote.address, 0, ignored);
}

}  // namespace sb::voice
