#pragma once
// The stand-ins for everything outside the server, as tests/e2e/voice_helpers.mjs and
// tests/e2e/llm_standin.mjs make them, on the load generator's one thread:
// - a custom transcriber: a WebSocket server reading the `start` message and the binary stereo
//   PCM, saying {type: "transcriber-response", transcription, channel: "customer",
//   transcriptType} when told to;
// - a custom voice: an HTTP server answering each voice-request with a 440 Hz tone of
//   `ms_per_char` per character of its text, raw 16-bit PCM at the requested sampleRate;
// - an LLM: POST /v1/chat/completions answering "You said: <the last user message>", streamed
//   as OpenAI does (role chunk, a chunk per word, finish chunk, usage chunk when asked,
//   [DONE]), each event its own chunk of a chunked body. The whole answer is written at once:
//   the stand-ins are instant.

#include <functional>
#include <map>
#include <memory>
#include <numbers>

#include <boost/beast/websocket.hpp>

#include "voice_load/common.hpp"

namespace bench {

namespace websocket = beast::websocket;

/// One connection the server made to the transcriber stand-in.
class TranscriberSession {
 public:
  explicit TranscriberSession(tcp::socket socket) : ws_(std::move(socket)) {}

  /// Sends a transcript; resolves false when the socket is gone.
  Task<bool> say(std::string transcription, std::string_view type = "final") {
    json::object m{{"type", "transcriber-response"},
                   {"transcription", std::move(transcription)},
                   {"channel", "customer"},
                   {"transcriptType", type}};
    const std::string text = json::serialize(m);
    ws_.text(true);
    auto [ec, n] = co_await ws_.async_write(asio::buffer(text), kTuple);
    co_return !ec;
  }

  bool started() const { return started_; }
  std::uint64_t frames() const { return frames_; }
  bool closed() const { return closed_; }
  const std::string& path() const { return path_; }

  /// Accepts the upgrade, then reads until the server closes. `on_open` runs once accepted.
  Task<> run(std::function<void(std::shared_ptr<TranscriberSession>)> on_open,
             std::shared_ptr<TranscriberSession> self) {
    beast::flat_buffer buffer;
    http::request<http::string_body> request;
    auto [ec, n] = co_await http::async_read(ws_.next_layer(), buffer, request, kTuple);
    if (ec) co_return;
    path_ = std::string(request.target());
    ws_.read_message_max(4 * 1024 * 1024);
    auto [aec] = co_await ws_.async_accept(request, kTuple);
    if (aec) co_return;
    on_open(self);
    for (;;) {
      buffer.clear();
      auto [rec, bytes] = co_await ws_.async_read(buffer, kTuple);
      if (rec) break;
      if (ws_.got_binary()) {
        ++frames_;
        continue;
      }
      const auto text = beast::buffers_to_string(buffer.data());
      error_code pec;
      const auto parsed = json::parse(text, pec);
      const auto* o = pec ? nullptr : parsed.if_object();
      if (o && o->contains("type") && o->at("type") == "start") started_ = true;
    }
    closed_ = true;
  }

 private:
  websocket::stream<tcp::socket> ws_;
  std::string path_;
  bool started_ = false;
  bool closed_ = false;
  std::uint64_t frames_ = 0;
};

/// The custom transcriber's server; every opened session goes to `on_open`.
class TranscriberStandin {
 public:
  using OnOpen = std::function<void(std::shared_ptr<TranscriberSession>)>;
  TranscriberStandin(asio::io_context& io, OnOpen on_open)
      : acceptor_(io, {asio::ip::make_address("127.0.0.1"), 0}), on_open_(std::move(on_open)) {
    asio::co_spawn(io, accept(), [](std::exception_ptr) {});
  }
  std::string url() const {
    return "ws://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port()) + "/transcribe";
  }
  void close() {
    error_code ignored;
    acceptor_.close(ignored);
  }

 private:
  Task<> accept() {
    for (;;) {
      auto [ec, socket] = co_await acceptor_.async_accept(kTuple);
      if (ec == asio::error::operation_aborted) co_return;
      if (ec) continue;
      socket.set_option(tcp::no_delay(true));
      auto session = std::make_shared<TranscriberSession>(std::move(socket));
      asio::co_spawn(acceptor_.get_executor(), session->run(on_open_, session),
                     [](std::exception_ptr) {});
    }
  }

