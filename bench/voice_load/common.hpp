#pragma once
// What the load generator's parts share: the one-thread coroutine vocabulary, a wake-up for a
// single waiting coroutine, URLs, a one-shot HTTP client, raw HTTP answers, percentiles and
// the /proc readings (RSS, CPU time) of a process.

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <unistd.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>

namespace bench {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace json = boost::json;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using error_code = boost::system::error_code;
template <class T = void>
using Task = asio::awaitable<T>;
inline constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

inline double ms_between(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration<double, std::milli>(to - from).count();
}

/// Wakes one waiting coroutine (all of this runs on one thread): the waiter checks its
/// condition and sleeps on the timer until notify() cancels it or the deadline passes. One
/// waiter per Signal: a second one's wait would cancel the first's.
class Signal {
 public:
  explicit Signal(asio::any_io_executor ex) : timer_(std::move(ex)) {}
  void notify() { timer_.cancel(); }
  /// True once ready() holds; false at the deadline.
  template <class Ready>
  Task<bool> until(Ready ready, Clock::time_point deadline) {
    while (!ready()) {
      if (Clock::now() >= deadline) co_return false;
      timer_.expires_at(deadline);
      co_await timer_.async_wait(kTuple);
    }
    co_return true;
  }

 private:
  asio::steady_timer timer_;
};

inline Task<> sleep_until(Clock::time_point at) {
  asio::steady_timer timer(co_await asio::this_coro::executor, at);
  co_await timer.async_wait(kTuple);
}

/// `scheme://host:port/path` split; only what this tool talks to (IP literals, a port).
struct Url {
  std::string host;
  std::uint16_t port = 0;
  std::string path;  ///< "/" when empty
  std::string authority() const { return host + ":" + std::to_string(port); }
  tcp::endpoint endpoint() const { return {asio::ip::make_address(host), port}; }

  static Url parse(std::string_view url) {
    const auto scheme = url.find("://");
    if (scheme == std::string_view::npos)
      throw std::runtime_error("not a URL: " + std::string(url));
    std::string_view rest = url.substr(scheme + 3);
    const auto slash = rest.find('/');
    const std::string_view authority = rest.substr(0, slash);
    const auto colon = authority.rfind(':');
    if (colon == std::string_view::npos) throw std::runtime_error("no port in " + std::string(url));
    Url u;
    u.host = std::string(authority.substr(0, colon));
    const auto port = authority.substr(colon + 1);
    std::from_chars(port.data(), port.data() + port.size(), u.port);
    u.path = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
    return u;
  }
};

/// One request on a connection of its own (throws on a network error).
inline Task<http::response<http::string_body>> http_call(const Url& base, http::verb verb,
                                                         std::string target, std::string body,
                                                         const std::string& bearer) {
  tcp::socket socket(co_await asio::this_coro::executor);
  co_await socket.async_connect(base.endpoint(), asio::use_awaitable);
  socket.set_option(tcp::no_delay(true));
  http::request<http::string_body> request{verb, target, 11};
  request.set(http::field::host, base.authority());
  request.set(http::field::authorization, "Bearer " + bearer);
  request.set(http::field::content_type, "application/json");
  request.body() = std::move(body);
  request.prepare_payload();
  co_await http::async_write(socket, request, asio::use_awaitable);
  beast::flat_buffer buffer;
  http::response<http::string_body> response;
  co_await http::async_read(socket, buffer, response, asio::use_awaitable);
  error_code ignored;
  socket.shutdown(tcp::socket::shutdown_both, ignored);
  co_return response;
}

/// A whole HTTP/1.1 answer as bytes.
inline std::string raw_response(int status, std::string_view reason, std::string_view type,
                                std::string_view body, bool keep_alive) {
  std::string out = "HTTP/1.1 " + std::to_string(status) + " " + std::string(reason) +
                    "\r\nContent-Type: " + std::string(type) +
                    "\r\nContent-Length: " + std::to_string(body.size()) +
                    (keep_alive ? "\r\n\r\n" : "\r\nConnection: close\r\n\r\n");
  out += body;
  return out;
}

/// An HTTP server on 127.0.0.1 (a free port): each connection reads requests one after the
/// other (keep-alive) and writes what `answer` makes of each, as bytes, `first_byte_delay`
/// after the request was read (a remote provider's time to first byte; 0: at once). `port` 0:
/// a free one.
template <class Answer>
class HttpStandin {
 public:
  HttpStandin(asio::io_context& io, Answer answer,
              std::chrono::milliseconds first_byte_delay = std::chrono::milliseconds(0),
              std::uint16_t port = 0)
      : acceptor_(io, {asio::ip::make_address("127.0.0.1"), port}),
        answer_(std::move(answer)),
        first_byte_delay_(first_byte_delay) {
    asio::co_spawn(io, accept(), [](std::exception_ptr) {});
  }
  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }
  void close() {
    error_code ignored;
    acceptor_.close(ignored);
  }

