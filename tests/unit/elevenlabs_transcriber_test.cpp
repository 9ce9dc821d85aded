// The ElevenLabs transcriber's pure parts: the realtime URL a config makes, how ElevenLabs'
// messages become the call's transcripts, what check() refuses, and that a stream without a key
// fails at once.

#include "runtime/speech/elevenlabs_transcriber.hpp"

#include <string>

#include <gtest/gtest.h>

#include "remote_transcriber_support.hpp"

namespace sb::speech {
namespace {

using test::config;

TEST(ElevenLabsStreamUrl, AsksForVadCommitsOf16kHzPcmWithTheConfigsSettings) {
  const auto url =
      elevenlabs_stream_url("https://api.elevenlabs.io", config(R"({"provider":"11labs"})"));
  EXPECT_EQ(url,
            "wss://api.elevenlabs.io/v1/speech-to-text/realtime?model_id=scribe_v2_realtime&"
            "audio_format=pcm_16000&commit_strategy=vad");
  // Vapi's batch models stream as the realtime one.
  EXPECT_EQ(
      elevenlabs_stream_url("http://127.0.0.1:9",
                            config(R"({"provider":"11labs","model":"scribe_v1","language":"fr",
                  "silenceThresholdSeconds":0.8,"confidenceThreshold":0.4,
                  "minSpeechDurationMs":100,"minSilenceDurationMs":250})")),
      "ws://127.0.0.1:9/v1/speech-to-text/realtime?model_id=scribe_v2_realtime&"
      "audio_format=pcm_16000&commit_strategy=vad&vad_silence_threshold_secs=0.8&"
      "vad_threshold=0.4&min_speech_duration_ms=100&min_silence_duration_ms=250&"
      "language_code=fr");
}

TEST(ElevenLabsMessages, PartialsArePartialsACommittedTranscriptEndsTheTurn) {
  auto r = parse_elevenlabs_message(R"({"message_type":"partial_transcript","text":"I would"})");
  ASSERT_TRUE(r.transcript);
  EXPECT_EQ(r.transcript->text, "I would");
  EXPECT_FALSE(r.transcript->is_final);
  r = parse_elevenlabs_message(
      R"({"message_type":"committed_transcript","text":"I would like a table."})");
  ASSERT_TRUE(r.transcript);
  EXPECT_EQ(r.transcript->text, "I would like a table.");
  EXPECT_TRUE(r.transcript->is_final);
  EXPECT_TRUE(r.transcript->end_of_turn);
  for (const auto* quiet :
       {R"({"message_type":"session_started","session_id":"s","config":{}})",
        R"({"message_type":"partial_transcript","text":""})",
        R"({"message_type":"committed_transcript_with_timestamps","text":"x","words":[]})",
        "not json"}) {
    r = parse_elevenlabs_message(quiet);
    EXPECT_FALSE(r.transcript) << quiet;
    EXPECT_FALSE(r.error) << quiet;
  }
  r = parse_elevenlabs_message(R"({"message_type":"auth_error","error":"invalid api key"})");
  ASSERT_TRUE(r.error);
  EXPECT_EQ(*r.error, "auth_error: invalid api key");
  r = parse_elevenlabs_message(R"({"message_type":"quota_exceeded","error":"out of credits"})");
  ASSERT_TRUE(r.error);
  EXPECT_EQ(*r.error, "quota_exceeded: out of credits");
}

class ElevenLabsTranscriberTest : public ::testing::Test {
 protected:
  test::RemoteDeps remote;
  ElevenLabsTranscriber transcriber{remote.deps};
};

TEST_F(ElevenLabsTranscriberTest, CheckRefusesWhatItCannotServeNamingTheField) {
  EXPECT_NO_THROW(transcriber.check(config(
      R"({"provider":"11labs","model":"scribe_v2","language":"en","confidenceThreshold":0.5})")));
  test::expect_refused(transcriber, R"({"provider":"11labs","model":"scribe_v3"})",
                       "transcriber.model");
  test::expect_refused(transcriber, R"({"provider":"11labs","language":7})",
                       "transcriber.language");
  test::expect_refused(transcriber, R"({"provider":"11labs","silenceThresholdSeconds":0.1})",
                       "transcriber.silenceThresholdSeconds");
  test::expect_refused(transcriber, R"({"provider":"11labs","confidenceThreshold":1})",
                       "transcriber.confidenceThreshold");
  test::expect_refused(transcriber, R"({"provider":"11labs","minSilenceDurationMs":"100"})",
                       "transcriber.minSilenceDurationMs");
  test::expect_refused(transcriber, R"({"provider":"cartesia"})", "transcriber.provider");
}

TEST_F(ElevenLabsTranscriberTest, NoKeyFailsAtOnce) {
  const auto failure = test::failure_without_key(transcriber, R"({"provider":"11labs"})");
  EXPECT_EQ(failure.ended_reason, kElevenLabsTranscriberFailed);
  EXPECT_NE(failure.message.find("ElevenLabs API key"), std::string::npos);
}

}  // namespace
}  // namespace sb::speech
