// The Speechmatics transcriber's pure parts: the Realtime URL and StartRecognition a config
// makes, how Speechmatics' messages read and become the call's turns, what check() refuses, and
// that a stream without a key fails at once.

#include "runtime/speech/speechmatics_transcriber.hpp"

#include <string>

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "remote_transcriber_support.hpp"

namespace sb::speech {
namespace {

namespace json = boost::json;
using test::config;

TEST(SpeechmaticsUrl, RegionPicksTheDefaultEndpointOnly) {
  EXPECT_EQ(
      speechmatics_url("https://eu.rt.speechmatics.com", config(R"({"provider":"speechmatics"})")),
      "wss://eu.rt.speechmatics.com/v2");
  EXPECT_EQ(speechmatics_url("https://eu.rt.speechmatics.com",
                             config(R"({"provider":"speechmatics","region":"us"})")),
            "wss://us.rt.speechmatics.com/v2");
  // A base of the server's own (a stand-in, an on-premises install) is kept.
  EXPECT_EQ(speechmatics_url("http://127.0.0.1:9",
                             config(R"({"provider":"speechmatics","region":"us"})")),
            "ws://127.0.0.1:9/v2");
}

TEST(SpeechmaticsStart, CarriesTheAudioFormatVapisDefaultsAndTheConfig) {
  EXPECT_EQ(speechmatics_start(config(R"({"provider":"speechmatics"})")),
            json::parse(R"({"message":"StartRecognition",
              "audio_format":{"type":"raw","encoding":"pcm_s16le","sample_rate":16000},
              "transcription_config":{"language":"en","operating_point":"enhanced",
                "enable_partials":true,"max_delay":3.0,
                "conversation_config":{"end_of_utterance_silence_trigger":0.6}}})"));
  const auto start = speechmatics_start(config(
      R"({"provider":"speechmatics","language":"de","operatingPoint":"standard",
          "enableDiarization":true,"maxDelay":8000,"endOfTurnSensitivity":1,
          "removeDisfluencies":true,
          "customVocabulary":[{"content":"Switchboard","soundsLike":["switch bored"]},
                              {"content":"Vapi"}]})"));
  EXPECT_EQ(start.at("transcription_config"),
            json::parse(R"({"language":"de","operating_point":"standard",
              "enable_partials":true,"max_delay":4.0,
              "conversation_config":{"end_of_utterance_silence_trigger":0.2},
              "diarization":"speaker",
              "additional_vocab":[{"content":"Switchboard","sounds_like":["switch bored"]},
                                  {"content":"Vapi"}],
              "transcript_filtering_config":{"remove_disfluencies":true}})"));
}

TEST(SpeechmaticsMessages, ReadAsThePipelineNeedsThem) {
  using Kind = SpeechmaticsMessage::Kind;
  EXPECT_EQ(parse_speechmatics_message(R"({"message":"RecognitionStarted","id":"x"})").kind,
            Kind::kStarted);
  auto m = parse_speechmatics_message(
      R"({"message":"AddPartialTranscript","metadata":{"transcript":"I would ","start_time":1},
          "results":[]})");
  EXPECT_EQ(m.kind, Kind::kPartial);
  EXPECT_EQ(m.text, "I would");
  m = parse_speechmatics_message(
      R"({"message":"AddTranscript","metadata":{"transcript":"I would like a table."}})");
  EXPECT_EQ(m.kind, Kind::kFinal);
  EXPECT_EQ(m.text, "I would like a table.");
  EXPECT_EQ(parse_speechmatics_message(R"({"message":"EndOfUtterance","metadata":{}})").kind,
            Kind::kEndOfUtterance);
  m = parse_speechmatics_message(
      R"({"message":"Error","type":"not_authorised","reason":"bad key"})");
  EXPECT_EQ(m.kind, Kind::kError);
  EXPECT_EQ(m.error, "not_authorised: bad key");
  for (const auto* ignored : {R"({"message":"AudioAdded","seq_no":3})",
                              R"({"message":"Warning","type":"duration_limit_exceeded"})",
                              R"({"message":"EndOfTranscript"})", "nope"})
    EXPECT_EQ(parse_speechmatics_message(ignored).kind, Kind::kIgnored) << ignored;
}

SpeechmaticsMessage message(SpeechmaticsMessage::Kind kind, std::string text = {}) {
  SpeechmaticsMessage m;
  m.kind = kind;
  m.text = std::move(text);
  return m;
}

TEST(SpeechmaticsTurns, FinalsAreHeldUntilEndOfUtterance) {
  using Kind = SpeechmaticsMessage::Kind;
  SpeechmaticsTurns turns;
  auto t = turns.on(message(Kind::kPartial, "I would"));
  ASSERT_TRUE(t);
  EXPECT_FALSE(t->is_final);
  EXPECT_FALSE(turns.on(message(Kind::kFinal, "I would like")));
  t = turns.on(message(Kind::kPartial, "a table"));
  ASSERT_TRUE(t);
  EXPECT_EQ(t->text, "I would like a table");
  EXPECT_FALSE(turns.on(message(Kind::kFinal, "a table.")));
  t = turns.on(message(Kind::kEndOfUtterance));
  ASSERT_TRUE(t);
  EXPECT_EQ(t->text, "I would like a table.");
  EXPECT_TRUE(t->is_final);
  EXPECT_TRUE(t->end_of_turn);
  EXPECT_FALSE(turns.on(message(Kind::kEndOfUtterance)));  // nothing held: nothing to say
  EXPECT_FALSE(turns.on(message(Kind::kPartial, "")));
}

class SpeechmaticsTranscriberTest : public ::testing::Test {
 protected:
  test::RemoteDeps remote;
  SpeechmaticsTranscriber transcriber{remote.deps};
};

TEST_F(SpeechmaticsTranscriberTest, CheckRefusesWhatItCannotServeNamingTheField) {
  EXPECT_NO_THROW(transcriber.check(config(R"({"provider":"speechmatics"})")));
  EXPECT_NO_THROW(transcriber.check(config(
      R"({"provider":"speechmatics","model":"default","region":"us","maxDelay":700,
          "customVocabulary":[{"content":"Vapi"}]})")));
  for (const auto& [fields, field] : std::vector<std::pair<const char*, const char*>>{
           {R"("model":"nova")", "transcriber.model"},
           {R"("operatingPoint":"max")", "transcriber.operatingPoint"},
           {R"("region":"ap")", "transcriber.region"},
           {R"("maxDelay":100)", "transcriber.maxDelay"},
           {R"("endOfTurnSensitivity":3)", "transcriber.endOfTurnSensitivity"},
           {R"("customVocabulary":[{"soundsLike":["x"]}])", "transcriber.customVocabulary"}})
    test::expect_refused(transcriber, R"({"provider":"speechmatics",)" + std::string(fields) + "}",
                         field);
}

TEST_F(SpeechmaticsTranscriberTest, NoKeyFailsAtOnce) {
  const auto failure = test::failure_without_key(transcriber, R"({"provider":"speechmatics"})");
  EXPECT_EQ(failure.ended_reason, kSpeechmaticsTranscriberFailed);
  EXPECT_NE(failure.message.find("Speechmatics API key"), std::string::npos);
}

}  // namespace
}  // namespace sb::speech
