#pragma once
// The speech engines a call's pipeline talks to, behind two interfaces so that each provider
// (the built-in engines, custom-transcriber, custom-voice, later Deepgram, ElevenLabs, ...) is
// one adapter file. Audio inside the pipeline is always mono signed 16-bit PCM at
// kPipelineRate, in 20 ms frames; adapters convert to and from what their engine speaks.
//
// Threads: an adapter never blocks the caller. CPU-heavy work goes to the SpeechPool
// (speech_pool.hpp); network work to the outbound clients. Events run on any thread; the call
// posts them to its own strand.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

namespace sb::speech {

inline constexpr int kPipelineRate = 16'000;
inline constexpr int kFrameSamples = kPipelineRate / 50;  ///< 20 ms

/// A provider that failed, as a call ends because of it: `ended_reason` is a value of the Call
/// schema's endedReason enum naming the provider (e.g. "pipeline-error-custom-transcriber-failed",
/// "pipeline-error-vapi-voice-failed"), `message` says what happened.
struct SpeechFailure {
  std::string ended_reason;
  std::string message;
};

struct Transcript {
  std::string text;
  bool is_final = false;
  /// The transcriber decided the customer's turn is over (its own end-of-turn detection):
  /// the call need not apply transcriptionEndpointingPlan's waits.
  bool end_of_turn = false;
};

struct TranscriberEvents {
  std::function<void(Transcript)> on_transcript;
  /// After it, no more events.
  std::function<void(SpeechFailure)> on_failure;
};

/// One call's stream of customer audio to text.
class TranscriberStream {
 public:
  virtual ~TranscriberStream() = default;
  /// One 20 ms frame of each channel (kFrameSamples each), in real time. `assistant` is what the
  /// assistant played during that frame (silence when it did not speak): engines that take
  /// stereo use it, the others ignore it. Never blocks; an engine that falls behind drops or
  /// fails, it does not queue without bound.
  virtual void push(std::span<const std::int16_t> customer,
                    std::span<const std::int16_t> assistant) = 0;
  /// Stops: no event runs after close() returns. Idempotent.
  virtual void close() = 0;
};

struct VoiceEvents {
  /// PCM at kPipelineRate, any length, in order.
  std::function<void(std::vector<std::int16_t> pcm)> on_audio;
  std::function<void()> on_done;
  std::function<void(SpeechFailure)> on_failure;
};

/// One utterance being synthesised.
class Synthesis {
 public:
  virtual ~Synthesis() = default;
  /// Stops it: no event runs after cancel() returns. Idempotent.
  virtual void cancel() = 0;
};

/// The voices that failed in one call (their configs' JSON text), so that its later utterances
/// start with the fallback that works (fallback_speech.hpp); the first failure, which the call
/// ends with when every voice has failed. Shared by the call's syntheses, on any thread.
struct FailedVoices {
  std::mutex mutex;
  std::set<std::string> configs;
  std::optional<SpeechFailure> first;
};

/// What a stream or synthesis is for: the call and the org, for messages and credentials.
struct SpeechContext {
  std::string org_id;
  std::string call_id;
  boost::json::object call;  ///< the Call document (custom engines send it to their server)
  /// Speech provider ("deepgram", "11labs", ...) → the credential the call uses for it, its
  /// secrets merged in (apiKey, apiUrl, ...): the config's credentialId, else the assistant's
  /// inline `credentials` entry, else the first of its `credentialIds` of that provider, else
  /// the org's newest of that provider. Absent when there is none (remote_speech.hpp: the
  /// environment's key).
  std::map<std::string, boost::json::object, std::less<>> credentials;
  std::shared_ptr<FailedVoices> failed_voices = std::make_shared<FailedVoices>();
};

class Transcriber {
 public:
  virtual ~Transcriber() = default;
  /// Throws ApiError (400, naming the field and value) for a configuration it cannot serve,
  /// e.g. a language it does not know. Called when a call is created, before anything runs.
  virtual void check(const boost::json::object& config) const = 0;
  /// Opens a stream for `config` (the assistant's `transcriber` object, already check()ed).
  /// Failures to connect arrive as on_failure, never as exceptions.
  virtual std::unique_ptr<TranscriberStream> open(const boost::json::object& config,
                                                  const SpeechContext& context,
                                                  TranscriberEvents events) = 0;
};

class Voice {
 public:
  virtual ~Voice() = default;
  /// As Transcriber::check, for the assistant's `voice` object.
  virtual void check(const boost::json::object& config) const = 0;
  /// Synthesises `text` with `config` (the assistant's `voice` object). Exactly one of
  /// on_done / on_failure runs, unless cancelled first.
  virtual std::unique_ptr<Synthesis> synthesize(const boost::json::object& config,
                                                const SpeechContext& context, std::string text,
                                                VoiceEvents events) = 0;
};

}  // namespace sb::speech
