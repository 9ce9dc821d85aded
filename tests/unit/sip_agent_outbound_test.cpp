// The SIP agent's outbound side over real UDP/TCP, with sipp (Debian's sip-tester) as the
// trunk gateway (scenarios in tests/unit/sip/): digest challenges answered (401 and 407), a
// wrong password not retried forever, ringing and answer reported with the answer's SDP, BYE
// either way, CANCEL while ringing, refusals with their status, the next gateway after a 503,
// and OPTIONS pings.
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/json/parse.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include "telephony/sip/sdp_negotiation.hpp"
#include "telephony/sip/sip_agent.hpp"
#include "telephony/sip/sip_transfer.hpp"
#include "telephony/sip/trunk_call.hpp"
#include "temp_directory.hpp"

extern char** environ;

namespace sb::telephony::sip {
namespace {

using namespace std::chrono_literals;

struct NoInbound : SipEvents {
  void on_invite(const SipInvite&) override {}
  void on_cancelled(DialogId) override {}
  void on_ended(DialogId, const std::string&) override {}
};

struct RecordedDial : SipDialEvents {
  std::vector<SipDialResponse> progress;
  std::optional<SipDialResponse> answered;
  std::optional<SipDialResponse> failed;
  std::optional<std::string> ended;
  void on_progress(DialogId, const SipDialResponse& r) override { progress.push_back(r); }
  void on_answered(DialogId, const SipDialResponse& r) override { answered = r; }
  void on_failed(DialogId, const SipDialResponse& r) override { failed = r; }
  void on_ended(DialogId, const std::string& why) override { ended = why; }
};

bool port_taken(std::uint16_t port, int type) {
  const int fd = ::socket(AF_INET, type, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(port);
  const bool taken = ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0;
  ::close(fd);
  return taken;
}

// A port free for UDP and TCP right now.
std::uint16_t free_port() {
  for (;;) {
    const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t n = sizeof a;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &n);
    ::close(fd);
    const auto port = ntohs(a.sin_port);
    if (!port_taken(port, SOCK_STREAM)) return port;
  }
}

// sipp running one scenario as a UAS on 127.0.0.1:port().
class SippGateway {
 public:
  SippGateway(const std::filesystem::path& work, const std::string& scenario,
              std::vector<std::string> extra = {}, const std::string& transport = "u1")
      : port_(free_port()), errors_(work / ("errors-" + std::to_string(port_) + ".log")) {
    const char* root = std::getenv("SB_SOURCE_DIR");
    const std::string file = std::string(root ? root : ".") + "/tests/unit/sip/" + scenario;
    std::vector<std::string> args = {"sipp",
                                     "-sf",
                                     file,
                                     "-i",
                                     "127.0.0.1",
                                     "-p",
                                     std::to_string(port_),
                                     "-mp",
                                     std::to_string(free_port()),
                                     "-m",
                                     "1",
                                     "-t",
                                     transport,
                                     "-nostdin",
                                     "-timeout",
                                     "15s",
                                     "-timeout_error",
                                     "-trace_err",
                                     "-error_file",
                                     errors_.string()};
    args.insert(args.end(), extra.begin(), extra.end());
    if (const char* trace = std::getenv("SB_SIPP_TRACE"))  // debugging: sipp's message log
      args.insert(args.end(), {"-trace_msg", "-message_file", trace});
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addchdir_np(&actions, work.c_str());
    spawned_ = ::posix_spawnp(&pid_, "sipp", &actions, nullptr, argv.data(), environ) == 0;
    posix_spawn_file_actions_destroy(&actions);
    // Listening once the port is taken (an INVITE sent earlier would meet a closed port).
    const int type = transport == "t1" ? SOCK_STREAM : SOCK_DGRAM;
    for (int i = 0; spawned_ && i < 200 && !port_taken(port_, type); ++i)
      std::this_thread::sleep_for(10ms);
  }
  ~SippGateway() {
    if (spawned_ && !reaped_) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  bool spawned() const { return spawned_; }
  std::uint16_t port() const { return port_; }
  std::string uri(const std::string& user, const std::string& transport = "udp") const {
    return "sip:" + user + "@127.0.0.1:" + std::to_string(port_) + ";transport=" + transport;
  }

  /// sipp's exit status once its scenario is over (-1 if it is still running after 10 s),
  /// and its error log.
  std::pair<int, std::string> finish() {
    int status = -1;
    for (int i = 0; i < 1000 && !reaped_; ++i) {
      if (::waitpid(pid_, &status, WNOHANG) == pid_)
        reaped_ = true;
      else
        std::this_thread::sleep_for(10ms);
    }
    std::ifstream in(errors_);
    std::stringstream log;
    log << in.rdbuf();
    return {reaped_ && WIFEXITED(status) ? WEXITSTATUS(status) : -1, log.str()};
  }

 private:
  std::uint16_t port_;
  std::filesystem::path errors_;
  pid_t pid_ = 0;
  bool spawned_ = false;
  bool reaped_ = false;
};

class SipAgentOutboundTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // A port free a moment ago may be taken meanwhile (another test's connection): another.
    for (int attempt = 1;; ++attempt) {
      agent_ = std::make_unique<SipAgent>(SipAgentOptions{"127.0.0.1", free_port(), ""},
                                          io_.get_executor());
      try {
        agent_->start(inbound_);
        break;
      } catch (const std::exception&) {
        if (attempt == 5) throw;
      }
    }
  }
  void TearDown() override { agent_->stop(); }

