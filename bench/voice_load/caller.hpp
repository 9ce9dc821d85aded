#pragma once
// One caller: POST /call over the WebSocket transport, dial transport.websocketCallUrl, stream
// 20 ms frames of 16 kHz PCM in real time (silence, or a recorded phrase when told to speak),
// and record the arrival (steady clock) of every binary frame the server sends.

#include <memory>
#include <optional>

#include <boost/beast/websocket.hpp>

#include "voice_load/common.hpp"
#include "voice_load/standins.hpp"

namespace bench {

inline constexpr std::size_t kFrameBytes = 640;  // 20 ms of 16 kHz 16-bit mono
inline constexpr auto kFrame = std::chrono::milliseconds(20);

class Caller {
 public:
  Caller(asio::any_io_executor ex, int index) : index(index), changed(ex), quiet_timer_(ex) {}

  const int index;
  std::vector<Clock::time_point> audio;         ///< arrival of each binary frame
  std::vector<std::string> heard;               ///< the user's final transcripts (client messages)
  std::shared_ptr<TranscriberSession> session;  ///< the server's transcriber connection
  bool closed = false;
  std::string error;  ///< why the call failed ("" when it completed)
  Signal changed;     ///< audio, a transcript, a session, the phrase sent, the close, finished()

  /// Connects to the call's WebSocket and starts reading and streaming; resolves once open.
  Task<> dial(const std::string& websocket_url, bool keep_transcripts) {
    const Url url = Url::parse(websocket_url);
    ws_.emplace(co_await asio::this_coro::executor);
    co_await ws_->next_layer().async_connect(url.endpoint(), asio::use_awaitable);
    ws_->next_layer().set_option(tcp::no_delay(true));
    ws_->secure_prng(false);
    ws_->read_message_max(4 * 1024 * 1024);
    co_await ws_->async_handshake(url.authority(), url.path, asio::use_awaitable);
    ++tasks_;
    asio::co_spawn(ws_->get_executor(), read(keep_transcripts),
                   [this](std::exception_ptr) { done(); });
    ++tasks_;
    asio::co_spawn(ws_->get_executor(), stream(), [this](std::exception_ptr) { done(); });
  }

  /// Plays `phrase` (16 kHz mono PCM bytes) from the next frame on; resolves once its last
  /// frame was written, with that moment.
  Task<Clock::time_point> speak(const std::string* phrase) {
    phrase_ = phrase;
    phrase_at_ = 0;
    phrase_done_.reset();
    co_await changed.until([this] { return phrase_done_.has_value() || closed; },
                           Clock::now() + std::chrono::minutes(1));
    if (!phrase_done_) throw std::runtime_error("the call closed while the caller spoke");
    co_return *phrase_done_;
  }

  /// Resolves once no audio has arrived for `quiet` (throws after `limit`).
  Task<> quiet(std::chrono::milliseconds quiet, std::chrono::milliseconds limit) {
    const auto give_up = Clock::now() + limit;
    if (audio.empty()) throw std::runtime_error("no audio to wait the end of");
    for (;;) {
      const auto due = audio.back() + quiet;
      const auto now = Clock::now();
      if (now >= due) co_return;
      if (now > give_up) throw std::runtime_error("audio never went quiet");
      quiet_timer_.expires_at(due);
      co_await quiet_timer_.async_wait(kTuple);
    }
  }

  /// Sends end-call (on the next frame's turn) and stops streaming.
  void hang_up() {
    hang_up_ = true;
    hung_up_at = Clock::now();
  }
  Clock::time_point hung_up_at = Clock::time_point::max();
  /// Closes the socket at once (a failed call).
  void abort() {
    error_code ignored;
    if (ws_) ws_->next_layer().close(ignored);
  }
  /// Reader and sender both finished (or never started).
  bool finished() const { return tasks_ == 0; }

 private:
  void done() {
    if (--tasks_ == 0) changed.notify();
  }

  Task<> read(bool keep_transcripts) {
    beast::flat_buffer buffer;
    for (;;) {
      buffer.clear();
      auto [ec, n] = co_await ws_->async_read(buffer, kTuple);
      if (ec) break;
      if (ws_->got_binary()) {
        audio.push_back(Clock::now());
        changed.notify();
        continue;
      }
      if (!keep_transcripts) continue;
      const auto text = beast::buffers_to_string(buffer.data());
      // Only a user's final transcript is parsed; every other client message is skipped.
      if (text.find(R"("transcriptType":"final")") == std::string::npos ||
          text.find(R"("role":"user")") == std::string::npos)
        continue;
      error_code pec;
      const auto parsed = json::parse(text, pec);
      if (const auto* m = pec ? nullptr : parsed.if_object();
          m && string_in(*m, "type") == "transcript") {
        heard.emplace_back(string_in(*m, "transcript"));
        changed.notify();
      }
    }
    closed = true;
    changed.notify();
  }

  // Frame k at the start + 20k ms, whatever the timer's drift (late frames go at once).
  Task<> stream() {
    asio::steady_timer timer(ws_->get_executor());
    const auto start = Clock::now();
    static const std::string silence(kFrameBytes, '\0');
    std::string frame(kFrameBytes, '\0');
    for (std::uint64_t k = 0; !closed; ++k) {
      timer.expires_at(start + k * kFrame);
      co_await timer.async_wait(kTuple);
      if (closed) break;
      if (hang_up_) {
        ws_->text(true);
        co_await ws_->async_write(asio::buffer(std::string_view(R"({"type":"end-call"})")), kTuple);
        break;
      }
      const std::string* out = &silence;
      if (phrase_) {
        frame.assign(kFrameBytes, '\0');
        const auto n = std::min(kFrameBytes, phrase_->size() - phrase_at_);
        std::copy_n(phrase_->data() + phrase_at_, n, frame.data());
        phrase_at_ += n;
        out = &frame;
      }
      ws_->binary(true);
      auto [ec, written] = co_await ws_->async_write(asio::buffer(*out), kTuple);
      if (ec) break;
      if (phrase_ && phrase_at_ >= phrase_->size()) {
        phrase_ = nullptr;
        phrase_done_ = Clock::now();
        changed.notify();
      }
    }
  }

  std::optional<beast::websocket::stream<tcp::socket>> ws_;
  asio::steady_timer quiet_timer_;
  bool hang_up_ = false;
  const std::string* phrase_ = nullptr;
  std::size_t phrase_at_ = 0;
  std::optional<Clock::time_point> phrase_done_;
  int tasks_ = 0;
};

/// How late each frame of each run of audio arrived: a gap of more than 100 ms starts a new
/// run; frame k of a run is due at the run's first frame + (k − lead) × 20 ms (the server may
/// run `lead` frames ahead), and only frames past the lead count. Those that arrived within
/// [from, until] also go to `within`.
inline void pacing_errors(const std::vector<Clock::time_point>& audio, std::vector<double>& out,
                          std::vector<double>& within, Clock::time_point from,
                          Clock::time_point until, int lead = 3) {
  Clock::time_point run_start{}, previous{};
  int k = 0;
  bool first = true;
  for (const auto at : audio) {
    if (first || at - previous > std::chrono::milliseconds(100)) {
      run_start = at;
      k = 0;
      first = false;
    }
    const auto due = run_start + std::max(0, k - lead) * kFrame;
    if (k > lead) {
      out.push_back(std::max(0.0, ms_between(due, at)));
      if (at >= from && at <= until) within.push_back(out.back());
    }
    previous = at;
    ++k;
  }
}

}  // namespace bench
