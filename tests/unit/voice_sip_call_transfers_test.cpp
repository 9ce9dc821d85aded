// Transfers of live SIP calls (sipVerb refer / bye / dial) against a recording agent: what the
// REFER names, when the transfer counts as done, and what the model is told when it is not.
#include "runtime/voice/sip_call_transfers.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/json/parse.hpp>

#include "core/manual_clock.hpp"

#include "telephony/sip/sip_dial.hpp"

namespace sb::voice {
namespace {

namespace json = boost::json;
namespace sip = telephony::sip;

struct RecordedRefer {
  sip::DialogId dialog = 0;
  std::string refer_to;
  std::vector<sip::SipHeader> headers;
  std::function<void(int)> done, outcome;
};

struct FakeAgent final : sip::SipTransfers {
  std::vector<RecordedRefer> refers;
  void refer(sip::DialogId dialog, std::string refer_to, std::vector<sip::SipHeader> headers,
             std::function<void(int)> done, std::function<void(int)> outcome) override {
    refers.push_back(
        {dialog, std::move(refer_to), std::move(headers), std::move(done), std::move(outcome)});
  }
};

class SipCallTransfersTest : public ::testing::Test {
 protected:
  FakeAgent agent_;
  std::optional<SipLeg> leg_ = SipLeg{7, "203.0.113.5:5060"};
  SipCallTransfers transfers_{
      [this](std::string_view id) { return id == "c1" ? leg_ : std::nullopt; }, agent_};
  const json::object call_ = json::parse(R"({"id":"c1","phoneCallTransport":"sip"})").as_object();

  // Transfers the call to `destination`; what `done` got, if anything yet.
  std::shared_ptr<std::optional<std::string>> transfer(std::string_view destination) {
    auto result = std::make_shared<std::optional<std::string>>();
    transfers_.transfer(call_, json::parse(destination).as_object(), std::nullopt,
                        [result](std::string error) { *result = std::move(error); });
    return result;
  }
};

TEST_F(SipCallTransfersTest, OnlyAnsweredSipCallsTransfer) {
  EXPECT_TRUE(transfers_.can_transfer(call_));
  EXPECT_FALSE(transfers_.can_transfer(json::parse(R"({"id":"c1"})").as_object()));
  leg_.reset();  // the caller left
  EXPECT_FALSE(transfers_.can_transfer(call_));
  EXPECT_EQ(**transfer(R"({"type":"sip","sipUri":"sip:a@b"})"), "the call's SIP dialog is over");
}

TEST_F(SipCallTransfersTest, ReferToASipUriIsDoneWhenTheNotifySays200) {
  const auto result = transfer(R"({"type":"sip","sipUri":"sip:desk@pbx.example",
      "sipHeaders":{"X-Case":"42"},
      "transferPlan":{"sipVerb":"refer","sipHeadersInReferToEnabled":true}})");
  ASSERT_EQ(agent_.refers.size(), 1u);
  const auto& refer = agent_.refers[0];
  EXPECT_EQ(refer.dialog, 7u);
  EXPECT_EQ(refer.refer_to, "<sip:desk@pbx.example?X-Case=42>");
  EXPECT_TRUE(refer.headers.empty());
  refer.done(202);
  EXPECT_FALSE(result->has_value());  // accepted: the new call's outcome is awaited
  refer.outcome(200);
  EXPECT_EQ(**result, "");
}

TEST_F(SipCallTransfersTest, ANumberIsReferredToTheCallersSourceWithHeadersOnTheRefer) {
  transfer(R"({"type":"number","number":"+14155550123","sipHeaders":{"X-A":"1"}})");
  ASSERT_EQ(agent_.refers.size(), 1u);
  EXPECT_EQ(agent_.refers[0].refer_to, "<sip:+14155550123@203.0.113.5:5060>");
  ASSERT_EQ(agent_.refers[0].headers.size(), 1u);
  EXPECT_EQ(agent_.refers[0].headers[0], (sip::SipHeader{"X-A", "1"}));
}

TEST_F(SipCallTransfersTest, ARefusedReferOrAFailedTargetIsTold) {
  auto refused = transfer(R"({"type":"sip","sipUri":"sip:desk@pbx.example"})");
  agent_.refers.back().done(405);
  EXPECT_EQ(**refused, "the caller's side refused the REFER (SIP 405)");
  auto busy = transfer(R"({"type":"sip","sipUri":"sip:desk@pbx.example"})");
  agent_.refers.back().done(202);
  agent_.refers.back().outcome(486);
  EXPECT_EQ(**busy, "the transfer target did not take the call (SIP 486)");
}

TEST_F(SipCallTransfersTest, ByeEndsTheCallWithoutARefer) {
  const auto result = transfer(R"({"type":"number","number":"+1555",
      "transferPlan":{"sipVerb":"bye"}})");
  EXPECT_EQ(**result, "");
  EXPECT_TRUE(agent_.refers.empty());
}

