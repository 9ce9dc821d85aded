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

ProtocolReply MessageProtocol::on_text(std::string_view text) {
  ProtocolReply reply;
  auto message = heard(text);
  if (message.error)
    reply.failure =
        SpeechFailure{ended_reason_, service_ + " reported an error: " + *message.error};
  if (message.transcript) reply.transcripts.push_back(std::move(*message.transcript));
  return reply;
}

SpeechFailure MessageProtocol::connect_failure(std::string_view error) {
  return {ended_reason_, "could not connect to " + service_ + ": " + std::string(error)};
}

SpeechFailure MessageProtocol::close_failure(std::uint16_t code, std::string_view reason) {
  return {ended_reason_, service_ + " closed the connection (" + std::to_string(code) +
                             (reason.empty() ? "" : " " + std::string(reason)) + ")"};
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
  dial(state, config,
       located(deps_.settings.base_url(provider_, context),
               deps_.settings.extra(provider_, context)),
       key);
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
