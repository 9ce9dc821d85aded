// A call's RTP stream over real UDP sockets on 127.0.0.1, its 20 ms ticks driven by a manual
// clock: audio both ways, symmetric RTP, digits in and out, loss, RTCP, and the port range.
#include "runtime/voice/rtp_session.hpp"

#include <gtest/gtest.h>
#include <algorithm>

#include <boost/asio/ip/udp.hpp>
#include <cmath>

#include "core/manual_clock.hpp"
#include "media/g711.hpp"
#include "media/rtp_packet.hpp"
#include "media/telephone_event.hpp"
#include "runtime/voice/rtp_streams.hpp"
#include "runtime/voice/rtp_transport.hpp"

namespace sb::voice {
namespace {

namespace asio = boost::asio;
using udp = asio::ip::udp;
using namespace std::chrono_literals;

struct FakeMedia : CallMedia {
  std::vector<std::vector<std::int16_t>> chunks;
  std::string digits;
  std::vector<std::string> hang_ups;
  void customer_audio(std::vector<std::int16_t> pcm) override { chunks.push_back(std::move(pcm)); }
  void control(boost::json::object) override {}
  void dtmf(std::string d) override { digits += d; }
  void mark_played(std::string) override {}
  void hung_up(std::string reason) override { hang_ups.push_back(std::move(reason)); }
};

std::vector<std::int16_t> tone(std::size_t samples, int rate) {
  std::vector<std::int16_t> out(samples);
  for (std::size_t i = 0; i < samples; ++i)
    out[i] = static_cast<std::int16_t>(8000 * std::sin(2 * M_PI * 440 * i / rate));
  return out;
}

class RtpSessionTest : public ::testing::Test {
 protected:
  RtpSessionTest() : peer_(io_, udp::endpoint(loopback(), 0)) {}

  static asio::ip::address loopback() { return asio::ip::make_address("127.0.0.1"); }

  std::shared_ptr<RtpSession> open(udp::endpoint remote, RtpSessionConfig config = {}) {
    config.local_address = loopback();
    config.remote = remote;
    std::string error;
    auto session = RtpSession::open(io_, clock_, ports_, config, error);
    EXPECT_TRUE(session) << error;
    if (session) session->start(media_);
    pump();
    return session;
  }

  // Runs what the sockets have delivered (waiting briefly for I/O, never for time).
  void pump() {
    for (int i = 0; i < 3; ++i) {
      io_.restart();
      io_.run_for(2ms);
    }
  }
  void ticks(int n) {
    for (int i = 0; i < n; ++i) {
      clock_.advance(20ms);
      pump();
    }
  }
  static std::optional<std::string> take(udp::socket& socket, udp::endpoint* from = nullptr) {
    if (socket.available() == 0) return std::nullopt;
    std::string buffer(2048, '\0');
    udp::endpoint sender;
    buffer.resize(socket.receive_from(asio::buffer(buffer), sender));
    if (from) *from = sender;
    return buffer;
  }
  void send_rtp(udp::socket& from, const RtpSession& to, media::RtpHeader header,
                std::string_view payload) {
    from.send_to(asio::buffer(media::serialize_rtp(header, payload)),
                 udp::endpoint(loopback(), to.local_port()));
    pump();
  }
  static std::string mulaw_frame() {
    std::string codes;
    media::encode_mulaw(tone(160, 8000), codes);
    return codes;
  }

