// The OpenAI transcriber's pure parts: the session.update a config makes, how the session's
// events become the call's transcripts, what check() refuses, and that a stream without a key
// fails at once.

#include "runtime/speech/openai_transcriber.hpp"

#include <string>

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "remote_transcriber_support.hpp"

namespace sb::speech {
namespace {

namespace json = boost::json;
using test::config;

TEST(OpenAiSessionUpdate, AsksForATranscriptionSessionOf24kHzPcm) {
  EXPECT_EQ(openai_session_update(config(R"({"provider":"openai"})")),
            json::parse(R"({"type":"session.update","session":{"type":"transcription",
              "audio":{"input":{"format":{"type":"audio/pcm","rate":24000},
                "transcription":{"model":"gpt-4o-transcribe"},
                "turn_detection":{"type":"server_vad"}}}}})"));
  const auto update = openai_session_update(
      config(R"({"provider":"openai","model":"gpt-4o-mini-transcribe","language":"fr"})"));
  EXPECT_EQ(update.at("session").at("audio").at("input").at("transcription"),
            json::parse(R"({"model":"gpt-4o-mini-transcribe","language":"fr"})"));
}

TEST(OpenAiTurns, DeltasArePartialsACompletedItemEndsTheTurn) {
  OpenAiTurns turns;
  auto r = turns.on(
      R"({"type":"conversation.item.input_audio_transcription.delta","item_id":"a","delta":"I would"})");
  ASSERT_TRUE(r.transcript);
  EXPECT_EQ(r.transcript->text, "I would");
  EXPECT_FALSE(r.transcript->is_final);
  r = turns.on(
      R"({"type":"conversation.item.input_audio_transcription.delta","item_id":"a","delta":" like"})");
  ASSERT_TRUE(r.transcript);
  EXPECT_EQ(r.transcript->text, "I would like");
  r = turns.on(
      R"({"type":"conversation.item.input_audio_transcription.completed","item_id":"a",
          "transcript":"I would like a table."})");
  ASSERT_TRUE(r.transcript);
  EXPECT_EQ(r.transcript->text, "I would like a table.");
  EXPECT_TRUE(r.transcript->is_final);
  EXPECT_TRUE(r.transcript->end_of_turn);
  // The next item starts afresh.
  r = turns.on(
      R"({"type":"conversation.item.input_audio_transcription.delta","item_id":"b","delta":"Thanks"})");
  ASSERT_TRUE(r.transcript);
  EXPECT_EQ(r.transcript->text, "Thanks");
  for (
      const auto* quiet :
      {R"({"type":"input_audio_buffer.speech_started","item_id":"c"})",
       R"({"type":"conversation.item.input_audio_transcription.completed","item_id":"c","transcript":""})",
       R"({"type":"session.updated","session":{}})", "not json"}) {
    r = turns.on(quiet);
    EXPECT_FALSE(r.transcript) << quiet;
    EXPECT_FALSE(r.error) << quiet;
  }
  r = turns.on(
      R"({"type":"error","error":{"type":"invalid_request_error","message":"bad model"}})");
  ASSERT_TRUE(r.error);
  EXPECT_EQ(*r.error, "bad model");
}

class OpenAiTranscriberTest : public ::testing::Test {
 protected:
  test::RemoteDeps remote;
  OpenAiTranscriber transcriber{remote.deps};
};

TEST_F(OpenAiTranscriberTest, CheckRefusesWhatItCannotServeNamingTheField) {
  EXPECT_NO_THROW(transcriber.check(config(R"({"provider":"openai","language":"en"})")));
  test::expect_refused(transcriber, R"({"provider":"openai","model":"whisper-1"})",
                       "transcriber.model");
  test::expect_refused(transcriber, R"({"provider":"openai","language":1})",
                       "transcriber.language");
  test::expect_refused(transcriber, R"({"provider":"gladia"})", "transcriber.provider");
}

TEST_F(OpenAiTranscriberTest, NoKeyFailsAtOnce) {
  const auto failure = test::failure_without_key(transcriber, R"({"provider":"openai"})");
  EXPECT_EQ(failure.ended_reason, kOpenAiTranscriberFailed);
  EXPECT_NE(failure.message.find("OpenAI API key"), std::string::npos);
}

}  // namespace
}  // namespace sb::speech