 private:
  Task<> accept() {
    for (;;) {
      auto [ec, socket] = co_await acceptor_.async_accept(kTuple);
      if (ec == asio::error::operation_aborted) co_return;
      if (ec) continue;  // e.g. out of descriptors: the client retries or fails on its own
      socket.set_option(tcp::no_delay(true));
      asio::co_spawn(acceptor_.get_executor(), serve(std::move(socket)), [](std::exception_ptr) {});
    }
  }

  Task<> serve(tcp::socket socket) {
    beast::flat_buffer buffer;
    for (;;) {
      http::request_parser<http::string_body> parser;
      parser.body_limit(64 * 1024 * 1024);
      auto [ec, n] = co_await http::async_read(socket, buffer, parser, kTuple);
      if (ec) co_return;
      auto& request = parser.get();
      const bool keep_alive = request.keep_alive();
      const std::string bytes = answer_(request, keep_alive);
      if (first_byte_delay_.count() > 0) {
        asio::steady_timer timer(socket.get_executor(), first_byte_delay_);
        co_await timer.async_wait(kTuple);
      }
      auto [wec, written] = co_await asio::async_write(socket, asio::buffer(bytes), kTuple);
      if (wec || !keep_alive) co_return;
    }
  }

  tcp::acceptor acceptor_;
  Answer answer_;
  std::chrono::milliseconds first_byte_delay_;
};

/// p-th percentile: the sorted list's element at floor(p/100 × n).
inline double percentile(std::vector<double> list, double p) {
  if (list.empty()) return NAN;
  std::sort(list.begin(), list.end());
  const auto at = static_cast<std::size_t>(std::floor(p / 100 * static_cast<double>(list.size())));
  return list[std::min(list.size() - 1, at)];
}

/// VmRSS of process `pid` in KB (0 when it cannot be read).
inline long rss_kb(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);)
    if (line.starts_with("VmRSS:")) return std::stol(line.substr(6));
  return 0;
}

/// User + system CPU time of process `pid` so far, in seconds.
inline double cpu_seconds(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto close = stat.rfind(')');  // the command name may hold spaces
  if (close == std::string::npos) return 0;
  std::istringstream fields(stat.substr(close + 2));
  std::string field;
  double ticks = 0;
  for (int i = 3; fields >> field && i <= 15; ++i)
    if (i == 14 || i == 15) ticks += std::stod(field);  // utime, stime
  return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

/// CPU time every process on the machine has used so far (all CPUs, idle and I/O wait left
/// out), in seconds: with the server's and this process's, what the rest of the machine took.
inline double machine_busy_seconds() {
  std::ifstream in("/proc/stat");
  std::string cpu;
  in >> cpu;  // "cpu": the sum over CPUs
  double total = 0, idle = 0;
  for (int i = 0; i < 8 && in; ++i) {
    double v = 0;
    in >> v;
    total += v;
    if (i == 3 || i == 4) idle += v;  // idle, iowait
  }
  return (total - idle) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

}  // namespace bench
