// Dialling out through a SIP trunk (SipCarrier) against a scripted dialer and a manual clock:
// the INVITE's target, credentials (the store's secret, kept apart) and SDP offer naming an RTP
// port of the range; ringing and the endedReason of a refusal reported; the ring timeout and a
// hang-up here CANCEL; an answer for a call no longer live is hung up; and what check() refuses.
#include "runtime/voice/sip_carrier.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>
#include <boost/json/parse.hpp>

#include "core/api_error.hpp"
#include "core/manual_clock.hpp"
#include "runtime/voice/live_call.hpp"
#include "runtime/voice/rtp_ports.hpp"
#include "runtime/voice/rtp_streams.hpp"
#include "telephony/sip/sip_dial.hpp"

namespace sb::voice {
namespace {

namespace sip = telephony::sip;

struct ScriptedDialer : sip::SipDialer {
  std::vector<sip::SipDialRequest> requests;
  std::vector<sip::DialogId> hung_up;
  std::shared_ptr<sip::SipDialEvents> events;
  std::vector<std::shared_ptr<sip::SipDialEvents>> all;  ///< each INVITE's, in order
  sip::DialogId dial(sip::SipDialRequest request, std::shared_ptr<sip::SipDialEvents> e) override {
    requests.push_back(std::move(request));
    events = std::move(e);
    all.push_back(events);
    return last();
  }
  void hang_up(sip::DialogId dialog) override { hung_up.push_back(dialog); }
  sip::DialogId last() const { return sip::kOutboundDialogBit | requests.size(); }
};

constexpr const char* kAnswer =
    "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
    "m=audio 7000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n";

class SipCarrierTest : public ::testing::Test {
 protected:
  SipCarrierTest() {
    line.attach(std::make_shared<SipLineParts>(
        SipLineParts{dialer, boost::asio::make_strand(io), ports, io, streams, "sb.example.com",
                     boost::asio::ip::make_address("127.0.0.1")}));
    // A stored credential, its password apart under its path as the store opens it.
    number.number = boost::json::parse(R"({"provider":"byo-phone-number","number":"+14155550100"})")
                        .as_object();
    number.credential =
        boost::json::parse(
            R"({"provider":"byo-sip-trunk","gateways":[{"ip":"10.0.0.1","port":5070}],
                "outboundAuthenticationPlan":{"authUsername":"trunkuser"},
                "outboundAuthenticationPlan.authPassword":"s3cret"})")
            .as_object();
    order.call_id = "call-1";
    order.to = "+14155550199";
    order.ring_seconds = 20;
  }

  // A dialog the test left ringing or answered ends as the agent would end it at shutdown,
  // so its call (which keeps itself until its dialog's last event) goes.
  ~SipCarrierTest() override {
    for (std::size_t i = 0; i < dialer.all.size(); ++i) {
      const auto dialog = sip::kOutboundDialogBit | (i + 1);
      dialer.all[i]->on_failed(dialog, {487, "Request Terminated", "", ""});
      dialer.all[i]->on_ended(dialog, "BYE");
    }
    run();
  }

  // Dials and runs what the dial posted; the sid (or the error) is kept.
  void dial(std::function<std::shared_ptr<LiveCall>()> claim = [] { return nullptr; }) {
    carrier->dial(
        number, order, [this](std::string s, std::string e) { sid = s, error = e; },
        DialEvents{[this](const CarrierReport& r) { reports.push_back(r); }, claim});
    run();
  }
  void run() {
    io.restart();
    io.poll();
  }
  std::string check_error() {
    try {
      carrier->check(number);
    } catch (const ApiError& e) {
      const bool bad = e.code() == ErrorCode::kBadRequest;
      return std::string(bad                                      ? "400 "
                         : e.code() == ErrorCode::kNotImplemented ? "501 "
                                                                  : "? ") +
             e.what();
    }
    return "";
  }