  // The clock and the ports outlive the context, whose pending handlers hold the sessions.
  ManualClock clock_;
  RtpPorts ports_{42000, 42999};
  asio::io_context io_;
  std::shared_ptr<FakeMedia> media_ = std::make_shared<FakeMedia>();
  udp::socket peer_;
};

TEST(RtpPorts, HandsOutEvenPortsAndSaysWhenTheRangeIsExhausted) {
  RtpPorts ports(10001, 10006);  // 10002 and 10004 have their odd neighbour in range; 10006 not
  EXPECT_EQ(ports.total(), 2u);
  EXPECT_EQ(ports.acquire(), 10002);
  EXPECT_EQ(ports.acquire(), 10004);
  EXPECT_FALSE(ports.acquire());
  ports.release(10002);
  EXPECT_EQ(ports.in_use(), 1u);
  EXPECT_EQ(ports.acquire(), 10002);
  EXPECT_THROW(RtpPorts(10001, 10002), std::invalid_argument);
}

TEST_F(RtpSessionTest, OpeningFailsClearlyWhenEveryPortIsTaken) {
  RtpPorts one(43000, 43001);
  std::string error;
  auto first = RtpSession::open(io_, clock_, one, {}, error);
  ASSERT_TRUE(first) << error;
  EXPECT_FALSE(RtpSession::open(io_, clock_, one, {}, error));
  EXPECT_NE(error.find("no free RTP port in 43000-43001"), std::string::npos) << error;
  first->close();
  pump();
  first.reset();
  EXPECT_EQ(one.in_use(), 0u);  // the port is back once the session is gone
}

TEST_F(RtpSessionTest, PeerAudioReachesTheCallAt16kHzAfterThePlayoutDelay) {
  auto session = open(peer_.local_endpoint());
  for (std::uint16_t i = 0; i < 5; ++i)
    send_rtp(peer_, *session, {i == 0, 0, i, 160u * i, 77}, mulaw_frame());
  ticks(3);  // the 60 ms playout delay
  EXPECT_TRUE(media_->chunks.empty());
  ticks(5);
  std::size_t samples = 0;
  int loudest = 0;
  for (const auto& c : media_->chunks)
    for (auto s : c) {
      ++samples;
      loudest = std::max(loudest, std::abs(static_cast<int>(s)));
    }
  EXPECT_GE(samples, 4u * 320u);  // five 20 ms frames at 16 kHz, less the resampler's lag
  EXPECT_LE(samples, 5u * 320u);
  EXPECT_GT(loudest, 4000);
  EXPECT_EQ(session->counters().packets_in, 5u);
  EXPECT_EQ(session->counters().lost, 0);
  session->close();
}

TEST_F(RtpSessionTest, CallAudioGoesOutOnePacketPerTickWithRtpTiming) {
  auto session = open(peer_.local_endpoint());
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(session->send_audio(tone(320, 16000)));
  pump();
  EXPECT_FALSE(take(peer_));  // nothing before its tick
  std::vector<media::RtpPacket> got;
  std::vector<std::string> wires;
  for (int i = 0; i < 4; ++i) {
    ticks(1);
    auto wire = take(peer_);
    ASSERT_TRUE(wire) << "tick " << i;
    EXPECT_FALSE(take(peer_)) << "one packet per tick";
    wires.push_back(*wire);
  }
  for (const auto& w : wires) got.push_back(*media::parse_rtp(w));
  for (std::size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].header.payload_type, 0);
    EXPECT_EQ(got[i].payload.size(), 160u);
    EXPECT_EQ(got[i].header.marker, i == 0);  // a talkspurt's first packet
    if (i == 0) continue;
    EXPECT_EQ(media::sequence_delta(got[i].header.sequence, got[i - 1].header.sequence), 1);
    EXPECT_EQ(got[i].header.timestamp - got[i - 1].header.timestamp, 160u);
    EXPECT_EQ(got[i].header.ssrc, got[0].header.ssrc);
  }
  session->close();
}

TEST_F(RtpSessionTest, PcmaIsSpokenWhenNegotiated) {
  RtpSessionConfig config;
  config.codec = RtpCodec::kPcma;
  auto session = open(peer_.local_endpoint(), config);
  session->send_audio(tone(640, 16000));
  ticks(1);
  const auto wire = take(peer_);
  ASSERT_TRUE(wire);
  EXPECT_EQ(media::parse_rtp(*wire)->header.payload_type, 8);
  send_rtp(peer_, *session, {false, 0, 1, 0, 5}, mulaw_frame());  // PCMU is not ours: ignored
  EXPECT_EQ(session->counters().ignored, 1u);
  session->close();
}

TEST_F(RtpSessionTest, MediaGoesToTheSdpAddressUntilThePeersFirstPacketThenWhereItCameFrom) {
  udp::socket sdp_address(io_, udp::endpoint(loopback(), 0));  // what the SDP said
  auto session = open(sdp_address.local_endpoint());
  session->send_audio(tone(1280, 16000));  // three frames and some
  ticks(1);
  EXPECT_TRUE(take(sdp_address));
  // The phone is behind a NAT: its packets come from another port.
  send_rtp(peer_, *session, {true, 0, 1, 0, 9}, mulaw_frame());
  EXPECT_EQ(session->remote(), peer_.local_endpoint());
  ticks(1);
  EXPECT_TRUE(take(peer_));
  EXPECT_FALSE(take(sdp_address));
  // Once latched, packets from elsewhere are not taken (nor followed).
  send_rtp(sdp_address, *session, {false, 0, 2, 160, 9}, mulaw_frame());
  EXPECT_EQ(session->remote(), peer_.local_endpoint());
  EXPECT_EQ(session->counters().packets_in, 1u);
  EXPECT_EQ(session->counters().ignored, 1u);
  session->close();
}

