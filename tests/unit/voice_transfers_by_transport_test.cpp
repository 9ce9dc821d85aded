// Which side transfers a live call: SIP calls go to the SIP side while it is there, every
// other call to the carriers'; with no side for the call, a clear refusal.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "runtime/voice/call_transfers.hpp"

namespace sb::voice {
namespace {

struct Side final : CallTransfers {
  std::string name;
  int transfers = 0;
  explicit Side(std::string n) : name(std::move(n)) {}
  bool can_transfer(const boost::json::object&) const override { return true; }
  std::optional<std::string> plan_refusal(const boost::json::object&,
                                          const calls::TransferPlan&) const override {
    return name;
  }
  void transfer(const boost::json::object&, const boost::json::object&,
                std::optional<TransferIntro>, std::function<void(std::string)> done) override {
    ++transfers;
    done("");
  }
};

boost::json::object call_on(std::string_view transport) {
  return boost::json::parse(R"({"id":"c1","phoneCallTransport":")" + std::string(transport) +
                            R"("})")
      .as_object();
}

TEST(TransfersByTransport, SipCallsGoToTheSipSideOthersToTheCarriers) {
  Side phone("phone"), sip("sip");
  TransfersByTransport by(&phone);
  const calls::TransferPlan plan;
  // Before the SIP agent runs (or after it stopped), SIP calls cannot be transferred.
  EXPECT_FALSE(by.can_transfer(call_on("sip")));
  EXPECT_EQ(by.plan_refusal(call_on("sip"), plan), "transfers are not available on this call");
  std::string error = "unset";
  by.transfer(call_on("sip"), {}, std::nullopt, [&](std::string e) { error = std::move(e); });
  EXPECT_EQ(error, "transfers are not available on this call");

  by.set_sip(&sip);
  EXPECT_TRUE(by.can_transfer(call_on("sip")));
  EXPECT_EQ(by.plan_refusal(call_on("sip"), plan), "sip");
  EXPECT_EQ(by.plan_refusal(call_on("pstn"), plan), "phone");
  by.transfer(call_on("sip"), {}, std::nullopt, [&](std::string e) { error = std::move(e); });
  EXPECT_EQ(error, "");
  EXPECT_EQ(sip.transfers, 1);
  EXPECT_EQ(phone.transfers, 0);
  by.set_sip(nullptr);
  EXPECT_FALSE(by.can_transfer(call_on("sip")));
}

TEST(TransfersByTransport, WithoutCarriersOnlySipCallsTransfer) {
  Side sip("sip");
  TransfersByTransport by(nullptr);
  by.set_sip(&sip);
  EXPECT_FALSE(by.can_transfer(call_on("pstn")));
  EXPECT_TRUE(by.can_transfer(call_on("sip")));
}

}  // namespace
}  // namespace sb::voice
