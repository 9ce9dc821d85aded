#include "runtime/speech/http_pcm_stream.hpp"

#include <algorithm>
#include <cstdint>
#include <mutex>
#include <optional>
#include <utility>
#include <vector>

#include "media/pcm16.hpp"
#include "media/resampler.hpp"
#include "runtime/speech/event_gate.hpp"

namespace sb::speech {

namespace {

/// The most of an error answer's body quoted in the failure.
constexpr std::size_t kQuotedBody = 200;

/// Drops a RIFF/WAVE header from the start of a body (PlayHT streams its PCM as "wav"), the
/// bytes up to and with the "data" chunk's own header; a body that does not begin "RIFF....WAVE"
/// passes untouched. The header may arrive cut anywhere.
class WavHeaderSkipper {
 public:
  /// The audio of `chunk` (valid until the next call): empty while a header is still coming.
  std::string_view feed(std::string_view chunk) {
    if (done_) return chunk;
    held_.append(chunk);
    if (!could_be_wav()) return finish(0);
    if (held_.size() < kRiffHeader) return {};
    for (std::size_t at = kRiffHeader; at + kChunkHeader <= held_.size();) {
      if (held_.compare(at, 4, "data") == 0) return finish(at + kChunkHeader);
      const std::uint32_t size = le32(at + 4);
      at += kChunkHeader + size + (size & 1);  // chunks are padded to even sizes
    }
    return {};
  }

 private:
  static constexpr std::size_t kRiffHeader = 12;  // "RIFF", size, "WAVE"
  static constexpr std::size_t kChunkHeader = 8;  // id, size

  bool could_be_wav() const {
    constexpr std::string_view kRiff = "RIFF", kWave = "WAVE";
    const std::string_view held(held_);
    if (held.substr(0, 4) != kRiff.substr(0, std::min<std::size_t>(held.size(), 4))) return false;
    if (held.size() <= 8) return true;
    return held.substr(8, 4) == kWave.substr(0, std::min<std::size_t>(held.size() - 8, 4));
  }
  std::uint32_t le32(std::size_t at) const {
    std::uint32_t value = 0;
    for (int i = 3; i >= 0; --i) value = (value << 8) | static_cast<unsigned char>(held_[at + i]);
    return value;
  }
  std::string_view finish(std::size_t audio_from) {
    done_ = true;
    held_.erase(0, std::min(audio_from, held_.size()));
    return held_;
  }

  bool done_ = false;
  std::string held_;
};

/// One request in flight: the events behind their gate, and how to cut the exchange.
struct Stream {
  VoiceEvents events;
  PcmFailure failure_of;
  EventGate gate;
  // The body may be cut anywhere; on_body runs on one thread at a time, so these need no lock.
  WavHeaderSkipper wav;
  media::Pcm16Decoder pcm;
  std::optional<media::Resampler> resampler;
  std::mutex mutex;
  net::HttpClient::Cancel cancel_exchange;
  bool cancelled = false;

  bool on_body(std::string_view chunk) {
    std::vector<std::int16_t> samples;
    pcm.decode(wav.feed(chunk), samples);
    if (resampler && !samples.empty()) {
      std::vector<std::int16_t> converted;
      resampler->process(samples, converted);
      samples = std::move(converted);
    }
    if (samples.empty()) return gate.is_open();
    return gate.run([&] {
      if (events.on_audio) events.on_audio(std::move(samples));
    });
  }
  void on_done(const net::OutboundResponse& response) {
    gate.run_last([&] {
      if (response.ok()) {
        if (events.on_done) events.on_done();
      } else if (events.on_failure) {
        events.on_failure(failure_of(response));
      }
    });
  }
  void cancel() {
    gate.close();
    net::HttpClient::Cancel cut;
    {
      std::lock_guard lock(mutex);
      cancelled = true;
      cut = std::move(cancel_exchange);
    }
    if (cut) cut();
  }
  void started(net::HttpClient::Cancel cut) {
    {
      std::lock_guard lock(mutex);
      if (!cancelled) {
        cancel_exchange = std::move(cut);
        return;
      }
    }
    if (cut) cut();  // cancelled before the exchange began
  }
};

class StreamSynthesis final : public Synthesis {
 public:
  explicit StreamSynthesis(std::shared_ptr<Stream> stream) : stream_(std::move(stream)) {}
  ~StreamSynthesis() override { cancel(); }
  void cancel() override { stream_->cancel(); }

 private:
  std::shared_ptr<Stream> stream_;
};

}  // namespace

std::unique_ptr<Synthesis> stream_pcm(const PcmSend& send, net::OutboundRequest request,
                                      int sample_rate, PcmFailure failure_of, VoiceEvents events) {
  auto stream = std::make_shared<Stream>();
  stream->events = std::move(events);
  stream->failure_of = std::move(failure_of);
  if (sample_rate != kPipelineRate) stream->resampler.emplace(sample_rate, kPipelineRate);
  request.on_body = [stream](std::string_view chunk) { return stream->on_body(chunk); };
  auto cut = send(std::move(request),
                  [stream](net::OutboundResponse response) { stream->on_done(response); });
  stream->started(std::move(cut));
  return std::make_unique<StreamSynthesis>(std::move(stream));
}

PcmSend send_with(net::HttpClient& http) {
  return [&http](net::OutboundRequest request, std::function<void(net::OutboundResponse)> done) {
    return http.send(std::move(request), std::move(done));
  };
}

std::string describe_failure(std::string_view who, const net::OutboundResponse& response,
                             std::chrono::milliseconds timeout) {
  const std::string name(who);
  if (response.error == "timeout") {
    return name + " did not answer within " + std::to_string(timeout.count() / 1000) + " s";
  }
  if (!response.error.empty()) return name + " failed: " + response.error;
  std::string message = name + " answered " + std::to_string(response.status);
  if (!response.body.empty()) message += ": " + response.body.substr(0, kQuotedBody);
  return message;
}

}  // namespace sb::speech