TEST_F(RtpSessionTest, Rfc4733DigitsReachTheCallOncePerPress) {
  auto session = open(peer_.local_endpoint());
  std::uint16_t seq = 100;
  std::uint32_t ts = 8000;
  for (const char digit : std::string("1#1")) {
    const auto packets = media::telephone_event_packets(digit);
    for (const auto& p : *packets)
      send_rtp(peer_, *session, {p.marker, 101, seq++, ts, 3}, p.payload);
    ts += 1600;
  }
  EXPECT_EQ(media_->digits, "1#1");
  EXPECT_EQ(session->counters().digits_in, 3u);
  ticks(30);  // their places in the sequence play as nothing, not as lost audio
  EXPECT_TRUE(media_->chunks.empty());
  EXPECT_EQ(session->counters().jitter_buffer.lost, 0u);
  session->close();
}

TEST_F(RtpSessionTest, ADigitPressedDoesNotDelayTheAudioAfterIt) {
  auto session = open(peer_.local_endpoint());
  std::uint16_t seq = 0;
  const auto packets = media::telephone_event_packets('7');
  for (const auto& p : *packets) send_rtp(peer_, *session, {p.marker, 101, seq++, 0, 3}, p.payload);
  send_rtp(peer_, *session, {true, 0, seq++, 1600, 3}, mulaw_frame());
  ticks(8);  // 60 ms of playout delay, not another 8 frames behind the digit's packets
  EXPECT_FALSE(media_->chunks.empty());
  EXPECT_EQ(media_->digits, "7");
  session->close();
}

TEST_F(RtpSessionTest, DigitsAreSentAsRfc4733EventsInPlaceOfAudio) {
  auto session = open(peer_.local_endpoint());
  EXPECT_FALSE(session->send_digits("5x"));
  ASSERT_TRUE(session->send_digits("5"));
  std::vector<std::string> wires;
  for (int i = 0; i < 10; ++i) {
    ticks(1);
    while (auto w = take(peer_)) wires.push_back(*w);
  }
  ASSERT_EQ(wires.size(), 8u);  // start, 4 updates, 3 ends; then two quiet frames
  const auto first = *media::parse_rtp(wires[0]);
  for (std::size_t i = 0; i < wires.size(); ++i) {
    const auto p = *media::parse_rtp(wires[i]);
    EXPECT_EQ(p.header.payload_type, 101);
    EXPECT_EQ(p.header.marker, i == 0);
    EXPECT_EQ(p.header.timestamp, first.header.timestamp);
    const auto e = *media::parse_telephone_event(p.payload);
    EXPECT_EQ(e.event, 5);
    EXPECT_EQ(e.end, i >= 5);
  }
  session->close();
}

// As the live call sends a key: audio before it, then the key's 200 ms placeholder of silence.
// The audio queued before the digit goes first, the events take the placeholder's ticks, and
// what follows the placeholder plays right after, on time (RFC 4733: one timestamp per event).
TEST_F(RtpSessionTest, DigitsFollowTheQueuedAudioAndTakeTheirPlaceholdersTicks) {
  auto session = open(peer_.local_endpoint());
  const std::vector<std::int16_t> loud(320, 8000), quiet(320, 0);
  for (int i = 0; i < 3; ++i) session->send_audio(loud);  // speech queued ahead
  ASSERT_TRUE(session->send_digits("7"));
  for (int i = 0; i < 10; ++i) session->send_audio(quiet);  // the key's placeholder
  session->send_audio(loud);                                // speech after it
  std::vector<std::string> wires;
  for (int i = 0; i < 14; ++i) {
    ticks(1);
    while (auto w = take(peer_)) wires.push_back(*w);
  }
  std::vector<int> types;
  for (const auto& w : wires) types.push_back(media::parse_rtp(w)->header.payload_type);
  // The speech queued ahead (the resampler holds a little of it back), 8 event packets (the 2
  // quiet ticks send nothing), then the speech after.
  const auto events = std::find(types.begin(), types.end(), 101) - types.begin();
  ASSERT_GE(events, 1);
  ASSERT_EQ(types.size(), static_cast<std::size_t>(events) + 9);
  for (std::size_t i = 0; i < types.size(); ++i)
    EXPECT_EQ(types[i], i < static_cast<std::size_t>(events) || i == types.size() - 1 ? 0 : 101);
  const auto first_event = *media::parse_rtp(wires[events]);
  const auto after = *media::parse_rtp(wires.back());
  // The speech after the key is 10 ticks (1600 units) after the key's start, with a marker.
  EXPECT_EQ(after.header.timestamp - first_event.header.timestamp, 1600u);
  EXPECT_TRUE(after.header.marker);
  const auto end = *media::parse_telephone_event(media::parse_rtp(wires[events + 7])->payload);
  EXPECT_TRUE(end.end);
  EXPECT_EQ(end.event, 7);
  EXPECT_EQ(end.duration, 800);  // 100 ms at 8 kHz
  EXPECT_EQ(end.volume, 10);
  session->close();
}

