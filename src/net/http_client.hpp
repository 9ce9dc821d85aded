#pragma once
// Outbound HTTP/1.1 (webhooks, OAuth2 token endpoints, provider REST APIs). Asynchronous on
// the context the application gives it (else on I/O threads of its own), so no caller ever
// blocks on a slow or dead peer; http and https (TLS
// with the system's CA store, peer and host name verified); keep-alive connections are
// pooled per scheme+host+port. Beast lives in http_client.cpp only.

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "http/message.hpp"

namespace boost::asio {
class io_context;
}

namespace sb::net {

struct OutboundRequest {
  std::string method = "POST";
  std::string url;  ///< absolute http:// or https:// URL
  http::Fields headers;
  std::string body;
  /// The whole exchange: connect, TLS, send, and reading the response.
  std::chrono::milliseconds timeout{20'000};
  /// A larger response body fails the exchange (error "response too large").
  std::size_t max_response_bytes = 1 << 20;
  /// Streaming: when set and the response status is 2xx, body bytes are handed to it as
  /// they arrive (on the client's thread) instead of being collected in
  /// OutboundResponse::body; returning false aborts the exchange (done gets error
  /// "cancelled"). `timeout` then bounds the exchange up to the response head only, and
  /// `stream_idle_timeout` each wait for more body bytes (error "timeout"). A non-2xx body
  /// is collected as usual (for the error message). max_response_bytes does not apply.
  std::function<bool(std::string_view chunk)> on_body;
  std::chrono::milliseconds stream_idle_timeout{60'000};
};

struct OutboundResponse {
  /// The HTTP status; 0 when no response arrived (then `error` says why).
  int status = 0;
  http::Fields headers;
  std::string body;
  /// "" when a response arrived; otherwise a short reason: "timeout", "connection refused",
  /// "invalid url", "tls: ...", ...
  std::string error;
  /// From send() to the end of the response (or the failure).
  std::chrono::microseconds latency{0};

  bool ok() const { return error.empty() && status >= 200 && status < 300; }
  /// The first header of that name (case-insensitive), or "".
  std::string_view header(std::string_view name) const;
};

struct HttpClientOptions {
  /// The application's context the exchanges run on (it must outlive the client and run
  /// until stop() returns); null: `threads` I/O threads of the client's own.
  boost::asio::io_context* context = nullptr;
  unsigned threads = 1;
  /// PEM certificates trusted besides the system's CA store (a private CA; tests).
  std::string extra_ca_pem;
};

class HttpClient {
 public:
  /// Runs on `threads` I/O threads of its own.
  explicit HttpClient(unsigned threads = 1);
  explicit HttpClient(HttpClientOptions options);
  ~HttpClient();  ///< stops; pending exchanges complete with error "stopped"
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  /// Cuts an exchange short at whatever step it is in (resolving, connecting, waiting for the
  /// head, reading the body): its `done` gets error "cancelled". Callable from any thread, any
  /// number of times, also after the exchange finished (then it does nothing).
  using Cancel = std::function<void()>;

  /// Calls `done` exactly once, on one of the client's threads (on the caller's own thread
  /// when the client is already stopped). Never throws; send() may be called from any thread.
  /// Redirects are not followed. An exchange on a pooled connection that the peer had closed
  /// is retried once on a fresh connection.
  Cancel send(OutboundRequest request, std::function<void(OutboundResponse)> done);

  /// Finishes nothing new: pending exchanges complete with error "stopped", and stop()
  /// returns once every `done` has returned (and the client's own threads, if any, are
  /// joined). Idempotent. Must not be called from a `done` callback.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sb::net
