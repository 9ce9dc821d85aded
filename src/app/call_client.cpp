#include "app/call_client.hpp"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <fstream>
#include <future>
#include <iterator>
#include <mutex>
#include <span>
#include <thread>

#include <boost/json/parse.hpp>

#include "core/json_fields.hpp"
#include "core/json_text.hpp"
#include "media/pcm16.hpp"
#include "media/resampler.hpp"
#include "media/wav.hpp"
#include "net/http_client.hpp"
#include "net/websocket.hpp"

namespace sb::app {
namespace json = boost::json;

namespace {

constexpr int kRate = 16'000;
constexpr std::size_t kFrameSamples = kRate / 50;

// The caller's audio: the file's samples at 16 kHz mono (channels averaged).
std::vector<std::int16_t> caller_audio(const std::string& path) {
  if (path.empty()) return {};
  std::ifstream in(path, std::ios::binary);
  const std::string file((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto wav = media::parse_wav(file);
  if (!wav) throw std::runtime_error(path + " is not a 16-bit PCM WAV file");
  const auto channels = static_cast<std::size_t>(wav->format.channels);
  std::vector<std::int16_t> mono(wav->samples.size() / 2 / channels);
  for (std::size_t i = 0; i < mono.size(); ++i) {
    int sum = 0;
    for (std::size_t c = 0; c < channels; ++c) {
      const auto at = 2 * (i * channels + c);
      sum += media::pcm16_at(wav->samples, at);
    }
    mono[i] = static_cast<std::int16_t>(sum / static_cast<int>(channels));
  }
  media::Resampler resampler(wav->format.sample_rate, kRate);
  std::vector<std::int16_t> out;
  resampler.process(mono, out);
  return out;
}

// What the assistant sends: audio into the answer file, messages to stderr.
class Listener final : public net::WebSocketHandler {
 public:
  explicit Listener(const std::string& out_wav) : writer_(out_wav, {kRate, 1}) {}
  void on_text(std::string message) override {
    try {
      const auto m = json::parse(message).as_object();
      const auto type = string_at(m, "type");
      if (type == "transcript" && string_at(m, "transcriptType") == "final")
        std::fprintf(stderr, "%s: %s\n", string_at(m, "role") == "user" ? "you" : "assistant",
                     std::string(string_at(m, "transcript")).c_str());
      else if (type == "status-update")
        std::fprintf(stderr, "[call %s%s%s]\n", std::string(string_at(m, "status")).c_str(),
                     m.contains("endedReason") ? ": " : "",
                     std::string(string_at(m, "endedReason")).c_str());
    } catch (const std::exception&) {
    }
  }
  void on_binary(std::string audio) override {
    std::vector<std::int16_t> samples;
    media::decode_pcm16(audio, samples);
    writer_.write(samples);
  }
  void on_close(std::uint16_t, std::string) override {
    writer_.finish();
    std::lock_guard lock(mutex_);
    closed_ = true;
    changed_.notify_all();
  }
  bool wait_closed(std::chrono::milliseconds for_at_most) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, for_at_most, [this] { return closed_; });
  }

 private:
  media::WavWriter writer_;
  std::mutex mutex_;
  std::condition_variable changed_;
  bool closed_ = false;
};

// POST /call; the call's WebSocket URL, or throws.
std::string create_call(net::HttpClient& http, const CallOptions& o) {
  net::OutboundRequest request;
  request.url = o.base_url + "/call";
  request.headers = {{"Authorization", "Bearer " + o.api_key},
                     {"Content-Type", "application/json"}};
  request.body = json_text(json::object{
      {"assistantId", o.assistant_id},
      {"transport",
       {{"provider", "vapi.websocket"},
        {"audioFormat", {{"format", "pcm_s16le"}, {"container", "raw"}, {"sampleRate", kRate}}}}}});
  std::promise<net::OutboundResponse> answered;
  http.send(std::move(request), [&](net::OutboundResponse r) { answered.set_value(std::move(r)); });
  const auto response = answered.get_future().get();
  if (!response.ok())
    throw std::runtime_error("POST /call: " +
                             (response.error.empty()
                                  ? std::to_string(response.status) + " " + response.body
                                  : response.error));
  const auto call = json::parse(response.body).as_object();
  const auto* transport = object_at(call, "transport");
  const auto url = transport ? string_at(*transport, "websocketCallUrl") : std::string_view();
  if (url.empty()) throw std::runtime_error("POST /call answered no transport.websocketCallUrl");
  std::fprintf(stderr, "call %s\n", std::string(string_at(call, "id")).c_str());
  return std::string(url);
}

}  // namespace

int run_call(const CallOptions& o) {
  try {
    const auto audio = caller_audio(o.in_wav);
    net::HttpClient http;
    const auto url = create_call(http, o);
    net::WebSocketClient client;
    auto listener = std::make_shared<Listener>(o.out_wav);
    std::promise<std::pair<std::shared_ptr<net::WebSocket>, std::string>> opened;
    client.connect({url, {}, std::chrono::seconds(10), {}}, listener,
                   [&](std::shared_ptr<net::WebSocket> socket, std::string error) {
                     opened.set_value({std::move(socket), std::move(error)});
                   });
    auto [socket, error] = opened.get_future().get();
    if (!socket) throw std::runtime_error("connecting " + url + ": " + error);
    // 20 ms frames on the clock: the file, then silence, until the call ends or time is up.
    const auto start = std::chrono::steady_clock::now();
    const auto end = start + std::chrono::seconds(o.seconds);
    for (std::size_t frame = 0;; ++frame) {
      const auto due = start + std::chrono::milliseconds(20 * frame);
      if (due >= end || listener->wait_closed(std::chrono::milliseconds(0))) break;
      std::this_thread::sleep_until(due);
      const auto from = std::min(audio.size(), frame * kFrameSamples);
      std::string bytes;
      media::encode_pcm16(std::span<const std::int16_t>(audio).subspan(
                              from, std::min(kFrameSamples, audio.size() - from)),
                          bytes);
      bytes.resize(kFrameSamples * 2, '\0');  // silence after the file
      if (!socket->send_binary(std::move(bytes))) break;
    }
    socket->send_text(R"({"type":"end-call"})");
    socket->close(net::CloseCode::kNormal, "done");
    listener->wait_closed(std::chrono::seconds(5));
    std::fprintf(stderr, "what the assistant said is in %s\n", o.out_wav.c_str());
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "switchboard call: %s\n", e.what());
    return 1;
  }
}

}  // namespace sb::app