TEST_F(RtpSessionTest, ALostPacketIsPlayedAsSilenceAndCounted) {
  auto session = open(peer_.local_endpoint());
  for (std::uint16_t s : {0, 1, 3})
    send_rtp(peer_, *session, {false, 0, s, 160u * s, 4}, mulaw_frame());
  ticks(8);
  ASSERT_EQ(media_->chunks.size(), 4u);
  const auto& gap = media_->chunks[2];
  EXPECT_EQ(gap.size(), 320u);
  EXPECT_TRUE(std::all_of(gap.begin(), gap.end(), [](auto s) { return s == 0; }));
  EXPECT_EQ(session->counters().lost, 1);
  EXPECT_EQ(session->counters().jitter_buffer.lost, 1u);
  session->close();
}

TEST_F(RtpSessionTest, TheOutboundQueueIsBoundedAndCountsWhatItRefuses) {
  RtpSessionConfig config;
  config.max_queued_frames = 2;
  auto session = open(peer_.local_endpoint(), config);
  EXPECT_FALSE(session->send_audio(tone(320 * 10, 16000)));
  EXPECT_GE(session->counters().dropped_out, 7u);
  session->clear();
  ticks(1);
  EXPECT_FALSE(take(peer_));  // clear() dropped what was queued
  session->close();
}

// What the SIP benchmark reads (bench/sip.sh): frames the server dropped and datagrams it
// ignored, per call, in /metrics.
TEST_F(RtpSessionTest, DroppedFramesAndIgnoredDatagramsShowInMetrics) {
  RtpSessionConfig config;
  config.max_queued_frames = 2;
  auto session = open(peer_.local_endpoint(), config);
  RtpStreams streams;
  streams.add("call-1", session);
  const auto before = streams.render();
  EXPECT_NE(before.find("switchboard_rtp_frames_dropped{call=\"call-1\"} 0\n"), std::string::npos)
      << before;
  session->send_audio(tone(320 * 10, 16000));
  peer_.send_to(asio::buffer(std::string("not rtp")),
                udp::endpoint(loopback(), session->local_port()));
  pump();
  const auto after = streams.render();
  const auto dropped = std::to_string(session->counters().dropped_out);
  EXPECT_GE(session->counters().dropped_out, 7u);
  EXPECT_NE(after.find("switchboard_rtp_frames_dropped{call=\"call-1\"} " + dropped + "\n"),
            std::string::npos)
      << after;
  EXPECT_NE(after.find("switchboard_rtp_packets_ignored{call=\"call-1\"} 1\n"), std::string::npos)
      << after;
  EXPECT_NE(after.find("switchboard_rtp_jitter_buffer_dropped{call=\"call-1\"} 0\n"),
            std::string::npos)
      << after;
  session->close();
}

