// Where a remote speech provider's API is, and which key a call uses.
#include "runtime/speech/remote_speech.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <stdexcept>
#include <tuple>
#include <vector>

namespace sb::speech {
namespace {

const RemoteProvider& deepgram() {
  return *find_remote_provider("deepgram");
}

TEST(RemoteSpeech, DefaultsToTheProvidersOwnApi) {
  RemoteSpeechSettings settings;
  EXPECT_EQ(settings.base_url(deepgram(), {}), "https://api.deepgram.com");
  EXPECT_EQ(settings.base_url(*find_remote_provider("openai"), {}), "https://api.openai.com/v1");
  EXPECT_EQ(find_remote_provider("vapi"), nullptr);
}

TEST(RemoteSpeech, TheStreamingTranscribersHaveTheirSdksBasesAndEnvironmentNames) {
  RemoteSpeechSettings settings;
  for (const auto& [name, base, key_env] :
       std::vector<std::tuple<std::string, std::string, std::string>>{
           {"assembly-ai", "https://streaming.assemblyai.com", "ASSEMBLYAI_API_KEY"},
           {"gladia", "https://api.gladia.io", "GLADIA_API_KEY"},
           {"speechmatics", "https://eu.rt.speechmatics.com", "SPEECHMATICS_API_KEY"}}) {
    const auto* provider = find_remote_provider(name);
    ASSERT_NE(provider, nullptr) << name;
    EXPECT_EQ(settings.base_url(*provider, {}), base);
    EXPECT_EQ(provider->key_env, key_env);
    EXPECT_EQ(provider->credential_provider, name);  // Vapi's credential provider names
    EXPECT_NO_THROW(settings.override_base_url(name + "=http://127.0.0.1:9"));
    EXPECT_EQ(settings.base_url(*provider, {}), "http://127.0.0.1:9");
  }
}

TEST(RemoteSpeech, CommandLineOverridesTheBaseAndACredentialsApiUrlBeatsIt) {
  RemoteSpeechSettings settings;
  settings.override_base_url("deepgram=http://127.0.0.1:9000/");
  SpeechContext call;
  EXPECT_EQ(settings.base_url(deepgram(), call), "http://127.0.0.1:9000");
  call.credentials["deepgram"] = {{"apiKey", "dg-org"}, {"apiUrl", "https://dg.internal/"}};
  EXPECT_EQ(settings.base_url(deepgram(), call), "https://dg.internal");
}

TEST(RemoteSpeech, RefusesAnUnknownProviderOrAUrlThatIsNotHttp) {
  RemoteSpeechSettings settings;
  EXPECT_THROW(settings.override_base_url("nuance=http://x"), std::invalid_argument);
  EXPECT_THROW(settings.override_base_url("deepgram=ftp://x"), std::invalid_argument);
  EXPECT_THROW(settings.override_base_url("deepgram"), std::invalid_argument);
}

TEST(RemoteSpeech, TheOrgsCredentialKeyElseNone) {
  RemoteSpeechSettings settings;  // not from the environment: no server-wide keys
  SpeechContext call;
  EXPECT_EQ(settings.api_key(deepgram(), call), "");
  call.credentials["deepgram"] = {{"apiKey", "dg-org"}};
  EXPECT_EQ(settings.api_key(deepgram(), call), "dg-org");
  EXPECT_EQ(settings.api_key(*find_remote_provider("11labs"), call), "");
}

TEST(RemoteSpeech, AProvidersExtraFieldComesFromItsCredentialElseTheEnvironment) {
  const auto& azure = *find_remote_provider("azure");
  EXPECT_EQ(azure.extra_field, "region");
  ::setenv("AZURE_SPEECH_REGION", "westeurope", 1);
  const auto settings = RemoteSpeechSettings::from_environment();
  ::unsetenv("AZURE_SPEECH_REGION");
  SpeechContext call;
  EXPECT_EQ(settings.extra(azure, call), "westeurope");
  call.credentials["azure"] = {{"apiKey", "k"}, {"region", "eastus"}};
  EXPECT_EQ(settings.extra(azure, call), "eastus");
  EXPECT_EQ(settings.extra(deepgram(), call), "") << "deepgram needs none";
}

TEST(RemoteSpeech, WebSocketUrlsFollowTheHttpScheme) {
  EXPECT_EQ(websocket_url_of("https://api.deepgram.com/v1/listen"),
            "wss://api.deepgram.com/v1/listen");
  EXPECT_EQ(websocket_url_of("http://127.0.0.1:9000"), "ws://127.0.0.1:9000");
}

}  // namespace
}  // namespace sb::speech
