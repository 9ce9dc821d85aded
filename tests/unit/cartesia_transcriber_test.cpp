// The Cartesia transcriber's pure parts: the URL each model is streamed to, how both endpoints'
// messages become the call's transcripts, what check() refuses, and that a stream without a key
// fails at once.

#include "runtime/speech/cartesia_transcriber.hpp"

#include <string>

#include <gtest/gtest.h>

#include "remote_transcriber_support.hpp"

namespace sb::speech {
namespace {

using test::config;

TEST(CartesiaStreamUrl, InkWhisperByDefaultInk2OnTheTurnDetectingEndpoint) {
  EXPECT_EQ(cartesia_stream_url("https://api.cartesia.ai", config(R"({"provider":"cartesia"})")),
            "wss://api.cartesia.ai/stt/websocket?model=ink-whisper&encoding=pcm_s16le&"
            "sample_rate=16000");
  EXPECT_EQ(cartesia_stream_url(
                "http://127.0.0.1:9",
                config(R"({"provider":"cartesia","model":"ink-whisper","language":"de"})")),
            "ws://127.0.0.1:9/stt/websocket?model=ink-whisper&language=de&encoding=pcm_s16le&"
            "sample_rate=16000");
  EXPECT_EQ(
      cartesia_stream_url("https://api.cartesia.ai",
                          config(R"({"provider":"cartesia","model":"ink-2","language":"en"})")),
      "wss://api.cartesia.ai/stt/turns/websocket?model=ink-2&encoding=pcm_s16le&"
      "sample_rate=16000");
}

TEST(CartesiaMessages, InkWhisperFinalsEndTheTurnPartialsDoNot) {
  auto r = parse_cartesia_message(
      R"({"type":"transcript","is_final":false,"text":" I would","request_id":"r"})");
  ASSERT_TRUE(r.transcript);
  EXPECT_EQ(r.transcript->text, "I would");
  EXPECT_FALSE(r.transcript->is_final);
  r = parse_cartesia_message(
      R"({"type":"transcript","is_final":true,"text":" I would like a table. ","duration":1.2})");
  ASSERT_TRUE(r.transcript);
  EXPECT_EQ(r.transcript->text, "I would like a table.");
  EXPECT_TRUE(r.transcript->is_final);
  EXPECT_TRUE(r.transcript->end_of_turn);
}

TEST(CartesiaMessages, TurnUpdatesArePartialsATurnEndIsTheFinal) {
  auto r = parse_cartesia_message(R"({"type":"turn.update","transcript":"Hey can you"})");
  ASSERT_TRUE(r.transcript);
  EXPECT_EQ(r.transcript->text, "Hey can you");
  EXPECT_FALSE(r.transcript->is_final);
  r = parse_cartesia_message(R"({"type":"turn.end","transcript":"Hey can you help me?"})");
  ASSERT_TRUE(r.transcript);
  EXPECT_EQ(r.transcript->text, "Hey can you help me?");
  EXPECT_TRUE(r.transcript->end_of_turn);
  for (const auto* quiet : {R"({"type":"connected","request_id":"r"})", R"({"type":"turn.start"})",
                            R"({"type":"flush_done"})", R"({"type":"done"})",
                            R"({"type":"transcript","is_final":true,"text":" "})", "not json"}) {
    r = parse_cartesia_message(quiet);
    EXPECT_FALSE(r.transcript) << quiet;
    EXPECT_FALSE(r.error) << quiet;
  }
  r = parse_cartesia_message(
      R"({"type":"error","title":"Invalid model","message":"The model is not valid","status_code":400})");
  ASSERT_TRUE(r.error);
  EXPECT_EQ(*r.error, "The model is not valid");
  r = parse_cartesia_message(R"({"type":"error","error":"quota exceeded"})");
  ASSERT_TRUE(r.error);
  EXPECT_EQ(*r.error, "quota exceeded");
}

class CartesiaTranscriberTest : public ::testing::Test {
 protected:
  test::RemoteDeps remote;
  CartesiaTranscriber transcriber{remote.deps};
};

TEST_F(CartesiaTranscriberTest, CheckRefusesWhatItCannotServeNamingTheField) {
  EXPECT_NO_THROW(transcriber.check(
      config(R"({"provider":"cartesia","model":"ink-whisper","language":"ja"})")));
  EXPECT_NO_THROW(transcriber.check(config(R"({"provider":"cartesia","model":"ink-2"})")));
  test::expect_refused(transcriber, R"({"provider":"cartesia","model":"sonic-3"})",
                       "transcriber.model");
  test::expect_refused(transcriber, R"({"provider":"cartesia","language":["en"]})",
                       "transcriber.language");
  test::expect_refused(transcriber, R"({"provider":"cartesia","model":"ink-2","language":"fr"})",
                       "transcriber.language");
  test::expect_refused(transcriber, R"({"provider":"11labs"})", "transcriber.provider");
}

TEST_F(CartesiaTranscriberTest, NoKeyFailsAtOnce) {
  const auto failure = test::failure_without_key(transcriber, R"({"provider":"cartesia"})");
  EXPECT_EQ(failure.ended_reason, kCartesiaTranscriberFailed);
  EXPECT_NE(failure.message.find("Cartesia API key"), std::string::npos);
}

}  // namespace
}  // namespace sb::speech