  tcp::acceptor acceptor_;
  OnOpen on_open_;
};

/// A 440 Hz tone of `samples` at `rate`, 16-bit little-endian (kept: every answer of a
/// length is the same).
inline const std::string& tone(std::size_t samples, int rate) {
  static std::map<std::pair<std::size_t, int>, std::string> made;
  auto& pcm = made[{samples, rate}];
  if (pcm.size() == samples * 2) return pcm;
  pcm.resize(samples * 2);
  for (std::size_t i = 0; i < samples; ++i) {
    const double phase = 2 * std::numbers::pi * 440 * static_cast<double>(i) / rate;
    const auto v =
        static_cast<std::uint16_t>(static_cast<std::int16_t>(std::lround(std::sin(phase) * 12000)));
    pcm[2 * i] = static_cast<char>(v & 0xff);
    pcm[2 * i + 1] = static_cast<char>(v >> 8);
  }
  return pcm;
}

inline std::string_view string_in(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string_view(v->get_string()) : std::string_view();
}

/// The custom voice's answer to one request.
inline std::string voice_answer(const http::request<http::string_body>& request, bool keep_alive,
                                int ms_per_char) {
  error_code ec;
  const auto body = json::parse(request.body(), ec);
  const auto* root = ec ? nullptr : body.if_object();
  const auto* message =
      root && root->contains("message") ? root->at("message").if_object() : nullptr;
  if (!message) return raw_response(400, "Bad Request", "text/plain", "no message", keep_alive);
  const std::size_t chars = string_in(*message, "text").size();
  const auto* rate_value = message->if_contains("sampleRate");
  const int rate =
      rate_value && rate_value->is_int64() ? static_cast<int>(rate_value->as_int64()) : 16000;
  const auto samples = static_cast<std::size_t>(chars * ms_per_char * rate / 1000);
  return raw_response(200, "OK", "application/octet-stream", tone(samples, rate), keep_alive);
}

/// The text of an OpenAI message's content: a string, or its parts' text joined by spaces.
inline std::string content_text(const json::value* content) {
  if (!content) return {};
  if (content->is_string()) return std::string(content->get_string());
  std::string out;
  if (const auto* parts = content->if_array())
    for (const auto& p : *parts)
      if (const auto* part = p.if_object();
          part && part->contains("text") && part->at("text").is_string()) {
        if (!out.empty()) out += ' ';
        out += part->at("text").get_string();
      }
  return out;
}

/// The LLM's answer to one request: "You said: <text of the last user message>", a word at a
/// time (each piece a word and the spaces after it).
inline std::string llm_answer(const http::request<http::string_body>& request, bool keep_alive,
                              std::uint64_t id) {
  if (request.method() != http::verb::post || !request.target().ends_with("/chat/completions"))
    return raw_response(404, "Not Found", "application/json",
                        R"({"error":{"message":"no such path"}})", keep_alive);
  error_code ec;
  const auto parsed = json::parse(request.body(), ec);
  const auto* body = ec ? nullptr : parsed.if_object();
  if (!body) return raw_response(400, "Bad Request", "application/json", "{}", keep_alive);
  std::string user;
  if (const auto* messages = body->if_contains("messages"); messages && messages->is_array())
    for (const auto& m : messages->get_array())
      if (const auto* o = m.if_object(); o && string_in(*o, "role") == "user")
        user = content_text(o->if_contains("content"));
  const std::string text = "You said: " + user;
  std::vector<std::string> pieces;
  for (std::size_t at = 0; at < text.size();) {
    std::size_t end = text.find(' ', at);
    if (end == std::string::npos) end = text.size();
    end = text.find_first_not_of(' ', end);
    if (end == std::string::npos) end = text.size();
    pieces.push_back(text.substr(at, end - at));
    at = end;
  }
  bool include_usage = false;
  if (const auto* so = body->if_contains("stream_options"); so && so->is_object())
    if (const auto* u = so->get_object().if_contains("include_usage"); u && u->is_bool())
      include_usage = u->get_bool();
  const json::value model = body->contains("model") ? body->at("model") : json::value("bench");
  const auto created = std::chrono::duration_cast<std::chrono::seconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count();
  auto chunk = [&](json::object delta, json::value finish) {
    json::object c{{"id", "chatcmpl-standin" + std::to_string(id)},
                   {"object", "chat.completion.chunk"},
                   {"created", created},
                   {"model", model},
                   {"system_fingerprint", nullptr},
                   {"choices", json::array{json::object{{"index", 0},
                                                        {"delta", std::move(delta)},
                                                        {"logprobs", nullptr},
                                                        {"finish_reason", std::move(finish)}}}}};
    if (include_usage) c["usage"] = nullptr;
    return c;
  };
  std::string out =
      "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\nCache-Control: "
      "no-cache\r\nTransfer-Encoding: chunked\r\n";
  out += keep_alive ? "Connection: keep-alive\r\n\r\n" : "Connection: close\r\n\r\n";
  auto send = [&out](std::string_view data) {
    const std::string event = "data: " + std::string(data) + "\n\n";
    std::ostringstream size;
    size << std::hex << event.size();
    out += size.str() + "\r\n" + event + "\r\n";
  };
  send(json::serialize(
      chunk({{"role", "assistant"}, {"content", ""}, {"refusal", nullptr}}, nullptr)));
  for (const auto& piece : pieces) send(json::serialize(chunk({{"content", piece}}, nullptr)));
  send(json::serialize(chunk({}, "stop")));
  if (include_usage) {
    const auto words = static_cast<std::int64_t>(pieces.size());
    json::object usage{
        {"id", "chatcmpl-standin" + std::to_string(id)},
        {"object", "chat.completion.chunk"},
        {"created", created},
        {"model", model},
        {"system_fingerprint", nullptr},
        {"choices", json::array{}},
        {"usage", {{"prompt_tokens", 0}, {"completion_tokens", words}, {"total_tokens", words}}}};
    send(json::serialize(usage));
  }
  send("[DONE]");
  out += "0\r\n\r\n";
  return out;
}

}  // namespace bench
