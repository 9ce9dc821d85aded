// The PCM streaming the HTTP voices share, against a scripted exchange: bytes cut anywhere,
// another rate resampled to the pipeline's, failures mapped by the provider, and cancelling.

#include "runtime/speech/http_pcm_stream.hpp"

#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace sb::speech {
namespace {

/// An exchange the test drives by hand: what send() was given, and its callbacks.
struct ScriptedExchange {
  std::optional<net::OutboundRequest> request;
  std::function<void(net::OutboundResponse)> done;
  int cancels = 0;

  PcmSend send() {
    return [this](net::OutboundRequest r, std::function<void(net::OutboundResponse)> d) {
      request = std::move(r);
      done = std::move(d);
      return [this] { ++cancels; };
    };
  }
  bool body(std::string_view bytes) { return request->on_body(bytes); }
  void finish(int status, std::string error = "") {
    net::OutboundResponse response;
    response.status = status;
    response.error = std::move(error);
    done(response);
  }
};

struct Heard {
  std::vector<std::int16_t> audio;
  int pieces = 0;
  int done = 0;
  std::vector<SpeechFailure> failures;

  VoiceEvents events() {
    return {[this](std::vector<std::int16_t> pcm) {
              ++pieces;
              audio.insert(audio.end(), pcm.begin(), pcm.end());
            },
            [this] { ++done; }, [this](SpeechFailure f) { failures.push_back(std::move(f)); }};
  }
};

SpeechFailure failed(const net::OutboundResponse& response) {
  return {"pipeline-error-test-voice-failed", describe_failure("the test API", response, {})};
}

std::string bytes_of(const std::vector<std::int16_t>& samples) {
  std::string bytes;
  for (auto s : samples) {
    const auto u = static_cast<std::uint16_t>(s);
    bytes.push_back(static_cast<char>(u & 0xff));
    bytes.push_back(static_cast<char>(u >> 8));
  }
  return bytes;
}

TEST(HttpPcmStream, JoinsSamplesCutAcrossChunks) {
  ScriptedExchange exchange;
  Heard heard;
  net::OutboundRequest request;
  request.url = "http://tts.test/speak";
  auto synthesis = stream_pcm(exchange.send(), request, kPipelineRate, failed, heard.events());
  ASSERT_TRUE(exchange.request);
  EXPECT_EQ(exchange.request->url, "http://tts.test/speak");
  const auto bytes = bytes_of({1000, -2, 3});
  EXPECT_TRUE(exchange.body(bytes.substr(0, 1)));
  EXPECT_EQ(heard.pieces, 0) << "half a sample waits for its other byte";
  EXPECT_TRUE(exchange.body(bytes.substr(1, 4)));
  EXPECT_TRUE(exchange.body(bytes.substr(5)));
  exchange.finish(200);
  EXPECT_EQ(heard.audio, (std::vector<std::int16_t>{1000, -2, 3}));
  EXPECT_EQ(heard.pieces, 2);
  EXPECT_EQ(heard.done, 1);
  EXPECT_TRUE(heard.failures.empty());
}

/// A streamed WAV's header as PlayHT-like servers send it: RIFF, fmt, a LIST chunk of odd
/// size (padded), then the data chunk's header with an unknown length.
std::string wav_header() {
  auto le32 = [](std::uint32_t v) {
    return std::string{static_cast<char>(v & 0xff), static_cast<char>((v >> 8) & 0xff),
                       static_cast<char>((v >> 16) & 0xff), static_cast<char>(v >> 24)};
  };
  std::string fmt = le32(16) + std::string("\x01\x00\x01\x00", 4) + le32(16000) + le32(32000) +
                    std::string("\x02\x00\x10\x00", 4);
  return "RIFF" + le32(0xffffffff) + "WAVE" + "fmt " + fmt + "LIST" + le32(5) + "INFOx" +
         std::string(1, '\0') + "data" + le32(0xffffffff);
}

TEST(HttpPcmStream, DropsAWavHeaderHoweverItIsCut) {
  ScriptedExchange exchange;
  Heard heard;
  auto synthesis =
      stream_pcm(exchange.send(), net::OutboundRequest{}, kPipelineRate, failed, heard.events());
  const auto body = wav_header() + bytes_of({7, -7, 300});
  for (std::size_t at = 0; at < body.size(); at += 3)
    EXPECT_TRUE(exchange.body(body.substr(at, 3)));
  exchange.finish(200);
  EXPECT_EQ(heard.audio, (std::vector<std::int16_t>{7, -7, 300}));
  EXPECT_EQ(heard.done, 1);
}

TEST(HttpPcmStream, ABodyThatOnlyStartsLikeRiffIsAudio) {
  ScriptedExchange exchange;
  Heard heard;
  auto synthesis =
      stream_pcm(exchange.send(), net::OutboundRequest{}, kPipelineRate, failed, heard.events());
  const auto body = std::string("RIFX") + bytes_of({1, 2});
  EXPECT_TRUE(exchange.body(body.substr(0, 2)));
  EXPECT_TRUE(exchange.body(body.substr(2)));
  exchange.finish(200);
  EXPECT_EQ(heard.audio, (std::vector<std::int16_t>{0x4952, 0x5846, 1, 2}));
}

TEST(HttpPcmStream, ResamplesAnotherRateToThePipelines) {
  ScriptedExchange exchange;
  Heard heard;
  auto synthesis = stream_pcm(exchange.send(), {}, 24'000, failed, heard.events());
  const std::vector<std::int16_t> second(24'000, 1000);  // one second at 24 kHz
  exchange.body(bytes_of(second));
  exchange.finish(200);
  // About 16 000 samples; the filter keeps a few back.
  EXPECT_GT(heard.audio.size(), 15'900u);
  EXPECT_LE(heard.audio.size(), 16'000u);
  EXPECT_EQ(heard.done, 1);
}

TEST(HttpPcmStream, AFailedOrCutExchangeIsOneFailureFromTheProvidersMapping) {
  ScriptedExchange exchange;
  Heard heard;
  auto synthesis = stream_pcm(exchange.send(), {}, kPipelineRate, failed, heard.events());
  exchange.body(bytes_of({1, 2}));
  exchange.finish(200, "partial message");
  ASSERT_EQ(heard.failures.size(), 1u);
  EXPECT_EQ(heard.failures[0].ended_reason, "pipeline-error-test-voice-failed");
  EXPECT_EQ(heard.failures[0].message, "the test API failed: partial message");
  EXPECT_EQ(heard.done, 0);
}

TEST(HttpPcmStream, CancellingCutsTheExchangeAndSilencesIt) {
  ScriptedExchange exchange;
  Heard heard;
  auto synthesis = stream_pcm(exchange.send(), {}, kPipelineRate, failed, heard.events());
  synthesis->cancel();
  EXPECT_EQ(exchange.cancels, 1);
  EXPECT_FALSE(exchange.body(bytes_of({1, 2}))) << "the exchange is told to stop reading";
  exchange.finish(0, "cancelled");
  EXPECT_EQ(heard.pieces, 0);
  EXPECT_EQ(heard.done, 0);
  EXPECT_TRUE(heard.failures.empty());
}

}  // namespace
}  // namespace sb::speech
