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
  state->connect(deps_.websockets,
                 request(config, deps_.settings.base_url(provider_, context), key));
  dialling(*state);
  return stream_of(std::move(state));
}

}  // namespace sb::speech
