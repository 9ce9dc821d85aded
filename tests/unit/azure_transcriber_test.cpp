// The Azure transcriber's pure parts: the recognition URL, the protocol's text and binary
// framing, the speech.context a config makes, how Azure's messages become the call's
// transcripts, what check() refuses, and that a stream without a key fails at once.

#include "runtime/speech/azure_transcriber.hpp"

#include <string>

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "remote_transcriber_support.hpp"

namespace sb::speech {
namespace {

namespace json = boost::json;
using test::config;

TEST(AzureSttBase, TheRegionsSttHostUnlessABaseIsConfigured) {
  EXPECT_EQ(azure_stt_base("https://{region}.tts.speech.microsoft.com", "eastus"),
            "https://eastus.stt.speech.microsoft.com");
  EXPECT_EQ(azure_stt_base("https://{region}.tts.speech.microsoft.com", "uk"),
            "https://uksouth.stt.speech.microsoft.com");  // Vapi's region name, as Azure's
  EXPECT_EQ(azure_stt_base("http://127.0.0.1:9/{region}", "westeurope"),
            "http://127.0.0.1:9/westeurope");
}

TEST(AzureSttUrl, ConversationModeWithTheLanguageAndSimpleFormat) {
  EXPECT_EQ(
      azure_stt_url("https://eastus.stt.speech.microsoft.com", config(R"({"provider":"azure"})")),
      "wss://eastus.stt.speech.microsoft.com/speech/recognition/conversation/"
      "cognitiveservices/v1?language=en-US&format=simple");
  EXPECT_EQ(
      azure_stt_url("http://127.0.0.1:9/eastus", config(R"({"provider":"azure","language":"fr-FR",
                                     "segmentationSilenceTimeoutMs":800})")),
      "ws://127.0.0.1:9/eastus/speech/recognition/conversation/cognitiveservices/v1?"
      "language=fr-FR&format=simple&segmentationSilenceTimeoutMs=800");
}

TEST(AzureFraming, TextMessagesAreHeadersABlankLineAndTheBody) {
  EXPECT_EQ(azure_text_message("speech.config", "abc", "2026-01-02T03:04:05.000Z", R"({"a":1})"),
            "Path: speech.config\r\nX-RequestId: abc\r\nX-Timestamp: 2026-01-02T03:04:05.000Z\r\n"
            "Content-Type: application/json\r\n\r\n{\"a\":1}");
}

TEST(AzureFraming, AudioMessagesLeadWithTheirHeadersBigEndianLength) {
  const std::string body("\x01\x02\x03", 3);
  const auto message = azure_audio_message("abc", "T", body);
  const std::string head =
      "Path: audio\r\nX-RequestId: abc\r\nX-Timestamp: T\r\nContent-Type: audio/x-wav\r\n";
  ASSERT_EQ(message.size(), 2 + head.size() + body.size());
  EXPECT_EQ(static_cast<unsigned char>(message[0]), head.size() >> 8);
  EXPECT_EQ(static_cast<unsigned char>(message[1]), head.size() & 0xff);
  EXPECT_EQ(message.substr(2, head.size()), head);
  EXPECT_EQ(message.substr(2 + head.size()), body);
}

TEST(AzureSpeechContext, SegmentationAsTheSdkSendsIt) {
  EXPECT_EQ(azure_speech_context(config(R"({"provider":"azure"})")), json::object());
  EXPECT_EQ(
      azure_speech_context(config(R"({"provider":"azure","segmentationStrategy":"Semantic"})")),
      json::parse(R"({"phraseDetection":{"mode":"Conversation","conversation":
              {"segmentation":{"mode":"Semantic"}}}})"));
  EXPECT_EQ(azure_speech_context(config(R"({"provider":"azure","segmentationStrategy":"Default",
              "segmentationSilenceTimeoutMs":700,"segmentationMaximumTimeMs":30000})")),
            json::parse(R"({"phraseDetection":{"mode":"Conversation","conversation":
              {"segmentation":{"mode":"Custom","segmentationSilenceTimeoutMs":700,
                               "segmentationForcedTimeoutMs":30000}}}})"));
}