  bool run_until(const std::function<bool()>& done, std::chrono::seconds limit = 10s) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!done() && std::chrono::steady_clock::now() < deadline) {
      io_.restart();
      io_.run_for(20ms);
    }
    return done();
  }

  SipDialRequest request(const SippGateway& gateway, const std::string& transport = "udp") {
    SipDialRequest r;
    r.request_uri = gateway.uri("14155550199", transport);
    r.from_uri = "sip:14155550100@127.0.0.1";
    r.sdp = make_offer(LocalMedia{"127.0.0.1", 40000, 1, 1});
    r.auth_username = "trunkuser";
    r.auth_password = "s3cret";
    return r;
  }

  test::TempDirectory work_{"sip-outbound"};
  boost::asio::io_context io_;
  NoInbound inbound_;
  std::unique_ptr<SipAgent> agent_;
};

TEST_F(SipAgentOutboundTest, AnswersA407ChallengeThenRingsAnswersAndHangsUpWithBye) {
  SippGateway gateway(work_.path(), "uas_digest_407.xml");
  ASSERT_TRUE(gateway.spawned()) << "sipp is missing: install sip-tester";
  auto events = std::make_shared<RecordedDial>();
  const DialogId dialog = agent_->dial(request(gateway), events);
  EXPECT_TRUE(dialog & kOutboundDialogBit);
  ASSERT_TRUE(run_until([&] { return events->answered || events->failed; }));
  ASSERT_FALSE(events->failed) << events->failed->status;
  ASSERT_EQ(events->progress.size(), 1u);
  EXPECT_EQ(events->progress[0].status, 180);
  EXPECT_EQ(events->answered->status, 200);
  EXPECT_FALSE(events->answered->call_id.empty());
  const auto audio = read_answer(parse_sdp(events->answered->sdp));
  ASSERT_TRUE(audio);
  EXPECT_EQ(audio->codec, media::G711Law::kAlaw);
  agent_->hang_up(dialog);
  ASSERT_TRUE(run_until([&] { return events->ended.has_value(); }));
  const auto [status, log] = gateway.finish();
  EXPECT_EQ(status, 0) << log;
}

TEST_F(SipAgentOutboundTest, AnswersA401ChallengeAndHearsTheGatewaysBye) {
  SippGateway gateway(work_.path(), "uas_digest_401_bye.xml");
  ASSERT_TRUE(gateway.spawned());
  auto events = std::make_shared<RecordedDial>();
  agent_->dial(request(gateway), events);
  ASSERT_TRUE(run_until([&] { return events->ended || events->failed; }));
  ASSERT_FALSE(events->failed) << events->failed->status;
  EXPECT_TRUE(events->answered);
  const auto [status, log] = gateway.finish();
  EXPECT_EQ(status, 0) << log;
}

