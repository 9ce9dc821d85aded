#include "runtime/speech/speech_providers.hpp"

#include "core/api_error.hpp"
#include "core/json_fields.hpp"

namespace sb::speech {

namespace {

constexpr std::string_view kBuiltin = "vapi";

/// The provider a config names; the built-in one when it names none.
std::string_view provider_of(const boost::json::object& config) {
  const std::string_view provider = string_at(config, "provider");
  return provider.empty() ? kBuiltin : provider;
}

template <class Adapter>
Adapter& find(const std::map<std::string, Adapter*, std::less<>>& adapters,
              const boost::json::object& config, std::string_view field) {
  const std::string_view provider = provider_of(config);
  if (auto it = adapters.find(provider); it != adapters.end()) return *it->second;
  std::string known;
  for (const auto& [name, adapter] : adapters) known += (known.empty() ? "" : ", ") + name;
  throw ApiError::bad_request(std::string(field) + ".provider " + std::string(provider) +
                              " is not supported by this server yet (supported: " + known + ")");
}

}  // namespace

class SpeechProviders::TranscriberRouter final : public Transcriber {
 public:
  explicit TranscriberRouter(const SpeechProviders& providers) : providers_(providers) {}
  void check(const boost::json::object& config) const override {
    providers_.transcriber_for(config).check(config);
  }
  std::unique_ptr<TranscriberStream> open(const boost::json::object& config,
                                          const SpeechContext& context,
                                          TranscriberEvents events) override {
    return providers_.transcriber_for(config).open(config, context, std::move(events));
  }

 private:
  const SpeechProviders& providers_;
};

class SpeechProviders::VoiceRouter final : public Voice {
 public:
  explicit VoiceRouter(const SpeechProviders& providers) : providers_(providers) {}
  void check(const boost::json::object& config) const override {
    providers_.voice_for(config).check(config);
  }
  std::unique_ptr<Synthesis> synthesize(const boost::json::object& config,
                                        const SpeechContext& context, std::string text,
                                        VoiceEvents events) override {
    return providers_.voice_for(config).synthesize(config, context, std::move(text),
                                                   std::move(events));
  }

 private:
  const SpeechProviders& providers_;
};

SpeechProviders::SpeechProviders(SpeechPool& pool, net::HttpClient& http,
                                 BuiltinTranscriberOptions builtin, webhooks::Signer signer)
    : builtin_transcriber_(pool, std::move(builtin)),
      builtin_voice_(pool),
      custom_voice_(http, std::move(signer)),
      transcriber_router_(std::make_unique<TranscriberRouter>(*this)),
      voice_router_(std::make_unique<VoiceRouter>(*this)),
      transcribers_with_fallbacks_(*transcriber_router_),
      voices_with_fallbacks_(*voice_router_) {
  add_transcriber(std::string(kBuiltin), builtin_transcriber_);
  add_voice(std::string(kBuiltin), builtin_voice_);
  add_voice("custom-voice", custom_voice_);
}

SpeechProviders::~SpeechProviders() = default;

void SpeechProviders::add_transcriber(std::string provider, Transcriber& transcriber) {
  transcribers_[std::move(provider)] = &transcriber;
}

void SpeechProviders::add_voice(std::string provider, Voice& voice) {
  voices_[std::move(provider)] = &voice;
}

Transcriber& SpeechProviders::transcribers() {
  return transcribers_with_fallbacks_;
}
Voice& SpeechProviders::voices() {
  return voices_with_fallbacks_;
}

Transcriber& SpeechProviders::transcriber_for(const boost::json::object& config) const {
  return find(transcribers_, config, "transcriber");
}

Voice& SpeechProviders::voice_for(const boost::json::object& config) const {
  return find(voices_, config, "voice");
}

}  // namespace sb::speech
