#pragma once
// Private to the WebSocket translation units: websocket_session.cpp holds the one session
// template (the only Beast WebSocket code) and its two instantiations, over plain TCP and over
// TLS; websocket_server.cpp and websocket_client.cpp start sessions through the functions
// below and see no Beast type.

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/stream.hpp>

#include "net/websocket.hpp"

namespace sb::net::ws_detail {

using TcpSocket = boost::asio::ip::tcp::socket;
using TlsStream = boost::asio::ssl::stream<TcpSocket>;

/// An open (or opening) socket as its starters see it.
class Session : public WebSocket {
 public:
  /// Any thread. While the client handshake runs: cuts it, `done` gets `why`. Once open: the
  /// closing handshake with kGoingAway and `why` (bounded by close_timeout).
  virtual void abort(std::string why) = 0;
};

using MakeHandler = std::function<std::shared_ptr<WebSocketHandler>(std::shared_ptr<WebSocket>)>;
using Done = std::function<void(std::shared_ptr<WebSocket>, std::string error)>;

/// The server side. `handshake` is the upgrade request as bytes, followed by whatever the
/// client sent after it; the session parses it as if it had read it from the socket.
void start_server_session(TcpSocket socket, std::string handshake, WebSocketLimits limits,
                          MakeHandler make_handler);

/// The client side over a connection that is already open (TCP, or TLS after its handshake).
struct ClientStart {
  std::string host_header;  ///< the Host header
  std::string target;       ///< origin form: "/path?query"
  http::Fields headers;     ///< already checked (check_headers)
  std::chrono::milliseconds handshake_timeout{10'000};
  WebSocketLimits limits;
  std::shared_ptr<WebSocketHandler> handler;
  Done done;
  /// Runs once on the strand when the session is over: after on_close, or after `done` was
  /// given an error.
  std::function<void()> on_finished;
};

std::shared_ptr<Session> start_client_session(TcpSocket socket, ClientStart start);
std::shared_ptr<Session> start_client_session(TlsStream stream, ClientStart start);

}  // namespace sb::net::ws_detail