TEST_F(RtpSessionTest, SenderReportsGoOutAndThePeersReportsAreRead) {
  RtpSessionConfig config;
  config.rtcp_interval = 100ms;
  auto session = open(peer_.local_endpoint(), config);
  session->send_audio(tone(640, 16000));
  ticks(1);
  const auto rtp = media::parse_rtp(*take(peer_));
  ASSERT_TRUE(rtp);
  // The peer's receiver report on our stream, from its RTCP socket (which latches RTCP).
  udp::socket peer_rtcp(io_, udp::endpoint(loopback(), 0));
  std::string rr;
  rr += static_cast<char>(0x81);
  rr += static_cast<char>(201);
  media::append_be(rr, 7, 2);
  media::append_be(rr, 1234, 4);
  media::append_be(rr, rtp->header.ssrc, 4);
  media::append_be(rr, 51, 1);  // a fifth lost
  media::append_be(rr, 2, 3);
  for (int i = 0; i < 4; ++i) media::append_be(rr, 0, 4);  // highest, jitter, LSR, DLSR
  peer_rtcp.send_to(asio::buffer(rr), udp::endpoint(loopback(), session->local_port() + 1));
  pump();
  const auto counters = session->counters();
  ASSERT_TRUE(counters.peer_report);
  EXPECT_EQ(counters.peer_report->fraction_lost, 51);
  EXPECT_EQ(counters.peer_report->cumulative_lost, 2);
  ticks(5);
  const auto sr = take(peer_rtcp);
  ASSERT_TRUE(sr);
  EXPECT_EQ(static_cast<std::uint8_t>((*sr)[1]), 200);
  EXPECT_EQ(media::read_be(*sr, 4, 4), rtp->header.ssrc);
  EXPECT_EQ(media::read_be(*sr, 20, 4), 1u);  // packets sent
  session->close();
}

TEST_F(RtpSessionTest, APeerSilentPastTheInactivityTimeoutHangsUpTheCallOnce) {
  RtpSessionConfig config;
  config.inactivity_timeout = 200ms;
  auto session = open(peer_.local_endpoint(), config);
  ticks(9);
  send_rtp(peer_, *session, {true, 0, 1, 0, 6}, mulaw_frame());  // heard at 180 ms
  ticks(9);
  EXPECT_TRUE(media_->hang_ups.empty());
  ticks(2);  // 200 ms after the last packet
  ASSERT_EQ(media_->hang_ups.size(), 1u);
  EXPECT_NE(media_->hang_ups[0].find("no RTP"), std::string::npos);
  ticks(20);
  EXPECT_EQ(media_->hang_ups.size(), 1u);
  session->close();
}

TEST_F(RtpSessionTest, AsACallTransportItIsPacedAndHangsUpOnce) {
  int byes = 0;
  RtpTransport transport(open(peer_.local_endpoint()), [&] { ++byes; });
  EXPECT_TRUE(transport.paced());
  EXPECT_TRUE(transport.send_audio(tone(1600, 16000)));  // five frames
  ticks(1);
  EXPECT_TRUE(take(peer_));
  transport.hang_up();
  transport.hang_up();
  EXPECT_EQ(byes, 1);  // one BYE
  EXPECT_FALSE(transport.send_audio(tone(320, 16000)));
  ticks(2);
  EXPECT_FALSE(take(peer_));  // the stream is closed: what was queued is not sent
}

// A bridge (a SIP transfer with sipVerb dial): two sessions relaying to each other.
class RtpRelayTest : public RtpSessionTest {
 protected:
  RtpRelayTest() : far_(io_, udp::endpoint(loopback(), 0)) {}

  // The caller's leg `a` (PCMU, peer_) bridged to the destination's `b` (`b_codec`, far_).
  void bridge(RtpCodec b_codec) {
    a_ = open(peer_.local_endpoint());
    RtpSessionConfig config;
    config.codec = b_codec;
    b_ = open(far_.local_endpoint(), config);
    a_->relay_to(b_);
    b_->relay_to(a_);
    pump();
  }
  // `frames` frames of `byte` from `from` to `to`, sequence numbers from `first`.
  void send_frames(udp::socket& from, const RtpSession& to, std::uint8_t type, char byte,
                   int frames, std::uint16_t first = 100, std::uint32_t ssrc = 0xabc) {
    for (int i = 0; i < frames; ++i) {
      const auto n = static_cast<std::uint16_t>(first + i);
      send_rtp(from, to, {i == 0, type, n, 160u * n, ssrc}, std::string(160, byte));
    }
  }
  static std::vector<media::RtpPacket> drain(udp::socket& socket, std::vector<std::string>& keep) {
    std::vector<media::RtpPacket> got;
    while (auto wire = take(socket)) keep.push_back(*wire);
    for (const auto& w : keep) got.push_back(*media::parse_rtp(w));
    return got;
  }

  udp::socket far_;
  std::shared_ptr<RtpSession> a_, b_;
};

