// The provider table and where each provider's base URL and key come from.
#include <cstdlib>
#include <stdexcept>

#include "runtime/llm/llm_client.hpp"

namespace sb::llm {

namespace {

using Family = ProviderInfo::Family;

// Names are the model.provider values of Vapi's API, and credential_provider the `provider`
// of the matching Create*CredentialDTO (they differ from the display names: "deep-seek",
// "deepinfra").
constexpr ProviderInfo kProviders[] = {
    {"openai", Family::kOpenAiCompatible, "https://api.openai.com/v1", "OPENAI_API_KEY",
     "OPENAI_BASE_URL", "openai"},
    {"groq", Family::kOpenAiCompatible, "https://api.groq.com/openai/v1", "GROQ_API_KEY",
     "GROQ_BASE_URL", "groq"},
    {"deep-seek", Family::kOpenAiCompatible, "https://api.deepseek.com/v1", "DEEPSEEK_API_KEY",
     "DEEPSEEK_BASE_URL", "deep-seek"},
    {"openrouter", Family::kOpenAiCompatible, "https://openrouter.ai/api/v1", "OPENROUTER_API_KEY",
     "OPENROUTER_BASE_URL", "openrouter"},
    {"together-ai", Family::kOpenAiCompatible, "https://api.together.xyz/v1", "TOGETHER_API_KEY",
     "TOGETHER_BASE_URL", "together-ai"},
    {"xai", Family::kOpenAiCompatible, "https://api.x.ai/v1", "XAI_API_KEY", "XAI_BASE_URL", "xai"},
    {"deepinfra", Family::kOpenAiCompatible, "https://api.deepinfra.com/v1/openai",
     "DEEPINFRA_API_KEY", "DEEPINFRA_BASE_URL", "deepinfra"},
    {"perplexity-ai", Family::kOpenAiCompatible, "https://api.perplexity.ai", "PERPLEXITY_API_KEY",
     "PERPLEXITY_BASE_URL", "perplexity-ai"},
    {"anyscale", Family::kOpenAiCompatible, "https://api.endpoints.anyscale.com/v1",
     "ANYSCALE_API_KEY", "ANYSCALE_BASE_URL", "anyscale"},
    {"custom-llm", Family::kOpenAiCompatible, "", "CUSTOM_LLM_API_KEY", "CUSTOM_LLM_BASE_URL",
     "custom-llm"},
    {"anthropic", Family::kAnthropic, "https://api.anthropic.com", "ANTHROPIC_API_KEY",
     "ANTHROPIC_BASE_URL", "anthropic"},
};

// Spellings people write for the two providers whose API names have an unusual hyphen.
constexpr std::pair<std::string_view, std::string_view> kAliases[] = {
    {"deepseek", "deep-seek"},
    {"deep-infra", "deepinfra"},
};

std::string without_trailing_slashes(std::string_view url) {
  while (url.ends_with('/')) url.remove_suffix(1);
  return std::string(url);
}

std::string env(std::string_view name) {
  if (name.empty()) return "";
  const char* value = std::getenv(std::string(name).c_str());
  return value ? value : "";
}

// Sets `name`'s entry, replacing an earlier one.
void put(std::vector<std::pair<std::string, std::string>>& entries, std::string_view name,
         std::string value) {
  for (auto& [n, v] : entries) {
    if (n == name) {
      v = std::move(value);
      return;
    }
  }
  entries.emplace_back(std::string(name), std::move(value));
}

std::string get(const std::vector<std::pair<std::string, std::string>>& entries,
                std::string_view name) {
  for (const auto& [n, v] : entries)
    if (n == name) return v;
  return "";
}

}  // namespace

const ProviderInfo* find_provider(std::string_view provider) {
  for (const auto& [alias, name] : kAliases)
    if (provider == alias) provider = name;
  for (const auto& info : kProviders)
    if (info.name == provider) return &info;
  return nullptr;
}

std::string supported_providers() {
  std::string out;
  for (const auto& info : kProviders) {
    if (!out.empty()) out += ", ";
    out += info.name;
  }
  return out;
}

ProviderSettings ProviderSettings::from_environment() {
  ProviderSettings settings;
  for (const auto& info : kProviders) {
    if (auto url = env(info.base_url_env); !url.empty())
      put(settings.base_urls_, info.name, without_trailing_slashes(url));
    if (auto key = env(info.key_env); !key.empty()) put(settings.keys_, info.name, std::move(key));
  }
  return settings;
}

void ProviderSettings::override_base_url(std::string_view assignment) {
  const auto equals = assignment.find('=');
  if (equals == std::string_view::npos)
    throw std::invalid_argument("expected provider=url, got \"" + std::string(assignment) + "\"");
  const auto name = assignment.substr(0, equals);
  const auto url = assignment.substr(equals + 1);
  const ProviderInfo* info = find_provider(name);
  if (!info)
    throw std::invalid_argument("unknown LLM provider \"" + std::string(name) +
                                "\"; supported: " + supported_providers());
  if (!url.starts_with("http://") && !url.starts_with("https://"))
    throw std::invalid_argument("the base URL of " + std::string(info->name) +
                                " must start with http:// or https://");
  put(base_urls_, info->name, without_trailing_slashes(url));
}

std::string ProviderSettings::base_url(const ProviderInfo& provider) const {
  auto url = get(base_urls_, provider.name);
  return url.empty() ? std::string(provider.default_base_url) : url;
}

std::string ProviderSettings::api_key(const ProviderInfo& provider) const {
  return get(keys_, provider.name);
}

}  // namespace sb::llm