  boost::asio::io_context io;
  ManualClock clock;
  RtpPorts ports{40000, 40009};
  RtpStreams streams;
  ScriptedDialer dialer;
  SipLine line;
  std::unique_ptr<OutboundCarrier> carrier = sip_trunk_carrier(line, clock);
  DialingNumber number;
  telephony::OutboundDial order;
  std::vector<CarrierReport> reports;
  std::string sid, error;
};

TEST_F(SipCarrierTest, CallsAreVapiSipCallsWithoutHttpCallbacks) {
  EXPECT_EQ(carrier->provider(), "byo-phone-number");
  EXPECT_EQ(carrier->call_provider(), "vapi");
  EXPECT_EQ(carrier->call_transport(), "sip");
  EXPECT_FALSE(carrier->calls_back());
  EXPECT_TRUE(carrier->keys_on_credential());
  EXPECT_EQ(check_error(), "");
}

TEST_F(SipCarrierTest, TheInviteGoesToTheGatewayWithTheTrunksCredentialsAndAnOfferOnAnRtpPort) {
  dial();
  EXPECT_EQ(sid, "call-1");
  EXPECT_EQ(error, "");
  ASSERT_EQ(dialer.requests.size(), 1u);
  const auto& invite = dialer.requests[0];
  EXPECT_EQ(invite.request_uri, "sip:14155550199@10.0.0.1:5070;transport=udp");
  EXPECT_EQ(invite.from_uri, "sip:14155550100@sb.example.com");
  EXPECT_EQ(invite.auth_username, "trunkuser");
  EXPECT_EQ(invite.auth_password, "s3cret");
  EXPECT_NE(invite.sdp.find("c=IN IP4 sb.example.com"), std::string::npos) << invite.sdp;
  EXPECT_NE(invite.sdp.find("m=audio 4000"), std::string::npos) << invite.sdp;
  EXPECT_EQ(ports.in_use(), 1u);
}

TEST_F(SipCarrierTest, RingingIsReportedAndARefusalEndsTheCallWithItsReason) {
  dial();
  dialer.events->on_progress(dialer.last(), {180, "Ringing", "", "c1"});
  run();
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_EQ(reports[0].status, "ringing");
  dialer.events->on_failed(dialer.last(), {486, "Busy Here", "", "c1"});
  run();
  ASSERT_EQ(reports.size(), 2u);
  EXPECT_EQ(reports[1].ended_reason, "customer-busy");
  run();  // the RTP session closes on its strand
  reports.clear();
  EXPECT_EQ(ports.in_use(), 0u);
}

TEST_F(SipCarrierTest, APhoneThatRingsTooLongIsCancelledAsNotAnswered) {
  dial();
  dialer.events->on_progress(dialer.last(), {180, "Ringing", "", "c1"});
  clock.advance(std::chrono::seconds(19));
  run();
  EXPECT_TRUE(dialer.hung_up.empty());
  clock.advance(std::chrono::seconds(1));
  run();
  ASSERT_EQ(dialer.hung_up.size(), 1u);  // CANCEL
  dialer.events->on_failed(dialer.last(), {487, "Request Terminated", "", "c1"});
  run();
  ASSERT_EQ(reports.size(), 2u);
  EXPECT_EQ(reports[1].ended_reason, "customer-did-not-answer");
}

TEST_F(SipCarrierTest, WithoutARingTimeoutThePhoneRingsVapisDefaultSixtySeconds) {
  order.ring_seconds = 0;
  dial();
  clock.advance(std::chrono::seconds(59));
  run();
  EXPECT_TRUE(dialer.hung_up.empty());
  clock.advance(std::chrono::seconds(1));
  run();
  EXPECT_EQ(dialer.hung_up.size(), 1u);
}

TEST_F(SipCarrierTest, ACallEndedHereWhileRingingIsCancelled) {
  dial();
  carrier->hang_up(number, sid);
  run();
  ASSERT_EQ(dialer.hung_up.size(), 1u);
  EXPECT_EQ(dialer.hung_up[0], dialer.last());
  dialer.events->on_failed(dialer.last(), {487, "Request Terminated", "", "c1"});
  run();
  // Its own end already stands; once over, another hang-up does nothing.
  carrier->hang_up(number, sid);
  run();
  EXPECT_EQ(dialer.hung_up.size(), 1u);
}

TEST_F(SipCarrierTest, AnAnswerForACallNoLongerLiveIsHungUp) {
  bool claimed = false;
  dial([&claimed] {
    claimed = true;
    return nullptr;
  });
  dialer.events->on_answered(dialer.last(), {200, "OK", kAnswer, "c1"});
  run();
  EXPECT_TRUE(claimed);
  ASSERT_EQ(dialer.hung_up.size(), 1u);  // BYE
  dialer.events->on_ended(dialer.last(), "BYE");
  run();
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_FALSE(reports[0].ended_reason.empty());
}

TEST_F(SipCarrierTest, CheckRefusesWhatCannotDialOut) {
  number.credential["gateways"] = boost::json::parse(R"([{"ip":"10.0.0.1","outboundEnabled":false},
                                                        {"ip":"10.0.0.2","outboundProtocol":"tls"}])");
  EXPECT_NE(check_error().find("400 The SIP trunk credential has no gateway to dial out through"),
            std::string::npos)
      << check_error();
  EXPECT_NE(check_error().find("tls"), std::string::npos) << check_error();
  number.credential = boost::json::object{};
  EXPECT_NE(check_error().find("400 The phone number's credentialId names no byo-sip-trunk"),
            std::string::npos)
      << check_error();
  number.credential = boost::json::object{{"provider", "twilio"}};
  EXPECT_NE(check_error().find("is a twilio credential"), std::string::npos) << check_error();
  line.detach();
  EXPECT_NE(check_error().find("501 "), std::string::npos) << check_error();
  EXPECT_NE(check_error().find("--sip-port"), std::string::npos) << check_error();
}