TEST_F(RtpRelayTest, EqualCodecsPassPayloadsThroughUnderTheLegsOwnSsrcSequenceAndTimestamps) {
  bridge(RtpCodec::kPcmu);
  // The caller's frames arrive out of order: the jitter buffer puts them back.
  send_rtp(peer_, *a_, {false, 0, 11, 1760, 0xabc}, std::string(160, '\x11'));
  send_rtp(peer_, *a_, {true, 0, 10, 1600, 0xabc}, std::string(160, '\x10'));
  send_rtp(peer_, *a_, {false, 0, 12, 1920, 0xabc}, std::string(160, '\x12'));
  ticks(8);
  std::vector<std::string> wires;
  const auto got = drain(far_, wires);
  ASSERT_EQ(got.size(), 3u);
  for (std::size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].header.payload_type, 0);
    EXPECT_EQ(got[i].payload, std::string(160, static_cast<char>(0x10 + i)));  // untouched
    EXPECT_NE(got[i].header.ssrc, 0xabcu);  // the destination's leg speaks as itself
    EXPECT_EQ(got[i].header.marker, i == 0);
    if (i == 0) continue;
    EXPECT_EQ(got[i].header.ssrc, got[0].header.ssrc);
    EXPECT_EQ(media::sequence_delta(got[i].header.sequence, got[i - 1].header.sequence), 1);
    EXPECT_EQ(got[i].header.timestamp - got[i - 1].header.timestamp, 160u);
  }
  EXPECT_TRUE(media_->chunks.empty());  // the assistant hears nothing of a bridged call
  a_->close();
  b_->close();
}

TEST_F(RtpRelayTest, PcmuAndPcmaAreTranscodedBothWays) {
  bridge(RtpCodec::kPcma);
  send_frames(peer_, *a_, 0, '\x9f', 4);
  send_frames(far_, *b_, 8, '\xa5', 4, 500, 0xdef);
  ticks(8);
  std::vector<std::string> to_far, to_caller;
  const auto at_far = drain(far_, to_far);
  ASSERT_EQ(at_far.size(), 4u);
  const auto alaw = static_cast<char>(media::alaw_from_linear(media::linear_from_mulaw(0x9f)));
  for (const auto& p : at_far) {
    EXPECT_EQ(p.header.payload_type, 8);
    EXPECT_EQ(p.payload, std::string(160, alaw));
  }
  const auto at_caller = drain(peer_, to_caller);
  ASSERT_EQ(at_caller.size(), 4u);
  const auto mulaw = static_cast<char>(media::mulaw_from_linear(media::linear_from_alaw(0xa5)));
  for (const auto& p : at_caller) {
    EXPECT_EQ(p.header.payload_type, 0);
    EXPECT_EQ(p.payload, std::string(160, mulaw));
  }
  a_->close();
  b_->close();
}

TEST_F(RtpRelayTest, KeysAreRelayedAsEvents) {
  bridge(RtpCodec::kPcmu);
  const auto packets = media::telephone_event_packets('5');
  ASSERT_TRUE(packets);
  for (std::size_t i = 0; i < packets->size(); ++i)
    send_rtp(peer_, *a_, {(*packets)[i].marker, 101, static_cast<std::uint16_t>(20 + i), 3200, 1},
             (*packets)[i].payload);
  ticks(1);
  std::vector<std::string> wires;
  const auto got = drain(far_, wires);
  ASSERT_FALSE(got.empty());
  EXPECT_EQ(got[0].header.payload_type, 101);
  EXPECT_EQ(static_cast<std::uint8_t>(got[0].payload[0]), 5);  // the event code of '5'
  EXPECT_EQ(a_->counters().digits_in, 1u);
  EXPECT_EQ(b_->counters().digits_out, 1u);
  a_->close();
  b_->close();
}

TEST_F(RtpRelayTest, PayloadsFromTheOtherLegAreBoundedByTheQueue) {
  auto session = open(peer_.local_endpoint());
  for (int i = 0; i < 30; ++i) session->send_payload(RtpCodec::kPcmu, std::string(160, '\x22'));
  EXPECT_EQ(session->counters().dropped_out, 5u);  // 25 frames (500 ms) wait at most
  EXPECT_FALSE(session->send_payload(RtpCodec::kPcma, std::string(160, '\x22')));
  session->close();
  pump();
  EXPECT_FALSE(session->send_payload(RtpCodec::kPcmu, std::string(160, '\x22')));
}

}  // namespace
}  // namespace sb::voice