TEST_F(SipAgentOutboundTest, AWrongPasswordIsRefusedByTheGatewayAndNotRetried) {
  SippGateway gateway(work_.path(), "uas_digest_401_bye.xml");
  ASSERT_TRUE(gateway.spawned());
  auto events = std::make_shared<RecordedDial>();
  auto r = request(gateway);
  r.auth_password = "wrong";
  agent_->dial(std::move(r), events);
  ASSERT_TRUE(run_until([&] { return events->failed.has_value(); }));
  EXPECT_EQ(events->failed->status, 403);  // the gateway checked our digest and refused it
  EXPECT_FALSE(events->answered);
}

TEST_F(SipAgentOutboundTest, NoCredentialsMeansTheChallengeEndsTheAttempt) {
  SippGateway gateway(work_.path(), "uas_digest_407.xml");
  ASSERT_TRUE(gateway.spawned());
  auto events = std::make_shared<RecordedDial>();
  auto r = request(gateway);
  r.auth_username.clear();
  agent_->dial(std::move(r), events);
  ASSERT_TRUE(run_until([&] { return events->failed.has_value(); }));
  EXPECT_EQ(events->failed->status, 407);
}

TEST_F(SipAgentOutboundTest, BusyIsReportedWithItsStatus) {
  SippGateway gateway(work_.path(), "uas_busy.xml");
  ASSERT_TRUE(gateway.spawned());
  auto events = std::make_shared<RecordedDial>();
  agent_->dial(request(gateway), events);
  ASSERT_TRUE(run_until([&] { return events->failed.has_value(); }));
  EXPECT_EQ(events->failed->status, 486);
  EXPECT_EQ(events->failed->reason, "Busy Here");
  EXPECT_EQ(gateway.finish().first, 0);
}

TEST_F(SipAgentOutboundTest, HangingUpWhileRingingSendsCancel) {
  SippGateway gateway(work_.path(), "uas_cancelled.xml");
  ASSERT_TRUE(gateway.spawned());
  auto events = std::make_shared<RecordedDial>();
  const auto dialog = agent_->dial(request(gateway), events);
  ASSERT_TRUE(run_until([&] { return !events->progress.empty(); }));
  agent_->hang_up(dialog);
  ASSERT_TRUE(run_until([&] { return events->failed.has_value(); }));
  EXPECT_EQ(events->failed->status, 487);
  const auto [status, log] = gateway.finish();
  EXPECT_EQ(status, 0) << log;
}

TEST_F(SipAgentOutboundTest, OverTcp) {
  SippGateway gateway(work_.path(), "uas_answer.xml", {}, "t1");
  ASSERT_TRUE(gateway.spawned());
  auto events = std::make_shared<RecordedDial>();
  const auto dialog = agent_->dial(request(gateway, "tcp"), events);
  ASSERT_TRUE(run_until([&] { return events->answered || events->failed; }));
  ASSERT_TRUE(events->answered);
  agent_->hang_up(dialog);
  ASSERT_TRUE(run_until([&] { return events->ended.has_value(); }));
  EXPECT_EQ(gateway.finish().first, 0);
}

