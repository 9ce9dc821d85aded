#include "runtime/speech/azure_voice.hpp"

#include <sstream>

#include "core/json_fields.hpp"
#include "telephony/markup.hpp"

namespace sb::speech {

namespace {

constexpr const char* kFailed = "pipeline-error-azure-voice-failed";
constexpr std::string_view kRegionSlot = "{region}";

struct Alias {
  std::string_view from;
  std::string_view to;
};
constexpr Alias kPresets[] = {{"andrew", "en-US-AndrewMultilingualNeural"},
                              {"brian", "en-US-BrianMultilingualNeural"},
                              {"emma", "en-US-EmmaMultilingualNeural"}};
// AzureCredential's region names that are not Azure regions → the main region they stand for.
constexpr Alias kRegions[] = {{"france", "francecentral"},
                              {"india", "centralindia"},
                              {"norway", "norwayeast"},
                              {"switzerland", "switzerlandnorth"},
                              {"uk", "uksouth"}};

std::string_view aliased(const Alias* begin, const Alias* end, std::string_view name) {
  for (const auto* alias = begin; alias != end; ++alias)
    if (alias->from == name) return alias->to;
  return name;
}

/// "en-US" of "en-US-AriaNeural"; "en-US" when the name carries no locale.
std::string locale_of(std::string_view voice) {
  const auto first = voice.find('-');
  const auto second = first == std::string_view::npos ? first : voice.find('-', first + 1);
  if (second == std::string_view::npos) return "en-US";
  return std::string(voice.substr(0, second));
}

std::string ssml(const boost::json::object& config, std::string_view text) {
  const auto voice = azure_voice_name(string_at(config, "voiceId"));
  std::string spoken = telephony::markup::escape(text);
  if (const auto* speed = config.if_contains("speed"); speed && speed->is_number()) {
    std::ostringstream rate;
    rate << speed->to_number<double>();
    spoken = "<prosody rate=\"" + rate.str() + "\">" + spoken + "</prosody>";
  }
  return "<speak version=\"1.0\" xmlns=\"http://www.w3.org/2001/10/synthesis\" xml:lang=\"" +
         telephony::markup::escape(locale_of(voice)) + "\"><voice name=\"" +
         telephony::markup::escape(voice) + "\">" + spoken + "</voice></speak>";
}

net::OutboundRequest azure_request(const boost::json::object& config, std::string_view text,
                                   const VoiceAccess& access) {
  net::OutboundRequest request;
  request.url = azure_regional_url(access.base_url, access.extra) + "/cognitiveservices/v1";
  request.headers = {{"Ocp-Apim-Subscription-Key", access.api_key},
                     {"X-Microsoft-OutputFormat", "raw-16khz-16bit-mono-pcm"},
                     {"Content-Type", "application/ssml+xml"},
                     {"User-Agent", "switchboard"}};
  request.body = ssml(config, text);
  return request;
}

SpeechFailure azure_failure(const net::OutboundResponse& response) {
  return voice_failure(kFailed, "the Azure speech API", response);
}

void check_azure(const boost::json::object& config) {
  check_number(config, "speed", 0.5, 2);
}

}  // namespace

std::string azure_regional_url(std::string url, std::string_view region) {
  if (const auto slot = url.find(kRegionSlot); slot != std::string::npos)
    url.replace(slot, kRegionSlot.size(),
                aliased(std::begin(kRegions), std::end(kRegions), region));
  return url;
}

std::string azure_voice_name(std::string_view voice_id) {
  return std::string(aliased(std::begin(kPresets), std::end(kPresets), voice_id));
}

const HttpVoiceSpec kAzureVoice{"azure", kPipelineRate, azure_request, azure_failure, check_azure};

}  // namespace sb::speech
