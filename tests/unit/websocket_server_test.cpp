// WebSockets' server side end to end over 127.0.0.1: the HTTP server hands /ws over to
// accept_websocket, whose limits (message size, slow consumers, floods, pings) and closes are
// checked against WebSocketClient and against raw TCP peers that break the rules (never read,
// never answer pings).
#include "net/websocket.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include <gtest/gtest.h>

#include "websocket_support.hpp"

namespace sb::net {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using test::dial;
using test::Recorder;
using test::WsServer;

// A raw TCP client that completes the opening handshake and then does only what a test says.
class RawPeer {
 public:
  explicit RawPeer(std::uint16_t port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    // A small receive buffer, so a peer that does not read fills it soon.
    const int small = 4096;
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  }
  ~RawPeer() { ::close(fd_); }
  RawPeer(const RawPeer&) = delete;

  /// Sends the upgrade request (and `early`, in the same segment) and reads the response head.
  std::string handshake(std::string_view early = "") {
    const std::string request =
        "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n" +
        std::string(early);
    EXPECT_EQ(::send(fd_, request.data(), request.size(), MSG_NOSIGNAL),
              static_cast<ssize_t>(request.size()));
    std::string head;
    char c = 0;
    while (!head.ends_with("\r\n\r\n")) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 5000) <= 0 || ::recv(fd_, &c, 1, 0) != 1) break;
      head += c;
    }
    return head;
  }

 private:
  int fd_;
};

// A client's text frame (masked, as RFC 6455 requires), `text` shorter than 126 bytes.
std::string masked_text_frame(std::string_view text) {
  const unsigned char mask[4] = {0x12, 0x34, 0x56, 0x78};
  std::string frame{static_cast<char>(0x81), static_cast<char>(0x80 | text.size())};
  frame.append(reinterpret_cast<const char*>(mask), 4);
  for (std::size_t i = 0; i < text.size(); ++i)
    frame += static_cast<char>(text[i] ^ static_cast<char>(mask[i % 4]));
  return frame;
}

// ---------------------------------------------------------------------------------------------

TEST(WebSocketServer, FramesSentWithTheRequestAreNotLost) {
  // Against RFC 6455 §4.1, but harmless: bytes the HTTP server read past the head come first.
  WsServer server;
  RawPeer peer(server.port());
  ASSERT_TRUE(peer.handshake(masked_text_frame("early")).starts_with("HTTP/1.1 101"));
  auto theirs = server.session();
  ASSERT_TRUE(theirs);
  ASSERT_TRUE(theirs->wait_messages(1));
  EXPECT_EQ(theirs->messages()[0], (std::pair<bool, std::string>{false, "early"}));
}

TEST(WebSocketServer, CloseFromTheServerRunsOnCloseOnceOnBothSides) {
  WsServer server;
  WebSocketClient client;
  auto mine = std::make_shared<Recorder>();
  auto c = dial(client, server.url(), mine);
  ASSERT_TRUE(c.socket) << c.error;
  auto theirs = server.session();
  ASSERT_TRUE(theirs);
  auto server_socket = theirs->socket();
  ASSERT_TRUE(server_socket);
  server_socket->send_text("last words");
  server_socket->close(CloseCode::kPolicy, "unknown call");
  ASSERT_TRUE(mine->wait_closed());
  ASSERT_TRUE(theirs->wait_closed());
  EXPECT_EQ(mine->messages().size(), 1u);  // what was queued before the close went out first
  EXPECT_EQ(mine->code(), 1008);
  EXPECT_EQ(mine->reason(), "unknown call");
  EXPECT_EQ(theirs->code(), 1008);
  EXPECT_FALSE(c.socket->send_text("gone"));
  EXPECT_EQ(mine->closes(), 1);
  EXPECT_EQ(theirs->closes(), 1);
}

TEST(WebSocketServer, MessageOverTheLimitClosesWithTooBig) {
  WebSocketLimits limits;
  limits.max_message_bytes = 1024;
  WsServer server(limits);
  WebSocketClient client;
  auto mine = std::make_shared<Recorder>();
  auto c = dial(client, server.url(), mine);
  ASSERT_TRUE(c.socket) << c.error;
  EXPECT_TRUE(c.socket->send_binary(std::string(1024, 'a')));  // at the limit: fine
  ASSERT_TRUE(mine->wait_messages(1));
  EXPECT_TRUE(c.socket->send_binary(std::string(1025, 'b')));
  ASSERT_TRUE(mine->wait_closed());
  EXPECT_EQ(mine->code(), 1009);
  auto theirs = server.session();
  ASSERT_TRUE(theirs && theirs->wait_closed());
  EXPECT_EQ(theirs->code(), 1009);
  EXPECT_EQ(theirs->messages().size(), 1u);
}

