#pragma once
// The HTTP client's connections and its pool of idle keep-alive ones. Internal to
// http_client.cpp (Asio types; no other translation unit includes it).

#include <chrono>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>

namespace sb::net {

/// One connection to a host: plain TCP or TLS over TCP, with the bytes read past a response.
struct OutboundConnection {
  std::optional<boost::asio::ip::tcp::socket> plain;
  std::optional<boost::asio::ssl::stream<boost::asio::ip::tcp::socket>> tls;
  boost::beast::flat_buffer buffer;
  std::chrono::steady_clock::time_point idle_since;

  boost::asio::ip::tcp::socket& socket() { return tls ? tls->next_layer() : *plain; }
  void close();
  /// Reusable while the peer has neither closed it nor sent anything unasked.
  bool still_open();
};

/// Idle keep-alive connections by pool key (scheme+host+port): at most `max_per_key` each,
/// none older than `expiry`. Thread-safe.
class OutboundPool {
 public:
  OutboundPool(std::size_t max_per_key, std::chrono::steady_clock::duration expiry)
      : max_per_key_(max_per_key), expiry_(expiry) {}

  /// The most recently idled connection of `key` that is still open, or nullptr.
  std::unique_ptr<OutboundConnection> take(const std::string& key);
  /// Keeps `c` idle (closing the oldest beyond the bound); closes it after close_all().
  void put(const std::string& key, std::unique_ptr<OutboundConnection> c);
  /// Closes the connections idle past the expiry.
  void sweep();
  /// Closes every idle connection and keeps none from now on.
  void close_all();
  std::size_t idle_count();

 private:
  const std::size_t max_per_key_;
  const std::chrono::steady_clock::duration expiry_;
  std::mutex mutex_;
  std::unordered_map<std::string, std::deque<std::unique_ptr<OutboundConnection>>> idle_;
  bool closed_ = false;
};

}  // namespace sb::net