TEST_F(SipCarrierTest, ACustomersSipUriIsDialledStraightWithoutTheTrunksCredentials) {
  order.to_uri = "sip:alice@pbx.example.com:5080;transport=tcp";
  dial();
  ASSERT_EQ(dialer.requests.size(), 1u);
  EXPECT_EQ(dialer.requests[0].request_uri, "sip:alice@pbx.example.com:5080;transport=tcp");
  EXPECT_EQ(dialer.requests[0].to_uri, "sip:alice@pbx.example.com:5080");
  EXPECT_EQ(dialer.requests[0].from_uri, "sip:+14155550100@sb.example.com");
  EXPECT_EQ(dialer.requests[0].auth_username, "");
}

TEST_F(SipCarrierTest, AVapiNumberCallsSipUrisOnlyFromItsOwnSipUser) {
  auto vapi = sip_uri_carrier(line, clock);
  EXPECT_EQ(vapi->provider(), "vapi");
  EXPECT_FALSE(vapi->keys_on_credential());
  DialingNumber desk{
      boost::json::parse(R"({"provider":"vapi","sipUri":"sip:desk@sb.example.com"})").as_object(),
      {}};
  EXPECT_NO_THROW(vapi->check(desk));
  EXPECT_THROW(vapi->check_customer(desk, boost::json::object{{"number", "+14155550199"}}),
               ApiError);
  EXPECT_THROW(vapi->check_customer(desk, boost::json::object{{"sipUri", "sips:a@b"}}), ApiError);
  EXPECT_NO_THROW(vapi->check_customer(desk, boost::json::object{{"sipUri", "sip:a@b"}}));
  order.to_uri = "sip:alice@10.0.0.7";
  vapi->dial(
      desk, order, [](std::string, std::string) {},
      DialEvents{[](const CarrierReport&) {}, [] { return nullptr; }});
  run();
  ASSERT_EQ(dialer.requests.size(), 1u);
  EXPECT_EQ(dialer.requests[0].request_uri, "sip:alice@10.0.0.7");
  EXPECT_EQ(dialer.requests[0].from_uri, "sip:desk@sb.example.com");
  // A trunk's number dials a customer's number, or a sipUri.
  EXPECT_NO_THROW(carrier->check_customer(number, boost::json::object{{"number", "+1415"}}));
  EXPECT_NO_THROW(carrier->check_customer(number, boost::json::object{{"sipUri", "sip:a@b"}}));
  EXPECT_THROW(carrier->check_customer(number, boost::json::object{{"name", "x"}}), ApiError);
}

}  // namespace
}  // namespace sb::voice
