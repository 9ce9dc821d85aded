#pragma once
// What the remote voices that answer each text with one HTTP request share (11labs, cartesia,
// openai, deepgram, lmnt, rime-ai, azure, playht): HttpVoice finds the call's key and base URL
// (remote_speech.hpp), asks its provider's spec for the request, streams the PCM answer to the
// call (http_pcm_stream.hpp) and ends it, on failure, with the endedReason the spec maps the
// failure to. A provider's file holds only what is its own: its HttpVoiceSpec (request, that
// mapping, and what its check refuses beyond a missing voiceId).
//
// A call without a key (or without the second credential field its provider needs: PlayHT's
// userId, Azure's region) fails at once with the provider's generic reason, sending nothing.
// Every request waits kVoiceTimeout for the answer's head, then kVoiceIdleTimeout for each more
// of its body.

#include <chrono>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>

#include "net/http_client.hpp"
#include "runtime/speech/remote_speech.hpp"

namespace sb::speech {

inline constexpr std::chrono::seconds kVoiceTimeout{20};
/// The longest pause between body chunks of a healthy stream is far below this.
inline constexpr std::chrono::seconds kVoiceIdleTimeout{10};

/// Where a call's request goes and with what.
struct VoiceAccess {
  std::string base_url;  ///< no trailing slash
  std::string api_key;
  std::string extra;  ///< the provider's RemoteProvider::extra_field, "" when it has none
};

/// What one provider's adapter supplies.
struct HttpVoiceSpec {
  std::string_view provider;  ///< a find_remote_provider name
  int sample_rate;            ///< of the PCM the provider answers with
  /// The request for `text` with `config` (the timeouts are HttpVoice's to set).
  net::OutboundRequest (*request)(const boost::json::object& config, std::string_view text,
                                  const VoiceAccess& access);
  /// The endedReason and message for a failed exchange (see voice_failure).
  SpeechFailure (*failure)(const net::OutboundResponse& response);
  /// The provider's own refusals (ApiError 400) beyond a missing voiceId; nullptr for none.
  void (*check)(const boost::json::object& config);
};

class HttpVoice final : public Voice {
 public:
  HttpVoice(const RemoteSpeechDeps& deps, const HttpVoiceSpec& spec);

  /// Refuses (ApiError 400) a voice without a voiceId, then what the spec's check refuses.
  void check(const boost::json::object& config) const override;
  std::unique_ptr<Synthesis> synthesize(const boost::json::object& config,
                                        const SpeechContext& context, std::string text,
                                        VoiceEvents events) override;

 private:
  net::HttpClient& http_;
  const RemoteSpeechSettings& settings_;
  const RemoteProvider& provider_;
  HttpVoiceSpec spec_;
};

/// A POST of `body` as JSON to `url` with `headers` (and Content-Type: application/json).
net::OutboundRequest json_post(std::string url, http::Fields headers,
                               const boost::json::object& body);
/// `ended_reason` with a message naming `who` ("the LMNT API") and what went wrong.
SpeechFailure voice_failure(const char* ended_reason, std::string_view who,
                            const net::OutboundResponse& response);

/// Refuses (ApiError 400 naming it) a `field` of `config` present but not a number within
/// [low, high].
void check_number(const boost::json::object& config, std::string_view field, double low,
                  double high);
/// Refuses (ApiError 400 naming it) a `field` of `config` present but not one of `allowed`.
void check_one_of(const boost::json::object& config, std::string_view field,
                  std::initializer_list<std::string_view> allowed);

}  // namespace sb::speech
