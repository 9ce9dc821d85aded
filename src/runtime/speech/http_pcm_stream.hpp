#pragma once
// What the voices that answer one HTTP request with raw PCM share (custom-voice and the
// HttpVoices of http_voice.hpp): the body, signed 16-bit little-endian mono at the provider's
// rate, reaches on_audio as it arrives, cut anywhere (an odd byte waits for its partner) and
// resampled to kPipelineRate when the provider speaks another rate; then on_done, or on_failure
// with the provider's own endedReason. Cancelling cuts the exchange; no event runs after it
// returns. A body that begins with a RIFF/WAVE header (a provider that streams "wav") has the
// header dropped; the rate is still the one asked for.
//
// A stream cut short (the connection drops mid-body) or stalled past the request's
// stream_idle_timeout is a failure like a refused request: the utterance is incomplete.

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "net/http_client.hpp"
#include "runtime/speech/speech.hpp"

namespace sb::speech {

/// Starts one exchange and says how to cut it (HttpClient::send, or a signed send).
using PcmSend = std::function<net::HttpClient::Cancel(net::OutboundRequest,
                                                      std::function<void(net::OutboundResponse)>)>;
/// The failure a non-2xx answer, a timeout or a broken connection ends the call with.
using PcmFailure = std::function<SpeechFailure(const net::OutboundResponse&)>;

/// Sends `request` (its on_body is set here) and streams the answer as above. `sample_rate` is
/// the rate of the PCM the provider answers with.
std::unique_ptr<Synthesis> stream_pcm(const PcmSend& send, net::OutboundRequest request,
                                      int sample_rate, PcmFailure failure_of, VoiceEvents events);

/// HttpClient::send as a PcmSend; `http` outlives it.
PcmSend send_with(net::HttpClient& http);

/// A failure message naming `who` ("the ElevenLabs API", ...): "... did not answer within 20 s",
/// "... failed: connection refused", "... answered 401: <start of the body>".
std::string describe_failure(std::string_view who, const net::OutboundResponse& response,
                             std::chrono::milliseconds timeout);

}  // namespace sb::speech
