// The AssemblyAI transcriber's pure parts: the streaming URL a config makes, how AssemblyAI's
// messages read and become the call's turns, which endedReason a refusal or a close gives, what
// check() refuses, and that a stream without a key fails at once.

#include "runtime/speech/assembly_ai_transcriber.hpp"

#include <string>

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "remote_transcriber_support.hpp"

namespace sb::speech {
namespace {

namespace json = boost::json;

using test::config;

TEST(AssemblyAiStreamUrl, CarriesTheAudioFormatVapisDefaultsAndTheConfig) {
  EXPECT_EQ(assembly_ai_stream_url("https://streaming.assemblyai.com",
                                   config(R"({"provider":"assembly-ai"})")),
            "wss://streaming.assemblyai.com/v3/ws?sample_rate=16000&encoding=pcm_s16le"
            "&speech_model=universal-streaming-english&format_turns=true"
            "&end_of_turn_confidence_threshold=0.7&min_end_of_turn_silence_when_confident=160"
            "&max_turn_silence=400");
  const auto url = assembly_ai_stream_url(
      "http://127.0.0.1:9",
      config(R"({"provider":"assembly-ai","language":"multi","formatTurns":false,
                 "endOfTurnConfidenceThreshold":0.55,"minEndOfTurnSilenceWhenConfident":300,
                 "maxTurnSilence":1280,"keytermsPrompt":["Switchboard","order number"],
                 "prompt":"a booking line"})"));
  EXPECT_EQ(url,
            "ws://127.0.0.1:9/v3/ws?sample_rate=16000&encoding=pcm_s16le"
            "&speech_model=universal-streaming-multilingual&format_turns=false"
            "&end_of_turn_confidence_threshold=0.55&min_end_of_turn_silence_when_confident=300"
            "&max_turn_silence=1280"
            "&keyterms_prompt=%5B%22Switchboard%22%2C%22order%20number%22%5D"
            "&prompt=a%20booking%20line");
}

TEST(AssemblyAiStreamUrl, RealtimeUrlReplacesTheBaseAndAnExplicitModelWins) {
  const auto url =
      assembly_ai_stream_url("https://streaming.assemblyai.com",
                             config(R"({"provider":"assembly-ai","speechModel":"universal-3-5-pro",
                 "realtimeUrl":"wss://streaming.eu.assemblyai.com/v3/ws"})"));
  EXPECT_TRUE(url.starts_with("wss://streaming.eu.assemblyai.com/v3/ws?sample_rate=16000&")) << url;
  EXPECT_NE(url.find("&speech_model=universal-3-5-pro&"), std::string::npos);
}

TEST(AssemblyAiMessages, TurnsErrorsAndTheRest) {
  auto m = parse_assembly_ai_message(
      R"({"type":"Turn","turn_order":0,"turn_is_formatted":true,"end_of_turn":true,
          "transcript":"Hello world.","end_of_turn_confidence":0.98,
          "words":[{"text":"Hello","confidence":0.9},{"text":"world.","confidence":0.7}]})");
  EXPECT_EQ(m.kind, AssemblyAiMessage::Kind::kTurn);
  EXPECT_EQ(m.transcript, "Hello world.");
  EXPECT_TRUE(m.end_of_turn);
  EXPECT_TRUE(m.formatted);
  EXPECT_DOUBLE_EQ(m.confidence, 0.8);
  m = parse_assembly_ai_message(R"({"type":"Turn","transcript":"hi","end_of_turn":false})");
  EXPECT_FALSE(m.end_of_turn);
  EXPECT_DOUBLE_EQ(m.confidence, 1.0);  // no words: nothing to doubt
  m = parse_assembly_ai_message(R"({"type":"Error","error":"Session Expired"})");
  EXPECT_EQ(m.kind, AssemblyAiMessage::Kind::kError);
  EXPECT_EQ(m.error, "Session Expired");
  for (const auto* ignored :
       {R"({"type":"Begin","id":"x","expires_at":1})", R"({"type":"SpeechStarted","timestamp":1})",
        R"({"type":"Termination"})", "not json", "[]"})
    EXPECT_EQ(parse_assembly_ai_message(ignored).kind, AssemblyAiMessage::Kind::kIgnored)
        << ignored;
}

AssemblyAiMessage turn(std::string text, bool end_of_turn, bool formatted,
                       double confidence = 0.9) {
  AssemblyAiMessage m;
  m.kind = AssemblyAiMessage::Kind::kTurn;
  m.transcript = std::move(text);
  m.end_of_turn = end_of_turn;
  m.formatted = formatted;
  m.confidence = confidence;
  return m;
}

TEST(AssemblyAiTurns, WithFormattingTheFormattedEndOfTurnIsTheFinal) {
  const AssemblyAiTurns turns(true, true, 0.4);
  auto t = turns.on(turn("i would like", false, false));
  ASSERT_TRUE(t);
  EXPECT_FALSE(t->is_final);
  EXPECT_EQ(t->text, "i would like");
  t = turns.on(turn("i would like a table", true, false));  // unformatted: still a partial
  ASSERT_TRUE(t);
  EXPECT_FALSE(t->is_final);
  t = turns.on(turn("I would like a table.", true, true));
  ASSERT_TRUE(t);
  EXPECT_TRUE(t->is_final);
  EXPECT_TRUE(t->end_of_turn);
  EXPECT_EQ(t->text, "I would like a table.");
}

TEST(AssemblyAiTurns, WithoutFormattingTheFirstEndOfTurnIsTheFinal) {
  const AssemblyAiTurns turns(false, true, 0.4);
  auto t = turns.on(turn("i would like a table", true, false));
  ASSERT_TRUE(t);
  EXPECT_TRUE(t->is_final);
  EXPECT_TRUE(t->end_of_turn);
}

TEST(AssemblyAiTurns, PartialsOffEmptyTurnsAndLowConfidenceSayNothing) {
  const AssemblyAiTurns quiet(false, false, 0.6);
  EXPECT_FALSE(quiet.on(turn("hel", false, false)));
  EXPECT_FALSE(quiet.on(turn("", true, false)));
  EXPECT_FALSE(quiet.on(turn("mumble", true, false, 0.3)));
  auto t = quiet.on(turn("clear words", true, false, 0.95));
  ASSERT_TRUE(t);
  EXPECT_TRUE(t->is_final);
}

TEST(AssemblyAiFailures, RefusalsAndClosesMapToTheCallSchemasReasons) {
  EXPECT_EQ(assembly_ai_connect_failure_reason("handshake: 401"),
            "pipeline-error-assembly-ai-returning-401-invalid-credentials");
  EXPECT_EQ(assembly_ai_connect_failure_reason("handshake: 429"), kAssemblyAiTranscriberFailed);
  EXPECT_EQ(assembly_ai_connect_failure_reason("connection refused"), kAssemblyAiTranscriberFailed);
  EXPECT_EQ(assembly_ai_close_reason(4001),
            "pipeline-error-assembly-ai-returning-401-invalid-credentials");
  EXPECT_EQ(assembly_ai_close_reason(4002),
            "pipeline-error-assembly-ai-returning-400-insufficent-funds");
  EXPECT_EQ(assembly_ai_close_reason(4003),
            "pipeline-error-assembly-ai-returning-400-paid-only-feature");
  EXPECT_EQ(assembly_ai_close_reason(4101),
            "pipeline-error-assembly-ai-returning-500-invalid-schema");
  EXPECT_EQ(assembly_ai_close_reason(1011), kAssemblyAiTranscriberFailed);
}

class AssemblyAiTranscriberTest : public ::testing::Test {
 protected:
  test::RemoteDeps remote;
  AssemblyAiTranscriber transcriber{remote.deps};
};

TEST_F(AssemblyAiTranscriberTest, CheckRefusesWhatItCannotServeNamingTheField) {
  EXPECT_NO_THROW(transcriber.check(config(R"({"provider":"assembly-ai"})")));
  EXPECT_NO_THROW(transcriber.check(config(
      R"({"provider":"assembly-ai","language":"multi","endOfTurnConfidenceThreshold":0.5,
          "realtimeUrl":"wss://streaming.eu.assemblyai.com/v3/ws"})")));
  test::expect_refused(transcriber, R"({"provider":"deepgram"})", "transcriber.provider");
  test::expect_refused(transcriber, R"({"provider":"assembly-ai","speechModel":7})",
                       "transcriber.speechModel");
  test::expect_refused(transcriber,
                       R"({"provider":"assembly-ai","language":"multi",
                           "speechModel":"universal-streaming-english"})",
                       "transcriber.language");
  test::expect_refused(transcriber, R"({"provider":"assembly-ai","confidenceThreshold":1.5})",
                       "transcriber.confidenceThreshold");
  test::expect_refused(transcriber, R"({"provider":"assembly-ai","maxTurnSilence":-1})",
                       "transcriber.maxTurnSilence");
  test::expect_refused(transcriber,
                       R"({"provider":"assembly-ai","realtimeUrl":"https://x.example/v3/ws"})",
                       "transcriber.realtimeUrl");
}

TEST_F(AssemblyAiTranscriberTest, NoKeyFailsAtOnce) {
  const auto failure = test::failure_without_key(transcriber, R"({"provider":"assembly-ai"})");
  EXPECT_EQ(failure.ended_reason, kAssemblyAiTranscriberFailed);
  EXPECT_NE(failure.message.find("AssemblyAI API key"), std::string::npos);
}

}  // namespace
}  // namespace sb::speech