TEST(WebSocketServer, SlowConsumerIsClosed) {
  WebSocketLimits limits;
  limits.max_queued_bytes = 64 * 1024;
  limits.close_timeout = 200ms;
  limits.ping_interval = 0ms;
  WsServer server(limits);
  RawPeer peer(server.port());
  ASSERT_TRUE(peer.handshake().starts_with("HTTP/1.1 101"));
  auto theirs = server.session();
  ASSERT_TRUE(theirs);
  auto socket = theirs->socket();
  ASSERT_TRUE(socket);
  // The peer never reads: the kernel's buffers fill, then the queue, then a send fails.
  const std::string chunk(16 * 1024, 'x');
  int sent = 0;
  while (sent < 100'000 && socket->send_binary(chunk)) ++sent;
  EXPECT_LT(sent, 100'000);
  EXPECT_LE(socket->queued_bytes(), limits.max_queued_bytes);
  EXPECT_FALSE(socket->send_binary("more"));
  ASSERT_TRUE(theirs->wait_closed());
  EXPECT_EQ(theirs->code(), 1008);
  EXPECT_EQ(theirs->reason(), "slow consumer");
}

TEST(WebSocketServer, FloodIsThrottledThenClosed) {
  WebSocketLimits limits;
  limits.inbound_bytes_per_second = 1000;
  limits.inbound_burst_bytes = 1000;
  limits.flood_grace = 200ms;
  WsServer server(limits);
  WebSocketClient client;
  auto mine = std::make_shared<Recorder>();
  auto c = dial(client, server.url(), mine);
  ASSERT_TRUE(c.socket) << c.error;
  const auto started = Clock::now();
  for (int i = 0; i < 10; ++i) c.socket->send_binary(std::string(2000, 'f'));
  ASSERT_TRUE(mine->wait_closed());
  EXPECT_GE(Clock::now() - started, 200ms);  // throttled for the grace first
  EXPECT_EQ(mine->code(), 1008);
  EXPECT_EQ(mine->reason(), "flood");
  auto theirs = server.session();
  ASSERT_TRUE(theirs && theirs->wait_closed());
  EXPECT_EQ(theirs->reason(), "flood");
  EXPECT_LT(theirs->messages().size(), 10u);
}

TEST(WebSocketServer, InboundWithinBudgetIsNotClosed) {
  WebSocketLimits limits;
  limits.inbound_bytes_per_second = 100'000;
  limits.inbound_burst_bytes = 10'000;
  limits.flood_grace = 200ms;
  WsServer server(limits);
  WebSocketClient client;
  auto mine = std::make_shared<Recorder>();
  auto c = dial(client, server.url(), mine);
  ASSERT_TRUE(c.socket) << c.error;
  for (int i = 0; i < 5; ++i) c.socket->send_binary(std::string(1000, 'k'));
  ASSERT_TRUE(mine->wait_messages(5));
  EXPECT_EQ(mine->closes(), 0);
}

TEST(WebSocketServer, PingDetectsADeadPeer) {
  WebSocketLimits limits;
  limits.ping_interval = 100ms;
  limits.pong_timeout = 100ms;
  WsServer server(limits);
  RawPeer peer(server.port());
  ASSERT_TRUE(peer.handshake().starts_with("HTTP/1.1 101"));
  auto theirs = server.session();
  ASSERT_TRUE(theirs);
  const auto started = Clock::now();
  ASSERT_TRUE(theirs->wait_closed());
  EXPECT_GE(Clock::now() - started, 150ms);
  EXPECT_EQ(theirs->code(), 1011);
  EXPECT_EQ(theirs->reason(), "ping timeout");
}

TEST(WebSocketServer, PingsKeepALivePeerOpen) {
  WebSocketLimits limits;
  limits.ping_interval = 50ms;
  limits.pong_timeout = 50ms;
  WsServer server(limits);
  WebSocketClient client;
  auto mine = std::make_shared<Recorder>();
  auto c = dial(client, server.url(), mine);
  ASSERT_TRUE(c.socket) << c.error;
  auto theirs = server.session();
  ASSERT_TRUE(theirs);
  // Several ping rounds pass: the client's automatic pongs keep the server side open.
  EXPECT_FALSE(theirs->wait_closed(500ms));
  EXPECT_EQ(mine->closes(), 0);
}

}  // namespace
}  // namespace sb::net
