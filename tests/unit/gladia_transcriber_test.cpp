// The Gladia transcriber's pure parts: the init request a config makes, the session URL in its
// answer, how Gladia's messages read and become the call's transcripts, what check() refuses,
// and that a stream without a key fails at once.

#include "runtime/speech/gladia_transcriber.hpp"

#include <string>

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "remote_transcriber_support.hpp"

namespace sb::speech {
namespace {

namespace json = boost::json;

json::object gladia(std::string_view fields) {
  return json::parse(R"({"provider":"gladia")" + std::string(fields) + "}").as_object();
}

TEST(GladiaInit, TheBodyCarriesTheAudioFormatAndTheConfig) {
  EXPECT_EQ(gladia_init_url("https://api.gladia.io", gladia("")), "https://api.gladia.io/v2/live");
  EXPECT_EQ(gladia_init_url("http://127.0.0.1:9", gladia(R"(,"region":"us-west")")),
            "http://127.0.0.1:9/v2/live?region=us-west");
  EXPECT_EQ(gladia_init_body(gladia("")),
            json::parse(R"({"encoding":"wav/pcm","bit_depth":16,"sample_rate":16000,
              "channels":1,"model":"solaria-1",
              "language_config":{"languages":[],"code_switching":false},
              "messages_config":{"receive_partial_transcripts":true,
                                 "receive_final_transcripts":true}})"));
  const auto body = gladia_init_body(gladia(
      R"(,"model":"fast","languageBehaviour":"automatic multiple languages",
          "languages":["en","fr"],"language":"de","endpointing":0.3,"audioEnhancer":true,
          "speechThreshold":0.7,"customVocabularyEnabled":true,
          "customVocabularyConfig":{"vocabulary":["Switchboard",{"value":"Vapi","intensity":0.8}],
                                    "defaultIntensity":0.6},
          "receivePartialTranscripts":false)"));
  EXPECT_EQ(body.at("model"), "solaria-1");
  EXPECT_EQ(body.at("endpointing"), 0.3);
  EXPECT_EQ(body.at("language_config"),
            json::parse(R"({"languages":["en","fr"],"code_switching":true})"));
  EXPECT_EQ(body.at("pre_processing"),
            json::parse(R"({"audio_enhancer":true,"speech_threshold":0.7})"));
  EXPECT_EQ(body.at("realtime_processing"),
            json::parse(R"({"custom_vocabulary":true,"custom_vocabulary_config":{
              "vocabulary":["Switchboard",{"value":"Vapi","intensity":0.8}],
              "default_intensity":0.6}})"));
  EXPECT_EQ(body.at("messages_config").at("receive_partial_transcripts"), false);
  // One language, manual.
  EXPECT_EQ(gladia_init_body(gladia(R"(,"languageBehaviour":"manual","language":"de")"))
                .at("language_config"),
            json::parse(R"({"languages":["de"],"code_switching":false})"));
}

TEST(GladiaInit, TheSessionUrlComesFromTheAnswer) {
  EXPECT_EQ(gladia_session_url(R"({"id":"s1","url":"wss://api.gladia.io/v2/live?token=t"})"),
            "wss://api.gladia.io/v2/live?token=t");
  EXPECT_FALSE(gladia_session_url(R"({"id":"s1"})"));
  EXPECT_FALSE(gladia_session_url(R"({"url":"https://api.gladia.io/v2/live"})"));
  EXPECT_FALSE(gladia_session_url("not json"));
}

TEST(GladiaMessages, TranscriptsErrorsAndTheRest) {
  auto m = parse_gladia_message(
      R"({"type":"transcript","session_id":"s","data":{"id":"00-1","is_final":true,
          "utterance":{"text":" Hello there.","confidence":0.93,"language":"en"}}})");
  EXPECT_EQ(m.kind, GladiaMessage::Kind::kTranscript);
  EXPECT_TRUE(m.is_final);
  EXPECT_EQ(m.text, " Hello there.");
  EXPECT_DOUBLE_EQ(m.confidence, 0.93);
  m = parse_gladia_message(R"({"type":"error","data":{"message":"Invalid audio chunk"}})");
  EXPECT_EQ(m.kind, GladiaMessage::Kind::kError);
  EXPECT_EQ(m.error, "Invalid audio chunk");
  for (const auto* ignored : {R"({"type":"speech_start","data":{"time":1}})",
                              R"({"type":"audio_chunk","acknowledged":true})", "[]", "x"})
    EXPECT_EQ(parse_gladia_message(ignored).kind, GladiaMessage::Kind::kIgnored) << ignored;
}

GladiaMessage transcript(std::string text, bool is_final, double confidence = 0.9) {
  GladiaMessage m;
  m.kind = GladiaMessage::Kind::kTranscript;
  m.text = std::move(text);
  m.is_final = is_final;
  m.confidence = confidence;
  return m;
}

TEST(GladiaTranscripts, PartialsFinalsThatEndTheTurnAndSilence) {
  auto t = gladia_transcript(transcript(" I would", false), 0.4);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->text, "I would");
  EXPECT_FALSE(t->is_final);
  t = gladia_transcript(transcript(" I would like a table.", true), 0.4);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->text, "I would like a table.");
  EXPECT_TRUE(t->is_final);
  EXPECT_TRUE(t->end_of_turn);
  EXPECT_FALSE(gladia_transcript(transcript("  ", true), 0.4));
  EXPECT_FALSE(gladia_transcript(transcript("mumble", true, 0.2), 0.4));
}

class GladiaTranscriberTest : public ::testing::Test {
 protected:
  test::RemoteDeps remote;
  GladiaTranscriber transcriber{remote.deps};
};

TEST_F(GladiaTranscriberTest, CheckRefusesWhatItCannotServeNamingTheField) {
  EXPECT_NO_THROW(transcriber.check(gladia("")));
  EXPECT_NO_THROW(transcriber.check(
      gladia(R"(,"model":"accurate","languageBehaviour":"manual","language":"fr")")));
  for (const auto& [fields, field] : std::vector<std::pair<const char*, const char*>>{
           {R"(,"model":"enhanced")", "transcriber.model"},
           {R"(,"languageBehaviour":"guess")", "transcriber.languageBehaviour"},
           {R"(,"languageBehaviour":"manual")", "transcriber.language"},
           {R"(,"region":"ap-south")", "transcriber.region"},
           {R"(,"endpointing":20)", "transcriber.endpointing"},
           {R"(,"speechThreshold":2)", "transcriber.speechThreshold"},
           {R"(,"customVocabularyEnabled":true)", "transcriber.customVocabularyConfig"}})
    test::expect_refused(transcriber, R"({"provider":"gladia")" + std::string(fields) + "}", field);
}

TEST_F(GladiaTranscriberTest, NoKeyFailsAtOnce) {
  const auto failure = test::failure_without_key(transcriber, R"({"provider":"gladia"})");
  EXPECT_EQ(failure.ended_reason, kGladiaTranscriberFailed);
  EXPECT_NE(failure.message.find("Gladia API key"), std::string::npos);
}

}  // namespace
}  // namespace sb::speech
