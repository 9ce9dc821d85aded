// The Deepgram transcriber's pure parts: the live-streaming URL a config makes, how Deepgram's
// messages read and become the call's turns, which endedReason a refused upgrade gives, what
// check() refuses, and that a stream without a key fails at once.

#include "runtime/speech/deepgram_transcriber.hpp"

#include <string>

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "core/api_error.hpp"
#include "remote_transcriber_support.hpp"

namespace sb::speech {
namespace {

namespace json = boost::json;

using test::config;

TEST(DeepgramListenUrl, CarriesTheAudioFormatAndTheConfig) {
  const auto url = deepgram_listen_url(
      "https://api.deepgram.com",
      config(R"({"provider":"deepgram","model":"nova-2","language":"en-US","endpointing":300,
                 "smartFormat":true,"keywords":["snuffleupagus:5","krieger"],
                 "keyterm":["order number"]})"));
  EXPECT_EQ(url,
            "wss://api.deepgram.com/v1/listen?model=nova-2&language=en-US&encoding=linear16"
            "&sample_rate=16000&channels=1&interim_results=true&endpointing=300"
            "&utterance_end_ms=1000&punctuate=true&smart_format=true"
            "&keywords=snuffleupagus%3A5&keywords=krieger");
}

TEST(DeepgramListenUrl, Nova3TakesKeytermsNotKeywords) {
  const auto url =
      deepgram_listen_url("http://127.0.0.1:9",
                          config(R"({"provider":"deepgram","model":"nova-3","keywords":["krieger"],
                 "keyterm":["order number","PCI"]})"));
  EXPECT_TRUE(url.starts_with("ws://127.0.0.1:9/v1/listen?model=nova-3&encoding=linear16"));
  EXPECT_NE(url.find("&keyterm=order%20number&keyterm=PCI"), std::string::npos);
  EXPECT_EQ(url.find("keywords"), std::string::npos);
}

TEST(DeepgramListenUrl, DefaultsAndOptionalFlags) {
  const auto url =
      deepgram_listen_url("https://api.deepgram.com",
                          config(R"({"provider":"deepgram","numerals":true,"profanityFilter":true,
                 "mipOptOut":true,"redaction":["pci","phi"],"endpointing":2})"));
  EXPECT_NE(url.find("model=" + std::string(kDeepgramDefaultModel) + "&encoding"),
            std::string::npos);
  EXPECT_EQ(url.find("language="), std::string::npos);         // Deepgram's own default
  EXPECT_NE(url.find("&endpointing=10&"), std::string::npos);  // clamped to Vapi's range
  EXPECT_EQ(url.find("smart_format"), std::string::npos);
  EXPECT_NE(url.find("&numerals=true&profanity_filter=true&mip_opt_out=true"
                     "&redact=pci&redact=phi"),
            std::string::npos);
}

TEST(DeepgramMessages, ResultsReadAsTranscripts) {
  auto m = parse_deepgram_message(
      R"({"type":"Results","is_final":true,"speech_final":true,"channel_index":[0,1],
          "channel":{"alternatives":[{"transcript":"hello there","confidence":0.98}]}})");
  EXPECT_EQ(m.kind, DeepgramMessage::Kind::kTranscript);
  EXPECT_EQ(m.transcript.text, "hello there");
  EXPECT_TRUE(m.transcript.is_final);
  EXPECT_TRUE(m.transcript.end_of_turn);
  EXPECT_DOUBLE_EQ(m.confidence, 0.98);

  m = parse_deepgram_message(
      R"({"type":"Results","is_final":false,"speech_final":false,
          "channel":{"alternatives":[{"transcript":"hel","confidence":0.5}]}})");
  EXPECT_EQ(m.kind, DeepgramMessage::Kind::kTranscript);
  EXPECT_FALSE(m.transcript.is_final);
  EXPECT_FALSE(m.transcript.end_of_turn);

  m = parse_deepgram_message(R"({"type":"Results","channel":{"alternatives":[]}})");
  EXPECT_EQ(m.kind, DeepgramMessage::Kind::kTranscript);
  EXPECT_TRUE(m.transcript.text.empty());
}

TEST(DeepgramMessages, UtteranceEndErrorsAndTheRest) {
  EXPECT_EQ(parse_deepgram_message(R"({"type":"UtteranceEnd","last_word_end":2.1})").kind,
            DeepgramMessage::Kind::kUtteranceEnd);
  const auto error =
      parse_deepgram_message(R"({"type":"Error","description":"bad audio","variant":"x"})");
  EXPECT_EQ(error.kind, DeepgramMessage::Kind::kError);
  EXPECT_EQ(error.error, "bad audio");
  for (const auto* ignored : {R"({"type":"Metadata","request_id":"r"})",
                              R"({"type":"SpeechStarted","timestamp":1.0})", "not json", "[1]"})
    EXPECT_EQ(parse_deepgram_message(ignored).kind, DeepgramMessage::Kind::kIgnored) << ignored;
}

DeepgramMessage results(std::string text, bool is_final, bool speech_final,
                        double confidence = 0.9) {
  DeepgramMessage m;
  m.kind = DeepgramMessage::Kind::kTranscript;
  m.transcript = Transcript{std::move(text), is_final, speech_final};
  m.confidence = confidence;
  return m;
}