TEST_F(SipAgentOutboundTest, ReferTransfersAnAnsweredCallWithHeadersInReferTo) {
  SippGateway gateway(work_.path(), "uas_refer.xml");
  ASSERT_TRUE(gateway.spawned());
  auto events = std::make_shared<RecordedDial>();
  const auto dialog = agent_->dial(request(gateway), events);
  // Before the answer there is nothing to transfer.
  std::optional<int> early;
  agent_->refer(dialog, "<sip:x@y>", {}, [&](int status) { early = status; }, {});
  ASSERT_TRUE(run_until([&] { return events->answered && early; }));
  EXPECT_EQ(*early, 481);
  const auto headers = boost::json::parse(R"({"X-Case":"42","X-Note":"hello there"})");
  const auto refer = refer_request("sip:desk@pbx.example", &headers.as_object(), true);
  std::optional<int> accepted, outcome;
  agent_->refer(
      dialog, refer.refer_to, refer.headers, [&](int status) { accepted = status; },
      [&](int status) { outcome = status; });
  ASSERT_TRUE(run_until([&] { return accepted.has_value(); }));
  EXPECT_EQ(*accepted, 202);
  // The gateway's NOTIFYs: 100 Trying is progress, then the target's 200 settles it.
  ASSERT_TRUE(run_until([&] { return outcome.has_value(); }));
  EXPECT_EQ(*outcome, 200);
  agent_->hang_up(dialog);
  ASSERT_TRUE(run_until([&] { return events->ended.has_value(); }));
  const auto [status, log] = gateway.finish();
  EXPECT_EQ(status, 0) << log;
}

struct RecordedTrunkCall : TrunkCallListener {
  int ringing = 0;
  std::optional<AgreedAudio> audio;
  DialogId dialog = 0;
  std::optional<std::pair<std::string, int>> ended;
  void on_ringing() override { ++ringing; }
  void on_answered(DialogId d, const AgreedAudio& a, const SipDialResponse&) override {
    dialog = d;
    audio = a;
  }
  void on_ended(const std::string& reason, int status) override { ended = {reason, status}; }
};

TEST_F(SipAgentOutboundTest, TrunkCallTriesTheNextGatewayAfterA503) {
  SippGateway first(work_.path(), "uas_unavailable.xml");
  SippGateway second(work_.path(), "uas_digest_407.xml");
  ASSERT_TRUE(first.spawned() && second.spawned());
  const auto credential = boost::json::parse(
      R"({"gateways":[{"ip":"127.0.0.1","port":)" + std::to_string(first.port()) +
      R"(},{"ip":"127.0.0.1","port":)" + std::to_string(second.port()) +
      R"(}],"outboundAuthenticationPlan":{"authUsername":"trunkuser","authPassword":"s3cret"}})");
  auto targets =
      trunk_targets(credential.as_object(), "+14155550100", "+14155550199", "127.0.0.1").targets;
  auto listener = std::make_shared<RecordedTrunkCall>();
  auto call = TrunkCall::start(*agent_, std::move(targets),
                               make_offer(LocalMedia{"127.0.0.1", 40000, 1, 1}), listener);
  ASSERT_TRUE(run_until([&] { return listener->audio || listener->ended; }));
  ASSERT_TRUE(listener->audio) << listener->ended->first;
  EXPECT_EQ(listener->ringing, 1);
  call->hang_up("assistant-ended-call");
  ASSERT_TRUE(run_until([&] { return listener->ended.has_value(); }));
  EXPECT_EQ(listener->ended->first, "assistant-ended-call");
  EXPECT_EQ(first.finish().first, 0);
  const auto [status, log] = second.finish();
  EXPECT_EQ(status, 0) << log;
}

TEST_F(SipAgentOutboundTest, OptionsPingIsAnsweredAndAClosedPortIsDown) {
  SippGateway gateway(work_.path(), "uas_options.xml");
  ASSERT_TRUE(gateway.spawned());
  std::optional<int> up, down;
  agent_->ping("sip:127.0.0.1:" + std::to_string(gateway.port()) + ";transport=udp",
               [&](int status) { up = status; });
  // Over TCP a closed port is refused at once (UDP would wait out the 32 s timeout).
  agent_->ping("sip:127.0.0.1:" + std::to_string(free_port()) + ";transport=tcp",
               [&](int status) { down = status; });
  ASSERT_TRUE(run_until([&] { return up && down; }));
  EXPECT_EQ(*up, 200);
  EXPECT_GE(*down, 500);
  EXPECT_EQ(gateway.finish().first, 0);
}

}  // namespace
}  // namespace sb::telephony::sip
