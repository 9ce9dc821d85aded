#pragma once
// A listener on 127.0.0.1 at a free port whose connections a test's coroutine serves, on a
// thread of its own: the stand-in providers of unit tests that need a real socket.

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <thread>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace sb::test {

class LoopbackServer {
 public:
  using Socket = boost::asio::ip::tcp::socket;
  /// Serves one accepted connection.
  using Serve = std::function<boost::asio::awaitable<void>(Socket)>;

  /// Listens at once; every connection is handed to `serve` on the server's thread.
  explicit LoopbackServer(Serve serve) : serve_(std::move(serve)) {
    namespace asio = boost::asio;
    acceptor_.open(asio::ip::tcp::v4());
    acceptor_.set_option(asio::ip::tcp::acceptor::reuse_address(true));
    acceptor_.bind({asio::ip::make_address("127.0.0.1"), 0});
    acceptor_.listen();
    asio::co_spawn(io_, accept_loop(), asio::detached);
    thread_ = std::thread([this] { io_.run(); });
  }
  /// Stops the thread; connections still being served are dropped.
  ~LoopbackServer() {
    io_.stop();
    thread_.join();
  }
  LoopbackServer(const LoopbackServer&) = delete;
  LoopbackServer& operator=(const LoopbackServer&) = delete;

  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }
  /// "http://127.0.0.1:PORT" followed by `path`.
  std::string url(std::string_view path = "") const {
    return "http://127.0.0.1:" + std::to_string(port()) + std::string(path);
  }

 private:
  boost::asio::awaitable<void> accept_loop() {
    for (;;) {
      auto [ec, socket] =
          co_await acceptor_.async_accept(boost::asio::as_tuple(boost::asio::use_awaitable));
      if (ec) co_return;
      boost::asio::co_spawn(io_, serve_(std::move(socket)), boost::asio::detached);
    }
  }

  Serve serve_;
  boost::asio::io_context io_;
  boost::asio::ip::tcp::acceptor acceptor_{io_};
  std::thread thread_;
};

}  // namespace sb::test
