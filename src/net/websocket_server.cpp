// The server side of WebSockets on a connection the HTTP server handed over: recognising an
// upgrade request, accepting it (the session is websocket_session.cpp's), or refusing it with
// a plain HTTP answer.
//
// The bytes read past the request's head (Handover::already_read): a compliant client sends
// nothing after its upgrade request until it has the 101 (RFC 6455 §4.1), so they are
// normally empty. They are not dropped, though: the request is rebuilt as bytes and the
// already-read bytes appended, and Beast's accept(buffers) parses that as if it had read it
// from the socket, keeping what follows the request for the first frames. Beast's read buffer
// holds 1536 bytes, so a rebuilt request plus early bytes larger than that fails the
// handshake (the connection is closed), which only a client breaking the protocol sees.
#include <algorithm>
#include <cctype>
#include <memory>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "net/handover.hpp"
#include "net/websocket_impl.hpp"
#include "net/wire_format.hpp"

namespace sb::net {
namespace {

namespace asio = boost::asio;
using error_code = boost::system::error_code;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

// A refusal is written and the client's close awaited for this long at most.
constexpr std::chrono::seconds kRefusalTimeout{5};
constexpr std::size_t kRefusalDrainBytes = 64 * 1024;

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// Whether the comma-separated header value holds `token` (case-insensitive).
bool has_token(std::string_view value, std::string_view token) {
  const std::string v = lower(value);
  std::size_t start = 0;
  while (start <= v.size()) {
    std::size_t end = v.find(',', start);
    if (end == std::string::npos) end = v.size();
    std::string_view item(v.data() + start, end - start);
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
    if (item == token) return true;
    start = end + 1;
  }
  return false;
}

// The upgrade request as bytes: its line and the handshake's headers (the only ones Beast
// reads), then the blank line.
std::string rebuild_request(const http::Request& head) {
  std::string text = "GET " + head.target + " HTTP/1.1\r\n";
  for (const auto& [name, value] : head.headers) text += name + ": " + value + "\r\n";
  text += "\r\n";
  return text;
}

// Writes the answer, sends FIN, then reads and drops what the client still sends until it
// closes too (so it reads the answer rather than a reset), all within kRefusalTimeout.
asio::awaitable<void> write_refusal(std::shared_ptr<asio::ip::tcp::socket> socket,
                                    std::string answer) {
  asio::steady_timer deadline(socket->get_executor());
  deadline.expires_after(kRefusalTimeout);
  deadline.async_wait([socket](const error_code& ec) {
    error_code ignored;
    if (!ec) socket->close(ignored);
  });
  auto [ec, n] = co_await asio::async_write(*socket, asio::buffer(answer), kTuple);
  if (!ec) {
    error_code ignored;
    socket->shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
    std::size_t drained = 0;
    char scratch[4096];
    while (drained < kRefusalDrainBytes) {
      auto [rec, got] = co_await socket->async_read_some(asio::buffer(scratch), kTuple);
      if (rec) break;
      drained += got;
    }
  }
  deadline.cancel();
  error_code ignored;
  socket->close(ignored);
}

}  // namespace

bool is_websocket_upgrade(const http::Request& head) {
  return head.method == http::Method::kGet && has_token(head.header("upgrade"), "websocket") &&
         has_token(head.header("connection"), "upgrade") &&
         !head.header("sec-websocket-key").empty() && head.header("sec-websocket-version") == "13";
}

const std::vector<std::string>& websocket_request_headers() {
  static const std::vector<std::string> names{"host", "upgrade", "connection", "sec-websocket-key",
                                              "sec-websocket-version"};
  return names;
}

void accept_websocket(
    Handover&& connection, const http::Request& head, WebSocketLimits limits,
    std::function<std::shared_ptr<WebSocketHandler>(std::shared_ptr<WebSocket>)> make_handler) {
  std::string handshake = rebuild_request(head) + connection.already_read;
  ws_detail::start_server_session(std::move(connection.socket), std::move(handshake), limits,
                                  std::move(make_handler));
}

void refuse_websocket(Handover&& connection, int status, std::string json_body) {
  http::Response response = http::Response::json(status, std::move(json_body));
  std::string answer = response_head(response, request_id_for({}), 11, false) + response.body;
  auto socket = std::make_shared<asio::ip::tcp::socket>(std::move(connection.socket));
  auto executor = socket->get_executor();
  asio::co_spawn(executor, write_refusal(std::move(socket), std::move(answer)), asio::detached);
}

}  // namespace sb::net
