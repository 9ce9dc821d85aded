// OPTIONS pings to trunk gateways on a manual clock: which gateways are pinged, up/down from
// the answers, the next ping an interval after each answer, targets replaced, and /metrics.
#include "telephony/sip/options_pinger.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/json/parse.hpp>

#include "core/manual_clock.hpp"

namespace sb::telephony::sip {
namespace {

using namespace std::chrono_literals;

struct ScriptedPinger : SipPinger {
  std::vector<std::pair<std::string, std::function<void(int)>>> pings;
  void ping(const std::string& uri, std::function<void(int)> done) override {
    pings.emplace_back(uri, std::move(done));
  }
  /// Answers the oldest unanswered ping to `uri`.
  void answer(const std::string& uri, int status) {
    for (auto& [u, done] : pings)
      if (u == uri && done) {
        auto d = std::move(done);
        done = nullptr;
        d(status);
        return;
      }
    FAIL() << "no ping to " << uri;
  }
  int count(const std::string& uri) const {
    int n = 0;
    for (const auto& p : pings) n += p.first == uri;
    return n;
  }
};

TEST(SipOptionsPinger, PingsOnlyGatewaysThatAskForItOverTheirProtocol) {
  const auto c = boost::json::parse(R"({"gateways":[
      {"ip":"10.0.0.1","optionsPingEnabled":true},
      {"ip":"10.0.0.2"},
      {"ip":"10.0.0.3","port":5080,"outboundProtocol":"tcp","optionsPingEnabled":true},
      {"ip":"10.0.0.4","outboundProtocol":"tls","optionsPingEnabled":true}]})");
  const auto t = ping_targets(c.as_object());
  ASSERT_EQ(t.size(), 2u);
  EXPECT_EQ(t[0], (PingTarget{"10.0.0.1:5060", "sip:10.0.0.1:5060;transport=udp"}));
  EXPECT_EQ(t[1], (PingTarget{"10.0.0.3:5080", "sip:10.0.0.3:5080;transport=tcp"}));
}

TEST(SipOptionsPinger, AnswersAreUpExceptTimeoutsAndServerErrors) {
  EXPECT_TRUE(ping_says_up(200));
  EXPECT_TRUE(ping_says_up(405));  // it answered: it is there
  EXPECT_TRUE(ping_says_up(404));
  EXPECT_FALSE(ping_says_up(408));
  EXPECT_FALSE(ping_says_up(503));
  EXPECT_FALSE(ping_says_up(500));
}

class OptionsPingerTest : public ::testing::Test {
 protected:
  void run() {
    io.restart();
    io.poll();
  }
  const std::string a = "sip:10.0.0.1:5060;transport=udp";
  const std::string b = "sip:10.0.0.2:5060;transport=udp";
  ManualClock clock;  // outlives the context, whose handlers may still hold timers on it
  boost::asio::io_context io;
  ScriptedPinger sip;
  OptionsPinger pinger{sip, io.get_executor(), clock, 30s};
};

TEST_F(OptionsPingerTest, TracksUpAndDownAndPingsAgainAnIntervalAfterEachAnswer) {
  pinger.set_targets({{"10.0.0.1:5060", a}, {"10.0.0.2:5060", b}});
  run();
  EXPECT_EQ(sip.count(a), 1);
  EXPECT_EQ(sip.count(b), 1);
  ASSERT_EQ(pinger.states().size(), 2u);
  EXPECT_FALSE(pinger.states()[0].up);  // no answer yet
  sip.answer(a, 200);
  sip.answer(b, 408);
  run();
  auto states = pinger.states();
  EXPECT_EQ(states[0].up, true);
  EXPECT_EQ(states[1].up, false);
  EXPECT_EQ(states[1].last_status, 408);
  clock.advance(29s);
  run();
  EXPECT_EQ(sip.count(a), 1);
  clock.advance(1s);
  run();
  EXPECT_EQ(sip.count(a), 2);
  EXPECT_EQ(sip.count(b), 2);
  sip.answer(a, 503);
  sip.answer(b, 200);
  run();
  states = pinger.states();
  EXPECT_EQ(states[0].up, false);
  EXPECT_EQ(states[1].up, true);
  EXPECT_EQ(states[0].pings, 2u);
  const auto metrics = pinger.render_metrics();
  EXPECT_NE(metrics.find("switchboard_sip_gateway_up{gateway=\"10.0.0.1:5060\"} 0\n"),
            std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("switchboard_sip_gateway_up{gateway=\"10.0.0.2:5060\"} 1\n"),
            std::string::npos);
  EXPECT_NE(metrics.find("switchboard_sip_gateway_pings_total{gateway=\"10.0.0.1:5060\"} 2\n"),
            std::string::npos);
}

TEST_F(OptionsPingerTest, NoNewPingWhileOneIsUnanswered) {
  pinger.set_targets({{"10.0.0.1:5060", a}});
  run();
  clock.advance(120s);
  run();
  EXPECT_EQ(sip.count(a), 1);
}

TEST_F(OptionsPingerTest, RemovedGatewaysAreForgottenAndTheirAnswersIgnored) {
  pinger.set_targets({{"10.0.0.1:5060", a}, {"10.0.0.2:5060", b}});
  run();
  sip.answer(a, 200);
  run();
  pinger.set_targets({{"10.0.0.1:5060", a}});
  run();
  sip.answer(b, 200);  // late, for a gateway no longer pinged
  run();
  const auto states = pinger.states();
  ASSERT_EQ(states.size(), 1u);
  EXPECT_EQ(states[0].gateway, "10.0.0.1:5060");
  EXPECT_EQ(states[0].up, true);  // kept its state
  EXPECT_EQ(sip.count(a), 1);     // and was not pinged anew
  clock.advance(30s);
  run();
  EXPECT_EQ(sip.count(a), 2);
  EXPECT_EQ(sip.count(b), 1);
}

TEST_F(OptionsPingerTest, StoppedPingsNoMore) {
  pinger.set_targets({{"10.0.0.1:5060", a}});
  run();
  sip.answer(a, 200);
  pinger.stop();
  run();
  clock.advance(60s);
  run();
  EXPECT_EQ(sip.count(a), 1);
}

}  // namespace
}  // namespace sb::telephony::sip
