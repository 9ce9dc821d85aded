#pragma once
// A connection the HTTP server hands to another protocol (ServerOptions::upgrade). Kept out of
// http_server.hpp so that header stays free of Asio.

#include <string>

#include <boost/asio/ip/tcp.hpp>

#include "net/http_server.hpp"

namespace sb::net {

struct Handover {
  /// Open, with TCP_NODELAY set; its executor is the connection's strand.
  boost::asio::ip::tcp::socket socket;
  /// What the client sent after the request's head, in order: the new protocol's first bytes.
  std::string already_read;
};

}  // namespace sb::net
