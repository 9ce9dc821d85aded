// The SIP agent against a hand-driven UDP peer: what SipEvents receives (on the executor given)
// and what the peer gets for SipResponder's answers, through whole dialogs: answered and
// hung up by either side, and cancelled while ringing.
#include "telephony/sip/sip_agent.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <functional>
#include <string>
#include <vector>

namespace sb::telephony::sip {
namespace {

using namespace std::chrono_literals;

struct RecordedEvents : SipEvents {
  std::vector<SipInvite> invites;
  std::vector<DialogId> cancelled;
  std::vector<std::pair<DialogId, std::string>> ended;
  void on_invite(const SipInvite& invite) override { invites.push_back(invite); }
  void on_cancelled(DialogId dialog) override { cancelled.push_back(dialog); }
  void on_ended(DialogId dialog, const std::string& why) override {
    ended.emplace_back(dialog, why);
  }
};

// A UDP socket on 127.0.0.1 standing in for a softphone.
class Peer {
 public:
  Peer() {
    fd_ = ::socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t n = sizeof a;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &n);
    port_ = ntohs(a.sin_port);
    timeval timeout{5, 0};  // a lost answer fails the test instead of hanging it
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  }
  ~Peer() { ::close(fd_); }
  std::uint16_t port() const { return port_; }

  void send(std::uint16_t to, const std::string& message) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(to);
    ::sendto(fd_, message.data(), message.size(), 0, reinterpret_cast<sockaddr*>(&a), sizeof a);
  }
  /// The next message whose first line contains `start` (others, e.g. 100 Trying, skipped).
  std::string receive(const std::string& start) {
    char buffer[8192];
    for (int i = 0; i < 10; ++i) {
      const auto n = ::recv(fd_, buffer, sizeof buffer, 0);
      if (n <= 0) return "";
      std::string message(buffer, static_cast<std::size_t>(n));
      if (message.substr(0, message.find("\r\n")).find(start) != std::string::npos) return message;
    }
    return "";
  }

 private:
  int fd_ = -1;
  std::uint16_t port_ = 0;
};

// A port free for UDP and TCP right now (the agent binds both).
std::uint16_t free_port() {
  Peer probe;
  return probe.port();
}

std::string header(const std::string& message, const std::string& name) {
  const auto at = message.find("\r\n" + name + ": ");
  if (at == std::string::npos) return "";
  const auto start = at + name.size() + 4;
  return message.substr(start, message.find("\r\n", start) - start);
}

constexpr const char* kOffer =
    "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
    "m=audio 6000 RTP/AVP 0\r\n";

class SipAgentTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // A port free for UDP may be taken for TCP meanwhile (another test's connection): another.
    for (int attempt = 1;; ++attempt) {
      port_ = free_port();
      agent_ =
          std::make_unique<SipAgent>(SipAgentOptions{"127.0.0.1", port_, ""}, io_.get_executor());
      try {
        agent_->start(events_);
        break;
      } catch (const std::exception&) {
        if (attempt == 5) throw;
      }
    }
    responder_ = agent_.get();
  }
  void TearDown() override { agent_->stop(); }

  // Runs the executor's handlers until `done` holds (5 s at most).
  bool run_until(const std::function<bool()>& done) {
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (!done() && std::chrono::steady_clock::now() < deadline) {
      io_.restart();
      io_.run_for(20ms);
    }
    return done();
  }

  std::string request(const std::string& method, const std::string& branch, int cseq,
                      const std::string& to_tag = "", const std::string& extra = "",
                      const std::string& body = "") {
    return method + " sip:alice@127.0.0.1:" + std::to_string(port_) +
           " SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:" + std::to_string(peer_.port()) +
           ";branch=z9hG4bK" + branch +
           "\r\nFrom: <sip:bob@127.0.0.1>;tag=peer1\r\nTo: " + "<sip:alice@127.0.0.1>" +
           (to_tag.empty() ? "" : ";tag=" + to_tag) +
           "\r\nCall-ID: dialog-1@127.0.0.1\r\nCSeq: " + std::to_string(cseq) + " " + method +
           "\r\nContact: <sip:bob@127.0.0.1:" + std::to_string(peer_.port()) +
           ">\r\nMax-Forwards: 70\r\n" + extra + "Content-Length: " + std::to_string(body.size()) +
           "\r\n\r\n" + body;
  }

  std::string invite() {
    return request("INVITE", "inv1", 1, "",
                   "X-Customer-Id: 42\r\nContent-Type: application/sdp\r\n", kOffer);
  }

  // The tag the agent put in To (needed by requests inside the dialog).
  static std::string to_tag(const std::string& response) {
    const auto to = header(response, "To");
    const auto at = to.find(";tag=");
    return at == std::string::npos ? "" : to.substr(at + 5);
  }

  boost::asio::io_context io_;
  RecordedEvents events_;
  Peer peer_;
  std::uint16_t port_ = 0;
  std::unique_ptr<SipAgent> agent_;
  SipResponder* responder_ = nullptr;  ///< how the application sees the agent
};

