// An outbound trunk call's signalling against a scripted dialer: the gateways are tried in
// order on 5xx and timeouts, a final refusal ends the call with its endedReason, the answer's
// SDP becomes the agreed audio, and hanging up cancels or says BYE.
#include "telephony/sip/trunk_call.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace sb::telephony::sip {
namespace {

struct ScriptedDialer : SipDialer {
  std::vector<SipDialRequest> requests;
  std::vector<DialogId> hung_up;
  std::shared_ptr<SipDialEvents> events;
  DialogId dial(SipDialRequest request, std::shared_ptr<SipDialEvents> e) override {
    requests.push_back(std::move(request));
    events = std::move(e);
    return kOutboundDialogBit | requests.size();
  }
  void hang_up(DialogId dialog) override { hung_up.push_back(dialog); }
  DialogId last() const { return kOutboundDialogBit | requests.size(); }
};

struct RecordedCall : TrunkCallListener {
  int ringing = 0;
  std::optional<AgreedAudio> audio;
  DialogId answered_dialog = 0;
  std::vector<std::pair<std::string, int>> ended;
  void on_ringing() override { ++ringing; }
  void on_answered(DialogId dialog, const AgreedAudio& a, const SipDialResponse&) override {
    answered_dialog = dialog;
    audio = a;
  }
  void on_ended(const std::string& reason, int status) override {
    ended.emplace_back(reason, status);
  }
};

constexpr const char* kAnswer =
    "v=0\r\no=- 1 1 IN IP4 10.0.0.9\r\ns=-\r\nc=IN IP4 10.0.0.9\r\nt=0 0\r\n"
    "m=audio 7000 RTP/AVP 8 101\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\n";

class TrunkCallTest : public ::testing::Test {
 protected:
  std::vector<TrunkTarget> targets(int n) {
    std::string gateways;
    for (int i = 1; i <= n; ++i)
      gateways += std::string(i > 1 ? "," : "") + "{\"ip\":\"10.0.0." + std::to_string(i) + "\"}";
    const auto c = boost::json::parse(
                       R"({"gateways":[)" + gateways +
                       R"(],"outboundAuthenticationPlan":{"authUsername":"u","authPassword":"p"}})")
                       .as_object();
    return trunk_targets(c, "+14155550100", "+14155550199", "sb.example.com").targets;
  }
  ScriptedDialer dialer;
  std::shared_ptr<RecordedCall> call = std::make_shared<RecordedCall>();
};

TEST_F(TrunkCallTest, AnsweredCallGivesTheAgreedAudioAndEndsOnThePeersBye) {
  auto trunk = TrunkCall::start(dialer, targets(2), "offer-sdp", call);
  ASSERT_EQ(dialer.requests.size(), 1u);
  EXPECT_EQ(dialer.requests[0].request_uri, "sip:14155550199@10.0.0.1:5060;transport=udp");
  EXPECT_EQ(dialer.requests[0].sdp, "offer-sdp");
  EXPECT_EQ(dialer.requests[0].auth_username, "u");
  dialer.events->on_progress(dialer.last(), {180, "Ringing", "", "c1"});
  dialer.events->on_progress(dialer.last(), {183, "Session Progress", "", "c1"});
  EXPECT_EQ(call->ringing, 1);
  dialer.events->on_answered(dialer.last(), {200, "OK", kAnswer, "c1"});
  ASSERT_TRUE(call->audio);
  EXPECT_EQ(call->audio->codec, media::G711Law::kAlaw);
  EXPECT_EQ(call->audio->remote_address, "10.0.0.9");
  EXPECT_EQ(call->audio->remote_rtp_port, 7000);
  EXPECT_EQ(call->answered_dialog, dialer.last());
  EXPECT_TRUE(call->ended.empty());
  dialer.events->on_ended(dialer.last(), "200 BYE");
  ASSERT_EQ(call->ended.size(), 1u);
  EXPECT_EQ(call->ended[0].first, "customer-ended-call");
  EXPECT_EQ(dialer.requests.size(), 1u);
}

TEST_F(TrunkCallTest, ServiceUnavailableTriesTheNextGateway) {
  auto trunk = TrunkCall::start(dialer, targets(3), "offer", call);
  dialer.events->on_failed(dialer.last(), {503, "Service Unavailable", "", "c1"});
  ASSERT_EQ(dialer.requests.size(), 2u);
  EXPECT_EQ(dialer.requests[1].request_uri, "sip:14155550199@10.0.0.2:5060;transport=udp");
  // A late event of the first attempt changes nothing.
  dialer.events->on_failed(kOutboundDialogBit | 1, {486, "Busy Here", "", "c1"});
  EXPECT_TRUE(call->ended.empty());
  dialer.events->on_failed(dialer.last(), {408, "Request Timeout", "", "c2"});
  ASSERT_EQ(dialer.requests.size(), 3u);
  dialer.events->on_failed(dialer.last(), {503, "Service Unavailable", "", "c3"});
  ASSERT_EQ(call->ended.size(), 1u);
  EXPECT_EQ(call->ended[0].first,
            "call.in-progress.error-providerfault-outbound-sip-503-service-unavailable");
  EXPECT_EQ(call->ended[0].second, 503);
}

TEST_F(TrunkCallTest, BusyEndsTheCallWithoutTryingOtherGateways) {
  auto trunk = TrunkCall::start(dialer, targets(2), "offer", call);
  dialer.events->on_failed(dialer.last(), {486, "Busy Here", "", "c1"});
  EXPECT_EQ(dialer.requests.size(), 1u);
  ASSERT_EQ(call->ended.size(), 1u);
  EXPECT_EQ(call->ended[0], (std::pair<std::string, int>{"customer-busy", 486}));
}

TEST_F(TrunkCallTest, RingTimeoutCancelsAndEndsAsNotAnswered) {
  auto trunk = TrunkCall::start(dialer, targets(2), "offer", call);
  dialer.events->on_progress(dialer.last(), {180, "Ringing", "", "c1"});
  trunk->hang_up(kNoAnswerReason);
  EXPECT_EQ(dialer.hung_up, std::vector<DialogId>{dialer.last()});
  dialer.events->on_failed(dialer.last(), {487, "Request Terminated", "", "c1"});
  ASSERT_EQ(call->ended.size(), 1u);
  EXPECT_EQ(call->ended[0].first, "customer-did-not-answer");
  EXPECT_EQ(dialer.requests.size(), 1u);  // not another gateway
}

TEST_F(TrunkCallTest, AnswerWithoutACommonCodecIsHungUp) {
  auto trunk = TrunkCall::start(dialer, targets(1), "offer", call);
  dialer.events->on_answered(
      dialer.last(), {200, "OK",
                      "v=0\r\no=- 1 1 IN IP4 1.1.1.1\r\ns=-\r\nc=IN IP4 1.1.1.1\r\nt=0 0\r\n"
                      "m=audio 0 RTP/AVP 0\r\n",
                      "c1"});
  EXPECT_FALSE(call->audio);
  EXPECT_EQ(dialer.hung_up.size(), 1u);
  dialer.events->on_ended(dialer.last(), "BYE");
  ASSERT_EQ(call->ended.size(), 1u);
  EXPECT_EQ(call->ended[0].first, kFailedToConnectReason);
}

TEST_F(TrunkCallTest, NoTargetsFailsAtOnce) {
  auto trunk = TrunkCall::start(dialer, {}, "offer", call);
  EXPECT_TRUE(dialer.requests.empty());
  ASSERT_EQ(call->ended.size(), 1u);
  EXPECT_EQ(call->ended[0].first, kFailedToConnectReason);
}

}  // namespace
}  // namespace sb::telephony::sip
