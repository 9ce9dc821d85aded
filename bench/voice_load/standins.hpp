#pragma once
// The stand-ins for everything outside the server, as tests/e2e/voice_helpers.mjs and
// tests/e2e/llm_standin.mjs make them, on the load generator's one thread:
// - a custom transcriber: a WebSocket server reading the `start` message and the binary stereo
//   PCM, saying {type: "transcriber-response", transcription, channel: "customer",
//   transcriptType} when told to;
// - a custom voice: an HTTP server answering each voice-request with a 440 Hz tone of
//   `ms_per_char` per character of its text, raw 16-bit PCM at the requested sampleRate;
// - Deepgram's live transcription (--speech remote), the same WebSocket server as the custom
//   transcriber's, as tests/e2e/speech_standins/deepgram.mjs makes it: /v1/listen with
//   `Authorization: Token <key>` (else a 401), binary linear16 mono audio, KeepAlive ignored,
//   CloseStream answered with a close; it hears voice by energy (RMS over 500) and, a configured
//   delay after the last voiced frame of an utterance (≥ 100 ms of voice), sends one Results
//   with is_final and speech_final;
// - ElevenLabs' streaming text to speech (--speech remote), the custom voice's tone served as
//   tests/e2e/speech_standins/elevenlabs.mjs does: POST /v1/text-to-speech/{voiceId}/stream
//   ?output_format=pcm_<rate> with `xi-api-key`, JSON {text, model_id, ...}, a chunked
//   audio/pcm answer written whole after the HTTP stand-in's configured first-byte delay;
// - an LLM: POST /v1/chat/completions answering "You said: <the last user message>", streamed
//   as OpenAI does (role chunk, a chunk per word, finish chunk, usage chunk when asked,
//   [DONE]), each event its own chunk of a chunked body. The whole answer is written at once:
//   the stand-ins are instant.

#include <functional>
#include <map>
#include <memory>
#include <numbers>
#include <regex>

#include <boost/beast/websocket.hpp>

#include "voice_load/common.hpp"

namespace bench {

namespace websocket = beast::websocket;

/// One connection the server made to a transcriber stand-in (the custom transcriber's or
/// Deepgram's).
class TranscriberSession {
 public:
  /// `token`: when not empty, the upgrade must carry `Authorization: Token <token>` (Deepgram),
  /// else it is refused with a 401. `hear_voice`: measure each binary frame's energy (mono
  /// 16-bit PCM) and notify `changed` on each one.
  TranscriberSession(tcp::socket socket, std::string token, bool hear_voice)
      : changed(socket.get_executor()),
        ws_(std::move(socket)),
        token_(std::move(token)),
        hear_voice_(hear_voice) {}

  /// Sends a transcript; resolves false when the socket is gone.
  Task<bool> say(std::string transcription, std::string_view type = "final") {
    json::object m{{"type", "transcriber-response"},
                   {"transcription", std::move(transcription)},
                   {"channel", "customer"},
                   {"transcriptType", type}};
    co_return co_await send(json::serialize(m));
  }

  /// Sends a text message; resolves false when the socket is gone.
  Task<bool> send(std::string text) {
    ws_.text(true);
    auto [ec, n] = co_await ws_.async_write(asio::buffer(text), kTuple);
    co_return !ec;
  }

  bool started() const { return started_; }
  std::uint64_t frames() const { return frames_; }
  bool closed() const { return closed_; }
  const std::string& path() const { return path_; }
  /// With hear_voice: the voice heard since forget_voice() (ms), and when its last frame came.
  double voiced_ms() const { return voiced_ms_; }
  Clock::time_point last_voiced() const { return last_voiced_; }
  void forget_voice() { voiced_ms_ = 0; }
  Signal changed;  ///< with hear_voice: each frame, and the close

