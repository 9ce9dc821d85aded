#pragma once
// The azure transcriber (Vapi's AzureSpeechTranscriber): Azure Speech's WebSocket speech
// protocol, as the Speech SDK speaks it (microsoft/cognitive-services-speech-sdk-js:
// SpeechConnectionFactory, WebsocketMessageFormatter, ServiceRecognizerBase), in conversation
// mode:
//   wss://<region>.stt.speech.microsoft.com/speech/recognition/conversation/cognitiveservices/v1
//     ?language=<locale>&format=simple[&segmentationSilenceTimeoutMs=N]
//   headers Ocp-Apim-Subscription-Key: <key>, X-ConnectionId: <32 hex digits>
// Every message carries HTTP-like headers (Path, X-RequestId, X-Timestamp, Content-Type): a text
// message is the headers, an empty line and the body; a binary one a 2-byte big-endian header
// length, the headers and the body. The session opens with the text messages speech.config (the
// client's description) and speech.context (the segmentation settings); the customer's channel
// goes up as binary `audio` messages (audio/x-wav: a WAV header before the first samples, then
// 16-bit mono PCM at the pipeline's rate). Azure answers with text messages whose Path says
// what they are:
//   speech.hypothesis  {"Text":"...","Offset","Duration"}            the phrase so far: a partial
//   speech.phrase      {"RecognitionStatus":"Success","DisplayText"}  a final that ends the turn
//   turn.start, speech.startDetected, speech.endDetected, turn.end    (ignored)
// A phrase whose RecognitionStatus is Error, TooManyRequests, BadRequest or Forbidden fails the
// stream; NoMatch, InitialSilenceTimeout, BabbleTimeout and EndOfDictation are silence.
//
// The region and base URL are the azure voice's (azure_voice.hpp): the credential's `region`
// (else AZURE_SPEECH_REGION) fills the base's "{region}"; the default base, the voice's
// <region>.tts host, becomes the <region>.stt one. Mapped: language (en-US by default),
// segmentationStrategy, segmentationSilenceTimeoutMs and segmentationMaximumTimeMs (speech.context
// phraseDetection.conversation.segmentation, as the SDK sends them). Not sent: the empty `audio`
// message the SDK ends a stream with (the socket's close ends it here).

#include <string>
#include <string_view>

#include <boost/json/object.hpp>

#include "runtime/speech/remote_transcriber.hpp"

namespace sb::speech {

/// The Call schema's one endedReason for the Azure transcriber: every failure is it.
inline constexpr const char* kAzureTranscriberFailed =
    "pipeline-error-azure-speech-transcriber-failed";

/// The base the recognition URL is under: `configured` (the azure provider's base URL) with its
/// "{region}" filled by `region`, the voice's default <region>.tts host becoming <region>.stt.
std::string azure_stt_base(std::string configured, std::string_view region);
/// The recognition URL for `config` under `base_url` (its region already filled in).
std::string azure_stt_url(std::string_view base_url, const boost::json::object& config);

/// A text message of the protocol: its headers, an empty line, `body`.
std::string azure_text_message(std::string_view path, std::string_view request_id,
                               std::string_view timestamp, std::string_view body);
/// A binary `audio` message carrying `body`.
std::string azure_audio_message(std::string_view request_id, std::string_view timestamp,
                                std::string_view body);
/// The speech.context body for `config` ({} when it sets no segmentation).
boost::json::object azure_speech_context(const boost::json::object& config);

/// What one of Azure's text messages means to the call.
HeardMessage parse_azure_message(std::string_view text);

class AzureTranscriber final : public RemoteWebSocketTranscriber {
 public:
  explicit AzureTranscriber(const RemoteSpeechDeps& deps)
      : RemoteWebSocketTranscriber(deps, "azure") {}

  /// 400 naming the field: a provider other than azure, a language that is not a string, a
  /// segmentationStrategy other than Default / Time / Semantic, segmentationSilenceTimeoutMs
  /// outside 100-5000 or segmentationMaximumTimeMs outside 20000-70000.
  void check(const boost::json::object& config) const override;

 private:
  std::unique_ptr<TranscriberProtocol> protocol(const boost::json::object& config) const override;
  net::WebSocketConnectRequest request(const boost::json::object& config, std::string_view base_url,
                                       const std::string& key) const override;
  std::string located(std::string base_url, const std::string& region) const override;
  SpeechFailure key_missing() const override;
};

}  // namespace sb::speech
