#pragma once
// What every remote speech provider's adapter (Deepgram, ElevenLabs, Cartesia, OpenAI, ...)
// shares: the provider table, where each one's API is, and which key a call uses.
//
// Base URLs are the provider's API base as its own SDKs take it (https://api.deepgram.com,
// https://api.elevenlabs.io, https://api.cartesia.ai, https://api.openai.com/v1,
// https://streaming.assemblyai.com, https://api.gladia.io, https://eu.rt.speechmatics.com): the
// server's
// `--speech-base-url provider=url` (repeatable), else <NAME>_BASE_URL in its environment, else
// the default. A credential's own `apiUrl` (Deepgram, ElevenLabs and Cartesia credentials have
// one, for an on-premises install) beats all three. WebSocket endpoints take the same base with
// ws:// for http:// and wss:// for https://.
//
// Keys (and a provider's extra_field, from its credential, else <extra_env>): the one of the
// assistant's `credentialIds` of that provider, else the org's newest
// credential of that provider (both resolved when the call is created, into
// SpeechContext::credentials), else <NAME>_API_KEY in the server's environment.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "runtime/speech/speech.hpp"

namespace sb::net {
class HttpClient;
class WebSocketClient;
}  // namespace sb::net

namespace sb::speech {

struct RemoteProvider {
  std::string_view name;                 ///< the transcriber/voice `provider` value
  std::string_view default_base_url;     ///< as the provider's SDKs take it
  std::string_view key_env;              ///< e.g. "DEEPGRAM_API_KEY"
  std::string_view base_url_env;         ///< e.g. "DEEPGRAM_BASE_URL"
  std::string_view credential_provider;  ///< the org credential's `provider` holding the key
  /// A second credential field the provider needs beside the key (PlayHT's userId, Azure's
  /// region), "" for none, and the environment variable that stands in for it.
  std::string_view extra_field;
  std::string_view extra_env;
};

/// nullptr when `name` is not a remote speech provider this server knows.
const RemoteProvider* find_remote_provider(std::string_view name);

/// Base URLs and keys from the server's environment and command line, read once at start-up.
class RemoteSpeechSettings {
 public:
  static RemoteSpeechSettings from_environment();
  /// `--speech-base-url provider=url`; throws std::invalid_argument for an unknown provider or a
  /// URL that is not http(s)://.
  void override_base_url(std::string_view assignment);
  /// The base URL for `provider` in a call: the credential's apiUrl, else override, else
  /// environment, else default. No trailing slash.
  std::string base_url(const RemoteProvider& provider, const SpeechContext& context) const;
  /// The key for `provider` in a call: the org's credential, else the environment; "" if none.
  std::string api_key(const RemoteProvider& provider, const SpeechContext& context) const;
  /// The provider's extra_field in a call: the credential's, else the environment's; "" if none.
  std::string extra(const RemoteProvider& provider, const SpeechContext& context) const;

 private:
  std::vector<std::pair<std::string, std::string>> base_urls_;
  std::vector<std::pair<std::string, std::string>> keys_;
  std::vector<std::pair<std::string, std::string>> extras_;
};

/// "wss://host/path" for "https://host/path", "ws://..." for "http://...".
std::string websocket_url_of(std::string_view http_url);

/// Appends name=value (value percent-encoded) to a URL query, with '&' after the first.
void append_query(std::string& query, std::string_view name, std::string_view value);

/// A number as a query parameter takes it: the shortest text that reads back as `value`.
std::string number_text(double value);

/// What remote adapters are built from; all outlive them.
struct RemoteSpeechDeps {
  net::HttpClient& http;
  net::WebSocketClient& websockets;
  const RemoteSpeechSettings& settings;
};

}  // namespace sb::speech
