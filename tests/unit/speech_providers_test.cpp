#include "runtime/speech/speech_providers.hpp"

#include <string>

#include <gtest/gtest.h>

#include "core/api_error.hpp"
#include "net/http_client.hpp"

namespace sb::speech {
namespace {

namespace json = boost::json;

/// A stand-in for an adapter registered later (custom-transcriber).
class FakeTranscriber final : public Transcriber {
 public:
  void check(const json::object&) const override { ++checks; }
  std::unique_ptr<TranscriberStream> open(const json::object&, const SpeechContext&,
                                          TranscriberEvents) override {
    ++opens;
    return nullptr;
  }
  mutable int checks = 0;
  int opens = 0;
};

std::string message_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const ApiError& e) {
    EXPECT_EQ(e.code(), ErrorCode::kBadRequest);
    return e.what();
  }
  return "";
}

class SpeechProvidersTest : public ::testing::Test {
 protected:
  static BuiltinTranscriberOptions no_decoders() {
    BuiltinTranscriberOptions options;
    options.decoders = 0;  // routing needs none; the model's files are still checked
    return options;
  }
  SpeechPool pool_{1};
  net::HttpClient http_{1};
  SpeechProviders providers_{pool_, http_, no_decoders()};
};

TEST_F(SpeechProvidersTest, NoProviderOrVapiMeansTheBuiltInEngines) {
  EXPECT_EQ(&providers_.transcriber_for({}), &providers_.builtin_transcriber());
  EXPECT_EQ(&providers_.transcriber_for({{"provider", "vapi"}}), &providers_.builtin_transcriber());
  EXPECT_NO_THROW(providers_.voices().check({{"voiceId", "Elliot"}}));
  const auto message = message_of([&] {
    providers_.transcribers().check({{"provider", "vapi"}, {"language", "es"}});
  });
  EXPECT_NE(message.find("English only"), std::string::npos) << message;
}

TEST_F(SpeechProvidersTest, CustomVoiceIsRouted) {
  EXPECT_NO_THROW(providers_.voices().check(
      {{"provider", "custom-voice"}, {"server", {{"url", "https://tts.example.com"}}}}));
  EXPECT_THROW(providers_.voices().check({{"provider", "custom-voice"}}), ApiError);
}

TEST_F(SpeechProvidersTest, OtherProvidersAreRefusedUntilRegistered) {
  const auto message = message_of([&] {
    providers_.transcribers().check({{"provider", "deepgram"}});
  });
  EXPECT_NE(message.find("transcriber.provider deepgram is not supported by this server yet"),
            std::string::npos)
      << message;
  EXPECT_NE(message_of([&] {
              providers_.voices().check({{"provider", "eleven-labs"}});
            }).find("voice.provider eleven-labs"),
            std::string::npos);

  FakeTranscriber custom;
  providers_.add_transcriber("custom-transcriber", custom);
  const json::object config{{"provider", "custom-transcriber"}};
  providers_.transcribers().check(config);
  providers_.transcribers().open(config, {}, {});
  EXPECT_EQ(custom.checks, 1);
  EXPECT_EQ(custom.opens, 1);
}

}  // namespace
}  // namespace sb::speech