  /// Accepts the upgrade, then reads until the server closes. `on_open` runs once accepted.
  Task<> run(std::function<void(std::shared_ptr<TranscriberSession>)> on_open,
             std::shared_ptr<TranscriberSession> self) {
    beast::flat_buffer buffer;
    http::request<http::string_body> request;
    auto [ec, n] = co_await http::async_read(ws_.next_layer(), buffer, request, kTuple);
    if (ec) co_return;
    path_ = std::string(request.target());
    if (!token_.empty() && request[http::field::authorization] != "Token " + token_) {
      const std::string refused =
          raw_response(401, "Unauthorized", "application/json",
                       R"({"err_code":"INVALID_AUTH","err_msg":"Invalid credentials."})", false);
      co_await asio::async_write(ws_.next_layer(), asio::buffer(refused), kTuple);
      co_return;
    }
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
        if (hear_voice_) hear(buffer);
        continue;
      }
      const auto text = beast::buffers_to_string(buffer.data());
      error_code pec;
      const auto parsed = json::parse(text, pec);
      const auto* o = pec ? nullptr : parsed.if_object();
      if (o && o->contains("type") && o->at("type") == "start") started_ = true;
      if (o && o->contains("type") && o->at("type") == "CloseStream") {
        co_await ws_.async_close(websocket::close_code::normal, kTuple);
        break;
      }
    }
    closed_ = true;
    changed.notify();
  }

 private:
  // 16 kHz mono 16-bit frames (the rate Deepgram is asked for); RMS over 500 is voice.
  void hear(const beast::flat_buffer& buffer) {
    const auto* bytes = static_cast<const unsigned char*>(buffer.data().data());
    const std::size_t samples = buffer.size() / 2;
    double energy = 0;
    for (std::size_t i = 0; i < samples; ++i) {
      const auto v = static_cast<std::int16_t>(bytes[2 * i] | bytes[2 * i + 1] << 8);
      energy += static_cast<double>(v) * v;
    }
    if (samples > 0 && std::sqrt(energy / static_cast<double>(samples)) > 500) {
      voiced_ms_ += static_cast<double>(samples) / 16.0;
      last_voiced_ = Clock::now();
    }
    changed.notify();
  }

  websocket::stream<tcp::socket> ws_;
  std::string token_;
  bool hear_voice_;
  std::string path_;
  bool started_ = false;
  bool closed_ = false;
  std::uint64_t frames_ = 0;
  double voiced_ms_ = 0;
  Clock::time_point last_voiced_{};
};

/// A transcriber stand-in's server (see TranscriberSession for `token` and `hear_voice`); every
/// opened session goes to `on_open`.
class TranscriberStandin {
 public:
  using OnOpen = std::function<void(std::shared_ptr<TranscriberSession>)>;
  TranscriberStandin(asio::io_context& io, OnOpen on_open, std::string token = {},
                     bool hear_voice = false)
      : acceptor_(io, {asio::ip::make_address("127.0.0.1"), 0}),
        on_open_(std::move(on_open)),
        token_(std::move(token)),
        hear_voice_(hear_voice) {
    asio::co_spawn(io, accept(), [](std::exception_ptr) {});
  }
  std::string url() const {
    return "ws://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port()) + "/transcribe";
  }
  /// The API base a remote provider's credential points at (http://, as Deepgram's SDKs take).
  std::string base_url() const {
    return "http://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port());
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
      auto session = std::make_shared<TranscriberSession>(std::move(socket), token_, hear_voice_);
      asio::co_spawn(acceptor_.get_executor(), session->run(on_open_, session),
                     [](std::exception_ptr) {});
    }
  }

  tcp::acceptor acceptor_;
  OnOpen on_open_;
  std::string token_;
  bool hear_voice_;
};

