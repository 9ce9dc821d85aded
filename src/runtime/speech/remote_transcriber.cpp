#include "runtime/speech/remote_transcriber.hpp"

#include <stdexcept>
#include <utility>

namespace sb::speech {

namespace {

const RemoteProvider& known(std::string_view name) {
  const auto* provider = find_remote_provider(name);
  if (!provider) throw std::logic_error("not a remote speech provider: " + std::string(name));
  return *provider;
}

}  // namespace

net::WebSocketConnectRequest upgrade_request(std::string url, std::string header,
                                             std::string value) {
  net::WebSocketConnectRequest request;
  request.url = std::move(url);
  if (!header.empty()) request.headers.emplace_back(std::move(header), std::move(value));
  request.timeout = kRemoteConnectTimeout;
  return request;
}

RemoteWebSocketTranscriber::RemoteWebSocketTranscriber(const RemoteSpeechDeps& deps,
                                                       std::string_view provider)
    : deps_(deps), provider_(known(provider)) {}

std::unique_ptr<TranscriberStream> RemoteWebSocketTranscriber::open(
    const boost::json::object& config, const SpeechContext& context, TranscriberEvents events) {
  auto state = WebSocketTranscription::create(protocol(config), std::move(events));
  const auto key = deps_.settings.api_key(provider_, context);
  if (key.empty()) {
    state->fail(key_missing());
    return stream_of(std::move(state));
  }
  dial(state, config, deps_.settings.base_url(provider_, context), key);
  dialling(*state);
  return stream_of(std::move(state));
}

void RemoteWebSocketTranscriber::dial(const std::shared_ptr<WebSocketTranscription>& stream,
                                      const boost::json::object& config, std::string_view base_url,
                                      const std::string& key) const {
  stream->connect(deps_.websockets, request(config, base_url, key));
}

net::WebSocketConnectRequest RemoteWebSocketTranscriber::request(const boost::json::object&,
                                                                 std::string_view,
                                                                 const std::string&) const {
  throw std::logic_error(std::string(provider_.name) + ": neither dial() nor request() given");
}

}  // namespace sb::speech
