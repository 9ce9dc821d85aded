// Telnyx Media Streaming's messages, read and written as Telnyx's documentation shows them, and
// media chunks put back in order.
#include "telephony/telnyx_stream.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace sb::telephony {
namespace {

namespace json = boost::json;
using Kind = TelnyxStreamEvent::Kind;

TelnyxStreamEvent parsed(std::string_view text) {
  std::string error;
  auto e = parse_telnyx_stream_event(text, error);
  EXPECT_TRUE(e) << error;
  return e ? *e : TelnyxStreamEvent{};
}

TEST(TelnyxStream, ReadsTheConnectedAndStartFrames) {
  EXPECT_EQ(parsed(R"({"event":"connected","version":"1.0.0"})").kind, Kind::kConnected);
  const auto start = parsed(R"({"event":"start","sequence_number":"1","stream_id":"S-1",
      "start":{"user_id":"u","call_control_id":"v3:abc","from":"+13125550100",
      "to":"+13125550111","custom_parameters":{"k":"v"},
      "media_format":{"encoding":"PCMA","sample_rate":8000,"channels":1}}})");
  EXPECT_EQ(start.kind, Kind::kStart);
  EXPECT_EQ(start.stream_id, "S-1");
  EXPECT_EQ(start.sequence, 1);
  EXPECT_EQ(start.call_control_id, "v3:abc");
  EXPECT_EQ(start.encoding, "PCMA");
  EXPECT_EQ(start.sample_rate, 8000);
  EXPECT_EQ(start.channels, 1);
  EXPECT_EQ(start.custom_parameters.at("k"), "v");
}

TEST(TelnyxStream, ReadsMediaWithCountsAsStringsOrNumbers) {
  const auto media = parsed(R"({"event":"media","sequence_number":"4","stream_id":"S-1",
      "media":{"track":"inbound","chunk":"2","timestamp":"40","payload":"/39/fw=="}})");
  EXPECT_EQ(media.kind, Kind::kMedia);
  EXPECT_EQ(media.sequence, 4);
  EXPECT_EQ(media.track, "inbound");
  EXPECT_EQ(media.chunk, 2);
  EXPECT_EQ(media.timestamp_ms, 40);
  EXPECT_EQ(media.audio, std::string("\xff\x7f\x7f\x7f", 4));
  EXPECT_EQ(parsed(R"({"event":"media","media":{"chunk":7,"payload":""}})").chunk, 7);
}

TEST(TelnyxStream, ReadsDtmfMarkErrorAndStop) {
  const auto dtmf =
      parsed(R"({"event":"dtmf","stream_id":"S-1","sequence_number":"5","dtmf":{"digit":"#"}})");
  EXPECT_EQ(dtmf.kind, Kind::kDtmf);
  EXPECT_EQ(dtmf.digit, "#");
  const auto mark = parsed(R"({"event":"mark","stream_id":"S-1","mark":{"name":"u-1"}})");
  EXPECT_EQ(mark.kind, Kind::kMark);
  EXPECT_EQ(mark.mark_name, "u-1");
  const auto error = parsed(R"({"event":"error","stream_id":"S-1",
      "payload":{"code":100003,"title":"malformed_frame","detail":"bad base64"}})");
  EXPECT_EQ(error.kind, Kind::kError);
  EXPECT_EQ(error.error, "malformed_frame: bad base64");
  EXPECT_EQ(
      parsed(R"({"event":"stop","stream_id":"S-1","stop":{"call_control_id":"v3:abc"}})").kind,
      Kind::kStop);
}

TEST(TelnyxStream, RefusesWhatItCannotUseAndSaysWhy) {
  std::string error;
  EXPECT_FALSE(parse_telnyx_stream_event("[]", error));
  EXPECT_EQ(error, "not a JSON object");
  EXPECT_FALSE(parse_telnyx_stream_event(R"({"event":"hello"})", error));
  EXPECT_EQ(error, R"(unknown event "hello")");
  EXPECT_FALSE(parse_telnyx_stream_event(R"({"event":"media","media":{"payload":"***"}})", error));
  EXPECT_EQ(error, "media.payload is not base64");
  EXPECT_FALSE(parse_telnyx_stream_event(R"({"event":"dtmf","dtmf":{}})", error));
  EXPECT_EQ(error, "dtmf without digit");
}

TEST(TelnyxStream, WritesMediaMarkAndClear) {
  EXPECT_EQ(json::parse(telnyx_media_message(std::string("\xff\x7f", 2))),
            json::parse(R"({"event":"media","media":{"payload":"/38="}})"));
  EXPECT_EQ(json::parse(telnyx_mark_message("u-2")),
            json::parse(R"({"event":"mark","mark":{"name":"u-2"}})"));
  EXPECT_EQ(json::parse(telnyx_clear_message()), json::parse(R"({"event":"clear"})"));
}

using Out = std::vector<std::string>;

TEST(ChunkReorder, PassesChunksInOrderStraightThrough) {
  ChunkReorder r;
  EXPECT_EQ(r.push(1, "a"), Out{"a"});
  EXPECT_EQ(r.push(2, "b"), Out{"b"});
  EXPECT_EQ(r.push(0, "unnumbered"), Out{"unnumbered"});
  EXPECT_EQ(r.push(3, "c"), Out{"c"});
}

TEST(ChunkReorder, HoldsAnEarlyChunkUntilTheOnesBeforeItCome) {
  ChunkReorder r;
  EXPECT_EQ(r.push(2, "b"), Out{});
  EXPECT_EQ(r.push(3, "c"), Out{});
  EXPECT_EQ(r.push(1, "a"), (Out{"a", "b", "c"}));
  EXPECT_EQ(r.push(5, "e"), Out{});
  EXPECT_EQ(r.push(4, "d"), (Out{"d", "e"}));
}

TEST(ChunkReorder, DropsLateAndRepeatedChunks) {
  ChunkReorder r;
  EXPECT_EQ(r.push(1, "a"), Out{"a"});
  EXPECT_EQ(r.push(1, "a again"), Out{});
  EXPECT_EQ(r.push(3, "c"), Out{});
  EXPECT_EQ(r.push(3, "c again"), Out{});
  EXPECT_EQ(r.dropped(), 2u);
}

TEST(ChunkReorder, GivesUpOnALostChunkOnceTheWindowIsFull) {
  ChunkReorder r(3);
  EXPECT_EQ(r.push(1, "a"), Out{"a"});
  // 2 never comes: 3, 4, 5 wait; a fourth waiting chunk means 2 is lost.
  EXPECT_EQ(r.push(3, "c"), Out{});
  EXPECT_EQ(r.push(4, "d"), Out{});
  EXPECT_EQ(r.push(5, "e"), Out{});
  EXPECT_EQ(r.push(6, "f"), (Out{"c", "d", "e", "f"}));
  EXPECT_EQ(r.skipped(), 1u);
  EXPECT_EQ(r.push(2, "b too late"), Out{});
  EXPECT_EQ(r.push(7, "g"), Out{"g"});
}

TEST(ChunkReorder, CatchesUpWithAStreamThatStartsPastItsFirstChunk) {
  ChunkReorder r(2);
  EXPECT_EQ(r.push(40, "x"), Out{});
  EXPECT_EQ(r.push(41, "y"), Out{});
  EXPECT_EQ(r.push(42, "z"), (Out{"x", "y", "z"}));
  EXPECT_EQ(r.push(43, "w"), Out{"w"});
}

}  // namespace
}  // namespace sb::telephony
