#include "runtime/speech/http_voice.hpp"

#include <sstream>
#include <stdexcept>
#include <utility>

#include <boost/json/serialize.hpp>

#include "core/api_error.hpp"
#include "core/json_fields.hpp"
#include "runtime/speech/http_pcm_stream.hpp"

namespace sb::speech {

namespace {

// Nothing was sent; the failure has been reported already.
class Refused final : public Synthesis {
 public:
  void cancel() override {}
};

/// What a call lacks to reach `provider` ("" when nothing).
std::string missing(const RemoteProvider& provider, const VoiceAccess& access) {
  std::string what;
  if (access.api_key.empty()) what = "API key (" + std::string(provider.key_env) + ")";
  if (!provider.extra_field.empty() && access.extra.empty()) {
    if (!what.empty()) what += " and ";
    what += std::string(provider.extra_field) + " (" + std::string(provider.extra_env) + ")";
  }
  return what;
}

const RemoteProvider& provider_named(std::string_view name) {
  const auto* found = find_remote_provider(name);
  if (!found) throw std::logic_error("no remote speech provider " + std::string(name));
  return *found;
}

}  // namespace

HttpVoice::HttpVoice(const RemoteSpeechDeps& deps, const HttpVoiceSpec& spec)
    : http_(deps.http),
      settings_(deps.settings),
      provider_(provider_named(spec.provider)),
      spec_(spec) {}

void HttpVoice::check(const boost::json::object& config) const {
  if (string_at(config, "voiceId").empty()) {
    throw ApiError::bad_request("voice.voiceId is required for the " + std::string(provider_.name) +
                                " provider");
  }
  if (spec_.check) spec_.check(config);
}

std::unique_ptr<Synthesis> HttpVoice::synthesize(const boost::json::object& config,
                                                 const SpeechContext& context, std::string text,
                                                 VoiceEvents events) {
  const VoiceAccess access{settings_.base_url(provider_, context),
                           settings_.api_key(provider_, context),
                           settings_.extra(provider_, context)};
  if (const auto lacking = missing(provider_, access); !lacking.empty()) {
    net::OutboundResponse none;
    none.error = "no " + lacking;
    auto reason = spec_.failure(none).ended_reason;
    if (events.on_failure) {
      events.on_failure(SpeechFailure{
          std::move(reason), "no " + std::string(provider_.name) + " " + lacking + ": add a " +
                                 std::string(provider_.credential_provider) +
                                 " credential to the org (or set it in the server's environment)"});
    }
    return std::make_unique<Refused>();
  }
  auto outbound = spec_.request(config, text, access);
  outbound.timeout = kVoiceTimeout;
  outbound.stream_idle_timeout = kVoiceIdleTimeout;
  return stream_pcm(send_with(http_), std::move(outbound), spec_.sample_rate, spec_.failure,
                    std::move(events));
}

net::OutboundRequest json_post(std::string url, http::Fields headers,
                               const boost::json::object& body) {
  net::OutboundRequest request;
  request.url = std::move(url);
  request.headers = std::move(headers);
  request.headers.emplace_back("Content-Type", "application/json");
  request.body = boost::json::serialize(body);
  return request;
}

SpeechFailure voice_failure(const char* ended_reason, std::string_view who,
                            const net::OutboundResponse& response) {
  return SpeechFailure{ended_reason, describe_failure(who, response, kVoiceTimeout)};
}

void check_number(const boost::json::object& config, std::string_view field, double low,
                  double high) {
  const auto* value = config.if_contains(field);
  if (!value) return;
  if (value->is_number()) {
    const auto number = value->to_number<double>();
    if (number >= low && number <= high) return;
  }
  std::ostringstream message;
  message << "voice." << field << " must be a number from " << low << " to " << high;
  throw ApiError::bad_request(message.str());
}

void check_one_of(const boost::json::object& config, std::string_view field,
                  std::initializer_list<std::string_view> allowed) {
  const auto* value = config.if_contains(field);
  if (!value) return;
  if (const auto* text = value->if_string())
    for (const auto name : allowed)
      if (*text == name) return;
  std::string names;
  for (const auto name : allowed) names += (names.empty() ? "" : ", ") + std::string(name);
  throw ApiError::bad_request("voice." + std::string(field) + " must be one of " + names);
}

}  // namespace sb::speech