TEST_F(SipCallTransfersTest, DialAndWarmModesAreRefused) {
  const auto plan_of = [](std::string_view text) {
    return calls::TransferPlan::of(json::parse(text).as_object());
  };
  const auto dial = transfers_.plan_refusal(
      call_, plan_of(R"({"type":"number","transferPlan":{"sipVerb":"dial"}})"));
  ASSERT_TRUE(dial);
  EXPECT_NE(dial->find("sipVerb dial"), std::string::npos);
  const auto odd = transfers_.plan_refusal(
      call_, plan_of(R"({"type":"number","transferPlan":{"sipVerb":"invite"}})"));
  ASSERT_TRUE(odd);
  EXPECT_NE(odd->find("not one of refer, bye, dial"), std::string::npos);
  const auto warm = transfers_.plan_refusal(
      call_, plan_of(R"({"type":"number","transferPlan":{"mode":"warm-transfer-say-message",
          "message":"hi"}})"));
  ASSERT_TRUE(warm);
  EXPECT_NE(warm->find("second call leg"), std::string::npos);
  EXPECT_FALSE(transfers_.plan_refusal(call_, plan_of(R"({"type":"number"})")));
  EXPECT_TRUE(agent_.refers.empty());
}

TEST_F(SipCallTransfersTest, ADestinationWithNothingToReferToIsRefused) {
  EXPECT_EQ(**transfer(R"({"type":"sip"})"),
            "the destination has no sipUri or number to refer the caller to");
}

// A PBX that takes the REFER (202) and then neither NOTIFYs a final status nor hangs up.
class SipReferWaitTest : public SipCallTransfersTest {
 protected:
  void advance(std::chrono::seconds by) {
    clock_.advance(by);
    io_.restart();
    io_.poll();
  }
  ManualClock clock_;
  boost::asio::io_context io_;
  SipCallTransfers timed_{[this](std::string_view) { return leg_; }, agent_, nullptr,
                          ReferTimer{io_.get_executor(), &clock_}};
};

TEST_F(SipReferWaitTest, NoFinalNotifyWithinTheLimitGivesTheCallBackToTheAssistant) {
  auto result = std::make_shared<std::optional<std::string>>();
  timed_.transfer(call_, json::parse(R"({"type":"sip","sipUri":"sip:desk@pbx"})").as_object(),
                  std::nullopt, [result](std::string error) { *result = std::move(error); });
  agent_.refers.back().done(202);
  advance(kReferOutcomeLimit - std::chrono::seconds(1));
  EXPECT_FALSE(result->has_value());
  advance(std::chrono::seconds(1));
  ASSERT_TRUE(result->has_value());
  EXPECT_NE((*result)->find("no final NOTIFY) within 90 s"), std::string::npos) << **result;
  agent_.refers.back().outcome(200);  // too late: told once
  EXPECT_NE((*result)->find("no final NOTIFY"), std::string::npos);
}

TEST_F(SipReferWaitTest, AFinalNotifyInTimeStopsTheWait) {
  auto told = std::make_shared<std::vector<std::string>>();
  timed_.transfer(call_, json::parse(R"({"type":"sip","sipUri":"sip:desk@pbx"})").as_object(),
                  std::nullopt, [told](std::string error) { told->push_back(std::move(error)); });
  agent_.refers.back().done(202);
  advance(std::chrono::seconds(30));
  agent_.refers.back().outcome(200);
  advance(kReferOutcomeLimit);
  EXPECT_EQ(*told, std::vector<std::string>{""});
}

}  // namespace
}  // namespace sb::voice