/// Deepgram's side of one listen session: for each utterance (≥ 100 ms of voice), once `delay`
/// has passed since its last voiced frame with no voice since, one Results with is_final and
/// speech_final, "question <k>." (the k-th utterance of the session), as Deepgram answers when
/// its endpointing fires. Ends when the session closes.
inline Task<> deepgram_results(std::shared_ptr<TranscriberSession> s,
                               std::chrono::milliseconds delay) {
  const auto never = Clock::now() + std::chrono::hours(24);
  for (int k = 0;; ++k) {
    co_await s->changed.until([&] { return s->closed() || s->voiced_ms() >= 100; }, never);
    for (;;) {
      if (s->closed()) co_return;
      const auto due = s->last_voiced() + delay;
      if (Clock::now() >= due) break;
      co_await s->changed.until([&] { return s->closed(); }, due);
    }
    s->forget_voice();
    json::object results{
        {"type", "Results"},
        {"channel_index", json::array{0, 1}},
        {"duration", 1.0},
        {"start", 0.0},
        {"is_final", true},
        {"speech_final", true},
        {"channel",
         {{"alternatives",
           json::array{json::object{{"transcript", "question " + std::to_string(k) + "."},
                                    {"confidence", 0.99},
                                    {"words", json::array{}}}}}}},
        {"metadata", {{"request_id", "standin"}}}};
    if (!co_await s->send(json::serialize(results))) co_return;
  }
}

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

/// The tone a voice says `chars` characters with: `ms_per_char` each, at `rate`.
inline const std::string& spoken(std::size_t chars, int ms_per_char, int rate) {
  return tone(static_cast<std::size_t>(chars * ms_per_char * rate / 1000), rate);
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
  return raw_response(200, "OK", "application/octet-stream", spoken(chars, ms_per_char, rate),
                      keep_alive);
}

/// ElevenLabs' answer to one request: the custom voice's tone for the JSON body's text, at the
/// rate of output_format=pcm_<rate>, as a chunked audio/pcm body in 4 KB chunks; errors in
/// ElevenLabs' {"detail": {"status", "message"}} shape.
inline std::string elevenlabs_answer(const http::request<http::string_body>& request,
                                     bool keep_alive, int ms_per_char, const std::string& key) {
  static const std::regex stream(R"(/v1/text-to-speech/[^/?]+/stream\?(.*))");
  static const std::regex format(R"((?:^|&)output_format=pcm_(\d+)(?:&|$))");
  auto refuse = [&](int status, std::string_view reason, std::string_view code) {
    const std::string body = json::serialize(
        json::object{{"detail", {{"status", code}, {"message", std::string(reason)}}}});
    return raw_response(status, reason, "application/json", body, keep_alive);
  };
  const std::string target(request.target());
  std::smatch path, rate;
  if (request.method() != http::verb::post || !std::regex_match(target, path, stream))
    return refuse(404, "Not Found", "not_found");
  if (request["xi-api-key"] != key) return refuse(401, "Unauthorized", "invalid_api_key");
  const std::string query = path[1];
  if (!std::regex_search(query, rate, format)) return refuse(400, "Bad Request", "invalid_request");
  error_code ec;
  const auto body = json::parse(request.body(), ec);
  const auto* root = ec ? nullptr : body.if_object();
  const auto text = root ? string_in(*root, "text") : std::string_view();
  if (text.empty()) return refuse(400, "Bad Request", "invalid_request");
  const std::string& pcm = spoken(text.size(), ms_per_char, std::stoi(rate[1]));
  std::string out = "HTTP/1.1 200 OK\r\nContent-Type: audio/pcm\r\nTransfer-Encoding: chunked\r\n";
  out += keep_alive ? "\r\n" : "Connection: close\r\n\r\n";
  for (std::size_t at = 0; at < pcm.size(); at += 4096) {
    const std::size_t n = std::min<std::size_t>(4096, pcm.size() - at);
    std::ostringstream size;
    size << std::hex << n;
    out += size.str() + "\r\n";
    out.append(pcm, at, n);
    out += "\r\n";
  }
  out += "0\r\n\r\n";
  return out;
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
