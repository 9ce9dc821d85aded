// SDP parsing and offer/answer against offers shaped like those of real SIP peers (written
// after RFC 4566/3264/4733 examples and the attribute sets those peers are known to send).
#include <gtest/gtest.h>

#include <string>

#include "telephony/sip/sdp.hpp"
#include "telephony/sip/sdp_negotiation.hpp"

namespace sb::telephony::sip {
namespace {

// Linphone-style: opus first, several dynamic codecs, telephone-event twice, rtcp-fb.
constexpr const char* kOpusFirst =
    "v=0\r\n"
    "o=alice 1583 2877 IN IP4 192.168.1.20\r\n"
    "s=Talk\r\n"
    "c=IN IP4 192.168.1.20\r\n"
    "t=0 0\r\n"
    "a=rtcp-xr:rcvr-rtt=all:10000 stat-summary=loss,dup,jitt,TTL voip-metrics\r\n"
    "m=audio 7078 RTP/AVP 96 97 98 0 8 101 99 100\r\n"
    "a=rtpmap:96 opus/48000/2\r\n"
    "a=fmtp:96 useinbandfec=1\r\n"
    "a=rtpmap:97 speex/16000\r\n"
    "a=rtpmap:98 speex/8000\r\n"
    "a=rtpmap:101 telephone-event/48000\r\n"
    "a=rtpmap:99 telephone-event/16000\r\n"
    "a=rtpmap:100 telephone-event/8000\r\n"
    "a=rtcp-fb:* trr-int 1000\r\n";

// Zoiper-style: PCMA only plus telephone-event 101, with ICE candidates to skip.
constexpr const char* kPcmaOnlyWithIce =
    "v=0\n"
    "o=Z 0 14006208 IN IP4 10.0.0.7\n"
    "s=Z\n"
    "c=IN IP4 10.0.0.7\n"
    "t=0 0\n"
    "a=ice-ufrag:8hhY\n"
    "a=ice-pwd:asd88fgpdd777uzjYhagZg\n"
    "m=audio 8000 RTP/AVP 8 101\n"
    "a=rtpmap:101 telephone-event/8000\n"
    "a=fmtp:101 0-15\n"
    "a=candidate:1 1 UDP 2130706431 10.0.0.7 8000 typ host\n"
    "a=candidate:2 1 UDP 1694498815 203.0.113.9 40112 typ srflx raddr 10.0.0.7 rport 8000\n"
    "a=rtcp:8001\n"
    "a=sendrecv\n";

// Asterisk-style: PCMU, PCMA, GSM, telephone-event 101, ptime 20, maxptime.
constexpr const char* kAsterisk =
    "v=0\r\n"
    "o=- 1804289383 1804289383 IN IP4 198.51.100.4\r\n"
    "s=Asterisk\r\n"
    "c=IN IP4 198.51.100.4\r\n"
    "t=0 0\r\n"
    "m=audio 14562 RTP/AVP 0 8 3 101\r\n"
    "a=rtpmap:0 PCMU/8000\r\n"
    "a=rtpmap:8 PCMA/8000\r\n"
    "a=rtpmap:3 GSM/8000\r\n"
    "a=rtpmap:101 telephone-event/8000\r\n"
    "a=fmtp:101 0-16\r\n"
    "a=ptime:20\r\n"
    "a=maxptime:150\r\n"
    "a=sendrecv\r\n";

// FreeSWITCH-style: PCMA before PCMU, media-level c=, a=rtcp, a session-level direction.
constexpr const char* kFreeSwitch =
    "v=0\r\n"
    "o=FreeSWITCH 1700000000 1700000001 IN IP4 203.0.113.50\r\n"
    "s=FreeSWITCH\r\n"
    "c=IN IP4 203.0.113.50\r\n"
    "t=0 0\r\n"
    "a=sendrecv\r\n"
    "m=audio 24680 RTP/AVP 8 0 102 101 13\r\n"
    "c=IN IP4 203.0.113.51\r\n"
    "a=rtpmap:102 G722/8000\r\n"
    "a=rtpmap:101 telephone-event/8000\r\n"
    "a=fmtp:101 0-16\r\n"
    "a=ptime:20\r\n"
    "a=rtcp:24681 IN IP4 203.0.113.51\r\n";

// sipp's uac_pcap-style offer: PCMU with telephone-event 101.
constexpr const char* kSipp =
    "v=0\r\n"
    "o=user1 53655765 2353687637 IN IP4 127.0.0.1\r\n"
    "s=-\r\n"
    "c=IN IP4 127.0.0.1\r\n"
    "t=0 0\r\n"
    "m=audio 6000 RTP/AVP 0 101\r\n"
    "a=rtpmap:0 PCMU/8000\r\n"
    "a=rtpmap:101 telephone-event/8000\r\n"
    "a=fmtp:101 0-11,16\r\n";

const LocalMedia kLocal{"203.0.113.7", 40000, 42, 1};

bool has_line(const std::string& sdp, const std::string& line) {
  return sdp.find(line + "\r\n") != std::string::npos;
}

TEST(SipSdp, ParsesSessionMediaFormatsAndAttributes) {
  const auto sdp = parse_sdp(kFreeSwitch);
  EXPECT_EQ(sdp.origin_user, "FreeSWITCH");
  EXPECT_EQ(sdp.session_version, "1700000001");
  EXPECT_EQ(sdp.connection_address, "203.0.113.50");
  ASSERT_EQ(sdp.media.size(), 1u);
  const auto& m = sdp.media[0];
  EXPECT_EQ(m.media, "audio");
  EXPECT_EQ(m.port, 24680);
  EXPECT_EQ(m.connection_address, "203.0.113.51");  // the media's c= wins
  ASSERT_EQ(m.formats.size(), 5u);
  EXPECT_EQ(m.formats[0].encoding, "PCMA");  // static type, no rtpmap needed
  EXPECT_EQ(m.formats[2].encoding, "G722");
  EXPECT_EQ(m.formats[3].fmtp, "0-16");
  EXPECT_EQ(m.formats[4].encoding, "CN");
  EXPECT_EQ(m.ptime, 20);
  EXPECT_EQ(m.rtcp_port, 24681);
  EXPECT_EQ(m.direction, Direction::kSendRecv);
}

TEST(SipSdp, AnswersAsteriskWithPcmuAndItsTelephoneEvent) {
  const auto answer = answer_offer(parse_sdp(kAsterisk), kLocal);
  ASSERT_TRUE(answer.audio);
  EXPECT_EQ(answer.audio->codec, media::G711Law::kMulaw);
  EXPECT_EQ(answer.audio->telephone_event_type, 101);
  EXPECT_EQ(answer.audio->remote_address, "198.51.100.4");
  EXPECT_EQ(answer.audio->remote_rtp_port, 14562);
  EXPECT_EQ(answer.audio->remote_rtcp_port, 14563);
  EXPECT_TRUE(has_line(answer.sdp, "m=audio 40000 RTP/AVP 0 101"));
  EXPECT_TRUE(has_line(answer.sdp, "c=IN IP4 203.0.113.7"));
  EXPECT_TRUE(has_line(answer.sdp, "o=switchboard 42 1 IN IP4 203.0.113.7"));
  EXPECT_TRUE(has_line(answer.sdp, "a=rtpmap:0 PCMU/8000"));
  EXPECT_TRUE(has_line(answer.sdp, "a=rtpmap:101 telephone-event/8000"));
  EXPECT_TRUE(has_line(answer.sdp, "a=fmtp:101 0-16"));
  EXPECT_TRUE(has_line(answer.sdp, "a=ptime:20"));
  EXPECT_TRUE(has_line(answer.sdp, "a=sendrecv"));
  EXPECT_EQ(answer.sdp.find("GSM"), std::string::npos);
  // The answer is itself a description a peer can read.
  EXPECT_EQ(parse_sdp(answer.sdp).media.at(0).formats.size(), 2u);
}

TEST(SipSdp, SkipsOpusAndPicksTheOnlyNarrowbandTelephoneEvent) {
  const auto answer = answer_offer(parse_sdp(kOpusFirst), kLocal);
  ASSERT_TRUE(answer.audio);
  EXPECT_EQ(answer.audio->codec, media::G711Law::kMulaw);
  EXPECT_EQ(answer.audio->payload_type, 0);
  EXPECT_EQ(answer.audio->telephone_event_type, 100);  // the 8000 Hz one, not 101 or 99
  EXPECT_TRUE(has_line(answer.sdp, "m=audio 40000 RTP/AVP 0 100"));
  EXPECT_TRUE(has_line(answer.sdp, "a=fmtp:100 0-16"));  // none offered: the RFC 4733 set
  EXPECT_EQ(answer.sdp.find("opus"), std::string::npos);
}

TEST(SipSdp, AcceptsPcmaOnlyAndIgnoresIce) {
  const auto answer = answer_offer(parse_sdp(kPcmaOnlyWithIce), kLocal);
  ASSERT_TRUE(answer.audio);
  EXPECT_EQ(answer.audio->codec, media::G711Law::kAlaw);
  EXPECT_EQ(answer.audio->payload_type, 8);
  EXPECT_EQ(answer.audio->remote_rtcp_port, 8001);
  EXPECT_TRUE(has_line(answer.sdp, "m=audio 40000 RTP/AVP 8 101"));
  EXPECT_TRUE(has_line(answer.sdp, "a=fmtp:101 0-15"));  // the offerer's event set kept
  EXPECT_EQ(answer.sdp.find("candidate"), std::string::npos);
  EXPECT_EQ(answer.sdp.find("ice-"), std::string::npos);
}

TEST(SipSdp, FollowsTheOfferersOrderBetweenPcmaAndPcmu) {
  const auto answer = answer_offer(parse_sdp(kFreeSwitch), kLocal);
  ASSERT_TRUE(answer.audio);
  EXPECT_EQ(answer.audio->codec, media::G711Law::kAlaw);
  EXPECT_EQ(answer.audio->remote_address, "203.0.113.51");
  EXPECT_EQ(answer.audio->remote_rtcp_port, 24681);
}

TEST(SipSdp, AnswersSippWithItsEventSet) {
  const auto answer = answer_offer(parse_sdp(kSipp), kLocal);
  ASSERT_TRUE(answer.audio);
  EXPECT_EQ(answer.audio->remote_address, "127.0.0.1");
  EXPECT_TRUE(has_line(answer.sdp, "a=fmtp:101 0-11,16"));
}

TEST(SipSdp, MirrorsDirectionsAndOldStyleHold) {
  auto with = [](const std::string& extra, const std::string& address = "192.0.2.5") {
    return "v=0\r\no=- 1 1 IN IP4 192.0.2.5\r\ns=-\r\nc=IN IP4 " + address +
           "\r\nt=0 0\r\nm=audio 5004 RTP/AVP 0\r\n" + extra;
  };
  EXPECT_TRUE(has_line(answer_offer(parse_sdp(with("a=sendonly\r\n")), kLocal).sdp, "a=recvonly"));
  EXPECT_TRUE(has_line(answer_offer(parse_sdp(with("a=recvonly\r\n")), kLocal).sdp, "a=sendonly"));
  EXPECT_TRUE(has_line(answer_offer(parse_sdp(with("a=inactive\r\n")), kLocal).sdp, "a=inactive"));
  // c=0.0.0.0: the offerer receives nothing, so this side only listens.
  const auto hold = answer_offer(parse_sdp(with("", "0.0.0.0")), kLocal);
  ASSERT_TRUE(hold.audio);
  EXPECT_EQ(hold.audio->direction, Direction::kRecvOnly);
  EXPECT_TRUE(has_line(hold.sdp, "a=recvonly"));
  EXPECT_TRUE(has_line(answer_offer(parse_sdp(with("a=recvonly\r\n", "0.0.0.0")), kLocal).sdp,
                       "a=inactive"));
}

TEST(SipSdp, RejectsVideoSecondAudioSrtpAndUnknownCodecsWithPortZero) {
  const std::string offer =
      "v=0\r\no=- 1 1 IN IP4 192.0.2.5\r\ns=-\r\nc=IN IP4 192.0.2.5\r\nt=0 0\r\n"
      "m=video 5006 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\n"
      "m=audio 5008 RTP/SAVP 0\r\na=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:abc\r\n"
      "m=audio 5004 RTP/AVP 0\r\n"
      "m=audio 5010 RTP/AVP 8\r\n"
      "m=application 5012 UDP/BFCP *\r\n";
  const auto answer = answer_offer(parse_sdp(offer), kLocal);
  ASSERT_TRUE(answer.audio);
  EXPECT_EQ(answer.audio->remote_rtp_port, 5004);
  const auto parsed = parse_sdp(answer.sdp);
  ASSERT_EQ(parsed.media.size(), 5u);  // one answer line per offered line, in order
  EXPECT_EQ(parsed.media[0].port, 0);
  EXPECT_EQ(parsed.media[0].media, "video");
  EXPECT_EQ(parsed.media[1].port, 0);
  EXPECT_EQ(parsed.media[1].protocol, "RTP/SAVP");
  EXPECT_EQ(parsed.media[2].port, 40000);
  EXPECT_EQ(parsed.media[3].port, 0);  // one audio stream per call
  EXPECT_EQ(parsed.media[4].port, 0);
  EXPECT_TRUE(has_line(answer.sdp, "m=application 0 UDP/BFCP *"));

  const std::string g729_only =
      "v=0\r\no=- 1 1 IN IP4 192.0.2.5\r\ns=-\r\nc=IN IP4 192.0.2.5\r\nt=0 0\r\n"
      "m=audio 5004 RTP/AVP 18 101\r\na=rtpmap:101 telephone-event/8000\r\n";
  const auto none = answer_offer(parse_sdp(g729_only), kLocal);
  EXPECT_FALSE(none.audio);  // the caller refuses the INVITE with 488
  EXPECT_TRUE(has_line(none.sdp, "m=audio 0 RTP/AVP 18"));
}

TEST(SipSdp, OnlyAnEventListIsEchoedFromTheOfferersFmtp) {
  const std::string offer =
      "v=0\r\no=- 1 1 IN IP4 192.0.2.5\r\ns=-\r\nc=IN IP4 192.0.2.5\r\nt=0 0\r\n"
      "m=audio 5004 RTP/AVP 0 101\r\na=rtpmap:101 telephone-event/8000\r\n"
      "a=fmtp:101 0-15 m=video 9 RTP/AVP 96\r\n";
  const auto answer = answer_offer(parse_sdp(offer), kLocal);
  EXPECT_TRUE(has_line(answer.sdp, "a=fmtp:101 0-16"));
  EXPECT_EQ(answer.sdp.find("video"), std::string::npos);
  // A CR (or NUL) inside a line is no SDP at all.
  auto with_cr = offer;
  with_cr.replace(with_cr.find("0-15 m=video"), 5, "0-15\r");
  EXPECT_THROW(parse_sdp(with_cr), SdpError);
}

TEST(SipSdp, DynamicPayloadTypeNamedPcmuIsAccepted) {
  const std::string offer =
      "v=0\r\no=- 1 1 IN IP4 192.0.2.5\r\ns=-\r\nc=IN IP4 192.0.2.5\r\nt=0 0\r\n"
      "m=audio 5004 RTP/AVP 112\r\na=rtpmap:112 pcmu/8000\r\n";
  const auto answer = answer_offer(parse_sdp(offer), kLocal);
  ASSERT_TRUE(answer.audio);
  EXPECT_EQ(answer.audio->payload_type, 112);
  EXPECT_TRUE(has_line(answer.sdp, "a=rtpmap:112 PCMU/8000"));
}

TEST(SipSdp, OfferAndItsAnswerRoundTrip) {
  const auto offer = make_offer({"2001:db8::7", 41000, 9, 2});
  EXPECT_TRUE(has_line(offer, "c=IN IP6 2001:db8::7"));
  EXPECT_TRUE(has_line(offer, "m=audio 41000 RTP/AVP 0 8 101"));
  EXPECT_TRUE(has_line(offer, "a=fmtp:101 0-16"));
  EXPECT_TRUE(has_line(offer, "a=ptime:20"));
  // A peer (this same code standing in for one) answers it; reading that answer agrees.
  const auto answer = answer_offer(parse_sdp(offer), kLocal);
  const auto agreed = read_answer(parse_sdp(answer.sdp));
  ASSERT_TRUE(agreed);
  EXPECT_EQ(agreed->codec, media::G711Law::kMulaw);
  EXPECT_EQ(agreed->telephone_event_type, 101);
  EXPECT_EQ(agreed->remote_address, "203.0.113.7");
  EXPECT_EQ(agreed->remote_rtp_port, 40000);

  const std::string refused =
      "v=0\r\no=- 1 1 IN IP4 192.0.2.5\r\ns=-\r\nc=IN IP4 192.0.2.5\r\nt=0 0\r\n"
      "m=audio 0 RTP/AVP 0\r\n";
  EXPECT_FALSE(read_answer(parse_sdp(refused)));
}

TEST(SipSdp, MalformedDescriptionsAreClearErrors) {
  const std::string head = "v=0\r\no=- 1 1 IN IP4 192.0.2.5\r\ns=-\r\n";
  const auto error_of = [](const std::string& text) -> std::string {
    try {
      parse_sdp(text);
    } catch (const SdpError& e) {
      return e.what();
    }
    return "";
  };
  EXPECT_NE(error_of(""), "");
  EXPECT_NE(error_of("o=- 1 1 IN IP4 x\r\nv=0\r\n").find("v=0"), std::string::npos);
  EXPECT_NE(error_of("v=1\r\n").find("version"), std::string::npos);
  EXPECT_NE(error_of("v=0\r\ns=-\r\n").find("no o="), std::string::npos);
  EXPECT_NE(error_of("v=0\r\no=- 1\r\ns=-\r\n").find("o="), std::string::npos);
  EXPECT_NE(error_of(head + "garbage\r\n").find("line 4"), std::string::npos);
  EXPECT_NE(error_of(head + "c=IN IP4\r\n").find("c="), std::string::npos);
  EXPECT_NE(error_of(head + "c=IN IP4 1.2.3.4\r\nm=audio 70000 RTP/AVP 0\r\n").find("port"),
            std::string::npos);
  EXPECT_NE(
      error_of(head + "c=IN IP4 1.2.3.4\r\nm=audio 5004 RTP/AVP 300\r\n").find("payload type"),
      std::string::npos);
  EXPECT_NE(error_of(head + "c=IN IP4 1.2.3.4\r\nm=audio 5004 RTP/AVP\r\n").find("m="),
            std::string::npos);
  EXPECT_NE(error_of(head + "m=audio 5004 RTP/AVP 0\r\n").find("no connection address"),
            std::string::npos);
  EXPECT_NE(error_of(head + "c=IN IP4 1.2.3.4\r\nm=audio 5004 RTP/AVP 96\r\na=rtpmap:96 opus\r\n")
                .find("rtpmap"),
            std::string::npos);
  EXPECT_NE(
      error_of(head + "c=IN IP4 1.2.3.4\r\nm=audio 5004 RTP/AVP 0\r\na=ptime:-5\r\n").find("ptime"),
      std::string::npos);
  EXPECT_NE(
      error_of(head + "c=IN IP4 1.2.3.4\r\nm=audio 5004 RTP/AVP 0\r\na=rtcp:x\r\n").find("rtcp"),
      std::string::npos);
  EXPECT_NE(error_of(std::string(kMaxSdpSize + 1, 'a')).find("larger"), std::string::npos);
  // A disabled stream needs no address; unknown lines and attributes are skipped.
  EXPECT_EQ(error_of(head + "b=AS:64\r\nm=video 0 RTP/AVP 96\r\na=x-anything\r\n"), "");
}

TEST(SipSdp, HostileBytesNeverCrash) {
  // Every prefix of a real offer, and a few binary mutations, either parse or throw SdpError.
  const std::string offer = kOpusFirst;
  for (std::size_t n = 0; n <= offer.size(); ++n) {
    std::string text = offer.substr(0, n);
    for (int mutation = 0; mutation < 3; ++mutation) {
      if (mutation == 1 && n > 0) text[n / 2] = '\0';
      if (mutation == 2 && n > 0) text[n - 1] = '\xff';
      try {
        (void)answer_offer(parse_sdp(text), kLocal);
      } catch (const SdpError&) {
      }
    }
  }
}

}  // namespace
}  // namespace sb::telephony::sip
