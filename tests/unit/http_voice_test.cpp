// What every HTTP voice shares (HttpVoice): a call that lacks the key, or the second credential
// field its provider needs, fails at once with the provider's generic reason, naming what is
// missing, and nothing is sent; the provider's own check runs after the voiceId's.

#include "runtime/speech/http_voice.hpp"

#include <gtest/gtest.h>

#include <string>

#include "core/api_error.hpp"
#include "runtime/speech/azure_voice.hpp"
#include "runtime/speech/lmnt_voice.hpp"
#include "runtime/speech/playht_voice.hpp"
#include "voice_request_support.hpp"

namespace sb::speech {
namespace {

namespace json = boost::json;

struct Lacking {
  const HttpVoiceSpec& spec;
  json::object credential;  ///< the org's credential for the provider, {} for none
  std::string_view named;   ///< what the message must name
  std::string_view reason;
};

TEST(HttpVoice, ACallLackingAKeyOrItsProvidersExtraFieldFailsAtOnceNamingIt) {
  const Lacking cases[] = {
      {kLmntVoice, {}, "LMNT_API_KEY", "pipeline-error-lmnt-voice-failed"},
      {kAzureVoice, {{"apiKey", "az-key"}}, "region", "pipeline-error-azure-voice-failed"},
      {kPlayHtVoice, {{"apiKey", "ph-key"}}, "userId", "pipeline-error-playht-voice-failed"}};
  for (const auto& lacking : cases) {
    test::VoiceUnderTest under_test(lacking.spec);
    SpeechContext context;
    if (!lacking.credential.empty())
      context.credentials[std::string(lacking.spec.provider)] = lacking.credential;
    const auto failed = under_test.failure_at_once(
        json::object{{"provider", lacking.spec.provider}, {"voiceId", "v"}}, context);
    ASSERT_TRUE(failed) << lacking.spec.provider;
    EXPECT_EQ(failed->ended_reason, lacking.reason);
    EXPECT_NE(failed->message.find(lacking.named), std::string::npos) << failed->message;
    if (!lacking.credential.empty()) {
      EXPECT_EQ(failed->message.find("API key"), std::string::npos) << "the key is there";
    }
  }
}

TEST(HttpVoice, ChecksTheVoiceIdBeforeTheProvidersOwnFields) {
  const test::VoiceUnderTest under_test(kLmntVoice);
  try {
    under_test.voice.check(json::object{{"provider", "lmnt"}, {"speed", 9}});
    FAIL() << "accepted";
  } catch (const ApiError& error) {
    EXPECT_STREQ(error.what(), "voice.voiceId is required for the lmnt provider");
  }
}

}  // namespace
}  // namespace sb::speech