TEST(DeepgramTurns, FinalsAreHeldUntilSpeechFinalThenGivenAsOneTurn) {
  DeepgramTurns turns(0.4);
  auto t = turns.on(results("I would", false, false));
  ASSERT_TRUE(t);
  EXPECT_EQ(t->text, "I would");
  EXPECT_FALSE(t->is_final);
  EXPECT_FALSE(turns.on(results("I would like", true, false)));
  t = turns.on(results("to book", false, false));  // what is held, then what is heard
  ASSERT_TRUE(t);
  EXPECT_EQ(t->text, "I would like to book");
  EXPECT_FALSE(t->is_final);
  t = turns.on(results("to book a table", true, true));
  ASSERT_TRUE(t);
  EXPECT_EQ(t->text, "I would like to book a table");
  EXPECT_TRUE(t->is_final);
  EXPECT_TRUE(t->end_of_turn);
  // The next turn starts empty.
  t = turns.on(results("thanks", true, true));
  ASSERT_TRUE(t);
  EXPECT_EQ(t->text, "thanks");
}

TEST(DeepgramTurns, UtteranceEndEndsTheHeldTurnAndNothingElse) {
  DeepgramTurns turns(0.4);
  DeepgramMessage utterance_end;
  utterance_end.kind = DeepgramMessage::Kind::kUtteranceEnd;
  EXPECT_FALSE(turns.on(utterance_end));  // nothing held: nothing to say
  EXPECT_FALSE(turns.on(results("hello", true, false)));
  auto t = turns.on(utterance_end);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->text, "hello");
  EXPECT_TRUE(t->end_of_turn);
  EXPECT_FALSE(turns.on(results("", true, true)));  // a speech_final of silence
}

TEST(DeepgramTurns, LowConfidenceCountsAsSilence) {
  DeepgramTurns turns(0.6);
  EXPECT_FALSE(turns.on(results("mumble", false, false, 0.3)));
  EXPECT_FALSE(turns.on(results("mumble", true, true, 0.3)));
  auto t = turns.on(results("clear words", true, true, 0.95));
  ASSERT_TRUE(t);
  EXPECT_EQ(t->text, "clear words");
}

TEST(DeepgramConnectFailures, StatusesMapToTheCallSchemasReasons) {
  EXPECT_EQ(deepgram_connect_failure_reason("handshake: 401"),
            "pipeline-error-deepgram-returning-401-invalid-credentials");
  EXPECT_EQ(deepgram_connect_failure_reason("handshake: 403"),
            "pipeline-error-deepgram-returning-403-model-access-denied");
  EXPECT_EQ(deepgram_connect_failure_reason("handshake: 400"),
            "pipeline-error-deepgram-returning-400-no-such-model-language-tier-combination");
  EXPECT_EQ(deepgram_connect_failure_reason("handshake: 429"), kDeepgramTranscriberFailed);
  EXPECT_EQ(deepgram_connect_failure_reason("connection refused"), kDeepgramTranscriberFailed);
}

TEST(DeepgramConnectFailures, ADroppedConnectionIsEconnresetDeepgramsOwnCloseAFailure) {
  EXPECT_EQ(deepgram_close_reason(1011, "connection closed"),
            "pipeline-error-deepgram-returning-econnreset");
  EXPECT_EQ(deepgram_close_reason(1011, "NET-0001"), kDeepgramTranscriberFailed);
  EXPECT_EQ(deepgram_close_reason(1008, "DATA-0000"), kDeepgramTranscriberFailed);
  EXPECT_EQ(deepgram_close_reason(1000, ""), kDeepgramTranscriberFailed);
}

class DeepgramTranscriberTest : public ::testing::Test {
 protected:
  test::RemoteDeps remote;
  DeepgramTranscriber transcriber{remote.deps};
};

TEST_F(DeepgramTranscriberTest, CheckRefusesWhatItCannotServe) {
  EXPECT_NO_THROW(transcriber.check(config(R"({"provider":"deepgram"})")));
  EXPECT_NO_THROW(transcriber.check(
      config(R"({"provider":"deepgram","model":"nova-2-phonecall","language":"en"})")));
  for (const auto* bad :
       {R"({"provider":"deepgram","model":"flux-general-en"})",
        R"({"provider":"deepgram","model":3})", R"({"provider":"deepgram","language":["en"]})",
        R"({"provider":"deepgram","endpointing":"fast"})", R"({"provider":"talkscriber"})"}) {
    EXPECT_THROW(transcriber.check(config(bad)), ApiError) << bad;
  }
  try {
    transcriber.check(config(R"({"provider":"deepgram","model":"flux-general-en"})"));
  } catch (const ApiError& e) {
    EXPECT_NE(std::string(e.what()).find("transcriber.model"), std::string::npos);
  }
}

TEST_F(DeepgramTranscriberTest, NoKeyFailsAtOnce) {
  const auto failure = test::failure_without_key(transcriber, R"({"provider":"deepgram"})");
  EXPECT_EQ(failure.ended_reason, kDeepgramKeyMissing);
  EXPECT_NE(failure.message.find("Deepgram API key"), std::string::npos);
}

}  // namespace
}  // namespace sb::speech