std::string from_azure(std::string_view path, std::string_view body) {
  return "X-RequestId: abc\r\nContent-Type: application/json; charset=utf-8\r\nPath: " +
         std::string(path) + "\r\n\r\n" + std::string(body);
}

TEST(AzureMessages, HypothesesArePartialsASuccessfulPhraseEndsTheTurn) {
  auto r = parse_azure_message(
      from_azure("speech.hypothesis", R"({"Text":"i would","Offset":100,"Duration":200})"));
  ASSERT_TRUE(r.transcript);
  EXPECT_EQ(r.transcript->text, "i would");
  EXPECT_FALSE(r.transcript->is_final);
  r = parse_azure_message(from_azure(
      "speech.phrase", R"({"RecognitionStatus":"Success","DisplayText":"I would like a table."})"));
  ASSERT_TRUE(r.transcript);
  EXPECT_EQ(r.transcript->text, "I would like a table.");
  EXPECT_TRUE(r.transcript->end_of_turn);
  // Header names are read in any case.
  r = parse_azure_message("path:speech.hypothesis\r\n\r\n{\"Text\":\"hello\"}");
  ASSERT_TRUE(r.transcript);
  EXPECT_EQ(r.transcript->text, "hello");
  for (const auto& quiet :
       {from_azure("turn.start", R"({"context":{"serviceTag":"x"}})"),
        from_azure("speech.startDetected", R"({"Offset":1})"), from_azure("turn.end", "{}"),
        from_azure("speech.phrase", R"({"RecognitionStatus":"InitialSilenceTimeout"})"),
        from_azure("speech.phrase", R"({"RecognitionStatus":"NoMatch"})"),
        std::string("no headers")}) {
    r = parse_azure_message(quiet);
    EXPECT_FALSE(r.transcript) << quiet;
    EXPECT_FALSE(r.error) << quiet;
  }
  r = parse_azure_message(
      from_azure("speech.phrase", R"({"RecognitionStatus":"TooManyRequests"})"));
  ASSERT_TRUE(r.error);
  EXPECT_EQ(*r.error, "TooManyRequests");
}

class AzureTranscriberTest : public ::testing::Test {
 protected:
  test::RemoteDeps remote;
  AzureTranscriber transcriber{remote.deps};
};

TEST_F(AzureTranscriberTest, CheckRefusesWhatItCannotServeNamingTheField) {
  EXPECT_NO_THROW(transcriber.check(config(
      R"({"provider":"azure","language":"de-DE","segmentationStrategy":"Time",
          "segmentationSilenceTimeoutMs":500,"segmentationMaximumTimeMs":20000})")));
  test::expect_refused(transcriber, R"({"provider":"azure","language":false})",
                       "transcriber.language");
  test::expect_refused(transcriber, R"({"provider":"azure","segmentationStrategy":"Fast"})",
                       "transcriber.segmentationStrategy");
  test::expect_refused(transcriber, R"({"provider":"azure","segmentationSilenceTimeoutMs":50})",
                       "transcriber.segmentationSilenceTimeoutMs");
  test::expect_refused(transcriber, R"({"provider":"azure","segmentationMaximumTimeMs":90000})",
                       "transcriber.segmentationMaximumTimeMs");
  test::expect_refused(transcriber, R"({"provider":"deepgram"})", "transcriber.provider");
}

TEST_F(AzureTranscriberTest, NoKeyFailsAtOnce) {
  const auto failure = test::failure_without_key(transcriber, R"({"provider":"azure"})");
  EXPECT_EQ(failure.ended_reason, kAzureTranscriberFailed);
  EXPECT_NE(failure.message.find("Azure Speech key"), std::string::npos);
}

}  // namespace
}  // namespace sb::speech
