// The Vonage Voice API WebSocket's text messages, read and written as Vonage documents them.
#include "telephony/vonage_stream.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace sb::telephony {
namespace {

namespace json = boost::json;
using Kind = VonageStreamEvent::Kind;

VonageStreamEvent parsed(std::string_view text) {
  std::string error;
  auto e = parse_vonage_stream_event(text, error);
  EXPECT_TRUE(e) << error;
  return e ? *e : VonageStreamEvent{};
}

TEST(VonageStream, ReadsTheConnectedMessageWithTheNccoHeaders) {
  const auto connected = parsed(
      R"({"event":"websocket:connected","content-type":"audio/l16;rate=16000","callId":"c-1","app":"x"})");
  EXPECT_EQ(connected.kind, Kind::kConnected);
  EXPECT_EQ(connected.content_type, "audio/l16;rate=16000");
  EXPECT_EQ(connected.sample_rate, 16000);
  EXPECT_EQ(connected.headers, json::parse(R"({"callId":"c-1","app":"x"})").as_object());
  EXPECT_EQ(
      parsed(R"({"event":"websocket:connected","content-type":"audio/l16;rate=8000"})").sample_rate,
      8000);
}

TEST(VonageStream, ReadsDtmfNotifyAndCleared) {
  const auto dtmf = parsed(R"({"event":"websocket:dtmf","digit":"5","duration":260})");
  EXPECT_EQ(dtmf.kind, Kind::kDtmf);
  EXPECT_EQ(dtmf.digit, "5");
  EXPECT_EQ(dtmf.duration_ms, 260);
  const auto notify = parsed(R"({"event":"websocket:notify","payload":{"name":"u-1"}})");
  EXPECT_EQ(notify.kind, Kind::kNotify);
  EXPECT_EQ(notify.payload.at("name"), "u-1");
  EXPECT_EQ(parsed(R"({"event":"websocket:cleared"})").kind, Kind::kCleared);
}

TEST(VonageStream, RefusesWhatItCannotUseAndSaysWhy) {
  std::string error;
  EXPECT_FALSE(parse_vonage_stream_event("\x01\x02", error));
  EXPECT_EQ(error, "not a JSON object");
  EXPECT_FALSE(parse_vonage_stream_event(R"({"event":"websocket:hello"})", error));
  EXPECT_EQ(error, R"(unknown event "websocket:hello")");
  EXPECT_FALSE(parse_vonage_stream_event(
      R"({"event":"websocket:connected","content-type":"audio/l16;rate=24000"})", error));
  EXPECT_EQ(
      error,
      R"(websocket:connected with content-type "audio/l16;rate=24000", not audio/l16 at 8 or 16 kHz)");
  EXPECT_FALSE(parse_vonage_stream_event(R"({"event":"websocket:dtmf"})", error));
  EXPECT_EQ(error, "websocket:dtmf without digit");
}

TEST(VonageStream, WritesClearAndNotify) {
  EXPECT_EQ(json::parse(vonage_clear_message()), json::parse(R"({"action":"clear"})"));
  EXPECT_EQ(json::parse(vonage_notify_message("u-2")),
            json::parse(R"({"action":"notify","payload":{"name":"u-2"}})"));
}

}  // namespace
}  // namespace sb::telephony
