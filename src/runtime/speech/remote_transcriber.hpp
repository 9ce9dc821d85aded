#pragma once
// A transcriber that streams to a remote provider's WebSocket (deepgram, assembly-ai, ...) with
// the key and base URL remote_speech.hpp picks for the call. open() is shared: no key fails the
// stream at once; otherwise the provider's upgrade request is dialled with its protocol on the
// shared WebSocket stream (websocket_transcriber_stream.hpp). Each provider says the rest.

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <boost/json/object.hpp>

#include "net/websocket.hpp"
#include "runtime/speech/remote_speech.hpp"
#include "runtime/speech/websocket_transcriber_stream.hpp"

namespace sb::speech {

/// How long a remote transcriber's upgrade may take.
inline constexpr std::chrono::seconds kRemoteConnectTimeout{10};

/// An upgrade request for `url` with kRemoteConnectTimeout and, when `header` is not empty, that
/// one (auth) header.
net::WebSocketConnectRequest upgrade_request(std::string url, std::string header = {},
                                             std::string value = {});

/// One provider message as the call sees it: a transcript, the text of a reported error, or
/// neither.
struct HeardMessage {
  std::optional<Transcript> transcript;
  std::optional<std::string> error;
};

/// The side of a provider each of whose messages means at most one transcript or an error
/// (ElevenLabs, Cartesia, Azure): every failure is `ended_reason`, its message naming `service`.
class MessageProtocol : public TranscriberProtocol {
 public:
  MessageProtocol(const char* ended_reason, std::string service)
      : ended_reason_(ended_reason), service_(std::move(service)) {}

  ProtocolReply on_text(std::string_view text) final;
  SpeechFailure connect_failure(std::string_view error) override;
  SpeechFailure close_failure(std::uint16_t code, std::string_view reason) override;

 protected:
  /// What `text` means.
  virtual HeardMessage heard(std::string_view text) = 0;

 private:
  const char* ended_reason_;
  std::string service_;
};

class RemoteWebSocketTranscriber : public Transcriber {
 public:
  /// No key: on_failure (key_missing()) at once. Else the stream dials (see dial()); a refused
  /// upgrade, an error message or the socket closing before close() end it with on_failure, as
  /// the provider's protocol names them.
  std::unique_ptr<TranscriberStream> open(const boost::json::object& config,
                                          const SpeechContext& context,
                                          TranscriberEvents events) final;

 protected:
  /// `provider`: a name of remote_speech's table.
  RemoteWebSocketTranscriber(const RemoteSpeechDeps& deps, std::string_view provider);

  /// The provider's side of one stream for `config` (already check()ed).
  virtual std::unique_ptr<TranscriberProtocol> protocol(
      const boost::json::object& config) const = 0;
  /// Starts `stream`'s connection for `config` with `key` under `base_url`. By default dials
  /// request(...); a provider whose socket URL comes from another exchange first overrides it.
  virtual void dial(const std::shared_ptr<WebSocketTranscription>& stream,
                    const boost::json::object& config, std::string_view base_url,
                    const std::string& key) const;
  /// The upgrade request (URL, auth headers, timeout) for `config` with `key` under `base_url`:
  /// what the default dial() dials. A provider that overrides dial() need not override it.
  virtual net::WebSocketConnectRequest request(const boost::json::object& config,
                                               std::string_view base_url,
                                               const std::string& key) const;
  /// The failure when the call has no key for the provider.
  virtual SpeechFailure key_missing() const = 0;
  /// The base URL dialled under, from the configured one and the credential's extra field (see
  /// RemoteProvider): by default the configured one as it is.
  virtual std::string located(std::string base_url, const std::string& /*extra*/) const {
    return base_url;
  }
  /// Runs once the stream is dialling (e.g. to start keep-alives).
  virtual void dialling(WebSocketTranscription&) const {}

  const RemoteSpeechDeps& deps() const { return deps_; }

 private:
  RemoteSpeechDeps deps_;
  const RemoteProvider& provider_;
};

}  // namespace sb::speech