TEST_F(SipAgentTest, InviteIsAnsweredWithSdpThenEndedByThePeersBye) {
  peer_.send(port_, invite());
  ASSERT_TRUE(run_until([&] { return !events_.invites.empty(); }));
  const auto& in = events_.invites.front();
  EXPECT_EQ(in.call_id, "dialog-1@127.0.0.1");
  EXPECT_EQ(in.request_uri, "sip:alice@127.0.0.1:" + std::to_string(port_));
  EXPECT_EQ(in.from, "sip:bob@127.0.0.1");
  EXPECT_EQ(in.transport, "udp");
  EXPECT_EQ(in.source, "127.0.0.1:" + std::to_string(peer_.port()));
  EXPECT_EQ(in.sdp, kOffer);
  ASSERT_EQ(in.x_headers.size(), 1u);
  EXPECT_EQ(in.x_headers[0].first, "X-Customer-Id");
  EXPECT_EQ(in.x_headers[0].second, "42");

  const std::string answer = "v=0\r\no=switchboard 1 1 IN IP4 127.0.0.1\r\ns=-\r\n";
  responder_->respond(in.dialog, 200, "OK", {{"X-Call-Id", "abc"}}, answer);
  const auto ok = peer_.receive("200 OK");
  ASSERT_NE(ok, "");
  EXPECT_EQ(header(ok, "Content-Type"), "application/sdp");
  EXPECT_EQ(header(ok, "X-Call-Id"), "abc");
  EXPECT_NE(ok.find("\r\n\r\n" + answer), std::string::npos);

  EXPECT_EQ(header(ok, "Supported"), "");  // no 100rel or timer: PRACK/refreshes unhandled
  EXPECT_EQ(header(ok, "Session-Expires"), "");

  const auto tag = to_tag(ok);
  peer_.send(port_, request("ACK", "ack1", 1, tag));
  // A re-INVITE is refused for now; the dialog goes on.
  peer_.send(port_,
             request("INVITE", "reinv1", 2, tag, "Content-Type: application/sdp\r\n", kOffer));
  const auto refused = peer_.receive("488");
  ASSERT_NE(refused, "");
  EXPECT_NE(header(refused, "Warning").find("re-INVITE is not supported yet"), std::string::npos);
  peer_.send(port_, request("ACK", "reinv1", 2, tag));
  peer_.send(port_, request("BYE", "bye1", 3, tag));
  EXPECT_NE(peer_.receive("200"), "");
  ASSERT_TRUE(run_until([&] { return !events_.ended.empty(); }));
  // Events run in order: the re-INVITE was no new call, and only the BYE ended this one.
  EXPECT_EQ(events_.invites.size(), 1u);
  ASSERT_EQ(events_.ended.size(), 1u);
  EXPECT_EQ(events_.ended.front().first, in.dialog);
  EXPECT_TRUE(events_.cancelled.empty());
}

TEST_F(SipAgentTest, HangUpSendsBye) {
  peer_.send(port_, invite());
  ASSERT_TRUE(run_until([&] { return !events_.invites.empty(); }));
  const auto dialog = events_.invites.front().dialog;
  responder_->respond(dialog, 200, "OK", {}, "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\n");
  const auto ok = peer_.receive("200 OK");
  ASSERT_NE(ok, "");
  peer_.send(port_, request("ACK", "ack2", 1, to_tag(ok)));

  responder_->hang_up(dialog);
  const auto bye = peer_.receive("BYE");
  ASSERT_NE(bye, "");
  EXPECT_EQ(header(bye, "Call-ID"), "dialog-1@127.0.0.1");
  // The peer's 200 to the BYE ends the dialog.
  std::string reply = "SIP/2.0 200 OK\r\n";
  for (const auto* name : {"Via", "From", "To", "Call-ID", "CSeq"})
    reply += std::string(name) + ": " + header(bye, name) + "\r\n";
  peer_.send(port_, reply + "Content-Length: 0\r\n\r\n");
  ASSERT_TRUE(run_until([&] { return !events_.ended.empty(); }));
  EXPECT_EQ(events_.ended.front().first, dialog);
}

TEST_F(SipAgentTest, CancelWhileRingingIsReportedAndAnswered487) {
  peer_.send(port_, invite());
  ASSERT_TRUE(run_until([&] { return !events_.invites.empty(); }));
  const auto dialog = events_.invites.front().dialog;
  responder_->respond(dialog, 180, "Ringing");
  ASSERT_NE(peer_.receive("180"), "");

  // CANCEL repeats the INVITE's branch, CSeq number and To (without tag).
  peer_.send(port_, request("CANCEL", "inv1", 1));
  EXPECT_NE(peer_.receive("487"), "");
  ASSERT_TRUE(run_until([&] { return !events_.cancelled.empty() && !events_.ended.empty(); }));
  EXPECT_EQ(events_.cancelled.front(), dialog);
  EXPECT_EQ(events_.ended.front().first, dialog);
  EXPECT_EQ(events_.ended.front().second, "487 Request Terminated");
  // Answering a dialog that is over does nothing (and does not crash).
  responder_->respond(dialog, 200, "OK", {}, kOffer);
}

}  // namespace
}  // namespace sb::telephony::sip
