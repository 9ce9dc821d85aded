// Twilio Media Streams' messages, read and written as Twilio's documentation shows them.
#include "telephony/twilio_stream.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace sb::telephony {
namespace {

namespace json = boost::json;
using Kind = TwilioStreamEvent::Kind;

TwilioStreamEvent parsed(std::string_view text) {
  std::string error;
  auto e = parse_twilio_stream_event(text, error);
  EXPECT_TRUE(e) << error;
  return e ? *e : TwilioStreamEvent{};
}

TEST(TwilioStream, ReadsTheConnectedAndStartMessages) {
  EXPECT_EQ(parsed(R"({"event":"connected","protocol":"Call","version":"1.0.0"})").kind,
            Kind::kConnected);
  const auto start = parsed(R"({"event":"start","sequenceNumber":"1","start":{
      "accountSid":"AC1","streamSid":"MZ1","callSid":"CA1","tracks":["inbound"],
      "mediaFormat":{"encoding":"audio/x-mulaw","sampleRate":8000,"channels":1},
      "customParameters":{"callId":"c-1"}},"streamSid":"MZ1"})");
  EXPECT_EQ(start.kind, Kind::kStart);
  EXPECT_EQ(start.stream_sid, "MZ1");
  EXPECT_EQ(start.call_sid, "CA1");
  EXPECT_EQ(start.account_sid, "AC1");
  EXPECT_EQ(start.encoding, "audio/x-mulaw");
  EXPECT_EQ(start.sample_rate, 8000);
  EXPECT_EQ(start.channels, 1);
  EXPECT_EQ(start.custom_parameters.at("callId"), "c-1");
}

TEST(TwilioStream, ReadsMediaWithItsCountsSpelledAsStringsAndDecodesThePayload) {
  const auto media = parsed(R"({"event":"media","sequenceNumber":"3","media":{"track":"inbound",
      "chunk":"2","timestamp":"40","payload":"/39/fw=="},"streamSid":"MZ1"})");
  EXPECT_EQ(media.kind, Kind::kMedia);
  EXPECT_EQ(media.track, "inbound");
  EXPECT_EQ(media.chunk, 2);
  EXPECT_EQ(media.timestamp_ms, 40);
  EXPECT_EQ(media.audio, std::string("\xff\x7f\x7f\x7f", 4));
}

TEST(TwilioStream, ReadsDtmfMarkAndStop) {
  const auto dtmf = parsed(R"({"event":"dtmf","streamSid":"MZ1","sequenceNumber":"5",
      "dtmf":{"track":"inbound_track","digit":"7"}})");
  EXPECT_EQ(dtmf.kind, Kind::kDtmf);
  EXPECT_EQ(dtmf.digit, "7");
  const auto mark = parsed(
      R"({"event":"mark","sequenceNumber":"4","streamSid":"MZ1","mark":{"name":"utterance-1"}})");
  EXPECT_EQ(mark.kind, Kind::kMark);
  EXPECT_EQ(mark.mark_name, "utterance-1");
  const auto stop = parsed(R"({"event":"stop","sequenceNumber":"9","streamSid":"MZ1",
      "stop":{"accountSid":"AC1","callSid":"CA1"}})");
  EXPECT_EQ(stop.kind, Kind::kStop);
  EXPECT_EQ(stop.call_sid, "CA1");
}

TEST(TwilioStream, RefusesWhatItCannotUseAndSaysWhy) {
  std::string error;
  EXPECT_FALSE(parse_twilio_stream_event("not json", error));
  EXPECT_EQ(error, "not a JSON object");
  EXPECT_FALSE(parse_twilio_stream_event(R"({"event":"hello"})", error));
  EXPECT_EQ(error, R"(unknown event "hello")");
  EXPECT_FALSE(parse_twilio_stream_event(R"({"event":"start","start":{}})", error));
  EXPECT_EQ(error, "start without streamSid");
  EXPECT_FALSE(parse_twilio_stream_event(R"({"event":"media","media":{"payload":"***"}})", error));
  EXPECT_EQ(error, "media.payload is not base64");
  EXPECT_FALSE(parse_twilio_stream_event(R"({"event":"dtmf","dtmf":{}})", error));
}

TEST(TwilioStream, WritesMediaMarkAndClear) {
  const auto media = json::parse(twilio_media_message("MZ1", std::string("\xff\x7f", 2)));
  EXPECT_EQ(media,
            json::parse(R"({"event":"media","streamSid":"MZ1","media":{"payload":"/38="}})"));
  EXPECT_EQ(json::parse(twilio_mark_message("MZ1", "u-2")),
            json::parse(R"({"event":"mark","streamSid":"MZ1","mark":{"name":"u-2"}})"));
  EXPECT_EQ(json::parse(twilio_clear_message("MZ1")),
            json::parse(R"({"event":"clear","streamSid":"MZ1"})"));
}

}  // namespace
}  // namespace sb::telephony
