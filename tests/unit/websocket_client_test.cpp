// WebSocketClient end to end over 127.0.0.1: it dials the HTTP server's /ws (plain, and through
// a TLS-terminating proxy for wss://), sees refusals, and closes its sockets.
#include "net/websocket.hpp"

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <utility>

#include <gtest/gtest.h>

#include "net/io_threads.hpp"
#include "tls_support.hpp"
#include "websocket_support.hpp"

namespace sb::net {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using test::dial;
using test::Recorder;
using test::WsServer;

// Polls `condition` until it holds or `wait` passes.
template <class Condition>
bool eventually(Condition condition, std::chrono::milliseconds wait = test::kWebSocketWait) {
  const auto until = Clock::now() + wait;
  while (!condition()) {
    if (Clock::now() > until) return false;
    std::this_thread::sleep_for(1ms);
  }
  return true;
}

// ---------------------------------------------------------------------------------------------

TEST(WebSocketClient, TextAndBinaryRoundTrip) {
  WsServer server;
  WebSocketClient client;
  auto mine = std::make_shared<Recorder>();
  auto c = dial(client, server.url(), mine);
  ASSERT_TRUE(c.socket) << c.error;
  const std::string binary("\x00\x01\xff\x80 bytes", 10);
  EXPECT_TRUE(c.socket->send_text("héllo"));
  EXPECT_TRUE(c.socket->send_binary(binary));
  ASSERT_TRUE(mine->wait_messages(2));
  const auto got = mine->messages();
  EXPECT_EQ(got[0], (std::pair<bool, std::string>{false, "héllo"}));
  EXPECT_EQ(got[1], (std::pair<bool, std::string>{true, binary}));
  auto theirs = server.session();
  ASSERT_TRUE(theirs);
  EXPECT_EQ(theirs->messages(), got);
  const auto stats = c.socket->stats();
  EXPECT_EQ(stats.messages_in, 2u);  // counted before the handler ran
  EXPECT_EQ(stats.bytes_in, 6u + binary.size());
  // Counted when the write completes, which may be after the echo arrived.
  EXPECT_TRUE(eventually([&] { return c.socket->stats().messages_out == 2; }));
  EXPECT_EQ(c.socket->stats().bytes_out, 6u + binary.size());
}

TEST(WebSocketClient, RefusalIsSeenAsTheHandshakeStatus) {
  WsServer server;
  WebSocketClient client;
  auto mine = std::make_shared<Recorder>();
  auto c = dial(client, server.url("/refuse"), mine);
  EXPECT_FALSE(c.socket);
  EXPECT_EQ(c.error, "handshake: 404");
  EXPECT_EQ(mine->closes(), 0);  // never opened
}

TEST(WebSocketClient, ConnectionRefused) {
  std::uint16_t port = 0;
  {
    WsServer server;
    port = server.port();
  }
  WebSocketClient client;
  auto c =
      dial(client, "ws://127.0.0.1:" + std::to_string(port) + "/ws", std::make_shared<Recorder>());
  EXPECT_FALSE(c.socket);
  EXPECT_EQ(c.error, "connection refused");
}

TEST(WebSocketClient, CloseFromTheClientRunsOnCloseOnceOnBothSides) {
  WsServer server;
  WebSocketClient client;
  auto mine = std::make_shared<Recorder>();
  auto c = dial(client, server.url(), mine);
  ASSERT_TRUE(c.socket) << c.error;
  auto theirs = server.session();
  ASSERT_TRUE(theirs);
  c.socket->close(CloseCode::kNormal, "bye");
  c.socket->close(CloseCode::kPolicy, "again");  // idempotent: the first stands
  EXPECT_FALSE(c.socket->send_text("too late"));
  ASSERT_TRUE(mine->wait_closed());
  ASSERT_TRUE(theirs->wait_closed());
  EXPECT_EQ(mine->code(), 1000);
  EXPECT_EQ(mine->reason(), "bye");
  EXPECT_EQ(theirs->code(), 1000);
  EXPECT_EQ(theirs->reason(), "bye");
  c.socket->close(CloseCode::kNormal, "after");
  EXPECT_EQ(mine->closes(), 1);
  EXPECT_EQ(theirs->closes(), 1);
}

TEST(WebSocketClient, ClientDestructorClosesItsSockets) {
  WsServer server;
  auto mine = std::make_shared<Recorder>();
  {
    WebSocketClient client;
    auto c = dial(client, server.url(), mine);
    ASSERT_TRUE(c.socket) << c.error;
  }
  EXPECT_EQ(mine->closes(), 1);  // before the destructor returned
  EXPECT_EQ(mine->code(), 1001);
  auto theirs = server.session();
  ASSERT_TRUE(theirs);
  ASSERT_TRUE(theirs->wait_closed());
  EXPECT_EQ(theirs->code(), 1001);
}

// A client on the caller's context is stopped while that context runs; destroying it after the
// context has stopped then neither waits for sockets nor hangs (the server's shutdown order).
TEST(WebSocketClient, StopOnACallersContextClosesItsSocketsBeforeTheContextStops) {
  WsServer server;
  auto mine = std::make_shared<Recorder>();
  net::IoThreads io("test", 1);
  io.start();
  {
    WebSocketClient client(&io.context());
    auto c = dial(client, server.url(), mine);
    ASSERT_TRUE(c.socket) << c.error;
    client.stop();
    EXPECT_EQ(mine->closes(), 1);
    EXPECT_EQ(mine->code(), 1001);
    client.stop();  // idempotent
    io.stop();
  }
  auto theirs = server.session();
  ASSERT_TRUE(theirs);
  ASSERT_TRUE(theirs->wait_closed());
}

// ---------------------------------------------------------------------------------------------
// wss://: a TLS-terminating proxy in front of the plain server.

TEST(WebSocketClient, SecureRoundTripVerifiesTheServer) {
  WsServer server;
  test::TlsProxy proxy(server.port());
  WebSocketClient client(nullptr, test::certificate().certificate);
  auto mine = std::make_shared<Recorder>();
  auto c = dial(client, proxy.url("/ws", "wss"), mine);
  ASSERT_TRUE(c.socket) << c.error;
  EXPECT_TRUE(c.socket->send_text("over tls"));
  ASSERT_TRUE(mine->wait_messages(1));
  EXPECT_EQ(mine->messages()[0].second, "over tls");
  c.socket->close(CloseCode::kNormal, "done");
  ASSERT_TRUE(mine->wait_closed());
  EXPECT_EQ(mine->code(), 1000);
}

TEST(WebSocketClient, SecureConnectRefusesAnUntrustedCertificate) {
  WsServer server;
  test::TlsProxy proxy(server.port());
  WebSocketClient client;  // the system's CAs only
  auto c = dial(client, proxy.url("/ws", "wss"), std::make_shared<Recorder>());
  EXPECT_FALSE(c.socket);
  EXPECT_TRUE(c.error.starts_with("tls: ")) << c.error;
}

}  // namespace
}  // namespace sb::net
