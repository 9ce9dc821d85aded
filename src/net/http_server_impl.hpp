#pragma once
// Private to the server's three translation units:
//  - http_server.cpp: the lifecycle (listen, run, shutdown, the accept loop, the deadline sweep);
//  - http_session.cpp: one connection's HTTP exchanges, where another protocol may claim it;
//  - http_stream_writer.cpp: a streamed (chunked) response.
// Only http_session.cpp includes Beast's HTTP parser; the others see Asio and a flat_buffer.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <memory>
#include <mutex>
#include <string>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>

#include "net/body_files.hpp"
#include "net/body_memory.hpp"
#include "net/connection.hpp"
#include "net/connection_registry.hpp"
#include "net/http_server.hpp"

namespace sb::http {
class BodyStream;
}

namespace sb::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;
inline constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

// Bytes read at once while waiting for a request: a typical request's headers (the buffer
// grows for longer ones). Small, since an idle keep-alive connection keeps its buffer.
inline constexpr std::size_t kReadSize = 1024;
// Before closing a connection whose request may not have been read to the end, unread bytes are
// drained for this long (kLingerBytes at most), so the client reads the answer rather than a
// reset (nginx's lingering close).
inline constexpr std::chrono::milliseconds kLingerTimeout{2000};

// The server behind HttpServer, shared by its translation units.
struct ServerCore {
  ServerCore(ServerOptions o, RequestHandler h, std::shared_ptr<spdlog::logger> log, IoThreads& io);

  // Lifecycle (http_server.cpp). accept_loop() and sweep_loop() run on `control`; run() returns
  // once both have ended, which they do only when stopping and every connection is gone.
  asio::awaitable<void> accept_loop();
  asio::awaitable<void> sweep_loop();
  void loop_ended(const std::exception_ptr& failure);
  std::int64_t timeout_ms(Phase phase) const;
  void expire(Connection& c);
  void begin_shutdown();
  /// After a connection left the registry (closed or handed over); any thread.
  void withdraw(const std::shared_ptr<Connection>& conn);

  // One connection, from its first byte to its close or hand-over (http_session.cpp).
  asio::awaitable<void> serve(std::shared_ptr<Connection> conn);

  ServerOptions options;
  RequestHandler handler;
  std::shared_ptr<spdlog::logger> access_log;
  asio::io_context& ioc;
  unsigned threads;
  tcp::acceptor acceptor;
  asio::signal_set signals;
  // Shutdown steps, the grace timer and both loops run on this strand, whichever thread
  // starts them.
  asio::strand<asio::io_context::executor_type> control;
  asio::steady_timer grace_timer;
  asio::steady_timer sweep_timer;
  BodyMemory body_memory;
  BodyFiles body_files;
  std::atomic<bool> stopping{false};
  ConnectionRegistry connections;
  std::atomic<std::uint64_t> timed_out{0};
  // run() waits for `ended`; control strand and the mutex guard `loops_running`.
  int loops_running = 0;
  std::mutex ended_mutex;
  std::condition_variable ended_cv;
  bool ended = false;
};

// The streamed writer (http_stream_writer.cpp).

// How writing a streamed response went.
struct Streamed {
  bool complete = false;    // the last chunk was written
  bool overflowed = false;  // the client sent more than kPipelinedKeep meanwhile
  std::size_t bytes = 0;    // body bytes written
};

/// Writes `head`, then the body its producer writes into `stream`, one chunk per batch
/// (`chunked`; else the bare bytes), until the producer closes it. While the producer is silent
/// the client is watched: what it sends is kept in `buffer` for the next exchange (up to a
/// bound, past which `overflowed` is set), and one that leaves cancels the stream at once, as
/// does a failed write. `head_only` (HEAD): the head alone, the producer cancelled.
asio::awaitable<Streamed> write_stream(Connection& c, beast::flat_buffer& buffer, std::string head,
                                       std::shared_ptr<http::BodyStream> stream, bool chunked,
                                       bool head_only);

}  // namespace sb::net
