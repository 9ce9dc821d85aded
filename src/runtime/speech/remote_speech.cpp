#include "runtime/speech/remote_speech.hpp"

#include <charconv>
#include <cstdlib>
#include <stdexcept>

#include "core/codec.hpp"
#include "core/json_fields.hpp"

namespace sb::speech {

namespace {

// Names are the transcriber/voice provider values of Vapi's API; credential_provider the
// `provider` of the matching Create*CredentialDTO.
constexpr RemoteProvider kProviders[] = {
    {"deepgram", "https://api.deepgram.com", "DEEPGRAM_API_KEY", "DEEPGRAM_BASE_URL", "deepgram",
     "", ""},
    {"11labs", "https://api.elevenlabs.io", "ELEVENLABS_API_KEY", "ELEVENLABS_BASE_URL", "11labs",
     "", ""},
    {"cartesia", "https://api.cartesia.ai", "CARTESIA_API_KEY", "CARTESIA_BASE_URL", "cartesia", "",
     ""},
    {"openai", "https://api.openai.com/v1", "OPENAI_API_KEY", "OPENAI_BASE_URL", "openai", "", ""},
    {"lmnt", "https://api.lmnt.com", "LMNT_API_KEY", "LMNT_BASE_URL", "lmnt", "", ""},
    {"rime-ai", "https://users.rime.ai", "RIME_API_KEY", "RIME_BASE_URL", "rime-ai", "", ""},
    {"playht", "https://api.play.ht", "PLAYHT_API_KEY", "PLAYHT_BASE_URL", "playht", "userId",
     "PLAYHT_USER_ID"},
    // The region fills the base URL's {region} (azure_voice.hpp).
    {"azure", "https://{region}.tts.speech.microsoft.com", "AZURE_SPEECH_API_KEY",
     "AZURE_SPEECH_BASE_URL", "azure", "region", "AZURE_SPEECH_REGION"},
    // AssemblyAI's streaming API has its own host; its SDKs take it as the streaming base.
    {"assembly-ai", "https://streaming.assemblyai.com", "ASSEMBLYAI_API_KEY", "ASSEMBLYAI_BASE_URL",
     "assembly-ai", "", ""},
    {"gladia", "https://api.gladia.io", "GLADIA_API_KEY", "GLADIA_BASE_URL", "gladia", "", ""},
    // Speechmatics' Realtime API, EU region (a region "us" config moves it to us.rt...).
    {"speechmatics", "https://eu.rt.speechmatics.com", "SPEECHMATICS_API_KEY",
     "SPEECHMATICS_BASE_URL", "speechmatics", "", ""},
};

std::string without_trailing_slashes(std::string_view url) {
  while (url.ends_with('/')) url.remove_suffix(1);
  return std::string(url);
}

std::string env(std::string_view name) {
  const char* value = std::getenv(std::string(name).c_str());
  return value ? value : "";
}

void put(std::vector<std::pair<std::string, std::string>>& entries, std::string_view name,
         std::string value) {
  for (auto& [n, v] : entries)
    if (n == name) {
      v = std::move(value);
      return;
    }
  entries.emplace_back(std::string(name), std::move(value));
}

std::string get(const std::vector<std::pair<std::string, std::string>>& entries,
                std::string_view name) {
  for (const auto& [n, v] : entries)
    if (n == name) return v;
  return "";
}

const boost::json::object* credential_of(const RemoteProvider& provider,
                                         const SpeechContext& context) {
  auto found = context.credentials.find(provider.name);
  return found == context.credentials.end() ? nullptr : &found->second;
}

}  // namespace

const RemoteProvider* find_remote_provider(std::string_view name) {
  for (const auto& info : kProviders)
    if (info.name == name) return &info;
  return nullptr;
}

RemoteSpeechSettings RemoteSpeechSettings::from_environment() {
  RemoteSpeechSettings settings;
  for (const auto& info : kProviders) {
    if (auto url = env(info.base_url_env); !url.empty())
      put(settings.base_urls_, info.name, without_trailing_slashes(url));
    if (auto key = env(info.key_env); !key.empty()) put(settings.keys_, info.name, std::move(key));
    if (info.extra_env.empty()) continue;
    if (auto extra = env(info.extra_env); !extra.empty())
      put(settings.extras_, info.name, std::move(extra));
  }
  return settings;
}

void RemoteSpeechSettings::override_base_url(std::string_view assignment) {
  const auto equals = assignment.find('=');
  if (equals == std::string_view::npos)
    throw std::invalid_argument("expected provider=url, got \"" + std::string(assignment) + "\"");
  const auto name = assignment.substr(0, equals);
  const auto url = assignment.substr(equals + 1);
  if (!find_remote_provider(name)) {
    std::string known;
    for (const auto& info : kProviders)
      known += (known.empty() ? "" : ", ") + std::string(info.name);
    throw std::invalid_argument("unknown speech provider \"" + std::string(name) +
                                "\"; supported: " + known);
  }
  if (!url.starts_with("http://") && !url.starts_with("https://"))
    throw std::invalid_argument("the base URL of " + std::string(name) +
                                " must start with http:// or https://");
  put(base_urls_, name, without_trailing_slashes(url));
}

std::string RemoteSpeechSettings::base_url(const RemoteProvider& provider,
                                           const SpeechContext& context) const {
  if (const auto* credential = credential_of(provider, context))
    if (auto own = string_at(*credential, "apiUrl"); !own.empty())
      return without_trailing_slashes(own);
  auto url = get(base_urls_, provider.name);
  return url.empty() ? std::string(provider.default_base_url) : url;
}

std::string RemoteSpeechSettings::api_key(const RemoteProvider& provider,
                                          const SpeechContext& context) const {
  if (const auto* credential = credential_of(provider, context))
    if (auto key = string_at(*credential, "apiKey"); !key.empty()) return std::string(key);
  return get(keys_, provider.name);
}

std::string RemoteSpeechSettings::extra(const RemoteProvider& provider,
                                        const SpeechContext& context) const {
  if (provider.extra_field.empty()) return "";
  if (const auto* credential = credential_of(provider, context))
    if (auto value = string_at(*credential, provider.extra_field); !value.empty())
      return std::string(value);
  return get(extras_, provider.name);
}

std::string websocket_url_of(std::string_view http_url) {
  if (http_url.starts_with("https://")) return "wss://" + std::string(http_url.substr(8));
  if (http_url.starts_with("http://")) return "ws://" + std::string(http_url.substr(7));
  return std::string(http_url);
}

void append_query(std::string& query, std::string_view name, std::string_view value) {
  query += query.empty() ? "" : "&";
  query += name;
  query += '=';
  query += percent_encode(value);
}

std::string number_text(double value) {
  char buffer[32];
  const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  return ec == std::errc() ? std::string(buffer, end) : "0";
}

}  // namespace sb::speech
