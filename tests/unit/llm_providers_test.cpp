// The provider table (names, defaults, credentials) and the server's settings for it.
#include <stdexcept>
#include <string>

#include <gtest/gtest.h>

#include "runtime/llm/llm_client.hpp"

namespace sb::llm {
namespace {

TEST(LlmProviders, KnowsEachProviderWithItsDefaultsAndCredential) {
  struct Expected {
    const char* name;
    const char* base;
    const char* key_env;
    const char* credential;
  };
  for (const auto& e : {
           Expected{"openai", "https://api.openai.com/v1", "OPENAI_API_KEY", "openai"},
           Expected{"groq", "https://api.groq.com/openai/v1", "GROQ_API_KEY", "groq"},
           Expected{"deep-seek", "https://api.deepseek.com/v1", "DEEPSEEK_API_KEY", "deep-seek"},
           Expected{"openrouter", "https://openrouter.ai/api/v1", "OPENROUTER_API_KEY",
                    "openrouter"},
           Expected{"together-ai", "https://api.together.xyz/v1", "TOGETHER_API_KEY",
                    "together-ai"},
           Expected{"xai", "https://api.x.ai/v1", "XAI_API_KEY", "xai"},
           Expected{"deepinfra", "https://api.deepinfra.com/v1/openai", "DEEPINFRA_API_KEY",
                    "deepinfra"},
           Expected{"perplexity-ai", "https://api.perplexity.ai", "PERPLEXITY_API_KEY",
                    "perplexity-ai"},
           Expected{"anyscale", "https://api.endpoints.anyscale.com/v1", "ANYSCALE_API_KEY",
                    "anyscale"},
           Expected{"custom-llm", "", "CUSTOM_LLM_API_KEY", "custom-llm"},
           Expected{"anthropic", "https://api.anthropic.com", "ANTHROPIC_API_KEY", "anthropic"},
       }) {
    const auto* info = find_provider(e.name);
    ASSERT_NE(info, nullptr) << e.name;
    EXPECT_EQ(info->name, e.name);
    EXPECT_EQ(info->default_base_url, e.base) << e.name;
    EXPECT_EQ(info->key_env, e.key_env) << e.name;
    EXPECT_EQ(info->credential_provider, e.credential) << e.name;
    EXPECT_EQ(info->family, std::string_view(e.name) == "anthropic"
                                ? ProviderInfo::Family::kAnthropic
                                : ProviderInfo::Family::kOpenAiCompatible);
    EXPECT_NE(supported_providers().find(e.name), std::string::npos);
  }
  EXPECT_EQ(find_provider("deepseek"), find_provider("deep-seek"));
  EXPECT_EQ(find_provider("deep-infra"), find_provider("deepinfra"));
  EXPECT_EQ(find_provider("google"), nullptr);
  EXPECT_EQ(find_provider(""), nullptr);
}

TEST(LlmProviders, BaseUrlIsTheOverrideElseTheEnvironmentElseTheDefault) {
  ::setenv("GROQ_BASE_URL", "http://groq.local/v1/", 1);
  ::setenv("GROQ_API_KEY", "gsk-env", 1);
  ::unsetenv("OPENAI_BASE_URL");
  ::unsetenv("XAI_API_KEY");
  auto settings = ProviderSettings::from_environment();
  ::unsetenv("GROQ_BASE_URL");
  ::unsetenv("GROQ_API_KEY");
  const auto& groq = *find_provider("groq");
  const auto& openai = *find_provider("openai");
  EXPECT_EQ(settings.base_url(groq), "http://groq.local/v1");
  EXPECT_EQ(settings.api_key(groq), "gsk-env");
  EXPECT_EQ(settings.base_url(openai), "https://api.openai.com/v1");
  EXPECT_EQ(settings.api_key(*find_provider("xai")), "");

  settings.override_base_url("openai=http://127.0.0.1:9999/v1");
  settings.override_base_url("groq=http://127.0.0.1:9998/openai/v1");
  EXPECT_EQ(settings.base_url(openai), "http://127.0.0.1:9999/v1");
  EXPECT_EQ(settings.base_url(groq), "http://127.0.0.1:9998/openai/v1");

  EXPECT_THROW(settings.override_base_url("google=http://x"), std::invalid_argument);
  EXPECT_THROW(settings.override_base_url("openai"), std::invalid_argument);
  EXPECT_THROW(settings.override_base_url("openai=ftp://x"), std::invalid_argument);
  EXPECT_THROW(settings.override_base_url("openai="), std::invalid_argument);
  EXPECT_EQ(settings.base_url(openai), "http://127.0.0.1:9999/v1");
}

}  // namespace
}  // namespace sb::llm
