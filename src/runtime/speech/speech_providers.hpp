#pragma once
// Which adapter serves an assistant's `transcriber` and `voice`, by their `provider`: "vapi" (or
// none named) → the built-in engines; "custom-voice" → CustomVoice; "custom-transcriber" and
// later providers → what was registered with add_transcriber/add_voice. Any other provider is
// refused by check() with a 400 saying this server does not speak it yet.
//
// transcribers() and voices() are a Transcriber and a Voice that route each call to the adapter
// named in its config, so the call pipeline holds one of each.

#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "runtime/speech/builtin_transcriber.hpp"
#include "runtime/speech/builtin_voice.hpp"
#include "runtime/speech/custom_voice.hpp"
#include "runtime/speech/fallback_speech.hpp"
#include "runtime/speech/speech.hpp"
#include "runtime/speech/speech_pool.hpp"

namespace sb::net {
class HttpClient;
}

namespace sb::speech {

class SpeechProviders {
 public:
  /// Loads the built-in transcriber's decoders (see BuiltinTranscriberOptions); throws
  /// std::runtime_error when its model is missing. `pool` and `http` outlive this; `signer`
  /// authenticates the custom voice's requests for its server.credentialId.
  SpeechProviders(SpeechPool& pool, net::HttpClient& http, BuiltinTranscriberOptions builtin,
                  webhooks::Signer signer = {});
  ~SpeechProviders();
  SpeechProviders(const SpeechProviders&) = delete;
  SpeechProviders& operator=(const SpeechProviders&) = delete;

  /// Registers (or replaces) the adapter for `provider`; it must outlive this. Call before
  /// calls start: the tables are not locked.
  void add_transcriber(std::string provider, Transcriber& transcriber);
  void add_voice(std::string provider, Voice& voice);

  /// Routes by `provider`: check() refuses an unknown one (ApiError 400), open()/synthesize()
  /// too (they are only called after check()). A config's fallbackPlan is followed when its
  /// provider fails (fallback_speech.hpp).
  Transcriber& transcribers();
  Voice& voices();

  BuiltinTranscriber& builtin_transcriber() { return builtin_transcriber_; }

  /// The adapter for a config; throws ApiError 400 for a provider this server does not speak.
  Transcriber& transcriber_for(const boost::json::object& config) const;
  Voice& voice_for(const boost::json::object& config) const;

 private:
  class TranscriberRouter;
  class VoiceRouter;

  BuiltinTranscriber builtin_transcriber_;
  BuiltinVoice builtin_voice_;
  CustomVoice custom_voice_;
  std::map<std::string, Transcriber*, std::less<>> transcribers_;
  std::map<std::string, Voice*, std::less<>> voices_;
  std::unique_ptr<TranscriberRouter> transcriber_router_;
  std::unique_ptr<VoiceRouter> voice_router_;
  FallbackTranscriber transcribers_with_fallbacks_;
  FallbackVoice voices_with_fallbacks_;
};

}  // namespace sb::speech
