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

#include <array>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
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

// A relayed upgrade waits this long at most for the other server's connection.
constexpr std::chrono::seconds kRelayConnectTimeout{5};

// Copies what `from` sends to `to` until either fails or closes, then closes both (so the
// other direction's copy ends too).
asio::awaitable<void> pump(std::shared_ptr<asio::ip::tcp::socket> from,
                           std::shared_ptr<asio::ip::tcp::socket> to) {
  std::array<char, 16 * 1024> chunk;
  for (;;) {
    auto [ec, n] = co_await from->async_read_some(asio::buffer(chunk), kTuple);
    if (ec) break;
    auto [wec, written] = co_await asio::async_write(*to, asio::buffer(chunk.data(), n), kTuple);
    if (wec) break;
  }
  error_code ignored;
  from->close(ignored);
  to->close(ignored);
}

// Connects to host:port, sends `prefix` (the rebuilt request and what followed it), then
// copies bytes both ways. Answers 502 on the client's connection when the server cannot be
// reached.
asio::awaitable<void> relay(std::shared_ptr<asio::ip::tcp::socket> client, std::string host,
                            std::string port, std::string prefix) {
  const auto executor = client->get_executor();
  auto upstream = std::make_shared<asio::ip::tcp::socket>(executor);
  asio::steady_timer deadline(executor);
  deadline.expires_after(kRelayConnectTimeout);
  deadline.async_wait([upstream](const error_code& ec) {
    error_code ignored;
    if (!ec) upstream->close(ignored);
  });
  asio::ip::tcp::resolver resolver(executor);
  auto [ec, endpoints] = co_await resolver.async_resolve(host, port, kTuple);
  if (!ec) ec = std::get<0>(co_await asio::async_connect(*upstream, endpoints, kTuple));
  if (!ec) ec = std::get<0>(co_await asio::async_write(*upstream, asio::buffer(prefix), kTuple));
  deadline.cancel();
  if (ec || !upstream->is_open()) {
    refuse_websocket(
        Handover{std::move(*client), ""}, 502,
        R"({"message":"The server running this call did not answer","error":"Bad Gateway","statusCode":502})");
    co_return;
  }
  error_code ignored;
  upstream->set_option(asio::ip::tcp::no_delay(true), ignored);
  asio::co_spawn(executor, pump(upstream, client), asio::detached);
  co_await pump(client, upstream);
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

void relay_upgrade(Handover&& connection, const http::Request& head, std::string_view base_url,
                   const http::Fields& extra_headers) {
  // http://host[:port] only: instances reach each other on a private network.
  std::string_view rest = base_url;
  if (rest.substr(0, 7) != "http://") {
    refuse_websocket(
        std::move(connection), 502,
        R"({"message":"Only an http:// advertise URL can take a relayed connection","error":"Bad Gateway","statusCode":502})");
    return;
  }
  rest.remove_prefix(7);
  rest = rest.substr(0, rest.find('/'));
  std::string host(rest), port = "80";
  if (const auto colon = rest.rfind(':');
      colon != std::string_view::npos && rest.find(']', colon) == std::string_view::npos) {
    host = std::string(rest.substr(0, colon));
    port = std::string(rest.substr(colon + 1));
  }
  if (host.size() > 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
  http::Request relayed = head;
  for (const auto& header : extra_headers) relayed.headers.push_back(header);
  std::string prefix = rebuild_request(relayed) + connection.already_read;
  auto client = std::make_shared<asio::ip::tcp::socket>(std::move(connection.socket));
  auto executor = client->get_executor();
  asio::co_spawn(executor,
                 relay(std::move(client), std::move(host), std::move(port), std::move(prefix)),
                 asio::detached);
}

}  // namespace sb::net
